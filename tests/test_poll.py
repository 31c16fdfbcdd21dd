"""The poller against a real loopback HTTP server: status codes, conditional GET, limits, identity."""

from __future__ import annotations

import gzip
import socket
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.config import Settings, settings_from_data
from monitor.db import connect, write
from monitor.feedstatus import feed_statuses
from monitor.poller import run_poll
from monitor.queries import stories_since, story_detail
from tests.feedserver import FeedServer, Route, drip, rss


def make_settings(urls: list[str], **poll: Any) -> Settings:
    data = {"feeds": [{"url": u} for u in urls], "poll": {"parse_workers": 0, **poll}}
    return settings_from_data(data, "test")


def items(
    n: int, prefix: str = "a", link_base: str = "https://news.example/"
) -> list[dict[str, str]]:
    return [
        {
            "title": f"Story {prefix}{i} about model training budgets",
            "link": f"{link_base}{prefix}{i}?utm_source=feed&utm_medium=rss",
            "guid": f"{prefix}-{i}",
            "description": f"&lt;p&gt;Body text number {i}.&lt;/p&gt;",
            "pubDate": "Tue, 10 Jun 2025 04:00:00 GMT",
        }
        for i in range(n)
    ]


def rows(db: Path, sql: str, *args: Any) -> list[sqlite3.Row]:
    conn = connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def feed_row(db: Path, url: str) -> sqlite3.Row:
    return rows(db, "SELECT * FROM feeds WHERE config_url = ?", url)[0]


def test_cold_then_conditional_get(server: FeedServer, db_path: Path) -> None:
    server.routes["/a.xml"] = Route(body=rss(items(5)), etag='"v1"')
    settings = make_settings([server.url("/a.xml")])
    first = run_poll(settings, db_path)
    assert first.new_stories == 5 and first.exit_code == 0
    second = run_poll(settings, db_path, all_feeds=True)
    assert second.feeds[0].status == "not_modified"
    assert second.new_stories == 0
    assert server.request_headers[-1][1].get("If-None-Match") == '"v1"'
    assert "monitor/" in server.request_headers[-1][1]["User-Agent"]
    stories = rows(db_path, "SELECT url, summary FROM stories ORDER BY id")
    assert stories[0]["url"] == "https://news.example/a0"  # tracking parameters stripped
    assert stories[0]["summary"] == "Body text number 0."


def test_unchanged_body_is_not_reparsed(server: FeedServer, db_path: Path) -> None:
    server.routes["/a.xml"] = Route(body=rss(items(3)))
    settings = make_settings([server.url("/a.xml")])
    run_poll(settings, db_path)
    again = run_poll(settings, db_path, all_feeds=True)
    assert again.feeds[0].status == "unchanged"
    assert again.new_stories == 0


def test_a_shorter_interval_applies_at_once(server: FeedServer, db_path: Path) -> None:
    """poll.interval_minutes 60 → 1: each feed's next check stayed an hour after its last one
    (the feeds table and the UI said so) until it had been fetched once more."""
    server.routes["/a.xml"] = Route(body=rss(items(1)))
    run_poll(make_settings([server.url("/a.xml")], interval_minutes=60), db_path)
    with sqlite3.connect(db_path) as conn:  # two minutes pass
        conn.execute(
            "UPDATE feeds SET last_checked = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-2 minutes'),"
            " next_check = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+58 minutes')"
        )
    assert run_poll(make_settings([server.url("/a.xml")], interval_minutes=60), db_path).feeds == []
    result = run_poll(make_settings([server.url("/a.xml")], interval_minutes=1), db_path)
    assert len(result.feeds) == 1 and server.hits["/a.xml"] == 2
    # A failing feed keeps its backoff.
    server.routes["/a.xml"] = Route(status=500)
    run_poll(make_settings([server.url("/a.xml")], interval_minutes=1), db_path, all_feeds=True)
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "UPDATE feeds SET last_checked = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-2 minutes')"
        )
    assert run_poll(make_settings([server.url("/a.xml")], interval_minutes=1), db_path).feeds == []


def test_only_due_feeds_are_fetched(server: FeedServer, db_path: Path) -> None:
    server.routes["/a.xml"] = Route(body=rss(items(1)))
    settings = make_settings([server.url("/a.xml")])
    run_poll(settings, db_path)
    before = rows(db_path, "SELECT key, value FROM state WHERE key LIKE 'last_poll%' ORDER BY key")
    assert [tuple(r) for r in before][1] == ("last_poll_new", "1")
    result = run_poll(settings, db_path)
    assert result.feeds == [] and result.skipped_not_due == 1
    assert server.hits["/a.xml"] == 1
    # Nothing fetched: the last poll, and what it added, are still the first one's.
    after = rows(db_path, "SELECT key, value FROM state WHERE key LIKE 'last_poll%' ORDER BY key")
    assert [tuple(r) for r in after] == [tuple(r) for r in before]


def test_story_update_keeps_identity(server: FeedServer, db_path: Path) -> None:
    first = items(2)
    server.routes["/a.xml"] = Route(body=rss(first))
    settings = make_settings([server.url("/a.xml")])
    run_poll(settings, db_path)
    changed = [dict(first[0], title="Story a0 with a corrected figure"), first[1]]
    server.routes["/a.xml"] = Route(body=rss(changed))
    result = run_poll(settings, db_path, all_feeds=True)
    assert result.new_stories == 0 and result.updated_stories == 1
    stored = rows(db_path, "SELECT id, title, is_updated FROM stories ORDER BY id")
    assert len(stored) == 2
    assert stored[0]["title"] == "Story a0 with a corrected figure" and stored[0]["is_updated"] == 1


def test_an_edit_makes_a_read_story_unread_only_when_it_says_something_else(
    server: FeedServer, db_path: Path
) -> None:
    """A reworded summary left a read story unread again, as if it had news. Now only a new
    headline, a corrected figure or a new claim does."""
    item = {
        "title": "Harbour Lab buys Quarry Data",
        "link": "https://news.example/quarry",
        "guid": "q-1",
        "description": "Harbour Lab pays $3 billion for Quarry Data.",
        "pubDate": "Tue, 10 Jun 2025 04:00:00 GMT",
    }
    settings = make_settings([server.url("/a.xml")])

    def poll_with(**changes: str) -> int:
        server.routes["/a.xml"] = Route(body=rss([dict(item, **changes)]))
        run_poll(settings, db_path, all_feeds=True)
        (row,) = rows(db_path, "SELECT read, is_updated FROM stories")
        conn = connect(db_path)
        with write(conn):
            conn.execute("UPDATE stories SET read = 1")
        conn.close()
        return int(row["read"])

    assert poll_with() == 0  # new
    reworded = "Harbour Lab pays $3 billion for Quarry Data, a person familiar said."
    assert poll_with(description=reworded) == 1
    corrected = "Harbour Lab pays $3.5 billion for Quarry Data, a person familiar said."
    assert poll_with(description=corrected) == 0
    assert len(rows(db_path, "SELECT 1 FROM claim_corrections")) == 1
    assert poll_with(description=corrected, title="Harbour Lab closes Quarry Data deal") == 0
    assert poll_with(description=corrected, title="Harbour Lab closes Quarry Data deal") == 1


def test_same_link_in_two_feeds_is_one_story(server: FeedServer, db_path: Path) -> None:
    server.routes["/a.xml"] = Route(body=rss(items(3, "x")))
    other = items(3, "x")
    for item in other:
        item["guid"] = "other-" + item["guid"]
        item["link"] = item["link"].replace("utm_source=feed", "fbclid=abc")
    server.routes["/b.xml"] = Route(body=rss(other))
    settings = make_settings([server.url("/a.xml"), server.url("/b.xml")])
    result = run_poll(settings, db_path)
    assert result.new_stories == 3
    assert len(rows(db_path, "SELECT 1 FROM stories")) == 3
    assert len(rows(db_path, "SELECT 1 FROM story_sources")) == 6


