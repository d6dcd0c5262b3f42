"""Fuzzing (hypothesis): arbitrary JSON, byte chunkings, host strings and model names.

Whatever a server or a user sends, the result is a value or a clear OllamaError / one-line
message: never a traceback, never a raw control byte on the terminal. Examples per test
come from QGOOSE_FUZZ_EXAMPLES (default 150 for the suite; a long hunt: 5000).
"""

from __future__ import annotations

import contextlib
import json
import os
import unicodedata
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.cli import parser as cli
from tui.core.format import processor_text, until_text
from tui.core.model_columns import COLUMNS
from tui.core.model_facts import model_facts, model_sections
from tui.ollama import OllamaClient, OllamaError
from tui.ollama.host import resolve_base_url
from tui.ollama.models import ModelInfo, ModelSummary, PullEvent, RunningModel
from tui.ollama.ndjson import NdjsonDecoder
from tui.ollama.progress import PullProgress

FUZZ = settings(max_examples=int(os.environ.get("QGOOSE_FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

# JSON values, biased towards the keys and odd values Ollama's parsers look at.
KEYS = st.sampled_from(["name", "model", "size", "digest", "modified_at", "details", "family",
                        "families", "parameter_size", "quantization_level", "capabilities",
                        "remote_host", "remote_model", "model_info", "license", "template",
                        "parameters", "expires_at", "size_vram", "context_length", "status",
                        "total", "completed", "error", "general.architecture",
                        "general.parameter_count", "llama.context_length", "models"])
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
           | st.text(max_size=40) | st.sampled_from(["\x1b[2J", "0001-01-01T00:00:00Z",
                                                     "2318-12-05T21:47:02.903047553Z", "-5",
                                                     "1e300", "[bold]x[/]", "llama"]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(KEYS | st.text(max_size=8), inner, max_size=6),
                    max_leaves=25)
OBJECTS = st.dictionaries(KEYS, JSON, max_size=10)


def printable_everywhere(texts: list[str]) -> bool:
    """No control character (ESC, CSI, BEL, DEL…) but newlines and tabs: nothing a
    terminal would obey."""
    return all(ch in "\n\t" or unicodedata.category(ch) != "Cc" for text in texts
               for ch in text)


@FUZZ
@given(OBJECTS, OBJECTS, OBJECTS, OBJECTS)
def test_parsers_take_any_object(tag: dict, show: dict, ps: dict, pull: dict) -> None:
    summary = ModelSummary.from_json(tag)
    info = ModelInfo.from_json("m", show)
    running = RunningModel.from_json(ps)
    event = PullEvent.from_json(pull)
    # What the grid, the info panel and `ollama ps` show: computed without error.
    for column in COLUMNS:
        column.text(summary)
        column.sort_key(summary)
    model_facts(summary, info)
    model_sections(info)
    processor_text(running.gpu_fraction)
    until_text(running.expires_at)
    PullProgress().feed(event, now=0.0)
    assert 0 <= summary.size <= 1 << 50 and 0.0 <= running.gpu_fraction <= 1.0
    json.dumps(summary.to_json()), json.dumps(info.to_json()), json.dumps(running.to_json())


@FUZZ
@given(st.binary(max_size=300), st.lists(st.integers(0, 300), max_size=10))
def test_the_ndjson_decoder_takes_any_bytes_in_any_chunking(data: bytes, cuts: list) -> None:
    decoder = NdjsonDecoder(max_line=100)
    edges = [0, *sorted(cuts), len(data)]
    with contextlib.suppress(OllamaError):  # not JSON, or a line too long: said clearly
        for a, b in zip(edges, edges[1:], strict=False):
            decoder.feed(data[a:b])
        decoder.close()


def _mocked(body: bytes, content_type: str = "application/json") -> respx.MockRouter:
    router = respx.mock(base_url="http://fuzz.test", assert_all_called=False)
    for method, path in (("GET", "/api/tags"), ("GET", "/api/ps"), ("POST", "/api/show"),
                         ("GET", "/api/version"), ("POST", "/api/pull")):
        router.route(method=method, path=path).respond(
            200, content=body, headers={"Content-Type": content_type})
    return router


@FUZZ
@given(JSON | st.binary(max_size=200), st.sampled_from(["application/json", "text/plain",
                                                        "application/x-ndjson"]))
async def test_the_client_turns_any_answer_into_data_or_an_ollama_error(
        body: Any, content_type: str) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with _mocked(raw, content_type):
        async with OllamaClient("http://fuzz.test") as client:
            for call in (client.list_models, client.ps, client.version,
                         lambda: client.show("llama3.2")):
                with contextlib.suppress(OllamaError):
                    await call()
            with contextlib.suppress(OllamaError):
                async for _ in client.pull("llama3.2"):
                    pass


HOSTS = st.text(max_size=60) | st.sampled_from([
    "999.1.1.1", "http://[::1", "http://xn--a.com", "\x00", "a" * 3000, "http://u:p@h:1/x",
    "ollama.com", ":", "[::1]:99999", "https://", "ftp://x", "http://h:port", "-",
])


@FUZZ
@given(HOSTS)
def test_any_host_string_is_a_url_or_a_clear_refusal(host: str) -> None:
    try:
        url = resolve_base_url(host)
    except ValueError as exc:
        assert "\n" not in str(exc) and str(exc)
    else:
        assert httpx.URL(url).host or url.startswith("http")


@pytest.fixture
def refusing_network():
    """Every request fails to connect: the CLI's answers without a real network."""
    with respx.mock(assert_all_called=False) as router:
        router.route().mock(side_effect=httpx.ConnectError("connection refused"))
        yield


@FUZZ
@given(host=HOSTS, command=st.sampled_from(["list", "status", "ps"]))
def test_the_cli_with_any_host_answers_in_one_clean_line(host, command, refusing_network,
                                                         capsys, tmp_path) -> None:
    capsys.readouterr()
    code = cli.main([f"--host={host}", "--config", str(tmp_path / "c.toml"), command, "--json"])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2, 3)
    assert printable_everywhere([out, err])
    if out:
        json.loads(out)  # the JSON contract holds, even for a refused host
    assert len(err.strip().splitlines()) <= 2  # the error (and at most one warning)


NAMES = st.text(max_size=40) | st.sampled_from(["llama3.2", "a//b", "m:", "/m", "x" * 400,
                                                "hf.co/u/r:Q4", "\x1b[2J", "-rf", "名前"])


@FUZZ
@given(name=NAMES, command=st.sampled_from(["info", "pull", "rm", "use"]))
def test_the_cli_with_any_model_name_never_shows_a_traceback(name, command, capsys,
                                                             tmp_path) -> None:
    capsys.readouterr()
    not_found = httpx.Response(404, json={"error": f"model '{name}' not found"})
    with respx.mock(assert_all_called=False) as router:
        router.route().mock(return_value=not_found)
        router.get(path="/api/tags").respond(json={"models": []})
        args = [command, name, "--json"] + (["--yes"] if command == "rm" else [])
        try:
            code = cli.main(["--host", "http://fuzz.test:1", "--config",
                             str(tmp_path / "c.toml"), *args])
        except SystemExit as usage:  # argparse: a name like "-x" reads as an option
            code = usage.code
    out, err = capsys.readouterr()
    assert code in (0, 1, 2, 3)
    assert printable_everywhere([out, err]) and "Traceback" not in err
    if out.startswith("usage:"):
        return  # a name of "-h" (or "--he"): argparse's help, as asked, not JSON
    for line in out.splitlines():
        json.loads(line)
