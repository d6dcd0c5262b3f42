"""The web application: the API's routes under both of the seed's prefixes, the page, the
OpenAPI description, all behind the guard."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib.resources import files

from aiohttp import web

from tui.web.api import ModelsApi
from tui.web.openapi import openapi
from tui.web.replies import reply
from tui.web.security import API_PREFIXES, Guard

Endpoint = Callable[[web.Request], Awaitable[web.StreamResponse]]

# (method, path under a prefix, ModelsApi method): the seed's six, then the page's own.
ROUTES = (
    ("GET", "models/", "list_models"),
    ("POST", "models/set/", "set_model"),
    ("POST", "models/pull/", "pull_model"),
    ("DELETE", "models/delete/", "delete_model"),
    ("GET", "models/info/", "model_info"),
    ("GET", "models/status/", "status"),
    ("GET", "models/pulls/", "pulls"),
    ("GET", "models/space/", "space"),
    ("GET", "models/popular/", "popular"),
    ("POST", "models/create/", "create_model"),
    ("GET", "models/creates/", "creates_list"),
)
STATIC = {  # path → (file in tui/web/static, its content type)
    "/": ("index.html", "text/html"),
    "/static/app.js": ("app.js", "text/javascript"),
    "/static/app.css": ("app.css", "text/css"),
}


def make_app(api: ModelsApi, guard: Guard) -> web.Application:
    app = web.Application(middlewares=[guard.middleware], client_max_size=guard.max_body)
    for method, path, name in ROUTES:
        for prefix in API_PREFIXES:
            app.router.add_route(method, prefix + path, getattr(api, name))
    spec = openapi()

    async def describe(request: web.Request) -> web.Response:
        return reply(spec)

    app.router.add_get("/api/openapi.json", describe)
    for path, (name, content_type) in STATIC.items():
        app.router.add_get(path, _static(name, content_type))
    return app


def _static(name: str, content_type: str) -> Endpoint:
    """A file of the page, read once: it is package data, installed with the app."""
    body = files("tui.web").joinpath("static", name).read_bytes()

    async def serve(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type=content_type, charset="utf-8",
                            headers={"Cache-Control": "no-cache"})

    return serve