def test_items_of_one_feed_sharing_a_link_are_stories_of_their_own(
    server: FeedServer, db_path: Path
) -> None:
    """Three items with their own guids and the site's front page as link were stored as one
    story, and an item added later was dropped as "seen"; anchors of one page the same."""
    front = server.url("/")
    shared = [
        {"title": f"Notice {n}", "guid": f"n-{n}", "link": front, "description": f"Notice {n}."}
        for n in range(3)
    ]
    anchors = [
        {"title": f"Change {n}", "guid": f"c-{n}", "link": server.url(f"/changes#entry-{n}")}
        for n in range(2)
    ]
    server.routes["/a.xml"] = Route(body=rss(shared))
    server.routes["/b.xml"] = Route(body=rss(anchors))
    settings = make_settings([server.url("/a.xml"), server.url("/b.xml")])
    assert run_poll(settings, db_path).new_stories == 5
    shared.append({"title": "Notice 3", "guid": "n-3", "link": front, "description": "Notice 3."})
    server.routes["/a.xml"] = Route(body=rss(shared))
    again = run_poll(settings, db_path, all_feeds=True)
    assert (again.new_stories, again.updated_stories) == (1, 0)
    titles = [r[0] for r in rows(db_path, "SELECT title FROM stories ORDER BY title")]
    assert titles == ["Change 0", "Change 1"] + [f"Notice {n}" for n in range(4)]
    # another feed's one item with that front page as link is not any of those notices
    server.routes["/c.xml"] = Route(body=rss([{"title": "Fair", "guid": "f", "link": front}]))
    settings = make_settings([server.url(p) for p in ("/a.xml", "/b.xml", "/c.xml")])
    assert run_poll(settings, db_path).new_stories == 1


def test_bare_guids_of_two_feeds_in_one_directory_are_two_stories(
    server: FeedServer, db_path: Path
) -> None:
    """ "<guid>1</guid>" without a link became the link ".../feeds/1" for both feeds, so the
    second feed's item was taken for the first's."""
    server.routes["/feeds/a.xml"] = Route(body=rss([{"title": "Choir wins", "guid": "1"}]))
    server.routes["/feeds/b.xml"] = Route(body=rss([{"title": "Parade today", "guid": "1"}]))
    settings = make_settings([server.url("/feeds/a.xml"), server.url("/feeds/b.xml")])
    assert run_poll(settings, db_path).new_stories == 2
    found = rows(db_path, "SELECT title, url FROM stories ORDER BY title")
    assert [(r["title"], r["url"]) for r in found] == [("Choir wins", None), ("Parade today", None)]


def test_a_story_two_feeds_word_differently_is_not_updated_by_either(
    server: FeedServer, db_path: Path
) -> None:
    """Each feed's version is compared with that feed's own last one: a new item in either
    feed (which makes its body change) does not flip the shared story to the other wording."""
    first = items(2, "x")
    second = [
        dict(item, guid="b-" + item["guid"], title=item["title"] + ", reworded") for item in first
    ]
    server.routes["/a.xml"] = Route(body=rss(first))
    server.routes["/b.xml"] = Route(body=rss(second))
    settings = make_settings([server.url("/a.xml"), server.url("/b.xml")])
    assert run_poll(settings, db_path).new_stories == 2
    titles = [r["title"] for r in rows(db_path, "SELECT title FROM stories ORDER BY id")]
    for round_ in range(3):
        server.routes["/a.xml"] = Route(body=rss(first + items(1, f"a{round_}")))
        server.routes["/b.xml"] = Route(body=rss(second + items(1, f"b{round_}")))
        result = run_poll(settings, db_path, all_feeds=True)
        assert (result.new_stories, result.updated_stories) == (2, 0)
    assert [r["title"] for r in rows(db_path, "SELECT title FROM stories ORDER BY id")][
        :2
    ] == titles
    # A real change in one feed's own text is still an update.
    first[0] = dict(first[0], title="Story x0 about model training budgets, corrected")
    server.routes["/a.xml"] = Route(body=rss(first))
    assert run_poll(settings, db_path, all_feeds=True).updated_stories == 1


def test_permanent_redirect_is_remembered(server: FeedServer, db_path: Path) -> None:
    server.routes["/new.xml"] = Route(body=rss(items(2)))
    server.routes["/old.xml"] = Route(status=301, headers={"Location": "/new.xml"})
    settings = make_settings([server.url("/old.xml")])
    result = run_poll(settings, db_path)
    assert result.feeds[0].moved_to == server.url("/new.xml")
    assert result.new_stories == 2 and result.exit_code == 0
    assert feed_row(db_path, server.url("/old.xml"))["url"] == server.url("/new.xml")
    run_poll(settings, db_path, all_feeds=True)
    assert server.hits["/old.xml"] == 1 and server.hits["/new.xml"] == 2


def test_temporary_redirect_is_not_remembered(server: FeedServer, db_path: Path) -> None:
    server.routes["/new.xml"] = Route(body=rss(items(1)))
    server.routes["/old.xml"] = Route(status=302, headers={"Location": "/new.xml"})
    settings = make_settings([server.url("/old.xml")])
    result = run_poll(settings, db_path)
    assert result.feeds[0].moved_to is None and result.new_stories == 1
    assert feed_row(db_path, server.url("/old.xml"))["url"] == server.url("/old.xml")


def test_redirect_to_file_url_is_refused(server: FeedServer, db_path: Path) -> None:
    server.routes["/evil.xml"] = Route(status=302, headers={"Location": "file:///etc/passwd"})
    settings = make_settings([server.url("/evil.xml")])
    result = run_poll(settings, db_path)
    assert result.exit_code == 1
    assert "refused to follow a redirect to a file" in (result.feeds[0].error or "")
    assert rows(db_path, "SELECT 1 FROM stories") == []


