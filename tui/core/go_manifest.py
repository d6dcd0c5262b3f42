"""The manifest bytes Ollama before 0.19 wrote after a pull: Go's re-encoding of the registry's.

Up to 0.18 a pull decoded the registry's manifest into Ollama's Go struct and wrote
`json.Marshal` of that struct (server/images.go: pullModelManifest, PullModel; changed by
"server: preserve raw manifest bytes during pull", #15104). The digest such a server lists is
the SHA-256 of those bytes, which differ from the registry's whenever the registry formats or
orders the manifest otherwise. Rebuilding them takes both halves of Go's encoding/json:

- decoding: keys matched to fields case-insensitively, unknown keys dropped, a repeated key
  decoded again into what is already there, `null` leaving a field as it was, invalid UTF-8
  coerced to U+FFFD, and a value of the wrong type failing the whole pull;
- encoding: the struct's field order, compact, `<` `>` `&` and U+2028/U+2029 escaped.

The struct (server/manifest.go, server/layer.go; manifest/ from 0.15):
`Manifest{schemaVersion int, mediaType string, config Layer, layers []Layer}` and
`Layer{mediaType, digest string, size int64, from string omitempty}`, plus
`name string omitempty` (tensor layers) from 0.14 on. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any


class _Object(list[tuple[str, Any]]):
    """A JSON object as its (key, value) pairs, in order, repeated keys kept."""


class _Number(str):
    """A JSON number's literal text: Go parses it for the field it lands in."""


class _Refused(Exception):
    """Go's decoder would fail here, and with it the pull: no manifest is written."""


def _no_constants(text: str) -> Any:
    raise _Refused(f"{text} is not JSON")  # Python would accept NaN and Infinity; Go does not


_DECODER = json.JSONDecoder(object_pairs_hook=_Object, parse_int=_Number, parse_float=_Number,
                            parse_constant=_no_constants)
_SURROGATE = re.compile("[\ud800-\udfff]")
_INTEGER = re.compile(r"-?[0-9]{1,19}")
# Go folds keys simply: ASCII case, plus the two non-ASCII letters whose fold set holds
# an ASCII one (the long s and the Kelvin sign).
_FOLD = str.maketrans({**{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)},
                       "\u017f": "s", "\u212a": "k"})
_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                            "\u2028": "\\u2028", "\u2029": "\\u2029"})

_MANIFEST_FIELDS = {"schemaVersion": int, "mediaType": str, "config": "layer", "layers": "list"}
_LAYER_FIELDS = {"mediaType": str, "digest": str, "size": int, "from": str}
_TENSOR_LAYER_FIELDS = {**_LAYER_FIELDS, "name": str}


def go_reencoding(body: bytes, *, tensor_names: bool = False) -> bytes | None:
    """The bytes Ollama before 0.19 wrote for a pull of the manifest `body`, or None when
    its decoder would have refused `body` (then nothing was written). `tensor_names`: the
    layer struct of 0.14-0.18, which keeps a layer's `name`."""
    layer_fields = _TENSOR_LAYER_FIELDS if tensor_names else _LAYER_FIELDS
    # Each undecodable byte on its own, as Go's utf8.DecodeRune takes them.
    text = body.decode("utf-8", "surrogateescape").lstrip(" \t\r\n")
    try:
        value, _ = _DECODER.raw_decode(text)  # what follows the value: never read by Go
        manifest = _decode_manifest(value, layer_fields)
    except (ValueError, RecursionError, _Refused):
        return None
    return _encode_manifest(manifest, "name" in layer_fields).encode()


def local_digests(body: bytes) -> frozenset[str]:
    """The digests (hex SHA-256) a server may list for a model pulled from `body`: of the
    bytes themselves (0.19 and later) and of Go's re-encoding (before)."""
    found = {hashlib.sha256(body).hexdigest()}
    for tensor_names in (False, True):
        again = go_reencoding(body, tensor_names=tensor_names)
        if again is not None:
            found.add(hashlib.sha256(again).hexdigest())
    return frozenset(found)


