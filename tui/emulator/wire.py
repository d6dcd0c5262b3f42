"""What Ollama's bytes look like: Go's JSON encoder and decoder, Go times and durations.

A client tested against an emulator that writes Python's JSON would never meet the compact,
HTML-escaped bytes, trimmed time fractions and decoder error texts of a real server.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta, timezone
from itertools import accumulate
from typing import Any

from aiohttp import web

from tui.emulator.durations import MAX_NANOS, go_duration_seconds

JSON_TYPE = "application/json; charset=utf-8"  # gin's c.JSON
PLAIN_TYPE = "text/plain"  # gin's 404 and 405 answers (serveError): no charset


class ApiError(Exception):
    """Answered as Ollama answers errors: {"error": text} with a status."""

    def __init__(self, status: int, text: str, **extra: Any) -> None:
        super().__init__(text)
        self.status = status
        self.text = text
        self.extra = extra


# -- encoding -----------------------------------------------------------------------------
_GO_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                             "\u2028": "\\u2028", "\u2029": "\\u2029"})


def go_json(value: Any) -> bytes:
    """json.Marshal's bytes: compact, UTF-8, with < > & and U+2028/9 escaped."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) \
        .translate(_GO_ESCAPES).encode()


def json_response(value: Any, status: int = 200,
                  content_type: str = JSON_TYPE) -> web.Response:
    return web.Response(status=status, body=go_json(value),
                        headers={"Content-Type": content_type})


def plain_response(text: str, status: int) -> web.Response:
    """gin's own answer to an unknown path or a wrong method: text/plain, no charset."""
    return web.Response(status=status, body=text.encode(), headers={"Content-Type": PLAIN_TYPE})


async def without_server_header(request: web.Request, response: web.StreamResponse) -> None:
    """Go's net/http sends no Server header (aiohttp names itself, so a client could tell
    the emulator from Ollama); run as the app's on_response_prepare, after aiohttp set it."""
    response.headers.popall("Server", None)


def error_response(error: ApiError) -> web.Response:
    return json_response({"error": error.text, **error.extra}, error.status)


# -- times --------------------------------------------------------------------------------
# The demo's server pretends to live at UTC-07:00, as Ollama writes local times.
SERVER_ZONE = timezone(timedelta(hours=-7))


def go_time(moment: datetime, zone: timezone | None = SERVER_ZONE) -> str:
    """RFC 3339 as Go's time.Time marshals: 0-9 fraction digits, trailing zeros trimmed,
    an offset, or Z for UTC."""
    local = moment.astimezone(zone or UTC)
    nanos = local.microsecond * 1000 + (int(moment.timestamp() * 1e9) % 997)
    fraction = f".{nanos:09d}".rstrip("0").rstrip(".")
    offset = local.strftime("%z")
    zone_text = "Z" if offset == "+0000" else f"{offset[:3]}:{offset[3:]}"
    return local.strftime("%Y-%m-%dT%H:%M:%S") + fraction + zone_text


# -- decoding request bodies --------------------------------------------------------------
def _refuse_constant(name: str) -> Any:
    raise ValueError(f"invalid character '{name[0]}' looking for beginning of value")


MAX_DEPTH = 64  # deeper than any real request; Python's parser would recurse out of stack
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects deeper than `limit` (strings skipped)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > limit


Fields = dict[str, Any]  # key → Python type, or (Python type, Go type name)


