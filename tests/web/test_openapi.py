"""The published description covers every route, and only routes that exist. (That each
answer matches it is checked on every request the web tests make: see conftest.Web.)"""

from __future__ import annotations

import json
from typing import Any

from tests.web.conftest import SPEC, Web
from tests.web.openapi_check import problems
from tui.web.api import ModelsApi
from tui.web.app import make_app
from tui.web.security import Guard


def test_every_route_is_described_and_every_description_is_a_route(web: Web) -> None:
    app = make_app(ModelsApi(web.session, web.settings), Guard())
    routes = {(r.method.lower(), r.resource.canonical) for r in app.router.routes()
              if r.method != "HEAD" and r.resource is not None}
    api_routes = {(m, p) for m, p in routes if p.startswith(("/api/", "/quantum-goose-app/"))}
    described = {(method, path) for path, methods in SPEC["paths"].items() for method in methods}
    assert api_routes == described
    assert len(described) == 2 * 11 + 1  # the 11 under both prefixes, and the description


def test_every_reference_resolves_and_every_operation_says_its_answers() -> None:
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            return ([node["$ref"]] if "$ref" in node else []) + \
                [r for value in node.values() for r in refs(value)]
        return [r for value in node for r in refs(value)] if isinstance(node, list) else []

    schemas = SPEC["components"]["schemas"]
    for ref in refs(SPEC):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
    for path, methods in SPEC["paths"].items():
        for method, operation in methods.items():
            codes = set(operation["responses"])
            assert any(code.startswith("2") for code in codes), (method, path)
            if path != "/api/openapi.json":
                assert {"401", "403"} <= codes  # a token, a foreign Host: on every route


def test_the_checker_finds_what_does_not_match() -> None:
    """The check that guards every answer would catch a drift."""
    model_list = {"$ref": "#/components/schemas/ModelList"}
    good = {"status": "success", "models": [], "current_model": "x", "ollama_available": True,
            "count": 0}
    assert problems(model_list, good, SPEC) == []
    assert problems(model_list, {**good, "count": "0"}, SPEC) == ["$.count: '0' is not integer"]
    assert problems(model_list, {**good, "extra": 1}, SPEC) == ["$: 'extra' is not described"]
    del good["count"]
    assert problems(model_list, good, SPEC) == ["$: 'count' is missing"]


async def test_the_description_is_served(web: Web) -> None:
    response = await web.http.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(SPEC))
    assert response.json()["openapi"].startswith("3.1")
