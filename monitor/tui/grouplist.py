"""The groups list: every event group (and every lone story), most recent activity first.

Rows come from `queries.GroupQuery` in pages of `PAGE` rows. A page next to a loaded one is read
by key (the rows after the last row above, or before the first row below); only a jump into an
unknown middle (dragging the scrollbar) uses an offset. At most `MAX_PAGES` pages are kept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from rich.cells import cell_len
from textual.content import Content

from monitor.queries import Filters, GroupQuery, GroupRow
from monitor.textclean import clean_line
from monitor.tui.text import (
    CHIP_STYLE,
    MUTED_STYLE,
    NEW_STYLE,
    UNSEEN_STYLE,
    age,
    fit,
    pad,
)
from monitor.tui.windowlist import WindowList

PAGE = 100
MAX_PAGES = 12
TITLE_ROOM = 42
"""Cells a title keeps before tag chips get any: what a full-width list at 80 columns gives it.
A narrower row (the list beside the detail pane, which shows the open group's tags) drops its
chip column instead of cutting titles until groups can't be told apart."""
FIXED_CELLS = 2 + 7 + 13
"""The columns every row has: unseen mark, "N new" badge, sources and age."""


def new_badge(count: int) -> str:
    """The "N new" column, 7 cells with a space before the title: "105 new" ran into it."""
    if not count:
        return ""
    return f"{count} new" if count < 100 else "99+new"


def chip_column(width: int) -> int:
    """Cells for the tag chips in a row `width` cells wide: about a third of what the fixed
    columns leave (one short chip and a count at least), the title the rest, since it is what
    is read; none when the title would keep fewer than `TITLE_ROOM` cells."""
    room = max(0, min(24, (width - 34) // 2, max(12, (width - 40) // 3)))
    return room if width - FIXED_CELLS - room >= TITLE_ROOM else 0


class PagedGroups:
    """The rows of one GroupQuery, read lazily in keyed pages."""

    def __init__(self, query: GroupQuery) -> None:
        self.query = query
        self.total = query.count()
        self.pages: dict[int, list[GroupRow]] = {}
        self.loads = 0

    def close(self) -> None:
        self.query.close()

    def get(self, index: int) -> GroupRow | None:
        if not 0 <= index < self.total:
            return None
        number, offset = divmod(index, PAGE)
        rows = self.pages.get(number)
        if rows is None:
            rows = self._load(number)
        return rows[offset] if offset < len(rows) else None

    def _load(self, number: int) -> list[GroupRow]:
        self.loads += 1
        last_page = (self.total - 1) // PAGE
        above = self.pages.get(number - 1)
        below = self.pages.get(number + 1)
        if number == 0:
            rows = self.query.page_after(None, PAGE)
        elif above and len(above) == PAGE:
            rows = self.query.page_after(above[-1].sort_key, PAGE)
        elif below:
            rows = self.query.page_before(below[0].sort_key, PAGE)
        elif number == last_page:
            rows = self.query.page_before(None, self.total - number * PAGE)
        else:
            rows = self.query.page_at(number * PAGE, PAGE)
        self.pages[number] = rows
        if len(self.pages) > MAX_PAGES:
            far = max(self.pages, key=lambda n: abs(n - number))
            del self.pages[far]
        return rows


class GroupList(WindowList):
    """The left pane. `reload()` re-reads the window, keeping the cursor on the same group."""

    COMPONENT_CLASSES: ClassVar[set[str]] = WindowList.COMPONENT_CLASSES

    def __init__(self, clock: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.source: PagedGroups | None = None
        self._read_failed = False  # a read error was reported already
        self.border_title = "Groups"
        self.feed_tags: frozenset[str] = frozenset()
        """Tags given by feeds.yaml to whole feeds (press, community): their chips go last."""
        self.first_tag: str | None = None
        """The tag filtered by: its chip goes first."""
        self.topic_order: dict[str, int] = {}
        """Topic tags in the order feeds.yaml lists them (the built-in ones first): chips follow
        it, so `talent` is not hidden behind "+4" for coming late in the alphabet."""
        self.follow = False
        """Whether a reload keeps the cursor on its group. Off until the reader presses a key
        or clicks: a first poll fills the list feed by feed, and the cursor used to ride the
        first group stored down the list instead of staying on the top (newest, biggest) one."""

    # rows

    def get_row(self, index: int) -> GroupRow | None:
        if self.source is None:
            return None
        try:
            return self.source.get(index)
        except sqlite3.Error as exc:  # e.g. a damaged page: a blank row and one notice
            if not self._read_failed:
                self._read_failed = True
                self.app.notify(
                    f"Could not read the groups: {exc} (the CLI's `monitor feeds` says more)",
                    severity="error",
                    markup=False,
                )
            return None

    @property
    def current(self) -> GroupRow | None:
        return self.get_row(self.cursor) if self.row_count else None

    def cache_key(self, row: GroupRow) -> Any:
        # The age label is part of the rendering: a row drawn a minute ago must not say "now".
        return (row, age(row.activity, self.clock()), self.first_tag)

    def chip_order(self, tags: tuple[str, ...] | list[str]) -> list[str]:
        """The filtered-by tag first, then topic tags in the topics' order, then feed tags."""
        last = len(self.topic_order)
        return sorted(
            tags,
            key=lambda t: (t != self.first_tag, t in self.feed_tags, self.topic_order.get(t, last)),
        )

    def reload(
        self,
        conn: sqlite3.Connection,
        filters: Filters,
        *,
        keep: bool = True,
        pin: int | None = None,
    ) -> None:
        """Read the list again (data or filters changed). With `keep` (once the reader has used
        the list, see `follow`), the cursor follows the group it was on (even if new activity
        moved it); else it goes to the top. `pin`: an item kept in the list though the filters
        no longer pass it (see `GroupQuery`)."""
        self.first_tag = filters.tag
        previous = self.current if keep and self.follow else None
        at_top = round(self.scroll_offset.y) == 0
        screen_row = self.cursor - round(self.scroll_offset.y)
        # One snapshot for the count, the cursor's new place and the rows on screen: read in
        # separate statements while a poll commits, the cursor's index met rows shifted by the
        # stories stored in between, and the cursor landed on another group (which then was
        # marked seen).
        snapshot = not conn.in_transaction
        if snapshot:
            conn.execute("BEGIN")
        try:
            query = GroupQuery(conn, filters, self.clock(), pin=pin)
            old, self.source = self.source, PagedGroups(query)
            if old is not None:
                old.close()
            cursor = 0
            if previous is not None:
                found = query.position(previous.key)
                cursor = found[0] if found is not None else min(self.cursor, self.source.total - 1)
            self.set_row_count(self.source.total, cursor=max(0, cursor))
            top = 0
            if previous is not None and self.row_count:
                # At the top, stay there so new arrivals show; else keep the cursor's screen row.
                top = 0 if at_top and self.cursor < self.page_height else self.cursor - screen_row
                self.scroll_to(y=max(0, top), animate=False, immediate=True)
            for index in (max(0, top), self.cursor, max(0, top) + self.page_height):
                self.source.get(index)  # the pages shown now, from this snapshot
        finally:
            if snapshot and conn.in_transaction:
                conn.execute("COMMIT")
        self.border_subtitle = f"{self.source.total:,}"

    # rendering

    def render_row(self, row: GroupRow, width: int) -> Content:
        """`● 2 new  Title …  llama  msl   4 src   3h`: unseen mark, new claims, title (bold
        while unread), tag chips, sources, age of the last activity."""
        now = self.clock()
        unseen = (not row.seen) if not row.is_lone else row.unread > 0
        mark = ("● ", UNSEEN_STYLE) if unseen else ("  ", "")
        badge = new_badge(row.new_shown)
        new = (pad(badge, 7), NEW_STYLE)
        star = ("★ ", "$mark-new") if row.starred else ("", "")
        sources = f"{row.source_count} src"
        tail = f" {pad(sources, 7, right=True)} {pad(age(row.activity, now), 4, right=True)}"
        chips, used = self.render_chips(row.tags, chip_column(width))
        fixed = 2 + 7 + cell_len(star[0]) + used + cell_len(tail)
        title_style = "bold" if row.unread else MUTED_STYLE
        title = pad(row.title, max(8, width - fixed))
        return Content.assemble(mark, new, star, (title, title_style), *chips, (tail, MUTED_STYLE))

    def render_chips(
        self, row_tags: tuple[str, ...], room: int
    ) -> tuple[list[tuple[str, str]], int]:
        """The tag chips in `room` cells and the cells they take: whole chips in `chip_order`,
        the rest counted ("+2"), padded to `room` so titles and chips line up row to row."""
        chips: list[tuple[str, str]] = []
        used = 0
        if not room:
            return chips, used
        tags = self.chip_order(row_tags)
        for index, tag in enumerate(tags):
            rest = len(tags) - index - 1
            more = 1 + len(f"+{rest}") if rest else 0  # room for " +2" after this chip
            label = f" {clean_line(tag)} "
            if used + 1 + cell_len(label) + more > room:
                if index:  # whole chips only: the rest is counted, never cut to "pr…"
                    chips.append((f" +{rest + 1}", MUTED_STYLE))
                    used += 2 + len(str(rest + 1))
                    break
                cut = room - used - 1 - more - 2
                if cut < 3:  # not even "ll…": the count alone
                    chips.append((f" +{len(tags)}", MUTED_STYLE))
                    used += 2 + len(str(len(tags)))
                    break
                label = f" {fit(tag, cut)} "
            chips += [(" ", ""), (label, CHIP_STYLE)]
            used += 1 + cell_len(label)
        if tags and used < room:
            chips.append((" " * (room - used), ""))
            used = room
        return chips, used
