"""The variant form (`v`) against the emulator: the name and parameters checked as typed,
the memory line and the Modelfile preview following the form, creating selects the new
model, quantize offered only for unquantized weights, Ollama's errors shown as written."""

import pytest
from textual.widgets import Input, Static, TextArea

from tests.tui.helpers import models_view, shows, type_text, wait_until
from tui.emulator.server import Emulator
from tui.ui.screens.create_dialog import CreateDialog
from tui.ui.screens.dialog import Dialog
from tui.ui.widgets.model_name_input import ModelNameInput


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_form(pilot, model: str) -> CreateDialog:
    models_view(pilot.app).grid.select_name(model)
    await pilot.press("v")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CreateDialog))
    return pilot.app.screen


async def set_input(pilot, selector: str, value: str) -> None:
    pilot.app.screen.query_one(selector, Input).value = value
    await pilot.pause()


@pytest.mark.size(80, 24)
async def test_the_form_checks_as_typed_and_previews_the_modelfile(pilot) -> None:
    app = pilot.app
    form = await open_form(pilot, "llama3.2:latest")
    assert form.query_one("#name", Input).has_focus
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, "llama3.2")
    assert "the base's name" in text_of(app, "#name-problem")
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, "bad name!")
    assert "invalid" in text_of(app, "#name-problem").lower()
    assert form.query_one("#name", ModelNameInput).has_class("-invalid")  # the box is red
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, "qwen3:8b")
    assert "qwen3:8b exists: creating asks before replacing it" in text_of(app, "#name-problem")
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, "llama3.2-32k")
    assert "✓ llama3.2-32k:latest" in text_of(app, "#name-problem")
    assert not form.query_one("#name", ModelNameInput).has_class("-invalid")
    # The base's own values are filled in (llama3.2's stop words).
    assert "<|eot_id|>" in form.query_one("#stop", TextArea).text
    await set_input(pilot, "#num_ctx", "32k")  # as people write contexts
    assert "at 32,768 tokens" in text_of(app, "#fit")
    await set_input(pilot, "#num_ctx", "lots")
    assert "num_ctx must be a number of tokens like 32768 or 32k, not 'lots'" in \
        text_of(app, "#problems")
    await set_input(pilot, "#num_ctx", "8192")
    assert "at 8,192 tokens" in text_of(app, "#fit")
    await set_input(pilot, "#temperature", "hot")
    assert "temperature must be a number, not 'hot'" in text_of(app, "#problems")
    await pilot.press("ctrl+s")
    assert isinstance(app.screen, CreateDialog)  # refused while a field is wrong
    await set_input(pilot, "#temperature", "0.4")
    form.query_one("#other", TextArea).text = "seed 42\nmirostat 2"
    await pilot.pause()
    assert "line 2 of the other parameters: unknown parameter 'mirostat'" in \
        text_of(app, "#problems")
    form.query_one("#other", TextArea).text = "seed 42"
    form.query_one("#system", TextArea).text = "You are terse."
    await pilot.pause()
    assert text_of(app, "#problems") == ""
    assert text_of(app, "#preview") == (
        "FROM llama3.2:latest\nPARAMETER num_ctx 8192\nPARAMETER temperature 0.4\n"
        'PARAMETER seed 42\nSYSTEM """You are terse."""\n')


@pytest.mark.size(80, 24)
async def test_typing_a_name_replaces_the_suggested_one(pilot) -> None:
    """A newcomer types the variant's name straight away: it replaces the suggestion
    (Ctrl+A is "go to start" in a terminal, so select-all is not at hand)."""
    form = await open_form(pilot, "llama3.2:latest")
    assert shows(pilot.app, "Ctrl+S creates")  # at 80×24, with the Create button out of sight
    await pilot.press("end")  # moving first keeps the suggestion to edit
    await type_text(pilot, "-2")
    assert form.query_one("#name", Input).value == "llama3.2-custom-2"
    await pilot.press("escape")
    form = await open_form(pilot, "llama3.2:latest")
    await type_text(pilot, "llama3.2-32k")
    assert form.query_one("#name", Input).value == "llama3.2-32k"
    assert "✓ llama3.2-32k:latest" in text_of(pilot.app, "#name-problem")


