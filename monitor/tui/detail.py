"""The right pane: the selected group's headline facts, its stories and its claims."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from monitor.queries import ClaimRow, GroupRow, StoryRow
from monitor.tui.text import (
    CHIP_STYLE,
    CONFLICT_STYLE,
    MUTED_STYLE,
    NEW_STYLE,
    UNSEEN_STYLE,
    ago,
    pad,
    plain,
    set_content,
    short_time,
)
from monitor.tui.windowlist import WindowList


class StoryList(WindowList):
    """The stories of the open group (a small in-memory list)."""

    def __init__(self, clock: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.rows: list[StoryRow] = []
        self.border_title = "Stories"

    def get_row(self, index: int) -> StoryRow | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    @property
    def current(self) -> StoryRow | None:
        return self.get_row(self.cursor)

    def show(self, rows: list[StoryRow], keep_id: int | None = None) -> None:
        self.rows = rows
        cursor = 0
        if keep_id is not None:
            cursor = next((i for i, row in enumerate(rows) if row.id == keep_id), self.cursor)
        self.set_row_count(len(rows), cursor=cursor)
        unread = sum(1 for row in rows if not row.read)
        self.border_subtitle = f"{len(rows)}" + (f" · {unread} unread" if unread else "")

    def render_row(self, row: StoryRow, width: int) -> Content:
        now = self.clock()
        mark = ("● ", UNSEEN_STYLE) if not row.read else ("  ", "")
        flags = ("★" if row.starred else " ") + ("↻" if row.updated else " ")
        when = pad(short_time(row.time, now), 6)
        source_width = max(8, min(18, width // 5))
        source = pad(row.source, source_width)
        title_width = max(8, width - 2 - 3 - 7 - source_width - 1)
        title_style = "bold" if not row.read else MUTED_STYLE
        return Content.assemble(
            mark,
            (flags + " ", "$text-warning"),
            (when + " ", MUTED_STYLE),
            (source + " ", "$text-secondary"),
            (pad(row.title, title_width), title_style),
        )


def group_header(item: GroupRow | None, now: datetime) -> Content:
    if item is None:
        return Content.styled(
            "Nothing here yet. Press r to poll, or change the filter.", MUTED_STYLE
        )
    title = plain(item.title, "bold")
    facts = [
        f"{item.story_count} stor{'y' if item.story_count == 1 else 'ies'}",
        f"{item.source_count} source{'' if item.source_count == 1 else 's'}",
        f"first {ago(item.first_seen, now)}",
        f"latest {ago(item.activity, now)}",
    ]
    if item.is_lone:
        facts.insert(0, "not grouped yet")
    parts: list[Content | tuple[str, str] | str] = [title, "\n", (" · ".join(facts), MUTED_STYLE)]
    if not item.seen and not item.is_lone:
        parts += ["  ", ("new activity", UNSEEN_STYLE)]
    if item.tags:
        parts.append("\n")
        for tag in item.tags:
            parts += [plain(f" {tag} ", CHIP_STYLE), " "]
    return Content.assemble(*parts)


def claims_text(item: GroupRow | None, claims: list[ClaimRow], now: datetime) -> Content:
    if item is None:
        return Content("")
    if not claims:
        return Content.styled("No claims extracted for this group yet.", MUTED_STYLE)
    parts: list[Content | tuple[str, str] | str] = []
    for index, claim in enumerate(claims):
        if index:
            parts.append("\n")
        if claim.new:
            parts.append(("NEW ", NEW_STYLE))
        else:
            parts.append("    ")
        if claim.conflicting:
            parts.append(("≠ ", CONFLICT_STYLE))
        else:
            parts.append("  ")
        parts.append(plain(claim.text, "bold" if claim.new else ""))
        where = []
        if claim.first_source:
            where.append(f"first in {claim.first_source}")
        where.append(ago(claim.first_seen, now))
        if claim.appearances > 1:
            where.append(f"{claim.appearances} stories")
        if claim.conflicting:
            where.append("sources disagree")
        parts += [("  — ", MUTED_STYLE), plain(", ".join(where), MUTED_STYLE)]
    return Content.assemble(*parts)


class GroupDetail(Vertical):
    """Header, story list and claims of the group under the groups-list cursor."""

    def __init__(self, clock: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.item: GroupRow | None = None
        self.claims: list[ClaimRow] = []

    def compose(self) -> ComposeResult:
        yield Static(id="detail-head")
        yield StoryList(self.clock, id="stories")
        with VerticalScroll(id="claims-box"):
            yield Static(id="claims")

    @property
    def stories(self) -> StoryList:
        return self.query_one(StoryList)

    def show(
        self,
        item: GroupRow | None,
        stories: list[StoryRow],
        claims: list[ClaimRow],
        *,
        same_group: bool = False,
    ) -> None:
        now = self.clock()
        self.item = item
        self.claims = claims
        set_content(self.query_one("#detail-head", Static), group_header(item, now), layout=False)
        keep = self.stories.current.id if same_group and self.stories.current else None
        self.stories.show(stories, keep_id=keep)
        box = self.query_one("#claims-box", VerticalScroll)
        new = sum(1 for claim in claims if claim.new)
        disputed = sum(1 for claim in claims if claim.conflicting)
        subtitle = [f"{len(claims)}"]
        if new:
            subtitle.append(f"{new} new")
        if disputed:
            subtitle.append(f"{disputed} disputed")
        box.border_title = "Claims"
        box.border_subtitle = " · ".join(subtitle)
        set_content(self.query_one("#claims", Static), claims_text(item, claims, now))
        if not same_group:
            box.scroll_home(animate=False)
