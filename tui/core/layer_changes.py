"""What a registry's newer version of a model changes: new weights, or only its template,
parameters, system prompt or license, and how many bytes the update downloads.

The registry's manifest lists each layer's digest and size. The local side is known from
/api/show: the weights (and projectors, adapters) by the blob paths of the modelfile's FROM
and ADAPTER lines, the template, system prompt and a single license by their text, whose
SHA-256 is their layer's digest (Ollama keeps those layers as the bytes of the text). The
parameters are shown only as text, so their registry blob is read and compared by value,
as are licenses when there are several. Pure: the caller fetches what `to_read` names.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tui.core.format import human_size
from tui.ollama.json_limits import loads_bounded
from tui.ollama.models import ModelInfo

# The parts a person recognises, in the order a sentence names them.
PARTS = ("weights", "projector", "adapter", "template", "system", "parameters", "license",
         "messages", "other", "config")
_LABELS = {"projector": "vision projector", "system": "system prompt",
           "other": "other layers", "config": "configuration"}
_PART_OF = {"model": "weights", "embed": "weights", "tensor": "weights",
            "projector": "projector", "adapter": "adapter", "template": "template",
            "prompt": "template", "system": "system", "params": "parameters",
            "license": "license", "messages": "messages"}
_MEDIA_PREFIX = "application/vnd.ollama.image."
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_BLOB_LINE = re.compile(r'^(FROM|ADAPTER)\s+"?.*?blobs[/\\]sha256[-:]([0-9a-f]{64})"?\s*$')
DEFAULT_TEMPLATE = "{{ .Prompt }}"  # what /api/show says of a model without a template
MAX_READS = 8  # text blobs read for one model, at most


@dataclass(frozen=True)
class RegistryLayer:
    part: str  # one of PARTS
    digest: str  # "sha256:" + 64 hex
    size: int


@dataclass(frozen=True)
class Changes:
    parts: tuple[str, ...]  # what differs, in PARTS order; "config" only when nothing else
    download_size: int  # bytes of the changed layers (and the new config)

    def sentence(self) -> str:
        """ "new weights, 4.7 GB to download", "template and parameters changed, 1.2 KB to
        download"."""
        size = f"{human_size(self.download_size)} to download"
        rest = [_LABELS.get(part, part) for part in self.parts if part != "weights"]
        if "weights" in self.parts:
            return f"new weights{' and ' + _listed(rest) if rest else ''}, {size}"
        if self.parts == ("config",):
            return f"only its configuration changed, {size}"
        return f"{_listed(rest)} changed, {size}"


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def registry_layers(body: bytes) -> list[RegistryLayer] | None:
    """The manifest's layers and config by part, or None when any is not a well-formed
    layer (then nothing is said about the update)."""
    try:
        data = loads_bounded(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("layers"), list):
        return None
    found = []
    for entry in [*data["layers"], data.get("config")]:
        is_config = entry is data.get("config")
        if is_config and entry is None:
            continue
        if not isinstance(entry, dict):
            return None
        media, digest, size = entry.get("mediaType"), entry.get("digest"), entry.get("size")
        if not (isinstance(media, str) and isinstance(digest, str) and _DIGEST.fullmatch(digest)
                and isinstance(size, int) and not isinstance(size, bool) and 0 <= size < 2**50):
            return None
        part = "config" if is_config else \
            _PART_OF.get(media.removeprefix(_MEDIA_PREFIX), "other") \
            if media.startswith(_MEDIA_PREFIX) else "other"
        found.append(RegistryLayer(part, digest, size))
    return found


def to_read(layers: Iterable[RegistryLayer]) -> list[RegistryLayer]:
    """The registry blobs to read to compare the parameters and a set of licenses."""
    layers = list(layers)
    licenses = [layer for layer in layers if layer.part == "license"]
    wanted = [layer for layer in layers if layer.part == "parameters"]
    wanted += licenses if len(licenses) > 1 else []
    return wanted[:MAX_READS]


