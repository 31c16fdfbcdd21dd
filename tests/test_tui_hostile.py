"""Hostile feed text is shown literally and never drives the app or the terminal.

The strings go straight into the database (as an older version or another tool might have
stored them), and also arrive through a real poll of a loopback feed. Markup must appear as
typed, `[@click=…]` must not run an action when clicked, and no escape, control or bidi
character may reach a rendered line.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.config import settings_from_data
from monitor.db import connect, write
from monitor.tui.feeds import FeedsScreen
from monitor.tui.help import HelpScreen
from monitor.tui.main import MainScreen
from monitor.tui.story import StoryScreen
from monitor.tui.tags import TagPicker
from tests.feedserver import FeedServer, Route, rss
from tests.test_tui_app import NOW, main, make_app, make_db, screen_text, settle, until

pytestmark = pytest.mark.anyio

CLICK = "[@click=app.quit]Click me[/]"
BOLD = "[b]bold[/b] and [/] closing"
LINK = "[link=https://evil.example]a link[/link]"
OSC_TITLE = "\x1b]0;pwned-title\x07"
OSC_CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"
BIDI = "\u202e"
CSI = "\x1b[31m"
FORBIDDEN = ["\x1b", "\x07", "\x9b", "\x9d", BIDI, "\u2066", "\x00", "\r"]

TITLE = f"{CLICK} {OSC_TITLE}{BOLD}{CSI}"
SUMMARY = f"{LINK} {OSC_CLIPBOARD}summary with {BIDI}reversed{CSI} text and {CLICK}"


def hostile_db(path: Path) -> Path:
    make_db(path, stories=20)
    conn = connect(path)
    when = (NOW + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with write(conn):
        conn.execute(
            "UPDATE feeds SET title = ?, last_error = ?, status = 'error' WHERE id = 1",
            (f"{CLICK}{OSC_TITLE}Evil feed", f"{BOLD} {OSC_CLIPBOARD}error {LINK}"),
        )
        cursor = conn.execute(
            "INSERT INTO groups (title, first_seen, last_seen, story_count, source_count, tags, "
            "claim_count, new_claims, seen) VALUES (?, ?, ?, 1, 1, ?, 1, 1, 0)",
            (TITLE, when, when, json.dumps([f"[b]{OSC_TITLE}tag"])),
        )
        group_id = cursor.lastrowid
        cursor = conn.execute(
            "INSERT INTO stories (feed_id, url, title, summary, first_seen, content_hash, "
            "group_id, author) VALUES (1, ?, ?, ?, ?, 'h', ?, ?)",
            (
                "javascript:alert(1)",
                TITLE,
                SUMMARY,
                when,
                group_id,
                f"{CLICK}author",
            ),
        )
        story_id = cursor.lastrowid
        conn.execute(
            "INSERT INTO story_sources (feed_id, key, story_id, first_seen) VALUES (1, 'x', ?, ?)",
            (story_id, when),
        )
        conn.execute(
            "INSERT INTO story_tags (story_id, tag, rule, matched) VALUES (?, ?, ?, ?)",
            (story_id, f"[b]{OSC_TITLE}tag", f"{CLICK}rule", json.dumps([LINK, CSI + "w"])),
        )
        cursor = conn.execute(
            "INSERT INTO claims (group_id, key, text, first_story_id, first_seen, conflicting) "
            "VALUES (?, 'k', ?, ?, ?, 1)",
            (group_id, f"{CLICK} claim {OSC_CLIPBOARD}", story_id, when),
        )
        conn.execute(
            "INSERT INTO claim_appearances (claim_id, story_id, text, is_new, conflicting) "
            "VALUES (?, ?, ?, 1, 1)",
            (cursor.lastrowid, story_id, CLICK),
        )
    conn.close()
    return path


def assert_clean(text: str) -> None:
    for char in FORBIDDEN:
        assert char not in text, repr(char)


async def test_hostile_text_is_literal_everywhere(tmp_path: Path) -> None:
    db = hostile_db(tmp_path / "m.db")
    app = make_app(db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.groups.current is not None and screen.groups.current.title.startswith(CLICK)
        text = screen_text(app)
        assert_clean(text)
        assert CLICK in text and "[b]bold[/b]" in text
        assert "[b]tag" in text  # the chip, literally

        # clicking on "[@click=app.quit]" in the list and in the detail header runs nothing
        region = screen.groups.region
        await pilot.click(offset=(region.x + 12, region.y + 1))
        await pilot.click("#detail-head", offset=(3, 0))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, MainScreen)

        await pilot.press("l", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)
        text = screen_text(app)
        assert_clean(text)
        for literal in (CLICK, "[b]bold[/b] and [/] closing", LINK, "reversed text", "[b]tag"):
            assert literal in text, text
        assert "not http/https: not opened" in text
        await pilot.press("o")
        await settle(pilot)
        assert app.opener.urls == []  # type: ignore[attr-defined]
        await pilot.click("#story-head", offset=(3, 0))
        await pilot.click("#story-body", offset=(3, 0))
        await pilot.pause()
        assert app.is_running

        await pilot.press("escape", "f")
        assert isinstance(app.screen, FeedsScreen)
        text = screen_text(app)
        assert_clean(text)
        assert "[@click=app.quit]Click me[/]Evil feed" in text, text
        assert "[b]bold[/b] and [/] closing" in text, text

        await pilot.press("enter")  # the evil feed's groups: its name in the filter bar
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and main(app).groups.row_count
        text = screen_text(app)
        assert_clean(text)
        assert "feed [@click=app.quit]Click me[/]Evil feed" in text.splitlines()[0], text
        await pilot.click("#filterbar", offset=(20, 0))
        await pilot.pause()
        assert app.is_running

        await pilot.press("x", "t")
        assert isinstance(app.screen, TagPicker)
        assert_clean(screen_text(app))
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "slash", *"[/]", "enter")
        await settle(pilot)
        assert_clean(screen_text(app))
        assert app.is_running


async def test_hostile_feed_through_a_real_poll(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/evil.xml"] = Route(
        body=rss(
            [
                {
                    "title": "[@click=app.quit]Quit now[/] &#x1b;]0;owned&#x07; [b]x[/]",
                    "link": "https://evil.example/1",
                    "guid": "evil-1",
                    "description": "&lt;p&gt;[link=https://evil.example]go[/link] \u202ebidi&lt;/p&gt;",
                }
            ],
            title="[red]Evil[/red] desk",
        )
    )
    settings = settings_from_data(
        {"feeds": [{"url": server.url("/evil.xml")}], "poll": {"parse_workers": 0}}, "test"
    )
    db = tmp_path / "m.db"
    connect(db).close()
    app = make_app(db, settings=settings)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await until(pilot, lambda: main(app).groups.row_count == 1)
        await pilot.pause()
        text = screen_text(app)
        assert_clean(text)
        assert "[@click=app.quit]Quit now[/]" in text and "[b]x[/]" in text
        region = main(app).groups.region
        await pilot.click(offset=(region.x + 14, region.y + 1))
        await pilot.press("l", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert_clean(text)
        assert "[link=https://evil.example]go[/link]" in text and "[red]Evil[/red] desk" in text
        assert app.is_running
