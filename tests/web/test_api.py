"""Every endpoint of `serve` against the emulator: the seed's JSON, field for field, and
every error status."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.web.conftest import JSON, SEED, Web
from tui.services.config import Settings, load_settings


def assert_seed_shape(seed: Any, ours: Any, where: str = "$") -> None:
    """Every field of the seed's example is in our answer, with a value of the same kind."""
    if isinstance(seed, dict):
        assert isinstance(ours, dict), f"{where}: {ours!r} is not an object"
        for key, value in seed.items():
            assert key in ours, f"{where}.{key} is missing"
            assert_seed_shape(value, ours[key], f"{where}.{key}")
    elif isinstance(seed, list):
        assert isinstance(ours, list) and ours, f"{where}: not a list with entries"
        for index, item in enumerate(ours):
            assert_seed_shape(seed[0], item, f"{where}[{index}]")
    else:
        assert type(ours) is type(seed), f"{where}: {ours!r} is not like {seed!r}"


def seed_message(endpoint: str, model: str) -> str:
    """The seed's message for this endpoint, about `model` instead of its example's."""
    example = SEED[endpoint].get("response", SEED[endpoint])
    return example["message"].replace(example["model"], model)


@pytest.mark.parametrize("prefix", ["/quantum-goose-app/api/", "/api/"])
async def test_list_is_the_seeds_shape_with_the_current_model_marked(web: Web,
                                                                     prefix: str) -> None:
    data = (await web.get(prefix + "models/")).json()
    assert_seed_shape(SEED["GET /quantum-goose-app/api/models/"], data)
    assert data["status"] == "success" and data["ollama_available"] is True
    installed = [m.name for m in await web.session.client.list_models()]
    assert [m["name"] for m in data["models"]] == installed
    assert data["count"] == len(installed) == 10
    # glm-4.6:cloud is the seed's default current model, and the emulator has it.
    assert data["current_model"] == "glm-4.6:cloud"
    assert [m["name"] for m in data["models"] if m["is_current"]] == ["glm-4.6:cloud"]


async def test_set_is_the_seeds_shape_and_is_the_one_current_model(web: Web) -> None:
    response = await web.post("/quantum-goose-app/api/models/set/", {"model": "llama3.2"})
    data = response.json()
    assert response.status_code == 200
    assert_seed_shape(SEED["POST /quantum-goose-app/api/models/set/"]["response"], data)
    assert data == {"status": "success", "model": "llama3.2:latest",
                    "message": seed_message("POST /quantum-goose-app/api/models/set/",
                                            "llama3.2:latest")}
    # The config key every program reads: a fresh load (the TUI, `use`, `current`) sees it.
    assert load_settings(web.settings.path).current_model == "llama3.2:latest"
    listed = (await web.get("/api/models/")).json()
    assert listed["current_model"] == "llama3.2:latest"
    assert [m["name"] for m in listed["models"] if m["is_current"]] == ["llama3.2:latest"]


async def test_a_model_set_elsewhere_is_the_current_model_here_at_once(web: Web) -> None:
    """`qgoose-tui use` or the TUI in another process write the config: serve follows."""
    from tui.services.config import set_current_model

    other = Settings(path=web.settings.path)
    set_current_model(other, ["qwen2.5:7b"], "qwen2.5:7b")
    data = (await web.get("/api/models/")).json()
    assert data["current_model"] == "qwen2.5:7b"
    assert (await web.get("/api/models/status/")).json()["current_model"] == "qwen2.5:7b"


async def test_set_refuses_a_model_that_is_not_installed(web: Web) -> None:
    response = await web.post("/api/models/set/", {"model": "nosuch"})
    assert response.status_code == 404
    assert response.json() == {
        "status": "error", "model": "nosuch:latest",
        "message": "nosuch:latest is not installed, so it cannot be the current model; "
                   "pull it first with: qgoose-tui pull nosuch:latest"}
    assert not web.settings.path.exists()  # nothing was written


