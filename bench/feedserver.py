"""A local feed server for benchmarks: N synthetic RSS feeds of M items each, on 127.0.0.1.

    .venv/bin/python bench/feedserver.py --feeds 300 --items 30 [--port 8765] [--urls urls.txt]

Every feed is at /feed/<n>.xml. Items are made up here from templates and invented names
("Lab 17 ships compact drone", "Vorlan delays modular relay to spring"), never real headlines;
about two fifths report an event that two or three other feeds carry too, in other words.
Each response carries an ETag and a Last-Modified date, and a conditional GET that matches
(If-None-Match, or If-Modified-Since when no ETag is sent) is answered 304 with no body, so a
second poll of unchanged feeds is all 304s. `change(fraction)` moves a share of the feeds to a
new version (a few new items on top, the oldest ones drop off, new ETag and date); `reset()`
puts every feed back to its first version. Bodies are rendered once per version and cached, so
the server costs little CPU next to the pollers it serves.

From the command line it serves until interrupted; lines on stdin control it:
`change [fraction]` (default 0.1), `reset`, `stats`, `quit`.

As a module:

    with BenchFeedServer(SyntheticFeeds(300, 30)) as server:
        urls = server.urls()
        ...
        server.feeds.change(0.1)
        print(server.take_stats())   # Counter of HTTP statuses since the last call
"""

from __future__ import annotations

import argparse
import email.utils
import random
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

_SYLLABLES = "vor lan te ka mi rus del ox pra fen zul or qui bar sen tal nu gri ba lo".split()
_KINDS = ["Systems", "Labs", "Robotics", "Compute", "Networks", "Foundry", "Analytics", "Works"]
_GIVEN = "Ada Bo Cai Dara Eli Femi Gus Hana Ivo Juno Kit Lars Mira Noor Oona Pim Rhea Sol".split()
_THINGS = (
    "model relay chip assistant satellite compiler drone router headset scanner turbine "
    "inverter database browser tablet camera printer thermostat modem charger robot vaccine "
    "reactor microscope keyboard speaker antenna glider harvester locker"
).split()
_ADJECTIVES = (
    "compact rugged modular budget flagship solar wireless foldable quiet open hybrid portable "
    "industrial medical orbital low-power waterproof enterprise autonomous refurbished cheaper "
    "faster lighter smarter upgraded experimental"
).split()
_MONTHS = ["spring", "summer", "autumn", "winter", "next year", "the second half", "March"]
_TAILS = ["in {place}", "for {fig}", "after {n} years", "this {season}", "", "", "", ""]
# Event kinds, each a set of wordings: outlets covering the same event word it differently
# (the verbs of one kind are the synonyms the grouping folds into one family).
_EVENTS = [
    (
        "{org} ships {adj} {thing} {tail}",
        "{org} releases {adj} {thing}",
        "{org} unveils {thing} {tail}",
    ),
    (
        "{org} delays {adj} {thing} to {month}",
        "{org} postpones {thing} until {month}",
        "{adj} {thing} from {org} slips",
    ),
    (
        "{org} hires {k} from {other}",
        "{org} poaches {k} {thing} staff from {other}",
        "{other} {thing} team joins {org}",
    ),
    ("{org} raises {fig} {tail}", "{org} gets {fig} for {adj} {thing}", "{fig} for {org} {tail}"),
    (
        "{org} and {other} team up on {thing}s",
        "{org} partners with {other} {tail}",
        "{other} backs {org} {thing}",
    ),
    (
        "{org} cuts {k} jobs in {place}",
        "{org} lays off {k} {tail}",
        "{k} {org} staff go in {place}",
    ),
    (
        "{org} opens {thing} plant in {place}",
        "{org} builds {adj} {thing} site in {place}",
        "{place} gets {org} {thing} works",
    ),
    (
        "{place} probes {org} {thing} prices",
        "{org} faces {place} inquiry",
        "{place} investigates {org} {tail}",
    ),
    (
        "{org} names {person} {thing} chief",
        "{person} to head {org} {thing} unit",
        "{org} appoints {person} {tail}",
    ),
    (
        "{org} revenue hits {fig} on {thing}s",
        "{org} posts {fig} quarter {tail}",
        "{adj} {thing}s lift {org} to {fig}",
    ),
    (
        "{org} recalls {k} {thing}s",
        "{org} pulls {adj} {thing}s {tail}",
        "{thing} faults hit {org} in {place}",
    ),
    ("{org} buys {other} for {fig}", "{org} acquires {other} {tail}", "{other} sold to {org}"),
    ("{person} leaves {org} {tail}", "{person} quits {org} for {other}", "{org} loses {person}"),
    (
        "{org} tests {adj} {thing} with {k} users",
        "{org} trials {thing} in {place}",
        "{k} in {place} try {org} {thing}",
    ),
    (
        "{org} sues {other} over {thing}s",
        "{other} sued by {org} {tail}",
        "{org} takes {other} to court",
    ),
    (
        "{org} drops {adj} {thing}s",
        "{org} ends {thing} sales {tail}",
        "No more {thing}s from {org}",
    ),
]
_SENTENCES = [
    "The work took {n} months and involved teams in {place}.",
    "{org} gave no date.",
    "Analysts expect thinner margins at {org}.",
    "The {thing} builds on an earlier {adj} design first shown in {place}.",
    "{other} did not comment.",
    "Testers saw {pct}% fewer faults than with the previous {thing}.",
    "{person} said a review began in {season}.",
    "{org} shares were flat.",
    "Officials in {place} must still approve it.",
    "{person} called the {thing} {adj}.",
    "Earlier {thing}s sold {k} units in {place}.",
    "{other} made a similar {thing} in {season}.",
]
SHARED = 0.4  # share of items that report an event other feeds also cover
EVENTS_PER_SLOT = 40  # shared events per item position: each is covered by about 3 feeds
NEW_ITEMS_PER_CHANGE = 3


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


