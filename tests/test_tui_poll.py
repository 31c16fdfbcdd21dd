"""The in-app poller against a real loopback feed server: r, the background schedule, the
status line, a poll lock held by cron, failing feeds."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.pilot import Pilot
from textual.widgets import Static

from monitor.config import load_settings, settings_from_data
from monitor.db import connect
from monitor.poller import _PollLock, run_poll
from monitor.tui.app import LOCKED_RETRY, MonitorApp
from tests.feedserver import FeedServer, Route, drip, rss
from tests.test_tui_app import SIZE, main, make_app, screen_text, settle, stories_listed, until

pytestmark = pytest.mark.anyio


def feed_items(prefix: str, n: int) -> bytes:
    return rss(
        [
            {
                "title": f"{prefix} story {i} on Llama",
                "link": f"https://desk.example/{prefix}/{i}",
                "guid": f"{prefix}-{i}",
                "description": f"Body {i}.",
            }
            for i in range(n)
        ],
        title=f"{prefix} desk",
    )


def app_for(
    server: FeedServer, db: Path, paths: list[str], *, poll: bool, **poll_settings: object
) -> MonitorApp:
    settings = settings_from_data(
        {
            "feeds": [{"url": server.url(p), "title": p.strip("/")} for p in paths],
            "poll": {"parse_workers": 0, **poll_settings},
        },
        "test",
    )
    connect(db).close()
    return make_app(db, poll=poll, settings=settings)


async def test_r_polls_now_and_the_status_line_says_so(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/a.xml"] = Route(body=feed_items("a", 4))
    server.routes["/broken.xml"] = Route(status=500, body=b"oops")
    app = app_for(server, tmp_path / "m.db", ["/a.xml", "/broken.xml"], poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        assert "auto-poll off" in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        await until(pilot, lambda: not app.poll_status.running)
        await until(pilot, lambda: stories_listed(screen.groups) == 4)
        await until(pilot, lambda: "+4 new" in screen_text(app))
        assert app.poll_status.last_result is not None
        assert app.poll_status.last_result.new_stories == 4
        text = screen_text(app)
        # One failure: the status line says which feed and why, once (it said "1 failing feed"
        # and "failed: broken.xml" side by side, and the reason only on the feeds screen).
        assert "+4 new" in text and "failed (f): broken.xml: HTTP 500 Internal Server" in text
        assert "1 failing feed" not in text
        assert app.poll_status.next_at is None  # --no-poll: nothing scheduled
        assert server.hits["/a.xml"] == 1


async def test_several_failing_feeds_are_counted(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/a.xml"] = Route(body=feed_items("a", 1))
    server.routes["/b.xml"] = Route(status=500, body=b"oops")
    server.routes["/c.xml"] = Route(status=404, body=b"nope")
    app = app_for(server, tmp_path / "m.db", ["/a.xml", "/b.xml", "/c.xml"], poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        # The poller stores each feed as it goes: the count can show before the poll's end.
        # Named in the order the fetches ended, which a busy machine may swap.
        await until(
            pilot,
            lambda: any(
                f"failed: {names}" in screen_text(app) for names in ("b.xml, c.xml", "c.xml, b.xml")
            ),
        )
        # The count comes from the database, reloaded just after the poll's message.
        await until(pilot, lambda: "2 failing feeds (f)" in screen_text(app))


async def test_background_poll_runs_at_start_and_is_rearmed(
    tmp_path: Path, server: FeedServer
) -> None:
    server.routes["/a.xml"] = Route(body=feed_items("bg", 2))
    app = app_for(server, tmp_path / "m.db", ["/a.xml"], poll=True)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.poll_status.last_result is not None)
        await until(pilot, lambda: not app.poll_status.running)
        await until(pilot, lambda: stories_listed(main(app).groups) == 2)
        assert app.poll_status.next_at is not None
        await until(pilot, lambda: "next" in screen_text(app))


async def test_polls_never_overlap(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/slow.xml"] = drip(0.2)
    app = app_for(server, tmp_path / "m.db", ["/slow.xml"], poll=False, feed_deadline=1.5)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await until(pilot, lambda: app.poll_status.running)
        await until(pilot, lambda: "Polling" in screen_text(app))
        await pilot.press("r", "r", "r")
        await pilot.pause()
        # Once, however often r is pressed: five toasts covered half the screen.
        assert [str(n.message) for n in app._notifications].count("A poll is already running.") == 1
        assert len([w for w in app.workers if w.group == "poll"]) == 1
        await settle(pilot)
        await until(pilot, lambda: not app.poll_status.running)
        assert server.hits["/slow.xml"] == 1


async def test_a_poll_lock_held_by_cron_is_reported_and_retried(
    tmp_path: Path, server: FeedServer
) -> None:
    server.routes["/a.xml"] = Route(body=feed_items("a", 1))
    db = tmp_path / "m.db"
    app = app_for(server, db, ["/a.xml"], poll=True)
    with _PollLock(db):
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "another poll is running" in app.poll_status.message)
            await until(pilot, lambda: not app.poll_status.running)
            assert app.poll_status.next_at is not None
            assert app._poll_timer is not None
            await until(pilot, lambda: "another poll is running" in screen_text(app))
            assert server.hits["/a.xml"] == 0
            assert LOCKED_RETRY >= 30


async def test_with_auto_poll_off_an_r_that_met_a_lock_is_retried(
    tmp_path: Path, server: FeedServer
) -> None:
    """With --no-poll the status line said "will retry" and never did; after the other poll
    ended the message stayed. Now the retry is armed, and the other poll's end settles it."""
    server.routes["/a.xml"] = Route(body=feed_items("a", 1))
    db = tmp_path / "m.db"
    app = app_for(server, db, ["/a.xml"], poll=False)
    lock = _PollLock(db)
    lock.__enter__()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("r")
            await until(pilot, lambda: "another poll is running" in screen_text(app))
            assert app._poll_timer is not None and app.poll_status.next_at is not None
            lock.__exit__(None, None, None)
            await asyncio.to_thread(run_poll, app.settings, db)  # the other poll ends
            await until(pilot, lambda: "another poll is running" not in screen_text(app))
            assert app._poll_timer is None and app.poll_status.next_at is None
            assert server.hits["/a.xml"] == 1
    finally:
        lock.__exit__(None, None, None)


