"""Ingest-side cost of grouping and claims per story, at 1k, 10k and 100k stored stories.

    .venv/bin/python bench/groups.py [--sizes 1000,10000,100000] [--measure 200] [--rounds 7]

Synthetic stories (generated here, nothing downloaded): events about invented people and
organisations, each reported by one to six outlets in different words, with figures, over a
stream of about 400 stories a day, so the database covers more days as it grows (as a real one
does). The script grows one database to each size and keeps a copy of it. Then, in `--rounds`
rounds, it times `process_stories` at every size in turn on a fresh copy: `--measure` new
stories (the same ones in every round) arriving in polls of 25 (one feed's worth), inside the
poller's kind of transaction, after two untimed polls that warm the connection. Sizes are
interleaved so that a busy moment of a shared machine hits them all alike; the figures are the
median round. The cost should stay flat, or grow at most with log(stored): candidates come
from time-bounded ranges of the (term, time) index, never from every story.

Columns: stored stories; milliseconds per story, wall and CPU (median round, the fastest in
brackets); candidates compared per story; index rows (postings); the mean size (stories) of
the groups the timed stories joined. Then the growth of the median CPU cost from each size to
the next and from the first to the last, against the log bound log(b) / log(a), and the load
average before and after.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import math
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor import grouping
from monitor.config import GroupingSettings
from monitor.db import connect, write

STORIES_PER_DAY = 400
POLL_BATCH = 25
START = datetime(2025, 1, 1, tzinfo=UTC)

_SYLLABLES = "ka lo mi ra ten vo su zan del pri or ux ne ba qui tor fen mar lis go".split()
_VERBS = [
    ("hires", "poaches", "lures", "recruits"),
    ("invests {fig} in", "puts {fig} into", "backs with {fig}"),
    ("acquires", "buys", "agrees to buy"),
    ("delays", "postpones", "pushes back"),
    ("releases", "launches", "unveils"),
    ("cuts {n} jobs at", "lays off {n} staff at", "slashes {n} roles at"),
]
_FILLER = (
    "report new plan amid talks sources market deal team lab model chips race users growth "
    "rivals data cloud board quarter week rollout pressure bet push strategy analysts shares "
    "regulators court license open weights agents research safety compute cluster budget"
).split()


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


class Stream:
    """An endless, reproducible stream of stories about invented events."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.people = [f"{_word(self.rng)} {_word(self.rng)}" for _ in range(3000)]
        self.orgs = [_word(self.rng) + self.rng.choice(["", " AI", " Labs"]) for _ in range(600)]
        self.count = 0
        self.pending: list[dict[str, str]] = []

    def _event(self) -> list[dict[str, str]]:
        rng = self.rng
        who, org, other = rng.choice(self.people), rng.choice(self.orgs), rng.choice(self.orgs)
        verbs = rng.choice(_VERBS)
        figure = f"${rng.randint(1, 90)}.{rng.randint(0, 9)} billion"
        n = str(rng.choice([50, 120, 600, 1200, 3000]))
        day = START + timedelta(days=self.count / STORIES_PER_DAY)
        stories = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4, 6])):
            verb = rng.choice(verbs).format(fig=figure, n=n)
            extra = " ".join(rng.sample(_FILLER, 3))
            title = (
                f"{org} {verb} {other} as {who} {rng.choice(['leads', 'joins', 'weighs'])} {extra}"
            )
            summary = (
                f"{who} of {other} said the move follows {extra}; "
                f"{org} declined to comment on {rng.choice(_FILLER)} {rng.choice(_FILLER)}."
            )
            published = day + timedelta(minutes=rng.randint(0, 36 * 60))
            stories.append({"title": title, "summary": summary, "published": published.isoformat()})
        return stories

    def take(self, n: int) -> list[dict[str, str]]:
        out = []
        while len(out) < n:
            if not self.pending:
                self.pending = self._event()
                self.rng.shuffle(self.pending)
            out.append(self.pending.pop())
            self.count += 1
        return out


def _store(conn, stories: list[dict[str, str]], settings: GroupingSettings) -> None:  # type: ignore[no-untyped-def]
    with write(conn):
        ids = []
        for story in stories:
            cursor = conn.execute(
                "INSERT INTO stories (feed_id, title, summary, published, first_seen, "
                "content_hash) VALUES (1, ?, ?, ?, ?, '')",
                (story["title"], story["summary"], story["published"], story["published"]),
            )
            ids.append(int(cursor.lastrowid or 0))
            conn.execute(
                "INSERT INTO story_sources (feed_id, key, story_id, first_seen) "
                "VALUES (1, ?, ?, ?)",
                (str(ids[-1]), ids[-1], story["published"]),
            )
        grouping.process_stories(conn, ids, settings)


