"""The UI driven by Pilot: every key on every screen, marks written, filters, search, palette.

Waits are on workers and messages (or a bounded wait for a condition), never fixed sleeps.
Helpers here (`make_db`, `make_app`, `settle`, `until`, `screen_text`) are shared by the other
test_tui_* modules.
"""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from monitor import queries as q
from monitor.config import Settings, settings_from_data
from monitor.db import connect, write
from monitor.tui import main as main_module
from monitor.tui.app import MonitorApp, _commands, help_sections
from monitor.tui.detail import StoryList, claims_text, group_header, merge_claims
from monitor.tui.feeds import FeedList, FeedsScreen, feed_columns
from monitor.tui.grouplist import GroupList
from monitor.tui.help import MARKS, HelpScreen, help_rows
from monitor.tui.main import MainScreen
from monitor.tui.sample import fill
from monitor.tui.story import StoryScreen, story_content
from monitor.tui.tags import TagPicker
from monitor.tui.text import age, ago

NOW = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)
SIZE = (120, 40)

pytestmark = pytest.mark.anyio


def make_db(path: Path, stories: int = 60, **kwargs: Any) -> Path:
    conn = connect(path)
    fill(conn, stories=stories, now=NOW, **kwargs)
    conn.close()
    return path


class Opener:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str) -> bool:
        self.urls.append(url)
        return True


def listed(screen: MainScreen, count: int) -> list[q.GroupRow]:
    """The first `count` rows of the groups list (all loaded)."""
    rows = [screen.groups.get_row(i) for i in range(count)]
    assert all(row is not None for row in rows)
    return [row for row in rows if row is not None]


def first_group_and_lone_story(conn: sqlite3.Connection) -> tuple[q.GroupRow, q.GroupRow]:
    """The first group and the first lone story of the unfiltered list."""
    rows = q.GroupQuery(conn, q.Filters(), NOW).page_after(None, 100)
    group = next(row for row in rows if row.group_id is not None)
    return group, next(row for row in rows if row.group_id is None)


def make_app(
    db_path: Path,
    *,
    poll: bool = False,
    settings: Settings | None = None,
    opener: Callable[[str], bool] | None = None,
    seen_delay: float = 60.0,
    clock: Callable[[], datetime] | None = None,
) -> MonitorApp:
    return MonitorApp(
        settings or settings_from_data({"poll": {"parse_workers": 0}}, "test"),
        Path("feeds.yaml"),
        db_path,
        poll=poll,
        clock=clock or (lambda: NOW),
        opener=opener or Opener(),
        check_interval=0.05,
        seen_delay=seen_delay,
    )


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and the messages they posted be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def feeds_screen(pilot: Pilot[Any]) -> FeedList:
    """Open the feeds screen (f) once the app has settled: its list."""
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    return pilot.app.screen.query_one(FeedList)


async def first_group(pilot: Pilot[Any]) -> MainScreen:
    """The main screen, its cursor moved down to the first group (past lone stories)."""
    screen = main(pilot.app)  # type: ignore[arg-type]
    while screen.groups.current is None or screen.groups.current.is_lone:
        await pilot.press("j")
    return screen


