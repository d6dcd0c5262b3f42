"""`GET /api/experimental/model-recommendations`, as servers since 0.23 answer it.

Ollama keeps a list from ollama.com (refreshed every few hours, a built-in one until then)
and serves it as `{"recommendations": [...]}`: cloud models with their context and output
limits, local ones with the GPU memory they want (vram_bytes, in Go's 10^9-byte GB); a
field that is not set is left out (omitempty). Ours names models of the emulator's library.
"""

from __future__ import annotations

from aiohttp import web

from tui.emulator.wire import json_response

GB = 10**9
RECOMMENDATIONS = (
    {"model": "glm-4.6:cloud", "description": "Reasoning and code generation",
     "context_length": 202_752, "max_output_tokens": 131_072},
    {"model": "qwen3-coder:480b-cloud", "description": "Agentic coding over long contexts",
     "context_length": 262_144, "max_output_tokens": 65_536, "required_plan": "pro"},
    {"model": "gpt-oss:20b", "description": "Reasoning and tool use locally",
     "vram_bytes": 16 * GB},
    {"model": "gemma3:12b", "description": "Vision and text locally", "vram_bytes": 12 * GB},
    {"model": "qwen3:8b", "description": "Reasoning, coding and tools locally",
     "vram_bytes": 8 * GB},
)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/experimental/model-recommendations", _recommendations)


async def _recommendations(request: web.Request) -> web.Response:
    return json_response({"recommendations": list(RECOMMENDATIONS)})