def decode_request(raw: bytes, go_type: str, fields: Fields) -> dict[str, Any]:
    """A request body decoded as gin's ShouldBindJSON does, with Go's error texts.

    `fields` maps the request's known keys to the Python type Go expects; a value of
    another type is refused as Go refuses it (null is always allowed). A body nested too
    deep is refused as Go's decoder refuses one (with its text), before Python parses it.
    """
    text = raw.decode("utf-8", "replace")
    if not text.strip():
        raise ApiError(400, "missing request body")  # io.EOF from the decoder
    if too_deep(text):
        raise ApiError(400, "exceeded max depth")
    try:
        # Go's decoder reads one value and ignores what follows it.
        value, _ = json.JSONDecoder(parse_constant=_refuse_constant) \
            .raw_decode(text, len(text) - len(text.lstrip()))
    except json.JSONDecodeError as exc:
        raise ApiError(400, _go_syntax_error(exc)) from None
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    if not isinstance(value, dict):
        raise ApiError(400, f"json: cannot unmarshal {_go_kind(value)} into Go value of "
                            f"type api.{go_type}")
    for key, expected in fields.items():
        kind, go_name = expected if isinstance(expected, tuple) else (expected,
                                                                      _GO_NAMES[expected])
        got = value.get(key)
        if got is not None and not _is_go_type(got, kind):
            what = _go_kind(got)
            if kind is int and what == "number":  # Go quotes a number it cannot store
                what = f"number {got}"
            raise ApiError(400, f"json: cannot unmarshal {what} into Go struct field "
                                f"{go_type}.{key} of type {go_name}")
    return value


async def read_request(request: web.Request, go_type: str, fields: Fields) -> dict[str, Any]:
    """The request's body, decoded as `decode_request` does; its facts go to the log."""
    from tui.emulator.request_log import note_body

    value = decode_request(await request.read(), go_type, fields)
    note_body(request, value)
    return value


_GO_NAMES = {str: "string", bool: "bool", dict: "map[string]interface {}", float: "float64",
             int: "int", list: "[]interface {}"}


def _is_go_type(value: Any, expected: type) -> bool:
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected is str:
        return isinstance(value, str)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _go_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


_SYNTAX = {
    "Expecting value": "looking for beginning of value",
    "Expecting property name enclosed in double quotes": "looking for beginning of object "
                                                         "key string",
    "Expecting ':' delimiter": "after object key",
    "Expecting ',' delimiter": "after object key:value pair",
}
_LITERALS = ("null", "true", "false")


def _go_syntax_error(exc: json.JSONDecodeError) -> str:
    """Python's JSON error in the words of Go's decoder."""
    doc, pos = exc.doc, exc.pos
    if pos >= len(doc.rstrip()) or exc.msg.startswith("Unterminated"):
        return "unexpected EOF"
    char = doc[pos]
    for literal in _LITERALS:  # "nope": Go reads "n", expects "u", complains about "o"
        if char == literal[0] and exc.msg == "Expecting value":
            for offset, wanted in enumerate(literal[1:], 1):
                got = doc[pos + offset: pos + offset + 1]
                if got != wanted:
                    if not got:
                        return "unexpected EOF"
                    return f"invalid character '{got}' in literal {literal} " \
                           f"(expecting '{wanted}')"
    if exc.msg.startswith("Invalid control character"):
        return f"invalid character {_go_quote(char)} in string literal"
    context = _SYNTAX.get(exc.msg, "looking for beginning of value")
    return f"invalid character {_go_quote(char)} {context}"


def _go_quote(char: str) -> str:
    return {"\n": "'\\n'", "\t": "'\\t'", "\r": "'\\r'", "'": "'\\''"}.get(char, f"'{char}'")


# -- durations ----------------------------------------------------------------------------
def parse_keep_alive(value: Any) -> float | None:
    """Seconds to keep a model loaded, as Ollama's api.Duration reads `keep_alive`.

    None: not given (the server's default). A negative value means forever (math.inf).
    Numbers are seconds; strings are Go durations. A number too big for Go's int64 of
    nanoseconds would overflow inside Ollama; we refuse it with a 400 rather than invent
    what the overflow does.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ApiError(400, f"Unsupported type: '{_go_reflect_type(value)}'")
    try:
        seconds = go_duration_seconds(value) if isinstance(value, str) else float(value)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    if seconds < 0:
        return math.inf
    if seconds * 1e9 > MAX_NANOS:
        raise ApiError(400, f"keep_alive {value} is out of range")
    return seconds


def _go_reflect_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    return "[]interface {}" if isinstance(value, list) else "map[string]interface {}"