async def test_creating_shows_statuses_then_selects_the_new_model(pilot,
                                                                  emulator: Emulator) -> None:
    app = pilot.app
    await open_form(pilot, "llama3.2:latest")
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, "llama3.2-32k")
    await set_input(pilot, "#num_ctx", "32K")
    app.screen.query_one("#system", TextArea).text = "You are terse."
    await pilot.pause()
    await pilot.press("ctrl+s")
    grid = models_view(app).grid
    await wait_until(pilot, lambda: not isinstance(app.screen, CreateDialog) and
                     grid.highlighted is not None and
                     grid.highlighted.name == "llama3.2-32k:latest")
    info = await app.session.client.show("llama3.2-32k")
    assert dict(info.parameter_lines())["num_ctx"] == "32768"
    assert info.system == "You are terse."
    sent = [r.body for r in emulator.requests if r.path == "/api/create"][-1]
    assert sent is not None and sent["from"] == "llama3.2:latest"


async def test_escape_closes_the_form_and_makes_nothing(pilot, emulator: Emulator) -> None:
    app = pilot.app
    form = await open_form(pilot, "llama3.2:latest")
    assert isinstance(form, Dialog)  # the frame, Esc and failed workers of every dialog
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, "never-made")
    await pilot.press("escape")
    assert not isinstance(app.screen, CreateDialog)
    assert not [r for r in emulator.requests if r.path == "/api/create"]
    assert app.session.state.find("never-made") is None


async def test_quantize_only_for_unquantized_weights(pilot) -> None:
    form = await open_form(pilot, "llama3.2:latest")
    assert not form.query("#quantize")
    await pilot.press("escape")
    form = await open_form(pilot, "nomic-embed-text:latest")
    form.query_one("#quantize").value = "Q8_0"
    await pilot.pause()
    assert "expected size 145 MB" in text_of(pilot.app, "#quantize-fit")
    assert "quantize q8_0" in text_of(pilot.app, "#preview")


async def test_ollamas_error_is_shown_as_written(pilot, emulator: Emulator) -> None:
    app = pilot.app
    await open_form(pilot, "llama3.2:latest")
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, "v2")
    emulator.store.installed.clear()  # the base vanishes between the form and the create
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: "Failed:" in text_of(app, "#statuses"))
    assert "llama3.2:latest is not installed here" in text_of(app, "#statuses")
    assert isinstance(app.screen, CreateDialog)  # nothing typed is lost


async def test_a_name_taken_while_the_form_is_open_is_asked_about(pilot) -> None:
    from tui.ui.screens.confirm import ConfirmScreen

    app = pilot.app
    await open_form(pilot, "llama3.2:latest")
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, "meanwhile")
    await app.session.client.copy("qwen3:8b", "meanwhile")  # another client makes it
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: "made meanwhile" in text_of(app, "#statuses"))
    assert text_of(app, "#statuses") == \
        "meanwhile:latest was made meanwhile: Create again asks before replacing it"
    assert "meanwhile:latest exists" in text_of(app, "#name-problem")
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))


