"""Crashes, concurrent use and a failing disk: the database stays whole and nothing is lost.

Every poll here is the real `monitor poll` in a child process, killed, raced and starved the way
cron and a user's machine do it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from monitor import db as dbmod
from tests import runmonitor
from tests.feedserver import FeedServer, Route, drip, rss

FEEDS = 24
SEED = int(os.environ.get("MONITOR_CRASH_SEED", "61106"))


def _feed_items(feed: int, count: int) -> list[dict[str, str]]:
    """`count` stories of one feed; every third links to a story other feeds also carry."""
    items = []
    for i in range(count):
        shared = i % 3 == 0
        link = f"https://shared.example/{i}" if shared else f"https://crash.example/{feed}/{i}"
        items.append(
            {
                "title": f"Feed {feed} dispatch {i} on accelerator supply",
                "link": link,
                "guid": f"f{feed}-g{i}",
                "description": f"Body of dispatch {i} in feed {feed}.",
            }
        )
    return items


class Newsroom:
    """FEEDS feeds whose item count grows each round, some served slowly."""

    def __init__(self, server: FeedServer, tmp_path: Path, slow: float = 0.25) -> None:
        self.server = server
        self.config = tmp_path / "feeds.yaml"
        self.db = tmp_path / "monitor.db"
        self.slow = slow
        self.count = 0
        feeds = "\n".join(f"  - url: {server.url(f'/n{n}.xml')}" for n in range(FEEDS))
        self.config.write_text(f"feeds:\n{feeds}\npoll:\n  feed_deadline: 20\n", encoding="utf-8")
        server.httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]

    def publish(self, count: int) -> None:
        self.count = count
        for n in range(FEEDS):
            body = rss(_feed_items(n, count), title=f"Desk {n}")
            if n % 4 == 0:
                self.server.routes[f"/n{n}.xml"] = self._slowly(body)
            else:
                self.server.routes[f"/n{n}.xml"] = Route(body=body)

    def _slowly(self, body: bytes) -> object:
        delay = self.slow

        def handler(request: BaseHTTPRequestHandler) -> None:
            time.sleep(delay)
            request.send_response(200)
            request.send_header("Content-Type", "application/rss+xml")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            try:
                request.wfile.write(body)
            except OSError:
                pass

        return handler

    def args(self, *extra: str) -> list[str]:
        return ["poll", "--all", "-q", "--config", str(self.config), "--db", str(self.db), *extra]

    def expected_urls(self) -> set[str]:
        return {item["link"] for n in range(FEEDS) for item in _feed_items(n, self.count)}


def _check_whole(db: Path) -> None:
    """integrity_check ok, no dangling references, no story stored twice."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        twice = conn.execute(
            "SELECT url, COUNT(*) FROM stories WHERE url IS NOT NULL GROUP BY url HAVING COUNT(*) > 1"
        ).fetchall()
        assert twice == []
    finally:
        conn.close()


