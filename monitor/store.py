"""Storing parsed entries and feed state: the one write path for what the poller learns.

Story identity: a feed's entry is known by (feed, key) where key is its guid, else its canonical
link, else a content hash. The same canonical link arriving through another feed is the same
story seen in a second place (a row in `story_sources`), not a new story, unless several items
of one body share the link (a front page, anchors of one page): then it identifies none of
them. A news search's item and its outlet's own item of one article are one story too
(`_Twins`). A story whose content changes keeps its id and is marked updated. Stories removed by retention leave tombstones so a
feed that still lists them cannot bring them back as new.

All functions here run inside a transaction opened by the caller with `db.write()`.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from monitor.config import ConfigError, FeedConfig, PollSettings
from monitor.parse import ParsedEntry, ParsedFeed, key_of, site_host
from monitor.textclean import clean_line


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class StoreResult:
    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    seen_elsewhere: int = 0  # already stored from another feed (same canonical link)
    muted: int = 0  # new stories left out by a `mute:` term


def content_hash(entry: ParsedEntry) -> str:
    text = f"{entry.title}\0{entry.summary}\0{entry.content}\0{entry.url or ''}"
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


class OtherFeedList(ConfigError):
    """feeds.yaml lists none of the database's feeds: most likely the wrong --config or --db
    (cron without MONITOR_CONFIG polls the repository's feeds.yaml into your database)."""


FEED_LIST_GUARD = 3
"""A database polling this many feeds or more refuses a feeds.yaml that lists none of them
(one or two feeds swapped for others is a plausible edit)."""


def check_feed_list(conn: sqlite3.Connection, feeds: Sequence[FeedConfig]) -> None:
    """Raise OtherFeedList when `feeds` shares no feed with a database that polls several:
    polling such a file stores its stories among the right one's, and retires every feed of
    the right one (which, when that file comes back, tries its gone feeds again and forgets
    every backoff)."""
    active = conn.execute("SELECT COUNT(*) FROM feeds WHERE active = 1").fetchone()[0]
    if active < FEED_LIST_GUARD or not feeds:
        return
    known = {
        address
        for row in conn.execute("SELECT config_url, url, moved_to FROM feeds")
        for address in row
        if address
    }
    if known.isdisjoint(feed.url for feed in feeds):
        raise OtherFeedList(
            f"this feeds.yaml lists none of the {active} feeds the database polls: the wrong "
            "--config or --db? Nothing was changed. To poll these feeds into this database "
            "all the same (its own feeds are then retired): monitor poll --replace-feeds"
        )


def sync_feeds(conn: sqlite3.Connection, feeds: Sequence[FeedConfig]) -> None:
    """Make the feeds table match feeds.yaml: add new feeds, update titles/tags, retire removed."""
    existing = {row["config_url"]: row for row in conn.execute("SELECT id, config_url FROM feeds")}
    wanted = {feed.url for feed in feeds}
    for feed in feeds:
        tags = json.dumps(sorted(set(feed.tags)))
        title = (clean_line(feed.title) or None) if feed.title is not None else None
        if feed.url in existing:
            # A feed the user removed and listed again is due at once (`monitor add` says the
            # next poll fetches it), and one marked gone (HTTP 410) is tried afresh: taking it
            # out of feeds.yaml and putting it back is how one says so.
            conn.execute(
                "UPDATE feeds SET title = COALESCE(?, title), tags = ?, "
                "status = CASE WHEN active = 0 AND status = 'gone' THEN 'new' ELSE status END, "
                "next_check = CASE WHEN active = 0 THEN NULL ELSE next_check END, "
                "active = 1 WHERE config_url = ?",
                (title, tags, feed.url),
            )
        else:
            conn.execute(
                "INSERT INTO feeds (config_url, url, title, tags) VALUES (?, ?, ?, ?)",
                (feed.url, feed.url, title, tags),
            )
    for config_url in existing.keys() - wanted:
        conn.execute("UPDATE feeds SET active = 0 WHERE config_url = ?", (config_url,))


def store_entries(
    conn: sqlite3.Connection,
    feed_id: int,
    entries: Sequence[ParsedEntry],
    now: datetime,
    mute: Callable[[ParsedEntry], bool] | None = None,
    *,
    partial: bool = False,
    feed_title: str | None = None,
) -> StoreResult:
    """Store a feed's entries: new stories, changed ones marked updated, the rest untouched.
    `mute` (see monitor.mute) leaves out new stories it says yes to. `partial`: the body was
    malformed and these are the entries feedparser recovered from it: one whose text lost
    something (see `_cut_short`) leaves its stored story as it is (a body cut off mid-item gave
    its last story an empty summary, replacing the stored text and its claims). `feed_title`:
    the feed's name for itself in this body (a feed's first fetch has none stored yet)."""
    result = StoreResult()
    stamp = iso(now)
    # A feed's first successful fetch brings its backlog: those stories are dated by their
    # publication (never later than now), so a new feed's month-old items do not read as
    # news of this minute. Later fetches date stories by arrival, what "new" means here.
    row = conn.execute("SELECT last_ok FROM feeds WHERE id = ?", (feed_id,)).fetchone()
    backlog = row is not None and row[0] is None
    oldest = min((entry.published for entry in entries if entry.published), default=None)
    known: dict[str, tuple[int, str | None]] = {}
    outlets: dict[str, str | None] = {}
    for row in conn.execute(
        "SELECT key, story_id, content_hash, outlet FROM story_sources WHERE feed_id = ?",
        (feed_id,),
    ):
        known[row[0]] = (row[1], row[2])
        outlets[row[0]] = row[3]
    buried = {
        row[0] for row in conn.execute("SELECT key FROM tombstones WHERE feed_id = ?", (feed_id,))
    }
    keys_by_url: dict[str, set[str]] = {}
    for entry in entries:
        if entry.url:
            keys_by_url.setdefault(entry.url, set()).add(entry.key)
    twins = _Twins(conn, feed_id, feed_title, now)
    done: set[str] = set()
    for entry in entries:
        if entry.key in done:
            continue  # one guid twice in a body: the first one counts, in every poll alike
        done.add(entry.key)
        digest = content_hash(entry)
        legacy = _legacy_key(entry)
        if legacy is not None and entry.key not in known and legacy in known:
            # Stored by monitor before 2026-11-24 under its link's old form: the same story
            # (it came back as a new, unread copy of itself), known by the new form from now.
            conn.execute(
                "UPDATE story_sources SET key = ? WHERE feed_id = ? AND key = ?",
                (entry.key, feed_id, legacy),
            )
            known[entry.key] = known.pop(legacy)
            outlets[entry.key] = outlets.pop(legacy, None)
        if entry.key in known:
            if partial and _cut_short(conn, known[entry.key][0], entry):
                continue
            # Compared with this feed's own last version: another feed carrying the same story
            # in other words is not a change of this one.
            story_id, old_hash = known[entry.key]
            if (
                entry.legacy_url is not None
                and old_hash != digest
                and old_hash == content_hash(replace(entry, url=entry.legacy_url))
            ):
                # Unchanged but for its link's new form: no edit, the link is brought up to date
                conn.execute(
                    "UPDATE stories SET url = ? WHERE id = ? AND url = ?",
                    (entry.url, story_id, entry.legacy_url),
                )
                old_hash = None  # (its hash is rewritten below, and it is not "updated")
            if old_hash != digest or outlets.get(entry.key) != entry.outlet:
                # (the outlet: also for stories stored before outlets were)
                conn.execute(
                    "UPDATE story_sources SET content_hash = ?, outlet = ? "
                    "WHERE feed_id = ? AND key = ?",
                    (digest, entry.outlet, feed_id, entry.key),
                )
                conn.execute(
                    "UPDATE stories SET outlet = ? WHERE id = ? AND feed_id = ?",
                    (entry.outlet, story_id, feed_id),
                )
                known[entry.key] = (story_id, digest)
            if old_hash is not None and old_hash != digest:
                conn.execute(
                    "UPDATE stories SET url = ?, title = ?, summary = ?, content = ?, author = ?, "
                    "published = COALESCE(?, published), content_hash = ?, is_updated = 1, "
                    "updated_at = ?, read = read AND title IS ? WHERE id = ?",
                    (
                        entry.url, entry.title, entry.summary, entry.content, entry.author,
                        entry.published, digest, stamp, entry.title, story_id,
                    ),
                )  # fmt: skip
                # A new headline is unread again; an edit of the text alone only when it
                # changes what the story claims (claims.GroupClaims.record_story).
                if story_id not in result.new_ids and story_id not in result.updated_ids:
                    result.updated_ids.append(story_id)
            continue
        if entry.key in buried or legacy in buried:
            continue
        if mute is not None and mute(entry):
            result.muted += 1
            continue
        # A link several items of this feed share (the site's front page, one page with
        # anchors) says nothing about which story an item is: the guid alone does.
        if entry.url and len(keys_by_url[entry.url]) == 1:
            same_link = conn.execute(
                "SELECT id FROM stories WHERE url = ? ORDER BY id LIMIT 2", (entry.url,)
            ).fetchall()
            row = same_link[0] if len(same_link) == 1 else None  # two: the link is no one's
            if row is not None:
                conn.execute(
                    "INSERT OR IGNORE INTO story_sources (feed_id, key, story_id, first_seen, "
                    "content_hash, outlet) VALUES (?, ?, ?, ?, ?, ?)",
                    (feed_id, entry.key, row[0], stamp, digest, entry.outlet),
                )
                known[entry.key] = (row[0], digest)
                result.seen_elsewhere += 1
                continue
            if conn.execute(
                "SELECT 1 FROM tombstones WHERE url = ? LIMIT 1", (entry.url,)
            ).fetchone():
                continue
        twin = twins.find(entry)
        if twin is not None:
            conn.execute(
                "INSERT OR IGNORE INTO story_sources (feed_id, key, story_id, first_seen, "
                "content_hash, outlet) VALUES (?, ?, ?, ?, ?, ?)",
                (feed_id, entry.key, twin, stamp, digest, entry.outlet),
            )
            known[entry.key] = (twin, digest)
            result.seen_elsewhere += 1
            continue
        cursor = conn.execute(
            "INSERT INTO stories (feed_id, url, title, summary, content, author, published, "
            "first_seen, content_hash, outlet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                feed_id, entry.url, entry.title, entry.summary, entry.content, entry.author,
                entry.published,
                _backlog_stamp(entry, stamp, oldest, now) if backlog else stamp,
                digest, entry.outlet,
            ),
        )  # fmt: skip
        story_id = int(cursor.lastrowid or 0)
        conn.execute(
            "INSERT INTO story_sources (feed_id, key, story_id, first_seen, content_hash, "
            "outlet) VALUES (?, ?, ?, ?, ?, ?)",
            (feed_id, entry.key, story_id, stamp, digest, entry.outlet),
        )
        known[entry.key] = (story_id, digest)
        result.new_ids.append(story_id)
    return result


