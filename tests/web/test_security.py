"""Safe by default: the token, same-origin writes (no CSRF), the Host check (no DNS
rebinding), CORS only for the origins given, the page's Content-Security-Policy."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import TOKEN, Start, Web
from tui.web.security import Guard

EVIL = "http://evil.example"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


# -- the token ------------------------------------------------------------------------------
async def test_with_a_token_every_api_request_needs_it(start_web: Start) -> None:
    web = await start_web(Guard(token=TOKEN))
    for method, path in [("GET", "/api/models/"), ("GET", "/quantum-goose-app/api/models/"),
                         ("GET", "/api/models/pulls/"), ("POST", "/api/models/set/")]:
        response = await web.call(method, path, json={"model": "llama3.2"})
        assert response.status_code == 401, path
        assert response.json() == {"status": "error", "message": "this server needs a token: "
                                   "send 'Authorization: Bearer TOKEN'"}
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = await web.get("/api/models/", headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401 and wrong.json()["message"] == "the token is not right"
    basic = await web.get("/api/models/", headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    assert not web.settings.path.exists()
    assert (await web.get("/api/models/", headers=BEARER)).status_code == 200
    lower = {"Authorization": f"bearer {TOKEN}"}  # the scheme is case-insensitive
    response = await web.post("/api/models/set/", {"model": "llama3.2"}, headers=lower)
    assert response.status_code == 200


async def test_the_page_and_the_description_need_no_token(start_web: Start) -> None:
    """The page holds no data: it asks for the token itself."""
    web = await start_web(Guard(token=TOKEN))
    assert (await web.http.get("/")).status_code == 200
    assert (await web.http.get("/static/app.js")).status_code == 200
    assert (await web.http.get("/api/openapi.json")).status_code == 200


async def test_with_the_token_a_write_from_another_origin_is_allowed(start_web: Start) -> None:
    """The token is the proof: a page elsewhere that has it (and CORS) may act."""
    web = await start_web(Guard(token=TOKEN, allowed_origins=frozenset({EVIL})))
    response = await web.post("/api/models/set/", {"model": "llama3.2"},
                              headers={**BEARER, "Origin": EVIL, "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200


# -- same-origin writes -----------------------------------------------------------------
@pytest.mark.parametrize("headers", [
    {"Origin": EVIL},
    {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # another port of localhost is another origin
    {"Origin": "null"},  # a sandboxed frame, a file:// page
])
async def test_a_write_from_another_site_is_refused_and_changes_nothing(
        web: Web, headers: dict[str, str]) -> None:
    for method, path, body in [("POST", "/api/models/set/", {"model": "llama3.2"}),
                               ("POST", "/api/models/pull/", {"model": "llama3.2"}),
                               ("DELETE", "/api/models/delete/?model=mistral", None)]:
        response = await web.call(method, path, headers=headers,
                                  **({"json": body} if body else {}))
        assert response.status_code == 403, (path, headers)
        assert response.json()["message"].startswith("a request from another site may not "
                                                     "change anything here")
    assert not web.settings.path.exists()
    assert not web.emulator.pull_requests()
    assert "mistral:latest" in [m.name for m in await web.session.client.list_models()]


async def test_reads_from_another_site_are_answered_but_not_shared(web: Web) -> None:
    """A GET changes nothing; without a CORS header the other site's script cannot read it."""
    response = await web.get("/api/models/", headers={"Origin": EVIL,
                                                     "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_a_write_from_the_servers_own_page_or_a_script_is_allowed(web: Web) -> None:
    own = web.url.rstrip("/")
    for headers in ({"Origin": own, "Sec-Fetch-Site": "same-origin"},
                    {"Sec-Fetch-Site": "same-origin"},
                    {"Sec-Fetch-Site": "none"},  # typed by the user (not a fetch)
                    {}):  # curl, a script: no browser to trick
        response = await web.post("/api/models/set/", {"model": "llama3.2"}, headers=headers)
        assert response.status_code == 200, headers


# -- the Host check -----------------------------------------------------------------------
async def test_without_a_token_only_loopback_names_are_served(web: Web) -> None:
    """A site that rebinds its own name to 127.0.0.1 reaches the server as "its" origin:
    the Host it sends is its name, and that is refused."""
    port = web.url.rsplit(":", 1)[1].strip("/")
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}"):
        response = await web.http.get("/api/models/", headers={"Host": host})
        assert response.status_code == 403, host
        assert "answers requests for localhost only" in response.json()["message"]
        page = await web.http.get("/", headers={"Host": host})
        assert page.status_code == 403
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"127.1.2.3:{port}",
                 f"[::1]:{port}", "localhost"):
        response = await web.http.get("/api/models/", headers={"Host": host})
        assert response.status_code == 200, host