def test_a_closed_port_is_reported_as_refused(server: FeedServer, db_path: Path) -> None:
    """The error names the refusal (it read "All connection attempts failed")."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free once closed: nothing listens there
    server.routes["/ok.xml"] = Route(body=rss(items(1)))
    settings = make_settings([f"http://127.0.0.1:{port}/feed.xml", server.url("/ok.xml")])
    result = run_poll(settings, db_path)
    errors = {f.url: f.error for f in result.feeds}
    assert result.exit_code == 1
    assert errors[f"http://127.0.0.1:{port}/feed.xml"] == "connection to 127.0.0.1 refused"
    assert errors[server.url("/ok.xml")] is None


def test_cookies_are_neither_kept_nor_sent(server: FeedServer, db_path: Path) -> None:
    """A cookie set by one feed is not sent back, to it or to another feed of the same site."""
    server.routes["/a.xml"] = Route(body=rss(items(1, "a")), headers={"Set-Cookie": "id=42"})
    server.routes["/b.xml"] = Route(body=rss(items(1, "b")))
    settings = make_settings([server.url("/a.xml"), server.url("/b.xml")], concurrency=1)
    run_poll(settings, db_path, all_feeds=True)
    run_poll(settings, db_path, all_feeds=True)
    assert len(server.request_headers) == 4
    assert all("Cookie" not in headers for _path, headers in server.request_headers)


def test_unusable_redirects_fail_that_feed_only(server: FeedServer, db_path: Path) -> None:
    """A Location httpx cannot even parse, or a port past 65535, is that feed's error; the
    other feeds of the poll are stored and the next poll runs as usual."""
    server.routes["/script"] = Route(status=301, headers={"Location": "javascript:alert(1)"})
    server.routes["/port"] = Route(status=301, headers={"Location": "http://127.0.0.1:99999/f"})
    server.routes["/good.xml"] = Route(body=rss(items(2)))
    urls = [server.url("/script"), server.url("/port"), server.url("/good.xml")]
    for _ in range(2):
        result = run_poll(make_settings(urls), db_path, all_feeds=True)
        assert result.exit_code == 1
        errors = {f.url: f.error or "" for f in result.feeds}
        assert errors[urls[2]] == "" and errors[urls[0]] and errors[urls[1]]
    assert rows(db_path, "SELECT COUNT(*) FROM stories")[0][0] == 2
    assert feed_row(db_path, urls[0])["status"] == "error"


def test_redirect_loop(server: FeedServer, db_path: Path) -> None:
    server.routes["/l1"] = Route(status=302, headers={"Location": "/l2"})
    server.routes["/l2"] = Route(status=302, headers={"Location": "/l1"})
    result = run_poll(make_settings([server.url("/l1")]), db_path)
    assert "redirect loop" in (result.feeds[0].error or "")


def test_gone_feed_is_never_polled_again(server: FeedServer, db_path: Path) -> None:
    server.routes["/gone.xml"] = Route(status=410)
    settings = make_settings([server.url("/gone.xml")])
    result = run_poll(settings, db_path)
    assert result.feeds[0].status == "gone" and result.exit_code == 1
    run_poll(settings, db_path, all_feeds=True)
    assert server.hits["/gone.xml"] == 1
    assert feed_row(db_path, server.url("/gone.xml"))["status"] == "gone"


def test_a_gone_feed_listed_again_is_tried_again(server: FeedServer, db_path: Path) -> None:
    server.routes["/back.xml"] = Route(status=410)
    url = server.url("/back.xml")
    assert run_poll(make_settings([url]), db_path).feeds[0].status == "gone"
    server.routes["/other.xml"] = Route(body=rss(items(1, prefix="other")))
    run_poll(make_settings([server.url("/other.xml")]), db_path)  # taken out of feeds.yaml
    server.routes["/back.xml"] = Route(body=rss(items(1)))
    result = run_poll(make_settings([url]), db_path)  # and put back
    assert result.exit_code == 0 and result.new_stories == 1
    assert feed_row(db_path, url)["status"] == "ok"


def test_backoff_never_passes_its_cap() -> None:
    from datetime import UTC, datetime, timedelta

    from monitor.store import next_check_after_failure

    poll = make_settings([]).poll
    now = datetime(2026, 1, 1, tzinfo=UTC)
    waits = [next_check_after_failure(poll, failures, now) - now for failures in range(1, 40)]
    assert max(waits) <= timedelta(hours=poll.max_backoff_hours)
    assert waits[0] < waits[3] < waits[6]


def test_retry_after_is_honoured_even_with_all(server: FeedServer, db_path: Path) -> None:
    server.routes["/busy.xml"] = Route(status=429, headers={"Retry-After": "3600"})
    server.routes["/down.xml"] = Route(status=503, headers={"Retry-After": "120"})
    settings = make_settings([server.url("/busy.xml"), server.url("/down.xml")])
    result = run_poll(settings, db_path)
    assert {f.status for f in result.feeds} == {"retry_later"}
    assert sorted(str(f.error) for f in result.feeds) == [  # in order of arrival: either
        "HTTP 429: the server is rate limited; asked to retry in 60 min",
        "HTTP 503: the server is temporarily unavailable; asked to retry in 2 min",
    ]
    again = run_poll(settings, db_path, all_feeds=True)
    assert again.feeds == []
    assert server.hits["/busy.xml"] == 1 and server.hits["/down.xml"] == 1


def test_a_huge_retry_after_is_reported_as_asked_and_capped(
    server: FeedServer, db_path: Path
) -> None:
    """The message said "asked to retry in 2592000 s" for a server that asked 99999999 s."""
    server.routes["/slow.xml"] = Route(status=429, headers={"Retry-After": "99999999"})
    result = run_poll(make_settings([server.url("/slow.xml")], max_backoff_hours=24), db_path)
    assert result.feeds[0].error == (
        "HTTP 429: the server is rate limited; asked to retry in 30 days or more, "
        "so waiting 24 h (poll.max_backoff_hours)"
    )


def test_a_moved_feed_with_relative_guids_counts_each_story_once(
    server: FeedServer, db_path: Path
) -> None:
    """Relative guids are read against the feed's address, so after a 301 each story gets a
    second key (its link keeps it one story); `monitor feeds` counted keys (12 for 6 stories)."""
    body = rss(
        [
            {"title": f"Item {i}", "guid": f"item-{i}", "link": f"https://news.example/{i}"}
            for i in range(3)
        ]
    )
    server.routes["/a.xml"] = Route(body=body)
    settings = make_settings([server.url("/a.xml")])
    run_poll(settings, db_path)
    server.routes["/a.xml"] = Route(status=301, headers={"Location": "/moved/a.xml"})
    server.routes["/moved/a.xml"] = Route(body=body + b" ")
    run_poll(settings, db_path, all_feeds=True)
    conn = connect(db_path)
    try:
        (status,) = feed_statuses(conn)
        stories = conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
    finally:
        conn.close()
    assert stories == 3 and status["stories"] == 3


def make_due(db_path: Path) -> None:
    """Let the backoff of every feed run out, as if its next check had come."""
    conn = connect(db_path)
    with write(conn):
        conn.execute("UPDATE feeds SET next_check = '2000-01-01T00:00:00Z'")
    conn.close()


def test_failures_back_off_and_stay_visible(server: FeedServer, db_path: Path) -> None:
    server.routes["/err.xml"] = Route(status=500)
    settings = make_settings([server.url("/err.xml")], interval_minutes=10)
    run_poll(settings, db_path)
    first = feed_row(db_path, server.url("/err.xml"))
    make_due(db_path)
    run_poll(settings, db_path)
    make_due(db_path)
    run_poll(settings, db_path)
    third = feed_row(db_path, server.url("/err.xml"))
    assert server.hits["/err.xml"] == 3
    assert third["status"] == "error" and third["error_count"] == 3
    assert third["last_error"] == "HTTP 500 Internal Server Error"
    assert third["next_check"] > first["next_check"]


def test_retrying_a_failing_feed_by_hand_does_not_push_its_backoff(
    server: FeedServer, db_path: Path
) -> None:
    server.routes["/err.xml"] = Route(status=500)
    settings = make_settings([server.url("/err.xml")], interval_minutes=10)
    run_poll(settings, db_path)
    first = feed_row(db_path, server.url("/err.xml"))
    server.routes["/err.xml"] = Route(status=502)
    for _ in range(3):
        run_poll(settings, db_path, all_feeds=True)  # `poll --all`, the TUI's `r`
    after = feed_row(db_path, server.url("/err.xml"))
    assert server.hits["/err.xml"] == 4
    assert after["error_count"] == 1 and after["next_check"] == first["next_check"]
    # …but what users see counts every try: "error (1 in a row)" after four failed fetches
    assert after["failed_checks"] == 4
    assert after["last_error"] == "HTTP 502 Bad Gateway"  # what the latest try said
    assert after["last_checked"] >= first["last_checked"]


def test_body_cap_on_plain_and_gzip_bodies(server: FeedServer, db_path: Path) -> None:
    huge = rss(items(1)) + b" " * (3 * 1024 * 1024)
    server.routes["/big.xml"] = Route(body=huge)
    bomb = gzip.compress(b"<rss>" + b" " * (50 * 1024 * 1024))
    server.routes["/bomb.xml"] = Route(body=bomb, headers={"Content-Encoding": "gzip"})
    server.routes["/ok.xml"] = Route(body=rss(items(2)))
    settings = make_settings(
        [server.url("/big.xml"), server.url("/bomb.xml"), server.url("/ok.xml")], max_body_mib=1
    )
    result = run_poll(settings, db_path)
    errors = {f.url.rsplit("/", 1)[1]: f.error for f in result.feeds}
    assert "larger than the 1 MiB limit" in (errors["big.xml"] or "")
    assert "larger than the 1 MiB limit" in (errors["bomb.xml"] or "")
    assert errors["ok.xml"] is None
    assert result.new_stories == 2


def test_gzip_body_is_decoded(server: FeedServer, db_path: Path) -> None:
    server.routes["/z.xml"] = Route(
        body=gzip.compress(rss(items(4))), headers={"Content-Encoding": "gzip"}
    )
    result = run_poll(make_settings([server.url("/z.xml")]), db_path)
    assert result.new_stories == 4


def test_feed_deadline_bounds_a_dripping_server(server: FeedServer, db_path: Path) -> None:
    server.routes["/drip.xml"] = drip(0.2)
    server.routes["/ok.xml"] = Route(body=rss(items(2)))
    settings = make_settings(
        [server.url("/drip.xml"), server.url("/ok.xml")], feed_deadline=1.5, read_timeout=5
    )
    started = time.monotonic()
    result = run_poll(settings, db_path)
    assert time.monotonic() - started < 10  # bounded by the deadline, not by the drip
    errors = {f.url.rsplit("/", 1)[1]: f.error for f in result.feeds}
    assert "feed deadline" in (errors["drip.xml"] or "")
    assert result.new_stories == 2


def test_a_server_that_goes_quiet_is_named_with_the_setting_that_gave_up(
    server: FeedServer, db_path: Path
) -> None:
    """It said "stopped sending data (read timed out)" of a server that had sent nothing,
    and not which setting to raise for a slow one."""
    server.routes["/quiet.xml"] = drip(3.0)
    settings = make_settings([server.url("/quiet.xml")], feed_deadline=20, read_timeout=0.5)
    (feed,) = run_poll(settings, db_path).feeds
    assert feed.error == "127.0.0.1 sent nothing for 0.5 s (poll.read_timeout)"


def test_malformed_feed_keeps_recovered_entries(server: FeedServer, db_path: Path) -> None:
    body = rss(items(3))[:-30]  # truncated
    server.routes["/broken.xml"] = Route(body=body)
    result = run_poll(make_settings([server.url("/broken.xml")]), db_path)
    assert result.new_stories >= 2
    assert result.feeds[0].warning and "malformed" in result.feeds[0].warning
    assert feed_row(db_path, server.url("/broken.xml"))["parse_warning"]


RSS_UTF8 = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'


def test_a_stray_byte_in_a_utf8_feed_garbles_nothing_else(
    server: FeedServer, db_path: Path
) -> None:
    """A stray Latin-1 byte in a UTF-8 feed of Chinese items stored every title and the feed's
    name as mojibake, status ok, no warning. Only that byte is lost (U+FFFD), and the feed is
    stored with a warning (`warn` in the poll's output, `monitor feeds`)."""
    stray = (
        f"{RSS_UTF8}<title>北辰晨报</title><item><title>星河动力发布新模型</title>"
        "<link>https://beichen.example/1</link></item><item><title>Lanterne caf"
    ).encode() + b"\xe9</title><link>https://beichen.example/2</link></item></channel></rss>"
    server.routes["/stray.xml"] = Route(body=stray)
    url = server.url("/stray.xml")
    result = run_poll(make_settings([url]), db_path)
    assert (result.exit_code, result.new_stories, result.feeds[0].status) == (0, 2, "ok")
    stored = [r[0] for r in rows(db_path, "SELECT title FROM stories ORDER BY url")]
    assert stored == ["星河动力发布新模型", "Lanterne caf\ufffd"]
    assert feed_row(db_path, url)["own_title"] == "北辰晨报"
    warning = "not valid UTF-8: 1 bad byte sequence replaced by U+FFFD"
    assert result.feeds[0].warning == feed_row(db_path, url)["parse_warning"] == warning


def test_a_reference_to_no_character_keeps_the_feed(server: FeedServer, db_path: Path) -> None:
    """`&#xD800;` (a surrogate) or `&#99999999999;` in one item crashed feedparser: the poll
    said "FAILED … could not be parsed" and the feed's good items were lost. They read as
    U+FFFD, the feed is stored, with a warning."""
    body = (
        f"{RSS_UTF8}<title>Quillfield Ledger</title><item><title>Orrin Vale opens a depot"
        "</title><link>https://quill.example/1</link></item><item><title>Sign reads &#xD800;"
        "</title><description>Code &#99999999999; here</description>"
        "<link>https://quill.example/2</link></item></channel></rss>"
    ).encode()
    server.routes["/refs.xml"] = Route(body=body)
    url = server.url("/refs.xml")
    result = run_poll(make_settings([url]), db_path)
    assert (result.exit_code, result.new_stories, result.feeds[0].status) == (0, 2, "ok")
    stored = rows(db_path, "SELECT title, summary FROM stories ORDER BY url")
    assert [tuple(r) for r in stored] == [
        ("Orrin Vale opens a depot", ""),
        ("Sign reads \ufffd", "Code \ufffd here"),
    ]
    warning = feed_row(db_path, url)["parse_warning"]
    assert warning == result.feeds[0].warning and warning.startswith(
        "2 invalid character references"
    )


def test_an_epoch_date_does_not_date_a_new_feeds_undated_items(
    server: FeedServer, db_path: Path
) -> None:
    """A new feed's undated items count as seen from the oldest publication of its first
    fetch; an item dated 1970-01-01 (Unix time 0) made that 1970 for all of them. Such a date
    is no date: the undated items and the epoch one get the real items' oldest date."""
    feed = [
        {"title": "Harrow Ferries adds a night crossing", "guid": "h-1",
         "pubDate": "Tue, 10 Jun 2025 04:00:00 GMT"},
        {"title": "Harrow Ferries timetable", "guid": "h-2",
         "pubDate": "Thu, 01 Jan 1970 00:00:00 +0000"},
        {"title": "Harrow Ferries about us", "guid": "h-3"},
    ]  # fmt: skip
    server.routes["/h.xml"] = Route(body=rss(feed))
    run_poll(make_settings([server.url("/h.xml")]), db_path)
    stored = rows(db_path, "SELECT title, published, first_seen FROM stories ORDER BY id")
    assert [tuple(r) for r in stored] == [
        ("Harrow Ferries adds a night crossing", "2025-06-10T04:00:00Z", "2025-06-10T04:00:00Z"),
        ("Harrow Ferries timetable", None, "2025-06-10T04:00:00Z"),
        ("Harrow Ferries about us", None, "2025-06-10T04:00:00Z"),
    ]


def test_a_feed_cut_off_mid_item_changes_no_stored_story(server: FeedServer, db_path: Path) -> None:
    """A body cut off mid-item replaced its last recovered story's stored summary with an empty
    one (and the story lost its claims, to come back as "new" once the feed was whole again).
    What a broken body recovers adds stories; it cuts none short."""
    whole = rss(items(3))
    server.routes["/cut.xml"] = Route(body=whole)
    settings = make_settings([server.url("/cut.xml")])
    assert run_poll(settings, db_path).new_stories == 3
    before = rows(db_path, "SELECT id, title, summary, is_updated FROM stories ORDER BY id")
    fresh = rss([{"title": "A fourth report", "guid": "g-new"}, *items(3)])
    cut = fresh[: fresh.rindex(b"<description>") + len(b"<description>") + 4]
    server.routes["/cut.xml"] = Route(body=cut)
    again = run_poll(settings, db_path, all_feeds=True)
    assert again.feeds[0].warning and "malformed" in again.feeds[0].warning
    assert (again.new_stories, again.updated_stories) == (1, 0)
    after = rows(db_path, "SELECT id, title, summary, is_updated FROM stories ORDER BY id")
    assert after[:3] == before
    server.routes["/cut.xml"] = Route(body=fresh)
    whole_again = run_poll(settings, db_path, all_feeds=True)
    assert (whole_again.new_stories, whole_again.updated_stories) == (0, 0)


def test_items_sharing_a_guid_with_their_own_links_are_each_stored(
    server: FeedServer, db_path: Path
) -> None:
    """A feed giving every item the site's address as guid had only its first item stored,
    poll after poll. Items with their own links are known by them; they stay put across polls
    and an edit of one is an update of that one."""
    shared = [
        {"title": f"Item {n}", "guid": "https://site.example/", "link": f"https://site.example/{n}"}
        for n in range(3)
    ]
    server.routes["/g.xml"] = Route(body=rss(shared))
    settings = make_settings([server.url("/g.xml")])
    assert run_poll(settings, db_path).new_stories == 3
    shared[1] = dict(shared[1], title="Item 1, edited")
    server.routes["/g.xml"] = Route(
        body=rss([*shared, dict(shared[0], link="https://site.example/9", title="Item 9")])
    )
    again = run_poll(settings, db_path, all_feeds=True)
    assert (again.new_stories, again.updated_stories) == (1, 1)
    titles = [r[0] for r in rows(db_path, "SELECT title FROM stories ORDER BY id")]
    assert titles == ["Item 0", "Item 1, edited", "Item 2", "Item 9"]


def test_a_feed_naming_itself_in_every_headline_does_not_group_by_its_name(
    server: FeedServer, db_path: Path
) -> None:
    """ "Valley Dispatch: Meta hires …" joined "Valley Dispatch: Meta nears a deal for …": the
    outlet's own name was the rarest thing two unrelated headlines shared. Its claims carried
    the name too."""
    own = [
        {"title": "Valley Dispatch: Meta nears a deal for a stake in Tessaract Data", "guid": "a"},
        {
            "title": "Valley Dispatch: Meta hires Stanford vision researcher Ana Ferreira",
            "guid": "b",
        },
    ]
    server.routes["/vd.xml"] = Route(body=rss(own, title="Valley Dispatch"))
    run_poll(make_settings([server.url("/vd.xml")]), db_path)
    groups = {r[0] for r in rows(db_path, "SELECT group_id FROM stories")}
    assert len(groups) == 2
    texts = [r[0] for r in rows(db_path, "SELECT text FROM claims")]
    assert texts and not any("Valley Dispatch" in text for text in texts)


def test_a_malformed_feed_with_nothing_recovered_is_a_failure(
    server: FeedServer, db_path: Path
) -> None:
    """It counted as ok with a warning, so `poll -q` exited 0 and cron never heard of it."""
    body = b'<?xml version="1.0"?><rss><channel><title>broken<item><title>Half &amp story</tit'
    server.routes["/broken.xml"] = Route(body=body)
    result = run_poll(make_settings([server.url("/broken.xml")]), db_path)
    assert result.exit_code == 1 and result.feeds[0].status == "error"
    assert str(result.feeds[0].error).startswith("malformed feed, no entries could be recovered")


def test_a_guid_repeated_in_one_feed_is_one_story_never_flipping_to_updated(
    server: FeedServer, db_path: Path
) -> None:
    """The last of three items with one guid won, and every later poll reported it updated."""
    same = [{"title": f"Variant {v}", "guid": "same", "description": v} for v in "ABC"]
    server.routes["/dup.xml"] = Route(body=rss(same))
    settings = make_settings([server.url("/dup.xml")])
    assert run_poll(settings, db_path).new_stories == 1
    for n in range(2):
        other = {"title": f"Other {n}", "guid": f"o-{n}"}
        server.routes["/dup.xml"] = Route(body=rss([*same, other]))
        again = run_poll(settings, db_path, all_feeds=True)
        assert (again.new_stories, again.updated_stories) == (1, 0)
    titles = {r[0] for r in rows(db_path, "SELECT title FROM stories WHERE is_updated = 0")}
    assert titles == {"Variant A", "Other 0", "Other 1"}


def test_a_malformed_response_is_not_called_a_broken_connection(
    server: FeedServer, db_path: Path
) -> None:
    """A response with a broken header line was reported as "127.0.0.1 broke the connection
    (… position 9..)": the server had answered, wrongly."""

    def bad_header(request: Any) -> None:
        request.wfile.write(b"HTTP/1.1 200 OK\r\nthis is no header\r\nContent-Length: 0\r\n\r\n")

    server.routes["/bad"] = bad_header
    result = run_poll(make_settings([server.url("/bad")]), db_path)
    error = str(result.feeds[0].error)
    assert error.startswith("127.0.0.1 sent a malformed response (") and ".)" not in error


def test_html_page_and_empty_body_are_errors(server: FeedServer, db_path: Path) -> None:
    server.routes["/page"] = Route(
        body=b"<!DOCTYPE html><html><body>Hi</body></html>", content_type="text/html"
    )
    server.routes["/home"] = Route(
        body=b'<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" '
        b'href="/news/feed.xml"></head><body>Hi</body></html>',
        content_type="text/html",
    )  # a site's home page given for its feed: the poll names the feed it announces
    server.routes["/empty"] = Route(body=b"")
    urls = [server.url("/page"), server.url("/empty"), server.url("/home")]
    result = run_poll(make_settings(urls), db_path)
    assert sorted(str(f.error) for f in result.feeds) == [
        "got an HTML page, not an RSS or Atom feed, and it names no feed (`monitor add "
        "ADDRESS` also tries /feed, /rss.xml and the like)",
        "got an HTML page, not an RSS or Atom feed; the page names its feed: "
        f"{server.url('/news/feed.xml')}: put that address in feeds.yaml",
        "the server sent an empty response",
    ]


def test_entity_expansion_is_disarmed(server: FeedServer, db_path: Path) -> None:
    entity = "A" * 100_000
    refs = "&big;" * 1000
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{entity}">]>'
        f'<rss version="2.0"><channel><title>t</title><item><title>x {refs}</title>'
        "<guid>e1</guid></item></channel></rss>"
    ).encode()
    server.routes["/ent.xml"] = Route(body=body)
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        b'<rss version="2.0"><channel><item><title>leak &x;</title><guid>x1</guid></item></channel></rss>'
    )
    server.routes["/xxe.xml"] = Route(body=xxe)
    run_poll(make_settings([server.url("/ent.xml"), server.url("/xxe.xml")]), db_path)
    titles = [r["title"] for r in rows(db_path, "SELECT title FROM stories")]
    assert all(len(t) < 10_000 for t in titles)
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else None
    if hostname:
        assert not any(hostname in t for t in titles)