def _orphans(marker: str) -> list[int]:
    """Processes still running a poll for this test (e.g. parse workers of a killed poll)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline and runmonitor.LAUNCH.encode() in cmdline:
            found.append(int(entry.name))
    return found


@pytest.fixture
def newsroom(server: FeedServer, tmp_path: Path) -> Newsroom:
    return Newsroom(server, tmp_path)


def test_kill_9_at_random_moments_loses_nothing(newsroom: Newsroom) -> None:
    rng = random.Random(SEED)
    kills, attempts, longest = 0, 0, 2.0
    while kills < 8 and attempts < 40:
        attempts += 1
        newsroom.publish(6 + attempts * 2)  # every round brings new stories to write
        proc = runmonitor.start(newsroom.args())
        started = time.monotonic()
        time.sleep(rng.uniform(0.02, longest))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            kills += 1
        else:
            longest = max(0.3, min(longest, time.monotonic() - started))
            assert proc.returncode == 0
        _check_whole(newsroom.db)
    assert kills >= 8, f"only {kills} polls were killed mid-run in {attempts} attempts"

    # No lock, no stray state: the next poll runs and ends with every story exactly once.
    final = runmonitor.run(*newsroom.args(), timeout=120)
    assert final.code == 0, final.err
    _check_whole(newsroom.db)
    conn = sqlite3.connect(newsroom.db)
    try:
        urls = [row[0] for row in conn.execute("SELECT url FROM stories")]
        sources = conn.execute("SELECT COUNT(*) FROM story_sources").fetchone()[0]
    finally:
        conn.close()
    assert sorted(urls) == sorted(newsroom.expected_urls())
    assert sources == FEEDS * newsroom.count

    # Parse workers of a killed poll do not linger.
    deadline = time.monotonic() + 10
    while _orphans(str(newsroom.config)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _orphans(str(newsroom.config)) == []


def test_reader_and_writer_beside_repeated_polls(newsroom: Newsroom) -> None:
    """A TUI-like process reads all the time and stars stories while cron polls."""
    newsroom.slow = 0.05
    newsroom.publish(10)
    assert runmonitor.run(*newsroom.args()).code == 0
    reader = dbmod.connect(newsroom.db)
    stop = threading.Event()
    problems: list[str] = []
    starred: set[int] = set()

    def read_and_star() -> None:
        rng = random.Random(SEED)
        while not stop.is_set():
            try:
                reader.execute("BEGIN")
                ids = [row[0] for row in reader.execute("SELECT id FROM stories")]
                reader.execute("SELECT COUNT(*) FROM story_sources").fetchone()
                reader.execute("COMMIT")
                story = rng.choice(ids)
                with dbmod.write(reader):
                    reader.execute(
                        "UPDATE stories SET starred = 1, read = 1 WHERE id = ?", (story,)
                    )
                starred.add(story)
            except sqlite3.Error as exc:
                problems.append(str(exc))
                if reader.in_transaction:
                    reader.execute("ROLLBACK")
            time.sleep(0.005)

    thread = threading.Thread(target=read_and_star)
    thread.start()
    try:
        for round_ in range(5):
            newsroom.publish(12 + round_ * 4)
            done = runmonitor.run(*newsroom.args(), timeout=120)
            assert done.code == 0, done.err
            assert "locked" not in done.err.lower()
    finally:
        stop.set()
        thread.join()
    assert problems == []
    assert starred
    lost = [
        story
        for story in starred
        if reader.execute("SELECT starred FROM stories WHERE id = ?", (story,)).fetchone()[0] != 1
    ]
    reader.close()
    assert lost == []
    _check_whole(newsroom.db)
    conn = sqlite3.connect(newsroom.db)
    try:
        assert conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0] == len(
            newsroom.expected_urls()
        )
    finally:
        conn.close()


def test_reader_holding_a_snapshot_for_minutes_does_not_block_cron(newsroom: Newsroom) -> None:
    newsroom.slow = 0.0
    newsroom.publish(5)
    assert runmonitor.run(*newsroom.args()).code == 0
    reader = dbmod.connect(newsroom.db)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM stories").fetchone()
    try:
        for count in (8, 11):
            newsroom.publish(count)
            done = runmonitor.run(*newsroom.args(), timeout=120)
            assert done.code == 0, done.err
    finally:
        reader.execute("COMMIT")
        reader.close()
    wal = Path(f"{newsroom.db}-wal")
    assert not wal.exists() or wal.stat().st_size < 16 * 1024 * 1024


def test_second_poll_at_once_exits_3(server: FeedServer, tmp_path: Path) -> None:
    release = threading.Event()

    def held(request: BaseHTTPRequestHandler) -> None:
        release.wait(60)
        body = rss([{"title": "Held back", "guid": "h1", "link": "https://held.example/1"}])
        request.send_response(200)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    server.routes["/held.xml"] = held
    config = tmp_path / "feeds.yaml"
    config.write_text(f"feeds:\n  - url: {server.url('/held.xml')}\n", encoding="utf-8")
    db = tmp_path / "monitor.db"
    first = runmonitor.start(["poll", "--config", str(config), "--db", str(db)])
    try:
        lock = Path(f"{db}.lock")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.hits["/held.xml"] == 0:
            time.sleep(0.05)
        assert server.hits["/held.xml"] == 1, "the first poll never started fetching"
        assert lock.read_text().strip() == str(first.pid)
        second = runmonitor.run("poll", "--config", str(config), "--db", str(db), timeout=60)
        assert first.poll() is None  # the second did not wait for the first
        assert second.code == 3
        assert "another poll" in second.err and "Traceback" not in second.err
    finally:
        release.set()
        assert first.wait(timeout=60) == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0] == 1
    conn.close()


# A separate filesystem for the database: a read-only mount, or a tiny tmpfs that fills up.
# `unshare -rm` gives this test its own user and mount namespace, so no privileges are needed
# and nothing outside the test sees the mounts.


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt 2>/dev/null || "
         "mount -t tmpfs -o size=1m tmpfs /tmp"],
        capture_output=True, timeout=30,
    )  # fmt: skip
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(
    not _namespaces_work(), reason="needs `unshare -rm` (unprivileged user namespaces)"
)


@pytest.fixture
def polled(server: FeedServer, tmp_path: Path) -> Iterator[tuple[Path, Path, Path]]:
    """A database with one polled feed, in its own directory; plus a config with more feeds."""
    server.routes["/one.xml"] = Route(body=rss(_feed_items(0, 5), title="One"))
    for n in range(1, 9):
        server.routes[f"/big{n}.xml"] = Route(body=rss(_feed_items(n, 400), title=f"Big {n}"))
    home = tmp_path / "dbdir"
    home.mkdir()
    db = home / "monitor.db"
    small = tmp_path / "small.yaml"
    small.write_text(f"feeds:\n  - url: {server.url('/one.xml')}\n", encoding="utf-8")
    assert runmonitor.run("poll", "--config", str(small), "--db", str(db)).code == 0
    big = tmp_path / "big.yaml"
    urls = [server.url("/one.xml")] + [server.url(f"/big{n}.xml") for n in range(1, 9)]
    big.write_text(
        "feeds:\n" + "".join(f"  - url: {u}\n" for u in urls) + "poll:\n  parse_workers: 0\n",
        encoding="utf-8",
    )
    yield home, small, big


def _story_counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return dict(
            conn.execute(
                "SELECT f.config_url, COUNT(s.key) FROM feeds f "
                "LEFT JOIN story_sources s ON s.feed_id = f.id GROUP BY f.id"
            ).fetchall()
        )
    finally:
        conn.close()


@needs_namespaces
@pytest.mark.parametrize("what", ["directory", "file"])
def test_read_only_database_is_a_clear_error(polled: tuple[Path, Path, Path], what: str) -> None:
    home, _small, big = polled
    db = home / "monitor.db"
    before = db.read_bytes()
    target = home if what == "directory" else db
    read_only = [
        "unshare", "-rm", "sh", "-c",
        'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"', str(target),
    ]  # fmt: skip
    done = runmonitor.run("poll", "--all", "--config", str(big), "--db", str(db), wrapper=read_only)
    assert done.code == 4, done.err
    assert "Traceback" not in done.err
    assert str(db) in done.err and ("read-only" in done.err or "readonly" in done.err)
    assert db.read_bytes() == before
    # The commands that only read still read it (another user's cron may own it), as it was
    # last written; only `digest --since last`, which must remember the digest, cannot.
    feeds = runmonitor.run("feeds", "--config", str(big), "--db", str(db), wrapper=read_only)
    assert feeds.code == 0 and "One" in feeds.out, feeds.err
    export = runmonitor.run("export", "--config", str(big), "--db", str(db), wrapper=read_only)
    stored = sqlite3.connect(db).execute("SELECT COUNT(*) FROM stories").fetchone()[0]
    assert export.code == 0 and len(export.out.splitlines()) == stored > 0, export.err
    since = runmonitor.run("digest", "--since", "30d", "--db", str(db), wrapper=read_only)
    assert since.code == 0 and "NEW" in since.out, since.err
    last = runmonitor.run("digest", "--db", str(db), wrapper=read_only)
    assert last.code == 4 and last.out == "", last.out
    assert "cannot remember this digest" in last.err and "--since 1d" in last.err, last.err
    assert db.read_bytes() == before
    _check_whole(db)


@needs_namespaces
def test_full_disk_is_a_clear_error_and_nothing_half_written(
    polled: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    home, _small, big = polled
    out = tmp_path / "after"
    out.mkdir()
    size_kib = (home / "monitor.db").stat().st_size // 1024 + 160
    full_disk = [
        "unshare", "-rm", "sh", "-c",
        'home="$0"; out="$1"; size="$2"; shift 2; '
        'cp -a "$home"/. "$out"/ && mount -t tmpfs -o size="$size"k tmpfs "$home" '
        '&& cp -a "$out"/. "$home"/ && rm -f "$out"/* || exit 99; '
        '"$@"; code=$?; cp -a "$home"/. "$out"/; exit $code',
        str(home), str(out), str(size_kib),
    ]  # fmt: skip
    db = home / "monitor.db"
    done = runmonitor.run("poll", "--all", "--config", str(big), "--db", str(db), wrapper=full_disk)
    assert done.code == 4, done.err
    assert "Traceback" not in done.err
    assert "full" in done.err and str(db) in done.err

    # What reached the disk is whole: every feed has all of its stories or none of them.
    stored = out / "monitor.db"
    _check_whole(stored)
    counts = _story_counts(stored)
    assert all(count in (0, 5, 400) for count in counts.values()), counts
    assert sum(1 for count in counts.values() if count == 400) < 8  # it really ran out

    # With room again, the next poll completes and stores everything exactly once.
    for name in os.listdir(out):
        shutil.copy(out / name, home / name)
    again = runmonitor.run("poll", "--all", "--config", str(big), "--db", str(db))
    assert again.code == 0, again.err
    _check_whole(db)
    assert sorted(_story_counts(db).values()) == [5] + [400] * 8


@needs_namespaces
def test_a_new_database_on_a_full_disk_names_the_cause(tmp_path: Path) -> None:
    """SQLite had rolled the transaction back itself, and our ROLLBACK's "cannot rollback - no
    transaction is active" was the message instead of the full disk."""
    words = " ".join(f"word{n}" for n in range(700))
    feed = tmp_path / "long.xml"
    feed.write_bytes(
        rss(
            [
                {"title": f"Long bulletin {n}", "guid": f"b{n}", "description": f"{n} {words}"}
                for n in range(400)
            ],
            title="Long",
        )
    )
    config = tmp_path / "feeds.yaml"
    config.write_text(f"feeds:\n  - url: {feed}\n", encoding="utf-8")
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    on_tiny_disk = [
        "unshare", "-rm", "sh", "-c",
        'mount -t tmpfs -o size=1m tmpfs "$0" || exit 99; exec "$@"', str(tiny),
    ]  # fmt: skip
    done = runmonitor.run(
        "poll", "--json", "--config", str(config), "--db", str(tiny / "m.db"), wrapper=on_tiny_disk
    )
    assert done.code == 4, done.err
    error = json.loads(done.out)["error"]
    assert "full" in error and "rollback" not in error, error


def test_ctrl_c_exits_130_not_the_feed_failed_code(server: FeedServer, tmp_path: Path) -> None:
    """Ctrl-C printed "Aborted!" and exited 1, the code cron (and the README's systemd unit)
    reads as "a feed failed"."""
    server.routes["/slow.xml"] = drip(0.5)
    config = tmp_path / "feeds.yaml"
    config.write_text(f"feeds:\n  - url: {server.url('/slow.xml')}\n", encoding="utf-8")
    proc = runmonitor.start(
        ["poll", "--config", str(config), "--db", str(tmp_path / "m.db")],
        stderr=subprocess.PIPE,
    )
    time.sleep(2.0)  # started and waiting on the dripping feed
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert b"Interrupted." in err and b"Traceback" not in err
