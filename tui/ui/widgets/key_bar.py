"""KeyBar: the keys of the view on screen, on the bottom line, as Textual's Footer shows them.

One widget draws the whole line. Textual's Footer mounts a widget per key and mounts them all
again each time the bindings change (three times before the app settles): that was about
100 ms of a 370 ms start-up. Keys work with the mouse as in the Footer: a click presses the
key, hovering shows its tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

HELP_KEY = "question_mark"  # the key that lists every other one


@dataclass(frozen=True, slots=True)
class Key:
    key: str  # what a click presses
    display: str  # "^p", "/", "q"
    description: str
    tooltip: str
    enabled: bool


class KeyBar(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--separator",
                         "key-bar--hover"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; height: 1;
        color: $footer-foreground; background: $footer-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground; background: $footer-key-background; text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground; background: $footer-description-background;
    }
    KeyBar > .key-bar--separator { color: $foreground 20%; }
    KeyBar > .key-bar--hover { background: $block-hover-background; }
    KeyBar:hover { pointer: pointer; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._spans: list[tuple[int, int, Key]] = []  # (first cell, end cell, key) as drawn
        self._hovered: Key | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        self.refresh()

    def keys(self) -> tuple[list[Key], Key | None]:
        """The keys to show, in binding order, one per action; and the command palette's,
        shown apart on the right."""
        app = self.app
        active = self.screen.active_bindings
        shown: dict[str, Key] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in shown:
                shown[binding.action] = Key(binding.key, app.get_key_display(binding),
                                            binding.description, tooltip, enabled)
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = Key(binding.key, app.get_key_display(binding), binding.description,
                          binding.tooltip or binding.description, enabled)
            shown.pop(binding.action, None)
        return list(shown.values()), palette

    def _keys_not_on_bar(self) -> bool:
        """Whether the view has keys that only `?` lists (bindings not shown on the bar)."""
        return any(not binding.show and binding.description
                   for _node, binding, _enabled, _tooltip in self.screen.active_bindings.values())

    def render(self) -> Text:
        keys, palette = self.keys()
        right, right_spans = self._keys_text([palette] if palette is not None else [])
        # The palette's key keeps its place on the right. Keys that do not fit are drawn
        # closer together, then the last ones left out (? lists every key).
        room = self.size.width - right.cell_len - (1 if palette is not None else 0)
        if self._keys_not_on_bar():
            # `? more` says there is more than the bar shows, where `? Help` would not.
            keys = [replace(k, description="more") if k.key == HELP_KEY else k for k in keys]
        line, spans = self._keys_text(keys)
        if line.cell_len > room:
            line, spans = self._keys_text(keys, compact=True)
        if line.cell_len > room:
            line, spans = self._most_used(keys, room)
        self._spans = spans
        if palette is not None:
            line.append(" " * max(0, room - line.cell_len))
            line.append("▏", self.get_component_rich_style("key-bar--separator"))
            offset = line.cell_len
            self._spans += [(start + offset, end + offset, key) for start, end, key in right_spans]
            line.append_text(right)
        return line

    def _most_used(self, keys: list[Key], room: int
                   ) -> tuple[Text, list[tuple[int, int, Key]]]:
        """The first keys (the bindings list the most used first) that fit, then `? more`:
        a newcomer at 80 columns still sees where the others are."""
        more = next((k for k in keys if k.key == HELP_KEY), None)
        if more is None:
            line, spans = self._keys_text(keys, compact=True)
        else:
            keys = [k for k in keys if k is not more]
            more = replace(more, description="more")
            _, more_spans = self._keys_text([more], compact=True)
            line, spans = self._keys_text(keys, compact=True)
            room -= more_spans[0][1]
        spans = [span for span in spans if span[1] <= room]
        line.truncate(spans[-1][1] if spans else 0)
        if more is not None:
            tail, tail_spans = self._keys_text([more], compact=True)
            offset = line.cell_len
            spans += [(start + offset, end + offset, key) for start, end, key in tail_spans]
            line.append_text(tail)
        return line, spans

    def _keys_text(self, keys: list[Key], compact: bool = False
                   ) -> tuple[Text, list[tuple[int, int, Key]]]:
        """The keys drawn one after the other, and the cells each takes (for the mouse)."""
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        text = Text(no_wrap=True, overflow="crop")
        spans = []
        for key in keys:
            start = text.cell_len
            text.append(f"{key.display} " if compact else f" {key.display} ", key_style)
            if key.description:
                text.append(f"{key.description} ", description_style)
            if not key.enabled:
                text.stylize("dim", start)
            if key == self._hovered:
                text.stylize(self.get_component_rich_style("key-bar--hover", partial=True), start)
            spans.append((start, text.cell_len, key))
        return text, spans

    def key_at(self, x: int) -> Key | None:
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self.key_at(event.x)
        if key != self._hovered:
            self._hovered = key
            self.tooltip = (key.tooltip or key.description) if key else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.tooltip = None
            self.refresh()
