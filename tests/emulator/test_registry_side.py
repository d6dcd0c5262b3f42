"""The emulator's registry and what its servers store after a pull: before 0.19 (the 0.12
profile) Go's re-encoding of the manifest, whose SHA-256 /api/tags lists; from 0.19 (0.33)
the registry's bytes. Its registry lays some manifests out otherwise than Go, and serves
the small text blobs an update check reads."""

import hashlib
import json
from pathlib import Path

import httpx
import pytest

from tui.core.go_manifest import go_reencoding
from tui.emulator.names import parse_name
from tui.emulator.server import running_emulator
from tui.emulator.store import Store


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("version", ["0.12", "0.33"])
async def test_the_digest_listed_is_of_the_manifest_the_server_stored(version: str) -> None:
    async with running_emulator(server_version=version) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        await http.post("/api/generate", json={"model": "phi4:14b"})  # loaded: in /api/ps
        tags = {m["name"]: m["digest"] for m in (await http.get("/api/tags")).json()["models"]}
        ps = {m["name"]: m["digest"] for m in (await http.get("/api/ps")).json()["models"]}
        served = {name: (await http.get(f"/v2/library/{name.replace(':', '/manifests/')}"))
                  .content for name in ("phi4:14b", "qwen3:8b", "mistral:latest")}
    assert served["phi4:14b"].startswith(b'{\n   "schemaVersion": 2,')  # indented
    assert served["qwen3:8b"].startswith(b'{"layers":[{"size":')  # keys in another order
    assert served["mistral:latest"] == go_reencoding(served["mistral:latest"])  # as Go's
    for name, body in served.items():
        stored = body if version == "0.33" else go_reencoding(body)
        assert tags[name] == sha256(stored), name
    assert ps["phi4:14b"] == tags["phi4:14b"]
    assert (tags["phi4:14b"] == sha256(served["phi4:14b"])) is (version == "0.33")


@pytest.mark.parametrize("version", ["0.12", "0.33"])
async def test_the_models_dir_holds_the_stored_manifest(version: str, tmp_path: Path) -> None:
    store = Store.small(["tiny:1b"])
    store.install(store.publish("tiny:1b", style="pretty"), "tiny:1b")
    async with running_emulator(store=store, models_dir=tmp_path,
                                server_version=version) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        listed = (await http.get("/api/tags")).json()["models"][0]["digest"]
        served = (await http.get("/v2/library/tiny/manifests/1b")).content
    on_disk = (tmp_path / "manifests/registry.ollama.ai/library/tiny/1b").read_bytes()
    assert sha256(on_disk) == listed
    assert on_disk == (served if version == "0.33" else go_reencoding(served))


async def test_delete_and_copy_change_the_models_dir_as_ollama_does(tmp_path: Path) -> None:
    """Ollama's store is its disk: a delete removes the manifest file, a copy writes the
    source's bytes under the new name. A program reading the directory (a transfer's
    files way) sees what /api/tags lists, and so does a server started on it again."""
    manifests = tmp_path / "manifests/registry.ollama.ai/library"
    async with running_emulator(store=Store.small(["tiny:1b", "gone:1b"]),
                                models_dir=tmp_path) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        assert (await http.request("DELETE", "/api/delete", json={"model": "gone:1b"})) \
            .status_code == 200
        assert (await http.post("/api/copy", json={"source": "tiny:1b",
                                                   "destination": "me/twin:2"})).status_code == 200
        listed = {m["name"]: m["digest"] for m in (await http.get("/api/tags")).json()["models"]}
    assert sorted(listed) == ["me/twin:2", "tiny:1b"]
    assert not (manifests / "gone").exists()
    twin = tmp_path / "manifests/registry.ollama.ai/me/twin/2"
    assert twin.read_bytes() == (manifests / "tiny/1b").read_bytes()
    assert sha256(twin.read_bytes()) == listed["me/twin:2"] == listed["tiny:1b"]
    async with running_emulator(store=Store.small([]), models_dir=tmp_path) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        again = {m["name"]: m["digest"] for m in (await http.get("/api/tags")).json()["models"]}
    assert again == listed


