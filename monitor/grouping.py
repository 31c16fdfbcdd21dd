"""Event groups: each new story joins the group of the same event, or starts a new one.

How a story finds its group (incremental, never comparing with every stored story):
1. Its terms are read from title and summary (`grouping_text.story_terms`): aliases and verb
   families applied, figures as terms of their own ($14.3B and $14B meet).
2. Each term is weighted by rarity: inverse document frequency from `group_df`, smoothed by a
   small pseudo-corpus so a young database does not treat every word as rare, and scaled down
   for the beat's everyday words ("AI", "model", "company").
3. Candidates come from the inverted index `group_postings`: for the story's few rarest terms,
   the stories with that term whose event time lies within `max_window_days`; each read is one
   short range of a (term, time) B-tree, so the cost per story grows with log(stored stories).
4. The story is compared (cosine of weighted terms) with each candidate that names one of the
   same things (when both name something: `grouping_text.story_names`); the best group wins if
   its similarity (plus `PERSON_BONUS` when their claims name the same person) reaches
   `threshold`. Within `window_hours` of publication the threshold is as
   configured; beyond it, each doubling of the gap asks for `late_penalty` more similarity, and
   nothing older than `max_window_days` joins.

A story keeps its group when its text is updated (its terms and claims are refreshed). Claims
are recorded per group by `monitor.claims`. Everything runs inside the caller's transaction.
A poll passes in its `Postings` (stories of the poll find each other in memory) and the text
analysis its parse workers already did (`analyse`).

`group_items` runs the same code on a list of plain dicts in a throwaway in-memory database, for
`monitor eval`.
"""

from __future__ import annotations

import bisect
import json
import math
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from monitor import claims as claims_mod
from monitor.config import GroupingSettings
from monitor.grouping_text import (
    TITLE_WEIGHT,
    UNKNOWN_LO,
    WEAK_PRIOR,
    WEAK_TERMS,
    adds_to_headline,
    gap_hours,
    group_headline,
    normal_tokens,
    prior,
    story_names,
    story_terms,
    time_interval,
    without_outlet,
    without_source,
)

QUERY_TERMS = 6  # rarest terms of a story used to look up candidates
POSTINGS_PER_TERM = 60  # newest postings read per term
MAX_CANDIDATES = 24  # stories read, those sharing most rare terms first
MEMBERS_PER_GROUP = 4  # of which at most this many compared per group
PSEUDO_DOCS = 20.0  # smoothing of document frequencies for a young database
PSEUDO_DF = 0.5
MIN_SHARED_IDF = 1.0  # a match needs one shared term at least this rare
TITLE_MEMBERS = 200  # members read to pick a group's most representative headline
TITLE_KEEP = 0.05  # a group keeps its headline unless another is this much closer to the centre
TITLE_REVIEW = 2  # and looks for another only once it has this many times the stories it had
_N_KEY = ""  # group_df row holding the number of stories counted
PERSON_MARK = "@"  # a name that is a person's ("@roe"), next to the plain term ("roe")
PERSON_BONUS = 0.08  # similarity added when two stories name the same person


@dataclass
class GroupingResult:
    new_groups: int = 0
    updated_groups: int = 0
    new_claims: int = 0


@dataclass
class _Story:
    id: int
    title: str
    summary: str
    content: str
    stamp: str  # when it arrived (or changed): drives group activity times
    group_id: int | None
    interval: tuple[float, float]
    terms: dict[str, float]
    names: frozenset[str]
    old_terms: dict[str, float] | None = None
    is_new: bool = True
    claims: list[claims_mod.Claim] = field(default_factory=list)
    source: str | None = None  # its feed's title
    outlet: str | None = None  # who published it, as a news search names it
    own_source: str | None = None  # its feed's own title


@dataclass
class _Batch:
    new_groups: set[int] = field(default_factory=set)
    touched: dict[int, str] = field(default_factory=dict)  # group id → latest activity stamp
    new_claims: Counter[int] = field(default_factory=Counter)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def encode_terms(terms: dict[str, float]) -> str:
    return " ".join(f"{term} {weight:.2f}" for term, weight in sorted(terms.items()))


def decode_terms(text: str) -> dict[str, float]:
    parts = text.split()
    return {parts[i]: float(parts[i + 1]) for i in range(0, len(parts) - 1, 2)}


