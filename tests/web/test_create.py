"""`POST …/models/create/` and `GET …/models/creates/` against the emulator's demo world: a
variant made over HTTP by the operation the CLI's `create` runs, its statuses polled, and
every refusal with its status code and the command line's own message."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.web.conftest import Web

CREATE = "/api/models/create/"
LONG = {"name": "llama3.2-32k", "from": "llama3.2",
        "parameters": {"num_ctx": 32768, "temperature": 0.2, "stop": ["<|end|>"]},
        "system": "You answer in one line."}


async def creates(web: Web) -> dict[str, dict[str, Any]]:
    data = (await web.get("/api/models/creates/")).json()
    assert data["count"] == len(data["creates"])
    return {c["model"]: c for c in data["creates"]}


async def wait_create(web: Web, name: str, timeout: float = 10.0) -> list[dict[str, Any]]:
    """Poll …/creates/ until `name` stops running; every state seen on the way."""
    seen = []
    async with asyncio.timeout(timeout):
        while True:
            job = (await creates(web))[name]
            seen.append(job)
            if job["state"] != "running":
                return seen
            await asyncio.sleep(0.01)


def creates_sent(web: Web) -> list[dict[str, Any]]:
    return [r.body for r in web.emulator.requests if r.path == "/api/create" and r.body]


@pytest.mark.parametrize("prefix", ["/quantum-goose-app/api/", "/api/"])
async def test_a_variant_made_over_http_has_its_parameters_and_system_prompt(
        web: Web, prefix: str) -> None:
    response = await web.post(prefix + "models/create/", LONG)
    assert response.status_code == 200
    assert response.json() == {"status": "started", "model": "llama3.2-32k:latest",
                               "base": "llama3.2:latest", "message": "Started creating "
                               "llama3.2-32k:latest from llama3.2:latest"}
    job = (await wait_create(web, "llama3.2-32k:latest"))[-1]
    assert job["state"] == "done" and job["error"] == ""
    assert job["message"] == "Created llama3.2-32k:latest from llama3.2:latest"
    assert job["statuses"][-2:] == ["writing manifest", "success"]
    # What Ollama was asked, and what the new model carries (/api/show).
    sent, = creates_sent(web)
    assert (sent["model"], sent["from"], sent["system"]) == \
        ("llama3.2-32k:latest", "llama3.2:latest", "You answer in one line.")
    info = await web.session.client.show("llama3.2-32k")
    params = dict(info.parameter_lines())
    assert params["num_ctx"] == "32768" and params["temperature"] == "0.2"
    assert params["stop"] == '"<|end|>"' and info.system == "You answer in one line."
    listed = (await web.get(prefix + "models/")).json()
    assert "llama3.2-32k:latest" in [m["name"] for m in listed["models"]]
    # Its recipe is kept, as the CLI's is: `rebuild` will know it.
    (name, _), = web.session.history.recipes(web.session.client.base_url).values()
    assert name == "llama3.2-32k:latest"


async def test_a_quantize_shows_its_progress_while_it_runs(web: Web) -> None:
    web.emulator.pull_rate = 2e8  # nomic-embed-text's 274 MB of F16 in over a second
    body = {"name": "nomic-q8", "from": "nomic-embed-text", "quantize": "q8_0"}
    assert (await web.post(CREATE, body)).status_code == 200
    seen = await wait_create(web, "nomic-q8:latest")
    counting = [s for s in seen if s["state"] == "running" and 0 < s["fraction"] < 1]
    assert counting, seen
    assert counting[0]["status_text"] == "quantizing F16 model to Q8_0"
    assert counting[0]["total"] > counting[0]["completed"] > 0
    assert seen[-1]["state"] == "done"
    made = next(m for m in (await web.get("/api/models/")).json()["models"]
                if m["name"] == "nomic-q8:latest")
    assert made["details"]["quantization_level"] == "Q8_0"


async def test_a_context_may_be_written_32k(web: Web) -> None:
    response = await web.post(CREATE, {"name": "mine", "from": "llama3.2",
                                       "parameters": {"num_ctx": "32k"}})
    assert response.status_code == 200
    assert (await wait_create(web, "mine:latest"))[-1]["state"] == "done"
    info = await web.session.client.show("mine")
    assert dict(info.parameter_lines())["num_ctx"] == "32768"


@pytest.mark.parametrize(("body", "message"), [
    ({"parameters": {"num-ctx": 4096}}, "unknown parameter 'num-ctx' (did you mean num_ctx?)"),
    ({"parameters": {"temperature": "warm"}}, "temperature must be a number, not 'warm'"),
    ({"parameters": {"num_ctx": 0}}, "num_ctx must be above 0, not 0"),
    ({"parameters": {"num_ctx": 2.5}}, "num_ctx must be a whole number, not 2.5"),
    ({"parameters": {"num_ctx": "lots"}},
     "num_ctx must be a number of tokens like 32768 or 32k, not 'lots'"),
    ({"parameters": {"stop": [""]}}, "stop has an empty entry"),
    ({"quantize": "Q8_0"}, "cannot quantize llama3.2:latest: the weights are already "
                           "quantized (Q4_K_M): Ollama quantizes only F16, BF16 and F32 "
                           "weights"),
    ({"quantize": "Q2"}, "unknown quantization type Q2"),
    ({"from": "llama3.2:latest", "name": "llama3.2"},
     "llama3.2:latest is the base itself: give the variant a name of its own"),
])
async def test_a_wrong_parameter_is_400_with_the_command_lines_message(
        web: Web, body: dict[str, Any], message: str) -> None:
    response = await web.post(CREATE, {"name": "mine", "from": "llama3.2", **body})
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert response.json()["status"] == "error"
    assert creates_sent(web) == [] and await creates(web) == {}


@pytest.mark.parametrize(("body", "message"), [
    ({"from": "llama3.2"}, 'the model is missing: give the new name as "name"'),
    ({"name": "mine"}, 'the model is missing: give the base model as "from"'),
    ({"name": "mine", "from": "llama3.2", "sytem": "x"}, "unknown field 'sytem'"),
    ({"name": "bad name!", "from": "llama3.2"}, "invalid model name"),
    ({"name": "mine", "from": "llama3.2", "parameters": [1]}, '"parameters" must be an object'),
    ({"name": "mine", "from": "llama3.2", "system": 3}, '"system" must be a string'),
    ({"name": "mine", "from": "llama3.2", "replace": "yes"}, '"replace" must be true or false'),
])
async def test_a_malformed_body_is_400_and_ollama_is_not_asked(
        web: Web, body: dict[str, Any], message: str) -> None:
    response = await web.post(CREATE, body)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert creates_sent(web) == []


async def test_a_body_sent_as_a_form_is_415(web: Web) -> None:
    response = await web.call("POST", CREATE, data={"name": "mine", "from": "llama3.2"})
    assert response.status_code == 415


async def test_an_unknown_base_is_404(web: Web) -> None:
    response = await web.post(CREATE, {"name": "mine", "from": "nosuch"})
    assert response.status_code == 404
    assert response.json() == {"status": "error", "model": "mine:latest",
                               "message": "nosuch:latest is not installed here: pull it first"}
    assert creates_sent(web) == []


async def test_a_taken_name_is_409_unless_replace_is_asked(web: Web) -> None:
    response = await web.post(CREATE, {"name": "mistral", "from": "llama3.2",
                                       "system": "Be brief."})
    assert response.status_code == 409
    assert response.json()["message"] == \
        'mistral:latest already exists: send "replace": true to replace it'
    assert creates_sent(web) == []
    response = await web.post(CREATE, {"name": "mistral", "from": "llama3.2",
                                       "system": "Be brief.", "replace": True})
    assert response.status_code == 200
    assert (await wait_create(web, "mistral:latest"))[-1]["state"] == "done"
    assert (await web.session.client.show("mistral")).system == "Be brief."


async def test_a_cloud_base_is_refused(web: Web) -> None:
    response = await web.post(CREATE, {"name": "mine", "from": "glm-4.6:cloud"})
    assert response.status_code == 409
    assert response.json()["message"] == ("glm-4.6:cloud is a cloud model: variants are made "
                                          "from local ones")


async def test_a_second_create_of_the_same_name_is_refused_while_the_first_runs(
        web: Web) -> None:
    web.emulator.pull_rate = 5e7  # a quantize of several seconds
    body = {"name": "nomic-q8", "from": "nomic-embed-text", "quantize": "Q8_0"}
    assert (await web.post(CREATE, body)).status_code == 200
    again = await web.post(CREATE, {**body, "replace": True})
    assert again.status_code == 409
    assert again.json()["message"] == ("nomic-q8:latest is already being created (see "
                                       "…/models/creates/)")
    assert len(creates_sent(web)) == 1


async def test_a_create_that_breaks_after_it_began_says_why_in_creates(web: Web) -> None:
    web.emulator.faults.cut_after_events = 1
    web.emulator.faults.paths = ("/api/create",)
    response = await web.post(CREATE, LONG)
    assert response.status_code == 200  # Ollama had begun
    job = (await wait_create(web, "llama3.2-32k:latest"))[-1]
    assert job["state"] == "failed" and job["error"]
    assert job["message"] == f"cannot create llama3.2-32k:latest: {job['error']}"


async def test_ollama_down_is_503_and_nothing_is_started(web: Web) -> None:
    await web.emulator.stop()
    response = await web.post(CREATE, LONG)
    assert response.status_code == 503
    assert response.json()["message"].startswith("cannot reach Ollama")
    assert await creates(web) == {}


async def test_a_create_from_another_site_is_refused(web: Web) -> None:
    response = await web.post(CREATE, LONG, headers={"Origin": "http://evil.example",
                                                     "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert creates_sent(web) == []


async def test_an_oversized_create_is_413(web: Web) -> None:
    response = await web.post(CREATE, {**LONG, "system": "x" * 20000})
    assert response.status_code == 413
    assert creates_sent(web) == []
