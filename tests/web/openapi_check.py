"""A small JSON-schema check for the subset of OpenAPI 3.1 that tui/web/openapi.py uses
($ref, type, properties, required, additionalProperties, items, enum)."""

from __future__ import annotations

from typing import Any

_TYPES: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def problems(schema: dict[str, Any], value: Any, spec: dict[str, Any],
             where: str = "$") -> list[str]:
    """What in `value` does not match `schema` (empty when it matches)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        return problems(spec["components"]["schemas"][name], value, spec, where)
    found: list[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_TYPES[kind](value) for kind in kinds):
            return [f"{where}: {value!r} is not {' or '.join(kinds)}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        found += [f"{where}: {key!r} is missing" for key in schema.get("required", [])
                  if key not in value]
        for key, item in value.items():
            if key in properties:
                found += problems(properties[key], item, spec, f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}: {key!r} is not described")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += problems(schema["items"], item, spec, f"{where}[{index}]")
    return found


def response_problems(spec: dict[str, Any], path: str, method: str, status: int,
                      body: Any) -> list[str]:
    """How an answer differs from what the description says of it."""
    operation = spec["paths"].get(path, {}).get(method.lower())
    if operation is None:
        return [f"{method} {path} is not described"]
    described = operation["responses"].get(str(status))
    if described is None:
        return [f"{method} {path} answered {status}, which is not described"]
    schema = described.get("content", {}).get("application/json", {}).get("schema")
    return problems(schema, body, spec) if schema is not None else []
