"""How an emulated Ollama before 0.19 stores a pulled manifest: decoded into its Go struct and
written back with `json.Marshal`, so the digest it lists is the SHA-256 of Go's bytes, not of
the registry's (fixed upstream in 0.19, #15104).

The emulator's own copy (it imports nothing of the app): enough for the well-formed manifests
its registry serves. Only the struct's fields survive, in its order (`schemaVersion`,
`mediaType`, `config`, `layers`; a layer's `mediaType`, `digest`, `size`, then `from` when not
empty), compact, with Go's escaping of `<` `>` `&` and U+2028/U+2029.
"""

from __future__ import annotations

import json
from typing import Any

_GO_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                             "\u2028": "\\u2028", "\u2029": "\\u2029"})


def go_json(value: Any) -> bytes:
    """json.Marshal's bytes for plain values: compact, UTF-8, HTML-escaped."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) \
        .translate(_GO_ESCAPES).encode()


def _layer(data: dict[str, Any]) -> dict[str, Any]:
    out = {"mediaType": data.get("mediaType") or "", "digest": data.get("digest") or "",
           "size": data.get("size") or 0}
    if data.get("from"):
        out["from"] = data["from"]
    return out


def go_reencoded(raw: bytes) -> bytes:
    """The manifest file a pull of `raw` leaves on a server before 0.19."""
    data = json.loads(raw)
    layers = data.get("layers")
    return go_json({"schemaVersion": data.get("schemaVersion") or 0,
                    "mediaType": data.get("mediaType") or "",
                    "config": _layer(data.get("config") or {}),
                    "layers": None if layers is None else [_layer(x) for x in layers]})
