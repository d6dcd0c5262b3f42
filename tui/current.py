"""Setting the current model: only to an installed one, persisted in the config file.

Shared by `qgoose-tui use` and the TUI's `u` key.
"""

from __future__ import annotations

from tui.config import Settings, save_setting
from tui.ollama.models import ModelSummary
from tui.ollama.names import normalize, same_model


class NotInstalledError(Exception):
    """The model asked for is not installed, so it cannot be the current model."""


def set_current_model(settings: Settings, installed: list[ModelSummary], name: str) -> str:
    """Persist `name` as the current model and return its installed name.

    Raises InvalidNameError, NotInstalledError or ConfigError; changes nothing then.
    """
    wanted = normalize(name)
    match = next((m for m in installed if same_model(m.name, wanted)), None)
    if match is None:
        raise NotInstalledError(
            f"{wanted} is not installed, so it cannot be the current model; "
            f"pull it first with: qgoose-tui pull {wanted}"
        )
    save_setting(settings.path, "current_model", match.name)
    settings.current_model = match.name
    return match.name
