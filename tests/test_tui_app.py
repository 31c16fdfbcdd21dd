"""The UI driven by Pilot: every key on every screen, marks written, filters, search, palette.

Waits are on workers and messages (or a bounded wait for a condition), never fixed sleeps.
Helpers here (`make_db`, `make_app`, `settle`, `until`, `screen_text`) are shared by the other
test_tui_* modules.
"""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from monitor import queries as q
from monitor.config import Settings, settings_from_data
from monitor.db import connect, write
from monitor.tui.app import MonitorApp, _commands, help_sections
from monitor.tui.detail import StoryList
from monitor.tui.feeds import FeedList, FeedsScreen
from monitor.tui.grouplist import GroupList
from monitor.tui.help import HelpScreen, help_rows
from monitor.tui.main import MainScreen
from monitor.tui.sample import fill
from monitor.tui.story import StoryScreen
from monitor.tui.tags import TagPicker

NOW = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)
SIZE = (120, 40)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


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


def make_app(
    db_path: Path,
    *,
    poll: bool = False,
    settings: Settings | None = None,
    opener: Callable[[str], bool] | None = None,
    seen_delay: float = 60.0,
) -> MonitorApp:
    return MonitorApp(
        settings or settings_from_data({"poll": {"parse_workers": 0}}, "test"),
        Path("feeds.yaml"),
        db_path,
        poll=poll,
        clock=lambda: NOW,
        opener=opener or Opener(),
        check_interval=0.05,
        seen_delay=seen_delay,
    )


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and the messages they posted be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


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


async def test_open_link_only_http(sample_db: Path) -> None:
    opener = Opener()
    app = make_app(sample_db, opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        story = screen.stories.current
        assert story is not None
        await pilot.press("o")
        await settle(pilot)
        assert opener.urls == [story.url]
        for bad in ["javascript:alert(1)", "file:///etc/passwd", "https://x.example/a b", None]:
            with write(app._writer()):
                app._writer().execute("UPDATE stories SET url = ? WHERE id = ?", (bad, story.id))
            app.check_database()
            await settle(pilot)
            await pilot.press("o")
            await settle(pilot)
        assert opener.urls == [story.url]
        assert any("only http and https" in str(n.message) for n in app._notifications)


async def test_star_read_and_group_read(sample_db: Path) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        while screen.groups.current is None or screen.groups.current.is_lone:
            await pilot.press("j")
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
        await pilot.press("j", "k")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("question_mark", "question_mark")
        assert isinstance(app.screen, MainScreen)


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