async def test_pull_answers_at_once_and_its_progress_shows_until_done(web: Web) -> None:
    web.emulator.pull_rate = 1e9  # smollm2:135m: about a quarter of a second
    assert "smollm2:135m" not in [m.name for m in await web.session.client.list_models()]
    response = await web.post("/quantum-goose-app/api/models/pull/", {"model": "smollm2:135m"})
    data = response.json()
    assert response.status_code == 200
    assert_seed_shape(SEED["POST /quantum-goose-app/api/models/pull/"]["response"], data)
    assert data == {"status": "started", "model": "smollm2:135m",
                    "message": seed_message("POST /quantum-goose-app/api/models/pull/",
                                            "smollm2:135m")}
    seen = await web.wait_pull("smollm2:135m")
    assert seen[0]["state"] == "running"  # answered before the pull was over
    downloading = [p for p in seen if p["phase"] == "downloading" and p["total"]]
    assert downloading, "no progress was seen while it downloaded"
    assert all(0 <= p["completed"] <= p["total"] for p in downloading)
    fractions = [p["fraction"] for p in seen]
    assert fractions == sorted(fractions)  # progress only goes forward
    done = seen[-1]
    assert done["state"] == "done" and done["fraction"] == 1.0 and done["error"] == ""
    assert done["completed"] == done["total"] > 270_000_000  # the weights and small layers
    # "done" means the list already shows it.
    names = [m["name"] for m in (await web.get("/api/models/")).json()["models"]]
    assert "smollm2:135m" in names


async def test_a_pull_that_fails_says_why_in_pulls(web: Web) -> None:
    response = await web.post("/api/models/pull/", {"model": "no-such-model:1b"})
    assert response.status_code == 200  # the registry is asked in the background
    failed = (await web.wait_pull("no-such-model:1b"))[-1]
    assert failed["state"] == "failed"
    assert "file does not exist" in failed["error"]


async def test_a_second_pull_of_the_same_model_is_refused_while_the_first_runs(
        web: Web) -> None:
    web.emulator.pull_rate = 1e8  # a few seconds: still running at the second request
    first = await web.post("/api/models/pull/", {"model": "smollm2:135m"})
    second = await web.post("/api/models/pull/", {"model": "SmolLM2:135m"})  # the same
    assert first.status_code == 200 and second.status_code == 409
    assert second.json() == {"status": "error", "model": "SmolLM2:135m",
                             "message": "SmolLM2:135m is already being pulled (see "
                                        "…/models/pulls/)"}
    pulls = await web.pulls()
    assert list(pulls) == ["smollm2:135m"] and pulls["smollm2:135m"]["state"] == "running"
    assert pulls["smollm2:135m"]["kind"] == "pull"  # pushes are listed beside pulls


async def test_delete_is_the_seeds_shape_and_says_what_it_freed(web: Web) -> None:
    size = next(m.size for m in await web.session.client.list_models()
                if m.name == "mistral:latest")
    space = (await web.get("/api/models/space/?model=mistral")).json()
    assert space["freed_bytes"] == space["size"] == size and not space["shared_with"]
    assert space["message"] == "Deleting mistral:latest frees 4.1 GB of disk"
    assert space["is_current"] is False
    response = await web.delete("/quantum-goose-app/api/models/delete/?model=mistral:latest")
    data = response.json()
    assert response.status_code == 200
    assert_seed_shape(SEED["DELETE /quantum-goose-app/api/models/delete/?model=llama2:latest"],
                      data)
    assert data == {"status": "success", "model": "mistral:latest",
                    "message": seed_message(
                        "DELETE /quantum-goose-app/api/models/delete/?model=llama2:latest",
                        "mistral:latest"),
                    "freed_bytes": size, "freed_is_approximate": False}
    assert "mistral:latest" not in [m.name for m in await web.session.client.list_models()]
    names = [m["name"] for m in (await web.get("/api/models/")).json()["models"]]
    assert "mistral:latest" not in names


async def test_deleting_a_copy_frees_nothing_and_says_so(web: Web) -> None:
    await web.session.client.copy("qwen2.5:7b", "my-qwen:latest")
    space = (await web.get("/api/models/space/?model=my-qwen")).json()
    assert space["freed_bytes"] == 0 and space["shared_with"] == ["qwen2.5:7b"]
    assert space["message"] == ("Deleting my-qwen:latest frees nothing: its data is shared "
                                "with qwen2.5:7b")
    data = (await web.delete("/api/models/delete/?model=my-qwen")).json()
    assert data["freed_bytes"] == 0 and data["status"] == "success"


async def test_deleting_the_current_model_says_so(web: Web) -> None:
    await web.post("/api/models/set/", {"model": "phi4:14b"})
    assert (await web.get("/api/models/space/?model=phi4:14b")).json()["is_current"] is True
    data = (await web.delete("/api/models/delete/?model=phi4:14b")).json()
    assert data["note"] == ("phi4:14b was the current model; it is no longer installed "
                            "(set another)")


async def test_info_is_the_seeds_shape(web: Web) -> None:
    response = await web.get("/quantum-goose-app/api/models/info/?model=glm-4.6:cloud")
    data = response.json()
    assert response.status_code == 200
    assert_seed_shape(SEED["GET /quantum-goose-app/api/models/info/?model=glm-4.6:cloud"], data)
    assert data["model"] == data["info"]["model"] == "glm-4.6:cloud"
    llava = (await web.get("/api/models/info/?model=llava:7b")).json()["info"]
    assert llava["details"]["family"] == "llama" and "vision" in llava["capabilities"]
    assert llava["template"]  # Ollama's text, passed on as it is