async def test_the_registry_serves_text_blobs_and_redirects_weights() -> None:
    async with running_emulator() as emu, httpx.AsyncClient(base_url=emu.url) as http:
        manifest = (await http.get("/v2/library/gemma3/manifests/4b")).json()
        show = (await http.post("/api/show", json={"model": "gemma3:4b"})).json()
        layers = {layer["mediaType"].rsplit(".", 1)[1]: layer for layer in manifest["layers"]}
        blobs = {kind: await http.get(f"/v2/library/gemma3/blobs/{layer['digest']}")
                 for kind, layer in layers.items()}
        head = await http.head(f"/v2/library/gemma3/blobs/{layers['template']['digest']}")
        elsewhere = await http.get(f"/v2/library/mistral/blobs/{layers['template']['digest']}")
        emu.faults.registry_status = 503
        failing = await http.get(f"/v2/library/gemma3/blobs/{layers['template']['digest']}")
    for kind in ("template", "license", "params"):
        answer = blobs[kind]
        assert answer.status_code == 200 and answer.headers["docker-content-digest"] == \
            layers[kind]["digest"] == "sha256:" + sha256(answer.content), kind
        assert len(answer.content) == layers[kind]["size"]
    assert blobs["template"].content.decode() == show["template"]
    assert blobs["license"].content.decode() == show["license"]
    assert json.loads(blobs["params"].content) == {
        "stop": ["<end_of_turn>"], "temperature": 1, "top_k": 64, "top_p": 0.95}
    assert b"\\u003cend_of_turn\\u003e" in blobs["params"].content  # Go wrote it
    # Weights go to a storage host, as on the real registry.
    assert blobs["model"].status_code == 307 and \
        blobs["model"].headers["location"] == f"/storage/blobs/{layers['model']['digest']}"
    assert head.status_code == 200 and head.content == b""
    assert elsewhere.status_code == 404  # another repository's blob
    assert failing.status_code == 503


async def test_a_published_version_changes_only_what_it_says() -> None:
    async with running_emulator() as emu, httpx.AsyncClient(base_url=emu.url) as http:
        before = (await http.get("/v2/library/mistral/manifests/latest")).json()
        emu.store.publish("mistral:latest", ("template",), style="reordered")
        after = (await http.get("/v2/library/mistral/manifests/latest")).json()
        template = next(layer for layer in after["layers"]
                        if layer["mediaType"].endswith(".template"))
        blob = await http.get(f"/v2/library/mistral/blobs/{template['digest']}")
    changed = [(a["mediaType"], a == b) for a, b in zip(after["layers"], before["layers"],
                                                        strict=True)]
    assert [same for media, same in changed if not media.endswith(".template")] == [True] * 3
    assert not dict(changed)["application/vnd.ollama.image.template"]
    assert after["config"]["digest"] != before["config"]["digest"]
    assert blob.content.decode().endswith("{{- /* updated */ -}}")


@pytest.mark.parametrize("name", ["llama3.2:latest", "qwen3:32b", "llava:7b",
                                  "gpt-oss:20b-cloud"])
async def test_every_config_blob_is_the_bytes_its_digest_names(name: str) -> None:
    model, tag = name.split(":")
    async with running_emulator() as emu, \
            httpx.AsyncClient(base_url=emu.url, follow_redirects=True) as http:
        manifest = (await http.get(f"/v2/library/{model}/manifests/{tag}")).json()
        config = manifest["config"]
        body = (await http.get(f"/v2/library/{model}/blobs/{config['digest']}")).content
    assert "sha256:" + sha256(body) == config["digest"] and len(body) == config["size"]
    settings = json.loads(body)
    assert settings["model_format"] == "gguf" and settings["rootfs"]["diff_ids"] == \
        [layer["digest"] for layer in manifest["layers"]]
    if name == "llama3.2:latest":  # the real registry's config, byte for byte
        assert config["digest"].startswith("sha256:34bb5ab01051") and config["size"] == 561


def blob_files(directory: Path) -> set[str]:
    return {p.name.replace("-", ":", 1) for p in (directory / "blobs").iterdir()}


