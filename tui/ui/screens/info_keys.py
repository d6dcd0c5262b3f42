"""The Models view's keys for the info panel: show or hide it (`i`), and jump to its next
or previous section (`]`, `[`): details, memory, parameters, template, license, Modelfile…
A section is wherever the panel draws a heading (bold, underlined), so a section the panel
gains is reachable with no change here."""

from __future__ import annotations

from textual.binding import Binding
from textual.strip import Strip

from tui.ui.widgets.info_panel import InfoPanel

INFO_BINDINGS = [
    Binding("right_square_bracket", "info('next')", "Info", tooltip="the info panel's next "
            "section: memory, parameters, template, license, Modelfile"),
    Binding("left_square_bracket", "info('previous')", "Info back", show=False,
            tooltip="the info panel's previous section"),
    Binding("i", "info('toggle')", "Info panel", show=False,
            tooltip="show or hide the info panel"),
]


def _is_heading(strip: Strip) -> bool:
    first = next((segment for segment in strip if segment.text.strip()), None)
    style = first.style if first is not None else None
    return bool(style and style.bold and style.underline)


def section_lines(panel: InfoPanel) -> list[int]:
    """Where each section starts in the panel (the details first, at the top)."""
    body = panel.body
    headings = [_is_heading(body.render_line(y)) for y in range(body.size.height)]
    # A heading wrapped onto two lines starts one section.
    return [0] + [y for y in range(1, len(headings)) if headings[y] and not headings[y - 1]]


def act(panel: InfoPanel, what: str) -> None:
    if what == "toggle":
        panel.display = not panel.display
        return
    if not panel.display:
        panel.display = True  # a jump in a hidden panel would show nothing
        return
    at = round(panel.scroll_y)
    lines = section_lines(panel)
    if what == "next":
        ahead = [y for y in lines if y > at]
        target = ahead[0] if ahead and at < panel.max_scroll_y else None
    else:
        behind = [y for y in lines if y < at]
        target = behind[-1] if behind else None
    if target is None:
        panel.app.bell()
    else:
        panel.scroll_to(y=target, animate=False)