async def until(pilot: Pilot[Any], condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Wait (bounded) for something the app does on a timer or in a worker."""
    steps = int(seconds / 0.02)
    for _ in range(steps):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached in time")


def stories_listed(groups: GroupList) -> int:
    """Stories in the groups list (grouping may put several in one row)."""
    rows = (groups.get_row(i) for i in range(groups.row_count))
    return sum(row.story_count for row in rows if row is not None)


def screen_text(app: MonitorApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def main(app: MonitorApp) -> MainScreen:
    screen = app.screen_stack[0] if isinstance(app.screen_stack[0], MainScreen) else app.screen
    assert isinstance(screen, MainScreen)
    return screen


def db_row(db_path: Path, sql: str, *args: Any) -> sqlite3.Row:
    conn = connect(db_path)
    try:
        return conn.execute(sql, args).fetchone()
    finally:
        conn.close()


def db_write(db_path: Path, sql: str, *args: Any) -> None:
    """One statement in its own write transaction, as another process (cron) would."""
    conn = connect(db_path)
    try:
        with write(conn):
            conn.execute(sql, args)
    finally:
        conn.close()


def rows_of(db_path: Path, sql: str, *args: Any) -> list[sqlite3.Row]:
    conn = connect(db_path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "m.db", stories=200)


async def test_first_screen_shows_groups_and_the_open_group(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        groups = screen.groups
        conn = connect(sample_db)
        expected = q.GroupQuery(conn, q.Filters(), NOW).page_after(None, 5)
        assert groups.row_count == q.GroupQuery(conn, q.Filters(), NOW).count()
        assert groups.current is not None and groups.current.key == expected[0].key
        stories = q.group_stories(conn, expected[0])
        conn.close()
        assert [s.id for s in screen.stories.rows] == [s.id for s in stories]
        text = screen_text(app)
        assert expected[0].title[:20] in text
        assert "all groups" in text and "Last poll" in text
        assert groups.has_focus


async def test_moving_keys(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        groups = main(app).groups
        await pilot.press("j", "j", "down")
        assert groups.cursor == 3
        await pilot.press("k", "up")
        assert groups.cursor == 1
        await pilot.press("G")
        assert groups.cursor == groups.row_count - 1
        await pilot.press("g")
        assert groups.cursor == 0
        await pilot.press("end")
        assert groups.cursor == groups.row_count - 1
        await pilot.press("home", "pagedown")
        assert groups.row_count > groups.page_height
        assert groups.cursor == groups.page_height
        await pilot.press("pageup")
        assert groups.cursor == 0
        await pilot.press("ctrl+f", "ctrl+b")
        assert groups.cursor == 0


async def test_panes_enter_and_story_view(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("tab")
        assert isinstance(app.focused, StoryList)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, GroupList)
        await pilot.press("l")
        assert isinstance(app.focused, StoryList)
        await pilot.press("h")
        assert isinstance(app.focused, GroupList)
        await pilot.press("right")
        assert isinstance(app.focused, StoryList)
        await pilot.press("left")
        assert isinstance(app.focused, GroupList)
        await pilot.press("enter")
        assert isinstance(app.focused, StoryList)
        story = screen.stories.current
        assert story is not None
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)
        assert story.title[:20] in screen_text(app)
        assert db_row(sample_db, "SELECT read FROM stories WHERE id = ?", story.id)[0] == 1
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("h")
        assert isinstance(app.screen, MainScreen)
        # l in the stories pane reads the story, as Enter (vi and ranger users' way in; it did
        # nothing), and h comes back
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)
        await pilot.press("h")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("escape")
        assert isinstance(app.focused, GroupList)


async def test_story_view_keys(tmp_path: Path) -> None:
    db = make_db(tmp_path / "m.db", stories=80)
    opener = Opener()
    app = make_app(db, opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        while len(screen.stories.rows) < 2:
            await pilot.press("j")
        first, second = screen.stories.rows[:2]
        await pilot.press("l", "enter")
        await settle(pilot)
        story_screen = app.screen
        assert isinstance(story_screen, StoryScreen)
        await pilot.press("o")
        await settle(pilot)
        assert opener.urls == [first.url]
        await pilot.press("s")
        await settle(pilot)
        assert db_row(db, "SELECT starred FROM stories WHERE id = ?", first.id)[0] == int(
            not first.starred
        )
        await pilot.press("m")
        await settle(pilot)
        assert db_row(db, "SELECT read FROM stories WHERE id = ?", first.id)[0] == 0
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert story_screen.story is not None and story_screen.story.id == second.id
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert story_screen.story is not None and story_screen.story.id == first.id
        await pilot.press("left_square_bracket")  # no earlier story: a notice, nothing breaks
        await pilot.press("j", "k", "pagedown", "pageup", "space")
        await pilot.press("backspace")
        assert isinstance(app.screen, MainScreen)


async def test_an_edit_that_arrives_while_the_story_is_open_stays_read(tmp_path: Path) -> None:
    """A cron poll brought an edit (new headline: unread again) of the story being read; the
    view showed the new text and said "unread". The reader has it in front of them: read.
    `m` still marks it unread."""
    db = make_db(tmp_path / "m.db", stories=40)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", "enter")
        await settle(pilot)
        story_screen = app.screen
        assert isinstance(story_screen, StoryScreen) and story_screen.story is not None
        story_id = story_screen.story.id
        await until(
            pilot, lambda: db_row(db, "SELECT read FROM stories WHERE id = ?", story_id)[0] == 1
        )
        other = connect(db)
        with write(other):
            other.execute(
                "UPDATE stories SET title = 'An edited headline', read = 0, is_updated = 1, "
                "updated_at = '2099-01-01T00:00:00Z' WHERE id = ?",
                (story_id,),
            )
        other.close()
        await until(pilot, lambda: "An edited headline" in screen_text(app))
        await until(
            pilot, lambda: db_row(db, "SELECT read FROM stories WHERE id = ?", story_id)[0] == 1
        )
        await pilot.press("m")
        await pilot.pause(0.5)
        await settle(pilot)
        assert db_row(db, "SELECT read FROM stories WHERE id = ?", story_id)[0] == 0


async def test_open_link_only_http(sample_db: Path) -> None:
    opener = Opener()
    app = make_app(sample_db, opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        story = screen.stories.current
        assert story is not None
        with write(app._writer()):
            app._writer().execute("UPDATE stories SET read = 0 WHERE id = ?", (story.id,))
        app.check_database()
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert opener.urls == [story.url]
        # Opened is read, as in newsboat (the story stayed unread).
        assert db_row(sample_db, "SELECT read FROM stories WHERE id = ?", story.id)[0] == 1
        for bad in ["javascript:alert(1)", "file:///etc/passwd", "https://x.example/a b", None]:
            # (a space is sent encoded: "https://x.example/a%20b")
            with write(app._writer()):
                app._writer().execute("UPDATE stories SET url = ? WHERE id = ?", (bad, story.id))
            app.check_database()
            await settle(pilot)
            await pilot.press("o")
            await settle(pilot)
        assert opener.urls == [story.url, "https://x.example/a%20b"]
        assert any("only http and https" in str(n.message) for n in app._notifications)


async def test_a_star_waits_for_a_poll_holding_the_write_lock(sample_db: Path) -> None:
    """A poll groups in batches that hold the write lock for seconds; the star lands after it
    (it failed with "database is locked" once the 10 s busy timeout ran out)."""
    import threading

    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        story = main(app).stories.current
        assert story is not None and not story.starred
        holder = sqlite3.connect(sample_db, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        release = threading.Timer(1.5, lambda: holder.execute("COMMIT"))
        release.start()
        try:
            await pilot.press("s")
            await until(
                pilot,
                lambda: (
                    db_row(sample_db, "SELECT starred FROM stories WHERE id = ?", story.id)[0] == 1
                ),
            )
        finally:
            release.join()
            holder.close()


async def test_a_database_that_fails_to_read_rows_is_reported_not_a_crash(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def damaged(*args: object) -> list[q.GroupRow]:
            raise sqlite3.DatabaseError("database disk image is malformed")

        groups = main(app).groups
        assert groups.source is not None
        groups.source.pages.clear()
        monkeypatch.setattr(groups.source.query, "page_after", damaged)
        monkeypatch.setattr(groups.source.query, "page_before", damaged)
        monkeypatch.setattr(groups.source.query, "page_at", damaged)
        groups.refresh()
        await pilot.press("j", "j")
        await settle(pilot)
        assert app.is_running
        assert any("malformed" in str(n.message) for n in app._notifications)


async def test_star_read_and_group_read(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await first_group(pilot)
        group = screen.groups.current
        story = screen.stories.current
        assert group is not None and story is not None
        await pilot.press("s")
        await settle(pilot)
        assert db_row(sample_db, "SELECT starred FROM stories WHERE id = ?", story.id)[0] == 1
        assert screen.stories.current is not None and screen.stories.current.starred
        await pilot.press("s", "m")
        await settle(pilot)
        assert db_row(sample_db, "SELECT starred, read FROM stories WHERE id = ?", story.id)[:] == (
            0,
            int(not story.read),
        )
        await pilot.press("M")
        await settle(pilot)
        unread = db_row(
            sample_db,
            "SELECT COUNT(*) FROM stories WHERE group_id = ? AND NOT read",
            group.group_id,
        )[0]
        assert unread == 0
        assert db_row(sample_db, "SELECT seen FROM groups WHERE id = ?", group.group_id)[0] == 1
        assert screen.groups.current is not None and screen.groups.current.key == group.key
        assert screen.groups.current.unread == 0


async def test_each_press_of_a_toggle_counts_however_quick(sample_db: Path) -> None:
    """`s s` or `m m` in one burst (auto-repeat, a double tap) toggled once: the second press
    read the state from a screen not yet refreshed and repeated the first."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await first_group(pilot)
        story = screen.stories.current
        assert story is not None
        sql = "SELECT starred, read FROM stories WHERE id = ?"
        before = tuple(db_row(sample_db, sql, story.id))
        await pilot.press("s", "s", "s", "m", "m")
        await settle(pilot)
        assert tuple(db_row(sample_db, sql, story.id)) == (int(not before[0]), before[1])
        await pilot.press("enter", "enter")  # the story view: read now
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen) and app.screen.story is not None
        assert app.screen.story.id == story.id
        await pilot.press("s", "s", "m", "m", "m")
        await settle(pilot)
        assert tuple(db_row(sample_db, sql, story.id)) == (int(not before[0]), 0)


