"""`monitor digest`: what is new since the last digest, as text, Markdown or JSON.

A digest lists the groups (events) first seen in the period with their claims and conflicts,
and for older groups that got more coverage only what is new: claims first seen in the period
and conflicts (a report in the period whose figure disagrees with the first appearance), and
corrections (a report edited in the period to state another figure: "was …"). Every
format marks conflicts the same way: a claim is marked only when a report on the other side
is stored, and that report is listed. A group lists up to six claims (new groups) and six
conflicts, and counts the rest. Groups whose new stories only repeat known
claims are counted, not listed: the reader wants the news, not twenty copies of it.

`build` reads (no writes) in one snapshot; `mark_sent` stores the time of the digest and the
highest story, group and claim ids it read (state `last_digest`, `last_digest_marks`) in its own
short transaction, so `--since last` starts exactly where the previous digest stopped, even
within the same second or beside a running poll. Every piece
of feed text in the report has been through `clean_line`; the text renderer calls it again and
the Markdown renderer also escapes Markdown syntax, so a feed can neither drive a terminal nor
inject links or formatting into a mail.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.queries import distinct_sources, tag_order
from monitor.textclean import clean_line
from monitor.wording import plural

MAX_GROUPS = 300  # per section
MAX_CLAIMS = 6  # claims shown for a new group
UNTITLED_CHARS = 80  # of the summary shown for a group whose stories have no headline
MAX_CONFLICTS = 6  # reports that disagree, shown per group
MAX_SOURCES = 4  # source names shown per group
_DURATION = re.compile(r"^\s*\d+\s*[mhdw]\s*$")
# Characters Markdown reads as syntax anywhere in a line (emphasis, code, links, HTML, escapes,
# strikethrough), an `&` that would start an entity, and what starts a block only at the start.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<~]|&(?=#?\w+;))")
_MARKDOWN_LINE_START = re.compile(r"^([#>+\-]|\d+(?=[.)]))")
_MARKDOWN_CLOSING_HASHES = re.compile(r"(?<=\s)(?=#+$)")  # a heading would drop " ##" at the end
_SAFE_URL = re.compile(r"^https?://[^\s<>()\[\]`]+$")
# An appearance `a` on the other side of its claim `c`: flagged, not the first, and not a word
# for word repeat of the claim. A claim is shown as conflicting only when it has one, so every
# mark comes with a report to name.
_DISAGREES = "a.is_new = 0 AND a.conflicting = 1 AND a.text <> c.text"


@dataclass
class DigestClaim:
    text: str
    source: str  # the feed that first said it (or, for a conflict, the one that disagrees)
    url: str | None
    conflicting: bool = False
    # For a conflict: the claim's wording it disagrees with. For a conflicting claim: the first
    # report that disagrees (all of them are in the group's `conflicts`).
    conflicts_with: str | None = None


@dataclass
class DigestCorrection:
    """A report edited to state another figure: its wording before and after."""

    was: str
    now: str
    source: str
    url: str | None


@dataclass
class DigestGroup:
    id: int
    title: str
    url: str | None  # of its representative story
    first_seen: str
    last_seen: str
    story_count: int
    new_stories: int
    sources: list[str]
    tags: list[str]
    claims: list[DigestClaim] = field(default_factory=list)  # new claims only
    conflicts: list[DigestClaim] = field(default_factory=list)  # reports that disagree
    more_claims: int = 0  # new claims not listed
    more_conflicts: int = 0  # reports that disagree, not listed
    updated_stories: int = 0  # stored before, their text changed since
    corrections: list[DigestCorrection] = field(default_factory=list)  # noticed in the period


@dataclass
class DigestReport:
    since: str | None  # None: everything stored
    generated: str
    new_groups: list[DigestGroup] = field(default_factory=list)
    updated_groups: list[DigestGroup] = field(default_factory=list)
    repeated_groups: int = 0  # got more stories, but nothing new to say
    more_groups: int = 0  # left out of the lists (MAX_GROUPS)
    marks: dict[str, int] = field(default_factory=dict)  # highest ids this report read

    @property
    def empty(self) -> bool:
        return not (self.new_groups or self.updated_groups or self.repeated_groups)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["marks"]
        return data


@dataclass(frozen=True)
class _Floor:
    """Where "new" starts. A time (`--since 24h`), or, for `--since last`, the highest row ids
    the previous digest read: ids grow in commit order, so nothing stored in the same second as
    a digest, or committed by a poll that was running while it was built, is shown twice or
    never."""

    time: str = ""
    story: int = 0
    group: int = 0
    claim: int = 0
    correction: int = 0
    updated_after: str = "~"  # stories changed after this also count (never, by default)
    # A group whose latest activity is older than this is old news, however recently stored:
    # a new feed's backlog, dated by publication (`--since last` went by row ids alone, and
    # listed a feed's month-old items as NEW the day it was added).
    active_since: str = ""

    def params(self) -> dict[str, Any]:
        return {
            "t": self.time,
            "s": self.story,
            "g": self.group,
            "c": self.claim,
            "x": self.correction,
            "u": self.updated_after,
            "o": self.active_since,
        }


_MARK_TABLES = {
    "story": "stories",
    "group": "groups",
    "claim": "claims",
    "correction": "claim_corrections",
}


def _marks(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        name: int(conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0])
        for name, table in _MARK_TABLES.items()
    }


def _floor(conn: sqlite3.Connection, since: str, start: str | None) -> _Floor:
    if (since or "").strip().lower() != "last" or start is None:
        return _Floor(time=start or "")
    row = conn.execute("SELECT value FROM state WHERE key = 'last_digest_marks'").fetchone()
    try:
        marks: dict[str, Any] = json.loads(row[0]) if row else {}
        return _Floor(
            story=int(marks["story"]),
            group=int(marks["group"]),
            claim=int(marks["claim"]),
            correction=int(marks.get("correction", 0)),  # marks from before corrections: 0
            updated_after=start,
            active_since=_active_since(start),
        )
    except (TypeError, ValueError, KeyError):
        return _Floor(time=start)  # a digest from before marks were kept: by time


BACKLOG_SLACK = timedelta(hours=1)
"""Activity this long before the last digest still counts for `--since last`: a story stored
by a poll that ran while that digest was made is dated by the poll's start."""


