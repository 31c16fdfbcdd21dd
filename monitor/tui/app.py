"""The Textual app: connections, the background poller, live refresh, writes, and commands.

Shape, and why:
- One read connection on the main thread serves every screen. Once a second the app compares
  `PRAGMA data_version` on it; when another connection (cron's poll, our poll worker, our own
  marks) has committed, every screen gets a coalesced `DatabaseChanged` and re-reads its window,
  keeping its cursor.
- Network and database writes never run on the UI thread: the poll runs `run_poll` in a thread
  worker (it opens its own connection and takes the poll lock), and marks (read, star, seen) run
  in thread workers on a second connection, one at a time.
- Workers only post messages (`PollStarted`, `FeedFetched`, `FeedsPolled`, `StoriesMarked`);
  handlers here update state. Every worker failure lands in `on_worker_state_changed`.
- The periodic poll is a timer re-armed when a run ends, so runs never overlap; `r` polls every
  feed now unless a poll is already running.
"""

from __future__ import annotations

import itertools
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from platformdirs import user_downloads_path  # Textual's own dependency
from rich.console import RenderableType
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from monitor import db as dbmod
from monitor import queries
from monitor.config import ConfigError, ConfigFile, Settings
from monitor.exitcodes import ExitCode
from monitor.store import parse_iso
from monitor.textclean import clean_line
from monitor.tui.colours import readable_variables
from monitor.tui.feeds import FeedsScreen
from monitor.tui.help import HelpScreen, bindings_of
from monitor.tui.links import is_console_browser, open_in_browser, openable
from monitor.tui.main import MainScreen
from monitor.tui.messages import (
    CONFIG_BROKEN,
    DatabaseChanged,
    FeedFetched,
    FeedsPolled,
    FeedSubscribed,
    FeedUnsubscribed,
    PollStarted,
    PollStateChanged,
    SparklineComputed,
    StoriesMarked,
    SubscriptionFailed,
)
from monitor.tui.story import StoryScreen
from monitor.tui.text import now_utc
from monitor.tui.windowlist import WindowList
from monitor.wording import plural

if TYPE_CHECKING:  # the poller (httpx, feedparser) is imported by the first poll
    from monitor.poller import FeedResult, PollResult

MIN_POLL_DELAY = 30.0
"""Never poll again sooner than this many seconds after a run ended."""
LOCKED_RETRY = 60.0
"""After finding another poll running (cron), try again this many seconds later."""
FIRST_POLL_DELAY = 0.5
"""The first background poll starts this long after launch (the first screen comes first)."""
RUNNING_NOTICE_S = 2.0
"""How long "A poll is already running." shows; another `r` meanwhile adds no second one."""
LOCKED_MESSAGE = "another poll is running (cron?); will retry"
"""The status line while another process (cron) holds the poll lock."""
WRITE_WAIT_MS = 120_000
"""How long a star or mark waits for a poll's write lock before it fails (it runs in a thread)."""
WRITE_STEP_MS = 250
"""The busy timeout of one attempt; attempts repeat until WRITE_WAIT_MS or the app closes."""
SCREENSHOT_DELAY = 0.1
"""Seconds between choosing Screenshot and taking it: the command palette has closed by then."""


@dataclass
class PollStatus:
    """What the status line says about polling."""

    enabled: bool
    running: bool = False
    due: int = 0
    done: int = 0
    last_result: PollResult | None = None
    next_at: datetime | None = None
    message: str = ""


QUIT_HELP = "Quit (elsewhere q goes back; Q always quits)"


