"""A registry's manifest whose digests are not digests is not a model's: the update check
says "unknown" with the reason, instead of offering it as an update."""

import json

import httpx
import respx

from tui.ollama.models import ModelSummary
from tui.services.registry import UpdateChecker

REGISTRY = "http://127.0.0.1:9"
URL = f"{REGISTRY}/v2/library/m/manifests/latest"


def manifest(digest: str) -> bytes:
    return json.dumps({"schemaVersion": 2,
                       "config": {"digest": "sha256:" + "c" * 64, "size": 3},
                       "layers": [{"digest": digest, "size": 7}]}).encode()


async def check(body: bytes) -> tuple[str, str, int | None]:
    with respx.mock:
        respx.get(URL).mock(return_value=httpx.Response(200, content=body))
        checker = UpdateChecker(REGISTRY)
        result = await checker.check(ModelSummary.from_json(
            {"name": "m", "digest": "0" * 64, "size": 1}))
        await checker.aclose()
    return result.state, result.reason, result.new_size


async def test_a_manifest_listing_a_path_as_a_digest_is_unknown() -> None:
    for digest in ("../../../create", "/etc/passwd", "sha256:" + "A" * 64, "sha256:ab"):
        state, reason, size = await check(manifest(digest))
        assert state == "unknown" and size is None
        assert reason.startswith("127.0.0.1:9's manifest cannot be right: a layer's ")
        assert "is not a digest (sha256: and 64 lowercase hex digits)" in reason


async def test_a_manifest_of_true_digests_is_an_update_with_its_size() -> None:
    assert await check(manifest("sha256:" + "a" * 64)) == \
        ("update available", "127.0.0.1:9 has a newer version", 10)