def test_control_characters_never_stored(server: FeedServer, db_path: Path) -> None:
    evil = [
        {
            "title": "Hi \x1b]52;c;ZXZpbA==\x07there \u202eevil",
            "guid": "c1",
            "link": "https://x.example/1",
        }
    ]
    server.routes["/ctl.xml"] = Route(body=rss(evil))
    run_poll(make_settings([server.url("/ctl.xml")]), db_path)
    title = rows(db_path, "SELECT title FROM stories")[0]["title"]
    assert title == "Hi there evil"


def test_retention_leaves_tombstones(
    server: FeedServer, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In batches of one, each its own transaction (thousands at once held the write lock for
    # minutes): the poll goes on until none is left.
    monkeypatch.setattr("monitor.poller.RETENTION_BATCH", 1)
    server.routes["/a.xml"] = Route(body=rss(items(3)))
    settings = make_settings([server.url("/a.xml")], retention_days=1)
    run_poll(settings, db_path)
    conn = connect(db_path)
    conn.execute("UPDATE stories SET first_seen = '2000-01-01T00:00:00Z'")
    conn.execute("UPDATE story_sources SET first_seen = '2000-01-01T00:00:00Z'")
    conn.execute("UPDATE stories SET starred = 1 WHERE id = 1")
    conn.close()
    server.routes["/a.xml"] = Route(body=rss(items(3)) + b" ")  # new body, same items
    result = run_poll(settings, db_path, all_feeds=True)
    assert result.deleted_by_retention == 2
    assert result.to_json()["deleted_by_retention"] == 2  # poll --json said nothing of it
    assert result.new_stories == 0  # tombstones stop them from coming back
    assert len(rows(db_path, "SELECT 1 FROM stories")) == 1
    # Their groups went with them (the TUI listed empty groups saying "1 story"); the starred
    # story's group counts what is left.
    groups = rows(db_path, "SELECT id, story_count, claim_count FROM groups")
    left = rows(db_path, "SELECT group_id FROM stories")
    assert [g["id"] for g in groups] == [left[0]["group_id"]] and groups[0]["story_count"] == 1
    assert rows(db_path, "SELECT 1 FROM claims WHERE group_id NOT IN (SELECT id FROM groups)") == []


EVENTS = [
    "Harbour Lab opens a glider depot in Tallin Bay",
    "Quarry Robotics recalls ninety thermostats",
    "Orchard Compute names a new finance chief",
]


def dated_items(prefix: str, *ages_in_days: float | None) -> list[dict[str, str]]:
    """Items published that many days ago (None: no date), each its own event."""
    now = time.time()
    out = []
    for n, age in enumerate(ages_in_days):
        item = {
            "title": f"{prefix.upper()} {EVENTS[n]}",
            "link": f"https://news.example/{prefix}{n}",
            "guid": f"{prefix}-{n}",
        }
        if age is not None:
            item["pubDate"] = time.strftime(
                "%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now - age * 86400)
            )
        out.append(item)
    return out


def test_a_new_feeds_backlog_is_dated_by_publication(server: FeedServer, db_path: Path) -> None:
    """After a first poll every group said "now": a feed's month-old items read as news of
    this minute. Its first fetch dates stories by publication; later ones by arrival."""
    server.routes["/a.xml"] = Route(body=rss(dated_items("a", 30, 2, None)))
    settings = make_settings([server.url("/a.xml")])
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))
    run_poll(settings, db_path)
    stored = rows(
        db_path,
        "SELECT s.published, s.first_seen, src.first_seen AS arrived, g.first_seen AS g_first, "
        "g.last_seen FROM stories s JOIN story_sources src ON src.story_id = s.id "
        "JOIN groups g ON g.id = s.group_id ORDER BY s.id",
    )
    assert len(stored) == 3
    for row in stored[:2]:
        assert row["first_seen"] == row["published"] < started
        assert row["g_first"] == row["last_seen"] == row["published"]
        assert row["arrived"] >= started
    # Undated: as old as the oldest item of that fetch (it had read as news of this minute).
    assert stored[2]["published"] is None and stored[2]["first_seen"] == stored[0]["published"]
    conn = connect(db_path)
    try:
        assert stories_since(conn, started) == 3  # "a poll outside the UI added 3 stories"
        # The story view's "first seen" is when it arrived, not the publication time.
        detail = story_detail(conn, 1)
        assert detail is not None and detail.first_seen >= started
    finally:
        conn.close()
    # An old item arriving later is news now: it was not there before.
    server.routes["/a.xml"] = Route(body=rss(dated_items("a", 30, 2, None) + dated_items("b", 9)))
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))
    run_poll(settings, db_path, all_feeds=True)
    late = rows(db_path, "SELECT published, first_seen FROM stories WHERE title LIKE 'B %'")
    assert late[0]["published"] < later <= late[0]["first_seen"]


