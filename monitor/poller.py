"""One poll: due feeds → fetch → parse → store → tag → group/claims, composed from the stages.

Shape, and why:
- A poll holds an exclusive `flock` on `<db>.lock` for its whole run, so two polls never overlap
  (the second raises `PollLocked` at once); the kernel drops the lock when a process dies, so a
  `kill -9` never leaves a stale lock behind.
- Fetching is async and concurrent; each feed's stories are stored as soon as they arrive, in
  their own short `BEGIN IMMEDIATE` transaction, so a reader (the TUI) is never blocked for long
  and a crash loses at most the feed in flight.
- Stored stories wait in `pending_stories` and are tagged, grouped and claimed in batches
  (`enrich`): when `ENRICH_BATCH` wait, `ENRICH_DELAY` seconds after the first, and at the end.
  Grouping a batch costs far less than grouping feed by feed (document frequencies, candidate
  profiles and group headlines are worked out once), and a killed poll leaves the queue for the
  next one. Every write runs on one writer thread, so the event loop keeps fetching meanwhile.
- A 200 whose body hash matches the last one is not parsed at all; in larger polls bodies are
  parsed in a small process pool (forked before the event loop and the database exist), which
  also does the text work of grouping (`grouping.analyse`), so both cores work.
- The TUI calls `run_poll` from a worker thread; the CLI calls it directly. Same code path.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor import db as dbmod
from monitor.config import Settings
from monitor.exitcodes import ExitCode
from monitor.fetch import FetchRequest, FetchResult, fetch_all
from monitor.parse import ParsedFeed, parse_feed
from monitor.store import (
    RETENTION_BATCH,
    apply_retention,
    check_feed_list,
    content_hash,
    iso,
    parse_iso,
    record_feed_failure,
    record_feed_success,
    replan_checks,
    store_entries,
    sync_feeds,
)

if TYPE_CHECKING:  # grouping is imported when there is something to group
    from monitor.grouping import Analysis, Postings

POOL_MIN_FEEDS = 8
HASH_PREFIX = 16  # of a stored story's content hash, sent to a parse worker (see _stored_hashes)
STORED_HASHES = 1000  # a feed's most recently stored entries sent along
ENRICH_BATCH = 4000  # stories tagged and grouped per transaction
ENRICH_DELAY = 3.0  # seconds stored stories wait for more before they are grouped mid-poll
QUIET_BATCH = 50  # status-only feed rows (304s, unchanged bodies) written per transaction

Text = tuple[str, str, str]  # a story's (title, summary, content)


class PollLocked(Exception):
    """Another process is polling this database right now."""


@dataclass
class FeedResult:
    url: str
    title: str | None
    status: str  # ok | not_modified | unchanged | error | gone | retry_later
    new_stories: int = 0
    updated_stories: int = 0
    muted: int = 0  # new stories left out by a `mute:` term
    error: str | None = None
    warning: str | None = None
    moved_to: str | None = None
    http_status: int | None = None
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status in ("error", "gone", "retry_later")


Stored = tuple[FetchResult, FeedResult, ParsedFeed | None]  # what the writer stores for a feed


@dataclass
class PollResult:
    started: str
    finished: str = ""
    feeds: list[FeedResult] = field(default_factory=list)
    skipped_not_due: int = 0
    new_groups: int = 0
    new_claims: int = 0
    deleted_by_retention: int = 0
    retagged: int = 0  # stories tagged again because the topic rules or feed tags changed
    fetch_seconds: float = 0.0  # from the first request until the last feed was stored
    enrich_seconds: float = 0.0  # spent tagging, grouping and claiming (partly during fetching)

    @property
    def new_stories(self) -> int:
        return sum(f.new_stories for f in self.feeds)

    @property
    def updated_stories(self) -> int:
        return sum(f.updated_stories for f in self.feeds)

    @property
    def muted(self) -> int:
        return sum(f.muted for f in self.feeds)

    @property
    def failed(self) -> int:
        return sum(1 for f in self.feeds if f.failed)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FEED_FAILED if self.failed else ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "started": self.started,
            "finished": self.finished,
            "feeds_polled": len(self.feeds),
            "feeds_failed": self.failed,
            "feeds_not_due": self.skipped_not_due,
            "new_stories": self.new_stories,
            "updated_stories": self.updated_stories,
            "muted": self.muted,
            "new_groups": self.new_groups,
            "new_claims": self.new_claims,
            "deleted_by_retention": self.deleted_by_retention,
            "retagged": self.retagged,
            "exit_code": int(self.exit_code),
            "fetch_seconds": round(self.fetch_seconds, 3),
            "enrich_seconds": round(self.enrich_seconds, 3),
            "feeds": [
                {k: v for k, v in asdict(f).items() if k != "seconds"}
                | {"seconds": round(f.seconds, 3)}
                for f in self.feeds
            ],
        }


class _PollLock:
    def __init__(self, db_path: Path) -> None:
        self.path = Path(f"{db_path}.lock")
        self._fd: int | None = None

    def __enter__(self) -> _PollLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:  # read-only filesystem, no permission: the poll could not write
            raise dbmod.DatabaseError(
                f"{self.path.with_suffix('')}: cannot create the lock file {self.path.name} "
                f"({exc.strerror or exc}); is the database directory read-only?"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise PollLocked(f"another poll is running on {self.path.with_suffix('')}") from None
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass  # the pid is for people looking; the flock is what counts (disk may be full)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _due_feeds(
    conn: sqlite3.Connection, now: datetime, all_feeds: bool
) -> tuple[list[sqlite3.Row], int]:
    rows = conn.execute(
        "SELECT id, config_url, url, title, etag, last_modified, body_hash, next_check, retry_after "
        "FROM feeds WHERE active = 1 AND status != 'gone' ORDER BY id"
    ).fetchall()
    due, skipped = [], 0
    for row in rows:
        retry_after = parse_iso(row["retry_after"])
        next_check = parse_iso(row["next_check"])
        if retry_after and retry_after > now:
            skipped += 1  # the server asked us to wait; --all does not override that
        elif all_feeds or next_check is None or next_check <= now:
            due.append(row)
        else:
            skipped += 1
    return due, skipped


def _die_with_parent(parent: int) -> None:
    """Parse-worker initializer: exit when the poll that forked us dies (even by `kill -9`).

    A killed poll must not leave its workers behind; cron would pile them up run after run.
    Ctrl-C is the poll's to handle: a worker that got it too printed a traceback.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(0)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(0)


