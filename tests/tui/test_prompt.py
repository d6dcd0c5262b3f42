"""The one-shot prompt: a streamed answer, thinking apart, tokens/s at the end, shown
literally; Esc stops a long answer."""

from tests.tui.helpers import models_view, notices, screen_text, shows, wait_until
from tui.emulator.server import Emulator
from tui.ui.screens.prompt import PromptScreen


async def ask(pilot, model: str, prompt: str) -> PromptScreen:
    models_view(pilot.app).grid.select_name(model)
    await pilot.press("t", *prompt, "enter")
    screen = pilot.app.screen
    assert isinstance(screen, PromptScreen)
    return screen


async def test_the_answer_streams_with_thinking_apart(pilot) -> None:
    app = pilot.app
    screen = await ask(pilot, "qwen3:8b", "hi")
    await wait_until(pilot, lambda: shows(app, "tokens/s"))
    assert screen.thinking_text.startswith("The user sent a prompt.")
    assert screen.answer_text.startswith("This is the qgoose-tui Ollama emulator.")
    assert shows(app, "Thinking: The user sent a prompt") and shows(app, "35 tokens at")
    await pilot.press("escape")
    assert not isinstance(app.screen, PromptScreen)


async def test_model_text_is_shown_literally(pilot, emulator: Emulator) -> None:
    app = pilot.app
    emulator.reply = "[bold red]not-markup[/] \x1b[2Jcleared? \u009b31m"
    await ask(pilot, "mistral:latest", "go")
    await wait_until(pilot, lambda: shows(app, "tokens/s"))
    text = screen_text(app)
    assert "[bold red]not-markup[/]" in text and "\\x1b[2Jcleared?" in text
    assert "\\x9b31m" in text and "\x1b" not in text


async def test_esc_stops_a_long_answer_and_keeps_what_came(pilot, emulator: Emulator) -> None:
    app = pilot.app
    emulator.reply_interval = 0.3
    screen = await ask(pilot, "mistral:latest", "go")
    await wait_until(pilot, lambda: screen.answer_text.startswith("This is"))
    await pilot.press("escape")
    assert shows(app, "Stopped: what came so far is shown")
    kept = screen.answer_text
    await pilot.pause(0.7)
    assert screen.answer_text == kept and isinstance(app.screen, PromptScreen)
    await pilot.press("escape")
    assert not isinstance(app.screen, PromptScreen)


async def test_an_embedding_model_is_not_asked(pilot) -> None:
    app = pilot.app
    models_view(app).grid.select_name("nomic-embed-text:latest")
    await wait_until(pilot, lambda: app.session.known_capabilities(
        models_view(app).grid.highlighted) is not None)
    await pilot.press("t")
    assert not isinstance(app.screen, PromptScreen)
    assert "is an embedding model" in notices(app)


async def test_a_cloud_model_says_why_it_cannot_answer_here(pilot) -> None:
    app = pilot.app
    await ask(pilot, "glm-4.6:cloud", "hi")
    await wait_until(pilot, lambda: shows(app, "is a cloud model"))
