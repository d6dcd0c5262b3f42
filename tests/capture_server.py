"""A stand-in Ollama on 127.0.0.1 that records every request, body and Authorization
included: what a transfer or an import sends is checked byte for byte (the emulator keeps no
bodies), and a host that must be sent nothing is checked to have received nothing.

It answers just enough for `transfer` and `import` to go through: an empty (or given) model
list, `HEAD /api/blobs` 404 until a blob was posted, `POST /api/blobs` 201 whatever the
bytes (checking them is the test's job), and `/api/create` a streamed success.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Captured:
    method: str
    path: str
    body: bytes
    complete: bool  # all the bytes Content-Length announced arrived
    authorization: str = ""


@dataclass
class CaptureServer:
    models: list[dict[str, Any]] = field(default_factory=list)  # what /api/tags lists
    requests: list[Captured] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    def record(self, captured: Captured) -> None:
        with self._lock:
            self.requests.append(captured)

    def sent(self, method: str, prefix: str) -> list[Captured]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    @property
    def uploads(self) -> list[Captured]:
        return self.sent("POST", "/api/blobs/")

    @property
    def creates(self) -> list[Captured]:
        return self.sent("POST", "/api/create")

    def has_blob(self, digest: str) -> bool:
        return any(r.complete and r.path == f"/api/blobs/{digest}" for r in self.uploads)


def _handler(capture: CaptureServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _body(self) -> tuple[bytes, bool]:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                parts = []
                while line := self.rfile.readline():
                    size = int(line.split(b";")[0].strip() or b"0", 16)
                    if not size:
                        self.rfile.readline()
                        return b"".join(parts), True
                    parts.append(self.rfile.read(size))
                    self.rfile.readline()
                return b"".join(parts), False
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            return body, len(body) == length

        def _answer(self, status: int, body: bytes = b"",
                    content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _handle(self) -> None:
            body, complete = self._body() if self.command == "POST" else (b"", True)
            capture.record(Captured(self.command, self.path, body, complete,
                                    self.headers.get("Authorization", "")))
            if not complete:
                self.close_connection = True
                return
            path = self.path
            if self.command == "GET" and path == "/api/tags":
                self._answer(200, json.dumps({"models": capture.models}).encode())
            elif self.command == "GET" and path == "/api/ps":
                self._answer(200, b'{"models":[]}')
            elif self.command == "GET" and path == "/api/version":
                self._answer(200, b'{"version":"0.12.0"}')
            elif self.command == "HEAD" and path.startswith("/api/blobs/"):
                self._answer(200 if capture.has_blob(path.removeprefix("/api/blobs/"))
                             else 404)
            elif self.command == "POST" and path.startswith("/api/blobs/"):
                self._answer(201)
            elif self.command == "POST" and path == "/api/create":
                lines = [{"status": "parsing GGUF"}, {"status": "writing manifest"},
                         {"status": "success"}]
                self._answer(200, b"".join(json.dumps(line).encode() + b"\n" for line in lines),
                             "application/x-ndjson")
            else:
                self._answer(404, b'{"error":"not found"}')

        do_GET = do_HEAD = do_POST = do_DELETE = do_PUT = _handle  # noqa: N815

    return Handler