TWIN_DAYS = 3
"""Publication times of one article in a news search and in its outlet's feed lie this close."""
TWIN_SEARCHED_DAYS = 7
"""News searches' items that arrived this long ago are searched for an outlet's item's twin."""
TWIN_RECENT = 500
"""Stories of a feed (the newest) searched for the twin of a news search's item."""


def _headline_key(title: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in title.casefold()).split())


def _without(key: str, names: set[str]) -> str:
    """`key` without one of `names` (headline keys) at its start or end."""
    for name in names:
        if key.endswith(" " + name):
            return key[: -len(name) - 1]
        if key.startswith(name + " "):
            return key[len(name) + 1 :]
    return key


def _names_of(title: str | None, own_title: str | None) -> tuple[set[str], set[str]]:
    """A feed's names as headline keys: those its headlines may carry ("Orbit: …", "… | Orbit
    AI"), each whole and each part ("AI News | Orbit" → "orbit"); and besides those, what a
    news search may call the outlet: also the first words before a section ("Orbit AI")."""
    whole: set[str] = set()
    for given in (title, own_title):
        if given:
            whole.add(_headline_key(given))
            whole.update(_headline_key(part) for part in re.split(r"\s[|:–—-]\s|:\s", given))
    whole = {name for name in whole if len(name) >= 3}
    prefixes = {
        " ".join(words[:n])
        for words in (name.split() for name in whole)
        for n in range(1, len(words))
    }
    return whole, whole | {name for name in prefixes if len(name) >= 3}