def test_retention_counts_from_arrival_not_publication(server: FeedServer, db_path: Path) -> None:
    """A year-old item of a feed subscribed today is kept `retention_days` like any other."""
    server.routes["/a.xml"] = Route(body=rss(dated_items("a", 400, 1)))
    settings = make_settings([server.url("/a.xml")], retention_days=30)
    result = run_poll(settings, db_path)
    assert result.new_stories == 2 and result.deleted_by_retention == 0
    assert len(rows(db_path, "SELECT 1 FROM stories")) == 2


def test_muted_headlines_are_not_stored(server: FeedServer, db_path: Path) -> None:
    """`mute:` (of the file, or of a feed) keeps a story out, as Miniflux's block rules and
    newsboat's ignore-article do; a story stored before the term was added stays."""
    wire = [
        {"title": "Orchard Compute ships a new glider", "guid": "w1"},
        {"title": "Thermostat deals of the week", "guid": "w2"},
        {"title": "Harbour Lab hires a chip designer", "guid": "w3"},
    ]
    desk = [
        {"title": "Harbour Lab quarterly results", "guid": "d1"},
        {"title": "Orchard Compute ships thermostats", "guid": "d2"},
    ]
    server.routes["/wire.xml"] = Route(body=rss(wire))
    server.routes["/desk.xml"] = Route(body=rss(desk))
    data = {
        "feeds": [
            {"url": server.url("/wire.xml")},
            {"url": server.url("/desk.xml"), "mute": ["quarterly results"]},
        ],
        "mute": ["thermostat*"],
        "poll": {"parse_workers": 0},
    }
    result = run_poll(settings_from_data(data, "test"), db_path)
    assert result.new_stories == 2 and result.muted == 3
    assert result.to_json()["muted"] == 3
    titles = {r["title"] for r in rows(db_path, "SELECT title FROM stories")}
    assert titles == {"Orchard Compute ships a new glider", "Harbour Lab hires a chip designer"}
    # A term added later leaves what is stored alone, and mutes what comes next.
    server.routes["/wire.xml"] = Route(body=rss([*wire, {"title": "Glider recall", "guid": "w4"}]))
    data["mute"] = ["thermostat*", "glider"]
    again = run_poll(settings_from_data(data, "test"), db_path, all_feeds=True)
    assert again.new_stories == 0 and again.muted == 2
    assert len(rows(db_path, "SELECT 1 FROM stories")) == 2


