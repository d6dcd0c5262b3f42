"""The emulator's `/api/create` with `quantize`, as server/create.go does it: the refusal
comes before any status, and the reused layers are named only once the new ones exist."""

import json

import httpx

from tui.emulator.server import Emulator


async def _statuses(emulator: Emulator, body: dict) -> list[dict]:
    async with httpx.AsyncClient(base_url=emulator.url) as http:
        answer = await http.post("/api/create", json=body)
    return [json.loads(line) for line in answer.text.splitlines() if line.strip()]


async def test_quantize_progress_comes_before_the_layer_statuses(emulator: Emulator) -> None:
    lines = await _statuses(emulator, {"model": "q", "from": "nomic-embed-text",
                                       "quantize": "q4_K_M"})
    statuses = [line.get("status", "") for line in lines]
    first_layer = next(i for i, s in enumerate(statuses) if "layer sha256:" in s)
    last_quantizing = max(i for i, s in enumerate(statuses) if s.startswith("quantizing"))
    assert last_quantizing < first_layer
    assert sum(s.startswith("creating new layer") for s in statuses) >= 1
    assert statuses[-2:] == ["writing manifest", "success"]


async def test_quantize_of_a_quantized_model_is_refused_first(emulator: Emulator) -> None:
    lines = await _statuses(emulator, {"model": "q", "from": "llama3.2", "quantize": "Q8_0"})
    assert lines == [{"error": "quantization is only supported for F16, BF16 and F32 models"}]