def _keys(title: str | None, names: set[str]) -> set[str]:
    """Keys of a headline: as it is, and without one of `names` at its start or end."""
    key = _headline_key(title or "")
    return {key, _without(key, names)}


UNDATED_BACKLOG = timedelta(days=1)
"""How old an undated item of a feed's backlog is taken to be when none of its items is dated."""


def _legacy_key(entry: ParsedEntry) -> str | None:
    """The key a link-keyed entry had before 2026-11-24 (see `ParsedEntry.legacy_url`)."""
    if entry.legacy_url is None or entry.url is None:
        return None
    if entry.key == entry.url or entry.key == key_of(entry.url):
        return key_of(entry.legacy_url)
    return None


def _backlog_stamp(entry: ParsedEntry, stamp: str, oldest: str | None, now: datetime) -> str:
    """When a story of a feed's first fetch counts as seen: its publication; for an undated one,
    the oldest publication of that fetch (else a day before it): a new feed's undated items had
    read as news of this minute, and a poll's notify command announced them."""
    if entry.published:
        return min(stamp, entry.published)
    return min(stamp, oldest) if oldest else iso(now - UNDATED_BACKLOG)


class _Twins:
    """One article under two links: a news search's item (its link is the search's redirect,
    its `<source>` the outlet) and the item of the outlet's own feed. Same outlet, same headline
    (up to case, punctuation and the " - Outlet" ending), published within `TWIN_DAYS`: one
    story seen in two places, whichever came first. Without this the same article was listed
    twice in its group, once per feed."""

    def __init__(
        self, conn: sqlite3.Connection, feed_id: int, title: str | None, now: datetime
    ) -> None:
        self.conn = conn
        self.now = now
        self.feed_id = feed_id
        self.title = title
        self._feeds: list[tuple[int, set[str], set[str], set[str]]] | None = None
        self._by_feed: dict[int, dict[str, list[tuple[int, str | None]]]] = {}
        self._searched: dict[str, list[tuple[int, str | None]]] | None = None
        self._own: set[str] = set()

    def find(self, entry: ParsedEntry) -> int | None:
        if entry.outlet:
            found = self._in_outlet_feed(entry)
        else:
            found = self._in_searches(entry)
        if len(found) != 1 or len(_headline_key(entry.title).split()) < 4:
            return None  # (a headline this short does not tell articles apart)
        return found.pop()

    def _feed_list(self) -> list[tuple[int, set[str], set[str], set[str]]]:
        if self._feeds is None:
            self._feeds = []
            for feed_id, url, site_url, title, own_title in self.conn.execute(
                "SELECT id, url, site_url, title, own_title FROM feeds"
            ):
                hosts = {host for host in (site_host(url), site_host(site_url)) if host}
                self._feeds.append((feed_id, hosts, *_names_of(title, own_title)))
        return self._feeds

    def _in_outlet_feed(self, entry: ParsedEntry) -> set[int]:
        outlet = _headline_key(entry.outlet or "")
        if len(outlet) < 3:
            return set()
        key = _without(_headline_key(entry.title), {outlet})
        found: set[int] = set()
        for feed_id, hosts, whole, called in self._feed_list():
            if feed_id == self.feed_id or (entry.outlet_site not in hosts and outlet not in called):
                continue
            if feed_id not in self._by_feed:
                stories: dict[str, list[tuple[int, str | None]]] = {}
                for story_id, title, published in self.conn.execute(
                    "SELECT id, title, published FROM stories WHERE feed_id = ? "
                    "ORDER BY id DESC LIMIT ?",
                    (feed_id, TWIN_RECENT),
                ):
                    for own in _keys(title, whole):
                        stories.setdefault(own, []).append((story_id, published))
                self._by_feed[feed_id] = stories
            rows = self._by_feed[feed_id].get(key, ())
            found.update(story_id for story_id, when in rows if _near(when, entry.published))
        return found

    def _in_searches(self, entry: ParsedEntry) -> set[int]:
        if self._searched is None:
            self._searched = {}
            row = self.conn.execute(
                "SELECT title, own_title FROM feeds WHERE id = ?", (self.feed_id,)
            ).fetchone()
            self._own, called = _names_of(row[0], row[1] or self.title) if row else (set(), set())
            for story_id, outlet, title, published in self.conn.execute(
                "SELECT ss.story_id, ss.outlet, s.title, s.published FROM story_sources ss "
                "JOIN stories s ON s.id = ss.story_id "
                "WHERE ss.outlet IS NOT NULL AND ss.first_seen >= ? AND ss.feed_id != ?",
                (iso(self.now - timedelta(days=TWIN_SEARCHED_DAYS)), self.feed_id),
            ):
                name = _headline_key(outlet)
                if name in called:
                    key = _without(_headline_key(title or ""), {name})
                    self._searched.setdefault(key, []).append((story_id, published))
        return {
            story_id
            for key in _keys(entry.title, self._own)
            for story_id, when in self._searched.get(key, ())
            if _near(when, entry.published)
        }