class Postings:
    """Postings of the stories grouped by this process's current run (a poll), in memory.

    Stories of one run find each other here instead of through SQL, and a run that starts on
    an empty index (a first poll) never queries `group_postings` at all. The rows are written
    to `group_postings` as well, at the end of each batch, for later runs.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.by_term: dict[str, list[tuple[float, int]]] = {}
        self.of_story: dict[int, tuple[float, list[str]]] = {}
        self.stored_before = (
            conn.execute("SELECT 1 FROM group_postings LIMIT 1").fetchone() is not None
        )

    def add(self, story_id: int, lo: float, terms: list[str]) -> None:
        self.remove(story_id)
        self.of_story[story_id] = (lo, terms)
        for term in terms:
            bisect.insort(self.by_term.setdefault(term, []), (lo, story_id))

    def remove(self, story_id: int) -> None:
        old = self.of_story.pop(story_id, None)
        if old is not None:
            for term in old[1]:
                rows = self.by_term[term]
                del rows[bisect.bisect_left(rows, (old[0], story_id))]

    def newest(self, term: str, lo: float, hi: float, limit: int) -> list[tuple[float, int]]:
        """Up to `limit` postings of `term` with time in [lo, hi], newest first."""
        rows = self.by_term.get(term)
        if not rows:
            return []
        end = bisect.bisect_right(rows, (hi, math.inf))
        start = max(bisect.bisect_left(rows, (lo, -1)), end - limit)
        return rows[start:end][::-1]


class _Index:
    """Document frequencies and postings, with a per-batch cache of frequencies."""

    def __init__(self, conn: sqlite3.Connection, postings: Postings) -> None:
        self.conn = conn
        self.postings = postings
        self._df: dict[str, int] = {}
        row = conn.execute("SELECT df FROM group_df WHERE term = ?", (_N_KEY,)).fetchone()
        self.n = int(row[0]) if row else 0

    def count(self, stories: Sequence[_Story]) -> None:
        """Add the batch to the document frequencies (old terms of updated stories removed)."""
        delta: Counter[str] = Counter()
        added = 0
        for story in stories:
            if story.old_terms is not None:
                delta.subtract(story.old_terms.keys())
            else:
                added += 1
            delta.update(story.terms.keys())
        if added:
            delta[_N_KEY] += added
        rows = [(term, change) for term, change in delta.items() if change]
        self.conn.executemany(
            "INSERT INTO group_df (term, df) VALUES (?, max(?, 0)) "
            "ON CONFLICT(term) DO UPDATE SET df = max(df + excluded.df, 0)",
            [(term, change) for term, change in rows if change > 0],
        )
        self.conn.executemany(
            "UPDATE group_df SET df = max(df + ?, 0) WHERE term = ?",
            [(change, term) for term, change in rows if change < 0],
        )
        self.n += added
        self._df.clear()

    def load_df(self, terms: Iterable[str]) -> None:
        missing = [t for t in set(terms) if t not in self._df]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            found = dict(
                self.conn.execute(
                    f"SELECT term, df FROM group_df WHERE term IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            )
            for term in chunk:
                self._df[term] = int(found.get(term, 0))

    def idf(self, term: str) -> float:
        df = self._df.get(term, 0)
        return math.log((self.n + PSEUDO_DOCS + 1.0) / (df + PSEUDO_DF + 1.0))

    def vector(self, terms: dict[str, float]) -> dict[str, float]:
        self.load_df(terms)
        return {t: w * prior(t) * self.idf(t) for t, w in terms.items()}

    def index_story(self, story: _Story) -> None:
        """Index the story's terms in memory now, so later stories of the run can find it."""
        terms = [term for term in story.terms if term not in WEAK_TERMS]
        self.postings.add(story.id, story.interval[0], terms)

    def forget_postings(self, stories: Sequence[_Story]) -> None:
        """Drop the stored postings of updated stories; they are indexed again by their new text."""
        updated = [(s.id,) for s in stories if s.old_terms is not None]
        if updated:
            self.conn.executemany("DELETE FROM group_postings WHERE story_id = ?", updated)

    def store_postings(self, stories: Sequence[_Story]) -> None:
        rows = []
        for story in stories:
            lo, terms = self.postings.of_story[story.id]
            rows += [(term, lo, story.id) for term in terms]
        rows.sort()  # in key order: B-tree inserts stay local
        self.conn.executemany(
            "INSERT OR IGNORE INTO group_postings (term, t_lo, story_id) VALUES (?, ?, ?)", rows
        )

    def store_features(self, stories: Sequence[_Story]) -> None:
        self.conn.executemany(
            "INSERT INTO group_features (story_id, t_lo, t_hi, terms, names) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(story_id) DO UPDATE SET t_lo = excluded.t_lo, t_hi = excluded.t_hi, "
            "terms = excluded.terms, names = excluded.names",
            [
                (s.id, s.interval[0], s.interval[1], encode_terms(s.terms), " ".join(s.names))
                for s in stories
            ],
        )

    def profile(
        self,
        group_id: int,
        interval: tuple[float, float],
        terms: dict[str, float],
        names: frozenset[str],
    ) -> _Profile:
        self.load_df(terms)
        full: dict[str, float] = {}
        title: dict[str, float] = {}
        rare: set[str] = set()
        df, top = self._df, self.n + PSEUDO_DOCS + 1.0
        for term, weight in terms.items():
            scale = math.log(top / (df.get(term, 0) + PSEUDO_DF + 1.0))  # idf, inlined
            if term in WEAK_TERMS:
                scale *= WEAK_PRIOR
            full[term] = weight * scale
            if weight >= TITLE_WEIGHT:
                title[term] = full[term]
            if scale >= MIN_SHARED_IDF:
                rare.add(term)
        return _Profile(
            group_id, interval, full, _norm(full), title, _norm(title), frozenset(rare), names
        )

    def candidates(self, story: _Story, profile: _Profile, max_gap_hours: float) -> list[int]:
        """Ids of stored stories sharing one of the story's rarest terms, near it in time,
        those sharing most terms first."""
        # Terms no other story has (df 1: this story alone) cannot find anything.
        vector = profile.full
        query = sorted(
            (t for t in profile.rare if t not in WEAK_TERMS and self._df.get(t, 0) > 1),
            key=lambda t: (-vector[t], t),
        )[:QUERY_TERMS]
        if not query:
            return []
        lo, hi = story.interval
        if lo <= UNKNOWN_LO:
            lo_bound, hi_bound = UNKNOWN_LO - 1, -UNKNOWN_LO + 1
        else:
            # A month-only date is stored at its start, so look a month further back.
            lo_bound = lo - (max_gap_hours + 31 * 24) * 3600
            hi_bound = hi + max_gap_hours * 3600
        stored: dict[str, list[tuple[float, int]]] = {}
        if self.postings.stored_before:
            part = (
                "SELECT * FROM (SELECT ? AS term, t_lo, story_id FROM group_postings "
                "WHERE term = ? AND t_lo BETWEEN ? AND ? ORDER BY t_lo DESC LIMIT ?)"
            )
            params: list[Any] = []
            for term in query:
                params += [term, term, lo_bound, hi_bound, POSTINGS_PER_TERM]
            for term, t_lo, story_id in self.conn.execute(
                " UNION ALL ".join([part] * len(query)), params
            ):
                stored.setdefault(term, []).append((t_lo, story_id))
        found: list[int] = []
        for term in query:
            rows = self.postings.newest(term, lo_bound, hi_bound, POSTINGS_PER_TERM)
            if term in stored:  # this run's rows may be in both places
                rows = sorted(set(rows).union(stored[term]), reverse=True)[:POSTINGS_PER_TERM]
            found += [story_id for _t, story_id in rows]
        # Most shared terms first, then the newest story: counted in descending id order, and
        # the sort by count is stable (also with reverse=True), so equal counts keep that order.
        found.sort(reverse=True)
        shared = Counter(found)
        shared.pop(story.id, None)
        return sorted(shared, key=shared.__getitem__, reverse=True)[:MAX_CANDIDATES]