def _make_pool(settings: Settings) -> Executor | None:
    if settings.poll.parse_workers <= 0 or len(settings.feeds) < POOL_MIN_FEEDS:
        return None
    import multiprocessing

    # From the command line this forks while the process has no other threads and no database
    # open, and the workers import the parser and the grouping text code on their first body,
    # so a poll of unchanged feeds (all 304s) never pays for those imports. Inside the TUI other
    # threads run, and one of them could hold a module's import lock at the moment of the fork,
    # leaving a worker waiting on it for ever: there the modules are imported before forking.
    if threading.active_count() > 1:
        import feedparser  # noqa: F401

        import monitor.grouping
        import monitor.parse_fast  # noqa: F401
    pool = ProcessPoolExecutor(
        max_workers=settings.poll.parse_workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )
    for future in [pool.submit(os.getpid) for _ in range(settings.poll.parse_workers)]:
        future.result()
    return pool


def _parse_and_analyse(
    body: bytes, url: str, stored: frozenset[str] = frozenset(), source: str | None = None
) -> tuple[ParsedFeed, dict[Text, Analysis]]:
    """Parse-worker job: parse, then do the text work of grouping for each entry, so the poll's
    own process (the one writer) only has to match and store. Entries whose content hash (its
    first `HASH_PREFIX` characters) is in `stored` are this feed's stories as stored already:
    a changed feed is mostly old items, and they are not analysed again."""
    from monitor.grouping import analyse

    parsed = parse_feed(body, url)
    analysed = {}
    for entry in parsed.entries:
        text = (entry.title, entry.summary, entry.content)
        if text not in analysed and content_hash(entry)[:HASH_PREFIX] not in stored:
            # The feed's name as stored, its own, and the outlet a news search names.
            analysed[text] = analyse(*text, (source, parsed.title), entry.outlet)
    return parsed, analysed