async def test_after_a_cron_poll_the_next_poll_is_when_feeds_are_due(
    tmp_path: Path, server: FeedServer
) -> None:
    server.routes["/a.xml"] = Route(body=feed_items("a", 1))
    db = tmp_path / "m.db"
    app = app_for(server, db, ["/a.xml"], poll=True, interval_minutes=45)
    lock = _PollLock(db)
    lock.__enter__()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: "another poll is running" in screen_text(app))
            lock.__exit__(None, None, None)
            retry_at = app.poll_status.next_at
            assert retry_at is not None
            # Cron's poll: every feed is fetched, and due again in 45 minutes.
            await asyncio.to_thread(run_poll, app.settings, db)
            await until(pilot, lambda: app.poll_status.next_at != retry_at)
            next_at = app.poll_status.next_at
            assert next_at is not None and next_at - retry_at > timedelta(minutes=30)
            await until(pilot, lambda: "another poll is running" not in screen_text(app))
            assert server.hits["/a.xml"] == 1
    finally:
        lock.__exit__(None, None, None)


async def test_at_80_columns_the_failing_feed_is_named(tmp_path: Path, server: FeedServer) -> None:
    """At 80 columns the line ended in "failed (f):" with the feed's name cut off; the poll time
    is shortened instead."""
    server.routes["/a.xml"] = Route(body=feed_items("a", 2))
    server.routes["/broken.xml"] = Route(status=500, body=b"oops")
    app = app_for(server, tmp_path / "m.db", ["/a.xml", "/broken.xml"], poll=False)

    def status() -> str:
        return screen_text(app).splitlines()[-2]

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await until(pilot, lambda: "failed (f): broken.xml" in status())
        assert status().lstrip().startswith("Polled ") and "+2 new" in status()
    app = app_for(server, tmp_path / "m.db", ["/a.xml", "/broken.xml"], poll=False)
    async with app.run_test(size=(160, 24)) as pilot:
        await settle(pilot)
        assert status().lstrip().startswith("Last poll ")


async def test_a_long_unbreakable_feed_name_is_cut_not_wrapped_away(
    tmp_path: Path, server: FeedServer
) -> None:
    """A feed known only by a long URL wrapped onto a hidden second line of the one-line status
    bar, leaving "failed (f):" with nothing after it; it is cut with an ellipsis instead."""
    long_path = "/" + "very-long-feed-path-" * 4 + "broken.xml"
    server.routes["/a.xml"] = Route(body=feed_items("a", 1))
    server.routes[long_path] = Route(status=500, body=b"oops")
    app = app_for(server, tmp_path / "m.db", ["/a.xml", long_path], poll=False)

    def status() -> str:
        return screen_text(app).splitlines()[-2]

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await until(pilot, lambda: "failed (f): " in status())
        assert "failed (f): very-long-feed" in status()
        assert status().rstrip().endswith("…")


