"""The help screen: every key of every screen, generated from the bindings themselves."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen

from monitor.tui.footer import KeyFooter
from monitor.tui.text import Hanging, HangingText

KEY_NAMES = {
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "enter": "Enter",
    "escape": "Esc",
    "backspace": "Backspace",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "question_mark": "?",
    "slash": "/",
    "asterisk": "*",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "space": "Space",
}


def key_label(keys: str) -> str:
    names = []
    for key in keys.split(","):
        key = key.strip()
        name = KEY_NAMES.get(key, key)
        if name.startswith("ctrl+"):
            name = "Ctrl+" + name[5:]
        names.append(name)
    return " ".join(names)


def bindings_of(bindings: Iterable[BindingType]) -> list[Binding]:
    return [b for b in bindings if isinstance(b, Binding)]


def help_rows(bindings: Sequence[Binding]) -> list[tuple[str, str]]:
    """(keys, description) rows; bindings sharing a description are merged into one row."""
    rows: dict[str, list[str]] = {}
    for binding in bindings:
        description = binding.tooltip or binding.description or binding.action
        rows.setdefault(description, []).append(key_label(binding.key))
    return [(" ".join(keys), description) for description, keys in rows.items()]


MARKS: tuple[tuple[str, str], ...] = (
    ("●", "groups: changed since you last opened it; stories: unread"),
    ("N new", "claims no report had stated before (until you open it)"),
    ("bold title", "the group has unread stories"),
    ("★  ↻", "starred; the story was edited since it arrived"),
    ("»", "stories: found by the search (the cursor starts on the first)"),
    ("NEW", "a claim first seen since you last opened the group"),
    ("FIRST", "story view: this story was the first to report the claim (no mark: a repeat)"),
    ("≠", "sources disagree on the figure (the others are named)"),
    ("✎", "a report corrected its figure: was → now"),
)
"""What the lists' and the claims pane's marks mean (the help lists them after the keys)."""


def help_content(sections: Sequence[tuple[str, Sequence[Binding]]]) -> Hanging:
    """The keys, then the marks; a description that wraps goes on under itself, not under the
    key column (on a narrow screen it started again at the left edge)."""
    items: list[tuple[Content, Content]] = []
    blank = (Content(""), Content(""))

    def heading(title: str) -> None:
        if items:
            items.append(blank)
        items.append((Content(""), Content.styled(title, "bold $mark-unseen")))

    for title, bindings in sections:
        heading(title)
        for keys, description in help_rows(bindings):
            items.append((Content.styled(f"  {keys:<22} ", "bold"), Content(description)))
    heading("Marks")
    for mark, meaning in MARKS:
        items.append((Content.styled(f"  {mark:<22} ", "bold"), Content(meaning)))
    return Hanging(tuple(items))


class HelpScreen(ModalScreen[None]):
    """Every key, by where it works. Esc or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close help"),
        Binding("down,j", "scroll('down')", "Scroll down", show=False),
        Binding("up,k", "scroll('up')", "Scroll up", show=False),
        Binding("g,home", "scroll('home')", "Top", show=False),
        Binding("G,end", "scroll('end')", "Bottom", show=False),
        # The keys listed under "Everywhere" work here too (a modal screen hides the app's).
        Binding("Q", "app.quit", "Quit"),
        Binding("r", "close_then('poll_now')", "Poll", tooltip="Poll every feed now"),
        Binding("f", "close_then('feeds')", "Feeds", tooltip="Every feed"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Sequence[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = "Esc closes · Ctrl+P runs any action by name"
            text = HangingText(id="help-text")
            text.update(help_content(self.sections))
            yield text
        yield KeyFooter()

    async def action_close_then(self, action: str) -> None:
        self.dismiss()
        await self.app.run_action(action)

    def action_scroll(self, direction: str) -> None:
        box = self.query_one("#help-box", VerticalScroll)
        if direction == "down":
            box.scroll_down(animate=False)
        elif direction == "home":
            box.scroll_home(animate=False)
        elif direction == "end":
            box.scroll_end(animate=False)
        else:
            box.scroll_up(animate=False)