def _active_since(start: str) -> str:
    moment = _parse(start)
    return _iso(moment - BACKLOG_SLACK) if moment is not None else ""


def _parse(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve_since(conn: sqlite3.Connection, since: str, now: datetime | None = None) -> str | None:
    """ "last" (the last digest; None when there was none), "24h"/"7d"/"30m"/"2w", or an ISO
    date/time → an ISO 8601 UTC timestamp. Raises ValueError with a readable message."""
    from monitor.export import ExportError, since_to_iso

    value = (since or "").strip()
    if value.lower() == "last":
        row = conn.execute("SELECT value FROM state WHERE key = 'last_digest'").fetchone()
        return str(row[0]) if row else None
    try:
        return since_to_iso(value, now)
    except ExportError as exc:
        if "before the year 1" in str(exc):
            raise ValueError(clean_line(str(exc))) from None
        hint = "" if not _DURATION.match(value) else " (use m, h, d or w)"
        raise ValueError(
            f"--since: {clean_line(since)!r} is not 'last', a duration such as 24h or 7d, "
            f"or an ISO date/time such as 2025-06-12T08:00:00Z{hint}"
        ) from None


def build(conn: sqlite3.Connection, since: str) -> DigestReport:
    """Collect new groups and the new claims of updated groups since `since` (see
    `resolve_since`). Reads only."""
    now = datetime.now(UTC)
    own_snapshot = not conn.in_transaction
    if own_snapshot:
        conn.execute("BEGIN")  # one consistent read: the marks match what is reported
    try:
        start = resolve_since(conn, since, now)
        report = DigestReport(since=start, generated=_iso(now), marks=_marks(conn))
        _collect(conn, report, _floor(conn, since, start))
    finally:
        if own_snapshot:
            conn.execute("COMMIT")
    return report


def _collect(conn: sqlite3.Connection, report: DigestReport, floor: _Floor) -> None:
    rows = conn.execute(
        "SELECT id, title, first_seen, last_seen, story_count, tags FROM groups "
        "WHERE last_seen >= :t AND last_seen >= :o "
        "AND (id > :g OR id IN (SELECT group_id FROM stories WHERE id > :s)"
        " OR id IN (SELECT group_id FROM claims WHERE id > :c)"
        " OR id IN (SELECT group_id FROM stories WHERE updated_at > :u)"
        " OR id IN (SELECT s.group_id FROM claim_corrections k JOIN stories s ON s.id = k.story_id"
        " WHERE k.noticed >= :t AND k.id > :x)) "
        "ORDER BY story_count DESC, last_seen DESC, id",
        floor.params(),
    ).fetchall()
    for row in rows:
        if row["first_seen"] >= floor.time and row["id"] > floor.group:
            group = _group(conn, row, floor, new=True)
            _append(report, report.new_groups, group)
            continue
        group = _group(conn, row, floor, new=False)
        if group.claims or group.conflicts or group.corrections:
            _append(report, report.updated_groups, group)
        elif group.new_stories:
            report.repeated_groups += 1
    report.updated_groups.sort(
        key=lambda g: (
            -(len(g.claims) + len(g.conflicts) + g.more_conflicts + len(g.corrections)),
            g.id,
        )
    )


def _append(report: DigestReport, section: list[DigestGroup], group: DigestGroup) -> None:
    if len(section) < MAX_GROUPS:
        section.append(group)
    else:
        report.more_groups += 1


def _lead_link(conn: sqlite3.Connection, group_id: int, title: str) -> str | None:
    """The link of the story the group is titled after; its title is that story's headline as
    `grouping_text.group_headline` gives it (" - Outlet" and the feed's own name left out, so
    the headline as stored did not match, and a news search's group had no link). Else the
    first story's link."""
    from monitor.grouping_text import group_headline

    first: str | None = None
    for story_title, url, source, outlet, own in conn.execute(
        "SELECT s.title, s.url, f.title, s.outlet, f.own_title FROM stories s "
        "JOIN feeds f ON f.id = s.feed_id WHERE s.group_id = ? AND s.url IS NOT NULL "
        "ORDER BY s.id LIMIT 500",
        (group_id,),
    ):
        if group_headline(story_title or "", source, outlet, own) == title:
            return str(url)
        first = first or str(url)
    return first


def _group(conn: sqlite3.Connection, row: sqlite3.Row, floor: _Floor, *, new: bool) -> DigestGroup:
    group_id = int(row["id"])
    # By name: an outlet subscribed under a second address has two feed rows, not two voices.
    # A feed named otherwise in feeds.yaml is the outlet a news search names by its own name
    # (counted once, as in the UI: "HL tech desk, Harbor Ledger" was one outlet).
    reports = conn.execute(
        "SELECT DISTINCT src.outlet, COALESCE(f.title, f.url), f.own_title "
        "FROM story_sources src JOIN stories s ON s.id = src.story_id "
        "JOIN feeds f ON f.id = src.feed_id WHERE s.group_id = ?",
        (group_id,),
    ).fetchall()
    named = {clean_line(r[0]).casefold() for r in reports if r[0]}
    sources = distinct_sources(
        sorted(
            clean_line(outlet or name)
            for outlet, name, own in reports
            if outlet or clean_line(own or "").casefold() not in named
        )
    )
    lead = _lead_link(conn, group_id, row["title"])
    new_stories = conn.execute(
        "SELECT COUNT(*) FROM stories WHERE group_id = :group AND first_seen >= :t AND id > :s",
        {"group": group_id, **floor.params()},
    ).fetchone()[0]
    updated_stories = conn.execute(
        "SELECT COUNT(*) FROM stories WHERE group_id = :group "
        "AND NOT (first_seen >= :t AND id > :s) "
        "AND (updated_at > :u OR (:t != '' AND updated_at >= :t))",
        {"group": group_id, **floor.params()},
    ).fetchone()[0]
    claims = _new_claims(conn, group_id, floor)
    corrections = _corrections(conn, group_id, floor)
    # A corrected figure is a new claim too; its correction line says it already (with what
    # it was), so it is not listed twice.
    corrected = {fix.now for fix in corrections}
    shown = _dedupe([claim for _, claim in claims if claim.text not in corrected])
    limit = MAX_CLAIMS if new else len(shown)
    listed = {c.text for c in shown[:limit]}
    conflicts, more_conflicts = _pick_conflicts(
        _conflicts(conn, group_id, floor),
        {claim_id for claim_id, claim in claims if claim.text in listed},
    )
    title = clean_line(row["title"])
    if not title:  # items without a headline: the start of what the first one says
        first = conn.execute(
            "SELECT summary FROM stories WHERE group_id = ? AND summary != '' ORDER BY id LIMIT 1",
            (group_id,),
        ).fetchone()
        text = clean_line(first[0]) if first else ""
        title = (
            text[:UNTITLED_CHARS] + "…" if len(text) > UNTITLED_CHARS else text
        ) or "(untitled)"
    return DigestGroup(
        id=group_id,
        title=title,
        url=lead,
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        story_count=int(row["story_count"]),
        new_stories=int(new_stories),
        updated_stories=int(updated_stories),
        sources=sources,
        tags=sorted((clean_line(str(t)) for t in json.loads(row["tags"] or "[]")), key=tag_order),
        claims=shown[:limit],
        conflicts=conflicts,
        more_claims=max(0, len(shown) - limit),
        more_conflicts=more_conflicts,
        corrections=corrections,
    )


def _corrections(conn: sqlite3.Connection, group_id: int, floor: _Floor) -> list[DigestCorrection]:
    """Reports of the group edited in the period to state another figure, oldest first; one
    per outlet and wording (an outlet's own feed and a news search carry the same edit)."""
    found: dict[tuple[str, str, str], DigestCorrection] = {}
    for r in conn.execute(
        "SELECT k.was, k.now, s.url, COALESCE(s.outlet, f.title, f.url) AS source "
        "FROM claim_corrections k JOIN stories s ON s.id = k.story_id "
        "JOIN feeds f ON f.id = s.feed_id "
        "WHERE s.group_id = :group AND k.noticed >= :t AND k.id > :x ORDER BY k.id LIMIT :n",
        {"group": group_id, "n": MAX_CONFLICTS * 2, **floor.params()},
    ):
        fix = DigestCorrection(
            was=clean_line(r["was"]),
            now=clean_line(r["now"]),
            source=clean_line(r["source"] or ""),
            url=r["url"],
        )
        found.setdefault((fix.source.casefold(), fix.was, fix.now), fix)
    return list(found.values())[:MAX_CONFLICTS]


def _new_claims(
    conn: sqlite3.Connection, group_id: int, floor: _Floor
) -> list[tuple[int, DigestClaim]]:
    """The group's claims first seen in the period, by id. One is conflicting when a report
    disagrees with it; the first such report is named in `conflicts_with`."""
    return [
        (
            int(r["id"]),
            DigestClaim(
                text=clean_line(r["text"]),
                source=clean_line(r["source"] or ""),
                url=r["url"],
                conflicting=r["disputed_by"] is not None,
                conflicts_with=None if r["disputed_by"] is None else clean_line(r["disputed_by"]),
            ),
        )
        for r in conn.execute(
            "SELECT c.id, c.text, s.url, COALESCE(s.outlet, f.title, f.url) AS source, "
            "(SELECT a.text FROM claim_appearances a "
            f"WHERE a.claim_id = c.id AND {_DISAGREES} ORDER BY a.story_id LIMIT 1) "
            "AS disputed_by "
            "FROM claims c LEFT JOIN stories s ON s.id = c.first_story_id "
            "LEFT JOIN feeds f ON f.id = s.feed_id "
            "WHERE c.group_id = :group AND c.first_seen >= :t AND c.id > :c ORDER BY c.id",
            {"group": group_id, **floor.params()},
        )
    ]


def _conflicts(
    conn: sqlite3.Connection, group_id: int, floor: _Floor
) -> list[tuple[int, DigestClaim]]:
    """The reports that disagree with a claim's first appearance, by claim and story: those
    that arrived (or changed) in the period, for new and updated groups alike, and every one
    on a claim first seen in the period, so a claim marked conflicting always has its other
    side listed (a report the previous digest read before it was grouped, say)."""
    return [
        (
            int(r["claim_id"]),
            DigestClaim(
                text=clean_line(r["text"]),
                source=clean_line(r["source"] or ""),
                url=r["url"],
                conflicting=True,
                conflicts_with=clean_line(r["original"]),
            ),
        )
        for r in conn.execute(
            "SELECT c.id AS claim_id, a.text, c.text AS original, s.url, "
            "COALESCE(s.outlet, f.title, f.url) AS source "
            "FROM claims c JOIN claim_appearances a ON a.claim_id = c.id "
            "JOIN stories s ON s.id = a.story_id JOIN feeds f ON f.id = s.feed_id "
            f"WHERE c.group_id = :group AND {_DISAGREES} "
            "AND ((COALESCE(s.updated_at, s.first_seen) >= :t AND (s.id > :s OR s.updated_at > :u))"
            " OR (c.first_seen >= :t AND c.id > :c)) ORDER BY c.id, s.id",
            {"group": group_id, **floor.params()},
        )
    ]


def _pick_conflicts(
    conflicts: list[tuple[int, DigestClaim]], listed: set[int], limit: int = MAX_CONFLICTS
) -> tuple[list[DigestClaim], int]:
    """At most `limit` of a group's conflicts (one line per wording, source and claim), in
    their order, and how many are left out. One report for each claim comes before a second
    for any, those on the claims listed above first, so every `[conflicting]` mark is
    explained before the list fills up."""
    unique: dict[tuple[str, str, str | None], tuple[int, DigestClaim]] = {}
    for claim_id, conflict in conflicts:
        unique.setdefault(
            (conflict.text, conflict.source, conflict.conflicts_with), (claim_id, conflict)
        )
    rank: dict[int, int] = {}
    order = []
    for position, (claim_id, _) in enumerate(unique.values()):
        rank[claim_id] = rank.get(claim_id, -1) + 1
        order.append((rank[claim_id], claim_id not in listed, position))
    kept = sorted(position for *_, position in sorted(order)[:limit])
    rows = list(unique.values())
    return [rows[position][1] for position in kept], len(rows) - len(kept)


def _dedupe(claims: list[DigestClaim]) -> list[DigestClaim]:
    """One line per wording: a clause with two figures is two claims but one sentence (marked
    conflicting when either is)."""
    seen: dict[str, DigestClaim] = {}
    for claim in claims:
        kept = seen.setdefault(claim.text, claim)
        if claim.conflicting and not kept.conflicting:
            kept.conflicting, kept.conflicts_with = True, claim.conflicts_with
    return list(seen.values())


def mark_sent(
    conn: sqlite3.Connection,
    report: DigestReport | None = None,
    at: str | None = None,
    deliver: Callable[[], None] | None = None,
) -> None:
    """Remember this digest (its time and the highest ids it read) so `--since last` starts
    exactly after it; in its own short transaction. Without a report: now and the current
    highest ids. `deliver` (printing the digest) runs after the marker is written and before
    it is committed: a database that cannot be written prints nothing, and a digest that could
    not be delivered leaves the marker where it was."""
    from monitor.db import write

    with write(conn):
        marks = report.marks if report is not None and report.marks else _marks(conn)
        stamp = at or (report.generated if report is not None else _iso(datetime.now(UTC)))
        conn.executemany(
            "INSERT INTO state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [("last_digest", stamp), ("last_digest_marks", json.dumps(marks))],
        )
        if deliver is not None:
            deliver()


# ---------------------------------------------------------------------------------------------
# Rendering


def render(report: DigestReport, fmt: str) -> str:
    """The report as "text", "markdown" or "json" (always ending in a newline)."""
    if fmt == "json":
        return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return _render_markdown(report)
    if fmt == "text":
        return _render_text(report)
    raise ValueError(f"unknown digest format {fmt!r}: use text, markdown or json")


def _when(stamp: str | None) -> str:
    if not stamp:
        return "the start (this is the first digest)"
    return stamp.replace("T", " ").removesuffix("Z") + " UTC"


def _summary_line(report: DigestReport) -> str:
    new, updated = len(report.new_groups), len(report.updated_groups)
    parts = [f"{new} new {'group' if new == 1 else 'groups'}", f"{updated} updated"]
    return f"{', '.join(parts)} since {_when(report.since)}"


def _sources(group: DigestGroup) -> str:
    names = group.sources[:MAX_SOURCES]
    extra = len(group.sources) - len(names)
    return ", ".join(names) + (f" +{extra}" if extra > 0 else "")


def _since(group: DigestGroup) -> str:
    """ "2 stories since", or "0 stories since, 1 updated" for a group whose news came from
    an edited story (it read "0 stories since" alone)."""
    text = f"{_stories(group.new_stories)} since"
    return f"{text}, {group.updated_stories} updated" if group.updated_stories else text


def _stories(count: int) -> str:
    return f"{count} {'story' if count == 1 else 'stories'}"


def _render_text(report: DigestReport) -> str:
    c = clean_line
    if report.empty:
        return f"Nothing new since {_when(report.since)}.\n"
    lines = [f"monitor digest: {_summary_line(report)}", ""]
    for group in report.new_groups:
        lines.append(f"NEW      {c(group.title)}")
        meta = [_stories(group.story_count), c(_sources(group))]
        if group.tags:
            meta.append("tags: " + c(", ".join(group.tags)))
        lines.append("         " + " · ".join(meta))
        for claim in group.claims:
            lines.append(
                f"         - {c(claim.text)}"
                + (f"  ({c(claim.source)})" if claim.source else "")
                + _TEXT_CONFLICT_MARK * claim.conflicting
            )
        if group.more_claims:
            lines.append(f"         … and {plural(group.more_claims, 'more claim')}")
        lines.extend(_text_conflicts(group))
        lines.extend(_text_corrections(group))
        if group.url:
            lines.append(f"         {c(group.url)}")
        lines.append("")
    for group in report.updated_groups:
        lines.append(f"UPDATED  {c(group.title)}")
        lines.append(f"         {_since(group)}, {_stories(group.story_count)} in all")
        for claim in group.claims:
            lines.append(
                f"         + new: {c(claim.text)}  ({c(claim.source)})"
                + _TEXT_CONFLICT_MARK * claim.conflicting
            )
        lines.extend(_text_conflicts(group))
        lines.extend(_text_corrections(group))
        # The news of an updated group is in its new reports, not in the story it is titled after
        news = [c.url for c in (*group.claims, *group.conflicts)] + [
            fix.url for fix in group.corrections
        ]
        link = next((url for url in news if url), None) or group.url
        if link:
            lines.append(f"         {c(link)}")
        lines.append("")
    lines.extend(_footer(report))
    return "\n".join(lines).rstrip("\n") + "\n"


_TEXT_CONFLICT_MARK = "  [conflicting]"


def _text_conflicts(group: DigestGroup) -> list[str]:
    c = clean_line
    lines = [
        f"         ! conflicting: {c(claim.text)}  ({c(claim.source)}); "
        f"earlier: {c(claim.conflicts_with)}"
        for claim in group.conflicts
    ]
    if group.more_conflicts:
        lines.append(f"         … and {_more_conflicts(group)}")
    return lines


def _text_corrections(group: DigestGroup) -> list[str]:
    c = clean_line
    return [
        f"         ~ corrected: {c(fix.now)}  ({c(fix.source)}); was: {c(fix.was)}"
        for fix in group.corrections
    ]


def _more_conflicts(group: DigestGroup) -> str:
    return plural(group.more_conflicts, "more conflict")


def _footer(report: DigestReport) -> list[str]:
    lines = []
    if report.repeated_groups:
        n = report.repeated_groups
        lines.append(
            f"{n} other {'group' if n == 1 else 'groups'} got more coverage with nothing new."
        )
    if report.more_groups:
        n = report.more_groups
        lines.append(f"{plural(n, 'more group')} {'is' if n == 1 else 'are'} not listed.")
    return lines


def escape_markdown(value: str | None) -> str:
    """Feed text as inert Markdown: one clean line, with a backslash before only what Markdown
    would read as syntax (so `$14.3 billion` stays as typed, `*600*` is not emphasis and
    `[x](url)` is not a link)."""
    text = _MARKDOWN_INLINE.sub(r"\\\1", clean_line(value))
    text = _MARKDOWN_CLOSING_HASHES.sub("\\\\", text)
    match = _MARKDOWN_LINE_START.match(text)
    if match is None:
        return text
    if match.group(1)[0].isdigit():  # "2025. A year" would start an ordered list
        return match.group(1) + "\\" + text[match.end() :]
    return "\\" + text


_URL_ESCAPES = {ord(ch): f"%{ord(ch):02X}" for ch in "()[]`<> "}


def _md_link(text: str, url: str | None) -> str:
    """A link when the URL is http(s); the characters Markdown could read in it (brackets,
    parentheses, backticks, angle brackets, spaces) percent-encoded, as a browser sends them."""
    if url:
        url = clean_line(url).translate(_URL_ESCAPES)
    if url and _SAFE_URL.match(url):
        return f"[{escape_markdown(text)}](<{url}>)"
    return escape_markdown(text)


def _render_markdown(report: DigestReport) -> str:
    e = escape_markdown
    if report.empty:
        return f"Nothing new since {_when(report.since)}.\n"
    lines = ["# monitor digest", "", f"_{_summary_line(report)}_", ""]
    if report.new_groups:
        lines += ["## New", ""]
    for group in report.new_groups:
        lines.append(f"### {_md_link(group.title, group.url)}")
        meta = [_stories(group.story_count), e(_sources(group))]
        if group.tags:
            meta.append("tags: " + ", ".join(f"`{t.replace('`', '')}`" for t in group.tags))
        lines += ["", " · ".join(meta), ""]
        for claim in group.claims:
            lines.append(
                f"- {e(claim.text)}"
                + (f" — *{_md_link(claim.source, claim.url)}*" if claim.source else "")
                + _MD_CONFLICT_MARK * claim.conflicting
            )
        if group.more_claims:
            lines.append(f"- … and {plural(group.more_claims, 'more claim')}")
        lines.extend(_md_conflicts(group))
        lines.extend(_md_corrections(group))
        lines.append("")
    if report.updated_groups:
        lines += ["## Updated", ""]
    for group in report.updated_groups:
        lines.append(f"### {_md_link(group.title, group.url)}")
        lines += [
            "",
            f"{_since(group)}, {_stories(group.story_count)} in all",
            "",
        ]
        for claim in group.claims:
            lines.append(
                f"- **new:** {e(claim.text)} — *{_md_link(claim.source, claim.url)}*"
                + _MD_CONFLICT_MARK * claim.conflicting
            )
        lines.extend(_md_conflicts(group))
        lines.extend(_md_corrections(group))
        lines.append("")
    lines.extend(_footer(report))
    return "\n".join(lines).rstrip("\n") + "\n"


_MD_CONFLICT_MARK = " **(conflicting)**"


def _md_conflicts(group: DigestGroup) -> list[str]:
    e = escape_markdown
    lines = [
        f"- **conflicting:** {e(claim.text)} — *{_md_link(claim.source, claim.url)}* "
        f"(earlier: {e(claim.conflicts_with)})"
        for claim in group.conflicts
    ]
    if group.more_conflicts:
        lines.append(f"- … and {_more_conflicts(group)}")
    return lines


def _md_corrections(group: DigestGroup) -> list[str]:
    e = escape_markdown
    return [
        f"- **corrected:** {e(fix.now)} — *{_md_link(fix.source, fix.url)}* (was: {e(fix.was)})"
        for fix in group.corrections
    ]
