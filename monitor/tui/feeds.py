"""The feeds screen: every feed with its status, story count, last success, next check and
last error, from `monitor.feedstatus.feed_statuses` (the same data as `monitor feeds`). Enter on
a feed goes back to the groups, filtered to the ones with a story from it (as a reader opens a
feed in newsboat or Miniflux)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from monitor.feedstatus import feed_statuses
from monitor.queries import feed_source, feed_story_ids
from monitor.tui.dialogs import AddFeedDialog, ConfirmDialog, remove_question
from monitor.tui.footer import KeyFooter
from monitor.tui.messages import DatabaseChanged, PollStateChanged
from monitor.tui.text import (
    CONFLICT_STYLE,
    MUTED_STYLE,
    Facts,
    Hanging,
    HangingText,
    ago,
    long_time,
    pad,
    plain,
    soon_time,
)
from monitor.tui.windowlist import WindowList
from monitor.wording import plural

STATUS_STYLES = {
    "ok": "bold $mark-good",
    "error": CONFLICT_STYLE,
    "gone": CONFLICT_STYLE,
    "new": "bold $mark-new",
    "warn": "bold $mark-new",  # fetched, but the body was malformed (the detail says how)
}


def _when(value: str | None, now: datetime, future: bool = False) -> str:
    if not value:
        return "due now" if future else "never"
    if future:
        return "due now" if value <= now.strftime("%Y-%m-%dT%H:%M:%SZ") else soon_time(value, now)
    return ago(value, now)


class FeedList(WindowList):
    def __init__(self, clock: Callable[[], datetime], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.rows: list[dict[str, Any]] = []

    def get_row(self, index: int) -> dict[str, Any] | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def cache_key(self, row: dict[str, Any]) -> Any:
        return tuple(row.values())

    def render_row(self, row: dict[str, Any], width: int) -> Content:
        now = self.clock()
        status = row["status"]
        next_check = "never" if status == "gone" else _when(row["next_check"], now, future=True)
        if status == "ok" and row.get("warning"):
            status = "warn"
        name = row["title"] or row["url"]
        columns = feed_columns(width)
        parts: list[tuple[str, str]] = [
            (pad(status, 7), STATUS_STYLES.get(status, "")),
            (pad(f"{row['stories']:,}", 7, right=True) + " ", ""),
        ]
        if "unread" in columns:
            unread = row.get("unread") or 0
            parts.append((pad(f"{unread:,}" if unread else "-", 6, right=True) + " ", "bold"))
        if "last_ok" in columns:
            parts.append((pad(_when(row["last_ok"], now), 10, right=True) + " ", MUTED_STYLE))
        if "next" in columns:
            parts.append((pad(next_check, 9, right=True) + " ", MUTED_STYLE))
        parts.append((pad(" " + (name or ""), columns["name"]), "bold" if status != "ok" else ""))
        return Content.assemble(*parts)


MIN_NAME = 16  # the name matters most: the time columns go before it gets narrower


def feed_columns(width: int) -> dict[str, int]:
    """The columns that fit `width` and the name's width: on a narrow screen the last-ok, then
    the next-check, then the unread column are left out (the detail below has the times)."""
    columns = {"unread": 7, "last_ok": 11, "next": 10}
    fixed = 7 + 8 + sum(columns.values())
    for dropped in ("last_ok", "next", "unread"):
        if width - fixed >= MIN_NAME:
            break
        fixed -= columns.pop(dropped)
    return {**columns, "name": max(1, width - fixed)}


def feeds_header(width: int) -> Content:
    columns = feed_columns(width)
    text = pad("STATUS", 7) + pad("STORIES", 7, right=True) + " "
    if "unread" in columns:
        text += pad("UNREAD", 6, right=True) + " "
    if "last_ok" in columns:
        text += pad("LAST OK", 10, right=True) + " "
    if "next" in columns:
        text += pad("NEXT", 9, right=True) + " "
    return Content.styled(text + " FEED", "bold")


def feed_detail(row: dict[str, Any] | None, now: datetime) -> Hanging:
    """The cursor's feed: name, URLs, when it was checked (broken between dates, never inside
    one), its error, warning or move."""
    if row is None:
        return _lines(
            Content.styled("No feeds configured: a adds one (or edit feeds.yaml).", MUTED_STYLE)
        )
    parts: list[Content | Facts] = [plain(row["title"] or row["url"], "bold")]
    if row["title"]:  # untitled: the url is the heading already
        parts.append(plain(row["url"], MUTED_STYLE))
    if row.get("fetch_url") and row["fetch_url"] != row["url"]:
        parts.append(plain(f"fetching {row['fetch_url']}", MUTED_STYLE))
    facts = [
        f"last checked {long_time(row['last_checked'])}"
        if row["last_checked"]
        else "never checked",
        f"last ok {long_time(row['last_ok'])}" if row["last_ok"] else "never fetched fine",
    ]
    if row["status"] != "gone":
        due = _when(row["next_check"], now, future=True) == "due now"
        facts.append("due now" if due else f"next check {long_time(row['next_check'])}")
    parts.append(Facts(tuple(Content.styled(fact, MUTED_STYLE) for fact in facts)))
    if row["error"]:
        count = row.get("failed_checks") or row.get("error_count") or 0
        parts.append(
            Content.assemble((f"error ({count} in a row): ", CONFLICT_STYLE), plain(row["error"]))
        )
    if row.get("warning"):
        parts.append(Content.assemble(("warning: ", "bold $mark-new"), plain(row["warning"])))
    if row.get("moved_to"):
        parts.append(Content.assemble(("moved permanently to ", "bold"), plain(row["moved_to"])))
    return _lines(*parts)


def _lines(*parts: Content | Facts) -> Hanging:
    return Hanging(tuple((Content(""), part) for part in parts))


class FeedsScreen(Screen[None]):
    """Every configured feed. Enter shows its stories; a subscribes, d unsubscribes; Esc goes
    back; r polls all feeds now."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace,f,q", "app.pop_screen", "Back"),
        Binding(
            "enter,l",
            "show_feed",
            "Stories",
            tooltip="Back to the groups: only those with a story from this feed",
        ),
        Binding("a", "add", "Add", tooltip="Subscribe to a feed or a web page's feed"),
        Binding("d,delete", "remove", "Remove", tooltip="Unsubscribe (its stories are kept)"),
        Binding("M", "mark_feed_read", "All read", tooltip="Mark every story of the feed read"),
        Binding("z", "app.undo_marked", "Undo", show=False, tooltip="Undo the last M"),
    ]

    def __init__(
        self,
        conn: sqlite3.Connection,
        clock: Callable[[], datetime],
        show_feed: Callable[[int, str], None],
        *,
        mark_read: Callable[[list[int]], None] | None = None,
        subscribe: Callable[[str], None] | None = None,
        unsubscribe: Callable[[str], None] | None = None,
        config_name: str = "feeds.yaml",
    ) -> None:
        """`show_feed(feed_id, name)` leaves this screen for the groups filtered by the feed;
        `subscribe(address)` and `unsubscribe(url)` change feeds.yaml (the app's workers)."""
        super().__init__()
        self.conn = conn
        self.clock = clock
        self.show_feed = show_feed
        self.mark_read = mark_read
        self.subscribe = subscribe
        self.unsubscribe = unsubscribe
        self.config_name = config_name

    def compose(self) -> ComposeResult:
        with Vertical(id="feeds-box"):  # the column header inside the list's box
            yield Static(feeds_header(80), id="feeds-header")
            yield FeedList(self.clock, id="feed-list")
        yield HangingText(id="feed-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(FeedList).focus()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_header)

    def _fit_header(self) -> None:
        # As wide as the rows: without the scrollbar's columns, which a long list shows.
        width = self.query_one(FeedList).scrollable_content_region.width
        if width > 0:
            self.query_one("#feeds-header", Static).update(feeds_header(width))

    def reload(self) -> None:
        feeds = self.query_one(FeedList)
        try:
            rows = feed_statuses(self.conn)
        except sqlite3.Error as exc:
            self.notify(f"Could not read feeds: {exc}", severity="error", markup=False)
            return
        keep = feeds.get_row(feeds.cursor)
        feeds.rows = rows
        cursor = 0
        if keep is not None:
            cursor = next((i for i, r in enumerate(rows) if r["url"] == keep["url"]), feeds.cursor)
        feeds.set_row_count(len(rows), cursor=cursor)
        self.call_after_refresh(self._fit_header)  # a scrollbar may have come or gone
        ok = sum(1 for r in rows if r["status"] == "ok")
        failing = sum(1 for r in rows if r["status"] in ("error", "gone"))
        box = self.query_one("#feeds-box")
        box.border_title = "Feeds"
        box.border_subtitle = f"{plural(len(rows), 'feed')} · {ok} ok · {failing} failing"

    @on(WindowList.CursorMoved)
    def show_detail(self, event: WindowList.CursorMoved) -> None:
        feeds = self.query_one(FeedList)
        self.query_one("#feed-detail", HangingText).update(
            feed_detail(feeds.get_row(event.index), self.clock())
        )

    @on(WindowList.Chosen)
    def feed_chosen(self, event: WindowList.Chosen) -> None:
        self.action_show_feed()

    def action_show_feed(self) -> None:
        feeds = self.query_one(FeedList)
        row = feeds.get_row(feeds.cursor)
        if row is None:
            return
        try:
            found = feed_source(self.conn, row["url"])
        except sqlite3.Error as exc:
            self.notify(f"Could not read the feed: {exc}", severity="error", markup=False)
            return
        if found is None:  # removed from feeds.yaml since the list was read
            self.reload()
            return
        self.show_feed(*found)

    def action_mark_feed_read(self) -> None:
        """Every story the feed under the cursor carried, read (as Miniflux's "mark this feed
        as read"); z undoes it."""
        feeds = self.query_one(FeedList)
        row = feeds.get_row(feeds.cursor)
        if row is None or self.mark_read is None:
            return
        try:
            ids = feed_story_ids(self.conn, row["url"], unread=True)
        except sqlite3.Error as exc:
            self.notify(f"Could not read the feed: {exc}", severity="error", markup=False)
            return
        if not ids:
            self.notify("Nothing to mark: every story of this feed is read.", timeout=2)
            return
        self.mark_read(ids)

    def action_add(self, address: str = "") -> None:
        """Ask for an address (`address`: the one whose check just failed, to correct)."""
        subscribe = self.subscribe
        if subscribe is not None:
            self.app.push_screen(
                AddFeedDialog(self.config_name, address),
                lambda typed: subscribe(typed) if typed else None,
            )

    def action_remove(self) -> None:
        feeds = self.query_one(FeedList)
        row = feeds.get_row(feeds.cursor)
        unsubscribe = self.unsubscribe
        if row is None or unsubscribe is None:
            return
        url = str(row["url"])
        self.app.push_screen(
            ConfirmDialog(
                "Unsubscribe", remove_question(row["title"] or url), "y removes · n keeps"
            ),
            lambda yes: unsubscribe(url) if yes else None,
        )

    def on_database_changed(self, message: DatabaseChanged) -> None:
        self.reload()

    def on_poll_state_changed(self, message: PollStateChanged) -> None:
        self.reload()