@dataclass
class _Profile:
    """A story as grouping compares it: weighted vectors (whole and headline) with norms."""

    group_id: int
    interval: tuple[float, float]
    full: dict[str, float]
    norm: float
    title: dict[str, float]
    title_norm: float
    rare: frozenset[str]  # terms rare enough to vouch for a match
    names: frozenset[str]  # what the story names (empty: unknown)


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values()))


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    total = 0.0
    for term in a.keys() & b.keys():
        total += a[term] * b[term]
    return total


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    norm = _norm(a) * _norm(b)
    return _dot(a, b) / norm if norm else 0.0


def similarity(a: _Profile, b: _Profile) -> float:
    """Cosine of the weighted terms, or of the headlines alone when those agree better (a long
    standfirst can bury a headline that says the same as another)."""
    full = _dot(a.full, b.full) / (a.norm * b.norm) if a.norm and b.norm else 0.0
    if len(a.title) < 2 or len(b.title) < 2 or not a.title_norm or not b.title_norm:
        return full
    return max(full, _dot(a.title, b.title) / (a.title_norm * b.title_norm))


def required_similarity(gap: float, settings: GroupingSettings) -> float | None:
    """Similarity a candidate `gap` hours away must reach, or None when it is too far."""
    if gap > settings.max_window_days * 24:
        return None
    if gap <= settings.window_hours:
        return settings.threshold
    return settings.threshold + settings.late_penalty * math.log2(gap / settings.window_hours)


