"""Headers HTTP cannot carry (a token with an "é"): every request fails with one clear
OllamaError before anything is sent, instead of httpx's UnicodeEncodeError."""

from __future__ import annotations

import pytest

from tui.emulator.server import Emulator
from tui.ollama import OllamaClient
from tui.ollama.errors import OllamaError, UnusableSettingError


async def test_a_header_that_is_not_ascii_fails_every_request_and_sends_nothing(
        emulator: Emulator) -> None:
    async with OllamaClient(emulator.url, headers={"Authorization": "Bearer sécret"}) as client:
        for request in (client.version(), client.list_models(), client.show("llama3.2")):
            with pytest.raises(UnusableSettingError,
                               match="^the Authorization header is not ASCII: HTTP headers "
                                     "cannot carry it$"):
                await request
        with pytest.raises(OllamaError, match="not ASCII"):
            async for _ in client.pull("llama3.2"):  # a streamed answer too
                pass
    assert not emulator.requests


async def test_the_configured_reason_is_the_one_given(emulator: Emulator) -> None:
    async with OllamaClient(emulator.url, unusable="the token in A_TOKEN is not ASCII") as c:
        with pytest.raises(UnusableSettingError, match="^the token in A_TOKEN is not ASCII$"):
            await c.version()
    async with OllamaClient(emulator.url, headers={"Authorization": "Bearer plain"}) as c:
        assert await c.version()  # an ASCII token goes as before