@dataclass
class Row:
    size: int
    snapshot: Path  # the database at `size` stories
    stream: Stream  # the stream as it was then: every round times the same new stories
    wall: list[float] = field(default_factory=list)  # ms per story, one per round
    cpu: list[float] = field(default_factory=list)
    candidates: list[int] = field(default_factory=list)
    postings: int = 0
    group_size: float = 0.0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _max_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM stories").fetchone()[0])


def _snapshot(conn: sqlite3.Connection, path: Path) -> None:
    target = sqlite3.connect(path)
    try:
        conn.backup(target)
    finally:
        target.close()


def _round(row: Row, tmp: Path, measure: int, settings: GroupingSettings) -> None:
    """Time `measure` new stories on a fresh copy of the row's database (after two polls that
    warm the connection's cache and are not timed)."""
    path = tmp / "round.db"
    for stale in (path, path.with_name("round.db-wal"), path.with_name("round.db-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(row.snapshot, path)
    conn = connect(path)
    stream = copy.deepcopy(row.stream)
    try:
        for _ in range(2):
            _store(conn, stream.take(POLL_BATCH), settings)
        before = _max_id(conn)
        _CANDIDATES.clear()
        measured = stream.take(measure)
        wall, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(measured), POLL_BATCH):
            _store(conn, measured[start : start + POLL_BATCH], settings)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        row.wall.append(wall * 1000 / len(measured))
        row.cpu.append(cpu * 1000 / len(measured))
        row.candidates += _CANDIDATES
        row.postings = int(conn.execute("SELECT COUNT(*) FROM group_postings").fetchone()[0])
        row.group_size = float(
            conn.execute(
                "SELECT AVG(g.story_count) FROM stories s JOIN groups g ON g.id = s.group_id "
                "WHERE s.id > ?",
                (before,),
            ).fetchone()[0]
            or 0
        )
    finally:
        conn.close()


def _print_row(row: Row) -> None:
    wall, cpu = statistics.median(row.wall), statistics.median(row.cpu)
    print(
        f"{row.size:>8}  {wall:>6.2f} [{min(row.wall):>5.2f}]  {cpu:>6.2f} [{min(row.cpu):>5.2f}]"
        f"  {sum(row.candidates) / max(1, len(row.candidates)):>6.1f}  {row.postings:>9}"
        f"  {row.group_size:>9.1f}",
        flush=True,
    )


def _growth(rows: list[Row]) -> None:
    print()
    print(f"{'growth (cpu, median)':>24}  {'measured':>8}  {'log bound':>9}  verdict")
    pairs = list(itertools.pairwise(rows))
    if len(rows) > 2:
        pairs.append((rows[0], rows[-1]))
    for a, b in pairs:
        ratio = statistics.median(b.cpu) / statistics.median(a.cpu)
        bound = math.log(b.size) / math.log(a.size)
        verdict = "within" if ratio <= bound else "ABOVE"
        print(f"{f'{a.size} -> {b.size}':>24}  {ratio:>7.2f}x  {bound:>8.2f}x  {verdict}")


_CANDIDATES: list[int] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--measure", type=int, default=200, help="stories timed per round")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds at each size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    settings = GroupingSettings()
    stream = Stream()
    original = grouping._Index.candidates

    def counting(self, story, profile, max_gap_hours):  # type: ignore[no-untyped-def]
        found = original(self, story, profile, max_gap_hours)
        _CANDIDATES.append(len(found))
        return found

    grouping._Index.candidates = counting  # type: ignore[method-assign]
    print(f"load average before: {_load()} ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        conn = connect(tmp / "bench.db")
        with write(conn):
            conn.execute("INSERT INTO feeds (config_url, url) VALUES ('bench', 'bench')")
        rows: list[Row] = []
        started = time.perf_counter()
        for size in sizes:
            while _max_id(conn) < size:
                _store(conn, stream.take(min(500, size - _max_id(conn))), settings)
            rows.append(Row(size, tmp / f"at{size}.db", copy.deepcopy(stream)))
            _snapshot(conn, rows[-1].snapshot)
        conn.close()
        print(f"built {sizes[-1]} stories in {time.perf_counter() - started:.0f} s")
        for _ in range(args.rounds):  # sizes interleaved: the machine's moods hit all alike
            for row in rows:
                _round(row, tmp, args.measure, settings)
    print(
        f"{'stored':>8}  {'ms/story [best]':>15}  {'cpu ms [best]':>15}  {'cands':>6}  "
        f"{'postings':>9}  {'grp size':>9}"
    )
    for row in rows:
        _print_row(row)
    _growth(rows)
    print(f"load average after:  {_load()}")


if __name__ == "__main__":
    main()