class SyntheticFeeds:
    """`feeds` RSS feeds of `items` items each, reproducible from `seed`, with versions."""

    def __init__(self, feeds: int, items: int, seed: int = 7, base_url: str = "") -> None:
        self.count = feeds
        self.items = items
        self.seed = seed
        self.base_url = base_url  # set by the server once it knows its port (item links)
        rng = random.Random(seed)
        self.orgs = [f"Lab {n}" for n in range(1, 21)] + [
            f"{_name(rng)} {rng.choice(_KINDS)}" if rng.random() < 0.2 else _name(rng)
            for _ in range(580)
        ]
        self.places = [_name(rng) for _ in range(120)]
        self.version = [0] * feeds
        self.published = int(time.time())
        self._cache: dict[tuple[int, int], bytes] = {}
        self._lock = threading.Lock()

    # -- versions ----------------------------------------------------------------------------

    def change(self, fraction: float, seed: int | None = None) -> list[int]:
        """Move round(fraction × feeds) feeds (at least one if fraction > 0) to a new version."""
        if fraction <= 0:
            return []
        wanted = min(self.count, max(1, round(fraction * self.count)))
        chosen = sorted(random.Random(seed).sample(range(self.count), wanted))
        with self._lock:
            for index in chosen:
                self.version[index] += 1
        return chosen

    def reset(self) -> None:
        with self._lock:
            self.version = [0] * self.count

    def etag(self, index: int) -> str:
        return f'"bench-{index}-v{self.version[index]}"'

    def last_modified_seconds(self, index: int) -> int:
        """When the feed's newest item was published (see `body`)."""
        return self.published - 86400 + 600 * NEW_ITEMS_PER_CHANGE * self.version[index]

    def last_modified(self, index: int) -> str:
        return email.utils.formatdate(self.last_modified_seconds(index), usegmt=True)

    # -- content -----------------------------------------------------------------------------

    def total_items(self) -> int:
        return self.count * self.items

    def title(self, index: int) -> str:
        rng = random.Random(f"{self.seed}/feed/{index}")
        return f"{_name(rng)} {rng.choice(['Wire', 'Desk', 'Ledger', 'Dispatch', 'Notes'])}"

    def _words(self, rng: random.Random) -> dict[str, str]:
        org, other = rng.sample(self.orgs, 2)
        thing = rng.choice(_THINGS)
        words = {
            "org": org,
            "other": other,
            "thing": thing,
            "Thing": thing.capitalize(),
            "person": f"{rng.choice(_GIVEN)} {_name(rng)}",
            "n": str(rng.randint(2, 12)),
            "k": str(rng.randint(3, 900)),
            "pct": str(rng.randint(2, 60)),
            "fig": f"${rng.randint(2, 950)}m",
            "place": rng.choice(self.places),
            "month": rng.choice(_MONTHS),
            "season": rng.choice(_MONTHS[:4]),
            "adj": rng.choice(_ADJECTIVES),
            "tail": "",
        }
        words["tail"] = rng.choice(_TAILS).format(**words)
        return words

    def item(self, index: int, number: int) -> tuple[str, str]:
        """Title and description of item `number` (0 = oldest ever) of feed `index`.

        Items at the same position of different feeds are contemporaries; a share of them
        (`SHARED`) reports one of `EVENTS_PER_SLOT` events of that moment, each in its own
        wording, so the same event reaches the reader from about three feeds."""
        rng = random.Random(f"{self.seed}/{index}/{number}")
        if rng.random() < SHARED:
            event = rng.randrange(EVENTS_PER_SLOT)
            facts = random.Random(f"{self.seed}/event/{number}/{event}")
        else:
            facts = rng
        words = self._words(facts)
        kind = facts.choice(_EVENTS)
        title = " ".join(rng.choice(kind).format(**words).split())
        title = title[0].upper() + title[1:]
        body = " ".join(" ".join(s.format(**words).split()) for s in rng.sample(_SENTENCES, 2))
        return title, body

    def body(self, index: int) -> bytes:
        version = self.version[index]
        key = (index, version)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        newest = version * NEW_ITEMS_PER_CHANGE + self.items - 1
        parts = [
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
            f"<title>{escape(self.title(index))}</title>",
            f"<link>{self.base_url}/feed/{index}.xml</link>",
            "<description>Synthetic feed for benchmarks</description>",
        ]
        for number in range(newest, newest - self.items, -1):
            title, text = self.item(index, number)
            # version 0's newest item is a day old, each older one ten minutes older; later
            # versions add items ten minutes apart after it (never in the future)
            when = self.published - 86400 + 600 * (number - (self.items - 1))
            parts.append(
                f"<item><title>{escape(title)}</title>"
                f"<link>{self.base_url}/story/{index}/{number}</link>"
                f'<guid isPermaLink="false">bench-{self.seed}-{index}-{number}</guid>'
                f"<pubDate>{email.utils.formatdate(when, usegmt=True)}</pubDate>"
                f"<description>{escape(text)}</description></item>"
            )
        parts.append("</channel></rss>\n")
        data = "\n".join(parts).encode()
        with self._lock:
            self._cache[key] = data
        return data