class MonitorApp(App[int]):
    """`monitor`'s terminal UI."""

    CSS_PATH = "monitor.tcss"
    TITLE = "monitor"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Every key"),
        Binding("q", "quit", "Quit", tooltip=QUIT_HELP),
        Binding("Q", "quit", "Quit", show=False, tooltip=QUIT_HELP),
        Binding("r", "poll_now", "Poll", tooltip="Poll every feed now"),
        Binding("f", "feeds", "Feeds", tooltip="Every feed: status, last error, next check"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            show=False,
            tooltip="Command palette: every action by name",
        ),
    ]

    def __init__(
        self,
        settings: Settings,
        config_path: Path,
        db_path: Path,
        *,
        poll: bool = True,
        clock: Callable[[], datetime] = now_utc,
        opener: Callable[[str], bool] = open_in_browser,
        check_interval: float = 1.0,
        seen_delay: float = 1.5,
    ) -> None:
        super().__init__()
        self.config = ConfigFile(config_path, settings)
        self.config_path = config_path
        self.db_path = db_path
        self.clock = clock
        self.opener = opener
        self.check_interval = check_interval
        self.seen_delay = seen_delay
        """Seconds a group must stay open before it counts as seen."""
        self.poll_status = PollStatus(enabled=poll)
        self.startup_error: str | None = None
        self._read_conn: sqlite3.Connection | None = None
        self._write_conn: sqlite3.Connection | None = None
        self._write_lock = threading.Lock()
        self._writes_cancelled = threading.Event()
        # Writes run in threads, in the order the keys were pressed (a ticket each): "open"
        # marking a story read, then `m`, must not land the other way round.
        self._write_turn = threading.Condition()
        self._write_tickets = itertools.count()
        self._write_next = 0
        self._undo: queries.Marked | None = None  # the last M or C, until z or the next one
        self._poll_all = False  # whether the running (or last) poll was of every feed
        self._said_poll_running = -RUNNING_NOTICE_S
        self._data_version = -1
        self._poll_timer: Timer | None = None
        self._last_poll_seen: str | None = None
        self._exit_requested = False
        self._feeds_yaml_changed = False  # during a poll, which read feeds.yaml before the change

    @property
    def settings(self) -> Settings:
        """The settings of the latest poll: feeds.yaml as it was then (`ConfigFile`)."""
        return self.config.settings

    # --- connections ------------------------------------------------------------------------

    @property
    def read_conn(self) -> sqlite3.Connection:
        if self._read_conn is None:
            self._read_conn = dbmod.connect(self.db_path, migrate=False)
        return self._read_conn

    def _writer(self) -> sqlite3.Connection:
        if self._write_conn is None:
            self._write_conn = dbmod.connect(self.db_path, migrate=False)
            # Waits are retried in `_write` in short steps, so quitting never waits for a lock.
            self._write_conn.execute(f"PRAGMA busy_timeout = {WRITE_STEP_MS}")
        return self._write_conn

    def on_load(self, event: events.Load) -> None:
        try:
            self._data_version = dbmod.data_version(self.read_conn)
            self._last_poll_seen = queries.poll_state(self.read_conn).last_poll
            theme = queries.ui_theme(self.read_conn)
        except (dbmod.DatabaseError, sqlite3.Error) as exc:
            self.startup_error = str(exc)
            return
        if theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        """Remember the reader's theme (in the database, like read and starred state)."""
        self._write("Saving the theme", queries.set_ui_theme, theme.name)

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables plus the readable `mark-*` colours derived from them."""
        variables = super().get_css_variables()
        return {**variables, **readable_variables(variables)}

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen()

    def on_mount(self) -> None:
        if self.startup_error is not None:
            self.exit(int(ExitCode.DATABASE))
            return
        self.set_interval(self.check_interval, self.check_database, name="data_version")
        if self.poll_status.enabled:
            self._arm_poll(FIRST_POLL_DELAY)

    def on_unmount(self) -> None:
        if self._read_conn is not None:
            self._read_conn.close()
        writer = self._write_conn
        if writer is not None:
            # A star still waiting for a poll's lock is given up (its thread would keep the
            # process alive until the lock frees); the connection is closed only once no thread
            # uses it: closing it under a running statement crashes the interpreter.
            self._writes_cancelled.set()
            with self._write_turn:
                self._write_turn.notify_all()
            if self._write_lock.acquire(timeout=2):
                try:
                    writer.close()
                finally:
                    self._write_lock.release()
        self._read_conn = self._write_conn = None

    # --- live refresh -----------------------------------------------------------------------

    def check_database(self) -> None:
        """Announce a change if another connection committed since the last look."""
        self._check_config_fixed()
        try:
            version = dbmod.data_version(self.read_conn)
        except sqlite3.Error:
            return
        if version != self._data_version:
            self._data_version = version
            self._follow_outside_poll()
            self.announce_change()

    def _check_config_fixed(self) -> None:
        """A broken feeds.yaml, once fixed, is said to be fixed at once, and polled soon: the
        status line kept "not polled, fix the config" until the next poll, half an hour on."""
        if not self.poll_status.message.startswith(CONFIG_BROKEN) or self.poll_status.running:
            return
        from monitor.store import check_feed_list

        try:
            # Fixed means it reads, and (when that was what stopped the poll) it lists some
            # feed of this database: the feed-list guard's refusal is a ConfigError too.
            check_feed_list(self.read_conn, self.config.current().feeds)
        except (ConfigError, sqlite3.Error):
            return
        self.poll_status.message = ""
        if self.poll_status.enabled:
            self._arm_poll(MIN_POLL_DELAY)
        self._announce_poll_state()

    def _follow_outside_poll(self) -> None:
        """After a poll by another process (cron), the next poll is when feeds are due again,
        not when this UI's timer was set before it ("next 10:05" would stay on the status line
        after 10:05 has passed, and a poll would start only to find nothing due)."""
        if self.poll_status.running:
            return
        try:
            last = queries.poll_state(self.read_conn).last_poll
        except sqlite3.Error:
            return
        if last != self._last_poll_seen:
            self._last_poll_seen = last
            if self.poll_status.message == LOCKED_MESSAGE:
                self.poll_status.message = ""
            if self.poll_status.enabled:
                self._arm_poll(self._next_delay())
            elif self._poll_timer is not None:  # the retry of an `r`: the other poll did it
                self._poll_timer.stop()
                self._poll_timer = None
                self.poll_status.next_at = None

    def announce_change(self) -> None:
        for screen in self.screen_stack:
            screen.post_message(DatabaseChanged())

    def _announce_poll_state(self) -> None:
        for screen in self.screen_stack:
            screen.post_message(PollStateChanged())

    # --- background poll --------------------------------------------------------------------

    def _arm_poll(self, delay: float) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
        self.poll_status.next_at = self.clock() + timedelta(seconds=delay)
        self._poll_timer = self.set_timer(delay, self.start_poll, name="next poll")

    def _next_delay(self) -> float:
        """Until the earliest feed is due, between MIN_POLL_DELAY and the poll interval."""
        interval = self.settings.poll.interval_minutes * 60
        try:
            state = queries.poll_state(self.read_conn)
        except sqlite3.Error:
            return interval
        due = parse_iso(state.next_check)
        if due is None:
            return MIN_POLL_DELAY if state.feeds and state.next_check is None else interval
        wait = (due - self.clock()).total_seconds()
        return max(MIN_POLL_DELAY, min(interval, wait))

    def start_poll(self, all_feeds: bool = False) -> bool:
        """Start a poll in a thread unless one is running. Returns whether it started."""
        if self.poll_status.running:
            return False
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None
        self.poll_status.running = True
        self._poll_all = all_feeds
        self.poll_status.due = self.poll_status.done = 0
        self.poll_status.message = ""
        self._announce_poll_state()
        self.run_worker(
            partial(self._poll, all_feeds),
            name="poll",
            group="poll",
            description="Polling every feed" if all_feeds else "Polling due feeds",
            exclusive=True,
            exit_on_error=False,
            thread=True,
        )
        return True

    @staticmethod
    def _poll_settings(settings: Settings) -> Settings:
        # Parsing stays in this process: forking a pool from a threaded UI process is unsafe.
        poll = settings.poll.model_copy(update={"parse_workers": 0})
        return settings.model_copy(update={"poll": poll})

    def _poll(self, all_feeds: bool) -> PollResult:
        """Runs in a worker thread; only posts messages. feeds.yaml is read again first if it
        changed (a broken one raises ConfigError: no poll), and the notify command runs after a
        poll that found something, as after `monitor poll`."""
        from monitor.notify import notify_after_poll
        from monitor.poller import run_poll

        settings = self.config.current()

        def progress(feed: FeedResult) -> None:
            self.post_message(FeedFetched(feed))

        def on_start(due: int) -> None:
            self.post_message(PollStarted(due))

        result = run_poll(
            self._poll_settings(settings),
            self.db_path,
            all_feeds=all_feeds,
            progress=progress,
            on_start=on_start,
        )
        self.post_message(FeedsPolled(result, notify_after_poll(settings, self.db_path, result)))
        return result

    def on_poll_started(self, message: PollStarted) -> None:
        self.poll_status.due = message.due
        self._announce_poll_state()

    def on_feed_fetched(self, message: FeedFetched) -> None:
        self.poll_status.done += 1
        self._announce_poll_state()

    def on_feeds_polled(self, message: FeedsPolled) -> None:
        result = message.result
        self.poll_status.last_result = result
        failed: list[FeedResult] = [feed for feed in result.feeds if feed.failed]
        if len(failed) == 1:
            feed = failed[0]
            why = f": {clean_line(feed.error)}" if feed.error else ""
            self.poll_status.message = f"failed: {clean_line(feed.title or feed.url)}{why}"
        elif failed:
            names = ", ".join(clean_line(f.title or f.url) for f in failed[:3])
            more = f" and {len(failed) - 3} more" if len(failed) > 3 else ""
            self.poll_status.message = f"failed: {names}{more}"
        if message.notify_error:
            self.notify(
                f"notify command failed: {clean_line(message.notify_error)}",
                severity="error",
                markup=False,
            )
        self.check_database()

    # --- writes -----------------------------------------------------------------------------

    def _write(self, description: str, func: Callable[..., object], *args: Any) -> None:
        ticket = next(self._write_tickets)

        def job() -> None:
            with self._write_turn:
                self._write_turn.wait_for(
                    lambda: self._write_next == ticket or self._writes_cancelled.is_set()
                )
                turn = self._write_next == ticket
            try:
                if turn:  # else the app is closing: the writes still queued are given up
                    write_now()
            finally:
                with self._write_turn:
                    self._write_next = max(self._write_next, ticket + 1)
                    self._write_turn.notify_all()

        def write_now() -> None:
            # Said only when the wait is long enough to notice (a poll is grouping a batch).
            notice = threading.Timer(
                1.0,
                lambda: self.call_from_thread(
                    self.notify,
                    f"{description}: waiting for the running poll…",
                    timeout=3,
                    markup=False,
                ),
            )
            notice.daemon = True
            notice.start()
            # A poll (ours or cron's) groups stories in batches that hold the write lock for a
            # few seconds on a large database: the star or mark waits that out (it runs in a
            # thread) instead of failing with "database is locked", unless the app is closing.
            deadline = time.monotonic() + WRITE_WAIT_MS / 1000
            try:
                while True:
                    try:
                        with self._write_lock:
                            func(self._writer(), *args)
                        break
                    except sqlite3.OperationalError as exc:
                        busy = "locked" in str(exc) or "busy" in str(exc)
                        if (
                            not busy
                            or self._writes_cancelled.is_set()
                            or time.monotonic() > deadline
                        ):
                            raise
            finally:
                notice.cancel()
            self.post_message(StoriesMarked())

        self.run_worker(
            job, name="write", group="write", description=description, exit_on_error=False,
            thread=True,
        )  # fmt: skip

    def set_read(self, story_ids: Sequence[int], read: bool) -> None:
        self._write(
            "Marking read" if read else "Marking unread", queries.set_read, list(story_ids), read
        )

    def toggle_starred(self, story_id: int, starred_now: bool) -> None:
        self._write("Unstarring" if starred_now else "Starring", queries.toggle_starred, story_id)

    def toggle_read(self, story_id: int, read_now: bool) -> None:
        self._write("Marking unread" if read_now else "Marking read", queries.toggle_read, story_id)

    def mark_group_read(self, group_id: int) -> None:
        self._write("Marking the group read", self._undoable, [group_id], [])

    def mark_items_read(self, group_ids: Sequence[int], story_ids: Sequence[int]) -> None:
        self._write("Catching up", self._undoable, list(group_ids), list(story_ids))

    def _undoable(
        self, conn: sqlite3.Connection, group_ids: list[int], story_ids: list[int]
    ) -> None:
        """Mark read (in the write thread), then say what was marked and that z undoes it."""
        marked = queries.mark_items_read(conn, group_ids, story_ids)
        self.call_from_thread(self._marked, marked)

    def _marked(self, marked: queries.Marked) -> None:
        if not marked.stories and not marked.groups:
            self.notify("Nothing to mark: already read and seen.", timeout=2)
            return
        self._undo = marked
        what = plural(len(marked.stories), "story", "stories") + " marked read"
        if not marked.stories:
            what = plural(len(marked.groups), "group") + " marked seen"
        self.notify(f"{what} · z undoes", timeout=6)

    def action_undo_marked(self) -> None:
        """Put back the last M or C (as Feedly's undo after mark-all-read)."""
        if self._undo is None:
            self.notify(
                "Nothing to undo: z undoes the last M (all read) or C (catch up).", timeout=3
            )
            return
        marked, self._undo = self._undo, None
        self._write("Undoing", queries.undo_marked, marked)
        if marked.stories:
            what = plural(len(marked.stories), "story", "stories") + " unread again"
        else:
            what = plural(len(marked.groups), "group") + " as before"
        self.notify(f"Undone: {what}.", timeout=3)

    def mark_group_seen(self, group_id: int) -> None:
        self._write("Marking the group seen", queries.mark_group_seen, group_id)

    def count_tag_per_day(self, tag: str, reply_to: Screen[Any]) -> None:
        """Count `tag`'s stories per day in a thread (its own connection); `reply_to` gets a
        SparklineComputed."""

        def job() -> None:
            conn = dbmod.connect(self.db_path, migrate=False)
            try:
                per_day = queries.tag_sparkline(conn, tag, self.clock())
            finally:
                conn.close()
            reply_to.post_message(SparklineComputed(tag, per_day))

        self.run_worker(
            job, name="sparkline", group="sparkline", description=f"Counting {tag} per day",
            exclusive=True, exit_on_error=False, thread=True,
        )  # fmt: skip

    def on_stories_marked(self, message: StoriesMarked) -> None:
        self.check_database()

    # --- failures, in one place -------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "poll" and event.state in (
            WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED,
        ):  # fmt: skip
            self.poll_status.running = False
            delay = self._next_delay()
            if event.state == WorkerState.ERROR:
                error = worker.error
                if type(error).__name__ == "PollLocked":
                    self.poll_status.message = LOCKED_MESSAGE
                    delay = LOCKED_RETRY
                elif isinstance(error, dbmod.DatabaseError):
                    self.poll_status.message = f"poll failed: {clean_line(str(error))}"
                elif isinstance(error, ConfigError):
                    first = (str(error).splitlines() or [""])[0]
                    first = first.replace(str(self.config.path), self.config.path.name, 1)
                    self.poll_status.message = f"{CONFIG_BROKEN}: {clean_line(first)}"
                else:
                    self.poll_status.message = (
                        f"poll failed: {type(error).__name__}: {clean_line(str(error))}"
                    )
            if self.poll_status.enabled:
                self._arm_poll(delay)
            elif self.poll_status.message == LOCKED_MESSAGE:
                # Auto-poll is off, but the reader asked for this poll (r): it is tried again.
                self.poll_status.next_at = self.clock() + timedelta(seconds=delay)
                self._poll_timer = self.set_timer(
                    delay, partial(self.start_poll, self._poll_all), name="retry poll"
                )
            else:
                self.poll_status.next_at = None
            self.check_database()
            self._announce_poll_state()
            if self._feeds_yaml_changed:  # a feed was added or removed while it ran
                self._feeds_yaml_changed = False
                self.call_after_refresh(self.start_poll)
        elif event.state == WorkerState.ERROR:
            error = worker.error
            what = worker.description or worker.name or "A background task"
            self.notify(
                f"{what} failed: {clean_line(str(error)) or type(error).__name__}",
                severity="error",
                markup=False,
            )

    # --- keys typed ahead -------------------------------------------------------------------

    def exit(
        self,
        result: int | None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        self._exit_requested = True
        super().exit(result, return_code, message)

    async def on_event(self, event: events.Event) -> None:
        """Input after `q` is dropped: a key typed right behind it (`q f`, `q t`, ctrl+p)
        opened a screen while the app was closing, and its widgets were already gone: a
        traceback and exit status 1 instead of a clean exit."""
        if self._exit_requested and isinstance(event, events.InputEvent):
            return
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        """Type a character into the text box focused now if it was sent elsewhere.

        Textual sends a key to the widget focused when the key arrives, before the keys ahead
        of it have run their actions: the letters of a fast `/llama` went to the groups list
        and were lost. A text box keeps every printable key sent to it, so one that reaches the
        app while a text box has the focus was sent somewhere else."""
        box = self.focused
        if not isinstance(box, Input) or not event.is_printable or event.character is None:
            return
        event.prevent_default()
        event.stop()
        selection = box.selection
        if selection.is_empty:
            box.insert_text_at_cursor(event.character)
        else:
            box.replace(event.character, *selection)

    # --- actions ----------------------------------------------------------------------------

    def action_poll_now(self) -> None:
        if not self.start_poll(all_feeds=True):
            # Once while it shows: five presses stacked five toasts over half the screen.
            if time.monotonic() - self._said_poll_running > RUNNING_NOTICE_S:
                self._said_poll_running = time.monotonic()
                self.notify("A poll is already running.", timeout=RUNNING_NOTICE_S)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        self.push_screen(HelpScreen(help_sections()))

    def action_feeds(self) -> None:
        if isinstance(self.screen, FeedsScreen):
            self.pop_screen()
            return
        self.push_screen(
            FeedsScreen(
                self.read_conn,
                self.clock,
                self.show_feed,
                mark_read=lambda ids: self.mark_items_read([], ids),
                subscribe=self.subscribe,
                unsubscribe=self.unsubscribe,
                config_name=str(self.config.path),
            )
        )

    def subscribe(self, address: str) -> None:
        """Check `address` and add it to feeds.yaml, in a worker (it fetches)."""
        self.notify(f"Checking {clean_line(address)}…", timeout=4, markup=False)
        self._change_feeds(partial(self._subscribe, address), f"Subscribing to {address}")

    def _subscribe(self, address: str) -> None:
        from monitor.subscribe import AlreadySubscribed, SubscribeError, add_feed, urls_line

        try:
            url, title, tags = urls_line(address)
            added = add_feed(
                self.config.path, url, self.config.current().poll, title=title, tags=tags
            )
        except AlreadySubscribed:
            self.post_message(FeedSubscribed(address, None, already=True))
            return
        except (SubscribeError, ConfigError) as exc:
            self.post_message(SubscriptionFailed(address, str(exc)))
            return
        self.post_message(FeedSubscribed(added.feed.url, added.title))

    def on_subscription_failed(self, message: SubscriptionFailed) -> None:
        """Say why, and on the feeds screen ask again with the address as typed, to correct."""
        self.notify(
            f"Could not subscribe: {clean_line(message.error)}",
            severity="error",
            timeout=8,
            markup=False,
        )
        if isinstance(self.screen, FeedsScreen):
            self.screen.action_add(message.address)

    def unsubscribe(self, url: str) -> None:
        self._change_feeds(partial(self._unsubscribe, url), f"Removing {url}")

    def _change_feeds(self, work: Callable[[], None], description: str) -> None:
        """Run an edit of feeds.yaml in a worker; a failure is reported like any worker's, by
        `on_worker_state_changed`, under `description`."""
        self.run_worker(
            work,
            name="feeds.yaml",
            group="feeds.yaml",
            description=clean_line(description),
            exit_on_error=False,
            thread=True,
        )

    def _unsubscribe(self, url: str) -> None:
        from monitor.subscribe import remove_feed

        self.post_message(FeedUnsubscribed(remove_feed(self.config.path, url).url))

    def on_feed_subscribed(self, message: FeedSubscribed) -> None:
        name = clean_line(message.title or message.url)
        if message.already:
            self.notify(f"{name} is in feeds.yaml already; nothing changed.", markup=False)
            return
        self._after_feeds_changed(f"Subscribed to {name}.")

    def on_feed_unsubscribed(self, message: FeedUnsubscribed) -> None:
        self._after_feeds_changed(f"Removed {clean_line(message.url)}; its stories are kept.")

    def _after_feeds_changed(self, said: str) -> None:
        """feeds.yaml changed: a poll now brings the database in step (and fetches a new feed)."""
        started = self.start_poll()
        if not started:  # the running poll read feeds.yaml before: another follows it
            self._feeds_yaml_changed = True
        later = "" if started else " A poll follows the one running now."
        self.notify(said + later, markup=False)

    def show_feed(self, feed_id: int, name: str) -> None:
        """Back on the main screen (from the feeds screen, over a story too), only the groups
        with a story from the feed. Popped here, not when a message arrives: a key typed right
        after Enter must reach the main screen."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, MainScreen):
            self.pop_screen()
        if isinstance(self.screen, MainScreen):
            self.screen.set_feed(feed_id, name)

    def open_link(self, url: str | None, story_id: int | None = None) -> None:
        """Open `url` in the browser (or show it when there is none); the story is then read,
        as in newsboat."""
        link = openable(url)
        if link is not None and story_id is not None:
            self.set_read([story_id], True)
        if link is None:
            if url:
                self.notify(
                    f"Not opening {clean_line(url)[:80]}: only http and https links are opened.",
                    severity="warning",
                    markup=False,
                )
            else:
                self.notify("This story has no link.", timeout=2)
            return
        if self.opener is open_in_browser and is_console_browser():
            with self.suspend():
                opened = self.opener(link)
            self._opened(link, opened)
            return
        self.run_worker(
            partial(self._open_job, link), name="open", group="open",
            description="Opening the link", exit_on_error=False, thread=True,
        )  # fmt: skip

    def _open_job(self, link: str) -> None:
        opened = self.opener(link)
        self.call_from_thread(self._opened, link, opened)

    def _opened(self, link: str, opened: bool) -> None:
        if opened:
            self.notify(f"Opened {link[:100]}", timeout=2, markup=False)
        else:
            self.notify(f"No browser found. The link is: {link}", severity="warning", markup=False)

    # --- screenshots ------------------------------------------------------------------------

    def save_screenshot_file(self) -> Path | None:
        """Save the screen as SVG and say where, or where not and why.

        Textual's own screenshot wrote into ~/Downloads even where there is none, and said only
        "Failed to save screenshot"."""
        path = screenshot_dir() / f"monitor-{datetime.now():%Y-%m-%d_%H-%M-%S}.svg"
        try:
            path.write_text(self.export_screenshot(), encoding="utf-8")
        except OSError as exc:
            self.notify(
                f"Could not save the screenshot to {path}: {exc.strerror or exc}",
                title="Screenshot",
                severity="error",
                markup=False,
            )
            return None
        self.notify(f"Screenshot saved to {path}", title="Screenshot", markup=False)
        return path

    # --- command palette --------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title == "Keys":  # Textual's key panel lists widget keys that are not ours
                continue  # "Help: all keys" (from _commands) shows ours
            if command.title == "Screenshot":
                yield SystemCommand(
                    "Screenshot",
                    "Save an SVG picture of the screen (in Downloads, else the current directory)",
                    lambda: self.set_timer(SCREENSHOT_DELAY, self.save_screenshot_file),
                )
            else:
                yield command
        for title, help_text, action in _commands(screen):
            if not action.startswith("app.") and screen.check_action(action, ()) is False:
                continue  # "Back to the groups" while the groups have the focus
            yield SystemCommand(title, help_text, partial(screen.run_action, action))
        if isinstance(screen, MainScreen):
            for number, info in enumerate(screen.tags, 1):
                yield SystemCommand(
                    f"Filter by tag: {info.tag}",
                    f"Only groups with a story tagged {info.tag} (key {number})"
                    if number <= 9
                    else f"Only groups with a story tagged {info.tag}",
                    partial(screen.set_tag, info.tag),
                )


def screenshot_dir() -> Path:
    """The Downloads folder (where Textual puts screenshots) when it exists, else the directory
    monitor was started in (the home directory if that was deleted since)."""
    downloads = user_downloads_path()
    if downloads.is_dir():
        return downloads
    try:
        return Path.cwd()
    except OSError:
        return Path.home()


def _commands(screen: Screen[Any]) -> list[tuple[str, str, str]]:
    """(title, help, action) for every key action available on `screen`."""
    app_commands = [
        ("Poll now", "Fetch every feed now (r)", "app.poll_now"),
        ("Feeds", "Every feed with its status, last error and next check (f)", "app.feeds"),
        ("Help: all keys", "Every key of this app, screen by screen (?)", "app.help"),
    ]
    if isinstance(screen, MainScreen):
        return [
            *app_commands,
            ("Open link", "Open the selected story in the browser (o)", "open_link"),
            ("Star or unstar story", "Toggle the star on the selected story (s)", "star"),
            (
                "Mark story read or unread",
                "Toggle the selected story's read mark (m)",
                "toggle_read",
            ),
            ("Mark group read", "Mark every story of the group read (M)", "mark_group_read"),
            (
                "Catch up",
                "Mark every group the list shows read and seen, after a yes (C)",
                "catch_up",
            ),
            ("Undo mark read", "Put back the last all read or catch up (z)", "app.undo_marked"),
            ("Back to the groups", "From the stories pane (q)", "back_to_groups"),
            ("Search", "Full-text search in titles and summaries (/)", "search"),
            ("Pick a tag", "Filter by tag, with two-week sparklines (t)", "pick_tag"),
            ("Toggle unread only", "Only groups with unread stories (u)", "toggle_unread"),
            ("Toggle starred only", "Only groups with starred stories (*)", "toggle_starred"),
            ("Cycle time window", "All time, 24h, 3d, 7d, 14d (w)", "cycle_window"),
            ("Clear filters", "Show everything again (x)", "clear_filters"),
            ("Open story", "Read the selected story (Enter)", "choose"),
            ("Next unread story", "On into the next group with one (n)", "next_unread(1)"),
            ("Previous unread story", "Back into the group before with one (p)", "next_unread(-1)"),
        ]
    if isinstance(screen, StoryScreen):
        return [
            *app_commands,
            ("Open link", "Open this story in the browser (o)", "open_link"),
            ("Star or unstar story", "Toggle the star (s)", "star"),
            ("Mark story read or unread", "Toggle the read mark (m)", "toggle_read"),
            ("Next story", "The next story of the group (])", "step(1)"),
            ("Previous story", "The previous story of the group ([)", "step(-1)"),
            ("Next unread story", "On into the next group with one (n)", "next_unread(1)"),
            ("Previous unread story", "Back into the group before with one (p)", "next_unread(-1)"),
            ("Back", "Back to the groups (Esc)", "app.pop_screen"),
        ]
    if isinstance(screen, FeedsScreen):
        return [
            *app_commands,
            (
                "Show the feed's stories",
                "Back to the groups, only those with a story from this feed (Enter)",
                "show_feed",
            ),
            ("Add a feed", "Subscribe to a feed or a web page's feed (a)", "add"),
            ("Remove the feed", "Unsubscribe from the feed under the cursor (d)", "remove"),
            (
                "Mark the feed read",
                "Every story of the feed under the cursor (M)",
                "mark_feed_read",
            ),
            ("Undo mark read", "Put back the last mark read (z)", "app.undo_marked"),
            ("Back", "Back to the groups (Esc)", "app.pop_screen"),
        ]
    return app_commands


def help_sections() -> list[tuple[str, list[Binding]]]:
    return [
        ("Everywhere", bindings_of(MonitorApp.BINDINGS)),
        (
            "Lists (groups, stories, feeds)",
            [
                *bindings_of(WindowList.BINDINGS),
                Binding("tab", "focus_next", "Next pane"),
                Binding("shift+tab", "focus_previous", "Previous pane"),
            ],
        ),
        ("Main screen", bindings_of(MainScreen.BINDINGS)),
        ("Story view", bindings_of(StoryScreen.BINDINGS)),
        ("Feeds screen", bindings_of(FeedsScreen.BINDINGS)),
    ]


def run(settings: Settings, config_path: Path, db_path: Path, poll: bool) -> int:
    """Run the UI until the user quits; returns an ExitCode."""
    app = MonitorApp(settings, config_path, db_path, poll=poll)
    app.run()
    if app.startup_error is not None:
        print(f"monitor: database error: {clean_line(app.startup_error)}", file=sys.stderr)
        return int(ExitCode.DATABASE)
    if app.return_code:
        return int(app.return_code)
    return int(ExitCode.OK)
