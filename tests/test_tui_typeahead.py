"""Keys typed ahead: several keys arriving in one read of the terminal, as from a fast typist
or `tmux send-keys Enter Enter`, each act as if typed one by one.

Pilot's `press` waits for the app to go idle after every key, which hides these bugs; `type_ahead`
queues all the keys first, the way the terminal driver does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from monitor import queries as q
from monitor.db import connect
from monitor.tui.app import MonitorApp
from monitor.tui.detail import StoryList
from monitor.tui.grouplist import GroupList
from monitor.tui.main import MainScreen
from monitor.tui.story import StoryScreen
from tests.test_tui_app import NOW, SIZE, Opener, db_row, main, make_app, make_db, settle

pytestmark = pytest.mark.anyio

KEY_NAMES = {"/": "slash", "[": "left_square_bracket", "]": "right_square_bracket"}
CHARACTERS = {"enter": "\r", "escape": "\x1b", "backspace": "\x7f"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "m.db", stories=160, seed=11)


def type_ahead(app: MonitorApp, *keys: str) -> None:
    """Queue `keys` (characters, or "enter", "escape", "backspace") without waiting between
    them."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        if key in CHARACTERS:
            event = events.Key(key, CHARACTERS[key])
        else:
            event = events.Key(KEY_NAMES.get(key, key), key)
        event.set_sender(app)
        driver.send_message(event)


def group_stories(db: Path, index: int) -> list[q.StoryRow]:
    """The stories of the `index`-th group of the unfiltered list."""
    conn = connect(db)
    try:
        group = q.GroupQuery(conn, q.Filters(), NOW).page_after(None, index + 1)[index]
        return q.group_stories(conn, group)
    finally:
        conn.close()


def reading(app: MonitorApp) -> int | None:
    screen = app.screen
    if not isinstance(screen, StoryScreen) or screen.story is None:
        return None
    return screen.story.id


@pytest.mark.parametrize(
    ("keys", "group", "story"),
    [
        (("enter", "enter"), 0, 0),
        (("l", "enter"), 0, 0),
        (("j", "j", "enter", "enter"), 2, 0),
        (("j", "l", "j", "enter"), 1, 1),
        (("j", "enter", "enter", "]"), 1, 1),
    ],
)
async def test_keys_typed_ahead_open_the_story_meant(
    db: Path, keys: tuple[str, ...], group: int, story: int
) -> None:
    """The second Enter of `Enter Enter` came before the stories pane had the focus (and after
    `j`, before the moved-to group's stories were shown) and was lost."""
    expected = group_stories(db, group)
    assert len(expected) > story
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        type_ahead(app, *keys)
        await settle(pilot)
        assert reading(app) == expected[story].id
        await pilot.press("escape")
        assert main(app).groups.cursor == group


async def test_a_link_opened_right_after_enter_is_the_story_meant(db: Path) -> None:
    first = group_stories(db, 1)[0]
    opener = Opener()
    app = make_app(db, opener=opener)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        type_ahead(app, "j", "enter", "o")
        await settle(pilot)
        assert isinstance(app.focused, StoryList)
        type_ahead(app, "enter", "o", "s")
        await settle(pilot)
        assert reading(app) == first.id
        assert opener.urls == [first.url, first.url]
        assert db_row(db, "SELECT starred FROM stories WHERE id = ?", first.id)[0] == int(
            not first.starred
        )


async def test_keys_after_escape_act_on_the_groups(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert isinstance(app.focused, StoryList)
        type_ahead(app, "escape", "j", "enter", "enter")
        await settle(pilot)
        assert reading(app) == group_stories(db, 1)[0].id


async def test_a_search_typed_ahead_keeps_every_letter(db: Path) -> None:
    """`/llama` typed fast sent the letters to the groups list (`l` moved to the stories)."""
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        type_ahead(app, "/", *"llama", "enter", "j")
        await settle(pilot)
        assert screen.filters.search == "llama"
        assert isinstance(app.focused, GroupList)
        assert screen.groups.cursor == 1
        type_ahead(app, "/", *"scale", "backspace", "backspace", "enter")
        await settle(pilot)
        assert screen.filters.search == "sca"  # the old search replaced; one letter a Backspace


async def test_a_command_typed_ahead_into_the_palette(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        type_ahead(app, *"feeds", "enter")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "FeedsScreen"
        assert isinstance(app.screen_stack[0], MainScreen)


@pytest.mark.parametrize("after", ["f", "t", "?"])
async def test_keys_typed_behind_q_do_not_crash_the_exit(db: Path, after: str) -> None:
    """`q f` opened the feeds screen while the app was closing: its widgets were gone, and the
    exit was a traceback with status 1."""
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        type_ahead(app, "q", after, after)
        await pilot.pause(0.3)
    assert app.return_code == 0
