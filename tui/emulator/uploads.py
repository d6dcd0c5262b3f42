"""The emulator's blob uploads (`HEAD`/`POST /api/blobs/sha256:<hex>`), as a transfer between
hosts and `/api/create` with `files` use them. Uploads stream to files (see blobs.py)."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from aiohttp import web

from tui.emulator.blobs import CHUNK, DigestMismatch
from tui.emulator.wire import ApiError

if TYPE_CHECKING:
    from tui.emulator.server import Emulator


def add_routes(app: web.Application, emulator: Emulator) -> None:
    app.router.add_route("HEAD", "/api/blobs/{digest}", partial(_has_blob, emulator))
    app.router.add_post("/api/blobs/{digest}", partial(_upload, emulator))


# Ollama's pattern for a blob's digest in a path (either separator, either case of hex).
_DIGEST = re.compile(r"sha256[:-][0-9a-fA-F]{64}")


def _digest_of(request: web.Request) -> tuple[str, str]:
    """The digest as sent, and as the blob's name (`sha256:`; hex case kept, as a file
    name keeps it: an upper-case digest names no blob)."""
    sent = request.match_info["digest"]
    if not _DIGEST.fullmatch(sent):
        raise ApiError(400, "invalid digest format")
    return sent, sent.replace("-", ":", 1)


async def _has_blob(emulator: Emulator, request: web.Request) -> web.Response:
    sent, digest = _digest_of(request)
    if digest not in emulator.store.contents:
        raise ApiError(404, f'blob "{sent}" not found')
    return web.Response(status=200)


async def _upload(emulator: Emulator, request: web.Request) -> web.Response:
    sent, digest = _digest_of(request)
    if digest in emulator.store.contents:
        return web.Response(status=200)  # Ollama does not read the body again
    try:
        size = await emulator.store.contents.receive(sent, request.content.iter_chunked(CHUNK))
    except DigestMismatch as exc:
        raise ApiError(400, f'digest mismatch, expected "{sent}", got "{exc.got}"') from None
    except OSError as exc:  # a full disk, an unwritable models directory
        raise ApiError(500, f"write {digest.replace(':', '-')}: {exc.strerror}") from None
    emulator.store.blobs[digest] = size
    return web.Response(status=201)