async def test_status_says_what_ollama_has(web: Web) -> None:
    data = (await web.get("/api/models/status/")).json()
    assert data["status"] == "success" and data["ollama_available"] is True
    assert data["version"] == (await web.session.client.version())
    assert data["count"] == 10 and data["current_model"] == "glm-4.6:cloud"
    assert data["current_model_installed"] is True and data["disk_used"] > 0
    assert data["host"] == web.emulator.url


async def test_popular_models_are_the_configs(web: Web) -> None:
    data = (await web.get("/api/models/popular/")).json()
    assert [m["name"] for m in data["models"]] == web.settings.popular_models
    llama = data["models"][0]
    assert llama == {"name": "llama3.2", "about": "Meta Llama 3.2 3B", "size": 2_019_393_189}


# -- errors -----------------------------------------------------------------------------
@pytest.mark.parametrize(("body", "message"), [
    ({}, 'the model is missing: give the model as {"model": NAME}'),
    ({"model": ""}, 'the model is missing: give the model as {"model": NAME}'),
    ({"model": 5}, 'the model must be a string: give the model as {"model": NAME}'),
    ({"model": "bad name"}, "invalid model name 'bad name': the model part may not contain ' '"),
    ({"model": "x:"}, "invalid model name 'x:': the tag after ':' is empty"),
    (["llama3.2"], 'the body must be a JSON object, like {"model": "llama3.2"}'),
])
async def test_bad_input_is_400_and_ollama_is_not_asked(web: Web, body: Any,
                                                       message: str) -> None:
    asked = len(web.emulator.requests)
    for path in ("/api/models/set/", "/api/models/pull/"):
        response = await web.post(path, body)
        assert response.status_code == 400
        assert response.json()["status"] == "error"
        assert response.json()["message"] == message
    assert len(web.emulator.requests) == asked
    assert not web.settings.path.exists()


async def test_a_body_that_is_not_json_is_400(web: Web) -> None:
    response = await web.call("POST", "/api/models/set/", content=b'{"model": "ll',
                              headers=JSON)
    assert response.status_code == 400
    assert response.json()["message"].startswith("the body is not valid JSON:")
    response = await web.call("POST", "/api/models/set/", content=b"\xff\xfe", headers=JSON)
    assert response.status_code == 400


async def test_a_body_nested_too_deep_is_400_not_an_internal_error(web: Web, capfd) -> None:
    # 6 KB of brackets, well under the size limit: Python's decoder recursed past its limit
    # and the API answered 500 "internal error (RecursionError)" with a line on stderr.
    deep = b'{"model": ' + b"[" * 3000 + b"]" * 3000 + b"}"
    for path in ("/api/models/set/", "/api/models/pull/", "/api/models/create/"):
        response = await web.call("POST", path, content=deep, headers=JSON)
        assert response.status_code == 400, response.text
        assert response.json()["message"] == \
            "the body is not valid JSON: JSON nested more than 64 levels deep"
    assert "internal error" not in capfd.readouterr().err
    assert not web.emulator.pull_requests() and not web.settings.path.exists()