async def test_group_is_marked_seen_after_a_moment_but_new_claims_stay_marked(
    sample_db: Path,
) -> None:
    conn = connect(sample_db)
    rows = q.GroupQuery(conn, q.Filters(), NOW).page_after(None, 100)
    conn.close()
    target = next(i for i, row in enumerate(rows) if row.new_claims and not row.seen)
    app = make_app(sample_db, seen_delay=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        for _ in range(target):
            await pilot.press("j")
        group = screen.groups.current
        assert group is not None and group.key == rows[target].key
        new_before = [c.id for c in screen.detail.claims if c.new]
        assert new_before
        await until(
            pilot,
            lambda: (
                db_row(sample_db, "SELECT seen FROM groups WHERE id = ?", group.group_id)[0] == 1
            ),
        )
        await until(pilot, lambda: bool(screen.groups.current and screen.groups.current.seen))
        assert [c.id for c in screen.detail.claims if c.new] == new_before
        assert "NEW" in screen_text(app)
        # News while it is open (a cron poll): only that is new now; the claims seen before
        # came back marked NEW next to it.
        other = connect(sample_db)
        with write(other):
            fresh = other.execute(
                "INSERT INTO claims (group_id, key, text, first_seen) "
                "VALUES (?, 'fresh', 'A fresh claim arrives', '2099-01-01T00:00:00Z')",
                (group.group_id,),
            ).lastrowid
            other.execute(
                "UPDATE groups SET new_claims = 1, seen = 0, last_seen = '2099-01-01T00:00:00Z' "
                "WHERE id = ?",
                (group.group_id,),
            )
        other.close()
        await until(pilot, lambda: any(c.id == fresh for c in screen.detail.claims))
        assert [c.id for c in screen.detail.claims if c.new] == [fresh]


async def test_the_group_under_the_cursor_at_launch_waits_for_the_reader(
    sample_db: Path,
) -> None:
    """Opening the monitor marks nothing seen: the top group keeps its unseen mark and its
    new claims until the reader presses a key (then it is seen after the usual moment)."""
    conn = connect(sample_db)
    with write(conn):
        conn.execute("UPDATE groups SET seen = 0")
    top = q.GroupQuery(conn, q.Filters(), NOW).page_after(None, 1)[0]
    conn.close()
    app = make_app(sample_db, seen_delay=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert main(app).groups.current is not None
        assert main(app).groups.current.key == top.key
        await pilot.pause(0.3)
        await settle(pilot)
        assert db_row(sample_db, "SELECT seen FROM groups WHERE id = ?", top.group_id)[0] == 0
        await pilot.press("tab")
        await until(
            pilot,
            lambda: db_row(sample_db, "SELECT seen FROM groups WHERE id = ?", top.group_id)[0] == 1,
        )


async def test_a_group_under_the_help_or_the_tag_picker_is_not_seen(sample_db: Path) -> None:
    """Pressing ? on the top group took its "N new" away while the reader read the help."""
    conn = connect(sample_db)
    with write(conn):
        conn.execute("UPDATE groups SET seen = 0")
    top = q.GroupQuery(conn, q.Filters(), NOW).page_after(None, 1)[0]
    conn.close()
    app = make_app(sample_db, seen_delay=0.05)

    def seen() -> int:
        return int(db_row(sample_db, "SELECT seen FROM groups WHERE id = ?", top.group_id)[0])

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("question_mark", "t", "f"):
            await pilot.press(key)
            await pilot.pause(0.3)
            await settle(pilot)
            assert seen() == 0, key
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("tab")  # back on the list: the usual moment, then seen
        await until(pilot, lambda: seen() == 1)


async def test_live_search_marks_nothing_seen_until_the_reader_leaves_the_box(
    sample_db: Path,
) -> None:
    """Groups that live search put under the cursor lost their "N new" to a pause in typing."""
    conn = connect(sample_db)
    with write(conn):
        conn.execute("UPDATE groups SET seen = 0")
    conn.close()
    app = make_app(sample_db, seen_delay=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash")  # a key: the group the cursor was on is seen as usual
        await pilot.pause(0.3)
        seen_before = db_row(sample_db, "SELECT COUNT(*) FROM groups WHERE seen = 1")[0]
        await pilot.press(*"behemoth")  # its top result is not the group the cursor was on
        await until(pilot, lambda: screen.filters.search == "behemoth")
        await pilot.pause(0.3)
        await settle(pilot)
        assert db_row(sample_db, "SELECT COUNT(*) FROM groups WHERE seen = 1")[0] == seen_before
        await pilot.press("enter")  # to the results: the one under the cursor is being read
        group = screen.groups.current
        assert group is not None and group.group_id is not None
        await until(
            pilot,
            lambda: (
                db_row(sample_db, "SELECT seen FROM groups WHERE id = ?", group.group_id)[0] == 1
            ),
        )


async def test_the_chosen_theme_is_remembered(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme != "textual-light"
        app.theme = "textual-light"
        await until(
            pilot,
            lambda: db_row(sample_db, "SELECT value FROM state WHERE key = 'ui_theme'") is not None,
        )
    again = make_app(sample_db)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "textual-light"


async def test_filters_by_key(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        conn = connect(sample_db)

        def expected(filters: q.Filters) -> int:
            return q.GroupQuery(conn, filters, NOW).count()

        await pilot.press("u")
        assert screen.filters.unread and screen.groups.row_count == expected(q.Filters(unread=True))
        assert "unread" in screen_text(app)
        await pilot.press("u", "asterisk")
        assert screen.filters.starred
        assert screen.groups.row_count == expected(q.Filters(starred=True))
        await pilot.press("asterisk", "w")
        assert screen.filters.window_hours == 24
        assert "last 24h" in screen_text(app)
        await pilot.press("w", "w", "w", "w")
        assert screen.filters.window_hours is None
        tags = [t.tag for t in screen.tags]
        await pilot.press("1")
        assert screen.filters.tag == tags[0]
        assert screen.groups.row_count == expected(q.Filters(tag=tags[0]))
        assert f"tag {tags[0]}" in screen_text(app)
        await pilot.press("1")
        assert screen.filters.tag is None
        await pilot.press("2")
        assert screen.filters.tag == tags[1]
        await pilot.press("0")
        assert screen.filters.tag is None
        await pilot.press("9")  # no ninth tag: a notice
        assert screen.filters.tag is None
        await pilot.press("u", "w", "x")
        assert screen.filters == q.Filters()
        conn.close()


async def test_tag_picker(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("t")
        assert isinstance(app.screen, TagPicker)
        text = screen_text(app)
        assert "llama" in text and ("▁" in text or "█" in text)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert screen.filters.tag == screen.tags[1].tag
        await pilot.press("t", "k", "k", "enter")
        await settle(pilot)
        assert screen.filters.tag is None
        await pilot.press("t", "escape")
        assert isinstance(app.screen, MainScreen) and screen.filters.tag is None


async def test_search_is_live(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        total = screen.groups.row_count
        await pilot.press("slash")
        assert app.focused is not None and app.focused.id == "search"
        await pilot.press(*"behem")
        await until(pilot, lambda: screen.filters.search == "behem")
        conn = connect(sample_db)
        expected = q.GroupQuery(conn, q.Filters(search="behem"), NOW).count()
        conn.close()
        assert 0 < screen.groups.row_count == expected < total
        assert 'search "behem"' in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.focused, GroupList)
        await pilot.press("escape")
        assert screen.filters.search == "" and screen.groups.row_count == total


async def test_help_lists_every_key(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=(120, 80)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for _title, bindings in help_sections():
            for keys, description in help_rows(bindings):
                assert description in text, description
                assert keys in text, keys
        await pilot.press("G")
        await pilot.pause()
        end = screen_text(app)
        for mark, _meaning in MARKS:  # and every mark (the story view's FIRST was missing)
            assert mark in text or mark in end, mark
        assert "FIRST" in end
        await pilot.press("j", "k")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("question_mark", "question_mark")
        assert isinstance(app.screen, MainScreen)

    short = make_app(sample_db)
    async with short.run_test(size=(80, 20)) as pilot:  # too short for it all: g and G move
        await settle(pilot)
        await pilot.press("question_mark", "G")
        await pilot.pause()
        box = short.screen.query_one("#help-box")
        assert box.scroll_y > 0 and box.scroll_y == box.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert box.scroll_y == 0
        await pilot.press("escape")
        assert isinstance(short.screen, MainScreen)


async def test_feeds_screen(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        screen = app.screen
        assert isinstance(screen, FeedsScreen)
        feeds = screen.query_one(FeedList)
        assert feeds.row_count == 12
        assert "503" in screen_text(app)  # the failing feed sorts first and shows its error
        await pilot.press("j", "G", "g")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("f", "backspace")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("f", "f")
        assert isinstance(app.screen, MainScreen)


@pytest.mark.parametrize("size", [(50, 18), (40, 15), (60, 14)])
async def test_the_feeds_header_has_the_columns_its_rows_have(
    sample_db: Path, size: tuple[int, int]
) -> None:
    """On a short screen the list scrolls, and the header was laid out for the width the
    scrollbar takes from the rows: NEXT over the feed names."""
    app = make_app(sample_db)
    async with app.run_test(size=size) as pilot:
        feeds = await feeds_screen(pilot)
        width = feeds.scrollable_content_region.width
        assert width < feeds.content_region.width  # it scrolls
        header = str(app.screen.query_one("#feeds-header", Static).render())
        columns = feed_columns(width)
        assert ("UNREAD" in header) == ("unread" in columns)
        assert ("NEXT" in header) == ("next" in columns)
        name_starts = len(feeds.render_row(feeds.rows[0], width).plain) - columns["name"]
        assert header.index("FEED") == name_starts + 1  # after the name column's space


async def test_a_feed_fetched_with_a_malformed_body_says_warn(sample_db: Path) -> None:
    """It said ok in the list; the warning showed only with the cursor on it."""
    db_write(
        sample_db,
        "UPDATE feeds SET parse_warning = 'malformed feed, 2 entries recovered: cut off' "
        "WHERE id = (SELECT max(id) FROM feeds WHERE status = 'ok')",
    )
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        feeds = await feeds_screen(pilot)
        statuses = [feeds.render_row(row, 100).plain[:7].strip() for row in feeds.rows]
        assert statuses.count("warn") == 1 and "ok" in statuses


async def test_m_on_the_feeds_screen_marks_the_feed_read_and_z_undoes_it(
    sample_db: Path,
) -> None:
    """Miniflux marks one feed read; the feeds screen had no way to."""
    app = make_app(sample_db)

    def unread(feed: str) -> int:
        return int(
            db_row(
                sample_db,
                "SELECT COUNT(DISTINCT s.id) FROM stories s JOIN story_sources src "
                "ON src.story_id = s.id JOIN feeds f ON f.id = src.feed_id "
                "WHERE f.config_url = ? AND NOT s.read",
                feed,
            )[0]
        )

    async with app.run_test(size=SIZE) as pilot:
        feeds = await feeds_screen(pilot)
        while feeds.get_row(feeds.cursor)["unread"] == 0:  # type: ignore[index]
            await pilot.press("j")
        url = feeds.get_row(feeds.cursor)["url"]  # type: ignore[index]
        before = unread(url)
        assert before > 0
        await pilot.press("M")
        await until(pilot, lambda: unread(url) == 0)
        await until(pilot, lambda: app._undo is not None)
        await pilot.press("z")
        await until(pilot, lambda: unread(url) == before)


async def test_enter_on_a_feed_lists_the_groups_with_its_stories(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        total = screen.groups.row_count
        await pilot.press("j", "f", "j")  # the second feed (the first, failing, has none)
        feeds = app.screen.query_one(FeedList)
        row = feeds.get_row(feeds.cursor)
        assert row is not None
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.groups.has_focus

        conn = connect(sample_db)
        found = q.feed_source(conn, row["url"])
        assert found is not None
        feed_id, name = found
        query = q.GroupQuery(conn, q.Filters(feed=feed_id), NOW)
        newest = query.page_after(None, 1)[0]
        assert screen.filters.feed == feed_id
        assert 0 < screen.groups.row_count == query.count() < total
        assert screen.groups.cursor == 0 and screen.groups.current == newest  # a feed opens at top
        assert f"feed {name}" in screen_text(app).splitlines()[0]
        stories = screen.stories.rows
        assert stories[0].in_feed and stories[0].source == name
        assert [s.in_feed for s in stories] == sorted((s.in_feed for s in stories), reverse=True)

        await pilot.press("u")  # combines with the other filters
        assert screen.filters.feed == feed_id and screen.filters.unread
        both = q.GroupQuery(conn, q.Filters(feed=feed_id, unread=True), NOW).count()
        assert screen.groups.row_count == both
        conn.close()
        await pilot.press("x")
        assert screen.filters == q.Filters() and screen.groups.row_count == total
        assert "all groups" in screen_text(app)
        assert not any(s.in_feed for s in screen.stories.rows)

        # `l` too, from over the story view; the failing feed has no story: the list says so.
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)
        await pilot.press("f", "l")
        await settle(pilot)
        assert app.screen is screen and screen.groups.row_count == 0
        assert screen.filters.feed is not None
        assert "No group matches the filter" in screen_text(app)
        await pilot.press("x")
        assert screen.groups.row_count == total


async def test_command_palette_offers_every_action(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        commands = {c.title: c for c in app.get_system_commands(screen)}
        actions = {action for _t, _h, action in _commands(screen)}
        for binding in MainScreen.BINDINGS:
            assert not isinstance(binding, tuple)
            name = getattr(binding, "action", "")
            if name.startswith(("tag(", "focus_", "escape")):
                continue
            assert name in actions, name
        for app_binding in ("app.poll_now", "app.feeds", "app.help"):
            assert app_binding in actions
        assert "Quit" in commands and "Filter by tag: llama" in commands
        assert "Keys" not in commands  # Textual's key panel: ours is "Help: all keys"
        # Back to the groups only from the stories pane (it did nothing from the groups).
        assert "Back to the groups" not in commands
        await pilot.press("l")
        assert "Back to the groups" in {c.title for c in app.get_system_commands(screen)}
        await pilot.press("h")
        for title in ("Toggle unread only", "Filter by tag: llama"):
            result = commands[title].callback()
            if inspect.isawaitable(result):
                await result
            await pilot.pause()
        assert screen.filters.unread
        assert screen.filters.tag == "llama"
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"
        await pilot.press(*"clear filt", "enter")
        await settle(pilot)
        assert screen.filters == q.Filters()


async def test_the_palette_has_one_help_entry(sample_db: Path) -> None:
    """It listed both "Help" and "Keys", each described as every key."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(main(app))]
        helps = [t for t in titles if "help" in t.casefold() or "keys" in t.casefold()]
        assert helps == ["Help: all keys"]
        for query in ("help", "keys"):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*query)
            await until(pilot, lambda: "Help: all keys" in screen_text(app))
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")


async def screenshot_notice(pilot: Pilot[Any], app: MonitorApp) -> Any:
    """Take a screenshot through the palette's command; its notification."""
    command = next(c for c in app.get_system_commands(app.screen) if c.title == "Screenshot")
    command.callback()
    await until(pilot, lambda: any(n.title == "Screenshot" for n in app._notifications))
    return next(n for n in app._notifications if n.title == "Screenshot")


async def test_a_screenshot_goes_where_it_can_and_says_where(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no Downloads folder Textual said only "Failed to save screenshot"."""
    from monitor.tui import app as app_module

    monkeypatch.setattr(app_module, "user_downloads_path", lambda: tmp_path / "Downloads")
    started_in = tmp_path / "[b]here"
    started_in.mkdir()
    monkeypatch.chdir(started_in)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notice = await screenshot_notice(pilot, app)
        saved = list(started_in.glob("monitor-*.svg"))
        assert len(saved) == 1 and "<svg" in saved[0].read_text()
        assert notice.message == f"Screenshot saved to {saved[0]}"
        assert notice.severity == "information" and not notice.markup


async def test_a_screenshot_that_cannot_be_saved_says_where_and_why(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.tui import app as app_module

    target = tmp_path / "[red]gone"
    monkeypatch.setattr(app_module, "screenshot_dir", lambda: target)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notice = await screenshot_notice(pilot, app)
        assert notice.severity == "error" and not notice.markup
        message = str(notice.message)
        assert message.startswith(f"Could not save the screenshot to {target}/monitor-")
        assert message.endswith(".svg: No such file or directory")


async def test_screenshots_go_to_downloads_else_the_current_else_the_home_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.tui import app as app_module

    downloads = tmp_path / "Downloads"
    monkeypatch.setattr(app_module, "user_downloads_path", lambda: downloads)
    monkeypatch.chdir(tmp_path)
    assert app_module.screenshot_dir() == tmp_path
    downloads.mkdir()
    assert app_module.screenshot_dir() == downloads
    downloads.rmdir()

    def deleted() -> Path:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(Path, "cwd", deleted)
    assert app_module.screenshot_dir() == Path.home()


async def test_quit_returns_ok(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
    assert app.return_code == 0


async def test_empty_database(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    connect(db).close()
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Nothing here yet" in text and "Not polled yet" in text
        await pilot.press("j", "o", "s", "m", "M", "enter", "u", "t")
        await settle(pilot)
        await pilot.press("escape", "f")
        assert "No feeds configured" in screen_text(app)


async def test_empty_database_after_every_feed_failed(tmp_path: Path) -> None:
    db = tmp_path / "offline.db"
    conn = connect(db)
    with write(conn):
        conn.execute(
            "INSERT INTO feeds (config_url, url, title, tags, status, error_count, last_error) "
            "VALUES ('https://a.example/f', 'https://a.example/f', 'A', '[]', 'error', 1, "
            "'could not connect')"
        )
        conn.execute("INSERT INTO state (key, value) VALUES ('last_poll', '2026-01-01T00:00:00Z')")
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "no feed could be fetched. Press f to see why" in screen_text(app)


# --- found by trying the UI as a new user ---------------------------------------------------


async def test_ages_and_the_status_line_move_on_without_database_changes(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row drawn at start said "now" forever: ages were cached with the row, and nothing
    re-rendered the status line or the header until the database changed."""
    monkeypatch.setattr(main_module, "TIME_TICK", 0.05)
    now = [NOW]
    app = make_app(sample_db, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        row = screen.groups.current
        assert row is not None
        assert age(row.activity, NOW) in screen.groups.render_line(0).text
        now[0] = NOW + timedelta(days=30)
        later = age(row.activity, now[0])
        assert later.endswith("w")
        await until(pilot, lambda: later in screen.groups.render_line(0).text)
        await until(pilot, lambda: "latest " + ago(row.activity, now[0]) in screen_text(app))
        assert app.read_conn is not None
        last = q.poll_state(app.read_conn).last_poll
        await until(pilot, lambda: f"({ago(last, now[0])})" in screen_text(app))


async def test_the_status_line_says_what_a_poll_before_the_ui_added(sample_db: Path) -> None:
    """After `monitor poll` stored stories, a UI opened next said "+0 new" (its own start-up
    poll had nothing due and took the place of the one that fetched)."""
    db_write(
        sample_db,
        "INSERT INTO state (key, value) VALUES ('last_poll_new', '7'), "
        "('last_poll_updated', '2') ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "+7 new, 2 updated" in screen_text(app)
        app.check_database()
        await settle(pilot)
        assert "+7 new, 2 updated" in screen_text(app)


async def test_tag_picker_number_keys_pick_the_numbered_tag(sample_db: Path) -> None:
    """The picker shows a number before each tag; pressing it did nothing."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("t")
        assert isinstance(app.screen, TagPicker)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert screen.filters.tag == screen.tags[1].tag
        await pilot.press("t", "0")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and screen.filters.tag is None
        assert len(screen.tags) < 9
        await pilot.press("t", "9")  # no such tag: a notice, the picker stays
        await pilot.pause()
        assert isinstance(app.screen, TagPicker)
        assert any("no tag 9" in str(n.message) for n in app._notifications)


async def test_back_from_the_story_view_the_cursor_is_on_the_story_read_last(
    tmp_path: Path,
) -> None:
    db = make_db(tmp_path / "m.db", stories=80)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        while len(screen.stories.rows) < 3:
            await pilot.press("j")
        await pilot.press("l", "enter")
        await settle(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        story = app.screen
        assert isinstance(story, StoryScreen) and story.story is not None
        read_last = story.story.id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert screen.stories.cursor == 2
        assert screen.stories.current is not None and screen.stories.current.id == read_last


def test_one_wording_is_listed_once() -> None:
    """One sentence with two figures is two claims in the core; the pane showed it twice."""
    text = "Meta will pay $15 billion for a 49% stake in Scale AI."
    claims = [
        q.ClaimRow(1, text, "2025-06-20T11:00:00Z", False, 3, "Wire", new=False, figure="49%"),
        q.ClaimRow(
            2, text, "2025-06-20T11:00:00Z", True, 2, "Wire", new=True, figure="$15 billion"
        ),
        q.ClaimRow(3, "Alexandr Wang will join Meta.", "2025-06-20T11:00:00Z", False, 1, None),
    ]
    merged = merge_claims(claims)
    assert [c.text for c in merged] == [text, "Alexandr Wang will join Meta."]
    assert merged[0].new and merged[0].conflicting and merged[0].appearances == 3
    # The line says which of its figures is disputed (it read as both).
    assert merged[0].figure == "$15 billion"
    item = q.GroupRow(
        key=1, group_id=1, story_id=None, title="t", activity="2025-06-20T11:00:00Z",
        first_seen="2025-06-20T11:00:00Z", story_count=2, source_count=2, tags=(),
        new_claims=1, claim_count=3, seen=False, unread=1, starred=False,
    )  # fmt: skip
    assert claims_text(item, merged, NOW).plain.count(text) == 1

    appearance = q.ClaimAppearance(1, text, text, is_new=False, conflicting=False)
    detail = q.StoryDetail(
        id=1, title="t", url=None, summary=text, author=None, published=None,
        first_seen="2025-06-20T11:00:00Z", updated_at=None, read=True, starred=False,
        updated=False, group_id=1, source="Wire", seen_in=("Wire",), tags=(),
        claims=(appearance, q.ClaimAppearance(2, text, text, is_new=True, conflicting=False)),
    )  # fmt: skip
    claims_part = story_content(detail)[3].plain
    assert claims_part.count(text) == 1 and claims_part.startswith("FIRST")


def test_group_header_keeps_its_tags_in_sight() -> None:
    """A long title and the facts wrapped over the header's four lines and hid the tag chips."""
    item = q.GroupRow(
        key=1, group_id=1, story_id=None,
        title="Meta agrees to pay $14.3 billion for a 49% stake in Scale AI, the data-labelling "
        "startup, and hires its founder to lead a new superintelligence lab",
        activity="2025-06-20T11:59:00Z", first_seen="2025-06-20T07:00:00Z", story_count=3,
        source_count=3, tags=("meta_ai", "press", "talent"), new_claims=0, claim_count=3,
        seen=False, unread=1, starred=False,
    )  # fmt: skip
    for width, title_lines in ((50, 2), (76, 1), (30, 2)):
        lines = group_header(item, NOW, width, title_lines).plain.split("\n")
        assert len(lines) == title_lines + 2, lines
        assert all(len(line) <= width for line in lines[:-1]), lines
        assert lines[-1].strip().startswith("meta_ai")
        assert "new activity" in lines[-2] or width < 60
    assert "No group matches the filter" in group_header(None, NOW, filtered=True).plain
    assert "Press r to poll" in group_header(None, NOW).plain


async def test_tag_chips_are_whole_topic_tags_first(tmp_path: Path) -> None:
    """Chips were cut to "pr…" or "commun… …"; feed tags (press) crowded out topic tags; topic
    tags came alphabetically, so `talent` hid behind "+4". They follow the topics' order."""
    db = make_db(tmp_path / "m.db", stories=40)
    settings = settings_from_data(
        {"feeds": [{"url": "https://x.example/feed", "tags": ["press", "community"]}]}, "test"
    )
    app = make_app(db, settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        groups = main(app).groups
        row = groups.current
        assert row is not None
        row = replace(row, tags=("community", "llama", "meta_ai", "press", "talent"))
        for width in (76, 90, 116):  # narrower rows have no chip column (TITLE_ROOM)
            text = groups.render_row(row, width).plain
            chips = text.split("  ")
            assert "talent" in text and "+" in text, text
            assert not any(chip.strip().endswith("…") and len(chip.strip()) < 6 for chip in chips)
            assert text.index("talent") < text.index("+")
            assert "llama" not in text or text.index("talent") < text.index("llama")
            assert "community" not in text or text.index("meta_ai") < text.index("community")


async def test_empty_filter_result_says_so(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzqqxx", "enter")
        await until(pilot, lambda: main(app).groups.row_count == 0)
        await pilot.pause()
        text = screen_text(app)
        assert "No group matches the filter" in text and "Press r to poll" not in text


async def test_an_open_group_on_a_small_screen_gives_its_claims_the_lists_room(
    sample_db: Path,
) -> None:
    """At 80×24 the claims pane had two lines under a list of seven rows."""
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        listed = screen.groups.size.height
        await pilot.press("l")
        await settle(pilot)
        claims = screen.query_one("#claims-box").size.height
        assert screen.groups.size.height < listed and claims >= 4  # it had two lines
        await pilot.press("q")
        await settle(pilot)
        assert screen.groups.size.height == listed and isinstance(app.screen, MainScreen)


async def test_filter_bar_tag_hints_are_never_cut_mid_tag(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        bar = screen_text(app).splitlines()[0].rstrip()
        assert "tags:" in bar
        hints = bar.split("tags:")[1].split("  ")
        names = {info.tag for info in screen.tags}
        for hint in filter(None, (h.strip() for h in hints)):
            assert hint == "…" or hint.split(" ", 1)[1] in names, bar


async def test_tag_picker_moves_with_g_and_shift_g_like_the_lists(sample_db: Path) -> None:
    """G in the picker did nothing (help lists End/G for lists): Enter then cleared the filter."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("t", "G", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert screen.filters.tag == screen.tags[-1].tag
        await pilot.press("t", "G", "g", "enter")
        await settle(pilot)
        assert screen.filters.tag is None


async def test_the_claims_pane_scrolls_with_the_list_keys(sample_db: Path) -> None:
    """Tab reached the claims pane, but j, k and G did nothing there; only PgDn scrolled."""
    conn = connect(sample_db)
    most = conn.execute(
        "SELECT group_id FROM claims GROUP BY group_id ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()[0]
    conn.close()
    app = make_app(sample_db)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.groups.source is not None
        rows = screen.groups.source.query.page_after(None, 100)
        screen.groups.cursor = next(i for i, row in enumerate(rows) if row.group_id == most)
        await settle(pilot)
        assert screen.detail.item is not None and screen.detail.item.group_id == most
        box = screen.query_one("#claims-box")
        box.focus()
        await pilot.pause()
        assert box.max_scroll_y > 0
        await pilot.press("G")
        await until(pilot, lambda: box.scroll_y == box.max_scroll_y)
        await pilot.press("g")
        await until(pilot, lambda: box.scroll_y == 0)
        await pilot.press("j")
        await until(pilot, lambda: box.scroll_y == 1)


async def test_a_capped_story_or_claim_list_says_so(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group of 643 stories listed its latest 500 under "500 · 80 unread", as if that were
    all of them (claims the same, at 200)."""
    import monitor.tui.main as main_module

    stories, claims = main_module.group_stories, main_module.group_claims
    monkeypatch.setattr(main_module, "group_stories", lambda c, i, **k: stories(c, i, 1, **k))
    monkeypatch.setattr(main_module, "group_claims", lambda c, i: claims(c, i, 1))
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        while (screen.groups.current is None or screen.groups.current.story_count < 2
               or screen.groups.current.claim_count < 2):  # fmt: skip
            await pilot.press("j")
        await settle(pilot)
        group = screen.groups.current
        assert screen.stories.border_subtitle.startswith(f"latest 1 of {group.story_count}")
        box = screen.query_one("#claims-box")
        assert str(box.border_subtitle).startswith(f"1 (newest of {group.claim_count})")


@pytest.mark.parametrize(
    ("keys", "lands_on"),
    [
        (["question_mark", "f"], FeedsScreen),
        (["question_mark", "escape", "t", "f"], FeedsScreen),
        (["t", "question_mark"], HelpScreen),
        (["question_mark", "Q"], None),
        (["t", "Q"], None),
        # As in newsboat and mutt, q goes back a level (it quit the whole UI from the story a
        # reader was in); Q quits from anywhere.
        (["enter", "enter", "q"], MainScreen),
        (["enter", "q"], MainScreen),  # from the stories pane to the groups (newsboat)
        (["enter", "q", "q"], None),
        (["enter", "tab", "q"], MainScreen),  # from the claims pane too (it quit the app)
        (["enter", "tab", "q", "q"], None),
        (["f", "q"], MainScreen),
        (["question_mark", "q"], MainScreen),
        (["t", "q"], MainScreen),
        (["enter", "enter", "Q"], None),
        (["f", "Q"], None),
    ],
)
async def test_keys_listed_as_everywhere_work_over_the_help_and_the_tag_picker(
    sample_db: Path, keys: list[str], lands_on: type | None
) -> None:
    """Q, r and f did nothing while the help or the tag picker was open (a modal screen hides
    the app's keys), though the help lists them under "Everywhere"."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if lands_on is None:
            assert app.return_code == 0
        else:
            assert app.return_code is None
            assert isinstance(app.screen, lands_on)


def test_the_feeds_list_keeps_the_name_on_a_narrow_screen() -> None:
    """Below about 50 columns the name wrapped out of its row: blank names, or no column."""
    from monitor.tui.feeds import MIN_NAME, feed_columns, feeds_header

    for width in range(20, 140):
        columns = feed_columns(width)
        fixed = 15 + sum(columns.get(c, 0) for c in ("unread", "last_ok", "next"))
        assert fixed + columns["name"] == max(width, fixed + 1)
        assert columns["name"] >= MIN_NAME or "unread" not in columns
        assert feeds_header(width).cell_length <= max(width, 20)
    assert set(feed_columns(120)) == {"unread", "last_ok", "next", "name"}
    assert set(feed_columns(40)) == {"unread", "name"}
    assert set(feed_columns(30)) == {"name"}


async def test_a_narrow_question_still_says_which_key_answers(sample_db: Path) -> None:
    """A reader at 40x15 saw the catch-up question without its "y marks · n keeps" (then on
    the border, where Textual leaves out what does not fit): it is part of the box's text."""
    app = make_app(sample_db)
    async with app.run_test(size=(40, 15)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        assert "y marks · n keeps" in screen_text(app)
        await pilot.press("n")


async def test_catch_up_marks_what_the_list_shows_after_a_yes(sample_db: Path) -> None:
    """C asks with the count, n keeps everything; with a tag filter, y marks only the groups
    the filter shows (read and seen), and the rest stay unread."""

    def unread(where: str = "1") -> int:
        return db_row(sample_db, f"SELECT COUNT(*) FROM stories WHERE NOT read AND {where}")[0]

    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = unread()
        assert before > 0
        await pilot.press("C")
        await settle(pilot)
        assert "groups" in screen_text(app) and "read and seen?" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert unread() == before
        await pilot.press("1")  # the first tag
        await settle(pilot)
        tag = main(app).filters.tag
        assert tag
        tagged = f"group_id IN (SELECT s.group_id FROM stories s JOIN story_tags t ON t.story_id = s.id WHERE t.tag = '{tag}')"
        assert unread(tagged) > 0
        await pilot.press("C")
        await settle(pilot)
        assert "that the filter shows" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        await until(pilot, lambda: unread(tagged) == 0)
        assert 0 < unread() < before
        assert (
            db_row(
                sample_db,
                f"SELECT COUNT(*) FROM groups WHERE NOT seen AND id IN (SELECT group_id FROM stories WHERE {tagged})",
            )[0]
            == 0
        )


async def test_z_undoes_the_last_catch_up_and_all_read(sample_db: Path) -> None:
    """Feedly offers Undo after mark-all-read; here a C over the whole list could not be taken
    back. z puts the stories and the groups' marks back as they were, once."""

    def state() -> list[tuple[int, int]]:
        return [
            tuple(r) for r in rows_of(sample_db, "SELECT id, read FROM stories ORDER BY id")
        ] + [
            tuple(r)
            for r in rows_of(
                sample_db, "SELECT id, seen * 1000 + new_claims FROM groups ORDER BY id"
            )
        ]

    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = state()
        await pilot.press("C")
        await settle(pilot)
        await pilot.press("y")
        await until(
            pilot, lambda: db_row(sample_db, "SELECT COUNT(*) FROM stories WHERE NOT read")[0] == 0
        )
        await until(pilot, lambda: app._undo is not None)
        assert any("z undoes" in str(n.message) for n in app._notifications)
        await pilot.press("z")
        await until(pilot, lambda: state() == before)
        await pilot.press("z")  # once: nothing left to undo
        await settle(pilot)
        assert any("Nothing to undo" in str(n.message) for n in app._notifications)
        group = main(app).groups.current
        assert group is not None and group.group_id is not None
        await pilot.press("M")
        await until(
            pilot,
            lambda: (
                db_row(
                    sample_db,
                    "SELECT COUNT(*) FROM stories WHERE group_id = ? AND NOT read",
                    group.group_id,
                )[0]
                == 0
            ),
        )
        await until(pilot, lambda: app._undo is not None)
        await pilot.press("z")
        await until(pilot, lambda: state() == before)


@pytest.mark.parametrize("width", [60, 80])
async def test_a_narrow_filter_bar_still_names_every_filter(sample_db: Path, width: int) -> None:
    """With a long tag name, the sparkline pushed "last 24h", the count and "(x clears)" off
    an 80-column bar, and "unread" too at 60: a shorter list with no reason shown."""
    long_tag = "a-rather-long-tag-name-for-this-desk"
    db_write(sample_db, "UPDATE story_tags SET tag = ? WHERE tag = 'talent'", long_tag)
    app = make_app(sample_db)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.filters = replace(screen.filters, tag=long_tag, unread=True, window_hours=24)
        screen.update_filterbar()
        await settle(pilot)
        bar = screen_text(app).splitlines()[0]
        for phrase in ("tag a-rath", "unread", "last 24h", "groups", "(x clears)"):
            assert phrase in bar, bar
        # Every filter at once: each still named, if only by its start.
        screen.filters = replace(screen.filters, starred=True, search="glider depot")
        screen.update_filterbar()
        await settle(pilot)
        bar = screen_text(app).splitlines()[0]
        for phrase in ("tag", "unread", "starred", "last", "search"):
            assert phrase in bar, bar


async def test_the_filter_bar_hint_follows_the_focus_out_of_the_search_box(
    sample_db: Path,
) -> None:
    """After the search box closed, the bar still said "(Esc clears)": Esc cleared nothing."""
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "slash", "z", "z")
        await until(pilot, lambda: "(Esc clears)" in screen_text(app))  # live search applied
        await pilot.press("escape")
        await settle(pilot)
        assert "(x clears)" in screen_text(app) and "(Esc clears)" not in screen_text(app)


async def test_n_and_p_go_to_the_next_and_previous_unread_story(tmp_path: Path) -> None:
    """newsboat's n and p: the next unread story, in the next group with one when the open
    group has none; from the story view too (it opens that story)."""
    db = make_db(tmp_path / "m.db", stories=80)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        # The unread stories: one in the 3rd group of the list and two in the 5th.
        items = listed(screen, 6)
        third = q.group_stories(app.read_conn, items[2])
        fifth = q.group_stories(app.read_conn, items[4])
        assert len(fifth) >= 2
        unread = [third[0].id, fifth[0].id, fifth[1].id]
        with write(app._writer()):
            app._writer().execute("UPDATE stories SET read = 1")
            app._writer().executemany(
                "UPDATE stories SET read = 0 WHERE id = ?", [(i,) for i in unread]
            )
        app.check_database()
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert screen.groups.cursor == 2 and screen.stories.current.id == unread[0]  # type: ignore[union-attr]
        await pilot.press("n")
        await settle(pilot)
        assert screen.groups.cursor == 4 and screen.stories.current.id == unread[1]  # type: ignore[union-attr]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)
        await pilot.press("n")  # the next unread story of the group
        await settle(pilot)
        assert app.screen.story is not None and app.screen.story.id == unread[2]
        await pilot.press("p")  # the previous one was read meanwhile: back to the 3rd group
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)
        assert app.screen.story is not None and app.screen.story.id == unread[0]
        await pilot.press("n")  # everything read now: the view stays, and says so
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen) and app.screen.story.id == unread[0]  # type: ignore[union-attr]
        assert any("No unread story left" in str(n.message) for n in app._notifications)


async def test_n_goes_on_from_the_top_when_nothing_unread_is_further_down(
    tmp_path: Path,
) -> None:
    """Reading the last groups, n said "No more unread stories" though the top group had
    three: newsboat's next-unread carries on from the top."""
    db = make_db(tmp_path / "m.db", stories=80)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        first = screen.groups.get_row(0)
        assert first is not None
        top = q.group_stories(app.read_conn, first)[0]
        with write(app._writer()):
            app._writer().execute("UPDATE stories SET read = 1")
            app._writer().execute("UPDATE stories SET read = 0 WHERE id = ?", (top.id,))
        app.check_database()
        await settle(pilot)
        await pilot.press("G")  # the last group
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert screen.groups.cursor == 0 and screen.stories.current.id == top.id  # type: ignore[union-attr]
        assert any("from the top" in str(n.message) for n in app._notifications)


async def test_the_tag_picker_promises_sparklines_only_when_it_shows_them(
    sample_db: Path,
) -> None:
    """Under 70 columns the picker said "stories per day, last 14 days" over lines without
    their sparklines."""
    for width, shown in ((100, True), (60, False)):
        app = make_app(sample_db)
        async with app.run_test(size=(width, 30)) as pilot:
            await settle(pilot)
            await pilot.press("t")
            await settle(pilot)
            assert ("stories per day" in screen_text(app)) is shown, width
