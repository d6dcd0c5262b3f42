"""`load`, `unload` and `fit` through the real entry point, against the emulator."""

import json
from pathlib import Path

import pytest

from tui.cli import parser as cli
from tui.cli.commands import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from tui.emulator.server import Emulator


@pytest.fixture
def run(threaded_emulator: Emulator, config_path: Path, capsys: pytest.CaptureFixture):
    # The emulator serves the registry side too: models not installed are read from it.
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(f'registry = "{threaded_emulator.url}"\n')

    def runner(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--host", threaded_emulator.url, "--config", str(config_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return runner


def loaded(run) -> dict[str, dict]:
    return {m["name"]: m for m in json.loads(run("ps", "--json")[1])["models"]}


def test_load_for_an_hour_then_unload_all(run) -> None:
    code, out, _ = run("load", "qwen2.5:7b", "--keep-alive", "1h", "--json")
    assert code == EXIT_OK
    assert json.loads(out) == {"status": "success", "model": "qwen2.5:7b", "keep_alive": "1h",
                               "message": "Loaded qwen2.5:7b for 1h"}
    assert set(loaded(run)) == {"qwen2.5:7b", "llama3.2:latest"}
    code, out, _ = run("load", "mistral", "--keep-alive", "forever")
    assert code == EXIT_OK and out == "Loaded mistral:latest until unloaded\n"
    code, out, _ = run("ps")
    assert "forever" in out and "100% GPU" in out
    # 12 GB of demo VRAM held llama3.2 and qwen2.5 but not mistral too: the oldest went.
    assert set(loaded(run)) == {"qwen2.5:7b", "mistral:latest"}
    code, out, _ = run("unload", "--all", "--json")
    results = json.loads(out)["results"]
    assert code == EXIT_OK and {r["model"] for r in results} == {"qwen2.5:7b", "mistral:latest"}
    assert loaded(run) == {}
    code, out, _ = run("unload", "--all")
    assert code == EXIT_OK and out == "No models were loaded.\n"


def test_every_kind_unloads_but_not_every_kind_loads(run) -> None:
    for name in ("nomic-embed-text", "glm-4.6:cloud"):
        assert run("unload", name)[0] == EXIT_OK
    code, _, err = run("load", "nomic-embed-text")
    assert code == EXIT_ERROR and "embedding models load when first used" in err
    code, out, err = run("load", "glm-4.6:cloud", "--json")
    assert code == EXIT_ERROR and "cloud model" in json.loads(out)["message"]
    assert "glm-4.6:cloud" not in loaded(run)


@pytest.mark.parametrize(("keep_alive", "reason"), [
    ("10x", 'unknown unit "x"'), ("soon", "invalid duration"), ("", "invalid duration")])
def test_a_bad_keep_alive_is_refused_before_asking(run, keep_alive, reason) -> None:
    code, _, err = run("load", "qwen2.5:7b", "--keep-alive", keep_alive)
    assert code == EXIT_USAGE and reason in err and "try 5m, 1h or forever" in err
    assert "qwen2.5:7b" not in loaded(run)


def test_fit_gives_the_estimate_and_a_verdict(run) -> None:
    code, out, _ = run("fit", "qwen3:8b", "--ctx", "32768", "--vram", "24GB", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and data["status"] == "success"
    # qwen3:8b in the demo: 36 layers, 8 KV heads of 4096/32 = 128.
    assert data["kv_cache_bytes"] == 32768 * 256 * 8 * 36 * 2
    assert data["total_bytes"] == (data["weights_bytes"] + data["kv_cache_bytes"]
                                   + data["projector_bytes"] + data["overhead_bytes"])
    assert (data["vram_bytes"], data["fits"], data["verdict"]) == (24 * 10**9, True, "fits")
    small = json.loads(run("fit", "qwen3:8b", "--ctx", "32768", "--kv-cache", "q4_0",
                           "--vram", "8GB", "--json")[1])
    assert small["kv_cache_bytes"] == data["kv_cache_bytes"] // 4 and small["fits"] is False
    no_vram = json.loads(run("fit", "qwen3:8b", "--json")[1])
    assert no_vram["fits"] is None and no_vram["context_length"] == 8192


def test_fit_as_a_table_and_its_refusals(run) -> None:
    code, out, _ = run("fit", "llava:7b", "--vram", "8GB")
    assert code == EXIT_OK and "On 8.0 GB  partly on CPU" in out
    assert "2,048" in out and "32,768" in out and "does not fit" in out
    code, _, err = run("fit", "nosuchmodel:0.6b")
    assert code == EXIT_ERROR and "has no nosuchmodel:0.6b (HTTP 404)" in err
    code, _, err = run("fit", "glm-4.6:cloud")
    assert code == EXIT_ERROR and "cloud model runs on ollama.com" in err
    code, _, err = run("fit", "qwen3:8b", "--vram", "lots")
    assert code == EXIT_USAGE and "is not a size" in err


def test_compare_two_and_four_models(run) -> None:
    code, out, _ = run("compare", "qwen3:8b", "deepseek-r1:8b", "--json")
    data = json.loads(out)
    rows = {r["field"]: r for r in data["rows"]}
    assert code == EXIT_OK and data["models"] == ["qwen3:8b", "deepseek-r1:8b"]
    assert rows["Layers"]["values"] == ["36", "36"] and not rows["Layers"]["differs"]
    assert rows["Capabilities"]["differs"] and rows["Context"]["values"] == ["40,960",
                                                                            "131,072"]
    assert data["template_diff"] == ""  # the same template
    code, out, _ = run("compare", "qwen3:8b", "qwen2.5:7b", "llava:7b", "mistral")
    assert code == EXIT_OK and "*  Family" in out and "mistral:latest" in out
    different = json.loads(run("compare", "qwen3:8b", "llava:7b", "--json")[1])
    assert different["template_diff"].startswith("--- qwen3:8b template")
    code, _, err = run("compare", "qwen3:8b")
    assert code == EXIT_USAGE and "two to four models" in err
    code, _, err = run("compare", "qwen3:8b", "nosuch")
    assert code == EXIT_ERROR and "nosuch:latest is not installed" in err


def test_bench_reports_what_ollama_measured(run, threaded_emulator: Emulator) -> None:
    from tui.emulator.replies import timings
    from tui.ollama.names import parse_name

    code, out, _ = run("bench", "qwen3:8b", "--runs", "3", "--prompt", "say hi", "--json")
    data = json.loads(out)
    model = threaded_emulator.store.find_installed(parse_name("qwen3:8b")).model
    cold, warm = timings(model, 2, 19, cold=True), timings(model, 2, 19, cold=False)
    assert code == EXIT_OK and data["runs"] == 3
    assert data["cold"]["load_s"] == round(cold["load_duration"] / 1e9, 3) > 1
    expected = warm["eval_count"] / (warm["eval_duration"] / 1e9)
    assert data["generation_tokens_per_s"]["median"] == round(expected, 2)
    prompt = warm["prompt_eval_count"] / (warm["prompt_eval_duration"] / 1e9)
    assert data["prompt_tokens_per_s"]["median"] == round(prompt, 2)


def test_bench_measures_embedding_models_in_inputs_a_second(run,
                                                          threaded_emulator: Emulator) -> None:
    from tui.emulator.replies import embed_timings
    from tui.ollama.names import parse_name
    from tui.services.bench import EMBED_INPUTS

    code, out, _ = run("bench", "nomic-embed-text", "--runs", "2", "--json")
    data = json.loads(out)
    model = threaded_emulator.store.find_installed(parse_name("nomic-embed-text")).model
    warm = embed_timings(model, list(EMBED_INPUTS), cold=False)
    expected = len(EMBED_INPUTS) / ((warm["total_duration"] - warm["load_duration"]) / 1e9)
    assert code == EXIT_OK and data["kind"] == "embed" and data["dimensions"] == 768
    assert data["inputs_per_s"]["median"] == round(expected, 2)
    assert [r.path for r in threaded_emulator.requests].count("/api/embed") == 2
    code, out, _ = run("bench", "nomic-embed-text", "--runs", "2")
    assert code == EXIT_OK and "inputs/s" in out


def test_bench_results_are_kept_for_the_tui(run, threaded_emulator: Emulator) -> None:
    from tui.services.history import History, default_history_path

    run("bench", "qwen3:8b", "--runs", "2", "--json")
    run("bench", "mistral", "--runs", "2", "--json")
    kept = History(default_history_path()).latest_benchmarks(threaded_emulator.url)
    by_name = {record.model: record for record in kept.values()}
    assert set(by_name) == {"qwen3:8b", "mistral:latest"}
    assert by_name["qwen3:8b"].unit == "tokens/s" and by_name["qwen3:8b"].speed > 0
    assert by_name["qwen3:8b"].figures["prompt"] == "Write one sentence about geese."


def test_bench_refuses_what_it_cannot_measure(run) -> None:
    code, _, err = run("bench", "glm-4.6:cloud")
    assert code == EXIT_ERROR and "runs on ollama.com" in err
    code, _, err = run("bench", "nosuch")
    assert code == EXIT_ERROR and "nosuch:latest is not installed" in err


def test_compare_shows_the_speed_measured_here(run) -> None:
    run("bench", "mistral", "--runs", "2", "--json")
    data = json.loads(run("compare", "mistral", "llama3.2", "--json")[1])
    speed = next(r for r in data["rows"] if r["field"] == "Speed here")
    assert speed["values"][0].endswith(" tokens/s") and speed["values"][1] == "not measured"
    assert speed["differs"]


def test_fit_takes_the_filters_context_units(run) -> None:
    by_number = json.loads(run("fit", "qwen3:8b", "--ctx", "32768", "--json")[1])
    by_unit = json.loads(run("fit", "qwen3:8b", "--ctx", "32k", "--json")[1])
    assert by_unit == by_number and by_unit["context_length"] == 32768
    with pytest.raises(SystemExit) as exited:
        run("fit", "qwen3:8b", "--ctx", "lots")
    assert exited.value.code == EXIT_USAGE


def test_unloading_a_model_that_is_not_loaded_says_so(run) -> None:
    code, out, _ = run("unload", "phi4:14b")
    assert code == EXIT_OK and out == "phi4:14b was not loaded\n"
    run("load", "phi4:14b")
    assert run("unload", "phi4:14b")[1] == "Unloaded phi4:14b\n"


def test_fit_of_a_model_not_installed_reads_its_registry(run) -> None:
    installed = json.loads(run("fit", "qwen3:8b", "--ctx", "8192", "--json")[1])
    assert run("rm", "qwen3:8b", "--json")[0] == EXIT_OK
    code, out, _ = run("fit", "qwen3:8b", "--ctx", "8192", "--json")
    registry = json.loads(out)
    assert code == EXIT_OK
    assert (installed["source"], registry["source"]) == ("installed", "registry")
    assert registry["kv_cache_bytes"] == installed["kv_cache_bytes"] == 8192 * 256 * 8 * 36 * 2
    assert registry["total_bytes"] == installed["total_bytes"]
    assert registry["download_bytes"] == installed["weights_bytes"]
    assert registry["file_type"] == "Q4_K_M" and registry["family"] == "qwen3"
    code, out, _ = run("fit", "qwen3:32b", "--vram", "12GB")
    assert code == EXIT_OK and "the registry (not installed)" in out
    assert "Download    20.0 GB" in out and "does not fit" in out


def test_pull_check_says_size_and_verdict_and_pulls_nothing(run, config_path: Path) -> None:
    config_path.write_text(config_path.read_text() + 'vram = "12GB"\nfit_context = 32768\n')
    code, out, err = run("pull", "qwen3:32b", "--check")
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith("qwen3:32b: 20.0 GB to download; at 32,768 tokens it needs ")
    assert out.rstrip().endswith(": does not fit on 12.0 GB")
    code, out, _ = run("pull", "qwen3:0.6b", "--check", "--json")
    data = json.loads(out)
    assert code == EXIT_OK and data["source"] == "registry" and data["verdict"] == "fits"
    assert "qwen3:0.6b" not in run("list")[1]  # nothing pulled
    code, _, err = run("pull", "nosuchmodel", "--check")
    assert code == EXIT_ERROR and "has no nosuchmodel:latest" in err


def test_each_host_is_judged_by_its_own_gpu(threaded_emulator: Emulator, config_path: Path,
                                            capsys: pytest.CaptureFixture) -> None:
    url = threaded_emulator.url
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(f'registry = "{url}"\nvram = "12GB"\n\n'
                           f'[hosts.big]\nurl = "{url}"\nvram = "24GB,24GB"\n\n'
                           f'[hosts.small]\nurl = "{url}"\n\n'
                           f'[hosts.odd]\nurl = "{url}"\nvram = "lots"\n')

    def verdict_on(host: str) -> str:
        code = cli.main(["--host", host, "--config", str(config_path),
                         "pull", "qwen3:32b", "--check", "--json"])
        out, err = capsys.readouterr()
        assert code == EXIT_OK, err
        return json.loads(out)["verdict"]

    assert verdict_on("big") == "fits"  # 48 GB of its own
    assert verdict_on("small") == "partly on CPU"  # the config's 12 GB
    cli.main(["--host", "small", "--config", str(config_path), "hosts"])
    err = capsys.readouterr().err
    assert "host 'odd'" in err and "'vram'" in err and "lots" in err


def test_without_vram_fit_judges_by_what_is_seen_in_use(run, threaded_emulator) -> None:
    threaded_emulator.vram = 5 * 10**9  # the emulated GPU; the config says nothing of it
    # Only llama3.2 (2.7 GB, all on the GPU) loaded: a lower bound, no "does not fit".
    code, out, _ = run("fit", "qwen3:8b")
    assert code == EXIT_OK
    assert "GPU        ≥ 2.7 GB seen in use; set vram in the config" in out
    assert "ON ≥ 2.7 GB SEEN IN USE" in out and "no verdict" in out
    assert "fits" not in out and "does not fit" not in out
    small = json.loads(run("fit", "qwen3:0.6b", "--json")[1])
    assert (small["vram_bytes"], small["vram_source"], small["vram_whole"]) == \
        (2_691_094_555, "seen", False)
    assert (small["verdict"], small["fits"]) == ("fits", True)  # 1.2 GB ≤ 2.7 GB in use
    # qwen3:8b (6.4 GB loaded) spills past the 5 GB GPU: the whole GPU is now known.
    assert run("load", "qwen3:8b")[0] == EXIT_OK
    code, out, _ = run("fit", "qwen3:8b")
    assert "On 5.0 GB (seen in use)  partly on CPU" in out
    assert "ON 5.0 GB (SEEN IN USE)" in out and "32,768   12.3 GB  does not fit" in out
    data = json.loads(run("fit", "qwen3:8b", "--json")[1])
    assert (data["vram_bytes"], data["vram_source"], data["vram_whole"]) == \
        (5 * 10**9, "seen", True)
    assert (data["verdict"], data["fits"]) == ("partly on CPU", False)
    code, out, _ = run("pull", "qwen3:32b", "--check")
    assert out.rstrip().endswith("23.3 GB: does not fit on 5.0 GB (seen in use)")
    # The configured figure always wins over what is seen.
    configured = json.loads(run("fit", "qwen3:8b", "--vram", "24GB", "--json")[1])
    assert (configured["vram_source"], configured["verdict"]) == ("config", "fits")


def test_nothing_loaded_and_no_vram_gives_no_verdict(run) -> None:
    assert run("unload", "--all")[0] == EXIT_OK
    data = json.loads(run("pull", "qwen3:0.6b", "--check", "--json")[1])
    assert (data["vram_bytes"], data["vram_source"], data["verdict"]) == (None, None, None)
    code, out, _ = run("pull", "qwen3:0.6b", "--check")
    assert out.rstrip().endswith("(set vram in the config for a verdict)")
