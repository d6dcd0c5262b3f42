"""Where Ollama versions differ in what the emulator shows (`--server-version`).

Kept apart from the server so the CLI can list the choices without importing aiohttp.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServerProfile:
    version: str  # what /api/version answers
    tags_capabilities: bool  # /api/tags lists capabilities and context/embedding lengths
    show_extras: bool  # /api/show adds renderer, parser, requires
    removing_status: str  # the pull status after writing the manifest, when layers went
    show_capabilities: bool = True  # /api/show lists capabilities (0.6 and later)
    show_tensors: bool = True  # /api/show lists every tensor (0.6 and later)
    # A pull stores the registry's manifest bytes as they came (0.19 and later); before,
    # Go's re-encoding of them, whose SHA-256 is then the digest /api/tags lists.
    raw_manifest: bool = False
    status_route: bool = False  # GET /api/status answers (cloud settings; 0.33)
    recommendations: bool = False  # GET /api/experimental/model-recommendations (0.23 on)
    model_refs: bool = False  # names parsed by internal/modelref (invalid → 400; 0.33)
    # Create from files rewrites the uploaded GGUF through llama-quantize (0.30 and later,
    # server/create.go): the weights, so the manifest, get a new digest.
    rewrites_uploaded_weights: bool = False


SERVER_VERSIONS = {
    "0.12": ServerProfile("0.12.10", False, False, "removing unused layers"),
    "0.33": ServerProfile("0.33.0", True, True, "removing unused layers", raw_manifest=True,
                          status_route=True, model_refs=True, recommendations=True,
                          rewrites_uploaded_weights=True),
    "0.1": ServerProfile("0.1.37", False, False, "removing any unused layers",
                         show_capabilities=False, show_tensors=False),
}
DEFAULT_VERSION = "0.12"
