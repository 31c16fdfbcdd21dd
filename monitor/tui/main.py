"""The main screen: filter bar, groups list, the open group's detail, search, status line."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

from monitor.queries import (
    WINDOWS,
    ClaimRow,
    Filters,
    GroupQuery,
    GroupRow,
    PollState,
    StoryRow,
    TagInfo,
    group_claims,
    group_corrections,
    group_stories,
    poll_state,
    stories_since,
    stories_updated_since,
    tag_infos,
    tag_names,
    window_label,
)
from monitor.tui.detail import ClaimsBox, GroupDetail, StoryList
from monitor.tui.dialogs import ConfirmDialog
from monitor.tui.footer import KeyFooter
from monitor.tui.grouplist import GroupList
from monitor.tui.messages import (
    CONFIG_BROKEN,
    DatabaseChanged,
    PollStateChanged,
    SparklineComputed,
)
from monitor.tui.story import UNREAD_KEYS, StoryScreen
from monitor.tui.tags import ALL_TAGS, TagPicker
from monitor.tui.text import (
    CONFLICT_STYLE,
    MUTED_STYLE,
    ago,
    plain,
    set_content,
    short_time,
    soon_time,
    sparkline,
)
from monitor.tui.windowlist import WindowList
from monitor.wording import plural

if TYPE_CHECKING:
    from monitor.tui.app import MonitorApp

SEARCH_DEBOUNCE = 0.15
TIME_TICK = 30.0
"""Seconds between re-renders of relative times ("5m ago", ages) when nothing else changed."""

TAG_KEYS = [
    Binding(str(n), f"tag({n})", "Filter by the n-th tag (0: all tags)", show=False)
    for n in range(10)
]


class SearchBox(Input):
    """The search box. Keys typed right behind `/` and Enter must land where they were meant
    to: `open()` selects the old search at once (Input's own select-on-focus came after the
    letters typed ahead, and the next Backspace erased them all), and Enter applies the search
    and leaves the box in the key's own action (as a `Submitted` message it ran after the keys
    typed behind Enter: `/llama Enter j` put the "j" into the box)."""

    def __init__(self, submit: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(select_on_focus=False, **kwargs)
        self._submit = submit

    def open(self) -> None:
        """Show the box with the focus in it, its old search selected (typing replaces it)."""
        self.display = True
        self.screen.set_focus(self)
        self.select_all()

    async def action_submit(self) -> None:
        self._submit(self.value)


_NO_UNREAD = {1: "No unread story left.", -1: "No unread story left."}
_WRAPPED = {1: "On from the top of the list.", -1: "On from the bottom of the list."}


class MainScreen(Screen[None]):
    """Groups on the left (on top when narrow), the open group on the right."""

    # Side by side from 140 columns: the groups list's 74 cells (monitor.tcss) and 66 for the
    # detail pane, wide enough for the stories' time column and the claims. Narrower, stacked
    # panes read better: at 120 the detail pane had 46 cells, sources cut to 7 and no times.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]  # noqa: RUF012 (Textual's type)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]  # noqa: RUF012

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "choose",
            "Open",
            show=False,
            tooltip="Groups: go to its stories; stories: read one",
        ),
        Binding(
            "right,l",
            "focus_stories",
            "Stories pane",
            show=False,
            tooltip="Go to the group's stories; in them, read one (as Enter)",
        ),
        Binding("left,h", "focus_groups", "Groups pane", show=False),
        Binding("o", "open_link", "Open", tooltip="Open the story's link in the browser"),
        Binding("s", "star", "Star", tooltip="Star or unstar the story"),
        Binding("m", "toggle_read", "Read", tooltip="Mark the story read or unread"),
        Binding("M", "mark_group_read", "All read", tooltip="Mark every story of the group read"),
        Binding(
            "C",
            "catch_up",
            "Catch up",
            show=False,
            tooltip="Mark every group in the list read (asks first)",
        ),
        Binding("z", "app.undo_marked", "Undo", show=False, tooltip="Undo the last M or C"),
        *UNREAD_KEYS,
        Binding("slash", "search", "Search", key_display="/", tooltip="Full-text search, live"),
        Binding("t", "pick_tag", "Tags", tooltip="Pick a tag to filter by (with sparklines)"),
        Binding(
            "u", "toggle_unread", "Unread", show=False, tooltip="Only groups with unread stories"
        ),
        Binding(
            "asterisk",
            "toggle_starred",
            "Starred",
            key_display="*",
            show=False,
            tooltip="Only groups with starred stories",
        ),
        Binding(
            "w",
            "cycle_window",
            "Window",
            show=False,
            tooltip="Time window: all, 24h, 3d, 7d, 14d",
        ),
        Binding("x", "clear_filters", "Clear", show=False, tooltip="Clear every filter"),
        Binding("escape", "escape", "Clear search / back to groups", show=False),
        # newsboat's q: from the stories pane back to the groups (the footer then says Back);
        # from the groups the app's q quits.
        Binding("q", "back_to_groups", "Back", tooltip="From the stories pane: back to the groups"),
        *TAG_KEYS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = Filters()
        self.tags: list[TagInfo] = []
        self._seen_timer: Timer | None = None
        self._unarmed: GroupRow | None = None  # the open group, waiting for a first key or click
        self._search_timer: Timer | None = None
        self._new_claim_ids: set[int] = set()
        self._open_key: int | None = None
        self._spark: tuple[str, float, str] | None = None  # (tag, computed at, sparkline)
        self._spark_pending: str | None = None
        self._reading: StoryScreen | None = None
        self._known_poll: str | None = None
        self._outside: tuple[str, tuple[int, int] | None] | None = None
        self._topics: list[str] = []  # configured topic tags, in order (see `_read_topics`)
        self._topics_of: object = None  # the settings they were read from

    @property
    def monitor(self) -> MonitorApp:
        return self.app  # type: ignore[return-value]

    @property
    def groups(self) -> GroupList:
        return self.query_one(GroupList)

    @property
    def detail(self) -> GroupDetail:
        return self.query_one(GroupDetail)

    @property
    def stories(self) -> StoryList:
        return self.query_one(StoryList)

    def compose(self) -> ComposeResult:
        clock = self.monitor.clock
        yield Static(id="filterbar")
        with Container(id="panes"):
            yield GroupList(clock, id="groups")
            yield GroupDetail(clock, id="detail")
        yield SearchBox(
            self.search_submitted,
            placeholder="Search titles and summaries (Enter: go to results, Esc: clear)",
            id="search",
        )
        yield Static(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.reload(keep=False)
        self.groups.focus()
        self.set_interval(TIME_TICK, self.refresh_times, name="relative times")

    def refresh_times(self) -> None:
        """Ages and "N min ago" move on even when the database does not."""
        self.update_status()
        self.groups.refresh()
        self.detail.refresh_times()

    def on_screen_resume(self) -> None:
        # Back from the story view: the stories cursor follows the story read last ([ and ]).
        if self.app.screen is not self:
            return  # `n` closed a story view and opened the next one at once
        reading, self._reading = self._reading, None
        if reading is None or reading.story is None:
            return
        index = next((i for i, r in enumerate(self.stories.rows) if r.id == reading.story.id), None)
        if index is not None:
            self.stories.cursor = index

    # --- loading ----------------------------------------------------------------------------

    def reload(self, keep: bool = True) -> None:
        """Re-read tags, the groups window (cursor kept on its group) and the status line.

        The group being read stays listed even when the filters no longer pass it (under
        "unread only", reading its last unread story took it out, and Esc from the story
        landed in another group's stories): as in newsboat, the list changes under the
        reader only when the reader changes it (a filter, a search) or has left the group."""
        conn = self.monitor.read_conn
        self._read_topics()
        try:
            self.tags = [TagInfo(tag, 0) for tag in tag_names(conn, self._topics)]
            self.groups.reload(
                conn, self.filters, keep=keep, pin=self._reading_key() if keep else None
            )
        except sqlite3.Error as exc:
            self.notify(f"Could not read the database: {exc}", severity="error", markup=False)
            return
        self.update_filterbar()
        self.update_status()

    def _reading_key(self) -> int | None:
        """The key of the group under the cursor while the reader is in it: its stories or
        claims pane has the focus, or one of its stories is open over this screen."""
        current = self.groups.current
        if current is None or not self.groups.follow:
            return None
        inside = (
            self.focused is self.stories
            or isinstance(self.focused, ClaimsBox)
            or self._reading is not None
            or isinstance(self.app.screen, StoryScreen)
        )
        return current.key if inside else None

    def _read_topics(self) -> None:
        """The topic tags of feeds.yaml as the latest poll read it (the built-in ones first,
        then the file's, in its order) and the feeds' tags: they order the number keys, the
        tag picker and the chips."""
        settings = self.monitor.settings
        if settings is self._topics_of:
            return
        from monitor.topics import resolve

        self._topics_of = settings
        self._topics = [topic.tag for topic in resolve(settings.topics)]
        self.groups.feed_tags = frozenset(tag for feed in settings.feeds for tag in feed.tags)
        self.groups.topic_order = {tag: n for n, tag in enumerate(self._topics)}

    def show_detail(self, item: GroupRow | None, *, by_reader: bool = True) -> None:
        same = item is not None and item.key == self._open_key
        try:
            conn = self.monitor.read_conn
            stories = (
                group_stories(
                    conn, item, feed=self.filters.feed, starred_first=self.filters.starred
                )
                if item
                else []
            )
            claims = group_claims(conn, item) if item else []
            corrections = group_corrections(conn, item) if item else []
            stories = self._search_marked(stories)
        except sqlite3.Error as exc:
            self.notify(f"Could not read the group: {exc}", severity="error", markup=False)
            return
        # A claim stays marked new while its group is open, even after it was marked seen,
        # until news arrives (a poll while it is open): then only that is new (yesterday's
        # claims came back marked NEW next to today's one).
        now_new = {claim.id for claim in claims if claim.new}
        if not same or not now_new <= self._new_claim_ids:
            self._new_claim_ids = set()
        self._new_claim_ids |= now_new
        claims = [
            claim if claim.new or claim.id not in self._new_claim_ids else _as_new(claim)
            for claim in claims
        ]
        self._open_key = item.key if item else None
        self.detail.show(
            item,
            stories,
            claims,
            corrections=corrections,
            same_group=same,
            filtered=self.filters.active,
        )
        if not same:
            self._arm_seen_timer(item, by_reader=by_reader)

    def _search_marked(self, stories: list[StoryRow]) -> list[StoryRow]:
        """The stories with those the active search found marked `matched`: looked up in the
        groups list's own search results (its match table), not searched again."""
        source = self.groups.source
        if source is None or not stories:
            return stories
        found = source.query.matched([story.id for story in stories])
        if not found:
            return stories
        return [replace(story, matched=True) if story.id in found else story for story in stories]

    def _arm_seen_timer(self, item: GroupRow | None, *, by_reader: bool = True) -> None:
        if self._seen_timer is not None:
            self._seen_timer.stop()
            self._seen_timer = None
        self._unarmed = None
        if item is None or item.group_id is None or (item.seen and not item.new_claims):
            return
        if not self.groups.follow or self._typing() or not by_reader:
            # Nobody has touched the UI yet (it opened, or a poll filled it): a group under the
            # cursor at launch is not one the reader looked at. The first key or click arms it.
            # Nor is one that live search put there while the reader types (it lost its "N new"
            # to a pause in typing): leaving the search box arms it. Nor one a reload put under
            # a cursor that stayed (its group merged away, a poll moved rows): the next key does.
            self._unarmed = item
            return
        self._seen_timer = self.set_timer(self.monitor.seen_delay, lambda: self._seen(item))

    def _seen(self, item: GroupRow) -> None:
        """The group stayed under the cursor: seen, unless the reader is elsewhere (the help,
        the tag picker or the feeds screen opened over it: "N new" went while they read the
        help). Then the next key back on this screen arms it again."""
        self._seen_timer = None
        if self.app.screen is not self and not isinstance(self.app.screen, StoryScreen):
            self._unarmed = item
            return
        if item.group_id is not None:
            self.monitor.mark_group_seen(item.group_id)

    def on_resize(self, event: events.Resize) -> None:
        self.update_filterbar()
        self.update_status()

    def on_key(self, event: events.Key) -> None:
        self._reader_arrived()

    def on_click(self, event: events.Click) -> None:
        self._reader_arrived()

    def _reader_arrived(self) -> None:
        self.groups.follow = True
        if self._unarmed is not None and self._seen_timer is None and not self._typing():
            self._arm_seen_timer(self._unarmed)

    def _typing(self) -> bool:
        return self.query_one("#search", Input).has_focus

    def on_database_changed(self, message: DatabaseChanged) -> None:
        self.reload()

    def on_poll_state_changed(self, message: PollStateChanged) -> None:
        self.update_status()

    @on(WindowList.CursorMoved, "#groups")
    def group_moved(self, event: WindowList.CursorMoved) -> None:
        self.show_detail(self.groups.current, by_reader=event.by_reader)

    @on(WindowList.Chosen, "#groups")
    def group_chosen(self, event: WindowList.Chosen) -> None:
        self.action_focus_stories()

    @on(WindowList.Chosen, "#stories")
    def story_chosen(self, event: WindowList.Chosen) -> None:
        self.open_story()

    # --- bars -------------------------------------------------------------------------------

    @on(Input.Blurred, "#search")
    def search_left(self) -> None:
        self.update_filterbar()  # its hint said "(Esc clears)" after leaving the box

    def update_filterbar(self) -> None:
        width = self.size.width or 999
        # The filters always show (they explain a shorter list): on a narrow screen the
        # sparkline goes first, then long filter phrases are cut, then the name badge.
        for spark, longest, badge in ((True, 0, True), (False, 0, True), (False, 24, True),
                                      (False, 12, True), (False, 12, False),
                                      (False, 8, False), (False, 6, False)):  # fmt: skip
            parts = self._filter_parts(spark, longest, badge)
            if Content.assemble(*parts).cell_length <= width:
                break
        if self.tags:
            # As many whole "n tag" hints as fit the line (t lists them all), filtered or not:
            # the number keys switch tags from a filtered view too.
            room = (
                self.size.width - Content.assemble(*parts).cell_length if self.size.width else 999
            )
            hint = "  ·  tags:"
            for number, info in enumerate(self.tags[:9], 1):
                entry = f"{' ' if number == 1 else '  '}{number} {info.tag}"
                if cell_len(hint + entry) > room:
                    hint += "  …" if number > 1 and cell_len(hint) + 3 <= room else ""
                    break
                hint += entry
            if hint != "  ·  tags:":
                parts.append((hint, MUTED_STYLE))
        set_content(self.query_one("#filterbar", Static), Content.assemble(*parts), layout=False)

    def _filter_parts(
        self, spark: bool, longest: int, badge: bool
    ) -> list[Content | tuple[str, str] | str]:
        parts: list[Content | tuple[str, str] | str] = (
            [(" monitor ", "bold reverse $mark-unseen"), " "] if badge else []
        )
        phrases = self.filters.describe()
        if phrases:
            for index, phrase in enumerate(phrases):
                if index:
                    parts.append((" · ", MUTED_STYLE))
                shown = phrase if not longest or len(phrase) <= longest else phrase[: longest - 1]
                parts.append(plain(shown if shown == phrase else shown + "…", "bold $mark-new"))
                if spark and phrase.startswith("tag ") and self.filters.tag:
                    parts += [" ", (self.tag_sparkline(self.filters.tag), "$mark-good")]
        else:
            parts.append(("all groups", "bold"))
        source = self.groups.source
        total = source.total if source is not None else 0
        tight = 0 < longest <= 8  # the count without its word, and no hint: every filter shows
        noun = "" if tight else f" {'group' if total == 1 else 'groups'}"
        parts.append((f" — {total:,}{noun}", MUTED_STYLE))
        if phrases and not tight:
            typing = self.query_one("#search", Input).has_focus  # there x is typed, not a key
            parts.append(("  (Esc clears)" if typing else "  (x clears)", MUTED_STYLE))
        return parts

    def tag_sparkline(self, tag: str) -> str:
        """The tag's stories per day. Counted in a worker, at most once a minute (it is a daily
        count); until the first count arrives the filter bar shows none."""
        fresh = self._spark is not None and time.monotonic() - self._spark[1] < 60
        if self._spark is not None and self._spark[0] == tag:
            if not fresh and self._spark_pending != tag:
                self._spark_pending = tag
                self.monitor.count_tag_per_day(tag, self)
            return self._spark[2]
        if self._spark_pending != tag:
            self._spark_pending = tag
            self.monitor.count_tag_per_day(tag, self)
        return ""

    def on_sparkline_computed(self, message: SparklineComputed) -> None:
        if self._spark_pending == message.tag:
            self._spark_pending = None
        self._spark = (message.tag, time.monotonic(), sparkline(message.per_day))
        if self.filters.tag == message.tag:
            self.update_filterbar()

    def update_status(self) -> None:
        app = self.monitor
        status = app.poll_status
        now = app.clock()
        try:
            state = poll_state(app.read_conn)
        except sqlite3.Error:
            state = None
        parts: list[Content | tuple[str, str] | str] = []
        lead: list[Content | tuple[str, str] | str] = []  # what goes before "Polled …"
        short = ""  # a shorter first part, when the line does not fit
        if status.running:
            progress = f" {status.done}/{status.due}" if status.due else ""
            parts.append((f"Polling{progress}…", "bold $mark-unseen"))
        elif state is not None and state.last_poll:
            parts.append(
                f"Last poll {short_time(state.last_poll, now, year=False)} "
                f"({ago(state.last_poll, now)})"
            )
            short = f"Polled {short_time(state.last_poll, now, year=False)}"
        else:
            parts.append("Not polled yet")
        last = state.last_poll if state is not None else None
        result = status.last_result
        new: int | None = None
        updated = 0
        if result is not None and result.finished == last:
            new, updated = result.new_stories, result.updated_stories
        elif last:  # the last poll was another process's (cron): count what it added
            recorded = (
                (state.last_new, state.last_updated)
                if state is not None and state.last_new is not None
                else None
            )
            counted = self._outside_count(last, recorded)
            if counted is not None:
                new, updated = counted
        if last:
            self._known_poll = last
        elif state is not None and self._known_poll is None:
            self._known_poll = ""  # never polled: a first poll by cron adds everything there is
        if new is not None and not status.running:
            parts.append((f" · +{new} new", "bold" if new else MUTED_STYLE))
            if updated:
                parts.append((f", {updated} updated", MUTED_STYLE))
        if status.enabled:
            if status.next_at is not None and not status.running:
                parts.append((f" · next {soon_time(_iso(status.next_at), now)}", MUTED_STYLE))
        else:
            parts.append((" · auto-poll off (r polls)", MUTED_STYLE))
        failed_now = [f for f in result.feeds if f.failed] if result is not None else []
        if (
            state is not None
            and state.failing == 1
            and len(failed_now) == 1
            and status.message.startswith("failed:")
        ):
            # The one failing feed is the one the message names: say it once, key first (the
            # reason is the part a narrow terminal may cut).
            reason = status.message.removeprefix("failed:").strip()
            parts += [(" · ", MUTED_STYLE), ("failed (f): ", CONFLICT_STYLE), plain(reason)]
        else:
            if state is not None and state.failing:
                parts.append(
                    (
                        f" · {state.failing} failing feed{'s' if state.failing != 1 else ''} (f)",
                        CONFLICT_STYLE,
                    )
                )
            if status.message.startswith(CONFIG_BROKEN):
                # First: the polls stopped, and why (where a narrow line cuts, it cuts the rest).
                lead = [plain(status.message, CONFLICT_STYLE), (" · ", MUTED_STYLE)]
            elif status.message:
                parts += [(" · ", MUTED_STYLE), plain(status.message, "$mark-new")]
        self.detail.set_empty_hint(_empty_hint(status.running, state))
        line = Content.assemble(*lead, *parts)
        room = self.query_one("#status", Static).content_region.width
        if short and room and line.cell_length > room:
            # Narrow: the failure's name and reason matter more than "(5m ago)".
            line = Content.assemble(*lead, short, *parts[1:])
        set_content(self.query_one("#status", Static), line, layout=False)

    def _outside_count(
        self, last_poll: str, recorded: tuple[int, int] | None
    ) -> tuple[int, int] | None:
        """Stories added by polls this UI did not run since the one it knew; for a poll before
        this UI opened, what that poll recorded (`recorded`)."""
        if self._outside is not None and self._outside[0] == last_poll:
            return self._outside[1]
        count = recorded if self._known_poll is None else None
        if self._known_poll is not None and self._known_poll < last_poll:
            try:
                conn = self.monitor.read_conn
                count = (
                    stories_since(conn, self._known_poll),
                    stories_updated_since(conn, self._known_poll),
                )
            except sqlite3.Error:
                count = None
        self._outside = (last_poll, count)
        return count

    # --- actions: moving --------------------------------------------------------------------

    def catch_up(self) -> None:
        """Show the group under the groups cursor now if its `CursorMoved` is still queued.

        Keys typed ahead (`j Enter Enter`) reach their bindings before the message of the move
        they follow is handled: without this they would act on the previous group's stories."""
        item = self.groups.current
        if (item.key if item is not None else None) != self._open_key:
            self.show_detail(item)

    @property
    def current_story(self) -> StoryRow | None:
        """The story under the stories cursor, of the group under the groups cursor."""
        self.catch_up()
        return self.stories.current

    def focus_now(self, widget: Widget) -> None:
        """Move the focus before the next key is handled. `Widget.focus()` defers the move, so
        a key typed right after Enter (`Enter Enter`) was still handled by the pane it left."""
        self.set_focus(widget)

    def action_choose(self) -> None:
        if self.focused is self.stories:
            self.open_story()
        elif self.focused is self.groups:
            self.action_focus_stories()

    def action_focus_stories(self) -> None:
        if self.focused is self.stories:
            self.open_story()  # l goes one level deeper each time, as h goes back
            return
        self.catch_up()
        if self.stories.row_count:
            self.focus_now(self.stories)

    def action_focus_groups(self) -> None:
        self.focus_now(self.groups)

    def open_story(self) -> None:
        self.catch_up()
        rows = self.stories.rows
        if not rows:
            return
        self._reading = StoryScreen(
            self.monitor.read_conn,
            self.monitor.clock,
            [row.id for row in rows],
            self.stories.cursor,
            on_end=self.unread_after_group,
        )
        self.app.push_screen(self._reading)

    # --- next / previous unread (newsboat's n and p) -----------------------------------------

    def action_next_unread(self, step: int) -> None:
        """The next (`step` 1) or previous (-1) unread story: further on in the open group (from
        its start when the groups pane has the focus), else in the nearest group of the list
        that has one. The stories pane gets the focus, its cursor on that story."""
        self.catch_up()
        rows = self.stories.rows
        if self.focused is self.stories:
            start = self.stories.cursor + step
        else:
            start = 0 if step > 0 else len(rows) - 1
        order = range(start, len(rows)) if step > 0 else range(start, -1, -1)
        found = next((i for i in order if not rows[i].read), None)
        if found is not None:
            self.stories.cursor = found
            self.focus_now(self.stories)
        elif not self._to_unread_group(step):
            self.notify(_NO_UNREAD[step], timeout=2)

    def unread_after_group(self, step: int) -> bool:
        """From the story view, when its group has no more unread stories: close it and open
        the nearest unread story of another group (True), or leave it open (False)."""
        place = self._unread_group(step)
        if place is None:
            return False
        if self.app.screen is not self:
            self.app.pop_screen()
        self._to_group(place, step)
        self.open_story()
        return True

    def _to_unread_group(self, step: int) -> bool:
        place = self._unread_group(step)
        if place is None:
            return False
        self._to_group(place, step)
        return True

    def _unread_group(self, step: int) -> int | None:
        """Where the nearest group after (`step` 1) or before (-1) the cursor with an unread
        story is in the list (under its filters); None: there is none."""
        current = self.groups.current
        source = self.groups.source
        if current is None or source is None:
            return None
        try:
            query = GroupQuery(
                self.monitor.read_conn, self.filters.with_(unread=True), self.monitor.clock()
            )
            try:
                near = (
                    query.page_after(current.sort_key, 1)
                    if step > 0
                    else query.page_before(current.sort_key, 1)
                )
                wrapped = not near
                if wrapped:  # on from the other end, as newsboat's next-unread does
                    near = query.page_after(None, 1) if step > 0 else query.page_before(None, 1)
                    if near and near[-1].key == current.key:
                        near = []  # this group's own unread stories were looked at already
            finally:
                query.close()
            place = source.query.position(near[-1].key) if near else None
            if place is not None and wrapped:
                self.notify(_WRAPPED[step], timeout=2)
        except sqlite3.Error as exc:
            self.notify(f"Could not read the groups: {exc}", severity="error", markup=False)
            return None
        return place[0] if place is not None else None

    def _to_group(self, place: int, step: int) -> None:
        """The group at `place` opened, its first (last, going back) unread story under the
        stories cursor."""
        self.groups.cursor = place
        self.catch_up()
        rows = self.stories.rows
        order = range(len(rows)) if step > 0 else range(len(rows) - 1, -1, -1)
        self.stories.cursor = next((i for i in order if not rows[i].read), 0)
        self.focus_now(self.stories)

    def action_back_to_groups(self) -> None:
        self.focus_now(self.groups)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """q is Back while the stories or the claims pane has the focus (from the claims pane it
        quit the app); else it is the app's Quit."""
        if action == "back_to_groups":
            return self.focused is self.stories or isinstance(self.focused, ClaimsBox)
        return True

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.refresh_bindings()  # the footer's q: Back or Quit
        # Reading a group on a narrow screen, its claims get the list's room (see monitor.tcss)
        self.set_class(
            self.focused is self.stories or isinstance(self.focused, ClaimsBox), "-reading"
        )

    def action_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.display or self.filters.search:
            search.value = ""
            search.display = False
            self.set_filters(self.filters.with_(search=""))
            self.focus_now(self.groups)
        elif self.focused is not self.groups:
            self.focus_now(self.groups)

    # --- actions: the current story / group -------------------------------------------------

    def action_open_link(self) -> None:
        story = self.current_story
        if story is None:
            self.notify("No story selected.", timeout=2)
            return
        self.monitor.open_link(story.url, None if story.read else story.id)

    def action_star(self) -> None:
        story = self.current_story
        if story is not None:
            self.monitor.toggle_starred(story.id, story.starred)

    def action_toggle_read(self) -> None:
        story = self.current_story
        if story is not None:
            self.monitor.toggle_read(story.id, story.read)

    def action_mark_group_read(self) -> None:
        item = self.groups.current
        if item is None:
            return
        if item.group_id is None:
            if item.story_id is not None:
                self.monitor.set_read([item.story_id], True)
        else:
            self.monitor.mark_group_read(item.group_id)

    def action_catch_up(self) -> None:
        """Every group and story the list shows (with its filters) read and seen, once the
        reader says yes to the count."""
        try:
            query = GroupQuery(self.monitor.read_conn, self.filters)
            try:
                group_ids, story_ids = query.items()
            finally:
                query.close()
        except sqlite3.Error as exc:
            self.notify(f"Could not read the database: {exc}", severity="error", markup=False)
            return
        if not group_ids and not story_ids:
            self.notify("Nothing to mark: the list is empty.", timeout=3)
            return
        what = plural(len(group_ids), "group") + (
            f" and {plural(len(story_ids), 'single story', 'single stories')}" if story_ids else ""
        )
        where = " that the filter shows" if self.filters.active else ""

        def answered(yes: bool | None) -> None:
            if yes:
                self.monitor.mark_items_read(group_ids, story_ids)

        self.app.push_screen(
            ConfirmDialog("Catch up", f"Mark {what}{where} read and seen?", "y marks · n keeps"),
            answered,
        )

    # --- actions: filters -------------------------------------------------------------------

    def set_filters(self, filters: Filters, keep: bool = True) -> None:
        """Show the groups `filters` passes; with `keep`, the cursor stays on its group."""
        if filters == self.filters:
            return
        self.filters = filters
        try:
            self.groups.reload(self.monitor.read_conn, filters, keep=keep)
        except sqlite3.Error as exc:
            self.notify(f"Could not read the database: {exc}", severity="error", markup=False)
        self.update_filterbar()

    def action_toggle_unread(self) -> None:
        self.set_filters(self.filters.with_(unread=not self.filters.unread))

    def action_toggle_starred(self) -> None:
        self.set_filters(self.filters.with_(starred=not self.filters.starred))

    def action_cycle_window(self) -> None:
        index = (
            WINDOWS.index(self.filters.window_hours) if self.filters.window_hours in WINDOWS else 0
        )
        hours = WINDOWS[(index + 1) % len(WINDOWS)]
        self.set_filters(self.filters.with_(window_hours=hours))
        self.notify(f"Time window: {window_label(hours)}", timeout=1.5)

    def action_clear_filters(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        search.display = False
        self.set_filters(Filters())
        if not self.groups.has_focus and not self.stories.has_focus:
            self.focus_now(self.groups)

    def action_tag(self, number: int) -> None:
        if number == 0:
            self.set_filters(self.filters.with_(tag=None))
            return
        if number > len(self.tags):
            self.notify(f"There is no tag {number} (t lists the tags).", timeout=2)
            return
        tag = self.tags[number - 1].tag
        self.set_filters(self.filters.with_(tag=None if self.filters.tag == tag else tag))

    def action_pick_tag(self) -> None:
        def chosen(tag: str | None) -> None:
            if tag is None:
                return
            self.set_filters(self.filters.with_(tag=None if tag == ALL_TAGS else tag))

        try:
            self._read_topics()
            infos = tag_infos(self.monitor.read_conn, self.monitor.clock(), topics=self._topics)
        except sqlite3.Error as exc:
            self.notify(f"Could not read the tags: {exc}", severity="error", markup=False)
            return
        self.app.push_screen(TagPicker(infos, self.filters.tag), chosen)

    def set_tag(self, tag: str | None) -> None:
        self.set_filters(self.filters.with_(tag=tag))

    def set_feed(self, feed_id: int, name: str) -> None:
        """Only the groups with a story from this feed, the other filters kept; from the top,
        newest first, as a reader opening a feed expects."""
        self.set_filters(self.filters.with_(feed=feed_id, feed_name=name), keep=False)
        self.focus_now(self.groups)

    def action_search(self) -> None:
        self.query_one(SearchBox).open()

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value
        self._search_timer = self.set_timer(
            SEARCH_DEBOUNCE, lambda: self.set_filters(self.filters.with_(search=value))
        )

    def search_submitted(self, value: str) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self.set_filters(self.filters.with_(search=value))
        if not value.strip():
            self.query_one("#search", Input).display = False
        self.focus_now(self.groups)
        self.call_after_refresh(self._reader_arrived)  # the results are being read now


def _empty_hint(running: bool, state: PollState | None) -> str:
    """What the header of an empty database says: polling, every feed failing, or press r."""
    if running:
        return "Nothing here yet. Polling…"
    if state is not None and state.last_poll and state.feeds and state.failing >= state.feeds:
        return "Nothing here yet: no feed could be fetched. Press f to see why, r to poll again."
    return ""


def _as_new(claim: ClaimRow) -> ClaimRow:
    return replace(claim, new=True)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
