"""Live refresh: another connection (or a cron `monitor poll` process) writes, the UI follows
within its data_version check, keeping the cursor and the open group."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.db import connect, write
from monitor.tui.messages import DatabaseChanged, PollStateChanged
from tests.feedserver import FeedServer, Route, rss
from tests.test_tui_app import (
    NOW,
    SIZE,
    main,
    make_app,
    make_db,
    screen_text,
    settle,
    stories_listed,
    until,
)

pytestmark = pytest.mark.anyio


def stamp(minutes: int) -> str:
    return (NOW + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_another_connection_writes_and_the_ui_follows(tmp_path: Path) -> None:
    db = make_db(tmp_path / "m.db", stories=200)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        while screen.groups.current is None or screen.groups.current.is_lone:
            await pilot.press("j")
        await pilot.press("j")
        while screen.groups.current is None or screen.groups.current.is_lone:
            await pilot.press("j")
        opened = screen.groups.current
        assert opened is not None and opened.group_id is not None
        index, count = screen.groups.cursor, screen.groups.row_count

        other = connect(db)
        with write(other):
            other.execute(
                "INSERT INTO stories (feed_id, url, title, first_seen, content_hash) "
                "VALUES (1, 'https://news.example/new', 'Breaking: a brand new story', ?, 'x')",
                (stamp(1),),
            )
        await until(pilot, lambda: screen.groups.row_count == count + 1)
        await pilot.pause()
        assert screen.groups.cursor == index + 1
        assert screen.groups.current is not None and screen.groups.current.key == opened.key
        assert screen.detail.item is not None and screen.detail.item.key == opened.key
        assert "Breaking: a brand new story" in screen_text(app)

        with write(other):  # a story joins the open group: it moves to the top, cursor follows
            other.execute(
                "UPDATE groups SET last_seen = ?, story_count = story_count + 1 WHERE id = ?",
                (stamp(2), opened.group_id),
            )
            other.execute(
                "UPDATE stories SET group_id = ? WHERE url = 'https://news.example/new'",
                (opened.group_id,),
            )
        await until(pilot, lambda: screen.groups.cursor == 0)
        assert screen.groups.current is not None and screen.groups.current.key == opened.key
        assert screen.groups.row_count == count
        await until(
            pilot,
            lambda: any(s.title == "Breaking: a brand new story" for s in screen.stories.rows),
        )

        with write(other):  # read state written elsewhere shows up too
            other.execute("UPDATE stories SET read = 1 WHERE group_id = ?", (opened.group_id,))
        await until(pilot, lambda: all(s.read for s in screen.stories.rows))
        other.close()


async def test_a_cron_poll_process_is_noticed(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/cron.xml"] = Route(
        body=rss(
            [
                {"title": f"Cron story {i}", "link": f"https://cron.example/{i}", "guid": f"c{i}"}
                for i in range(3)
            ]
        )
    )
    config = tmp_path / "feeds.yaml"
    config.write_text(
        f"feeds:\n  - url: {server.url('/cron.xml')}\npoll:\n  parse_workers: 0\n", encoding="utf-8"
    )
    db = tmp_path / "m.db"
    connect(db).close()
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.groups.row_count == 0
        done = subprocess.run(
            [
                sys.executable, "-c", "from monitor.cli import main; main()",
                "poll", "--config", str(config), "--db", str(db), "-q",
            ],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        await until(pilot, lambda: stories_listed(screen.groups) == 3)
        await pilot.pause()
        assert "Cron story" in screen_text(app)
        # The status line counts what the cron poll added (it said "+0 new", from no poll of
        # its own, or the count of the UI's last poll).
        await until(pilot, lambda: "+3 new" in screen_text(app))
        # A cron poll that only found an edit (a corrected story) said "+0 new" and no more.
        # (Poll times are kept to the second: the next poll must end in a later one.)
        await asyncio.sleep(1.1)
        server.routes["/cron.xml"] = Route(
            body=rss(
                [
                    {
                        "title": f"Cron story {i}" + (" corrected" if i == 0 else ""),
                        "link": f"https://cron.example/{i}",
                        "guid": f"c{i}",
                    }
                    for i in range(3)
                ]
            )
        )
        again = subprocess.run(
            [
                sys.executable, "-c", "from monitor.cli import main; main()",
                "poll", "--all", "--config", str(config), "--db", str(db), "-q",
            ],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert again.returncode == 0, again.stderr
        await until(pilot, lambda: "+0 new, 1 updated" in screen_text(app))


def test_change_messages_coalesce() -> None:
    assert DatabaseChanged().can_replace(DatabaseChanged())
    assert not DatabaseChanged().can_replace(PollStateChanged())
    assert PollStateChanged().can_replace(PollStateChanged())


async def test_a_commit_in_the_middle_of_a_reload_leaves_the_cursor_on_its_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """During a cron poll the cursor jumped to another group on the same screen row (which
    was then marked seen): the count, the cursor's new index and the rows were read in
    separate statements, and the stories committed in between shifted the rows."""
    from monitor import queries as q

    db = make_db(tmp_path / "m.db", stories=200)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("j", "j", "j")
        await settle(pilot)
        before = screen.groups.current
        assert before is not None
        other = connect(db)
        position = q.GroupQuery.position
        committed = []

        def position_then_a_commit(self: q.GroupQuery, key: int) -> tuple[int, int] | None:
            found = position(self, key)
            if not committed:  # a poll stores five stories right now
                with write(other):
                    for n in range(5):
                        other.execute(
                            "INSERT INTO stories (feed_id, url, title, first_seen, "
                            "content_hash) VALUES (1, ?, 'Just in', ?, 'x')",
                            (f"https://news.example/{n}", stamp(5)),
                        )
                committed.append(True)
            return found

        monkeypatch.setattr(q.GroupQuery, "position", position_then_a_commit)
        screen.reload()
        after = screen.groups.current
        assert committed and after is not None and after.key == before.key
        other.close()