def test_local_file_feed(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "generated.xml"
    path.write_bytes(rss(items(2)))
    result = run_poll(make_settings([str(path)]), db_path)
    assert result.new_stories == 2


def test_reader_holding_a_transaction_does_not_block_the_poll(
    server: FeedServer, db_path: Path
) -> None:
    server.routes["/a.xml"] = Route(body=rss(items(5)))
    settings = make_settings([server.url("/a.xml")])
    run_poll(settings, db_path)
    reader = connect(db_path)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM stories").fetchone()
    server.routes["/a.xml"] = Route(body=rss(items(8)))
    result = run_poll(settings, db_path, all_feeds=True)
    assert result.new_stories == 3 and result.exit_code == 0
    reader.execute("COMMIT")
    reader.close()


def test_parse_pool_gives_same_result(server: FeedServer, tmp_path: Path) -> None:
    urls = []
    for n in range(10):
        server.routes[f"/f{n}.xml"] = Route(body=rss(items(5, f"p{n}-")))
        urls.append(server.url(f"/f{n}.xml"))
    pooled = settings_from_data(
        {"feeds": [{"url": u} for u in urls], "poll": {"parse_workers": 2}}, "t"
    )
    result = run_poll(pooled, tmp_path / "pool.db")
    assert result.new_stories == 50 and result.exit_code == 0


def test_stories_left_ungrouped_by_a_killed_poll_are_grouped_by_the_next(
    server: FeedServer, db_path: Path, monkeypatch: Any
) -> None:
    from monitor import poller

    server.routes["/a.xml"] = Route(body=rss(items(4)), etag='"v1"')
    data = {"feeds": [{"url": server.url("/a.xml"), "tags": ["lab"]}]}
    settings = settings_from_data(data, "test")

    def killed(self: Any) -> None:
        raise KeyboardInterrupt  # the poll dies after storing, before grouping

    monkeypatch.setattr(poller._Poll, "enrich", killed)
    try:
        run_poll(settings, db_path)
    except KeyboardInterrupt:
        pass
    assert len(rows(db_path, "SELECT 1 FROM stories WHERE group_id IS NULL")) == 4
    assert len(rows(db_path, "SELECT 1 FROM pending_stories")) == 4
    monkeypatch.undo()
    again = run_poll(settings, db_path, all_feeds=True)
    assert again.new_stories == 0  # nothing fetched anew (304) ...
    assert rows(db_path, "SELECT 1 FROM stories WHERE group_id IS NULL") == []  # ... all grouped
    assert rows(db_path, "SELECT 1 FROM pending_stories") == []
    assert rows(db_path, "SELECT COUNT(*) FROM story_tags WHERE tag = 'lab'")[0][0] == 4


def test_parse_pool_analyses_the_same_groups_and_claims(server: FeedServer, tmp_path: Path) -> None:
    bodies = {
        f"/{n}.xml": rss(
            [
                {
                    "title": f"Orbit Labs hires {name} from Vantor for its model team",
                    "link": f"https://n{n}.example/{name}",
                    "guid": f"{n}-{name}",
                    "description": f"{name} joins with a $12 million package, Orbit said.",
                    "pubDate": "Tue, 10 Jun 2025 04:00:00 GMT",
                }
                for name in ("Ana Ruiz", "Bo Lind", "Cy Park")
            ]
        )
        for n in range(8)
    }
    for path, body in bodies.items():
        server.routes[path] = Route(body=body)
    urls = [server.url(path) for path in bodies]
    results = []
    for workers in (0, 2):
        db = tmp_path / f"w{workers}.db"
        run_poll(make_settings(urls, parse_workers=workers), db)
        groups: dict[int, list[str]] = {}
        for row in rows(db, "SELECT group_id, url FROM stories"):
            groups.setdefault(row["group_id"], []).append(row["url"])
        claims = rows(db, "SELECT COUNT(*) FROM claims")[0][0]
        results.append((sorted(sorted(urls) for urls in groups.values()), claims))
    assert results[0] == results[1]
    assert results[0][1] > 0


def test_a_local_path_that_is_a_fifo_is_an_error_not_a_hang(tmp_path: Path, db_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)
    result = run_poll(make_settings([str(fifo)], feed_deadline=5), db_path)
    assert result.exit_code == 1
    assert "not a regular file" in (result.feeds[0].error or "")


def test_a_feed_title_from_the_config_is_stored_clean(db_path: Path) -> None:
    settings = settings_from_data(
        {"feeds": [{"url": "https://desk.example/rss", "title": "Desk\x1b[31m One\u202e"}]}, "t"
    )
    conn = connect(db_path)
    try:
        with write(conn):
            from monitor.store import sync_feeds

            sync_feeds(conn, settings.feeds)
        assert conn.execute("SELECT title FROM feeds").fetchone()[0] == "Desk One"
    finally:
        conn.close()


def test_sources_from_before_migration_5_are_a_baseline(server: FeedServer, db_path: Path) -> None:
    """Rows without a per-feed hash (stored by an older version) are not counted as changed on
    the next poll: it records their hash."""
    server.routes["/a.xml"] = Route(body=rss(items(2)))
    settings = make_settings([server.url("/a.xml")])
    run_poll(settings, db_path)
    conn = connect(db_path)
    with write(conn):
        conn.execute("UPDATE story_sources SET content_hash = NULL")
    conn.close()
    server.routes["/a.xml"] = Route(body=rss(items(2) + items(1, "new")))
    result = run_poll(settings, db_path, all_feeds=True)
    assert (result.new_stories, result.updated_stories) == (1, 0)
    assert rows(db_path, "SELECT COUNT(*) FROM story_sources WHERE content_hash IS NULL")[0][0] == 0


def test_a_parse_worker_analyses_only_entries_not_stored_yet() -> None:
    """A feed that changed is mostly old items; the worker analysed every one again (a poll
    of 300 changed feeds with 900 new stories of 9,000 spent 5-6 s instead of 1.7 s)."""
    from monitor.parse import parse_feed
    from monitor.poller import HASH_PREFIX, _parse_and_analyse
    from monitor.store import content_hash

    body = rss(items(4))
    old = parse_feed(body, "https://a.example/feed").entries[:3]
    stored = frozenset(content_hash(entry)[:HASH_PREFIX] for entry in old)
    parsed, analysed = _parse_and_analyse(body, "https://a.example/feed", stored)
    assert len(parsed.entries) == 4
    new = parsed.entries[3]
    assert list(analysed) == [(new.title, new.summary, new.content)]
    assert len(_parse_and_analyse(body, "https://a.example/feed")[1]) == 4


def test_changed_topic_rules_or_feed_tags_retag_what_is_stored(
    server: FeedServer, tmp_path: Path
) -> None:
    """A topic added to feeds.yaml, or a feed's tags edited, applied only to stories that
    arrived afterwards (until `monitor retag`): the stored ones never showed the new tag."""
    server.routes["/a.xml"] = Route(
        body=rss([{"title": "Humanoid robot folds laundry", "link": "https://r.example/1"}])
    )
    base: dict[str, Any] = {"feeds": [{"url": server.url("/a.xml")}], "poll": {"parse_workers": 0}}
    db = tmp_path / "m.db"
    first = run_poll(settings_from_data(base, "test"), db)
    assert first.retagged == 0  # nothing stored before: tagged at ingest

    def tags() -> set[str]:
        conn = connect(db)
        try:
            return {row[0] for row in conn.execute("SELECT tag FROM story_tags")}
        finally:
            conn.close()

    assert tags() == set()
    robots = {"tags": {"robots": {"rules": [{"name": "humanoid", "any": ["humanoid*"]}]}}}
    second = run_poll(settings_from_data({**base, "topics": robots}, "test"), db, all_feeds=True)
    assert second.retagged == 1 and second.new_stories == 0
    assert tags() == {"robots"}
    again = run_poll(settings_from_data({**base, "topics": robots}, "test"), db, all_feeds=True)
    assert again.retagged == 0
    server.routes["/b.xml"] = Route(body=rss([]))
    more_feeds = {**base, "topics": robots}
    more_feeds["feeds"] = [{"url": server.url("/a.xml")}, {"url": server.url("/b.xml")}]
    assert run_poll(settings_from_data(more_feeds, "test"), db).retagged == 0  # no tags changed
    tagged_feed = {
        **base,
        "topics": robots,
        "feeds": [{"url": server.url("/a.xml"), "tags": ["desk"]}],
    }
    assert run_poll(settings_from_data(tagged_feed, "test"), db).retagged == 1
    assert tags() == {"robots", "desk"}


def test_a_feeds_yaml_with_no_feeds_changes_nothing_stored(
    server: FeedServer, db_path: Path
) -> None:
    """An editor's empty save (or a wrong --config) switched every feed off, and the next good
    poll fetched them all at once."""
    server.routes["/a.xml"] = Route(body=rss(items(2)))
    url = server.url("/a.xml")
    run_poll(make_settings([url]), db_path)
    before = dict(feed_row(db_path, url))
    empty = run_poll(make_settings([]), db_path)
    assert empty.feeds == [] and empty.exit_code == 0
    assert dict(feed_row(db_path, url)) == before


def test_a_news_search_credits_the_outlets_it_carries(server: FeedServer, db_path: Path) -> None:
    """Every item of a news search was credited to the search feed, and five outlets through
    it counted as "1 src"; the group was titled with one outlet's " - Name" ending."""
    from monitor import digest
    from monitor.export import iter_records
    from monitor.queries import Filters, GroupQuery, group_stories

    reports = [
        ("Orrery hires Tessellate chief Nadia Voss to run its new lab", "Harbor Times"),
        ("Tessellate CEO Nadia Voss joins Orrery to lead its new lab", "Coast Wire"),
        ("Orrery poaches Nadia Voss from Tessellate to run its new lab", "Valley Ledger"),
    ]
    items = "".join(
        f"<item><title>{title} - {outlet}</title><link>https://search.example/{n}</link>"
        f"<description>&lt;a href='#'&gt;{title}&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font&gt;"
        f"{outlet}&lt;/font&gt;</description><pubDate>Mon, 09 Jun 2025 1{n}:00:00 GMT</pubDate>"
        f'<source url="https://{n}.example">{outlet}</source></item>'
        for n, (title, outlet) in enumerate(reports)
    )
    server.routes["/search.xml"] = Route(
        body=f'<?xml version="1.0"?><rss version="2.0"><channel><title>News search: Orrery'
        f"</title>{items}</channel></rss>".encode()
    )
    server.routes["/coast.xml"] = Route(
        body=rss(
            [
                {
                    "title": reports[1][0] + ", a person familiar says",
                    "link": "https://coast.example/voss",
                    "guid": "c1",
                    "pubDate": "Mon, 09 Jun 2025 11:30:00 GMT",
                }
            ],
            title="Coast Wire",
        )
    )
    # The outlet subscribed directly, under another name in feeds.yaml: still one source (its
    # own second article: the same one as the search's is one story, see the test below).
    settings = settings_from_data(
        {
            "feeds": [
                {"url": server.url("/search.xml")},
                {"url": server.url("/coast.xml"), "title": "My coast list"},
            ],
            "poll": {"parse_workers": 0},
        },
        "test",
    )
    assert run_poll(settings, db_path).new_stories == 4
    conn = connect(db_path)
    try:
        (group,) = GroupQuery(conn, Filters(), datetime.now(UTC)).page_at(0, 10)
        assert group.story_count == 4 and group.source_count == 3  # Coast Wire once
        assert " - " not in group.title
        assert {s.source for s in group_stories(conn, group)} == {
            "Harbor Times", "Coast Wire", "Valley Ledger", "My coast list"
        }  # fmt: skip
        # The list names the source beside the headline, once.
        assert not any(" - " in s.title for s in group_stories(conn, group))
        first = group_stories(conn, group)[-1]
        detail = story_detail(conn, first.id)
        assert detail is not None and detail.source == first.source
        # The story view: no " - Outlet" ending, and no summary that only said it again.
        search_story = next(s for s in group_stories(conn, group) if s.source == "Harbor Times")
        shown = story_detail(conn, search_story.id)
        assert shown is not None and " - " not in shown.title and shown.summary == ""
        exported = {r["source"] for r in iter_records(conn)}
        assert exported == {"Harbor Times", "Coast Wire", "Valley Ledger", "My coast list"}
        (reported,) = digest.build(conn, since="2025-01-01").new_groups
        assert "Harbor Times" in reported.sources and "Valley Ledger" in reported.sources
        # The outlet's own feed, named otherwise in feeds.yaml, is that outlet (one name, as
        # in the UI's count; the digest listed "Coast Wire, My coast list").
        assert sorted(reported.sources) == ["Coast Wire", "Harbor Times", "Valley Ledger"]
        # Its link: the story the group is titled after (looked up by the title as stored, with
        # its " - Outlet", the digest had none).
        assert reported.url == "https://search.example/0"
    finally:
        conn.close()


def _search_feed(*reports: tuple[str, str, str, str]) -> bytes:
    """A news search's RSS of (headline, outlet, outlet's address, RFC 822 date)."""
    items = "".join(
        f"<item><title>{title} - {outlet}</title><link>https://search.example/r{n}</link>"
        f"<description>{title}&amp;nbsp;{outlet}</description><pubDate>{date}</pubDate>"
        f'<source url="{site}">{outlet}</source></item>'
        for n, (title, outlet, site, date) in enumerate(reports)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>News search</title>{items}'
        "</channel></rss>"
    ).encode()


def test_a_bing_news_item_is_its_articles_story_from_its_outlet(
    server: FeedServer, db_path: Path
) -> None:
    """Bing News links its items through a redirect naming the article, and names the outlet in
    `<News:Source>`: each item was a story of its own credited to the search."""
    server.routes["/harbor.xml"] = Route(
        body=rss(
            [
                {
                    "title": "Orrery opens a second lab in Lisbon",
                    "link": "https://www.harbor.example/tech/lisbon?utm_source=rss",
                    "pubDate": "Mon, 09 Jun 2025 09:00:00 GMT",
                }
            ],
            title="Harbor Ledger",
        )
    )
    item = (
        "<item><title>Orrery to open Lisbon lab with forty hires</title>"
        "<link>http://www.bing.com/news/apiclick.aspx?ref=FexRss&amp;aid=&amp;tid=AB12&amp;"
        "url=https%3a%2f%2fwww.harbor.example%2ftech%2flisbon%3futm_source%3dbing&amp;c=9</link>"
        "<description>Forty researchers.</description>"
        "<pubDate>Mon, 09 Jun 2025 09:10:00 GMT</pubDate><News:Source>Harbor Ledger</News:Source>"
        "</item>"
    )
    server.routes["/bing.xml"] = Route(
        body=(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:News="https://www.bing.com:443/news/search?q=orrery&amp;format=rss">'
            f"<channel><title>orrery - BingNews</title>{item}</channel></rss>"
        ).encode()
    )
    settings = settings_from_data(
        {"feeds": [{"url": server.url(p)} for p in ("/harbor.xml", "/bing.xml")]}, "test"
    )
    assert run_poll(settings, db_path).new_stories == 1
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT s.url, ss.outlet FROM stories s JOIN story_sources ss ON ss.story_id = s.id "
            "ORDER BY ss.feed_id"
        ).fetchall()
    assert rows == [
        ("https://www.harbor.example/tech/lisbon", None),
        ("https://www.harbor.example/tech/lisbon", "Harbor Ledger"),
    ]