def _near(a: str | None, b: str | None) -> bool:
    first, second = parse_iso(a), parse_iso(b)
    if first is None or second is None:
        return True
    return abs(first - second) <= timedelta(days=TWIN_DAYS)


def _cut_short(conn: sqlite3.Connection, story_id: int, entry: ParsedEntry) -> bool:
    """Whether a recovered entry of a malformed body looks cut off against the stored story: a
    field now empty, or only the start of what it was. Real edits of such feeds (many are
    "malformed" for an unescaped & alone, and feedparser recovers them whole) still count."""
    row = conn.execute(
        "SELECT title, summary, content FROM stories WHERE id = ?", (story_id,)
    ).fetchone()
    if row is None:
        return False
    for old, new in zip(row, (entry.title, entry.summary, entry.content), strict=True):
        if old and new != old and old.startswith(new or ""):
            return True
    return False


def next_check_after_success(settings: PollSettings, now: datetime) -> datetime:
    jitter = random.uniform(0.9, 1.1)
    return now + timedelta(minutes=settings.interval_minutes * jitter)


def replan_checks(conn: sqlite3.Connection, settings: PollSettings) -> int:
    """Bring forward the planned checks of healthy feeds that lie beyond `interval_minutes`
    (with its jitter) after their last check: a shorter interval in feeds.yaml applies at once,
    not after each feed's next check under the old one. Returns the feeds replanned."""
    longest = timedelta(minutes=settings.interval_minutes * 1.1)
    changed = []
    for feed_id, last_checked, next_check in conn.execute(
        "SELECT id, last_checked, next_check FROM feeds WHERE status = 'ok' AND active = 1 "
        "AND last_checked IS NOT NULL AND next_check IS NOT NULL"
    ):
        checked, planned = parse_iso(last_checked), parse_iso(next_check)
        if checked is not None and planned is not None and planned > checked + longest:
            changed.append((iso(next_check_after_success(settings, checked)), feed_id))
    conn.executemany("UPDATE feeds SET next_check = ? WHERE id = ?", changed)
    return len(changed)


