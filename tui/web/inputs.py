"""What a request gives the API, checked before Ollama is asked: a JSON body, a model name
in it or in the query; and Ollama's errors as the HTTP status that says what went wrong."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tui.ollama import (
    InvalidNameError,
    ModelNotFoundError,
    OllamaError,
    OllamaTimeoutError,
    UnreachableError,
)
from tui.ollama.json_limits import loads_bounded
from tui.ollama.names import normalize
from tui.web.replies import ApiError


async def json_in_body(request: web.Request, example: str) -> dict[str, Any]:
    """The request's JSON object; ApiError (415, 400) if it is not one."""
    if request.content_type != "application/json":
        raise ApiError(415, f'send JSON with "Content-Type: application/json", like {example}')
    raw = await request.read()  # the size limit is the application's client_max_size
    try:
        data = loads_bounded(raw)  # a 6 KB body of brackets would recurse past the limit
    except ValueError as exc:  # not UTF-8, not JSON, or nested too deep
        raise ApiError(400, f"the body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ApiError(400, f"the body must be a JSON object, like {example}")
    return data


async def model_in_body(request: web.Request) -> str:
    """The valid model name of a JSON body {"model": NAME}, normalised; ApiError if not."""
    data = await json_in_body(request, '{"model": "llama3.2"}')
    return checked_name(data.get("model"), 'give the model as {"model": NAME}')


def model_in_query(request: web.Request) -> str:
    """The valid model name of `?model=NAME`, normalised; ApiError if not."""
    given = request.query.getall("model", [])
    if len(given) > 1:
        raise ApiError(400, "give one model (?model=NAME once)")
    return checked_name(given[0] if given else None, "give the model as ?model=NAME")


def checked_name(value: object, how: str) -> str:
    if value is None or value == "":
        raise ApiError(400, f"the model is missing: {how}")
    if not isinstance(value, str):
        raise ApiError(400, f"the model must be a string: {how}")
    try:
        return normalize(value)
    except InvalidNameError as exc:
        raise ApiError(400, str(exc), model=value) from None


def ollama_failure(exc: OllamaError, **fields: Any) -> ApiError:
    """The HTTP status that says what went wrong with Ollama."""
    if isinstance(exc, UnreachableError | OllamaTimeoutError):
        return ApiError(503, str(exc), **fields)
    if isinstance(exc, ModelNotFoundError):
        return ApiError(404, str(exc), **fields)
    if isinstance(exc, InvalidNameError):
        return ApiError(400, str(exc), **fields)
    return ApiError(502, str(exc), **fields)