def test_one_article_through_a_news_search_and_its_outlets_feed_is_one_story(
    server: FeedServer, db_path: Path
) -> None:
    """The same article, through a news search (its link is the search's redirect) and through
    the outlet's own feed, was two stories: the group listed it twice. Matched by outlet (its
    name, or its address's host) and headline, in either order of arrival."""
    headline = "Orrery names Nadia Voss head of its new research lab"
    day = "Mon, 09 Jun 2025"
    own = {"title": headline, "link": "https://coastwire.example/voss", "guid": "c1"}
    server.routes["/coast.xml"] = Route(
        body=rss([{**own, "pubDate": f"{day} 11:30:00 GMT"}], title="Coast Wire")
    )
    server.routes["/other.xml"] = Route(
        body=rss(
            [
                {
                    "title": f"Orrery names Nadia Voss head of its lab, {n}",
                    "link": f"https://other.example/{n}",
                    "pubDate": f"{day} 12:00:00 GMT",
                }
                for n in ("sources say", "a filing shows")
            ],
            title="AI News | The Ledger",
        )
    )
    server.routes["/search.xml"] = Route(
        body=_search_feed(
            (headline, "Coast Wire", "https://www.coastwire.example", f"{day} 11:31:00 GMT"),
            # The same words from an outlet with no feed here: its own story.
            (headline, "Harbor Times", "https://harbor.example", f"{day} 11:40:00 GMT"),
            # An outlet known by host alone ("CW" is not the feed's name), five days later: a
            # new article that happens to have the same headline.
            (headline, "CW", "https://coastwire.example", "Sat, 14 Jun 2025 09:00:00 GMT"),
        )
    )
    search, coast = server.url("/search.xml"), server.url("/coast.xml")

    def poll(*urls: str) -> int:
        settings = settings_from_data(
            {"feeds": [{"url": url} for url in urls], "poll": {"parse_workers": 0}}, "test"
        )
        return run_poll(settings, db_path).new_stories

    def sources() -> list[tuple[str | None, str | None, int]]:
        with sqlite3.connect(db_path) as conn:
            return conn.execute(
                "SELECT s.title, ss.outlet, COUNT(*) OVER (PARTITION BY s.id) FROM stories s "
                "JOIN story_sources ss ON ss.story_id = s.id ORDER BY s.id, ss.feed_id"
            ).fetchall()

    # The outlet's feed first: the search's item is the same story seen a second time.
    assert poll(coast) == 1
    assert poll(coast, search) == 2  # Harbor Times, and CW five days later
    assert sources()[:2] == [(headline, None, 2), (headline, "Coast Wire", 2)]
    assert len(sources()) == 4

    # The search first, the outlet's feed later (here named "AI News | The Ledger", so the search
    # calls it "The Ledger"; its own headlines have no " - The Ledger").
    db_path.unlink()
    for extra in ("-wal", "-shm"):
        Path(f"{db_path}{extra}").unlink(missing_ok=True)
    server.routes["/search.xml"] = Route(
        body=_search_feed(
            (
                "Orrery names Nadia Voss head of its lab, sources say",
                "The Ledger",
                "https://ledger.example",
                f"{day} 12:05:00 GMT",
            )
        )
    )
    assert poll(search) == 1
    assert poll(search, server.url("/other.xml")) == 1  # "a filing shows" only
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM story_sources").fetchone()[0] == 3


