"""Fixtures the command-line tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.capture_server import CaptureServer


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    """A host that records what it is sent, for tests that check it is sent nothing."""
    server = CaptureServer()
    yield server
    server.close()
