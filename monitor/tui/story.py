"""The story view: title, sources, time, link, why it was tagged, the story's text (its full
text when the feed gave one, else its summary) with claims highlighted, and the claims it
makes."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from monitor.queries import StoryDetail, story_detail, titled
from monitor.tui.detail import corrections_lines
from monitor.tui.footer import KeyFooter
from monitor.tui.links import openable
from monitor.tui.messages import DatabaseChanged
from monitor.tui.text import (
    CONFLICT_STYLE,
    MUTED_STYLE,
    NEW_STYLE,
    Facts,
    Hanging,
    HangingText,
    chip,
    long_time,
    paragraph,
    plain,
)

if TYPE_CHECKING:
    from monitor.tui.app import MonitorApp

CLAIM_STYLE = "underline $mark-unseen"


def highlight_claims(summary: Content, story: StoryDetail) -> Content:
    """The story's text (full text or summary) with each claim's wording (as found in this
    story) highlighted."""
    text = summary.plain
    for claim in story.claims:
        for wording in {claim.text, claim.claim_text}:
            if len(wording) < 4:
                continue
            style = (
                CONFLICT_STYLE if claim.conflicting else NEW_STYLE if claim.is_new else CLAIM_STYLE
            )
            for match in re.finditer(re.escape(wording), text, re.IGNORECASE):
                summary = summary.stylize(style, match.start(), match.end())
    return summary


def story_content(
    story: StoryDetail, now: datetime | None = None
) -> tuple[Hanging, Hanging, Content, Hanging]:
    """(head, why, body, claims) of the story view. The head's facts (source, dates, flags)
    break between two facts on a narrow screen, never inside a date."""
    flags = []
    if not story.read:
        flags.append("unread")
    if story.starred:
        flags.append("★ starred")
    if story.updated:
        flags.append(
            f"↻ updated {long_time(story.updated_at)}" if story.updated_at else "↻ updated"
        )
    meta = [
        story.source,
        f"published {long_time(story.published)}" if story.published else "no publication date",
    ]
    meta.append(f"fetched {long_time(story.first_seen)}")  # (when it arrived here)
    if story.author:
        meta.insert(1, f"by {story.author}")
    facts = [plain(fact, MUTED_STYLE) for fact in meta]
    facts += [plain(flag, "bold $mark-new") for flag in flags]
    head: list[Content | Facts] = [
        plain(titled(story.title, story.source), "bold"),
        Facts(tuple(facts)),
    ]
    if len(story.seen_in) > 1:
        head.append(plain(f"also carried by {', '.join(story.seen_in[1:])}", MUTED_STYLE))
    link = openable(story.url)
    link_line: list[Content | tuple[str, str]]
    if link:
        link_line = [
            ("link ", MUTED_STYLE),
            plain(link, "$mark-link"),
            ("  (o opens it)", MUTED_STYLE),
        ]
    elif story.url:
        link_line = [
            ("link ", MUTED_STYLE),
            plain(story.url),
            ("  (not http/https: not opened)", MUTED_STYLE),
        ]
    else:
        link_line = [("no link", MUTED_STYLE)]
    head.append(Content.assemble(*link_line))

    why: list[tuple[Content, Content]] = []
    for reason in story.tags:
        detail = f"rule {reason.rule}" if reason.rule else "tagged"
        if reason.matched:
            detail += ", matched " + ", ".join(f"“{word}”" for word in reason.matched)
        why.append((chip(reason.tag) + " ", plain(detail, MUTED_STYLE)))
    if not why:
        why.append((Content(""), Content.styled("Not tagged by any topic rule.", MUTED_STYLE)))

    # The article's full text when the feed gave one (content:encoded), else its summary.
    body = paragraph(story.body) if story.body else Content.styled("(no text)", MUTED_STYLE)
    body = highlight_claims(body, story)

    # One line per wording: the core can keep two claims for one sentence (two figures in it).
    wordings: dict[str, tuple[bool, bool, list[tuple[str, str]]]] = {}
    for claim in story.claims:
        wording = " ".join((claim.text or claim.claim_text).split())
        is_new, conflicting, others = wordings.get(wording, (False, False, []))
        others += [o for o in claim.disagreeing if o not in others]
        wordings[wording] = (is_new or claim.is_new, conflicting or claim.conflicting, others)
    claims: list[tuple[Content, Content]] = []
    for wording, (is_new, conflicting, others) in wordings.items():
        # FIRST: this story was the first to report it. (NEW, in the group's pane, is "new
        # since you looked"; one word for both read as yesterday's claims being new.)
        mark = Content.assemble(
            ("FIRST " if is_new else "      ", NEW_STYLE),
            ("≠ " if conflicting else "  ", CONFLICT_STYLE),
        )
        text = plain(wording)
        if others:
            source, said = others[0]
            text += Content.assemble(
                ("  — but ", MUTED_STYLE),
                plain(source, "bold"),
                (": ", MUTED_STYLE),
                plain(f"“{said}”", MUTED_STYLE),
            )
            if len(others) > 1:
                text += Content.styled(f" and {len(others) - 1} more", MUTED_STYLE)
        elif conflicting:
            text += Content.styled("  — other sources disagree", MUTED_STYLE)
        claims.append((mark, text))
    claims = corrections_lines(story.corrections, now or datetime.now(UTC)) + claims
    if not claims:
        claims.append(
            (Content(""), Content.styled("No claims extracted from this story.", MUTED_STYLE))
        )
    return (
        Hanging(tuple((Content(""), part) for part in head)),
        Hanging(tuple(why)),
        body,
        Hanging(tuple(claims)),
    )


UNREAD_KEYS: list[BindingType] = [
    Binding(
        "n",
        "next_unread(1)",
        "Next unread",
        show=False,
        tooltip="Next unread story (on into the next group with one)",
    ),
    Binding("p", "next_unread(-1)", "Prev unread", show=False, tooltip="Previous unread story"),
]
"""newsboat's n and p, on the main screen and in the story view (`action_next_unread`)."""


