"""Read-side SQL for the terminal UI: windows of groups and stories, filters, search, marks.

Headless (no Textual) so it can be tested and benchmarked on its own. Shape, and why:

- The UI lists *items*: event groups, plus every story that has no group yet, shown as a
  one-story group (a UNION ALL of two arms). So the UI works before grouping ran, and keeps
  working for old stories grouping never saw.
- Items are ordered by activity, newest first; ties (a first poll stamps many groups with one
  time) go to the bigger event (`rank`: sources, then stories), then to the unique integer `key`
  (`2*group_id + 1` for groups, `2*story_id` for lone stories). A window is a page of rows
  after (or before) a known `(activity, rank, key)`: keyed paging on the `last_seen`/`first_seen`
  indexes, never `OFFSET` over the whole table except for a jump into an unknown middle.
- Filters (tag, feed, unread, starred, time window, full-text search) are applied in SQL on both
  arms.
- Every function takes an open connection and returns plain dataclasses; writes use
  `db.write()` (one short `BEGIN IMMEDIATE`).
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor import db as dbmod
from monitor.textclean import clean_line, clean_text

SPARK_DAYS = 14
"""Days in a per-tag sparkline (today included)."""
MAX_GROUP_STORIES = 500
"""Stories of one group loaded for the detail pane (newest first)."""
MAX_CLAIMS = 200
"""Claims of one group loaded for the detail pane."""

WINDOWS: tuple[int | None, ...] = (None, 24, 72, 168, 336)
"""Time windows the UI cycles through, in hours (None = all time)."""

_WORD = re.compile(r"\w+", re.UNICODE)
# Letters of scripts written without spaces (Thai, Japanese kana, Chinese characters): the
# full-text index keeps a whole run of them as one word, so a word inside one is looked for
# as a substring instead (`unspaced_words`).
_UNSPACED = re.compile("[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Filters:
    """What the groups list shows. Immutable: the UI replaces it to change a filter."""

    tag: str | None = None
    """Only items with a story carrying this tag."""
    feed: int | None = None
    """Only items with a story this feed carried (a `feeds.id`; any feed that carried a shared
    story counts, as in the feeds screen's story count)."""
    feed_name: str = ""
    """The feed's source name, for the filter bar (kept here: the bar must not query)."""
    unread: bool = False
    """Only items with at least one unread story."""
    starred: bool = False
    """Only items with at least one starred story."""
    window_hours: int | None = None
    """Only items active in the last this-many hours."""
    search: str = ""
    """Full-text search over titles and summaries (as typed; see `fts_query`)."""

    def with_(self, **changes: Any) -> Filters:
        return replace(self, **changes)

    @property
    def active(self) -> bool:
        return bool(
            self.tag
            or self.feed is not None
            or self.unread
            or self.starred
            or self.window_hours
            or has_search(self.search)
        )

    def describe(self) -> list[str]:
        """Short phrases for the filter bar, in a fixed order."""
        parts = []
        if self.feed is not None:
            parts.append(f"feed {self.feed_name or f'#{self.feed}'}")
        if self.tag:
            parts.append(f"tag {self.tag}")
        if self.unread:
            parts.append("unread")
        if self.starred:
            parts.append("starred")
        if self.window_hours:
            parts.append(f"last {window_label(self.window_hours)}")
        if has_search(self.search):
            parts.append(f'search "{self.search.strip()}"')
        elif self.search.strip():
            # Emoji, punctuation or a lone OR: nothing `fts_query` can look for. Said, so that
            # a list of every group does not read as every group matching.
            parts.append(f'search "{self.search.strip()}": no words to search for')
        return parts


def window_label(hours: int | None) -> str:
    if not hours:
        return "all time"
    if hours % 24 == 0:
        return f"{hours // 24}d" if hours != 24 else "24h"
    return f"{hours}h"


def fts_query(text: str) -> str:
    """User input → a safe FTS5 query: every word quoted, the last one a prefix (live search);
    an `OR` in capitals between two words is the one operator ("laundry OR socks").

    Nothing else the user types reaches FTS5 syntax: quotes, brackets and other operators are
    dropped, so the query can never be a syntax error.
    """
    words = _WORD.findall(text or "")
    if any(_UNSPACED.search(word) for word in words):
        return ""  # looked for as substrings: `unspaced_words`
    parts: list[str] = []
    for number, word in enumerate(words):
        if word == "OR":
            if parts and parts[-1] != "OR" and number < len(words) - 1:
                parts.append("OR")
            continue  # a leading, trailing or doubled OR is nothing to look for
        parts.append(f'"{word}"')
    if not parts:
        return ""
    if text and not text[-1].isspace() and words[-1] != "OR":
        parts[-1] += "*"
    return " ".join(parts)


def unspaced_words(text: str) -> list[str]:
    """A search with a word in a script without spaces ("智能", "实验室 Llama"): its words, each
    to be found in the title or summary as a substring (see `_UNSPACED`; Latin words next to
    such text are inside its runs too). Empty for any other search, which `fts_query` does."""
    words = [w for w in _WORD.findall(text or "") if w != "OR"]
    if not any(_UNSPACED.search(word) for word in words):
        return []
    return list(dict.fromkeys(words))


def has_search(text: str) -> bool:
    """Whether `text` gives the search anything to look for."""
    return bool(fts_query(text) or unspaced_words(text))


@dataclass(frozen=True)
class GroupRow:
    """One line of the groups list: an event group, or a lone story shown as one."""

    key: int
    """Unique across both kinds: 2*group_id+1, or 2*story_id for a lone story."""
    activity: str
    """ISO time of the last activity (sort order, newest first)."""
    group_id: int | None
    story_id: int | None
    """Set for a lone story (no group yet)."""
    title: str
    tags: tuple[str, ...]
    story_count: int
    source_count: int
    """Outlets, by name: a feed subscribed again under a new address is still one source."""
    claim_count: int
    new_claims: int
    seen: bool
    """False while the group has activity the reader has not looked at."""
    unread: int
    starred: int
    first_seen: str
    new_wordings: int | None = None
    """The new claims as the claims pane shows them, one per wording (two figures in one
    sentence are two claims in the core, one line on screen); None: same as new_claims."""
    feed_count: int | None = None
    """Feeds (rows of `feeds`) that carried it, as stored; it, not `source_count`, orders ties,
    so the rank agrees with the SQL that pages the list. None: same as source_count."""

    @property
    def new_shown(self) -> int:
        return self.new_claims if self.new_wordings is None else self.new_wordings

    @property
    def is_lone(self) -> bool:
        return self.group_id is None

    @property
    def rank(self) -> int:
        """Size, for ties on activity: sources, then stories (as `_GROUP_RANK`/`_LONE_RANK`)."""
        if self.is_lone:
            return LONE_RANK
        feeds = self.source_count if self.feed_count is None else self.feed_count
        return feeds * RANK_SOURCES + min(self.story_count, RANK_SOURCES - 1)

    @property
    def sort_key(self) -> tuple[str, int, int]:
        """(activity, rank, key): the list is in descending order of this; pages are keyed by it."""
        return (self.activity, self.rank, self.key)


RANK_SOURCES = 10_000
LONE_RANK = RANK_SOURCES + 1
"""A lone story ranks as one source and one story."""
_GROUP_RANK = (
    f"(COALESCE(g.source_count, 0) * {RANK_SOURCES} + MIN(COALESCE(g.story_count, 0), "
    f"{RANK_SOURCES - 1}))"
)
_LONE_RANK = str(LONE_RANK)

SortKey = tuple[str, int, int] | tuple[str, int]
"""(activity, rank, key), or (activity, key) with the rank read from the database."""


@dataclass(frozen=True)
class StoryRow:
    """One story in a group's detail pane."""

    id: int
    title: str
    url: str | None
    source: str
    published: str | None
    first_seen: str
    read: bool
    starred: bool
    updated: bool
    sources: int
    """How many feeds carried it."""
    in_feed: bool = False
    """Carried by the feed the list is filtered by (see `group_stories`)."""
    matched: bool = False
    """Found by the search the list is filtered by (see `GroupQuery.matched`)."""

    @property
    def time(self) -> str:
        return self.published or self.first_seen


@dataclass(frozen=True)
class ClaimRow:
    id: int
    text: str
    first_seen: str
    conflicting: bool
    appearances: int
    first_source: str | None
    new: bool = False
    first_time: str | None = None
    """When its first appearance was published (else first seen): the time of `first_source`.
    `first_seen` is when the monitor first saw the claim, which stays when the first
    appearance moves to an earlier-published report."""
    figure: str | None = None
    """The figure this claim is about, as written, when its wording gives more than one
    ("49%" of "buys 49% … for $14.8B")."""
    other_figures: tuple[tuple[str, str], ...] = ()
    """For a conflicting claim: (figure as written, source) of reports whose figures disagree
    with its first wording ("$15 billion", "Ledger"), one per distinct figure, a few."""


@dataclass(frozen=True)
class TagReason:
    tag: str
    rule: str
    matched: tuple[str, ...]


@dataclass(frozen=True)
class ClaimAppearance:
    claim_id: int
    text: str
    """The wording in this story."""
    claim_text: str
    is_new: bool
    conflicting: bool
    disagreeing: tuple[tuple[str, str], ...] = ()
    """For a conflicting claim: (source, wording) of reports on the other side, a few."""


DISAGREEING_SHOWN = 10  # the first is quoted, the rest counted
CORRECTIONS_SHOWN = 5  # per group, newest first


@dataclass(frozen=True)
class Correction:
    """A story edited to state another figure: its wording before and after."""

    was: str
    now: str
    noticed: str
    source: str


@dataclass(frozen=True)
class StoryDetail:
    id: int
    title: str
    url: str | None
    summary: str
    author: str | None
    published: str | None
    first_seen: str
    """When it arrived (its first source's arrival: for a new feed's backlog,
    `stories.first_seen` holds the publication time)."""
    updated_at: str | None
    read: bool
    starred: bool
    updated: bool
    group_id: int | None
    source: str
    seen_in: tuple[str, ...]
    tags: tuple[TagReason, ...]
    claims: tuple[ClaimAppearance, ...]
    corrections: tuple[Correction, ...] = ()
    content: str = ""
    """The article's full text (plain, paragraphs kept) when the feed gave one
    (`content:encoded`, Atom `<content>`) besides its summary; else empty."""

    @property
    def body(self) -> str:
        """What the story view shows as the story: the full text, else the summary."""
        return self.content or self.summary


@dataclass(frozen=True)
class TagInfo:
    tag: str
    stories: int
    per_day: tuple[int, ...] = field(default_factory=tuple)
    """Stories per UTC day, oldest first, the last SPARK_DAYS days."""
    unread: int = 0


@dataclass(frozen=True)
class PollState:
    last_poll: str | None
    """When the last poll that fetched anything finished."""
    failing: int
    feeds: int
    next_check: str | None
    last_new: int | None = None
    """Stories that poll added (None: not recorded, a database from before)."""
    last_updated: int = 0
    """Stored stories whose text that poll found changed."""


# --- the groups list ------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_temp_names = itertools.count(1)


class GroupQuery:
    """The filtered, ordered set of items on one connection, read in windows.

    Rows are ordered by (activity DESC, rank DESC, id DESC, kind DESC): both arms read their time
    index in order and sort only the runs of equal times by rank; `key = 2*id + kind` orders
    like (id, kind). A page query returns only
    keys; the display columns of the page's rows are read in a second, by-id query, so no sort
    ever computes them for rows that are not shown. A search is run once against FTS5 into a
    temporary table (dropped by `close()`), so paging through its results stays cheap.
    """

    LONE_SCAN = 2000
    """With more lone stories than this, walk the time index instead of the group_id index."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        filters: Filters,
        now: datetime | None = None,
        *,
        pin: int | None = None,
    ) -> None:
        """`pin`: the key of an item listed whatever the filters say (the group being read,
        which reading it took out of an unread-only list: it stays until the reader leaves)."""
        self.conn = conn
        self.filters = filters
        self.params: dict[str, Any] = {}
        self._temp: list[str] = []
        self.match_table: str | None = None
        """The temporary table of the stories that pass every story-level filter (None: no
        such filter), filled once by `_matches`."""
        self.lone = int(
            conn.execute("SELECT COUNT(*) FROM stories WHERE group_id IS NULL").fetchone()[0]
        )
        group_where = ["1"]
        story_where = [
            "+s.group_id IS NULL" if self.lone > self.LONE_SCAN else "s.group_id IS NULL"
        ]
        if filters.window_hours:
            now = now or datetime.now(UTC)
            self.params["since"] = _iso(now - timedelta(hours=filters.window_hours))
            group_where.append("g.last_seen >= :since")
            story_where.append("s.first_seen >= :since")
        if (
            filters.tag
            or filters.feed is not None
            or filters.unread
            or filters.starred
            or has_search(filters.search)
        ):
            stories, groups = self._matches(filters)
            self.match_table = stories
            group_where.append(f"g.id IN {groups}")
            story_where.append(f"s.id IN {stories}")
        self.group_where = " AND ".join(group_where)
        self.story_where = " AND ".join(story_where)
        if pin is not None and len(group_where) > 1:  # (unfiltered, every item is listed)
            self.params["pin"] = pin // 2
            if pin % 2:
                self.group_where = f"({self.group_where} OR g.id = :pin)"
            else:  # still lone: the arm's own `group_id IS NULL` stays outside the OR
                rest = " AND ".join(story_where[1:])
                self.story_where = f"{story_where[0]} AND ({rest} OR s.id = :pin)"
        # Pages walk the time indexes and probe the match tables ("+" keeps SQLite from
        # reading the match table first and sorting all of it for every page).
        self.group_scan = self.group_where.replace("g.id IN temp.", "+g.id IN temp.")
        self.story_scan = self.story_where.replace("s.id IN temp.", "+s.id IN temp.")

    def _matches(self, filters: Filters) -> tuple[str, str]:
        """Materialise the stories that pass every story-level filter (tag, feed, unread, starred,
        search), and their groups, into two temporary tables: one scan per reload, after which
        count, pages and positions only probe them. A group matches when one of its stories
        passes all of them."""
        number = next(_temp_names)
        stories, groups = f"temp.match_stories_{number}", f"temp.match_groups_{number}"
        for name in (stories, groups):
            self.conn.execute(f"CREATE TEMP TABLE {name.split('.')[1]} (id INTEGER PRIMARY KEY)")
            self._temp.append(name)
        conds = ["1"]
        params: dict[str, Any] = {}
        source = "stories s"
        match = fts_query(filters.search)
        if filters.tag:  # drive from the tag index: the tagged stories, not every story
            source = "story_tags t JOIN stories s ON s.id = t.story_id"
            conds.append("t.tag = :tag")
            params["tag"] = filters.tag
        if filters.feed is not None:
            # The feed's stories come off the story_sources primary key (feed_id, key): driving
            # from them when no tag does, else probed as a set, never a scan of every story.
            params["feed"] = filters.feed
            if filters.tag:
                conds.append("s.id IN (SELECT story_id FROM story_sources WHERE feed_id = :feed)")
            else:
                source = "story_sources ss JOIN stories s ON s.id = ss.story_id"
                conds.append("ss.feed_id = :feed")
        if match:
            conds.append("s.id IN (SELECT rowid FROM stories_fts WHERE stories_fts MATCH :match)")
            params["match"] = match
        for number, word in enumerate(unspaced_words(filters.search)):
            name = f"unspaced{number}"
            conds.append(
                f"(s.title LIKE :{name} ESCAPE '\\' OR s.summary LIKE :{name} ESCAPE '\\')"
            )
            params[name] = "%" + re.sub(r"([%_\\])", r"\\\1", word) + "%"
        if filters.unread:
            conds.append("NOT s.read")
        if filters.starred:
            conds.append("s.starred")
        self.conn.execute(
            f"INSERT OR IGNORE INTO {stories} SELECT s.id FROM {source} WHERE {' AND '.join(conds)}",
            params,
        )
        self.conn.execute(
            f"INSERT OR IGNORE INTO {groups} SELECT s.group_id FROM {stories} m "
            "JOIN stories s ON s.id = m.id WHERE s.group_id IS NOT NULL"
        )
        return stories, groups

    def close(self) -> None:
        """Drop the temporary search tables (safe to call twice)."""
        self.match_table = None
        while self._temp:
            self.conn.execute(f"DROP TABLE IF EXISTS {self._temp.pop()}")

    def matched(self, story_ids: Sequence[int]) -> set[int]:
        """Those of `story_ids` that the filters' search found (and that pass the other story
        filters): probes of the match table the list was read with, no second full-text
        search. Empty without a search."""
        if self.match_table is None or not has_search(self.filters.search) or not story_ids:
            return set()
        found: set[int] = set()
        for start in range(0, len(story_ids), 500):
            chunk = list(story_ids[start : start + 500])
            found.update(
                _ids(
                    self.conn,
                    f"SELECT id FROM {self.match_table} WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
            )
        return found

    def _arms(self, group_cond: str = "", story_cond: str = "") -> str:
        group_sql = (
            f"SELECT g.last_seen AS ts, {_GROUP_RANK} AS rank, g.id AS id, 1 AS kind "
            f"FROM groups g WHERE {self.group_scan}{group_cond}"
        )
        if not self.lone:
            return group_sql
        story_sql = (
            f"SELECT s.first_seen AS ts, {_LONE_RANK} AS rank, s.id AS id, 0 AS kind "
            f"FROM stories s WHERE {self.story_scan}{story_cond}"
        )
        return f"{group_sql} UNION ALL {story_sql}"

    def _key_params(self, at: SortKey) -> dict[str, Any]:
        if len(at) == 3:
            ts, rank, key = at
        else:
            ts, key = at
            rank = item_rank(self.conn, key)
        number, kind = divmod(key, 2)
        return {"ts": ts, "rank": rank, "id": number, "kind": kind}

    @staticmethod
    def _beyond(op: str, tied: bool = False) -> tuple[str, str]:
        """Conditions on both arms for rows after (`op` "<") or before (">") the key in the
        params, in (ts, rank, id, kind) order; the leading time range keeps to the index. With
        `tied`, only the rows at the key's own time."""
        if tied:
            group_ts, story_ts = "g.last_seen = :ts AND (0", "s.first_seen = :ts AND (0"
        else:
            loose = "<=" if op == "<" else ">="
            group_ts = f"g.last_seen {loose} :ts AND (g.last_seen {op} :ts"
            story_ts = f"s.first_seen {loose} :ts AND (s.first_seen {op} :ts"
        return (
            f" AND {group_ts} OR {_GROUP_RANK} {op} :rank"
            f" OR ({_GROUP_RANK} = :rank AND (g.id {op} :id OR (g.id = :id AND 1 {op} :kind))))",
            f" AND {story_ts} OR {_LONE_RANK} {op} :rank"
            f" OR ({_LONE_RANK} = :rank AND (s.id {op} :id OR (s.id = :id AND 0 {op} :kind))))",
        )

    def count(self) -> int:
        total = self.conn.execute(
            f"SELECT COUNT(*) FROM groups g WHERE {self.group_where}", self.params
        ).fetchone()[0]
        if self.lone:
            total += self.conn.execute(
                f"SELECT COUNT(*) FROM stories s WHERE {self.story_where}", self.params
            ).fetchone()[0]
        return int(total)

    def page_after(self, after: SortKey | None, limit: int) -> list[GroupRow]:
        """Up to `limit` items that sort after `after` (a row's `sort_key`; from the top when
        None)."""
        params = dict(self.params, limit=limit)
        conds = ("", "")
        if after is not None:
            params.update(self._key_params(after))
            conds = self._beyond("<")
        rows = self.conn.execute(
            f"{self._arms(*conds)} ORDER BY ts DESC, rank DESC, id DESC, kind DESC LIMIT :limit",
            params,
        ).fetchall()
        return self._rows([row[2] * 2 + row[3] for row in rows])

    def page_before(self, before: SortKey | None, limit: int) -> list[GroupRow]:
        """Up to `limit` items just before `before` (a row's `sort_key`; the very end when None),
        in display order."""
        params = dict(self.params, limit=limit)
        conds = ("", "")
        if before is not None:
            params.update(self._key_params(before))
            conds = self._beyond(">")
        rows = self.conn.execute(
            f"{self._arms(*conds)} ORDER BY ts ASC, rank ASC, id ASC, kind ASC LIMIT :limit",
            params,
        ).fetchall()
        return self._rows([row[2] * 2 + row[3] for row in reversed(rows)])

    def items(self) -> tuple[list[int], list[int]]:
        """Every item the filters pass: (group ids, lone story ids), in no order."""
        groups: list[int] = []
        stories: list[int] = []
        for item_id, kind in self.conn.execute(
            f"SELECT id, kind FROM ({self._arms()})", self.params
        ):
            (groups if kind else stories).append(int(item_id))
        return groups, stories

    def page_at(self, offset: int, limit: int) -> list[GroupRow]:
        """Items at `offset`: a jump into the middle (dragging the scrollbar)."""
        params = dict(self.params, limit=limit, offset=max(0, offset))
        rows = self.conn.execute(
            f"{self._arms()} ORDER BY ts DESC, rank DESC, id DESC, kind DESC "
            "LIMIT :limit OFFSET :offset",
            params,
        ).fetchall()
        return self._rows([row[2] * 2 + row[3] for row in rows])

    def _rows(self, keys: list[int]) -> list[GroupRow]:
        """Display rows for `keys`, in that order (rows deleted meanwhile are left out)."""
        found = {row.key: row for row in group_rows(self.conn, keys)}
        return [found[key] for key in keys if key in found]

    def position(self, key: int) -> tuple[int, int] | None:
        """Where the item `key` is now: (index, key). A lone story that has since joined a group
        resolves to that group. None if it is gone or filtered out."""
        located = locate(self.conn, key)
        if located is None:
            return None
        key, activity = located
        params = dict(self.params, **self._key_params((activity, key)))
        if params["kind"]:
            inside = f"SELECT 1 FROM groups g WHERE g.id = :id AND {self.group_where}"
        else:
            inside = f"SELECT 1 FROM stories s WHERE s.id = :id AND {self.story_where}"
        if self.conn.execute(inside, params).fetchone() is None:
            return None
        # Newer items are counted off the time index alone; only the ones at the same time
        # need the rank (a table read each).
        tied = self._beyond(">", tied=True)
        before = self.conn.execute(
            f"SELECT (SELECT COUNT(*) FROM groups g WHERE {self.group_where} "
            f"AND g.last_seen > :ts) + (SELECT COUNT(*) FROM groups g WHERE {self.group_where}"
            f"{tied[0]})",
            params,
        ).fetchone()[0]
        if self.lone:
            before += self.conn.execute(
                f"SELECT (SELECT COUNT(*) FROM stories s WHERE {self.story_where} "
                f"AND s.first_seen > :ts) + (SELECT COUNT(*) FROM stories s "
                f"WHERE {self.story_where}{tied[1]})",
                params,
            ).fetchone()[0]
        return int(before), key