def test_the_http_charset_reads_a_feed_that_names_no_encoding(
    server: FeedServer, db_path: Path
) -> None:
    """A Latin-1 feed served as `text/xml; charset=ISO-8859-1`, with no XML declaration, was
    read as UTF-8 (the header never reached the parsers): a warning, and guesswork."""
    body = (
        '<rss version="2.0"><channel><title>Café Desk</title><item><title>Señor Roe joins the '
        "lab</title><link>https://cafe.example/1</link></item></channel></rss>"
    ).encode("latin-1")
    server.routes["/latin.xml"] = Route(body=body, content_type="text/xml; charset=ISO-8859-1")
    # A document that names its own encoding keeps it, whatever the header says.
    own = '<?xml version="1.0" encoding="utf-8"?>' + body.decode("latin-1").replace(
        "Café Desk", "Ünïcode Desk"
    ).replace("https://cafe.example/1", "https://cafe.example/2")
    server.routes["/own.xml"] = Route(
        body=own.encode("utf-8"), content_type="text/xml; charset=ISO-8859-1"
    )
    result = run_poll(make_settings([server.url("/latin.xml"), server.url("/own.xml")]), db_path)
    assert [f.status for f in result.feeds] == ["ok", "ok"], result.feeds
    feeds = rows(db_path, "SELECT title, parse_warning FROM feeds ORDER BY id")
    assert [tuple(r) for r in feeds] == [("Café Desk", None), ("Ünïcode Desk", None)]
    assert rows(db_path, "SELECT title FROM stories ORDER BY id")[0][0] == "Señor Roe joins the lab"


def test_a_repaired_feed_is_not_taken_for_a_broken_one(server: FeedServer, db_path: Path) -> None:
    """A feed with one stray byte (repaired, with a warning) was handled like a malformed one
    whose entries may be cut short: a summary edited down to its first sentence was ignored."""

    def feed(summary: str) -> bytes:
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Quay'
            "</title><item><title>Quay lab hires Ana Roe</title><link>https://quay.example/1"
            f"</link><description>{summary}</description></item><item><title>Caf\xe9 note"
            "</title><link>https://quay.example/2</link></item></channel></rss>"
        ).encode("latin-1")

    server.routes["/q.xml"] = Route(body=feed("Ana Roe joins. She led the Orbitol team."))
    settings = make_settings([server.url("/q.xml")])
    run_poll(settings, db_path)
    server.routes["/q.xml"] = Route(body=feed("Ana Roe joins."))
    result = run_poll(settings, db_path, all_feeds=True)
    assert result.updated_stories == 1
    summary = rows(db_path, "SELECT summary FROM stories WHERE url = 'https://quay.example/1'")
    assert summary[0][0] == "Ana Roe joins."


def test_stories_stored_before_links_were_encoded_are_found_again(
    server: FeedServer, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the upgrade that percent-encodes links and reads Bing News redirects, every stored
    item without a guid whose link changed form came back as a new, unread, unstarred copy
    (and the digest announced yesterday's news again)."""
    import monitor.parse as parse_module
    from monitor import urls

    bing = (
        "http://www.bing.com/news/apiclick.aspx?ref=FexRss&amp;tid=1&amp;"
        "url=https%3a%2f%2fwww.outlet.example%2fa"
    )
    items = [
        {"title": "Quay lab opens", "link": "https://quay.example/quill mark raise.html"},
        {"title": "Brindle moves", "link": "https://quay.example/café/zürich"},
        {"title": "Outlet item", "link": bing},
        {"title": "Guid item", "link": "https://quay.example/記事/1", "guid": "g-1"},
    ]
    server.routes["/q.xml"] = Route(body=rss(items))
    settings = make_settings([server.url("/q.xml")])
    with monkeypatch.context() as patch:  # as monitor stored links until 2026-11-24
        patch.setattr(
            parse_module, "canonical_url", lambda link: urls.canonical_url(link, legacy=True)
        )
        patch.setattr(parse_module, "legacy_url", lambda link, url: None)
        assert run_poll(settings, db_path).new_stories == 4
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE stories SET starred = 1, read = 1")
    items.insert(0, {"title": "A later item", "link": "https://quay.example/later"})
    server.routes["/q.xml"] = Route(body=rss(items))  # (an unchanged body is not read again)
    again = run_poll(settings, db_path, all_feeds=True)
    assert (again.new_stories, again.updated_stories) == (1, 0)
    stored = rows(
        db_path, "SELECT url, starred, read, is_updated FROM stories WHERE id <= 4 ORDER BY id"
    )
    assert [tuple(r) for r in stored] == [
        ("https://quay.example/quill%20mark%20raise.html", 1, 1, 0),
        ("https://quay.example/caf%C3%A9/z%C3%BCrich", 1, 1, 0),
        ("https://www.outlet.example/a", 1, 1, 0),
        ("https://quay.example/%E8%A8%98%E4%BA%8B/1", 1, 1, 0),
    ]
    server.routes["/q.xml"] = Route(body=rss([*items, {"title": "x", "link": "https://q.ex/x"}]))
    assert run_poll(settings, db_path, all_feeds=True).new_stories == 1
