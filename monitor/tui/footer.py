"""The footer: the keys that matter on this screen, the least important dropped when they do not
fit the width (instead of the last ones being cut off at 80 columns)."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

RANKS: dict[str, int] = {
    "help": 0,  # `?` lists every key, so it always stays
    "app.pop_screen": 0,
    "quit": 1,
    "back_to_groups": 1,  # q, while the stories pane has the focus
    "search": 1,
    "open_link": 1,
    "show_feed": 1,
    "star": 2,
    "toggle_read": 2,
    "step(1)": 2,
    "step(-1)": 2,
    "pick_tag": 3,
    "poll_now": 3,
    "mark_group_read": 4,
    "feeds": 4,
    "command_palette": 5,  # on the right; `?` and the help screen's border name it
}
"""Lower ranks are kept longer; an action not listed ranks 3."""
DEFAULT_RANK = 3


def key_width(key: FooterKey) -> int:
    """Cells a compact FooterKey takes: key, space, description, and the gap after it (the
    command-palette key has a border on its left instead of a gap)."""
    label = cell_len(key.key_display) + (1 + cell_len(key.description) if key.description else 0)
    return label + 1


def keys_to_hide(keys: list[FooterKey], width: int) -> set[FooterKey]:
    """The keys to hide so the rest fit `width`: highest rank first, rightmost first in a rank."""
    used = sum(key_width(key) for key in keys)
    order = sorted(
        enumerate(keys), key=lambda item: (RANKS.get(item[1].action, DEFAULT_RANK), item[0])
    )
    hidden: set[FooterKey] = set()
    for _, key in reversed(order):
        if used <= width:
            break
        if RANKS.get(key.action, DEFAULT_RANK) == 0:
            break
        hidden.add(key)
        used -= key_width(key)
    return hidden


class KeyFooter(Footer):
    """A compact Footer that fits its width by dropping the least important keys. It is built
    again only when the keys it shows change: moving between the panes changes the focus but
    not the keys, and rebuilding cost a re-layout of the screen per Tab."""

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._shown: tuple[tuple[str, str, bool], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple(
            (binding.key, binding.description, enabled)
            for (_, binding, enabled, _tooltip) in screen.active_bindings.values()
            if binding.show
        )
        if shown == self._shown and self.children:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # a rebuild with these keys is on its way
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        widgets: list[Widget] = list(super().compose())
        self._fit([w for w in widgets if isinstance(w, FooterKey)])
        yield from widgets

    def on_resize(self, event: events.Resize) -> None:
        self._fit(list(self.query_children(FooterKey)))

    def _fit(self, keys: list[FooterKey]) -> None:
        width = self.size.width
        if width <= 0:
            return
        hidden = keys_to_hide(keys, width)
        for key in keys:
            key.display = key not in hidden
