"""What stands between the network and the models: one aiohttp middleware.

- Without a token the server binds to loopback only, and answers only requests addressed to
  a loopback name (Host): a web page cannot reach it by rebinding its own name to 127.0.0.1.
- With a token (`--token-env`) every API request carries `Authorization: Bearer TOKEN`,
  compared in constant time.
- A request that changes something (POST, DELETE) without a token must come from this
  server's own page (Origin, Sec-Fetch-Site): another site cannot make a visitor's browser
  pull or delete models (no CSRF).
- CORS only for the origins given with `--allow-origin`; bodies are size-limited (413).
- Every answer carries a Content-Security-Policy that lets the page load only from here.
"""

from __future__ import annotations

import hmac
import ipaddress
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from tui.web.replies import ApiError, error_reply

MAX_BODY = 16 * 1024  # bytes: a create's system prompt and template are the longest texts
API_PREFIXES = ("/api/", "/quantum-goose-app/api/")
PUBLIC_PATHS = frozenset({"/api/openapi.json"})  # what the API is, not what is installed
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self'; connect-src 'self'; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
CORS_METHODS = "GET, POST, DELETE, OPTIONS"
CORS_HEADERS = "Authorization, Content-Type"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Guard:
    token: str = ""  # "" : no token, so loopback only
    allowed_origins: frozenset[str] = frozenset()
    bind: str = "127.0.0.1"
    max_body: int = MAX_BODY
    host_names: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "host_names", frozenset({"localhost", self.bind.lower()}))

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        cors = self.cors_headers(origin) if request.path.startswith(API_PREFIXES) else {}
        try:
            if request.method == "OPTIONS" and request.path.startswith(API_PREFIXES):
                response: web.StreamResponse = self.preflight(origin, cors)
            else:
                self.check(request, origin)
                response = await handler(request)
        except ApiError as exc:
            challenge = {"WWW-Authenticate": 'Bearer realm="qgoose-tui"'} \
                if exc.status == 401 else {}
            response = error_reply(exc.status, exc.message, challenge, **exc.fields)
        except web.HTTPException as exc:  # aiohttp's own: no route, wrong method, too large
            response = error_reply(exc.status, self.http_message(exc, request),
                                   headers=_allow_header(exc))
        except Exception as exc:  # a bug answers 500 in one line; the server goes on
            print(f"qgoose-tui serve: internal error on {request.method} {request.path}: "
                  f"{type(exc).__name__}: {exc}", file=sys.stderr)
            response = error_reply(500, f"internal error ({type(exc).__name__})")
        response.headers.update(SECURITY_HEADERS)
        response.headers.update(cors)
        if request.path.startswith(API_PREFIXES):
            response.headers["Vary"] = "Origin"
        return response

    # -- the checks --------------------------------------------------------------------
    def check(self, request: web.Request, origin: str | None) -> None:
        if not self.token and not self.is_loopback_name(request.host):
            raise ApiError(403, f"this server answers requests for localhost only, not for "
                                f"{request.host!r} (serve --token-env NAME to serve others)")
        length = request.content_length
        if length is not None and length > self.max_body:
            raise ApiError(413, f"the request body is {length} bytes; at most "
                                f"{self.max_body} are taken")
        if not request.path.startswith(API_PREFIXES) or request.path in PUBLIC_PATHS:
            return
        if self.token:
            self.check_token(request)
        elif request.method not in SAFE_METHODS:
            self.check_same_origin(request, origin)

    def check_token(self, request: web.Request) -> None:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise ApiError(401, "this server needs a token: send 'Authorization: Bearer "
                                "TOKEN'")
        if not hmac.compare_digest(given.strip().encode(), self.token.encode()):
            raise ApiError(401, "the token is not right")

    @staticmethod
    def check_same_origin(request: web.Request, origin: str | None) -> None:
        """Browsers say where a request comes from; a request that says nothing (curl, a
        script) is not a browser tricked by another site."""
        site = request.headers.get("Sec-Fetch-Site")
        own = f"{request.scheme}://{request.host}"
        if (site is not None and site not in ("same-origin", "none")) or \
                (origin is not None and origin != own):
            raise ApiError(403, "a request from another site may not change anything here "
                                "(use this server's own page, or serve --token-env NAME "
                                "and send the token)")

    def is_loopback_name(self, host: str) -> bool:
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        name = name.strip("[]").lower()
        if name in self.host_names:
            return True
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            return False

    # -- CORS --------------------------------------------------------------------------
    def cors_headers(self, origin: str | None) -> dict[str, str]:
        if origin is None or origin not in self.allowed_origins:
            return {}
        return {"Access-Control-Allow-Origin": origin}

    def preflight(self, origin: str | None, cors: dict[str, str]) -> web.Response:
        if not cors:
            raise ApiError(403, f"requests from {origin or 'another origin'} are not allowed "
                                "here (serve --allow-origin ORIGIN allows one)")
        return web.Response(status=204, headers={
            "Access-Control-Allow-Methods": CORS_METHODS,
            "Access-Control-Allow-Headers": CORS_HEADERS,
            "Access-Control-Max-Age": "600"})

    def http_message(self, exc: web.HTTPException, request: web.Request) -> str:
        if exc.status == 404:
            hint = " (the API's paths end with '/')" if not request.path.endswith("/") else ""
            return f"no such page: {request.path}{hint}"
        if exc.status == 405:
            return f"{request.method} is not allowed on {request.path}"
        if exc.status == 413:
            return f"the request body is too large (at most {self.max_body} bytes)"
        return exc.reason


def _allow_header(exc: web.HTTPException) -> dict[str, str]:
    allow = exc.headers.get("Allow")
    return {"Allow": allow} if allow else {}