def compare(layers: list[RegistryLayer], info: ModelInfo,
            texts: Mapping[str, bytes | None]) -> Changes | None:
    """What differs between the registry's `layers` and the local model `info`; `texts`
    holds the blobs `to_read` named (None: could not be read, so counted as changed).
    None when the local weights are not known (an old server's modelfile)."""
    local = _local_blobs(info.modelfile)
    if not local.get("FROM"):
        return None
    weights, *projectors = local["FROM"]
    known = {"weights": {weights}, "projector": set(projectors),
             "adapter": set(local.get("ADAPTER", ()))}
    by_part: dict[str, list[RegistryLayer]] = {}
    for layer in layers:
        by_part.setdefault(layer.part, []).append(layer)
    changed: dict[str, int] = {}
    for part in PARTS:
        here = by_part.get(part, [])
        if part in known:
            new = [layer for layer in here if layer.digest not in known[part]]
            if new or (part != "weights" and len(here) != len(known[part])):
                changed[part] = sum(layer.size for layer in new)
        elif part != "config" and not _same_text(part, here, info, texts):
            changed[part] = sum(layer.size for layer in here)
    config = sum(layer.size for layer in by_part.get("config", []))
    return Changes(tuple(changed) or ("config",), sum(changed.values()) + config)


def _local_blobs(modelfile: str) -> dict[str, list[str]]:
    """The FROM and ADAPTER blob digests at the head of /api/show's modelfile (the model
    first, then its projectors), before the first TEMPLATE, PARAMETER… line."""
    found: dict[str, list[str]] = {}
    for line in modelfile.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _BLOB_LINE.match(line)
        if match is None:
            break
        found.setdefault(match.group(1), []).append("sha256:" + match.group(2))
    return found


def _sha256(text: str) -> str:
    # Ollama never sends a lone surrogate; a server that does gets a digest that matches
    # nothing, not a crash.
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def _same_text(part: str, layers: list[RegistryLayer], info: ModelInfo,
               texts: Mapping[str, bytes | None]) -> bool:
    local = {"template": info.template, "system": info.system, "license": info.license,
             "parameters": info.parameters}.get(part)
    if local is None:
        return not layers  # messages and unknown layers: not comparable, so changed
    if not layers:  # none in the registry: the same only if there is none here either
        return not local.strip() or (part == "template" and local == DEFAULT_TEMPLATE)
    if part == "parameters":
        data = texts.get(layers[0].digest)
        return len(layers) == 1 and data is not None and \
            _blob_parameters(data) == _shown_parameters(local)
    if len(layers) == 1:
        return layers[0].digest == _sha256(local)
    read = [texts.get(layer.digest) for layer in layers]  # several licenses, shown joined
    return all(data is not None for data in read) and \
        "\n".join(data.decode("utf-8", "replace") for data in read if data is not None) == local


# -- parameters, compared by value --------------------------------------------------------
_GO_ESCAPE = re.compile(r'\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[abfnrtv\\\'"])')
_NAMED = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _go_unquote(text: str) -> str:
    """The inside of a Go-quoted string (/api/show prints string parameters with %#v)."""
    def one(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape[0] in "xuU":
            code = int(escape[1:], 16)
            return chr(code) if code <= 0x10FFFF else "\ufffd"
        return _NAMED.get(escape, escape)

    return _GO_ESCAPE.sub(one, text)


def _value(item: Any) -> tuple[str, Any]:
    if isinstance(item, bool):
        return ("bool", item)
    if isinstance(item, int | float):
        return ("number", float(item))
    if isinstance(item, str):
        return ("text", item)
    return ("other", json.dumps(item, sort_keys=True))


def _shown_parameters(text: str) -> dict[str, list[tuple[str, Any]]]:
    """/api/show's `parameters` ("stop    "<|im_end|>"" a line, any order of keys)."""
    values: dict[str, list[tuple[str, Any]]] = {}
    for line in text.splitlines():
        key, _, shown = line.strip().partition(" ")
        if not key:
            continue
        shown = shown.strip()
        if len(shown) >= 2 and shown[0] == shown[-1] == '"':
            item: tuple[str, Any] = ("text", _go_unquote(shown[1:-1]))
        elif shown in ("true", "false"):
            item = ("bool", shown == "true")
        else:
            try:
                item = ("number", float(shown))
            except ValueError:
                item = ("other", shown)
        values.setdefault(key, []).append(item)
    return values


def _blob_parameters(data: bytes) -> dict[str, list[tuple[str, Any]]] | None:
    """A params blob: one JSON object, a list for a repeated parameter (`stop`)."""
    try:
        parsed = loads_bounded(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(parsed, dict):
        return None
    return {key: [_value(item) for item in (value if isinstance(value, list) else [value])]
            for key, value in parsed.items()}