class BenchFeedServer:
    """A threaded HTTP server on 127.0.0.1 serving a `SyntheticFeeds` at /feed/<n>.xml."""

    def __init__(self, feeds: SyntheticFeeds, port: int = 0) -> None:
        self.feeds = feeds
        self.stats: Counter[int] = Counter()
        self._stats_lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                status = server._respond(self)
                with server._stats_lock:
                    server.stats[status] += 1

        class _Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256  # the default 5 drops connections when pollers burst

            def handle_error(self, request: Any, client_address: Any) -> None:
                if not isinstance(sys.exc_info()[1], ConnectionResetError | BrokenPipeError):
                    super().handle_error(request, client_address)  # a client hanging up is fine

        self.httpd = _Server(("127.0.0.1", port), _Handler)
        self.port = self.httpd.server_address[1]
        self.feeds.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.port}/feed/{index}.xml"

    def urls(self) -> list[str]:
        return [self.url(index) for index in range(self.feeds.count)]

    def take_stats(self) -> Counter[int]:
        """HTTP statuses sent since the last call."""
        with self._stats_lock:
            stats, self.stats = self.stats, Counter()
        return stats

    def start(self) -> BenchFeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> BenchFeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _respond(self, handler: BaseHTTPRequestHandler) -> int:
        path = handler.path.split("?", 1)[0]
        index = -1
        if path.startswith("/feed/") and path.endswith(".xml"):
            number = path[len("/feed/") : -len(".xml")]
            if number.isdigit():
                index = int(number)
        if not 0 <= index < self.feeds.count:
            self._send(handler, 404, b"not found\n", {"Content-Type": "text/plain"})
            return 404
        etag = self.feeds.etag(index)
        headers = {"ETag": etag, "Last-Modified": self.feeds.last_modified(index)}
        if self._not_modified(handler, index, etag):
            self._send(handler, 304, b"", headers)
            return 304
        headers["Content-Type"] = "application/rss+xml; charset=utf-8"
        self._send(handler, 200, self.feeds.body(index), headers)
        return 200

    def _not_modified(self, handler: BaseHTTPRequestHandler, index: int, etag: str) -> bool:
        match = handler.headers.get("If-None-Match")
        if match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
            return any(tag.strip().removeprefix("W/") == etag for tag in match.split(","))
        since = handler.headers.get("If-Modified-Since")
        if since:
            try:
                when = email.utils.parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError, IndexError):
                return False
            return when >= self.feeds.last_modified_seconds(index)
        return False

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]
    ) -> None:
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        if status != 304:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if body:
            handler.wfile.write(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=300, help="number of feeds (300)")
    parser.add_argument("--items", type=int, default=30, help="items per feed (30)")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (8765; 0: any)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--urls", type=Path, help="also write the feed URLs to this file")
    args = parser.parse_args(argv)
    if args.feeds < 1 or args.items < 1:
        parser.error("--feeds and --items must be at least 1")

    server = BenchFeedServer(SyntheticFeeds(args.feeds, args.items, args.seed), args.port)
    server.start()
    if args.urls:
        args.urls.write_text("".join(f"{url}\n" for url in server.urls()), encoding="utf-8")
    print(
        f"serving {args.feeds} feeds × {args.items} items at "
        f"http://127.0.0.1:{server.port}/feed/0.xml … /feed/{args.feeds - 1}.xml"
        + (f" (URLs in {args.urls})" if args.urls else ""),
        flush=True,
    )
    print("commands: change [fraction] | reset | stats | quit", flush=True)
    try:
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            if words[0] == "change":
                try:
                    fraction = float(words[1]) if len(words) > 1 else 0.1
                except ValueError:
                    print("change takes a fraction, e.g. change 0.1", flush=True)
                    continue
                changed = server.feeds.change(fraction)
                print(f"changed {len(changed)} feeds", flush=True)
            elif words[0] == "reset":
                server.feeds.reset()
                print("every feed is back to its first version", flush=True)
            elif words[0] == "stats":
                print(dict(sorted(server.take_stats().items())), flush=True)
            elif words[0] == "quit":
                break
            else:
                print(f"unknown command {words[0]!r}", flush=True)
        else:  # stdin closed (e.g. started in the background): serve until interrupted
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
