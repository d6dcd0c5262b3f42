"""The command palette's source: the system commands and every action of the view on
screen (help.palette_commands), found by name as Textual finds them, and also by the words
that explain them, so that the README's words find their key: `benchmark` finds Bench,
`current` finds Use, `keep` finds Load."""

from __future__ import annotations

from textual.command import Hit, Hits
from textual.system_commands import SystemCommandsProvider

EXPLAINED = 0.3  # below a match by name: those come first


class ActionsProvider(SystemCommandsProvider):
    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        words = query.lower().split()
        for name, help_text, callback, *_ in self.app.get_system_commands(self.screen):
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
            elif words and all(word in (help_text or "").lower() for word in words):
                yield Hit(EXPLAINED, name, callback, help=help_text)