def next_check_after_failure(settings: PollSettings, failures: int, now: datetime) -> datetime:
    """Exponential backoff with jitter, never past the cap; never gives up."""
    cap = settings.max_backoff_hours * 60
    base = settings.interval_minutes * (2 ** min(max(failures - 1, 0), 16))
    return now + timedelta(minutes=min(min(base, cap) * random.uniform(0.8, 1.2), cap))


def record_feed_success(
    conn: sqlite3.Connection,
    feed_id: int,
    settings: PollSettings,
    now: datetime,
    *,
    parsed: ParsedFeed | None,
    etag: str | None,
    last_modified: str | None,
    body_hash: str | None,
    url: str | None,
    moved_to: str | None,
) -> None:
    conn.execute(
        "UPDATE feeds SET status = 'ok', last_error = NULL, error_count = 0, failed_checks = 0, "
        "last_checked = ?, "
        "last_ok = ?, next_check = ?, retry_after = NULL, etag = ?, last_modified = ?, "
        "body_hash = COALESCE(?, body_hash), url = COALESCE(?, url), "
        "moved_to = COALESCE(?, moved_to), "
        "title = COALESCE(title, ?), own_title = COALESCE(?, own_title), "
        "site_url = COALESCE(?, site_url), "
        "parse_warning = CASE WHEN ? THEN ? ELSE parse_warning END WHERE id = ?",
        (
            iso(now), iso(now), iso(next_check_after_success(settings, now)), etag,
            last_modified, body_hash, moved_to or None, moved_to,
            parsed.title if parsed else None, parsed.title if parsed else None,
            parsed.site_url if parsed else None,
            parsed is not None, parsed.warning if parsed else None, feed_id,
        ),
    )  # fmt: skip


