"""The right pane: the selected group's headline facts, its stories and its claims."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from monitor.queries import ClaimRow, Correction, GroupRow, StoryRow
from monitor.textclean import clean_line
from monitor.tui.text import (
    CONFLICT_STYLE,
    MUTED_STYLE,
    NEW_STYLE,
    UNSEEN_STYLE,
    Hanging,
    HangingText,
    ago,
    chip,
    fit,
    pad,
    plain,
    set_content,
    short_time,
)
from monitor.tui.windowlist import WindowList

Line = tuple[Content, Content]

SEARCH_MARK = "»"
"""Marks a story row the active search found."""

WHEN_CELLS = 6
"""The stories' time column: '14:05' or 'Jun 10' (a story from another year widens it)."""

WHEN_FROM_WIDTH = 56
"""Story rows narrower than this leave out the time column: at 120 columns (the pane beside
the groups list) titles got 23 cells with it, 30 without."""


class ClaimsBox(VerticalScroll):
    """The claims pane: scrolls with the lists' keys too (j/k, g/G), not only the arrows and
    PgUp/PgDn (a reader tabbing to it pressed j and nothing moved)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    # At once, as everywhere else: the default's animation took a second to reach the end.
    def action_first(self) -> None:
        self.scroll_home(animate=False)

    def action_last(self) -> None:
        self.scroll_end(animate=False)

    def on_resize(self, event: events.Resize) -> None:
        # On a tiny screen the pane is its border alone: Tab skipped nothing and landed in a
        # pane where no key shows anything.
        self.can_focus = event.size.height > 2


class StoryList(WindowList):
    """The stories of the open group (a small in-memory list). With the groups filtered by a
    feed, the stories that feed carried come first, their source in bold."""

    def __init__(self, clock: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.rows: list[StoryRow] = []
        self._matched: frozenset[int] = frozenset()  # the ids the search found, shown last
        self.when_width = WHEN_CELLS
        """Cells of the time column: wider when a story is from another year (its date)."""
        self.border_title = "Stories"

    def get_row(self, index: int) -> StoryRow | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    @property
    def current(self) -> StoryRow | None:
        return self.get_row(self.cursor)

    def show(self, rows: list[StoryRow], keep_id: int | None = None, total: int = 0) -> None:
        """`total`: the group's stories, when more than the rows read (the list is capped).

        With `keep_id` the cursor stays on that story; else it starts on the first story the
        search found (in view, though it may be far down the group), else on the first. A
        search that changes while the group stays open moves it to its first match too, unless
        it is on one already."""
        matched = frozenset(row.id for row in rows if row.matched)
        first_match = next((i for i, row in enumerate(rows) if row.matched), None)
        changed = matched != self._matched
        self.rows = rows
        self._matched = matched
        self.measure_when()
        cursor = 0
        if keep_id is not None:
            cursor = next((i for i, row in enumerate(rows) if row.id == keep_id), self.cursor)
            if first_match is not None and changed and keep_id not in matched:
                cursor = first_match
        elif first_match is not None:
            cursor = first_match
        self.set_row_count(len(rows), cursor=cursor)
        unread = sum(1 for row in rows if not row.read)
        shown = f"latest {len(rows)} of {total:,}" if total > len(rows) else f"{len(rows)}"
        self.border_subtitle = (
            shown
            + (f" · {len(matched)} found" if matched else "")
            + (f" · {unread} unread" if unread else "")
        )

    def measure_when(self) -> None:
        """Size the time column for the rows as of now (a new year turns 'Dec 31' into a
        date with its year)."""
        now = self.clock()
        times = (cell_len(short_time(row.time, now)) for row in self.rows)
        self.when_width = max([WHEN_CELLS, *times])

    def cache_key(self, row: StoryRow) -> Any:
        return (row, short_time(row.time, self.clock()), self.when_width)

    def render_row(self, row: StoryRow, width: int) -> Content:
        now = self.clock()
        mark = ("● ", UNSEEN_STYLE) if not row.read else ("  ", "")
        flags = ("★" if row.starred else " ") + ("↻" if row.updated else " ")
        # » : found by the active search (the reason its group is listed); its title underlined.
        found = (SEARCH_MARK, UNSEEN_STYLE) if row.matched else ("", "")
        # Beside the groups list (120 columns) the pane is narrow: the time column goes first,
        # since the rows are in time order and the header says when the latest came.
        when = (
            pad(short_time(row.time, now), self.when_width) + " "
            if width >= WHEN_FROM_WIDTH
            else ""
        )
        source_width = max(8, min(18, width // 5))
        source = pad(row.source, source_width)
        title_width = max(8, width - 2 - 3 - len(when) - source_width - 1)
        title_style = "bold" if not row.read else MUTED_STYLE
        if row.matched:
            title_style += " underline"
        return Content.assemble(
            mark,
            (flags + ("" if row.matched else " "), "$mark-new"),
            found,
            (when, MUTED_STYLE),
            (source + " ", "bold $mark-source" if row.in_feed else "$mark-source"),
            (pad(row.title, title_width), title_style),
        )


def wrap_title(title: str, width: int, lines: int) -> list[str]:
    """`title` word-wrapped into at most `lines` lines of `width` cells, the last one cut with
    '…' when the title is longer; unwrapped when the width is not known yet.

    Wrapped by screen cells, not characters: a Chinese or Japanese character takes two, and
    lines of `width` characters were cut to `width` cells afterwards, losing the text between
    them. Text without spaces breaks between characters."""
    text = clean_line(title)
    if width <= 0:
        return [text]
    wrapped = [line.plain.strip() for line in Content(text).wrap(width)] or [""]
    if len(wrapped) > lines:
        # The rest of the title, from where the kept lines end, goes on the last line.
        keep = wrapped[: max(0, lines - 1)]
        end = 0
        try:
            for line in keep:
                end = text.index(line, end) + len(line)
            rest = text[end:].strip()
        except ValueError:  # (a line not found as it is in the title: never seen)
            rest = " ".join(wrapped[len(keep) :])
        wrapped = [*keep, rest]
    return [fit(line, width) for line in wrapped]


def group_header(
    item: GroupRow | None,
    now: datetime,
    width: int = 0,
    title_lines: int = 2,
    *,
    filtered: bool = False,
    empty: str = "",
) -> Content:
    """Title (at most `title_lines` lines), one line of facts, one line of tag chips: it always
    fits the header's fixed height, so the chips are never pushed out of sight. With no group,
    what to do next: `empty` when the caller knows better (a poll running, every feed failing)."""
    if item is None:
        if filtered:
            message = "No group matches the filter. Press x to clear it (Esc in the search box)."
        else:
            message = empty or "Nothing here yet. Press r to poll."
        return Content.styled(message, MUTED_STYLE)
    title_parts: list[Content | str] = []
    for index, line in enumerate(wrap_title(item.title, width, title_lines)):
        title_parts += ["\n", plain(line, "bold")] if index else [plain(line, "bold")]
    title = Content.assemble(*title_parts)
    facts = [
        f"{item.story_count} stor{'y' if item.story_count == 1 else 'ies'}",
        f"{item.source_count} source{'' if item.source_count == 1 else 's'}",
        f"first seen {ago(item.first_seen, now)}",  # here; a claim's time is its source's
        f"latest {ago(item.activity, now)}",
    ]
    if item.is_lone:
        facts.insert(0, "not grouped yet")
    marker = "new activity" if not item.seen and not item.is_lone else ""
    extra = cell_len(marker) + 2 if marker else 0
    if width > 0 and cell_len(" · ".join(facts)) + extra > width:
        facts = [fact for fact in facts if not fact.startswith("first seen ")]
    if width > 0 and cell_len(" · ".join(facts)) + extra > width:
        marker, extra = "", 0  # the list's ● says it too
    line = " · ".join(facts)
    if width > 0:
        line = fit(line, max(1, width - extra))
    parts: list[Content | tuple[str, str] | str] = [title, "\n", (line, MUTED_STYLE)]
    if marker:
        parts += ["  ", (marker, UNSEEN_STYLE)]
    if item.tags:
        parts.append("\n")
        used = 0
        for index, tag in enumerate(item.tags):
            label = f" {clean_line(tag)} "
            more = len(item.tags) - index
            if width > 0 and index and used + cell_len(label) + 1 > width - len(f"+{more}"):
                parts.append((f"+{more}", MUTED_STYLE))
                break
            parts += [chip(tag), " "]
            used += cell_len(label) + 1
    return Content.assemble(*parts)


def merge_claims(claims: list[ClaimRow]) -> list[ClaimRow]:
    """One line per wording: claims the core keeps apart (one sentence can hold two figures)
    but that read the same are shown once, new or disputed if any of them is."""
    merged: dict[str, ClaimRow] = {}
    for claim in claims:
        key = " ".join(claim.text.split()).casefold()
        seen = merged.get(key)
        if seen is None:
            merged[key] = claim
        else:
            # The line stands for both figures; when only one of them is disputed, it names
            # that one ("≠ 71.4%: … 71.4% on GPQA and 88.1% on HumanEval").
            disputed = [c.figure for c in (seen, claim) if c.conflicting]
            merged[key] = replace(
                seen,
                new=seen.new or claim.new,
                conflicting=seen.conflicting or claim.conflicting,
                appearances=max(seen.appearances, claim.appearances),
                figure=disputed[0] if len(disputed) == 1 else None,
                other_figures=tuple(dict.fromkeys(seen.other_figures + claim.other_figures)),
            )
    return list(merged.values())


def corrections_lines(corrections: Sequence[Correction], now: datetime) -> list[Line]:
    """One line per correction: `✎`, who corrected, the wording before and after, when."""
    return [
        (
            Content.styled("✎     ", CONFLICT_STYLE),
            Content.assemble(
                plain(fix.source, "bold"),
                (" corrected ", MUTED_STYLE),
                plain(f"“{fix.was}”", "strike"),
                (" → ", MUTED_STYLE),
                plain(f"“{fix.now}”", "bold"),
                ("  — ", MUTED_STYLE),
                plain(ago(fix.noticed, now), MUTED_STYLE),
            ),
        )
        for fix in corrections
    ]


def claims_text(
    item: GroupRow | None,
    claims: list[ClaimRow],
    now: datetime,
    corrections: Sequence[Correction] = (),
) -> Hanging:
    """Corrections first (a report edited to state another figure), then one line per claim:
    `NEW ≠ ` marks, then the wording and where it was first seen; a wrapped claim continues
    under its wording."""
    if item is None:
        return Hanging()
    if not claims and not corrections:
        return Hanging(
            ((Content(""), plain("No claims extracted for this group yet.", MUTED_STYLE)),)
        )
    items: list[Line] = corrections_lines(corrections, now)
    for claim in claims:
        mark = Content.assemble(
            ("NEW ", NEW_STYLE) if claim.new else "    ",
            ("≠ ", CONFLICT_STYLE) if claim.conflicting else "  ",
        )
        where = []
        if claim.first_source:
            where.append(f"first in {claim.first_source}")
        where.append(ago(claim.first_time or claim.first_seen, now))
        if claim.appearances > 1:
            where.append(f"{claim.appearances} stories")
        if claim.conflicting:
            where.append("sources disagree")
        parts: list[Content | tuple[str, str]] = [
            *((plain(claim.figure, "bold"), (": ", MUTED_STYLE)) if claim.figure else ()),
            plain(claim.text, "bold" if claim.new else ""),
            ("  — ", MUTED_STYLE),
            plain(", ".join(where), MUTED_STYLE),
        ]
        for number, (figure, source) in enumerate(claim.other_figures):
            parts += [
                (": " if number == 0 else ", ", MUTED_STYLE),
                plain(figure, CONFLICT_STYLE),
                (" (", MUTED_STYLE),
                plain(source, MUTED_STYLE),
                (")", MUTED_STYLE),
            ]
        text = Content.assemble(*parts)
        items.append((mark, text))
    return Hanging(tuple(items))


class GroupDetail(Vertical):
    """Header, story list and claims of the group under the groups-list cursor."""

    def __init__(self, clock: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.item: GroupRow | None = None
        self.claims: list[ClaimRow] = []
        self.corrections: Sequence[Correction] = ()
        self.filtered = False
        self.empty_hint = ""  # what an empty database's header says; set from the poll state

    def compose(self) -> ComposeResult:
        yield Static(id="detail-head")
        yield StoryList(self.clock, id="stories")
        with ClaimsBox(id="claims-box"):
            yield HangingText(id="claims")

    @property
    def stories(self) -> StoryList:
        return self.query_one(StoryList)

    def show(
        self,
        item: GroupRow | None,
        stories: list[StoryRow],
        claims: list[ClaimRow],
        *,
        corrections: Sequence[Correction] = (),
        same_group: bool = False,
        filtered: bool = False,
    ) -> None:
        now = self.clock()
        self.item = item
        self.claims = merge_claims(claims)
        self.corrections = corrections
        self.filtered = filtered
        self.show_header(now)
        keep = self.stories.current.id if same_group and self.stories.current else None
        self.stories.show(stories, keep_id=keep, total=item.story_count if item else 0)
        box = self.query_one("#claims-box", VerticalScroll)
        new = sum(1 for claim in self.claims if claim.new)
        disputed = sum(1 for claim in self.claims if claim.conflicting)
        total = item.claim_count if item else 0
        shown = len(claims)  # before wordings are merged: what the cap counts
        subtitle = [f"{len(self.claims)}" + (f" (newest of {total:,})" if total > shown else "")]
        if new:
            subtitle.append(f"{new} new")
        if disputed:
            subtitle.append(f"{disputed} disputed")
        if corrections:
            subtitle.append(f"{len(corrections)} corrected")
        box.border_title = "Claims"
        box.border_subtitle = " · ".join(subtitle)
        self.query_one("#claims", HangingText).update(
            claims_text(item, self.claims, now, self.corrections)
        )
        if not same_group:
            box.scroll_home(animate=False)

    def show_header(self, now: datetime) -> None:
        head = self.query_one("#detail-head", Static)
        region = head.content_region
        content = group_header(
            self.item,
            now,
            region.width,
            max(1, region.height - 2) if region.height else 2,
            filtered=self.filtered,
            empty=self.empty_hint,
        )
        set_content(head, content, layout=False)

    def set_empty_hint(self, hint: str) -> None:
        if hint != self.empty_hint:
            self.empty_hint = hint
            if self.item is None:
                self.show_header(self.clock())

    def refresh_times(self) -> None:
        """Re-render what says "5m ago" (called on a timer; nothing is read again)."""
        now = self.clock()
        self.show_header(now)
        self.query_one("#claims", HangingText).update(
            claims_text(self.item, self.claims, now, self.corrections)
        )
        self.stories.measure_when()
        self.stories.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.show_header, self.clock())
