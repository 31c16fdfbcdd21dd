"""One poll against everything a hostile or broken server can do, beside healthy feeds.

The poll runs as the real `monitor poll` in a child process so the suite sees what cron sees:
the exit code, the bytes written to the terminal, and peak memory. Every fault is served by a
real server on 127.0.0.1 in the same poll, because faults that are harmless one at a time can
still add up (memory of a bomb plus a huge body plus 20,000 items at once).
"""

from __future__ import annotations

import email.utils
import json
import socket
import sqlite3
import struct
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests import runmonitor
from tests.feedserver import FeedServer, Route, rss

FEED_DEADLINE = 4.0
NO_HANG_SLACK = 20.0  # generous: proves "bounded by the deadline", not a speed target
PEAK_RSS_LIMIT_MIB = 400
MANY_ITEMS = 20_000

# Terminal-driving payloads: OSC 0 (window title), OSC 8 (hyperlink), OSC 52 (clipboard write),
# CSI (clear screen, colours), 8-bit C1 CSI/OSC, and bidi overrides/isolates.
HOSTILE_TITLE = (
    "Headline \x1b]0;owned-title\x07one "
    "\x1b]8;;https://phish.example/\x1b\\two\x1b]8;;\x1b\\ "
    "\x1b]52;c;cm0gLXJmIH4=\x07three \x1b[2J\x1b[31mfour\x1b[0m "
    "\x9b31mfive \x9d0;c1-title\x9c six \u202eevil\u202c \u2066iso\u2069 \x07\x08end"
)


# Dates no story should be filed under: far future, impossible, unparseable.
DATED = [
    ("From the far future", "Fri, 01 Jan 2100 00:00:00 GMT"),
    ("Year nine thousand", "9999-12-31T23:59:59Z"),
    ("Nonsense date", "the day after tomorrow-ish"),
    ("Impossible date", "Thu, 45 Foo 20255 99:99:99 XYZ"),
]


def _bytes_that_drive_terminals(data: bytes) -> list[str]:
    text = data.decode("utf-8", "replace")
    found = []
    for ch in text:
        code = ord(ch)
        if (code < 0x20 and ch not in "\n\t") or 0x7F <= code <= 0x9F:
            found.append(f"U+{code:04X}")
        elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or ch in "\u200e\u200f":
            found.append(f"U+{code:04X}")
    return found