class _Profiles:
    """Profiles of stored stories, read once per batch (document frequencies are fixed then)."""

    def __init__(self, index: _Index) -> None:
        self.index = index
        self._cache: dict[int, _Profile] = {}

    def put(self, story_id: int, profile: _Profile) -> None:
        self._cache[story_id] = profile

    def vector(self, story_id: int, terms: str) -> dict[str, float]:
        """The story's weighted terms: from its profile when read already, else from `terms`."""
        profile = self._cache.get(story_id)
        return profile.full if profile is not None else self.index.vector(decode_terms(terms))

    def get(self, story_ids: list[int]) -> list[_Profile]:
        missing = [sid for sid in story_ids if sid not in self._cache]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            for row in self.index.conn.execute(
                "SELECT f.story_id, s.group_id, f.t_lo, f.t_hi, f.terms, f.names "
                "FROM group_features f "
                "JOIN stories s ON s.id = f.story_id "
                f"WHERE f.story_id IN ({','.join('?' * len(chunk))}) AND s.group_id IS NOT NULL",
                chunk,
            ):
                self._cache[row[0]] = self.index.profile(
                    row[1], (row[2], row[3]), decode_terms(row[4]), frozenset(row[5].split())
                )
        return [self._cache[sid] for sid in story_ids if sid in self._cache]


def _best_group(
    index: _Index, profiles: _Profiles, story: _Story, settings: GroupingSettings
) -> tuple[int | None, _Profile]:
    """The group the story belongs to (None: a new event) and the story's profile."""
    mine = index.profile(0, story.interval, story.terms, story.names)
    max_gap = settings.max_window_days * 24
    best: tuple[float, int] | None = None
    seen: Counter[int] = Counter()
    for other in profiles.get(index.candidates(story, mine, max_gap)):
        seen[other.group_id] += 1
        if seen[other.group_id] > MEMBERS_PER_GROUP:
            continue
        if mine.names and other.names and mine.names.isdisjoint(other.names):
            continue  # they name nothing in common: not one event
        if _named_apart(mine.names, other.names):
            continue  # two companies, one figure: "Vexa lays off 200", "Lumora lays off 200"
        need = required_similarity(gap_hours(story.interval, other.interval), settings)
        if need is None or mine.rare.isdisjoint(other.full):
            continue
        margin = similarity(mine, other) - need
        if any(name[0] == PERSON_MARK for name in mine.names & other.names):
            margin += PERSON_BONUS  # the same person named: a strong sign of one event
        if margin >= 0 and (best is None or margin > best[0]):
            best = (margin, other.group_id)
    return (best[1] if best else None), mine


def _named_apart(a: frozenset[str], b: frozenset[str]) -> bool:
    """Both name someone or something, and nothing in common: a shared figure alone (names
    hold the figures too, so that "$14.3B" meets "$14,3bn") does not make one event of them."""
    mine = {name for name in a if ":" not in name}
    theirs = {name for name in b if ":" not in name}
    return bool(mine and theirs and mine.isdisjoint(theirs))


Analysis = tuple[dict[str, float], frozenset[str], list[claims_mod.Claim]]
"""A story's grouping terms, names and claims, as `analyse` returns them."""


