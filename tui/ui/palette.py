"""The command palette's source: the system commands and every action of the view on
screen (help.palette_commands), found by name as Textual finds them, and also by the words
that explain them, so that the README's words find their key: `benchmark` finds Bench,
`current` finds Use, `section` finds Info."""

from __future__ import annotations

from textual.command import Hit, Hits
from textual.system_commands import SystemCommandsProvider

from tui.ui.screens.help import palette_commands

# Below any match by name; the view's own actions before Textual's (Theme: "the current
# theme").
EXPLAINED, EXPLAINED_OURS = 0.3, 0.35


class ActionsProvider(SystemCommandsProvider):
    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        words = query.lower().split()
        ours = {(c.title, c.help) for c in palette_commands(self.app, self.screen)}
        seen = set()  # an action bound in two places is offered once
        for name, help_text, callback, *_ in self.app.get_system_commands(self.screen):
            if (name, help_text) in seen:
                continue
            seen.add((name, help_text))
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
            elif words and all(word in (help_text or "").lower() for word in words):
                yield Hit(EXPLAINED_OURS if (name, help_text) in ours else EXPLAINED,
                          name, callback, help=help_text)