class _Poll:
    """One poll's run: fetches on the event loop, parses in the pool, and does every database
    write on one writer thread (`self.writer`), so neither storing nor grouping holds up the
    fetches still in flight."""

    def __init__(
        self,
        settings: Settings,
        conn: sqlite3.Connection,
        pool: Executor | None,
        progress: Callable[[FeedResult], None] | None,
        result: PollResult,
    ) -> None:
        self.settings = settings
        self.conn = conn
        self.pool = pool
        self.progress = progress
        self.result = result
        self.rows: dict[int, sqlite3.Row] = {}
        self.analysed: dict[Text, Analysis] = {}
        self.postings: Postings | None = None  # the poll's grouping index in memory
        self.pending = 0  # stories stored since the last enrichment was scheduled
        self.enriching: asyncio.Future[None] | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="monitor-writer")
        # Reads for the event loop's thread (the writer thread owns `conn`); autocommit, so no
        # read transaction stays open.
        self.reader: sqlite3.Connection | None = None
        self.quiet: list[Stored] = []
        self.flushes: list[asyncio.Future[None]] = []
        self._tagger: Any = None
        self._muter: Any = None

    def _mute_for(self, feed_id: int) -> Any:
        """The feed's `mute:` test, or None (compiled on the first feed that has terms)."""
        settings = self.settings
        if not settings.mute and not any(feed.mute for feed in settings.feeds):
            return None
        if self._muter is None:
            from monitor.mute import Muter

            self._muter = Muter(settings)
        return self._muter.for_feed(self.rows[feed_id]["config_url"])

    def _tagger_instance(self) -> Any:
        if self._tagger is None:
            from monitor.tagging import Tagger

            self._tagger = Tagger(self.settings.topics)
        return self._tagger

    async def run(self, due: list[sqlite3.Row]) -> None:
        self.rows = {row["id"]: row for row in due}
        requests = [
            FetchRequest(row["id"], row["url"], row["etag"], row["last_modified"]) for row in due
        ]
        started = time.monotonic()
        if self.pool is not None:
            path = self.conn.execute("PRAGMA database_list").fetchone()[2]
            if path:  # not an in-memory database
                self.reader = dbmod.connect(Path(path), readonly=True)
        try:
            await fetch_all(requests, self.settings.poll, self.on_fetched)
            self._flush_quiet()
            await asyncio.gather(*self.flushes)
            self.result.fetch_seconds = time.monotonic() - started
            if self.timer is not None:
                self.timer.cancel()
            if self.enriching is not None:
                await self.enriching
        finally:
            self.writer.shutdown(wait=True)
            if self.reader is not None:
                self.reader.close()

    async def on_fetched(self, fetched: FetchResult) -> None:
        row = self.rows[fetched.request.feed_id]
        feed = FeedResult(
            url=row["config_url"],
            title=row["title"],
            status=fetched.outcome,
            error=fetched.error,
            moved_to=fetched.moved_to,
            http_status=fetched.http_status,
            seconds=fetched.elapsed,
        )
        parsed: ParsedFeed | None = None
        if fetched.outcome == "ok" and fetched.body_hash == row["body_hash"]:
            feed.status = "unchanged"
        elif fetched.outcome == "ok":
            assert fetched.body is not None
            parsed = await self._parse(
                fetched.body, fetched.final_url or row["url"], row["id"], row["title"]
            )
            if parsed.error:
                feed.status, feed.error = "error", parsed.error
            feed.warning = parsed.warning
            if parsed.title and not feed.title:
                feed.title = parsed.title
        loop = asyncio.get_running_loop()
        if not feed.failed and (parsed is None or not parsed.entries):
            # Nothing to store but the feed's status (a 304, an unchanged body): such rows are
            # written together, `QUIET_BATCH` per transaction, since a thread hop and a commit
            # per feed cost more than the fetch of a 304 itself. A failure is written at once,
            # so a reader sees it while the poll goes on.
            self.quiet.append((fetched, feed, parsed))
            if len(self.quiet) >= QUIET_BATCH:
                self._flush_quiet()
        else:
            batch: list[Stored] = [(fetched, feed, parsed)]
            await loop.run_in_executor(self.writer, self._store, batch)
        self.result.feeds.append(feed)
        if self.progress is not None:
            self.progress(feed)
        self.pending += feed.new_stories + feed.updated_stories
        if self.pending >= ENRICH_BATCH:
            self._schedule_enrichment()
        elif self.pending and self.timer is None:
            self.timer = loop.call_later(ENRICH_DELAY, self._schedule_enrichment)

    def _schedule_enrichment(self) -> None:
        """Tag and group what is stored so far, on the writer thread, unless that is running."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.enriching is not None and not self.enriching.done():
            return  # the stories wait for the next round or the end of the poll
        self.pending = 0
        self.enriching = asyncio.get_running_loop().run_in_executor(self.writer, self.enrich)

    def _stored_hashes(self, feed_id: int) -> frozenset[str]:
        """The feed's recently stored entries (content hash prefixes), for its parse worker."""
        if self.reader is None:
            return frozenset()
        try:
            return frozenset(
                row[0]
                for row in self.reader.execute(
                    "SELECT substr(content_hash, 1, ?) FROM story_sources WHERE feed_id = ? "
                    "AND content_hash IS NOT NULL ORDER BY first_seen DESC LIMIT ?",
                    (HASH_PREFIX, feed_id, STORED_HASHES),
                )
            )
        except sqlite3.Error:  # only a saving: without it every entry is analysed
            return frozenset()

    async def _parse(
        self, body: bytes, url: str, feed_id: int, source: str | None = None
    ) -> ParsedFeed:
        if self.pool is None:
            # In a thread: a slow body must not stop the other feeds' fetches (and deadlines).
            return await asyncio.to_thread(parse_feed, body, url)
        loop = asyncio.get_running_loop()
        stored = self._stored_hashes(feed_id)
        try:
            parsed, analysed = await loop.run_in_executor(
                self.pool, _parse_and_analyse, body, url, stored, source
            )
        except Exception as exc:  # a crashed worker: parse here instead of losing the feed
            if "BrokenProcessPool" in type(exc).__name__:
                self.pool = None
            return parse_feed(body, url)
        self.analysed.update(analysed)
        return parsed

    def _flush_quiet(self) -> None:
        """Write the queued status-only rows on the writer thread (not awaited: `run` waits)."""
        if self.quiet:
            batch, self.quiet = self.quiet, []
            loop = asyncio.get_running_loop()
            self.flushes.append(loop.run_in_executor(self.writer, self._store, batch))

    def _store(self, batch: list[Stored]) -> None:
        now = datetime.now(UTC)
        with dbmod.write(self.conn) as conn:
            for fetched, feed, parsed in batch:
                self._store_one(conn, now, fetched, feed, parsed)

    def _store_one(
        self,
        conn: sqlite3.Connection,
        now: datetime,
        fetched: FetchResult,
        feed: FeedResult,
        parsed: ParsedFeed | None,
    ) -> None:
        feed_id = fetched.request.feed_id
        poll = self.settings.poll
        if feed.status in ("ok", "unchanged", "not_modified"):
            if parsed is not None and parsed.entries:
                stored = store_entries(
                    conn,
                    feed_id,
                    parsed.entries,
                    now,
                    self._mute_for(feed_id),
                    partial=parsed.recovered,
                    feed_title=parsed.title,
                )
                feed.new_stories = len(stored.new_ids)
                feed.updated_stories = len(stored.updated_ids)
                feed.muted = stored.muted
                conn.executemany(
                    "INSERT OR IGNORE INTO pending_stories (story_id) VALUES (?)",
                    [(i,) for i in stored.new_ids + stored.updated_ids],
                )
            record_feed_success(
                conn, feed_id, poll, now,
                parsed=parsed,
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                body_hash=fetched.body_hash if parsed is not None else None,
                url=fetched.moved_to,
                moved_to=fetched.moved_to,
            )  # fmt: skip
        else:
            record_feed_failure(
                conn, feed_id, poll, now,
                error=feed.error or "unknown error",
                gone=feed.status == "gone",
                retry_after=fetched.retry_after if feed.status == "retry_later" else None,
            )  # fmt: skip

    def enrich(self) -> None:
        """Tag, group and claim every pending story (this poll's, and any a killed poll left),
        `ENRICH_BATCH` stories per transaction. Grouping and tagging are imported only when
        there is something to do (a poll of unchanged feeds never loads them)."""
        started = time.monotonic()
        while True:
            with dbmod.write(self.conn) as conn:
                ids = [
                    int(row[0])
                    for row in conn.execute(
                        "SELECT story_id FROM pending_stories ORDER BY story_id LIMIT ?",
                        (ENRICH_BATCH,),
                    )
                ]
                if not ids:
                    self.result.enrich_seconds += time.monotonic() - started
                    return
                from monitor.grouping import Postings, process_stories
                from monitor.tagging import tag_stories

                tag_stories(conn, ids, self._tagger_instance())
                if self.postings is None:
                    self.postings = Postings(conn)
                grouped = process_stories(
                    conn, ids, self.settings.grouping, self.analysed, self.postings
                )
                conn.executemany(
                    "DELETE FROM pending_stories WHERE story_id = ?", [(i,) for i in ids]
                )
            self.result.new_groups += grouped.new_groups
            self.result.new_claims += grouped.new_claims