@pytest.mark.parametrize("noprune", ["", "1"])
async def test_a_delete_prunes_the_blobs_no_other_model_uses(
        tmp_path: Path, noprune: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Manifest.RemoveLayers after a delete, whatever OLLAMA_NOPRUNE says (it only keeps
    the blobs a pull replaced, and those found unused at start)."""
    monkeypatch.setenv("OLLAMA_NOPRUNE", noprune)
    store = Store.small(["tiny:1b", "gone:1b"])
    gone, tiny = (store.find_installed(parse_name(n)) for n in ("gone:1b", "tiny:1b"))
    assert gone is not None and tiny is not None
    own = {la.digest for la in gone.model.layers} - {la.digest for la in tiny.model.layers}
    shared = {la.digest for la in gone.model.layers} & {la.digest for la in tiny.model.layers}
    assert own and shared  # its weights and config; the template, license and params
    async with running_emulator(store=store, models_dir=tmp_path) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        before = blob_files(tmp_path)
        assert (await http.request("DELETE", "/api/delete", json={"model": "gone:1b"})) \
            .status_code == 200
    assert own <= before and shared <= before
    assert blob_files(tmp_path) == before - own


@pytest.mark.parametrize("version", ["0.12", "0.33"])
async def test_a_pull_writes_its_blobs_and_manifest_into_the_models_dir(
        tmp_path: Path, version: str) -> None:
    async with running_emulator(store=Store.small(["tiny:1b"]), models_dir=tmp_path,
                                server_version=version, pull_rate=1e9,
                                progress_interval=0.001) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:
        await http.request("DELETE", "/api/delete", json={"model": "tiny:1b"})
        assert not blob_files(tmp_path)
        assert (await http.post("/api/pull", json={"model": "tiny:1b", "stream": False})) \
            .json() == {"status": "success"}
        listed = (await http.get("/api/tags")).json()["models"][0]["digest"]
        served = (await http.get("/v2/library/tiny/manifests/1b")).content
    on_disk = (tmp_path / "manifests/registry.ollama.ai/library/tiny/1b").read_bytes()
    assert sha256(on_disk) == listed
    assert on_disk == (served if version == "0.33" else go_reencoding(served))
    layers = [json.loads(on_disk)["config"], *json.loads(on_disk)["layers"]]
    for layer in layers:  # every blob there, whole and true to its digest
        blob = (tmp_path / "blobs" / layer["digest"].replace(":", "-")).read_bytes()
        assert "sha256:" + sha256(blob) == layer["digest"] and len(blob) == layer["size"]
    async with running_emulator(store=Store.small([]), models_dir=tmp_path,
                                server_version=version) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http:  # Ollama started again on it
        again = (await http.get("/api/tags")).json()["models"]
    assert [(m["name"], m["digest"]) for m in again] == [("tiny:1b", listed)]


@pytest.mark.parametrize("noprune", ["", "true"])
async def test_a_repull_that_replaced_layers_prunes_them_unless_noprune(
        tmp_path: Path, noprune: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_NOPRUNE", noprune)
    store = Store.small(["tiny:1b"])
    old = store.find_installed(parse_name("tiny:1b"))
    assert old is not None
    new = store.publish("tiny:1b", ("template",))
    replaced = {la.digest for la in old.model.layers} - {la.digest for la in new.layers}
    async with running_emulator(store=store, models_dir=tmp_path, pull_rate=1e9,
                                progress_interval=0.001) as emu, \
            httpx.AsyncClient(base_url=emu.url) as http, \
            http.stream("POST", "/api/pull", json={"model": "tiny:1b"}) as response:
        statuses = [json.loads(line).get("status") async for line in response.aiter_lines()]
    files = blob_files(tmp_path)
    assert {la.digest for la in new.layers} <= files
    assert len(replaced) == 2  # the template and the config listing it
    if noprune:
        assert replaced <= files and "removing unused layers" not in statuses
    else:
        assert not replaced & files and statuses[-2:] == ["removing unused layers", "success"]
