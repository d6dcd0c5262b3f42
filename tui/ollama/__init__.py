"""An async client for Ollama's HTTP API. It knows nothing of the UI."""

from tui.ollama.client import OllamaClient
from tui.ollama.errors import (
    ConnectionLostError,
    InvalidNameError,
    ModelNotFoundError,
    OllamaError,
    OllamaTimeoutError,
    ProtocolError,
    PullFailedError,
    ServerError,
    UnreachableError,
)
from tui.ollama.models import ModelDetails, ModelInfo, ModelSummary, PullEvent, RunningModel

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
    "RunningModel",
    "ServerError",
    "UnreachableError",
]
