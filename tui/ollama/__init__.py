"""An async client for Ollama's HTTP API. It knows nothing of the UI."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.ollama.errors import (
    ConnectionLostError,
    InvalidNameError,
    ModelNotFoundError,
    OllamaError,
    OllamaTimeoutError,
    ProtocolError,
    PullFailedError,
    PushRefusedError,
    ServerError,
    UnreachableError,
)
from tui.ollama.models import ModelDetails, ModelInfo, ModelSummary, PullEvent, RunningModel

if TYPE_CHECKING:
    from tui.ollama.client import OllamaClient


def __getattr__(name: str) -> Any:
    # The client brings httpx (~40 ms to import): only when it is used, so the names, the
    # data classes and the TUI's first frame (drawn from the saved list) do without it.
    if name == "OllamaClient":
        from tui.ollama.client import OllamaClient

        return OllamaClient
    raise AttributeError(name)

__all__ = [
    "ConnectionLostError",
    "InvalidNameError",
    "ModelDetails",
    "ModelInfo",
    "ModelNotFoundError",
    "ModelSummary",
    "OllamaClient",
    "OllamaError",
    "OllamaTimeoutError",
    "ProtocolError",
    "PullEvent",
    "PullFailedError",
    "PushRefusedError",
    "RunningModel",
    "ServerError",
    "UnreachableError",
]