async def test_the_info_panel_shows_the_modelfile_and_m_saves_it(
        pilot, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.tui.helpers import info_text, notices

    monkeypatch.chdir(tmp_path)
    app = pilot.app
    models_view(app).grid.select_name("qwen2.5:7b")
    await wait_until(pilot, lambda: "Modelfile (M saves it)" in info_text(app))
    assert 'SYSTEM """You are Qwen, created by Alibaba Cloud.' in info_text(app)
    await pilot.press("M")
    saved = tmp_path / "qwen2.5_7b.Modelfile"
    await wait_until(pilot, lambda: saved.exists())
    assert saved.read_text().startswith('# Modelfile generated by "ollama show"')
    await wait_until(pilot, lambda: "Saved the Modelfile of qwen2.5:7b" in notices(app))
    # The user edits the file, then presses M again: the edits are kept, the new copy
    # goes beside it.
    saved.write_text("FROM qwen2.5:7b\nPARAMETER num_ctx 32768\n")
    await pilot.press("M")
    again = tmp_path / "qwen2.5_7b-2.Modelfile"
    await wait_until(pilot, lambda: again.exists())
    assert saved.read_text() == "FROM qwen2.5:7b\nPARAMETER num_ctx 32768\n"
    assert again.read_text().startswith('# Modelfile generated by "ollama show"')
    await wait_until(pilot, lambda: f"to {again} ({saved.name} was there already" in
                     " ".join(notices(app).split()))


async def test_m_never_replaces_a_file_already_there(pilot, tmp_path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # A Modelfile the user edited, and a link someone left in a shared folder: M wrote over
    # the first and through the second (a hostile server's template into ~/.bashrc).
    from tests.tui.helpers import notices

    monkeypatch.chdir(tmp_path)
    edited = tmp_path / "qwen2.5_7b.Modelfile"
    edited.write_text("FROM qwen2.5:7b\nPARAMETER num_ctx 32768\n")
    victim = tmp_path / "victim.rc"
    victim.write_text("keep me\n")
    (tmp_path / "qwen2.5_7b-2.Modelfile").symlink_to(victim)
    app = pilot.app
    models_view(app).grid.select_name("qwen2.5:7b")
    await pilot.press("M")
    saved = tmp_path / "qwen2.5_7b-3.Modelfile"
    await wait_until(pilot, lambda: "Saved the Modelfile of qwen2.5:7b" in notices(app))
    assert saved.read_text().startswith('# Modelfile generated by "ollama show"')
    assert f"to {saved}" in notices(app)
    assert edited.read_text() == "FROM qwen2.5:7b\nPARAMETER num_ctx 32768\n"
    assert victim.read_text() == "keep me\n"


async def test_push_from_the_tui_reports_a_refusal_with_what_to_do(
        pilot, emulator: Emulator) -> None:
    from tests.tui.helpers import notices

    app = pilot.app
    models_view(app).grid.select_name("llama3.2:latest")
    await pilot.press("O")
    await wait_until(pilot, lambda: "has no namespace" in notices(app))


async def test_an_edited_template_is_sent_and_kept_an_untouched_one_is_not(
        pilot, emulator: Emulator) -> None:
    app = pilot.app
    form = await open_form(pilot, "llama3.2:latest")
    base = await app.session.client.show("llama3.2")
    template = form.query_one("#template", TextArea)
    assert template.text == base.template  # the base's, to edit
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, "plain")
    await pilot.pause()
    assert "TEMPLATE" not in text_of(app, "#preview")
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: not isinstance(app.screen, CreateDialog))
    sent = [r.body for r in emulator.requests if r.path == "/api/create"][-1]
    assert sent is not None and "template" not in sent
    assert (await app.session.client.show("plain")).template == base.template

    form = await open_form(pilot, "llama3.2:latest")
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, "answers")
    form.query_one("#template-fold").collapsed = False
    form.query_one("#template", TextArea).text = "Q: {{ .Prompt }}\nA: {{ .Response }}"
    await pilot.pause()
    assert 'TEMPLATE """Q: {{ .Prompt }}\nA: {{ .Response }}"""' in text_of(app, "#preview")
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: not isinstance(app.screen, CreateDialog))
    sent = [r.body for r in emulator.requests if r.path == "/api/create"][-1]
    assert sent is not None and sent["template"] == "Q: {{ .Prompt }}\nA: {{ .Response }}"
    made = await app.session.client.show("answers")
    assert made.template == "Q: {{ .Prompt }}\nA: {{ .Response }}"
    kept = app.session.kept_recipes()
    assert any(data.get("template") == made.template for _, data in kept.values())