# -- decoding ---------------------------------------------------------------------------
def _new_layer() -> dict[str, Any]:
    return {"mediaType": "", "digest": "", "size": 0, "from": "", "name": ""}


def _field(key: str, fields: dict[str, Any]) -> str | None:
    if key in fields:
        return key
    folded = _SURROGATE.sub("\ufffd", key).translate(_FOLD)
    return next((name for name in fields if name.lower() == folded), None)


def _decode_manifest(value: Any, layer_fields: dict[str, Any]) -> dict[str, Any]:
    manifest: dict[str, Any] = {"schemaVersion": 0, "mediaType": "", "config": _new_layer(),
                                "layers": None}
    if value is None:
        return manifest  # null into a struct: ignored, the zero manifest stays
    if not isinstance(value, _Object):
        raise _Refused("not an object")
    # The layers' backing array: a repeated "layers" key decodes into the elements already
    # there (stale ones included), as Go's decoder reuses the slice.
    backing: list[dict[str, Any]] = []
    for key, item in value:
        field = _field(key, _MANIFEST_FIELDS)
        if field == "config":
            _decode_layer(item, manifest["config"], layer_fields)
        elif field == "layers":
            if item is None:
                manifest["layers"], backing = None, []
                continue
            if isinstance(item, _Object) or not isinstance(item, list):
                raise _Refused("layers is not an array")
            for index, element in enumerate(item):
                if index == len(backing):
                    backing.append(_new_layer())
                _decode_layer(element, backing[index], layer_fields)
            if not item:
                backing = []  # Go makes a new, empty slice
            manifest["layers"] = backing[:len(item)]
        elif field is not None:
            manifest[field] = _scalar(item, _MANIFEST_FIELDS[field], manifest[field])
    return manifest


def _decode_layer(value: Any, layer: dict[str, Any], fields: dict[str, Any]) -> None:
    if value is None:
        return
    if not isinstance(value, _Object):
        raise _Refused("a layer is not an object")
    for key, item in value:
        field = _field(key, fields)
        if field is not None:
            layer[field] = _scalar(item, fields[field], layer[field])


def _scalar(item: Any, kind: Any, current: Any) -> Any:
    if item is None:
        return current  # Go ignores null for strings and numbers
    if kind is str and isinstance(item, str) and not isinstance(item, _Number):
        return _SURROGATE.sub("\ufffd", item)  # unpaired surrogates and bad bytes alike
    if kind is int and isinstance(item, _Number) and _INTEGER.fullmatch(item):
        number = int(item)  # strconv.ParseInt: no fraction, no exponent, 64 bits
        if -(2**63) <= number < 2**63:
            return number
    raise _Refused(f"{item!r} does not fit its field")


# -- encoding ---------------------------------------------------------------------------
def _go_string(text: str) -> str:
    # Python's escapes agree with Go's for quotes, backslashes and control characters
    # (\b \f \n \r \t, else \u00xx); Go adds the HTML ones and the two line separators.
    return json.dumps(text, ensure_ascii=False).translate(_HTML_SAFE)


def _encode_layer(layer: dict[str, Any], names: bool) -> str:
    out = (f'{{"mediaType":{_go_string(layer["mediaType"])},'
           f'"digest":{_go_string(layer["digest"])},"size":{layer["size"]}')
    if layer["from"]:
        out += f',"from":{_go_string(layer["from"])}'
    if names and layer["name"]:
        out += f',"name":{_go_string(layer["name"])}'
    return out + "}"


def _encode_manifest(manifest: dict[str, Any], names: bool) -> str:
    layers = manifest["layers"]
    listed = "null" if layers is None else \
        "[" + ",".join(_encode_layer(layer, names) for layer in layers) + "]"
    return (f'{{"schemaVersion":{manifest["schemaVersion"]},'
            f'"mediaType":{_go_string(manifest["mediaType"])},'
            f'"config":{_encode_layer(manifest["config"], names)},"layers":{listed}}}')
