"""Ollama's CORS rules (gin-contrib/cors with envconfig's allowed origins): a browser request
from an allowed origin gets Access-Control headers and its preflight a 204; one from any
other origin a 403. Requests without an Origin header (every non-browser client) pass."""

from __future__ import annotations

from aiohttp import web

ALLOW_HEADERS = ("Authorization", "Content-Type", "User-Agent", "Accept", "X-Requested-With",
                 "Openai-Beta", "X-Stainless-Arch", "X-Stainless-Async",
                 "X-Stainless-Custom-Poll-Interval", "X-Stainless-Helper-Method",
                 "X-Stainless-Lang", "X-Stainless-Os", "X-Stainless-Package-Version",
                 "X-Stainless-Poll-Helper", "X-Stainless-Retry-Count", "X-Stainless-Runtime",
                 "X-Stainless-Runtime-Version", "X-Stainless-Timeout")
ALLOW_METHODS = "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS"
BROWSER_EXTENSIONS = ("chrome-extension://", "safari-extension://", "moz-extension://",
                      "ms-browser-extension://")


def allowed_origins(extra: str = "") -> tuple[str, ...]:
    """OLLAMA_ORIGINS (comma-separated) first, then Ollama's defaults: this machine on any
    port, and the desktop and editor schemes."""
    origins = [o.strip() for o in extra.split(",") if o.strip()]
    for host in ("localhost", "127.0.0.1", "0.0.0.0"):
        origins += [f"http://{host}", f"https://{host}", f"http://{host}:*",
                    f"https://{host}:*"]
    origins += ["app://*", "file://*", "tauri://*", "vscode-webview://*", "vscode-file://*"]
    return tuple(origin.lower() for origin in origins)


def is_allowed(origin: str, allowed: tuple[str, ...]) -> bool:
    origin = origin.lower()
    if origin.startswith(BROWSER_EXTENSIONS):
        return True
    for rule in allowed:
        if "*" not in rule:
            if origin == rule:
                return True
            continue
        prefix, _, suffix = rule.partition("*")  # one wildcard, as gin-contrib/cors allows
        if origin.startswith(prefix) and origin.endswith(suffix) and \
                len(origin) >= len(prefix) + len(suffix):
            return True
    return False


def cors_answer(request: web.Request,
                allowed: tuple[str, ...]) -> tuple[web.Response | None, dict[str, str]]:
    """(an answer that ends the request, or None; headers for the normal answer)."""
    origin = request.headers.get("Origin", "")
    if not origin and request.method == "OPTIONS" and _local_name(request.host):
        return web.Response(status=204), {}  # Ollama's allowed-hosts check answers these
    if not origin or origin in (f"http://{request.host}", f"https://{request.host}"):
        return None, {}  # not a cross-origin request
    if not is_allowed(origin, allowed):
        return web.Response(status=403), {}
    headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    if request.method == "OPTIONS":
        return web.Response(status=204, headers={
            **headers, "Access-Control-Allow-Methods": ALLOW_METHODS,
            "Access-Control-Allow-Headers": ",".join(ALLOW_HEADERS),
            "Access-Control-Max-Age": "43200"}), {}
    return None, headers


def _local_name(host: str) -> bool:
    """A Host header naming this machine by a local name (not an address)."""
    name = host.rsplit(":", 1)[0].lower() if not host.startswith("[") else ""
    return name == "localhost" or name.endswith((".localhost", ".local", ".internal"))
