"""The filter language: a table of queries and the models each keeps; never an exception."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.filter_query import Facts, parse_query
from tui.ollama.models import ModelSummary


def model(name: str, family: str, params: str, quant: str, size: float, caps=(), ctx=None,
          remote: bool = False) -> ModelSummary:
    details = {"family": family, "families": [family], "parameter_size": params,
               "quantization_level": quant}
    if ctx:
        details["context_length"] = ctx
    data = {"name": name, "size": int(size), "details": details, "capabilities": list(caps)}
    if remote:
        data["remote_host"] = "https://ollama.com:443"
    return ModelSummary.from_json(data)


MODELS = [
    model("llama3.2:latest", "llama", "3.2B", "Q4_K_M", 2.0e9, ("completion", "tools"), 131072),
    model("llava:7b", "llama", "7B", "Q4_0", 4.7e9, ("completion", "vision"), 32768),
    model("gemma3:4b", "gemma3", "4.3B", "Q4_K_M", 3.3e9, ("completion", "vision"), 131072),
    model("qwen3:8b", "qwen3", "8.2B", "Q4_K_M", 5.2e9, ("completion", "tools", "thinking"),
          40960),
    model("nomic-embed-text:latest", "nomic-bert", "137M", "F16", 274e6, ("embedding",), 2048),
    model("qwen2.5-coder:7b", "qwen2", "7.6B", "Q8_0", 8.1e9, ("completion", "insert"), 32768),
    model("glm-4.6:cloud", "glm4", "355B", "FP8", 366, ("completion", "tools"), remote=True),
]
FACTS = Facts(loaded={"registry.ollama.ai/library/llama3.2:latest"},
              current="registry.ollama.ai/library/qwen3:8b",
              update_state=lambda m: "update available" if m.name == "llava:7b"
              else "up to date")


@pytest.mark.parametrize(("query", "expected"), [
    ("", [m.name for m in MODELS]),
    ("qwen", ["qwen3:8b", "qwen2.5-coder:7b"]),
    ("cap:vision", ["llava:7b", "gemma3:4b"]),
    ("outdated", ["llava:7b"]),
    ("-outdated cap:vision", ["gemma3:4b"]),
    ("cap:vision size<5GB", ["llava:7b", "gemma3:4b"]),
    ("cap:vision size<4GB", ["gemma3:4b"]),
    ("cap:tools -cloud", ["llama3.2:latest", "qwen3:8b"]),
    ("params>=7b", ["llava:7b", "qwen3:8b", "qwen2.5-coder:7b", "glm-4.6:cloud"]),
    ("params<1b", ["nomic-embed-text:latest"]),
    ("ctx>=32k", ["llama3.2:latest", "llava:7b", "gemma3:4b", "qwen3:8b", "qwen2.5-coder:7b"]),
    ("ctx>32k", ["llama3.2:latest", "gemma3:4b", "qwen3:8b"]),
    ("family:llama", ["llama3.2:latest", "llava:7b"]),
    ("quant:q4", ["llama3.2:latest", "llava:7b", "gemma3:4b", "qwen3:8b"]),
    ("quant:q4 -family:llama", ["gemma3:4b", "qwen3:8b"]),
    ("name:coder", ["qwen2.5-coder:7b"]),
    ("cloud", ["glm-4.6:cloud"]),
    ("loaded", ["llama3.2:latest"]),
    ("current", ["qwen3:8b"]),
    ("-cap:completion", ["nomic-embed-text:latest"]),
    ("CAP:Vision", ["llava:7b", "gemma3:4b"]),
    ("size>=1GB -cloud cap:completion params<5b", ["llama3.2:latest", "gemma3:4b"]),
])
def test_queries_keep_the_right_models(query: str, expected: list[str]) -> None:
    parsed = parse_query(query, FACTS)
    assert parsed.problems == []
    assert [m.name for m in MODELS if parsed.accepts(m)] == expected


@pytest.mark.parametrize(("query", "problem"), [
    ("size<<5", "size<<5: '<5' is not a size"),
    ("size<big", "is not a size"),
    ("params>=lots", "is not a number"),
    ("colour:red", "unknown field 'colour'"),
    ("cap:", "cap: needs a value, like cap:vision"),
    ("name:", "name: needs a value, like name:coder"),
    ("unused>soon", "write it as unused>30d"),
    ("vram<5", "only size, params, ctx can be compared"),
    # Terms that used to be read silently wrong: a typo, 5 bytes, 7 parameters.
    ("cap:visoin", "no model has the capability 'visoin': did you mean cap:vision?"),
    ("cap:zzz", "try completion, tools"),
    ("size<5", "a size needs a unit: did you mean size<5GB?"),
    ("params>7", "a parameter count needs a unit: did you mean params>7b?"),
])
def test_unreadable_terms_are_reported_and_the_rest_still_filters(query, problem) -> None:
    parsed = parse_query(f"{query} cap:vision", FACTS)
    assert len(parsed.problems) == 1 and problem in parsed.problems[0]
    assert "::" not in parsed.problems[0]
    assert [m.name for m in MODELS if parsed.accepts(m)] == ["llava:7b", "gemma3:4b"]


def test_a_capability_prefix_and_plain_context_numbers_are_fine() -> None:
    assert parse_query("cap:vis ctx>=8192 size<500MB params>500m").problems == []


def test_details_are_needed_only_for_capabilities_and_context() -> None:
    assert parse_query("cap:tools").needs_details and parse_query("ctx>8k").needs_details
    assert not parse_query("qwen size<5GB params>1b loaded").needs_details


def test_unknown_capabilities_match_nothing_but_a_negation() -> None:
    unknown = Facts(capabilities=lambda m: None)
    assert not any(parse_query("cap:vision", unknown).accepts(m) for m in MODELS)
    assert all(parse_query("-cap:vision", unknown).accepts(m) for m in MODELS)


@given(st.text(max_size=60))
def test_any_text_parses_and_filters_without_raising(text: str) -> None:
    parsed = parse_query(text, FACTS)
    for m in MODELS:
        parsed.accepts(m)
    assert all(isinstance(p, str) for p in parsed.problems)


def test_unused_counts_from_the_last_use_or_from_arrival() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 11, 28, tzinfo=UTC)

    def dated(name: str, days_ago: int) -> ModelSummary:
        return ModelSummary.from_json({"name": name + ":latest", "size": 1, "modified_at":
                                       (now - timedelta(days=days_ago)).isoformat()})

    models = [dated("old-used-lately", 400), dated("old-never-used", 400),
              dated("fresh-never-used", 2), dated("used-long-ago", 400)]
    last = {"old-used-lately:latest": now - timedelta(days=1),
            "used-long-ago:latest": now - timedelta(days=90)}
    facts = Facts(last_used=lambda m: last.get(m.name), now=lambda: now)
    assert [m.name for m in models if parse_query("unused>30d", facts).accepts(m)] == \
        ["old-never-used:latest", "used-long-ago:latest"]
    assert [m.name for m in models if parse_query("unused>26w", facts).accepts(m)] == \
        ["old-never-used:latest"]
    assert [m.name for m in models if parse_query("-unused>30d", facts).accepts(m)] == \
        ["old-used-lately:latest", "fresh-never-used:latest"]


def test_the_readme_and_the_command_help_name_every_term(capsys) -> None:
    from pathlib import Path

    from tui.cli.parser import main
    from tui.core.filter_query import TERMS

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme[readme.index("**The filter language**"):][:1500]
    with pytest.raises(SystemExit):
        main(["list", "--help"])
    listing = " ".join(capsys.readouterr().out.split())
    for term, _ in TERMS[1:]:  # the first stands for any word
        assert f"`{term}`" in section, term
        assert term in listing, term