def analyse(
    title: str,
    summary: str,
    content: str,
    sources: Sequence[str | None] = (),
    outlet: str | None = None,
) -> Analysis:
    """The text work of grouping, a pure function of the story's text (so a poll can run it in
    its parse workers, next to parsing, and hand the result to `process_stories`). `sources`:
    the feed's names, left out of the headline where the headline names its outlet; `outlet`:
    who published it, as a news search's item names it (its summary is then the search's
    links, not the story's text)."""
    # Neither the outlet's name nor a news search's " - Outlet" ending is part of the event
    # (the ending became part of a claim: "CEO Voss joins Orrery Meridian Wire").
    if summary and not adds_to_headline(title, summary, outlet):
        summary = ""
    title = without_outlet(without_source(title, (*sources, outlet)))
    names = story_names(title, summary, content)
    claims = claims_mod.extract_claims(title, summary, content)
    if names:
        names |= {PERSON_MARK + person for claim in claims for person in claim.people}
    return story_terms(title, summary, content), names, claims


def _load(
    conn: sqlite3.Connection,
    story_ids: Sequence[int],
    analysed: Mapping[tuple[str, str, str], Analysis],
) -> list[_Story]:
    stories = []
    ids = list(dict.fromkeys(story_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in conn.execute(
            "SELECT s.id, s.title, s.summary, s.content, s.published, s.first_seen, "
            "s.updated_at, s.group_id, f.terms AS old_terms, "
            "fd.title AS source, fd.own_title, s.outlet FROM stories s "
            "JOIN feeds fd ON fd.id = s.feed_id "
            "LEFT JOIN group_features f ON f.story_id = s.id "
            f"WHERE s.id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            old = decode_terms(row["old_terms"]) if row["old_terms"] is not None else None
            text = (row["title"] or "", row["summary"] or "", row["content"] or "")
            terms, names, claims = analysed.get(text) or analyse(
                *text, (row["source"], row["own_title"]), row["outlet"]
            )
            stories.append(
                _Story(
                    id=row["id"],
                    title=row["title"] or "",
                    summary=row["summary"] or "",
                    content=row["content"] or "",
                    stamp=row["updated_at"] or row["first_seen"] or _now(),
                    group_id=row["group_id"],
                    interval=time_interval(row["published"], row["first_seen"]),
                    terms=terms,
                    names=names,
                    old_terms=old,
                    is_new=old is None,
                    claims=claims,
                    source=row["source"],
                    outlet=row["outlet"],
                    own_source=row["own_title"],
                )
            )
    # In event-time order; the vaguest dates (a month, a year, none) last, so that they look
    # across their whole interval once the precisely dated stories are in place.
    stories.sort(key=lambda s: (s.interval[1], s.id))
    return stories


def process_stories(
    conn: sqlite3.Connection,
    story_ids: Sequence[int],
    settings: GroupingSettings,
    analysed: Mapping[tuple[str, str, str], Analysis] | None = None,
    postings: Postings | None = None,
) -> GroupingResult:
    """Group and extract claims for new/updated stories, inside the caller's write transaction.

    `analysed` maps (title, summary, content) to `analyse`'s result where that was done already;
    `postings` is the run's in-memory index, kept across the batches of one poll.
    """
    if not story_ids:
        return GroupingResult()
    stories = _load(conn, story_ids, analysed or {})
    index = _Index(conn, postings or Postings(conn))
    index.count(stories)
    index.forget_postings(stories)
    batch = _Batch()
    claim_cache = claims_mod.GroupClaims(conn)
    profiles = _Profiles(index)
    assigned: list[tuple[int, int]] = []
    for story in stories:
        if story.group_id is None:
            group_id, profile = _best_group(index, profiles, story, settings)
            if group_id is None:
                cursor = conn.execute(
                    "INSERT INTO groups (title, first_seen, last_seen) VALUES (?, ?, ?)",
                    (
                        group_headline(story.title, story.source, story.outlet, story.own_source),
                        story.stamp,
                        story.stamp,
                    ),
                )
                group_id = int(cursor.lastrowid or 0)
                batch.new_groups.add(group_id)
            assigned.append((group_id, story.id))
            story.group_id = group_id
            profile.group_id = group_id
        else:
            group_id = story.group_id
            profile = index.profile(group_id, story.interval, story.terms, story.names)
        # Later stories of this batch compare with this one from memory; its features row and
        # group_id are written once, below, before the groups are refreshed.
        profiles.put(story.id, profile)
        index.index_story(story)
        batch.touched[group_id] = max(batch.touched.get(group_id, ""), story.stamp)
        found = claim_cache.record_story(
            group_id, story.id, story.claims, story.stamp, story.interval
        )
        batch.new_claims[group_id] += found
    conn.executemany("UPDATE stories SET group_id = ? WHERE id = ?", assigned)
    index.store_features(stories)
    index.store_postings(stories)
    for group_id, stamp in batch.touched.items():
        settled = claim_cache.settled.get(group_id)
        _refresh_group(
            conn,
            profiles,
            group_id,
            stamp,
            batch.new_claims[group_id],
            _settled_title(conn, settled) if settled is not None else None,
        )
    return GroupingResult(
        new_groups=len(batch.new_groups),
        updated_groups=len(batch.touched.keys() - batch.new_groups),
        new_claims=sum(batch.new_claims.values()),
    )


def _representative_title(
    conn: sqlite3.Connection, profiles: _Profiles, group_id: int
) -> str | None:
    """The member headline closest to the group's centroid (earliest on ties)."""
    rows = conn.execute(
        "SELECT s.id, s.title, f.terms, fd.title, s.outlet, fd.own_title "
        "FROM stories s JOIN group_features f ON f.story_id = s.id "
        "JOIN feeds fd ON fd.id = s.feed_id "
        "WHERE s.group_id = ? AND s.title != '' ORDER BY s.id DESC LIMIT ?",
        (group_id, TITLE_MEMBERS),
    ).fetchall()
    if not rows:
        return None
    if len(rows) <= 2:
        return group_headline(rows[-1][1], rows[-1][3], rows[-1][4], rows[-1][5])
    vectors = [
        (row[0], group_headline(row[1], *row[3:6]), profiles.vector(row[0], row[2])) for row in rows
    ]
    centroid: Counter[str] = Counter()
    for _id, _title, vector in vectors:
        centroid.update(vector)
    # The centroid and its norm once, not per member: the same cosine, in the same float steps.
    middle: dict[str, float] = dict(centroid)
    middle_norm = _norm(middle)

    def closeness(v: tuple[Any, Any, dict[str, float]]) -> tuple[float, int]:
        norm = _norm(v[2]) * middle_norm
        return (round(_dot(v[2], middle) / norm if norm else 0.0, 6), -v[0])

    best = max(vectors, key=closeness)
    current = conn.execute("SELECT title FROM groups WHERE id = ?", (group_id,)).fetchone()
    if current is not None and current[0] != best[1]:
        # Readers find their story by its headline: it changed with nearly every batch.
        kept = [v for v in vectors if v[1] == current[0]]
        if kept and closeness(max(kept, key=closeness))[0] >= closeness(best)[0] - TITLE_KEEP:
            return str(current[0])
    return str(best[1])


def _settled_title(conn: sqlite3.Connection, claim_id: int) -> str | None:
    """The headline of a story stating the announcement that settled what the group's reports
    disputed ("Orrery confirms $10.5 billion investment" after $8 and $11 billion rumours),
    where a headline states it: the group's title from now on (it kept a superseded rumour's
    price). The earliest such report; None when only stories' texts state it."""
    for text, title, source, outlet, own in conn.execute(
        "SELECT a.text, s.title, f.title, s.outlet, f.own_title FROM claim_appearances a "
        "JOIN stories s ON s.id = a.story_id JOIN feeds f ON f.id = s.feed_id "
        "WHERE a.claim_id = ? AND NOT a.conflicting ORDER BY a.is_new DESC, s.published, s.id",
        (claim_id,),
    ):
        said = set(normal_tokens(text))
        if said and len(said - set(normal_tokens(title or ""))) <= 1:
            return group_headline(title, source, outlet, own)
    return None


def _announces(conn: sqlite3.Connection, group_id: int, title: str) -> bool:
    """Whether the group's title is the headline of a report of an announcement (a confirmed
    price, `_settled_title`): the title it keeps as the group grows (the next review had put
    a rumour or a side story back)."""
    for text, story_title in conn.execute(
        "SELECT c.text, s.title FROM claims c JOIN stories s ON s.id = c.first_story_id "
        "WHERE c.group_id = ? AND c.key LIKE 'announce%' AND instr(s.title, ?) LIMIT 20",
        (group_id, title),
    ):
        if (
            "deny" not in text
            and len(set(normal_tokens(text)) - set(normal_tokens(story_title))) <= 1
        ):
            return True
    return False


def _refresh_group(
    conn: sqlite3.Connection,
    profiles: _Profiles,
    group_id: int,
    stamp: str,
    new_claims: int,
    settled_title: str | None = None,
) -> None:
    current, chosen_at, size = conn.execute(
        "SELECT title, title_stories, (SELECT COUNT(*) FROM stories WHERE group_id = g.id) "
        "FROM groups g WHERE id = ?",
        (group_id,),
    ).fetchone()
    title: str | None = None  # None: kept
    if settled_title:
        title, chosen_at = settled_title, size
    elif not (
        chosen_at
        and size < TITLE_REVIEW * chosen_at
        and conn.execute(
            # A member's headline still, though perhaps without its outlet's name.
            "SELECT 1 FROM stories WHERE group_id = ? AND instr(title, ?) LIMIT 1",
            (group_id, current),
        ).fetchone()
    ):
        if not (chosen_at and _announces(conn, group_id, current)):
            title = _representative_title(conn, profiles, group_id)
        chosen_at = size
    tags = [
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT t.tag FROM story_tags t JOIN stories s ON s.id = t.story_id "
            "WHERE s.group_id = ? ORDER BY t.tag",
            (group_id,),
        )
    ]
    conn.execute(
        """
        UPDATE groups SET
            title = COALESCE(:title, title),
            title_stories = :chosen_at,
            last_seen = max(last_seen, :stamp),
            story_count = (SELECT COUNT(*) FROM stories WHERE group_id = :id),
            source_count = (SELECT COUNT(DISTINCT src.feed_id) FROM story_sources src
                            JOIN stories s ON s.id = src.story_id WHERE s.group_id = :id),
            tags = :tags,
            claim_count = (SELECT COUNT(*) FROM claims WHERE group_id = :id),
            new_claims = new_claims + :new_claims,
            seen = 0
        WHERE id = :id
        """,
        {
            "title": title,
            "chosen_at": chosen_at,
            "stamp": stamp,
            "id": group_id,
            "tags": json.dumps(tags),
            "new_claims": new_claims,
        },
    )


# ---------------------------------------------------------------------------------------------
# Evaluation entry point


def group_items(items: list[dict[str, Any]], settings: GroupingSettings) -> list[int]:
    """Group plain items (title, summary, source, published, url) with the same algorithm as
    `process_stories`, in a throwaway in-memory database; returns a group id per item."""
    from monitor.db import apply_migrations, write

    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        apply_migrations(conn)
        with write(conn):
            feeds: dict[str, int] = {}
            ids = []
            for number, item in enumerate(items):
                source = str(item.get("source") or "unknown")
                if source not in feeds:
                    feeds[source] = int(
                        conn.execute(
                            "INSERT INTO feeds (config_url, url, title) VALUES (?, ?, ?)",
                            (f"eval:{source}", f"eval:{source}", source),
                        ).lastrowid
                        or 0
                    )
                published = str(item.get("published") or "") or None
                cursor = conn.execute(
                    "INSERT INTO stories (feed_id, url, title, summary, published, first_seen, "
                    "content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        feeds[source],
                        item.get("url"),
                        str(item.get("title") or ""),
                        str(item.get("summary") or ""),
                        published,
                        "",  # no arrival time: grouping then uses no time at all
                        str(number),
                    ),
                )
                story_id = int(cursor.lastrowid or 0)
                conn.execute(
                    "INSERT INTO story_sources (feed_id, key, story_id, first_seen) "
                    "VALUES (?, ?, ?, '')",
                    (feeds[source], str(number), story_id),
                )
                ids.append(story_id)
            process_stories(conn, ids, settings)
            groups = {
                row[0]: row[1]
                for row in conn.execute(
                    "SELECT id, group_id FROM stories WHERE group_id IS NOT NULL"
                )
            }
        return [int(groups.get(story_id, -story_id)) for story_id in ids]
    finally:
        conn.close()