def record_feed_failure(
    conn: sqlite3.Connection,
    feed_id: int,
    settings: PollSettings,
    now: datetime,
    *,
    error: str,
    gone: bool = False,
    retry_after: float | None = None,
) -> None:
    row = conn.execute(
        "SELECT error_count, status, next_check FROM feeds WHERE id = ?", (feed_id,)
    ).fetchone()
    early = row is not None and row[1] == "error" and row[2] is not None and row[2] > iso(now)
    # A failing feed fetched before its backoff ran out (`poll --all`, the TUI's `r`) that fails
    # again keeps its count and its next check: retrying by hand must not push the feed further
    # out each time (a reader pressing `r` a few times sent one to the next day).
    failures = (row[0] if row else 0) + (0 if early else 1)
    if gone:
        conn.execute(
            "UPDATE feeds SET status = 'gone', last_error = ?, error_count = ?, "
            "failed_checks = failed_checks + 1, last_checked = ?, "
            "next_check = NULL WHERE id = ?",
            (error, failures, iso(now), feed_id),
        )
        return
    if early:
        next_check = datetime.fromisoformat(row[2].replace("Z", "+00:00"))
    else:
        next_check = next_check_after_failure(settings, failures, now)
    not_before = None
    if retry_after is not None:
        wait = min(retry_after, settings.max_backoff_hours * 3600)
        not_before = now + timedelta(seconds=wait)
        next_check = max(next_check, not_before)
    conn.execute(
        "UPDATE feeds SET status = 'error', last_error = ?, error_count = ?, "
        "failed_checks = failed_checks + 1, last_checked = ?, "
        "next_check = ?, retry_after = ? WHERE id = ?",
        (error, failures, iso(now), iso(next_check), iso(not_before) if not_before else None,
         feed_id),
    )  # fmt: skip


RETENTION_BATCH = 2000
"""Stories deleted per transaction by retention: the write lock is let go between batches, so
the open UI's marks and a reader are never held up for long."""


def apply_retention(
    conn: sqlite3.Connection, days: int, now: datetime, limit: int = RETENTION_BATCH
) -> int:
    """Delete up to `limit` unstarred stories that arrived more than `days` ago, leaving
    tombstones; the number deleted (call again, in a new transaction, while it is `limit`).

    Arrival is the first `story_sources.first_seen`: a new feed's backlog is dated by
    publication (see `store_entries`), and a year-old item of a feed subscribed today is kept
    for `days` like any other."""
    if days <= 0:
        return 0
    cutoff = iso(now - timedelta(days=days))
    # first_seen <= arrival, so the first_seen index narrows the search.
    expired = [
        int(row[0])
        for row in conn.execute(
            "SELECT st.id FROM stories st WHERE st.first_seen < ? AND st.starred = 0 "
            "AND NOT EXISTS (SELECT 1 FROM story_sources a WHERE a.story_id = st.id "
            "AND a.first_seen >= ?) ORDER BY st.first_seen LIMIT ?",
            (cutoff, cutoff, limit),
        )
    ]
    touched: set[int] = set()
    for start in range(0, len(expired), 500):
        chunk = expired[start : start + 500]
        marks = ",".join("?" * len(chunk))
        conn.execute(
            "INSERT OR IGNORE INTO tombstones (feed_id, key, url, deleted_at) "
            "SELECT src.feed_id, src.key, st.url, ? FROM story_sources src "
            f"JOIN stories st ON st.id = src.story_id WHERE st.id IN ({marks})",
            (iso(now), *chunk),
        )
        touched.update(
            int(row[0])
            for row in conn.execute(
                f"SELECT DISTINCT group_id FROM stories WHERE id IN ({marks}) "
                "AND group_id IS NOT NULL",
                chunk,
            )
        )
        conn.execute(f"DELETE FROM stories WHERE id IN ({marks})", chunk)
    _recount_groups(conn, sorted(touched))
    return len(expired)


def _recount_groups(conn: sqlite3.Connection, group_ids: Sequence[int]) -> None:
    """Groups that lost stories: an empty one goes, with its claims; the rest are recounted
    (a group said "2 stories" over an empty list)."""
    for start in range(0, len(group_ids), 500):
        chunk = list(group_ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        empty = (
            f"SELECT g.id FROM groups g WHERE g.id IN ({marks}) "
            "AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.group_id = g.id)"
        )
        conn.execute(f"DELETE FROM claims WHERE group_id IN ({empty})", chunk)
        conn.execute(f"DELETE FROM groups WHERE id IN ({empty})", chunk)
        conn.execute(
            "UPDATE groups SET "
            "story_count = (SELECT COUNT(*) FROM stories WHERE group_id = groups.id), "
            "source_count = (SELECT COUNT(DISTINCT src.feed_id) FROM story_sources src "
            "JOIN stories s ON s.id = src.story_id WHERE s.group_id = groups.id), "
            "claim_count = (SELECT COUNT(*) FROM claims WHERE group_id = groups.id) "
            f"WHERE id IN ({marks})",
            chunk,
        )