async def test_with_a_token_any_name_is_served(start_web: Start) -> None:
    web = await start_web(Guard(token=TOKEN))
    response = await web.get("/api/models/", headers={**BEARER, "Host": "gpu-box.example"})
    assert response.status_code == 200


# -- CORS -----------------------------------------------------------------------------------
async def test_cors_only_for_the_origins_given(start_web: Start) -> None:
    friend = "https://chat.example:8443"
    web = await start_web(Guard(allowed_origins=frozenset({friend})))
    preflight = await web.http.options("/api/models/set/", headers={
        "Origin": friend, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == friend
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    listed = await web.get("/api/models/", headers={"Origin": friend})
    assert listed.headers["Access-Control-Allow-Origin"] == friend
    assert listed.headers["Vary"] == "Origin"

    refused = await web.http.options("/api/models/set/", headers={
        "Origin": EVIL, "Access-Control-Request-Method": "POST"})
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers
    assert "serve --allow-origin" in refused.json()["message"]
    other = await web.get("/api/models/", headers={"Origin": EVIL})
    assert "Access-Control-Allow-Origin" not in other.headers
    # Without a token an allowed origin still may not change anything: the token proves it.
    write = await web.post("/api/models/set/", {"model": "llama3.2"},
                           headers={"Origin": friend, "Sec-Fetch-Site": "cross-site"})
    assert write.status_code == 403


async def test_no_cors_header_without_allowed_origins(web: Web) -> None:
    response = await web.http.options("/api/models/", headers={
        "Origin": web.url.rstrip("/"), "Access-Control-Request-Method": "GET"})
    assert response.status_code == 403


# -- what the browser is told -----------------------------------------------------------
async def test_every_answer_carries_the_content_security_policy(web: Web) -> None:
    for path in ("/", "/static/app.js", "/api/models/", "/api/nothing/"):
        headers = (await web.http.get(path)).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


def test_the_page_loads_nothing_from_elsewhere_and_never_parses_server_text() -> None:
    static = files("tui.web").joinpath("static")
    html = static.joinpath("index.html").read_text()
    script = static.joinpath("app.js").read_text()
    css = static.joinpath("app.css").read_text()
    for text in (html, script, css):  # no address of another server, however written
        assert not re.search(r"https?:|(src|href)\s*=\s*[\"']?//|url\(\s*[\"']?//|@import",
                             text, re.I)
    # No inline script or handler for the CSP to refuse; nothing written as HTML.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']
    assert not re.search(r"\son[a-z]+\s*=", html)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function"):
        assert sink not in script, sink
    assert "textContent" in script


async def test_server_text_in_answers_holds_no_control_a_terminal_would_obey(
        config_path: Path) -> None:
    # `curl …/api/models/` in a terminal: the C1 controls (U+009B is CSI, U+009D OSC) and
    # the bidi overrides of a hostile Ollama's names reached it raw, as the CLI's --json
    # never lets them. Escaped as \uXXXX, the JSON still decodes to what the server sent.
    from tests.hostile import CONTROLS, evil_answers, hostile_ollama
    from tests.hostile import EVIL as HOSTILE
    from tui.services.config import Settings
    from tui.services.history import History
    from tui.services.session import HostSession
    from tui.web.server import serving

    async with hostile_ollama(evil_answers()) as ollama:
        session = HostSession(ollama, history=History(None))
        settings = Settings(host=ollama, path=config_path)
        try:
            async with serving(session, settings, Guard(), 0) as url, \
                    httpx.AsyncClient(base_url=url, timeout=10) as http:
                found = {
                    "/api/models/": lambda data: data["models"][0]["details"]["format"],
                    "/api/models/info/?model=llama3.2":
                        lambda data: data["info"]["details"]["format"],
                    "/api/models/status/": lambda data: data["version"]}
                for path, field in found.items():
                    response = await http.get(path)
                    assert response.status_code == 200, path
                    assert not any(c.encode() in response.content for c in CONTROLS), path
                    assert HOSTILE in field(response.json()), path  # decodes to the same
        finally:
            await session.aclose()