async def poll_fetching(pilot: Pilot[Any], server: FeedServer, path: str, times: int = 1) -> None:
    """Press r and wait until the poll has fetched `path` (`times` in all) and ended."""
    app = pilot.app
    assert isinstance(app, MonitorApp)
    await pilot.press("r")
    await until(pilot, lambda: server.hits[path] == times and not app.poll_status.running)


def app_on_file(server: FeedServer, tmp_path: Path, paths: list[str], **more: object) -> MonitorApp:
    """An app started on a feeds.yaml file (not on settings built in the test), as `monitor`
    runs: the file can then change under it."""
    config = tmp_path / "feeds.yaml"
    write_feeds_yaml(config, server, paths, **more)
    connect(tmp_path / "m.db").close()
    return MonitorApp(
        load_settings(config), config, tmp_path / "m.db", poll=False, check_interval=0.05
    )


def write_feeds_yaml(config: Path, server: FeedServer, paths: list[str], **more: object) -> None:
    data: dict[str, object] = {
        "feeds": [{"url": server.url(p)} for p in paths],
        "poll": {"parse_workers": 0},
        **more,
    }
    config.write_text(yaml.safe_dump(data), encoding="utf-8")


async def test_the_open_ui_polls_feeds_yaml_as_it_is_now(
    tmp_path: Path, server: FeedServer
) -> None:
    """It polled with the file read at start: a feed added since was switched off again at each
    of its polls, and a removed one back on."""
    server.routes["/a.xml"] = Route(body=feed_items("a", 2))
    server.routes["/b.xml"] = Route(body=feed_items("b", 3))
    app = app_on_file(server, tmp_path, ["/a.xml"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await poll_fetching(pilot, server, "/a.xml")
        write_feeds_yaml(tmp_path / "feeds.yaml", server, ["/b.xml"])
        await poll_fetching(pilot, server, "/b.xml")
        await until(pilot, lambda: stories_listed(main(app).groups) == 5)
        assert server.hits["/a.xml"] == 1
        assert [feed.url for feed in app.settings.feeds] == [server.url("/b.xml")]
        conn = connect(tmp_path / "m.db")
        active = dict(conn.execute("SELECT config_url, active FROM feeds").fetchall())
        conn.close()
        assert active == {server.url("/a.xml"): 0, server.url("/b.xml"): 1}

        (tmp_path / "feeds.yaml").write_text("feeds:\n  - url: [\n", encoding="utf-8")
        await pilot.press("r")
        await until(pilot, lambda: "not polled, fix the config" in screen_text(app))
        assert "invalid YAML" in app.poll_status.message, app.poll_status.message
        status = str(main(app).query_one("#status", Static).render())
        assert status.startswith("not polled, fix the config: feeds.yaml: invalid YAML"), status
        assert server.hits["/b.xml"] == 1
        write_feeds_yaml(tmp_path / "feeds.yaml", server, ["/b.xml"])
        # Fixed: the status line says so at once (it waited for the next poll, 30 min on).
        await until(pilot, lambda: "fix the config" not in screen_text(app))
        await pilot.press("r")
        await until(pilot, lambda: server.hits["/b.xml"] == 2)


async def test_the_open_ui_says_it_will_not_poll_another_databases_feed_list(
    tmp_path: Path, server: FeedServer
) -> None:
    """Opened with a feeds.yaml that lists none of the database's feeds, the UI's poll was
    refused (as `monitor poll` refuses it), and the status line showed no reason: the check
    "is the config fixed?" found the file valid and took the message away."""
    for name in ("a", "b", "c", "other"):
        server.routes[f"/{name}.xml"] = Route(body=feed_items(name, 1))
    app = app_on_file(server, tmp_path, ["/a.xml", "/b.xml", "/c.xml"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await poll_fetching(pilot, server, "/c.xml")
        write_feeds_yaml(tmp_path / "feeds.yaml", server, ["/other.xml"])
        await pilot.press("r")
        await until(pilot, lambda: "lists none of the 3 feeds" in app.poll_status.message)
        await pilot.pause(0.3)  # several database checks later, it still says why
        assert "lists none of the 3 feeds" in app.poll_status.message
        assert "--replace-feeds" in app.poll_status.message
        assert server.hits["/other.xml"] == 0
        write_feeds_yaml(tmp_path / "feeds.yaml", server, ["/a.xml", "/other.xml"])
        await until(pilot, lambda: "fix the config" not in app.poll_status.message)


async def test_a_poll_by_the_open_ui_runs_the_notify_command(
    tmp_path: Path, server: FeedServer
) -> None:
    """Only `monitor poll` ran it, and a story the UI fetched first is not new to cron: it was
    never announced."""
    server.routes["/a.xml"] = Route(body=feed_items("a", 0))
    out = tmp_path / "notified.json"
    write = f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())"
    app = app_on_file(
        server, tmp_path, ["/a.xml"], notify={"command": [sys.executable, "-c", write]}
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")  # (the feed's first fetch: its backlog is never announced)
        await until(pilot, lambda: server.hits["/a.xml"] == 1 and not app.poll_status.running)
        server.routes["/a.xml"] = Route(body=feed_items("a", 2))
        await pilot.press("r")
        await until(pilot, lambda: out.exists() and not app.poll_status.running)
    digest = json.loads(out.read_text(encoding="utf-8"))
    assert sum(group["story_count"] for group in digest["new_groups"]) == 2


async def test_the_feeds_screen_subscribes_and_unsubscribes(
    tmp_path: Path, server: FeedServer
) -> None:
    """a: the address of a web page; the feed it names is added to feeds.yaml and polled at
    once, so it shows in the list. d, y: it leaves feeds.yaml and the list. A page naming no
    feed says so and changes nothing."""
    from textual.widgets import Input

    from monitor.tui.dialogs import AddFeedDialog
    from monitor.tui.feeds import FeedList, FeedsScreen

    server.routes["/a.xml"] = Route(body=feed_items("a", 2))
    server.routes["/a2.xml"] = Route(body=feed_items("a2", 2))
    server.routes["/site/"] = Route(
        body=b'<html><head><link rel="alternate" type="application/rss+xml" href="news.xml">'
        b"</head><body>A site</body></html>",
        content_type="text/html",
    )
    server.routes["/site/news.xml"] = Route(body=feed_items("site", 3))
    server.routes["/empty/"] = Route(body=b"<html>nothing</html>", content_type="text/html")
    app = app_on_file(server, tmp_path, ["/a.xml"])
    config = tmp_path / "feeds.yaml"
    said: list[str] = []
    notify = app.notify

    def recorded(message: str, **options: Any) -> None:
        said.append(message)
        notify(message, **options)

    app.notify = recorded  # type: ignore[method-assign]

    def listed() -> list[str]:
        return [row["url"] for row in app.screen.query_one(FeedList).rows]

    async def subscribe(address: str) -> None:
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one(Input).value = address
        await pilot.press("enter")
        await settle(pilot)
        await until(pilot, lambda: not app.poll_status.running)

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FeedsScreen)
        await subscribe(server.url("/site/"))
        added = server.url("/site/news.xml")
        assert [f.url for f in load_settings(config).feeds][-1] == added
        await until(pilot, lambda: added in listed())
        await until(pilot, lambda: "Subscribed to site desk." in said)
        before = config.read_text()
        await subscribe(added)
        await until(pilot, lambda: any("in feeds.yaml already" in line for line in said))
        await subscribe(server.url("/empty/"))
        await until(pilot, lambda: any("names no feed" in line for line in said))
        assert config.read_text() == before
        # asked again with the address as typed, to correct it
        await until(pilot, lambda: isinstance(app.screen, AddFeedDialog))
        assert app.screen.query_one(Input).value == server.url("/empty/")
        await pilot.press("escape")
        await pilot.pause()
        app.screen.query_one(FeedList).cursor = listed().index(added)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        await until(pilot, lambda: not app.poll_status.running)
        assert [f.url for f in load_settings(config).feeds] == [server.url("/a.xml")]
        await until(pilot, lambda: added not in listed())
        # Tags and a title after the address, as in newsboat's urls file (only the address
        # could be given)
        await subscribe(server.url("/a2.xml") + ' harbour ai-desk "~Quay desk"')
        entry = load_settings(config).feeds[-1]
        assert (entry.url, entry.title, entry.tags) == (
            server.url("/a2.xml"),
            "Quay desk",
            ["harbour", "ai-desk"],
        )
