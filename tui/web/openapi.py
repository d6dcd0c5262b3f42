"""The API described in OpenAPI 3.1 (served at /api/openapi.json), written by hand.

tests/web/test_openapi.py checks that every route is described and that every answer the
tests get matches its schema here, so the description cannot drift from the code.
"""

from __future__ import annotations

from typing import Any

from tui import __version__
from tui.core.recipes import QUANTIZE_TYPES

PREFIXES = ("/quantum-goose-app/api/", "/api/")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None,
         closed: bool = True) -> dict[str, Any]:
    """An object schema: these fields always, those sometimes, no others when `closed`."""
    return {"type": "object", "required": list(required),
            "properties": {**required, **(optional or {})}, "additionalProperties": not closed}


STR, INT, BOOL, NUM = ({"type": t} for t in ("string", "integer", "boolean", "number"))
STRINGS = {"type": "array", "items": STR}
SUCCESS = {"type": "string", "enum": ["success"]}

DETAILS = _obj({"parent_model": STR, "format": STR, "family": STR,
                "families": {"type": ["array", "null"], "items": STR},
                "parameter_size": STR, "quantization_level": STR},
               {"context_length": INT, "embedding_length": INT})

SCHEMAS: dict[str, Any] = {
    "Error": _obj({"status": {"type": "string", "enum": ["error"]}, "message": STR},
                  closed=False),
    "ModelRequest": _obj({"model": {**STR, "description": "a model name, as `ollama pull` "
                                    "takes it (`llama3.2`, `qwen2.5:7b`, `hf.co/org/repo:Q4`)"}},
                         closed=False),
    "ModelDetails": DETAILS,
    "Model": _obj({"name": STR, "size": INT, "digest": STR, "modified_at": STR,
                   "details": _ref("ModelDetails"), "is_current": BOOL},
                  {"capabilities": STRINGS, "remote_model": STR, "remote_host": STR}),
    "ModelList": _obj({"status": {"type": "string", "enum": ["success", "error"]},
                       "models": {"type": "array", "items": _ref("Model")},
                       "current_model": STR, "ollama_available": BOOL, "count": INT},
                      {"message": {**STR, "description": "why Ollama is not available"}}),
    "ModelSet": _obj({"status": SUCCESS, "model": STR, "message": STR}),
    "PullStarted": _obj({"status": {"type": "string", "enum": ["started"]}, "model": STR,
                         "message": STR}),
    "Deleted": _obj({"status": SUCCESS, "model": STR, "message": STR, "freed_bytes": INT,
                     "freed_is_approximate": BOOL},
                    {"note": {**STR, "description": "set when the current model was deleted"}}),
    "ModelInfo": _obj({"status": SUCCESS, "model": STR, "info": _obj(
        {"model": STR, "details": _ref("ModelDetails"), "template": STR, "license": STR,
         "parameters": STR, "system": STR, "modelfile": STR, "model_info": {"type": "object"},
         "capabilities": STRINGS, "modified_at": STR},
        {"projector_info": {"type": "object"}, "remote_model": STR, "remote_host": STR})}),
    "Status": _obj({"status": {"type": "string", "enum": ["success", "error"]},
                    "ollama_available": BOOL, "host": STR, "current_model": STR,
                    "version": {"type": ["string", "null"]}, "count": INT,
                    "running": {"type": "array", "items": _obj(
                        {"name": STR, "size": INT, "size_vram": INT, "digest": STR,
                         "details": _ref("ModelDetails"), "expires_at": STR,
                         "context_length": {"type": ["integer", "null"]}})}},
                   {"current_model_installed": BOOL, "disk_used": INT, "message": STR}),
    "Pull": _obj({"model": STR,
                  "kind": {"type": "string", "enum": ["pull", "push"],
                           "description": "what the job does; pushes are listed beside pulls"},
                  "state": {"type": "string", "enum": ["running", "done", "failed",
                                                       "cancelled"]},
                  "phase": STR, "status_text": STR, "completed": INT, "total": INT,
                  "fraction": NUM, "speed": INT, "eta": {"type": ["number", "null"]},
                  "error": STR, "attempts": INT}),
    "Pulls": _obj({"status": SUCCESS, "pulls": {"type": "array", "items": _ref("Pull")},
                   "running": INT, "count": INT}),
    "Space": _obj({"status": SUCCESS, "model": STR, "size": INT, "freed_bytes": INT,
                   "kept_bytes": INT, "shared_with": STRINGS, "freed_is_approximate": BOOL,
                   "is_current": BOOL, "message": STR}),
    "CreateRequest": _obj(
        {"name": {**STR, "description": "the new model's name"},
         "from": {**STR, "description": "the installed model it is made from"}},
        {"parameters": {"type": "object", "description": "Ollama's parameters by name, "
                        "typed (num_ctx 32768, temperature 0.7, stop [\"…\"]), checked as "
                        "`qgoose-tui create` checks them"},
         "system": STR, "template": STR,
         "quantize": {"type": "string", "enum": list(QUANTIZE_TYPES),
                      "description": "only for F16, BF16 or F32 weights"},
         "replace": {**BOOL, "description": "replace a model of that name (else 409)"}}),
    "CreateStarted": _obj({"status": {"type": "string", "enum": ["started"]}, "model": STR,
                           "base": STR, "message": STR}),
    "Create": _obj({"model": STR, "base": STR,
                    "state": {"type": "string", "enum": ["running", "done", "failed",
                                                         "cancelled"]},
                    "status_text": STR, "statuses": STRINGS, "completed": INT, "total": INT,
                    "fraction": NUM, "error": STR, "message": STR}),
    "Creates": _obj({"status": SUCCESS, "creates": {"type": "array", "items": _ref("Create")},
                     "running": INT, "count": INT}),
    "Popular": _obj({"status": SUCCESS, "models": {"type": "array", "items": _obj(
        {"name": STR, "about": STR, "size": INT})}}),
}

