"""`qgoose-tui serve`: the seed's REST API and the model-manager page for one Ollama host.

Safe by default: loopback only; any other address needs a token (`--token-env NAME`).
The parser reads this module for its flags: what serving needs is imported when it starts.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import re
import signal
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.cli.commands import Command
    from tui.web.security import Guard

MIN_TOKEN_LENGTH = 16
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_ORIGIN = re.compile(r"https?://(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bind", default="127.0.0.1", metavar="ADDRESS",
                        help="address to listen on (default 127.0.0.1: this machine only; "
                             "any other needs --token-env)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any)")
    parser.add_argument("--token-env", metavar="NAME", default="",
                        help="the environment variable holding the token every API request "
                             "must carry (Authorization: Bearer TOKEN)")
    parser.add_argument("--allow-origin", metavar="ORIGIN", action="append", default=[],
                        help="let web pages of this origin (https://host:port) call the API "
                             "(CORS); repeat for more")


async def cmd_serve(cmd: Command, args: argparse.Namespace) -> int:
    from tui.cli.commands import EXIT_OK, BadInput
    from tui.services.session import HostSession
    from tui.web.server import CannotListen, serving  # aiohttp: only when serving

    try:
        guard = guard_for(args, cmd.settings.env)
    except BadInput as exc:
        return cmd.fail(exc)

    session = HostSession(cmd.client.base_url, client=cmd.client, history=cmd.history,
                          registry=cmd.settings.registry,
                          refresh_interval=cmd.settings.refresh_interval)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with serving(session, cmd.settings, guard, args.port) as url:
            announce(cmd, url, guard, args.token_env)
            await stop.wait()
    except CannotListen as exc:
        return cmd.fail(exc)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    if not cmd.as_json:
        cmd.say("Stopped.")
    return EXIT_OK


def guard_for(args: argparse.Namespace, env: Mapping[str, str]) -> Guard:
    """The server's guard from the flags; BadInput (exit 2) for anything unsafe or wrong."""
    from tui.cli.commands import BadInput
    from tui.web.security import Guard

    if not 0 <= args.port <= 65535:
        raise BadInput(f"--port {args.port} is not a port (0 to 65535)")
    token = ""
    if args.token_env:
        if not _ENV_NAME.fullmatch(args.token_env):
            raise BadInput(f"--token-env {args.token_env!r} is not the name of an "
                           "environment variable")
        token = env.get(args.token_env, "").strip()
        if not token:
            raise BadInput(f"the environment variable {args.token_env} is not set or empty: "
                           "put the token in it")
        if len(token) < MIN_TOKEN_LENGTH:
            raise BadInput(f"the token in {args.token_env} is {len(token)} characters long; "
                           f"use at least {MIN_TOKEN_LENGTH} (python3 -c 'import secrets; "
                           "print(secrets.token_urlsafe())' makes one)")
    elif not is_loopback(args.bind):
        raise BadInput(f"serving on {args.bind} would let anyone who reaches this machine "
                       "change its models: give --token-env NAME with a token in that "
                       "environment variable (or keep the default --bind 127.0.0.1)")
    origins = []
    for origin in args.allow_origin:
        if not _ORIGIN.fullmatch(origin.lower()):
            raise BadInput(f"--allow-origin {origin!r} is not an origin like "
                           "https://example.org:8443 (scheme, host and port only; no '*')")
        origins.append(origin.lower())
    return Guard(token=token, allowed_origins=frozenset(origins), bind=args.bind)


def is_loopback(address: str) -> bool:
    if address.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def announce(cmd: Command, url: str, guard: Guard, token_env: str) -> None:
    """Say where the server is, who can reach it and what it asks of them."""
    from tui.core.format import printable

    ollama = cmd.client.display_url
    if cmd.as_json:
        cmd.emit({"status": "serving", "url": url, "api": url + "api/models/",
                  "ollama": ollama, "token_required": bool(guard.token),
                  "allowed_origins": sorted(guard.allowed_origins)})
        return
    lines = [f"Serving the model manager at {url} (Ollama at {ollama})",
             f"  API: {url}api/models/ (and {url}quantum-goose-app/api/models/); "
             f"OpenAPI: {url}api/openapi.json"]
    if guard.token:
        lines.append(f"  Every API request needs the token in ${token_env} "
                     "(Authorization: Bearer …); the page asks for it once")
        if not is_loopback(guard.bind):
            lines.append("  Other machines can reach it. Plain http: the token crosses the "
                         "network in the clear; put TLS in front of it on an untrusted network")
    else:
        lines.append("  Only this machine can reach it (loopback); no token needed")
    if guard.allowed_origins:
        lines.append("  Pages of " + ", ".join(sorted(guard.allowed_origins)) +
                     " may call the API (CORS)")
    lines.append("Ctrl-C stops it")
    for line in lines:
        cmd.say(printable(line))
    cmd.out.flush()
