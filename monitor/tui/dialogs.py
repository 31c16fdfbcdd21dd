"""Dialogs: the address to subscribe to (feeds screen, `a`) and yes/no questions (removing a
feed, catching up). They only ask; the caller acts on the answer."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from monitor.tui.text import MUTED_STYLE, plain


class AddFeedDialog(ModalScreen[str | None]):
    """Returns the address typed (Enter), or None (Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, config_name: str = "feeds.yaml", address: str = "") -> None:
        """`address`: what was typed before, when its check failed (to correct it)."""
        super().__init__()
        self.config_name = config_name
        self.address = address

    def compose(self) -> ComposeResult:
        with Vertical(id="add-feed-box") as box:
            box.border_title = "Subscribe"
            box.border_subtitle = "Enter adds · Esc cancels"
            yield Static(
                Content.assemble(
                    (
                        "The address of a feed, or of a web page that names its feed "
                        "(example.com means https://example.com); tags and a title may follow, "
                        'as in newsboat\'s urls file: example.com/feed ai talent "~Harbor desk". '
                        "It is checked first, then added to ",
                        MUTED_STYLE,
                    ),
                    plain(self.config_name, MUTED_STYLE),
                    (".", MUTED_STYLE),
                )
            )
            yield Input(self.address, placeholder="https://…", id="add-feed-address")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value:
            self.dismiss(value)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: True on y, False on n or Esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "dismiss(True)", "Yes"),
        Binding("n,escape", "dismiss(False)", "No"),
    ]

    def __init__(self, title: str, question: Content | str, hint: str = "y yes · n no") -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box") as box:
            box.border_title = self.title_text
            yield Static(self.question)
            # Inside the box, not on its border: a narrow box dropped it there.
            yield Static(Content.styled(self.hint, MUTED_STYLE), classes="confirm-hint")


def remove_question(name: str, config_name: str = "feeds.yaml") -> Content:
    return Content.assemble(
        ("Remove ", ""),
        plain(name, "bold"),
        (" from ", ""),
        plain(config_name),
        ("? ", ""),
        ("Its stories stay in the database.", MUTED_STYLE),
    )