class StoryScreen(Screen[None]):
    """One story. Opening it marks it read. ] and [ move through the group's stories."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace,h,q", "app.pop_screen", "Back"),
        Binding("o", "open_link", "Open", tooltip="Open the story's link in the browser"),
        Binding("s", "star", "Star", tooltip="Star or unstar the story"),
        Binding("m", "toggle_read", "Read", tooltip="Mark the story read or unread"),
        Binding(
            "left_square_bracket", "step(-1)", "Prev", key_display="[", tooltip="Previous story"
        ),
        Binding("right_square_bracket", "step(1)", "Next", key_display="]", tooltip="Next story"),
        *UNREAD_KEYS,
        Binding("down,j", "scroll('down')", "Scroll down", show=False),
        Binding("up,k", "scroll('up')", "Scroll up", show=False),
        Binding("pagedown,space", "scroll('page_down')", "Page down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
        Binding("home,g", "scroll('home')", "Top", show=False),  # as in the lists
        Binding("end,G", "scroll('end')", "End", show=False),
    ]

    def __init__(
        self,
        conn: sqlite3.Connection,
        clock: Callable[[], datetime],
        ids: list[int],
        index: int,
        on_end: Callable[[int], bool] | None = None,
    ) -> None:
        super().__init__()
        self.on_end = on_end
        """Called with the step when `n`/`p` find no unread story left in the group: the main
        screen closes this view and opens one of another group (True), or there is none."""
        self.conn = conn
        self.clock = clock
        self.ids = ids
        self.index = index
        self.story: StoryDetail | None = None
        self._error: str | None = None
        self._drawn = False  # mounted: there are widgets to draw the story into
        self.read()

    @property
    def monitor(self) -> MonitorApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="story-box"):
            yield HangingText(id="story-head")
            yield HangingText(id="story-why")
            yield Static(id="story-body")
            yield HangingText(id="story-claims")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._drawn = True
        self.draw(mark_read=True)
        self.query_one("#story-box").focus()

    def read(self) -> None:
        """Read the story at `index` now, not on mount: keys typed right after Enter (`o`, `s`,
        `]`) can arrive before the screen is mounted, and act on `self.story`."""
        try:
            self.story = story_detail(self.conn, self.ids[self.index])
        except sqlite3.Error as exc:
            self._error = str(exc)
        else:
            self._error = None

    def load(self, mark_read: bool = False) -> None:
        self.read()
        if self._drawn:
            self.draw(mark_read)

    def draw(self, mark_read: bool = False) -> None:
        """Show the story read last; opening it (`mark_read`) marks it read."""
        if self._error is not None:
            self.notify(f"Could not read the story: {self._error}", severity="error", markup=False)
            return
        story = self.story
        if story is None:
            gone = Content.styled("This story is gone (deleted by retention).", MUTED_STYLE)
            self.query_one("#story-head", HangingText).update(Hanging(((Content(""), gone),)))
            return
        head, why, body, claims = story_content(story, self.clock())
        self.query_one("#story-head", HangingText).update(head)
        self.query_one("#story-why", HangingText).update(why)
        self.query_one("#story-body", Static).update(body)
        self.query_one("#story-claims", HangingText).update(claims)
        box = self.query_one("#story-box", VerticalScroll)
        box.border_title = f"Story {self.index + 1} of {len(self.ids)}"
        self.query_one("#story-why").border_title = "Why it was tagged"
        lines = len({" ".join((c.text or c.claim_text).split()) for c in story.claims})
        self.query_one("#story-claims").border_title = f"Claims ({lines})"
        if mark_read and not story.read:
            self.monitor.set_read([story.id], True)

    def on_database_changed(self, message: DatabaseChanged) -> None:
        """Show the story as stored now. An edit that a poll marked unread (a new headline or
        claim) while it is open is read: the reader sees the new text."""
        before = self.story
        self.load()
        after = self.story
        if before is not None and after is not None and before.id == after.id:
            if after.updated_at != before.updated_at and not after.read and self._drawn:
                self.draw(mark_read=True)

    def action_open_link(self) -> None:
        if self.story is not None:
            self.monitor.open_link(self.story.url, None if self.story.read else self.story.id)

    def action_star(self) -> None:
        if self.story is not None:
            self.monitor.toggle_starred(self.story.id, self.story.starred)

    def action_toggle_read(self) -> None:
        if self.story is not None:
            self.monitor.toggle_read(self.story.id, self.story.read)

    def action_step(self, delta: int) -> None:
        target = self.index + delta
        if 0 <= target < len(self.ids):
            self.index = target
            self.load(mark_read=True)
            if self._drawn:
                self.query_one("#story-box", VerticalScroll).scroll_home(animate=False)
        else:
            self.notify("No more stories in this group.", timeout=2)

    def action_next_unread(self, step: int) -> None:
        """The next (previous) unread story of the group; past its end, of the nearest group
        with one (this view closes and one opens on that story)."""
        try:
            marks = ",".join("?" * len(self.ids))
            unread = {
                row[0]
                for row in self.conn.execute(
                    f"SELECT id FROM stories WHERE id IN ({marks}) AND NOT read", self.ids
                )
            }
        except sqlite3.Error as exc:
            self.notify(f"Could not read the stories: {exc}", severity="error", markup=False)
            return
        unread.discard(self.ids[self.index])
        order = range(self.index + 1, len(self.ids)) if step > 0 else range(self.index - 1, -1, -1)
        found = next((i for i in order if self.ids[i] in unread), None)
        if found is not None:
            self.action_step(found - self.index)
            return
        if self.on_end is None or not self.on_end(step):
            self.notify("No unread story left.", timeout=2)

    def action_scroll(self, how: str) -> None:
        if not self._drawn:
            return
        box = self.query_one("#story-box", VerticalScroll)
        {"down": box.scroll_down, "up": box.scroll_up, "page_down": box.scroll_page_down,
         "page_up": box.scroll_page_up, "home": box.scroll_home,
         "end": box.scroll_end}[how](animate=False)  # fmt: skip
