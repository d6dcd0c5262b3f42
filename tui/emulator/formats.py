"""Structured outputs: the canned answer made valid JSON of the shape a request asks for
(`format: "json"` or a JSON schema), as a real model constrained by a grammar answers."""

from __future__ import annotations

import json
from typing import Any

MAX_SCHEMA_DEPTH = 16


def shaped_reply(reply: str, format_: Any) -> str:
    """`reply` as JSON text for `format_` ("json" or a schema object); `reply` unchanged
    when no format is asked for."""
    if format_ in (None, ""):
        return reply
    if format_ == "json" or not isinstance(format_, dict):
        return json.dumps({"answer": reply})
    return json.dumps(_instance(format_, reply, 0))


def _instance(schema: dict[str, Any], reply: str, depth: int) -> Any:
    """A value that satisfies the common JSON-schema keywords of `schema`."""
    if depth > MAX_SCHEMA_DEPTH:
        return None
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list) and options and isinstance(options[0], dict):
            return _instance(options[0], reply, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties")
        if not isinstance(properties, dict):
            return {}
        return {str(name): _instance(sub if isinstance(sub, dict) else {}, reply, depth + 1)
                for name, sub in properties.items()}
    if kind == "array":
        items = schema.get("items")
        count = max(1, int(schema.get("minItems", 1) or 1)) if isinstance(
            schema.get("minItems", 1), int) else 1
        return [_instance(items if isinstance(items, dict) else {}, reply, depth + 1)
                for _ in range(min(count, 8))]
    if kind == "integer":
        return int(schema.get("minimum", 1)) if isinstance(schema.get("minimum"), int) else 1
    if kind == "number":
        minimum = schema.get("minimum")
        return minimum if isinstance(minimum, int | float) else 1.5
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return reply  # a string, or no type at all