def has_lone_stories(conn: sqlite3.Connection) -> bool:
    """Any story without a group? (Uses the group_id index; cheap.)"""
    return (
        conn.execute("SELECT 1 FROM stories WHERE group_id IS NULL LIMIT 1").fetchone() is not None
    )


def item_rank(conn: sqlite3.Connection, key: int) -> int:
    """The current `rank` of the item `key` (0 if it is gone)."""
    if key % 2 == 0:
        return LONE_RANK
    row = conn.execute(f"SELECT {_GROUP_RANK} FROM groups g WHERE g.id = ?", (key // 2,)).fetchone()
    return int(row[0]) if row is not None else 0


def locate(conn: sqlite3.Connection, key: int) -> tuple[int, str] | None:
    """The current (key, activity) of an item; a lone story now in a group gives the group."""
    if key % 2:
        row = conn.execute("SELECT last_seen FROM groups WHERE id = ?", (key // 2,)).fetchone()
        return None if row is None else (key, row[0])
    row = conn.execute(
        "SELECT s.first_seen, s.group_id, g.last_seen FROM stories s "
        "LEFT JOIN groups g ON g.id = s.group_id WHERE s.id = ?",
        (key // 2,),
    ).fetchone()
    if row is None:
        return None
    if row["group_id"] is not None:
        if row["last_seen"] is None:
            return None
        return row["group_id"] * 2 + 1, row["last_seen"]
    return key, row["first_seen"]


def _tags(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    try:
        items = json.loads(value)
    except ValueError:
        return ()
    if not isinstance(items, list):
        return ()
    return tuple(sorted({clean_line(str(item)) for item in items if item}))


def _group_row(row: sqlite3.Row) -> GroupRow:
    return GroupRow(
        key=row[0],
        activity=row[1],
        group_id=row[2],
        story_id=row[3],
        title=clean_line(row[4]) or "(untitled)",
        tags=_tags(row[5]),
        story_count=row[6] or 0,
        source_count=row[7] or 0,
        claim_count=row[8] or 0,
        new_claims=row[9] or 0,
        seen=bool(row[10]),
        unread=row[11] or 0,
        starred=row[12] or 0,
        first_seen=row[13],
        new_wordings=row[14],
        feed_count=row[7] or 0,
    )


UNTITLED_CHARS = 90


def _headline_sql(title: str, summary: str) -> str:
    """SQL for a row's headline: the title, or for an item without one (a Mastodon post, a
    microblog's feed) the start of what it says, so that such items are not all "(untitled)"."""
    return (
        f"CASE WHEN trim({title}) != '' THEN {title} "
        f"ELSE rtrim(substr({summary}, 1, {UNTITLED_CHARS})) "
        f"|| CASE WHEN length({summary}) > {UNTITLED_CHARS} THEN '…' ELSE '' END END"
    )


_GROUP_SUMMARY = (
    "(SELECT summary FROM stories WHERE group_id = g.id AND summary != '' ORDER BY id LIMIT 1)"
)
_GROUP_COLUMNS = f"""
    g.id * 2 + 1, g.last_seen, g.id, NULL, {_headline_sql("g.title", _GROUP_SUMMARY)}, g.tags, g.story_count, g.source_count,
    g.claim_count, g.new_claims, g.seen,
    (SELECT COUNT(*) FROM stories s WHERE s.group_id = g.id AND NOT s.read),
    (SELECT COUNT(*) FROM stories s WHERE s.group_id = g.id AND s.starred), g.first_seen,
    CASE WHEN g.new_claims > 0 THEN (
        SELECT COUNT(DISTINCT lower(trim(c.text))) FROM claims c
        WHERE c.group_id = g.id AND (
            SELECT COUNT(*) FROM claims n WHERE n.group_id = g.id
            AND (n.first_seen > c.first_seen OR (n.first_seen = c.first_seen AND n.id > c.id))
        ) < g.new_claims
    ) END"""
_STORY_COLUMNS = f"""
    s.id * 2, s.first_seen, NULL, s.id, {_headline_sql("s.title", "s.summary")},
    (SELECT json_group_array(t.tag) FROM story_tags t WHERE t.story_id = s.id), 1,
    (SELECT COUNT(DISTINCT ss.feed_id) FROM story_sources ss WHERE ss.story_id = s.id),
    (SELECT COUNT(*) FROM claim_appearances a WHERE a.story_id = s.id), 0, s.read,
    NOT s.read, s.starred, s.first_seen, NULL"""


def is_tag_like(title: str) -> bool:
    """A bare release tag or version ("b5710", "v1.2.3") rather than a headline: short, one
    word, with a digit. Such a title says nothing without the feed it came from."""
    return (
        0 < len(title) <= 20
        and not any(char.isspace() for char in title)
        and any(char.isdigit() for char in title)
    )


_RELEASE_WORDS = re.compile(r"^release notes from\s+|\s+(?:releases?|release notes|tags)$", re.I)


def titled(title: str, source: str | None) -> str:
    """The title to display: a tag-like title gets its source in front ("llama.cpp b5710" for
    "b5710" from the feed "llama.cpp releases"); any other title is returned as it is. Stored
    data is never changed."""
    if not source or not is_tag_like(title):
        return title
    name = _RELEASE_WORDS.sub("", source).strip() or source
    return f"{name} {title}"


def _with_sources(conn: sqlite3.Connection, rows: list[GroupRow]) -> list[GroupRow]:
    """`titled()` for the rows whose title is tag-like (one small query each; most have none)."""
    out = []
    for row in rows:
        if is_tag_like(row.title):
            if row.group_id is not None:
                found = conn.execute(
                    "SELECT f.title, f.config_url FROM stories s JOIN feeds f ON f.id = s.feed_id "
                    "WHERE s.group_id = ? ORDER BY s.title = ? DESC, s.first_seen, s.id LIMIT 1",
                    (row.group_id, row.title),
                ).fetchone()
            else:
                found = conn.execute(
                    "SELECT f.title, f.config_url FROM stories s JOIN feeds f ON f.id = s.feed_id "
                    "WHERE s.id = ?",
                    (row.story_id,),
                ).fetchone()
            if found is not None:
                row = replace(row, title=titled(row.title, _source_name(found[0], found[1])))
        out.append(row)
    return out


def group_rows(conn: sqlite3.Connection, keys: Sequence[int]) -> list[GroupRow]:
    """Items by key, unfiltered, in no particular order; tag-like titles get their source."""
    rows: list[GroupRow] = []
    for kind, columns, table in ((1, _GROUP_COLUMNS, "groups g"), (0, _STORY_COLUMNS, "stories s")):
        ids = [key // 2 for key in keys if key % 2 == kind]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            alias = table[-1]
            rows.extend(
                _group_row(row)
                for row in conn.execute(
                    f"SELECT {columns} FROM {table} WHERE {alias}.id IN ({marks})", chunk
                )
            )
    return _with_sources(conn, _with_outlet_counts(conn, rows))


def distinct_sources(names: Iterable[str]) -> list[str]:
    """Each source name once, the first spelling kept, in the order given; names differing only
    in case are one outlet."""
    seen: set[str] = set()
    out = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


def _outlets(conn: sqlite3.Connection) -> dict[int, str]:
    """Feed id -> its outlet: the source name shown, case-folded (feeds are few: read whole)."""
    return {
        row[0]: _source_name(row[1], row[2]).casefold()
        for row in conn.execute("SELECT id, title, config_url FROM feeds")
    }


def _with_outlet_counts(conn: sqlite3.Connection, rows: list[GroupRow]) -> list[GroupRow]:
    """Source counts per outlet, not per feed. A feed whose address changed in feeds.yaml keeps
    its old row (and the stories it brought), so the stored per-feed count said "4 sources" for
    3 outlets; and a news search brings many outlets through one feed ("1 src" for five). Only
    when two feeds share a name, or some story names its outlet, are rows counted again."""
    outlet = _outlets(conn)
    shared_names = len(set(outlet.values())) != len(outlet)
    named = (
        conn.execute("SELECT 1 FROM story_sources WHERE outlet IS NOT NULL LIMIT 1").fetchone()
        is not None
    )
    if not shared_names and not named:
        return rows
    keys = [row.key for row in rows if row.source_count > 1 or named]
    sources = _sources_by_key(conn, keys)
    own = (
        {row[0]: clean_line(row[1]).casefold() for row in conn.execute(
            "SELECT id, own_title FROM feeds WHERE own_title IS NOT NULL")}
        if named
        else {}
    )  # fmt: skip

    def count(reports: set[tuple[int, str | None]]) -> int:
        # A feed named otherwise in feeds.yaml is the outlet a search names by its own name.
        named_here = {name.casefold() for _f, name in reports if name}
        return len(
            {
                name.casefold()
                if name
                else own[f]
                if own.get(f) in named_here
                else outlet.get(f, f"#{f}")
                for f, name in reports
            }
        )

    return [
        replace(row, source_count=count(sources[row.key])) if row.key in sources else row
        for row in rows
    ]


def _sources_by_key(
    conn: sqlite3.Connection, keys: Sequence[int]
) -> dict[int, set[tuple[int, str | None]]]:
    """Item key -> (feed id, outlet named by the item or None) of every report of its stories."""
    found: dict[int, set[tuple[int, str | None]]] = {}
    group_sql = (
        "SELECT s.group_id * 2 + 1, ss.feed_id, ss.outlet FROM stories s "
        "JOIN story_sources ss ON ss.story_id = s.id WHERE s.group_id IN ({})"
    )
    story_sql = (
        "SELECT ss.story_id * 2, ss.feed_id, ss.outlet FROM story_sources ss "
        "WHERE ss.story_id IN ({})"
    )
    for kind, sql in ((1, group_sql), (0, story_sql)):
        ids = [key // 2 for key in keys if key % 2 == kind]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for key, feed_id, name in conn.execute(sql.format(",".join("?" * len(chunk))), chunk):
                found.setdefault(key, set()).add((feed_id, clean_line(name) or None))
    return found


def group_row(conn: sqlite3.Connection, key: int) -> GroupRow | None:
    """One item by key, unfiltered."""
    rows = group_rows(conn, [key])
    return rows[0] if rows else None


# --- one group ------------------------------------------------------------------------------


SOURCE_CHARS = 60
"""An outlet's name is cut to this many characters: a feed titled with a paragraph took eight
lines of the story view's header."""


def _source_name(title: str | None, url: str | None) -> str:
    name = clean_line(title)
    if len(name) > SOURCE_CHARS:
        return name[: SOURCE_CHARS - 1].rstrip() + "…"
    if name:
        return name
    from urllib.parse import urlsplit

    return clean_line(urlsplit(url or "").hostname or url or "?")


def feed_source(conn: sqlite3.Connection, config_url: str) -> tuple[int, str] | None:
    """(id, source name) of the feed configured as `config_url` (the feeds screen knows feeds
    by it): what a feed filter needs, named as the stories pane names the feed."""
    row = conn.execute(
        "SELECT id, title, config_url FROM feeds WHERE config_url = ?", (config_url,)
    ).fetchone()
    return None if row is None else (int(row["id"]), _source_name(row["title"], row["config_url"]))


def feed_story_ids(conn: sqlite3.Connection, config_url: str, *, unread: bool = False) -> list[int]:
    """The stories the feed configured as `config_url` carried (only the unread ones)."""
    return [
        int(row[0])
        for row in conn.execute(
            "SELECT DISTINCT src.story_id FROM story_sources src "
            "JOIN feeds f ON f.id = src.feed_id JOIN stories s ON s.id = src.story_id "
            "WHERE f.config_url = ? AND (NOT ? OR NOT s.read) ORDER BY src.story_id",
            (config_url, int(unread)),
        )
    ]


_STORY_SELECT = f"""
    SELECT s.id, {_headline_sql("s.title", "s.summary")} AS title, s.url,
           COALESCE(s.outlet, f.title) AS feed_title, f.config_url, f.own_title,
           s.published, s.first_seen,
           s.read, s.starred, s.is_updated,
           (SELECT COUNT(*) FROM story_sources ss WHERE ss.story_id = s.id) AS sources,
           EXISTS (SELECT 1 FROM story_sources ss WHERE ss.story_id = s.id
                   AND ss.feed_id = :feed) AS in_feed
    FROM stories s JOIN feeds f ON f.id = s.feed_id
"""


def _story_row(row: sqlite3.Row) -> StoryRow:
    from monitor.grouping_text import without_source

    source = _source_name(row["feed_title"], row["config_url"])
    return StoryRow(
        id=row["id"],
        # The row names its source beside the headline: "… - The Ledger" said it twice.
        title=without_source(clean_line(row["title"]), (source, row["own_title"])) or "(untitled)",
        url=row["url"],
        source=source,
        published=row["published"],
        first_seen=row["first_seen"],
        read=bool(row["read"]),
        starred=bool(row["starred"]),
        updated=bool(row["is_updated"]),
        sources=row["sources"] or 1,
        in_feed=bool(row["in_feed"]),
    )


def group_stories(
    conn: sqlite3.Connection,
    item: GroupRow,
    limit: int = MAX_GROUP_STORIES,
    feed: int | None = None,
    starred_first: bool = False,
) -> list[StoryRow]:
    """The item's stories, newest first; with `feed` (the list is filtered by it), the stories
    that feed carried come first, marked `in_feed`: the reason the group is listed. So do the
    starred ones when the list shows only groups with starred stories (a reading list: the
    cursor opens on the saved story, not on the group's newest)."""
    params: dict[str, Any] = {
        "feed": feed,
        "limit": limit,
        "starred_first": int(starred_first),
    }
    if item.story_id is not None:
        rows = conn.execute(
            f"{_STORY_SELECT} WHERE s.id = :id", dict(params, id=item.story_id)
        ).fetchall()
    else:
        rows = conn.execute(
            f"{_STORY_SELECT} WHERE s.group_id = :id ORDER BY in_feed DESC, "
            "s.starred * :starred_first DESC, "
            "COALESCE(s.published, s.first_seen) DESC, s.id DESC LIMIT :limit",
            dict(params, id=item.group_id),
        ).fetchall()
    return [_story_row(row) for row in rows]


def group_claims(
    conn: sqlite3.Connection, item: GroupRow, limit: int = MAX_CLAIMS
) -> list[ClaimRow]:
    """The item's claims, newest first; the group's `new_claims` newest are marked new."""
    base = """
        SELECT c.id, c.text, c.first_seen,
               c.conflicting OR EXISTS (SELECT 1 FROM claim_appearances a
                                        WHERE a.claim_id = c.id AND a.conflicting) AS conflicting,
               (SELECT COUNT(*) FROM claim_appearances a WHERE a.claim_id = c.id) AS appearances,
               COALESCE(s.outlet, f.title) AS feed_title, f.config_url, c.first_story_id, c.key,
               -- A claim its first story gained by an edit was first stated then, not when
               -- the story was published.
               CASE WHEN c.first_seen > (SELECT MIN(src.first_seen) FROM story_sources src
                                         WHERE src.story_id = s.id)
                    THEN c.first_seen ELSE COALESCE(s.published, s.first_seen)
               END AS first_time
        FROM claims c LEFT JOIN stories s ON s.id = c.first_story_id
        LEFT JOIN feeds f ON f.id = s.feed_id
    """
    if item.story_id is not None:
        rows = conn.execute(
            f"{base} WHERE c.id IN (SELECT claim_id FROM claim_appearances WHERE story_id = ?) "
            "ORDER BY c.first_seen DESC, c.id DESC LIMIT ?",
            (item.story_id, limit),
        ).fetchall()
    else:
        rows = conn.execute(
            f"{base} WHERE c.group_id = ? ORDER BY c.first_seen DESC, c.id DESC LIMIT ?",
            (item.group_id, limit),
        ).fetchall()
    claims = []
    for index, row in enumerate(rows):
        claims.append(
            ClaimRow(
                id=row["id"],
                text=clean_line(row["text"]),
                first_seen=row["first_seen"],
                conflicting=bool(row["conflicting"]),
                appearances=row["appearances"] or 0,
                first_source=(
                    _source_name(row["feed_title"], row["config_url"])
                    if row["config_url"]
                    else None
                ),
                new=index < item.new_claims,
                first_time=row["first_time"],
                figure=_figure_of(row["key"], row["text"]),
                other_figures=(
                    _other_figures(conn, row["id"], row["first_story_id"] or 0, row["text"])
                    if row["conflicting"]
                    else ()
                ),
            )
        )
    return claims


OTHER_FIGURES_SHOWN = 3


def _figure_of(key: str, text: str) -> str | None:
    """The figure of the claim `key`, as `text` writes it, when `text` gives several."""
    from monitor.claims import Claim
    from monitor.grouping_text import figures_agree, find_figures

    figures = [f for f in find_figures(text) if f.kind != "number"]
    if len(figures) < 2:
        return None
    try:
        mine = Claim.from_key(key, text).figure
    except ValueError:
        return None
    if mine is None:
        return None
    same = [f for f in figures if f.kind == mine.kind and figures_agree(f, mine)]
    return clean_line(text[same[0].start : same[0].end]) if same else None


def _other_figures(
    conn: sqlite3.Connection, claim_id: int, story_id: int, mine: str
) -> tuple[tuple[str, str], ...]:
    """The figures, as written, that reports of a conflicting claim give instead of those of its
    first wording `mine`, each with the first source giving it (see `_disagreeing`)."""
    from monitor.grouping_text import find_figures

    own = _figures(mine)
    found: dict[str, list[str]] = {}  # figure as first written -> its sources, in order
    written_as: dict[tuple[str, float], str] = {}
    for source, wording in _disagreeing(conn, claim_id, story_id, mine):
        for figure in find_figures(wording):
            if figure.kind != "number" and _disagrees(own, figure):
                # One figure however written ("$2.4 billion", "$2.4bn"): each outlet saying it.
                written = written_as.setdefault(
                    (figure.kind, figure.value), clean_line(wording[figure.start : figure.end])
                )
                sources = found.setdefault(written, [])
                if source not in sources:
                    sources.append(source)
    return tuple((written, _some_sources(sources)) for written, sources in found.items())[
        :OTHER_FIGURES_SHOWN
    ]


def _some_sources(sources: list[str], shown: int = 2) -> str:
    """ "A", "A, B" or "A, B +3": who gives a figure, the rest counted."""
    more = f" +{len(sources) - shown}" if len(sources) > shown else ""
    return ", ".join(sources[:shown]) + more


def _figures(text: str) -> list[Any]:
    from monitor.grouping_text import find_figures

    return [f for f in find_figures(text) if f.kind != "number"]


def _alike(a: Any, b: Any) -> bool:
    """Two figures of one measure: same kind, and the same noun when both say ("two people"
    is no count of parameters)."""
    return bool(a.kind == b.kind and (not a.noun or not b.noun or a.noun == b.noun))


def _disagrees(own: list[Any], figure: Any, theirs: list[Any] | None = None) -> bool:
    """`figure` measures what one of `own` measures, and neither it nor another figure of its
    report (`theirs`) of that measure agrees with those: "raised the offer to $120 million
    from $90 million" does not disagree with "$120 million"."""
    from monitor.grouping_text import figures_agree

    alike = [f for f in own if _alike(f, figure)]
    peers = [c for c in (theirs or [figure]) if _alike(c, figure)] or [figure]
    return bool(alike) and not any(figures_agree(a, c) for a in alike for c in peers)


def _disagreeing(
    conn: sqlite3.Connection, claim_id: int, story_id: int, mine: str
) -> tuple[tuple[str, str], ...]:
    """(source, wording) of the reports of a conflicting claim whose figures disagree with this
    story's wording `mine` (read from the wordings: which appearance the flags sit on depends on
    which came first)."""
    own = _figures(mine)
    found: list[tuple[str, str]] = []
    for r in conn.execute(
        "SELECT a.text, COALESCE(s.outlet, f.title) AS title, f.config_url "
        "FROM claim_appearances a "
        "JOIN stories s ON s.id = a.story_id JOIN feeds f ON f.id = s.feed_id "
        "WHERE a.claim_id = ? AND a.story_id != ? ORDER BY s.first_seen, s.id LIMIT 50",
        (claim_id, story_id),
    ):
        theirs = _figures(r["text"])
        if any(_disagrees(own, figure, theirs) for figure in theirs):
            found.append((_source_name(r["title"], r["config_url"]), clean_line(r["text"])))
            if len(found) >= DISAGREEING_SHOWN:
                break
    return tuple(found)


def story_detail(conn: sqlite3.Connection, story_id: int) -> StoryDetail | None:
    row = conn.execute(
        "SELECT s.*, COALESCE(s.outlet, f.title) AS feed_title, f.config_url, "
        # when it arrived: a new feed's backlog has first_seen set to its publication time
        "(SELECT MIN(a.first_seen) FROM story_sources a WHERE a.story_id = s.id) AS arrived "
        "FROM stories s JOIN feeds f ON f.id = s.feed_id WHERE s.id = ?",
        (story_id,),
    ).fetchone()
    if row is None:
        return None
    seen_in = distinct_sources(
        _source_name(r["title"], r["config_url"])
        for r in conn.execute(
            # The story's own feed first (the view names it as the source and lists the rest
            # as "also carried by"), then each other outlet once (by name: one subscribed under
            # two addresses has two feed rows), in order of arrival.
            "SELECT COALESCE(ss.outlet, f.title) AS title, f.config_url "
            "FROM story_sources ss JOIN feeds f ON f.id = ss.feed_id "
            "WHERE ss.story_id = ? GROUP BY ss.feed_id, ss.outlet "
            "ORDER BY ss.feed_id != ?, MIN(ss.first_seen), f.id",
            (story_id, row["feed_id"]),
        )
    )
    tags = []
    for r in conn.execute(
        "SELECT tag, rule, matched FROM story_tags WHERE story_id = ? ORDER BY tag", (story_id,)
    ):
        try:
            matched = json.loads(r["matched"] or "[]")
        except ValueError:
            matched = []
        words = tuple(clean_line(str(w)) for w in matched if w) if isinstance(matched, list) else ()
        tags.append(TagReason(clean_line(r["tag"]), clean_line(r["rule"]), words))
    claims = tuple(
        ClaimAppearance(
            claim_id=r["claim_id"],
            text=clean_line(r["text"]),
            claim_text=clean_line(r["claim_text"]),
            is_new=bool(r["is_new"]),
            conflicting=bool(r["conflicting"]),
            disagreeing=_disagreeing(conn, r["claim_id"], story_id, r["text"])
            if r["conflicting"]
            else (),
        )
        for r in conn.execute(
            "SELECT a.claim_id, a.text, a.is_new, a.conflicting OR c.conflicting AS conflicting, "
            "c.text AS claim_text "
            "FROM claim_appearances a JOIN claims c ON c.id = a.claim_id "
            "WHERE a.story_id = ? ORDER BY c.first_seen, c.id",
            (story_id,),
        ).fetchall()
    )
    from monitor.grouping_text import adds_to_headline, without_source

    title = clean_line(row["title"])
    content = clean_text(row["content"])
    summary = clean_text(row["summary"]) or content
    if content == summary:
        content = ""  # the summary is the text itself (a feed that gave only one of them)
    if row["outlet"]:
        # A news search's item: the header names the outlet, and its summary is the search's
        # links (the headline and the outlet's name again), not the story's text.
        if not adds_to_headline(title, summary, row["outlet"]):
            summary = ""
        if content and not adds_to_headline(title, content, row["outlet"]):
            content = ""
        title = without_source(title, (row["outlet"],))
    return StoryDetail(
        id=row["id"],
        title=title or "(untitled)",
        url=row["url"],
        summary=summary,
        author=clean_line(row["author"]) or None,
        published=row["published"],
        first_seen=max(row["first_seen"], row["arrived"] or ""),
        updated_at=row["updated_at"],
        read=bool(row["read"]),
        starred=bool(row["starred"]),
        updated=bool(row["is_updated"]),
        group_id=row["group_id"],
        source=_source_name(row["feed_title"], row["config_url"]),
        seen_in=tuple(seen_in),
        tags=tuple(tags),
        claims=claims,
        corrections=tuple(_corrections(conn, "c.story_id = ?", story_id, 50)),
        content=content,
    )


def _corrections(conn: sqlite3.Connection, where: str, key: int, limit: int) -> list[Correction]:
    found: dict[tuple[str, str, str], Correction] = {}
    for r in conn.execute(
        "SELECT c.was, c.now, c.noticed, COALESCE(s.outlet, f.title) AS title, f.config_url "
        "FROM claim_corrections c "
        "JOIN stories s ON s.id = c.story_id JOIN feeds f ON f.id = s.feed_id "
        f"WHERE {where} ORDER BY c.noticed DESC, c.id DESC LIMIT ?",
        (key, limit * 2),
    ):
        fix = Correction(
            was=clean_line(r["was"]),
            now=clean_line(r["now"]),
            noticed=r["noticed"],
            source=_source_name(r["title"], r["config_url"]),
        )
        # One outlet's edit, through its own feed and a news search too, is one correction.
        found.setdefault((fix.source.casefold(), fix.was, fix.now), fix)
    return list(found.values())[:limit]


def group_corrections(
    conn: sqlite3.Connection, item: GroupRow, limit: int = CORRECTIONS_SHOWN
) -> list[Correction]:
    """The item's corrections (stories edited to state another figure), newest first."""
    if item.story_id is not None:
        return _corrections(conn, "c.story_id = ?", item.story_id, limit)
    if item.group_id is None:
        return []
    return _corrections(conn, "s.group_id = ?", item.group_id, limit)


# --- tags, sparklines, poll state ---------------------------------------------------------


def tag_names(conn: sqlite3.Connection, topics: Sequence[str] = ()) -> list[str]:
    """The configured topic tags (`topics`, in their order, used or not), then every other tag
    in use (feed and folder tags) alphabetically: the order of the UI's number keys, which
    adding a feed must not shift (see `topic_first`). A loose index scan: one index probe per
    distinct tag, however many stories are tagged."""
    rows = conn.execute(
        """
        WITH RECURSIVE next(tag) AS (
            SELECT MIN(tag) FROM story_tags
            UNION ALL
            SELECT (SELECT MIN(tag) FROM story_tags WHERE tag > next.tag) FROM next
            WHERE next.tag IS NOT NULL
        )
        SELECT tag FROM next WHERE tag IS NOT NULL
        """
    ).fetchall()
    return topic_first((clean_line(row[0]) for row in rows), topics)


def topic_first(tags: Iterable[str], topics: Sequence[str]) -> list[str]:
    """`topics` in their order (each once, used or not), then the rest of `tags` by
    `tag_order`. Numbered alphabetically, a feed added with a folder tag ("Alpha") renumbered
    every topic, and with more than nine tags a topic could get no number at all."""
    first = list(dict.fromkeys(topics))
    known = set(first)
    return first + sorted({tag for tag in tags if tag not in known}, key=tag_order)


def tag_order(tag: str) -> tuple[str, str]:
    """Tags alphabetically whatever their case: imported folder tags ("Meta-AI") sorted before
    every topic tag and took the number keys 1, 2, 3."""
    return tag.lower(), tag


def tag_sparkline(
    conn: sqlite3.Connection, tag: str, now: datetime | None = None, days: int = SPARK_DAYS
) -> tuple[int, ...]:
    """Stories per UTC day carrying `tag`, oldest first, the last `days` days."""
    now = now or datetime.now(UTC)
    first_day = now.astimezone(UTC).date() - timedelta(days=days - 1)
    counts = [0] * days
    for row in conn.execute(
        "SELECT substr(s.first_seen, 1, 10) AS day, COUNT(*) FROM story_tags t "
        "JOIN stories s ON s.id = t.story_id WHERE t.tag = ? AND s.first_seen >= ? GROUP BY day",
        (tag, first_day.isoformat()),
    ):
        try:
            index = (datetime.fromisoformat(row[0]).date() - first_day).days
        except ValueError:
            continue
        if 0 <= index < days:
            counts[index] = row[1]
    return tuple(counts)


def tag_infos(
    conn: sqlite3.Connection,
    now: datetime | None = None,
    days: int = SPARK_DAYS,
    topics: Sequence[str] = (),
) -> list[TagInfo]:
    """The tags in `tag_names` order (the configured topics first, then the others in use),
    with their story count, unread count and stories per day."""
    now = now or datetime.now(UTC)
    today = now.astimezone(UTC).date()
    first_day = today - timedelta(days=days - 1)
    counts: dict[str, int] = {}
    unread: dict[str, int] = {}
    for row in conn.execute(
        "SELECT t.tag, COUNT(*), SUM(NOT s.read) FROM story_tags t "
        "JOIN stories s ON s.id = t.story_id GROUP BY t.tag ORDER BY t.tag"
    ):
        counts[row[0]], unread[row[0]] = row[1], row[2] or 0
    per_day: dict[str, list[int]] = {tag: [0] * days for tag in counts}
    for row in conn.execute(
        "SELECT t.tag, substr(s.first_seen, 1, 10) AS day, COUNT(*) FROM stories s "
        "CROSS JOIN story_tags t ON t.story_id = s.id WHERE s.first_seen >= ? "
        "GROUP BY t.tag, day",  # CROSS JOIN: walk the recent stories, not every tag row
        (first_day.isoformat(),),
    ):
        try:
            index = (datetime.fromisoformat(row[1]).date() - first_day).days
        except ValueError:
            continue
        if row[0] in per_day and 0 <= index < days:
            per_day[row[0]][index] = row[2]
    infos = {
        clean_line(tag): TagInfo(clean_line(tag), count, tuple(per_day[tag]), unread[tag])
        for tag, count in counts.items()
    }
    return [infos.get(tag) or TagInfo(tag, 0, (0,) * days, 0) for tag in topic_first(infos, topics)]


def poll_state(conn: sqlite3.Connection) -> PollState:
    values = dict(
        conn.execute(
            "SELECT key, value FROM state "
            "WHERE key IN ('last_poll', 'last_poll_new', 'last_poll_updated')"
        ).fetchall()
    )
    feeds = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(status IN ('error', 'gone')), 0), "
        "MIN(CASE WHEN status != 'gone' THEN COALESCE(next_check, '') END) "
        "FROM feeds WHERE active = 1"
    ).fetchone()
    new = values.get("last_poll_new")
    updated = str(values.get("last_poll_updated") or "0")
    return PollState(
        last_poll=values.get("last_poll"),
        feeds=feeds[0],
        failing=feeds[1],
        next_check=feeds[2] if feeds[2] != "" else None,
        last_new=int(new) if new is not None and str(new).isdigit() else None,
        last_updated=int(updated) if updated.isdigit() else 0,
    )


def stories_updated_since(conn: sqlite3.Connection, moment: str) -> int:
    """How many stored stories had their text changed (a correction, a new headline) after
    `moment` (ISO)."""
    row = conn.execute(
        "SELECT COUNT(*) FROM stories WHERE updated_at > ? AND first_seen <= ?", (moment, moment)
    ).fetchone()
    return int(row[0])


def stories_since(conn: sqlite3.Connection, moment: str) -> int:
    """How many stories arrived after `moment` (ISO). Arrival is the story's first source row:
    a new feed's backlog has `stories.first_seen` set to publication times."""
    row = conn.execute(
        "SELECT COUNT(DISTINCT src.story_id) FROM story_sources src "
        "JOIN stories s ON s.id = src.story_id AND s.feed_id = src.feed_id "
        "WHERE src.first_seen > ?",
        (moment,),
    ).fetchone()
    return int(row[0])


# --- writes ---------------------------------------------------------------------------------


def set_read(conn: sqlite3.Connection, story_ids: Sequence[int], read: bool) -> None:
    with dbmod.write(conn):
        conn.executemany(
            "UPDATE stories SET read = ? WHERE id = ?", [(int(read), sid) for sid in story_ids]
        )


def set_starred(conn: sqlite3.Connection, story_id: int, starred: bool) -> None:
    with dbmod.write(conn):
        conn.execute("UPDATE stories SET starred = ? WHERE id = ?", (int(starred), story_id))


def toggle_starred(conn: sqlite3.Connection, story_id: int) -> None:
    """Star or unstar as stored now: two quick presses (a key's auto-repeat) left the second
    to repeat the first, read from a screen not yet refreshed."""
    with dbmod.write(conn):
        conn.execute("UPDATE stories SET starred = NOT starred WHERE id = ?", (story_id,))


def toggle_read(conn: sqlite3.Connection, story_id: int) -> None:
    """Read or unread as stored now (see `toggle_starred`)."""
    with dbmod.write(conn):
        conn.execute("UPDATE stories SET read = NOT read WHERE id = ?", (story_id,))


@dataclass(frozen=True)
class Marked:
    """What a mark-read (`M`) or catch-up (`C`) changed, so that it can be undone: the stories
    it marked read and each group's (id, seen, new_claims) before."""

    stories: tuple[int, ...] = ()
    groups: tuple[tuple[int, int, int], ...] = ()


def mark_group_read(conn: sqlite3.Connection, group_id: int) -> Marked:
    """Every story of the group read, the group seen, its new claims acknowledged."""
    return mark_items_read(conn, [group_id], [])


def mark_items_read(
    conn: sqlite3.Connection, group_ids: Sequence[int], story_ids: Sequence[int]
) -> Marked:
    """Catch up: every story of the groups and the lone stories read, the groups seen and their
    new claims acknowledged, in one transaction."""
    stories: list[int] = []
    groups: list[tuple[int, int, int]] = []
    with dbmod.write(conn):
        for start in range(0, len(group_ids), 500):
            chunk = list(group_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            stories += _ids(
                conn, f"SELECT id FROM stories WHERE group_id IN ({marks}) AND NOT read", chunk
            )
            groups += [
                (row[0], row[1], row[2])
                for row in conn.execute(
                    f"SELECT id, seen, new_claims FROM groups WHERE id IN ({marks}) "
                    "AND (NOT seen OR new_claims)",
                    chunk,
                ).fetchall()
            ]
            conn.execute(
                f"UPDATE groups SET seen = 1, new_claims = 0 WHERE id IN ({marks}) "
                "AND (NOT seen OR new_claims)",
                chunk,
            )
        for start in range(0, len(story_ids), 500):
            chunk = list(story_ids[start : start + 500])
            stories += _ids(
                conn,
                f"SELECT id FROM stories WHERE id IN ({','.join('?' * len(chunk))}) AND NOT read",
                chunk,
            )
        for start in range(0, len(stories), 500):
            chunk = stories[start : start + 500]
            conn.execute(
                f"UPDATE stories SET read = 1 WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
    return Marked(tuple(stories), tuple(groups))


def _ids(conn: sqlite3.Connection, sql: str, args: Sequence[Any]) -> list[int]:
    return [int(row[0]) for row in conn.execute(sql, args)]


def undo_marked(conn: sqlite3.Connection, marked: Marked) -> None:
    """Put back what `mark_items_read` changed: its stories unread, its groups as they were
    (a group whose claims a poll has renewed since keeps the newer count)."""
    with dbmod.write(conn):
        conn.executemany("UPDATE stories SET read = 0 WHERE id = ?", [(i,) for i in marked.stories])
        conn.executemany(
            "UPDATE groups SET seen = ?, new_claims = max(new_claims, ?) WHERE id = ?",
            [(seen, new_claims, group_id) for group_id, seen, new_claims in marked.groups],
        )


def mark_group_seen(conn: sqlite3.Connection, group_id: int) -> bool:
    """The reader has looked at the group: clear its unseen mark and new-claims count."""
    with dbmod.write(conn):
        cursor = conn.execute(
            "UPDATE groups SET seen = 1, new_claims = 0 WHERE id = ? AND (NOT seen OR new_claims)",
            (group_id,),
        )
        return cursor.rowcount > 0


# --- reader preferences ------------------------------------------------------------------

UI_THEME_KEY = "ui_theme"


def ui_theme(conn: sqlite3.Connection) -> str | None:
    """The theme the reader last chose in the UI, if any."""
    row = conn.execute("SELECT value FROM state WHERE key = ?", (UI_THEME_KEY,)).fetchone()
    return str(row[0]) if row and row[0] else None


def set_ui_theme(conn: sqlite3.Connection, name: str) -> None:
    with dbmod.write(conn):
        conn.execute(
            "INSERT INTO state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (UI_THEME_KEY, name),
        )
