"""Many clients at once: sets, pulls and deletes side by side stay consistent."""

from __future__ import annotations

import asyncio
import tomllib

from tests.web.conftest import Web


async def test_concurrent_sets_leave_one_current_model_everyone_agrees_on(web: Web) -> None:
    names = ["llama3.2:latest", "qwen2.5:7b"] * 10
    answers = await asyncio.gather(*(web.post("/api/models/set/", {"model": n})
                                     for n in names))
    assert [a.status_code for a in answers] == [200] * 20
    saved = tomllib.loads(web.settings.path.read_text())["current_model"]
    assert saved in names
    listed = (await web.get("/api/models/")).json()
    assert listed["current_model"] == saved
    assert [m["name"] for m in listed["models"] if m["is_current"]] == [saved]


async def test_concurrent_pulls_of_one_model_start_it_once(web: Web) -> None:
    web.emulator.pull_rate = 2e8
    answers = await asyncio.gather(*(web.post("/api/models/pull/", {"model": "smollm2:135m"})
                                     for _ in range(6)))
    assert sorted(a.status_code for a in answers) == [200] + [409] * 5
    assert len(web.emulator.pull_requests()) == 1
    assert (await web.wait_pull("smollm2:135m"))[-1]["state"] == "done"


async def test_concurrent_deletes_of_one_model_delete_it_once(web: Web) -> None:
    answers = await asyncio.gather(*(web.delete("/api/models/delete/?model=mistral")
                                     for _ in range(6)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [404] * 5
    freed = [a.json()["freed_bytes"] for a in answers if a.status_code == 200]
    assert freed[0] > 0


async def test_set_pull_delete_and_list_side_by_side(web: Web) -> None:
    web.emulator.pull_rate = 2e8
    set_, pull, delete, *lists = await asyncio.gather(
        web.post("/api/models/set/", {"model": "gemma3:4b"}),
        web.post("/api/models/pull/", {"model": "smollm2:135m"}),
        web.delete("/api/models/delete/?model=phi4:14b"),
        *(web.get("/api/models/") for _ in range(10)))
    assert (set_.status_code, pull.status_code, delete.status_code) == (200, 200, 200)
    assert all(answer.status_code == 200 for answer in lists)
    await web.wait_pull("smollm2:135m")
    data = (await web.get("/api/models/")).json()
    names = [m["name"] for m in data["models"]]
    assert "phi4:14b" not in names and "smollm2:135m" in names
    assert data["current_model"] == "gemma3:4b"
    installed = [m.name for m in await web.session.client.list_models()]
    assert names == installed  # what the API says is what Ollama has