async def test_a_body_sent_as_a_form_is_415(web: Web) -> None:
    response = await web.call("POST", "/api/models/pull/", content=b"model=llama3.2",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415
    assert "application/json" in response.json()["message"]
    assert not web.emulator.pull_requests()


async def test_an_oversized_body_is_413_whether_its_length_is_said_or_not(web: Web) -> None:
    big = b'{"model": "' + b"a" * 20_000 + b'"}'
    response = await web.call("POST", "/api/models/set/", content=big, headers=JSON)
    assert response.status_code == 413
    assert response.json()["message"] == ("the request body is 20013 bytes; at most 16384 "
                                          "are taken")

    async def chunks():  # no Content-Length: chunked, counted as it arrives
        for _ in range(40):
            yield b" " * 1000

    response = await web.call("POST", "/api/models/pull/", content=chunks(), headers=JSON)
    assert response.status_code == 413
    assert response.json()["message"] == "the request body is too large (at most 16384 bytes)"
    assert not web.emulator.pull_requests()


@pytest.mark.parametrize("path", ["/api/models/info/", "/api/models/delete/",
                                  "/api/models/space/"])
async def test_a_missing_or_bad_model_in_the_query_is_400(web: Web, path: str) -> None:
    method = "DELETE" if "delete" in path else "GET"
    asked = len(web.emulator.requests)
    missing = await web.call(method, path)
    assert missing.status_code == 400
    assert missing.json()["message"] == "the model is missing: give the model as ?model=NAME"
    bad = await web.call(method, path + "?model=a/b/c/d:e:f")
    assert bad.status_code == 400 and "invalid model name" in bad.json()["message"]
    twice = await web.call(method, path + "?model=llama3.2&model=mistral")
    assert twice.status_code == 400 and twice.json()["message"] == \
        "give one model (?model=NAME once)"
    assert len(web.emulator.requests) == asked


async def test_a_model_that_is_not_installed_is_404(web: Web) -> None:
    for method, path in [("DELETE", "/api/models/delete/?model=nosuch"),
                         ("GET", "/api/models/info/?model=nosuch"),
                         ("GET", "/api/models/space/?model=nosuch")]:
        response = await web.call(method, path)
        assert response.status_code == 404, path
        assert response.json()["status"] == "error"
        assert "nosuch:latest" in response.json()["message"] and \
            "not found" in response.json()["message"]


async def test_unknown_paths_and_methods_answer_json(web: Web) -> None:
    response = await web.http.get("/api/models")
    assert response.status_code == 404 and response.json() == {
        "status": "error", "message": "no such page: /api/models (the API's paths end with '/')"}
    response = await web.http.get("/api/models/set/")
    assert response.status_code == 405
    assert response.json()["message"] == "GET is not allowed on /api/models/set/"
    assert response.headers["Allow"] == "POST"


async def test_ollama_down_lists_200_unavailable_and_the_rest_is_503(web: Web) -> None:
    await web.emulator.stop()
    response = await web.get("/quantum-goose-app/api/models/")
    data = response.json()
    assert response.status_code == 200  # the seed's page expects an answer it can show
    assert data["ollama_available"] is False and data["models"] == [] and data["count"] == 0
    assert data["status"] == "error" and "cannot reach Ollama" in data["message"]
    assert data["current_model"] == "glm-4.6:cloud"
    status = await web.get("/api/models/status/")
    assert status.status_code == 200 and status.json()["ollama_available"] is False
    for method, path, body in [("POST", "/api/models/set/", {"model": "llama3.2"}),
                               ("POST", "/api/models/pull/", {"model": "llama3.2"}),
                               ("DELETE", "/api/models/delete/?model=llama3.2", None),
                               ("GET", "/api/models/info/?model=llama3.2", None),
                               ("GET", "/api/models/space/?model=llama3.2", None)]:
        response = await web.call(method, path, **({"json": body} if body else {}))
        assert response.status_code == 503, path
        assert "cannot reach Ollama" in response.json()["message"]
    assert not web.session.pulls  # nothing was started
    await web.emulator.start()  # back: answers again at the next request
    assert (await web.get("/api/models/")).json()["ollama_available"] is True


async def test_ollama_answering_with_errors_is_502(web: Web) -> None:
    web.emulator.faults.error_500 = "something broke"
    data = (await web.get("/api/models/")).json()
    assert data["status"] == "error" and "something broke" in data["message"]
    response = await web.post("/api/models/set/", {"model": "llama3.2"})
    assert response.status_code == 502 and "something broke" in response.json()["message"]


async def test_a_config_that_cannot_be_written_is_500_and_says_why(web: Web) -> None:
    web.settings.path.mkdir(parents=True)  # a directory where the file should be
    response = await web.post("/api/models/set/", {"model": "llama3.2"})
    assert response.status_code == 500
    assert str(web.settings.path) in response.json()["message"]


async def test_json_answers_are_never_cached(web: Web) -> None:
    response = await web.get("/api/models/")
    assert response.headers["Cache-Control"] == "no-store"


async def test_requests_are_answered_while_a_pull_streams(web: Web) -> None:
    """The pull runs in the server's loop: the API still answers at once meanwhile."""
    web.emulator.pull_rate = 1e8
    await web.post("/api/models/pull/", {"model": "smollm2:135m"})
    async with asyncio.timeout(2):
        for _ in range(5):
            assert (await web.get("/api/models/")).status_code == 200
    assert (await web.pulls())["smollm2:135m"]["state"] == "running"


async def test_the_page_and_its_files_are_served(web: Web) -> None:
    page = await web.http.get("/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    for path, kind in [("/static/app.js", "text/javascript"), ("/static/app.css", "text/css")]:
        response = await web.http.get(path)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith(kind)
        assert path in page.text


async def test_http_client_errors_are_not_500(web: Web) -> None:
    """A request line nobody sends (a huge query) is refused by aiohttp, not by a crash."""
    response = await web.http.get("/api/models/info/?model=" + "a" * 20_000)
    assert response.status_code in (400, 414, 431)
    assert (await web.get("/api/models/")).status_code == 200