ERRORS = {
    "400": "a missing or invalid model name, a body that is not a JSON object, a parameter "
           "Ollama would not understand (the message says which and why)",
    "401": "a token is needed (serve --token-env) and was missing or wrong",
    "403": "a request from another site that would change something, or for a name that "
           "is not this server's",
    "404": "the model is not installed (info: not known to Ollama; create: the base)",
    "409": "that model is already being pulled or created; for a create, a model of that "
           "name exists (send \"replace\": true) or the base is a cloud model",
    "413": "the request body is too large",
    "415": "the body is not sent as application/json",
    "500": "the config file could not be written",
    "502": "Ollama answered with an error",
    "503": "Ollama cannot be reached",
}

MODEL_QUERY = [{"name": "model", "in": "query", "required": True, "schema": STR,
                "description": "the model's name"}]
JSON_BODY = {"required": True,
             "content": {"application/json": {"schema": _ref("ModelRequest")}}}

# path under a prefix → method → (summary, success code, its schema, error codes, extras)
OPERATIONS: dict[str, dict[str, tuple[str, str, str, tuple[str, ...], dict[str, Any]]]] = {
    "models/": {"get": ("The installed models, the current one marked; 200 with "
                        "ollama_available false when Ollama is down", "200", "ModelList",
                        (), {})},
    "models/set/": {"post": ("Make an installed model the current model (the config's "
                             "current_model, which the TUI and `qgoose-tui use` set too)",
                             "200", "ModelSet", ("400", "404", "413", "415", "500", "502",
                                                 "503"),
                             {"requestBody": JSON_BODY})},
    "models/pull/": {"post": ("Start pulling a model; answers at once, the pull goes on in "
                              "the background (follow it in models/pulls/)", "200",
                              "PullStarted", ("400", "409", "413", "415", "502", "503"),
                              {"requestBody": JSON_BODY})},
    "models/delete/": {"delete": ("Delete a model, saying how much disk it freed", "200",
                                  "Deleted", ("400", "404", "502", "503"),
                                  {"parameters": MODEL_QUERY})},
    "models/info/": {"get": ("Ollama's details of one model", "200", "ModelInfo",
                             ("400", "404", "502", "503"), {"parameters": MODEL_QUERY})},
    "models/status/": {"get": ("Ollama's status: version, counts, disk, loaded models, the "
                               "current model; 200 when Ollama is down too", "200", "Status",
                               (), {})},
    "models/pulls/": {"get": ("Every pull started here and its progress (finished ones "
                              "for ten minutes)", "200", "Pulls", (), {})},
    "models/space/": {"get": ("What deleting a model would free (asked before deleting)",
                              "200", "Space", ("400", "404", "502", "503"),
                              {"parameters": MODEL_QUERY})},
    "models/create/": {"post": ("Start making a variant of an installed model (another "
                                "context length, system prompt, parameters, quantized "
                                "weights); answers once Ollama has begun, the rest goes on "
                                "in the background (follow it in models/creates/)", "200",
                                "CreateStarted", ("400", "404", "409", "413", "415", "502",
                                                  "503"),
                                {"requestBody": {"required": True, "content": {
                                    "application/json": {"schema": _ref("CreateRequest")}}}})},
    "models/creates/": {"get": ("Every variant being made here and its statuses (finished "
                                "ones for ten minutes)", "200", "Creates", (), {})},
    "models/popular/": {"get": ("Popular models to offer for a pull (the config's "
                                "popular_models)", "200", "Popular", (), {})},
}


def _operation(summary: str, code: str, schema: str, errors: tuple[str, ...],
               extra: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {
        code: {"description": "done", "content": {"application/json": {"schema":
                                                                        _ref(schema)}}}}
    for error in ("401", "403", *errors):
        responses[error] = {"description": ERRORS[error],
                            "content": {"application/json": {"schema": _ref("Error")}}}
    return {"summary": summary, "responses": responses, **extra}


def openapi() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for prefix in PREFIXES:
        for path, methods in OPERATIONS.items():
            paths[prefix + path] = {method: _operation(*spec)
                                    for method, spec in methods.items()}
    paths["/api/openapi.json"] = {"get": {"summary": "This description", "security": [],
                                          "responses": {"200": {"description": "OpenAPI 3.1",
                                                                "content": {
                                                                    "application/json": {}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "qgoose-tui model API", "version": __version__,
                 "description": "The Quantum Goose model API (the seed's endpoints and "
                                "JSON), served by `qgoose-tui serve`. Every path is served "
                                "under /quantum-goose-app/api/ and /api/ alike. Errors are "
                                "{\"status\": \"error\", \"message\": …}."},
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "needed when the server was started with --token-env"}},
        },
        # No token on loopback, the bearer token otherwise.
        "security": [{}, {"bearer": []}],
    }