def _gzip_bomb(inflated_mib: int) -> bytes:
    """A gzip body of about 1 MB per GiB that inflates to `inflated_mib` MiB of zeros."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    parts = [packer.compress(b"<rss><channel><title>")]
    parts += [packer.compress(zeros) for _ in range(inflated_mib)]
    parts.append(packer.flush())
    return b"".join(parts)


def _items(count: int, prefix: str, **extra: str) -> list[dict[str, str]]:
    return [
        {
            "title": f"Wire {prefix} report {i} on inference clusters",
            "link": f"https://wire.example/{prefix}/{i}",
            "guid": f"{prefix}-{i}",
            "description": f"Paragraph {i} from the {prefix} desk.",
            "pubDate": "Wed, 11 Jun 2025 08:30:00 GMT",
            **extra,
        }
        for i in range(count)
    ]


def _doc(doctype: str, item_title: str, guid: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}\n<rss version="2.0"><channel>'
        f"<title>Entity test {guid}</title><item><title>{item_title}</title>"
        f"<link>https://entities.example/{guid}</link><guid>{guid}</guid></item>"
        "</channel></rss>"
    ).encode()


class _Hostile:
    """Handlers that misbehave at the socket level. They stop when the server stops."""

    def __init__(self, server: FeedServer) -> None:
        self.server = server

    def drip(self, request: BaseHTTPRequestHandler) -> None:
        """Headers, then one byte a second for two minutes (far past any sane deadline)."""
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("Content-Length", "1000000")
        request.end_headers()
        try:
            for _ in range(120):
                request.wfile.write(b"<")
                request.wfile.flush()
                if self.server.stopping.wait(1.0):
                    break
        except OSError:
            pass
        request.close_connection = True

    def silent(self, request: BaseHTTPRequestHandler) -> None:
        """Accept the request and never answer a single byte."""
        self.server.stopping.wait(120)
        request.close_connection = True

    def reset(self, request: BaseHTTPRequestHandler) -> None:
        """Abort the TCP connection (RST) instead of answering."""
        request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        request.close_connection = True
        request.connection.close()

    def endless(self, request: BaseHTTPRequestHandler) -> None:
        """64 MiB with no Content-Length: the cap must hold while streaming."""
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("Connection", "close")
        request.end_headers()
        chunk = b"<item>" + b"x" * (1 << 20) + b"</item>"
        try:
            request.wfile.write(b"<rss><channel>")
            for _ in range(64):
                request.wfile.write(chunk)
        except OSError:
            pass
        request.close_connection = True


@dataclass
class Scene:
    server: FeedServer
    config: Path
    db: Path
    secret: str
    paths: dict[str, str]  # short name -> path on the server

    def url(self, name: str) -> str:
        return self.server.url(self.paths[name])

    def hits(self, name: str) -> int:
        return self.server.hits[self.paths[name]]


FAILING = (
    "drip", "silent", "reset", "http500", "http503", "http429", "http404", "http410",
    "loop", "to_file", "bomb", "huge", "endless", "html", "empty",
)  # fmt: skip
DISARMED = ("laughs", "big_entity", "xxe")


def _build(server: FeedServer, tmp_path: Path) -> Scene:
    server.httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]
    hostile = _Hostile(server)
    secret = f"local-secret-{uuid.uuid4().hex}"
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(secret + "\n", encoding="utf-8")
    retry_date = email.utils.formatdate(time.time() + 7200, usegmt=True)
    lol = "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
    routes: dict[str, Any] = {
        "healthy_a": Route(body=rss(_items(6, "alpha"), title="Alpha desk")),
        "healthy_b": Route(body=rss(_items(4, "beta"), title="Beta desk"), etag='"b1"'),
        "moved": Route(status=301, headers={"Location": "/moved-here.xml"}),
        "drip": hostile.drip,
        "silent": hostile.silent,
        "reset": hostile.reset,
        "http500": Route(status=500, body=b"internal error"),
        "http503": Route(status=503, headers={"Retry-After": "3600"}),
        "http429": Route(status=429, headers={"Retry-After": retry_date}),
        "http404": Route(status=404, body=b"no such feed"),
        "http410": Route(status=410, body=b"gone"),
        "loop": Route(status=302, headers={"Location": "/loop-b.xml"}),
        "to_file": Route(status=302, headers={"Location": f"file://{secret_file}"}),
        "bomb": Route(body=_gzip_bomb(1024), headers={"Content-Encoding": "gzip"}),
        "huge": Route(body=b"<rss><channel>" + b"y" * (64 << 20)),
        "endless": hostile.endless,
        "html": Route(
            body=b"<!doctype html><html><head><title>Welcome</title></head><body>Hi</body></html>",
            content_type="text/html; charset=utf-8",
        ),
        "empty": Route(body=b""),
        "truncated": Route(body=rss(_items(5, "trunc"))[:-45]),
        "latin1": Route(
            body=(
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                "<title>Desk Zürich</title><item><title>Café Münster, Überblick</title>"
                "<guid>lat-1</guid><link>https://latin.example/1</link></item>"
                "</channel></rss>"
            ).encode("latin-1"),
        ),
        "anonymous": Route(
            body=(
                b'<?xml version="1.0"?><rss version="2.0"><channel><title>No ids</title>'
                b"<item><description>Only a body, first</description></item>"
                b"<item><description>Only a body, second</description></item>"
                b"<item><description>Only a body, third</description></item>"
                b"<item></item></channel></rss>"
            )
        ),
        "dates": Route(
            body=rss(
                [{"title": t, "guid": f"d{n}", "pubDate": d} for n, (t, d) in enumerate(DATED, 1)]
            )
        ),
        "big_title": Route(body=rss([{"title": "T" * 1_000_000, "guid": "big-1"}])),
        "many": Route(body=rss(_items(MANY_ITEMS, "many"), title="Twenty thousand")),
        "escapes": Route(
            body=rss(
                [{"title": HOSTILE_TITLE, "guid": "esc-1", "link": "https://esc.example/1"}],
                title="Feed \x1b]0;feed-title\x07named \x1b[5mloudly\u202e",
            )
        ),
        "laughs": Route(
            body=_doc(f'<!DOCTYPE rss [<!ENTITY lol0 "lol">{lol}]>', "laugh &lol9;", "lol")
        ),
        "big_entity": Route(
            body=_doc(
                f'<!DOCTYPE rss [<!ENTITY big "{"B" * 100_000}">]>', "big " + "&big;" * 5000, "big"
            )
        ),
        "xxe": Route(
            body=_doc(
                f'<!DOCTYPE rss [<!ENTITY leak SYSTEM "file://{secret_file}">]>',
                "x &leak; y",
                "xxe",
            )
        ),
    }
    paths = {name: f"/{name.replace('_', '-')}.xml" for name in routes}
    for name, route in routes.items():
        server.routes[paths[name]] = route
    server.routes["/loop-b.xml"] = Route(status=302, headers={"Location": paths["loop"]})
    server.routes["/moved-here.xml"] = Route(body=rss(_items(3, "moved"), title="Moved desk"))

    feeds = "\n".join(f"  - url: {server.url(paths[name])}" for name in routes)
    config = tmp_path / "feeds.yaml"
    config.write_text(
        f"feeds:\n{feeds}\n"
        "poll:\n"
        f"  feed_deadline: {FEED_DEADLINE}\n"
        "  read_timeout: 60\n"  # so the deadline, not a read timeout, is what stops the drip
        "  connect_timeout: 5\n"
        "  concurrency: 16\n"
        "  per_host: 64\n",  # every fault is on 127.0.0.1; let them all run at once
        encoding="utf-8",
    )
    return Scene(server, config, tmp_path / "monitor.db", secret, paths)


@pytest.fixture
def scene(server: FeedServer, tmp_path: Path) -> Iterator[Scene]:
    yield _build(server, tmp_path)


def _feeds_json(scene: Scene) -> dict[str, dict[str, Any]]:
    done = runmonitor.run(
        "feeds", "--format", "json", "--config", str(scene.config), "--db", str(scene.db)
    )
    assert done.code == 0, done.err
    assert not _bytes_that_drive_terminals(done.stdout)
    return {row["url"]: row for row in json.loads(done.out)}


def _db_bytes(db: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            data += path.read_bytes()
    return data


def test_one_poll_against_every_fault(scene: Scene) -> None:
    args = ("poll", "--config", str(scene.config), "--db", str(scene.db))
    first = runmonitor.run(*args, timeout=FEED_DEADLINE + 120)
    print(f"fault poll: {first.seconds:.1f} s, peak RSS {first.peak_rss_mib:.0f} MiB")

    # Bounded in time and memory, and cron is told that something failed.
    assert first.code == 1, first.err
    assert first.seconds < FEED_DEADLINE + NO_HANG_SLACK + 15, "the poll waited on a slow server"
    assert first.peak_rss_mib < PEAK_RSS_LIMIT_MIB
    assert "Traceback" not in first.err
    assert not _bytes_that_drive_terminals(first.stdout + first.stderr)

    feeds = _feeds_json(scene)
    by_name = {name: feeds[scene.url(name)] for name in scene.paths}

    # Healthy and redirected feeds are stored in full.
    assert by_name["healthy_a"]["stories"] == 6 and by_name["healthy_a"]["status"] == "ok"
    assert by_name["healthy_b"]["stories"] == 4 and by_name["healthy_b"]["status"] == "ok"
    assert by_name["moved"]["stories"] == 3 and by_name["moved"]["status"] == "ok"
    assert by_name["moved"]["moved_to"] == scene.server.url("/moved-here.xml")

    # Every failing feed is failed with a readable sentence of its own.
    for name in FAILING:
        row = by_name[name]
        assert row["status"] in ("error", "gone"), (name, row)
        error = row["error"] or ""
        assert 8 < len(error) < 300 and "Traceback" not in error, (name, error)
    errors = {name: by_name[name]["error"] for name in FAILING}
    assert "deadline" in errors["drip"] and "deadline" in errors["silent"]
    assert "reset" in errors["reset"] or "broke the connection" in errors["reset"]
    assert "500" in errors["http500"] and "404" in errors["http404"]
    assert "retry" in errors["http503"] and "retry" in errors["http429"]
    assert "410" in errors["http410"] and by_name["http410"]["status"] == "gone"
    assert "redirect loop" in errors["loop"]
    assert "refused to follow a redirect to a file" in errors["to_file"]
    for name in ("bomb", "huge", "endless"):
        assert "larger than the 15 MiB limit" in errors[name], name
    assert "HTML page" in errors["html"] and "empty" in errors["empty"]

    # Recoverable feeds keep what can be recovered.
    assert by_name["truncated"]["stories"] >= 4 and by_name["truncated"]["warning"]
    assert by_name["anonymous"]["stories"] == 3
    assert by_name["dates"]["stories"] == 4
    assert by_name["big_title"]["stories"] == 1
    assert by_name["many"]["stories"] == MANY_ITEMS
    assert by_name["escapes"]["stories"] == 1
    for name in DISARMED:
        assert by_name[name]["stories"] == 1, name

    conn = sqlite3.connect(scene.db)
    try:
        titles = dict(
            conn.execute(
                "SELECT s.key, st.title FROM story_sources s JOIN stories st ON st.id = s.story_id"
            ).fetchall()
        )
        published = dict(
            conn.execute(
                "SELECT s.key, st.published FROM story_sources s "
                "JOIN stories st ON st.id = s.story_id WHERE st.title LIKE '%date%' "
                "OR st.title LIKE '%future%' OR st.title LIKE 'Year nine%'"
            ).fetchall()
        )
        longest = conn.execute("SELECT MAX(LENGTH(title)), MAX(LENGTH(summary)) FROM stories")
        max_title, max_summary = longest.fetchone()
    finally:
        conn.close()
    titles = {key.rsplit("/", 1)[-1]: title for key, title in titles.items()}
    published = {key.rsplit("/", 1)[-1]: value for key, value in published.items()}
    assert titles["lat-1"] == "Café Münster, Überblick"
    assert published == {"d1": None, "d2": None, "d3": None, "d4": None}
    assert len(titles["big-1"]) <= 500 and max_title <= 500 and max_summary <= 20_000
    assert titles["esc-1"].startswith("Headline one two three four")
    assert not _bytes_that_drive_terminals(titles["esc-1"].encode())
    assert titles["lol"].startswith("laugh") and len(titles["lol"]) < 100
    assert len(titles["big"]) <= 500

    # No local file content is ever stored (XXE, redirect to file://), nor shown.
    assert scene.secret.encode() not in _db_bytes(scene.db)
    assert scene.secret not in first.out + first.err

    # An immediate second poll, even with --all, leaves 429/503 alone until Retry-After and
    # never asks for the 410 feed again.
    before = {name: scene.hits(name) for name in ("http429", "http503", "http410", "healthy_b")}
    second = runmonitor.run(*args, "--all", timeout=FEED_DEADLINE + 120)
    assert second.code == 1, second.err
    assert second.seconds < FEED_DEADLINE + NO_HANG_SLACK + 15
    for name in ("http429", "http503", "http410"):
        assert scene.hits(name) == before[name], name
    assert scene.hits("healthy_b") == before["healthy_b"] + 1  # it did poll the others
    again = _feeds_json(scene)
    assert again[scene.url("many")]["stories"] == MANY_ITEMS  # nothing stored twice
    assert again[scene.url("http410")]["next_check"] is None


def test_hostile_text_never_reaches_the_terminal(scene: Scene) -> None:
    """Feed titles, story titles and server error text are printed clean by every command."""
    only = ("escapes", "healthy_a", "http500")
    feeds = "\n".join(f"  - url: {scene.url(name)}" for name in only)
    scene.config.write_text(f"feeds:\n{feeds}\npoll:\n  parse_workers: 0\n", encoding="utf-8")
    scene.server.routes[scene.paths["http500"]] = Route(
        status=500, body=HOSTILE_TITLE.encode("utf-8", "surrogatepass")
    )
    common = ("--config", str(scene.config), "--db", str(scene.db))
    outputs = [runmonitor.run("poll", *common), runmonitor.run("poll", "--all", "--json", *common)]
    outputs.append(runmonitor.run("feeds", *common))
    outputs.append(runmonitor.run("feeds", "--format", "json", *common))
    commands = runmonitor.run("--help").out
    for name in ("digest", "groups", "stories"):
        if f"  {name} " in commands:
            outputs.append(runmonitor.run(name, *common))
    for done in outputs:
        assert "Traceback" not in done.err
        assert not _bytes_that_drive_terminals(done.stdout + done.stderr), done.out + done.err
    table = outputs[2].out
    assert "Feed named loudly" in table