def run_poll(
    settings: Settings,
    db_path: Path,
    *,
    all_feeds: bool = False,
    progress: Callable[[FeedResult], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    replace_feeds: bool = False,
) -> PollResult:
    """Poll due feeds (all with `all_feeds`) into `db_path`. Raises PollLocked, DatabaseError
    or OtherFeedList (unless `replace_feeds`: feeds.yaml lists none of the database's feeds)."""
    # The lock first: a second poll refuses at once, before forking any parse worker. The
    # workers inherit the lock's descriptor, and die with the poll (`_die_with_parent`).
    with _PollLock(db_path):
        pool = _make_pool(settings)
        try:
            conn = dbmod.connect(db_path)
            try:
                return _run_locked(
                    settings, conn, pool, all_feeds, progress, on_start, replace_feeds
                )
            except sqlite3.Error as exc:
                raise dbmod.DatabaseError(f"{db_path}: {exc}") from exc
            finally:
                conn.close()
        finally:
            if pool is not None:
                # Waiting lets the pool's manager thread finish: without it, interpreter exit
                # could print "OSError: Bad file descriptor" from concurrent.futures (cron would
                # mail it). Nothing is in flight here (every parse was awaited): quick.
                pool.shutdown(wait=True, cancel_futures=True)


TAG_RULES_KEY = "tag_rules"  # state: fingerprint of the rules the stored tags were made with


def _tag_rules(settings: Settings) -> str:
    """A fingerprint of what decides a story's tags: how terms match, the topic rules as
    resolved (built-ins included, so an upgrade that changes them counts) and each feed's tags."""
    import hashlib

    from monitor.tagging import MATCHING
    from monitor.topics import resolve

    feeds = sorted((feed.url, sorted(feed.tags)) for feed in settings.feeds if feed.tags)
    text = repr((MATCHING, resolve(settings.topics), feeds))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _retag_if_rules_changed(conn: sqlite3.Connection, settings: Settings) -> int:
    """Tag every stored story again when the rules changed since they were tagged (a topic
    added to feeds.yaml, a feed's tags edited, new built-in rules): the stored stories would
    keep the old tags until `monitor retag`. The fingerprint is written after the retag has
    committed, so a poll killed in between does it again. Returns the stories retagged."""
    fingerprint = _tag_rules(settings)
    row = conn.execute("SELECT value FROM state WHERE key = ?", (TAG_RULES_KEY,)).fetchone()
    if row is not None and row[0] == fingerprint:
        return 0
    count = 0
    if conn.execute("SELECT 1 FROM stories LIMIT 1").fetchone() is not None:
        from monitor.tagging import Tagger, retag_all

        count = retag_all(conn, Tagger(settings.topics), workers=1)  # no fork: threads may run
    record_tag_rules(conn, settings, fingerprint)
    return count


def record_tag_rules(
    conn: sqlite3.Connection, settings: Settings, fingerprint: str | None = None
) -> None:
    """Note that the stored tags follow the current rules (after a poll's or `monitor retag`'s
    retag), so the next poll does not tag everything again."""
    with dbmod.write(conn):
        conn.execute(
            "INSERT INTO state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (TAG_RULES_KEY, fingerprint or _tag_rules(settings)),
        )


def _run_locked(
    settings: Settings,
    conn: sqlite3.Connection,
    pool: Executor | None,
    all_feeds: bool,
    progress: Callable[[FeedResult], None] | None,
    on_start: Callable[[int], None] | None,
    replace_feeds: bool,
) -> PollResult:
    now = datetime.now(UTC)
    result = PollResult(started=iso(now))
    if not settings.feeds:
        # A feeds.yaml with no feeds (an editor's empty save, a wrong --config) changes nothing
        # stored: it switched every feed off and retagged without the user's own topics.
        result.finished = iso(now)
        return result
    with dbmod.write(conn):
        if not replace_feeds:
            check_feed_list(conn, settings.feeds)
        sync_feeds(conn, settings.feeds)
        replan_checks(conn, settings.poll)
    result.retagged = _retag_if_rules_changed(conn, settings)
    due, result.skipped_not_due = _due_feeds(conn, now, all_feeds)
    if on_start is not None:
        on_start(len(due))
    poll = _Poll(settings, conn, pool, progress, result)
    if due:
        asyncio.run(poll.run(due))
    poll.enrich()
    while True:  # in batches, each its own transaction (see store.RETENTION_BATCH)
        with dbmod.write(conn):
            deleted = apply_retention(conn, settings.poll.retention_days, now, RETENTION_BATCH)
        result.deleted_by_retention += deleted
        if deleted < RETENTION_BATCH:
            break
    with dbmod.write(conn):
        result.finished = iso(datetime.now(UTC))
        if due:
            # A run with nothing due fetched nothing: "last poll" and what it added stay those
            # of the last run that fetched (the TUI's status line showed "+0 new" over a cron
            # poll's stories).
            conn.executemany(
                "INSERT INTO state (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [
                    ("last_poll", result.finished),
                    ("last_poll_new", str(result.new_stories)),
                    ("last_poll_updated", str(result.updated_stories)),
                ],
            )
    dbmod.checkpoint(conn)
    return result
