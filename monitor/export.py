"""`monitor export`: one record per story, streamed, as JSON lines or CSV.

Records carry the story's summary and full text (`content`, when the feed gave one), tags with
why each was given (`tag_reasons`: tag → rule and matched words), the event group, the story's
claims (`text`, `new`, `conflicting`, `first_seen_in`) and its
corrections (`was`, `now`, `noticed`: the story was edited to state another figure), so a user
can take the monitor's judgement elsewhere. Rows are streamed in id order with keyset paging;
the whole table is never held in memory.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from monitor.store import iso, parse_iso
from monitor.textclean import clean_line, clean_text

FIELDS = [
    "url",
    "title",
    "feed_url",
    "source",
    "published",
    "first_seen",
    "tags",
    "group",
    "claims",
    "starred",
    "read",
]
_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
PAGE = 1000


class ExportError(Exception):
    pass


def since_to_iso(since: str, now: datetime | None = None) -> str:
    """'24h', '7d', '30m', '2w', or an ISO date/time → an ISO 8601 UTC timestamp."""
    now = now or datetime.now(UTC)
    match = _DURATION.match(since)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        try:
            delta = {"m": timedelta(minutes=amount), "h": timedelta(hours=amount),
                     "d": timedelta(days=amount), "w": timedelta(weeks=amount)}[unit]  # fmt: skip
            return iso(now - delta)
        except OverflowError:
            raise ExportError(
                f"--since: {since.strip()!r} reaches back before the year 1; "
                "give a shorter duration or a date"
            ) from None
    moment = parse_iso(since.strip())
    if moment is None:
        raise ExportError(f"--since: {since!r} is not a duration (24h, 7d) or an ISO date")
    return iso(moment)


def known_tags(conn: sqlite3.Connection, settings: Any) -> list[str]:
    """Every tag a story can have: the topics', the feeds' in feeds.yaml (unless `settings` is
    None: the file is broken), and any stored one."""
    from monitor.topics import resolve

    known: set[str] = set()
    if settings is not None:
        known.update(topic.tag for topic in resolve(settings.topics))
        known.update(tag for feed in settings.feeds for tag in feed.tags)
    known.update(row[0] for row in conn.execute("SELECT DISTINCT tag FROM story_tags"))
    return sorted(known)


def _claims(conn: sqlite3.Connection, story_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {sid: [] for sid in story_ids}
    if not story_ids:
        return out
    marks = ",".join("?" * len(story_ids))
    for row in conn.execute(
        f"""
        SELECT a.story_id, a.text, a.is_new, a.conflicting OR c.conflicting AS conflicting,
               first.url AS first_url, COALESCE(first.outlet, ff.title) AS first_source
        FROM claim_appearances a JOIN claims c ON c.id = a.claim_id
        LEFT JOIN stories first ON first.id = c.first_story_id
        LEFT JOIN feeds ff ON ff.id = first.feed_id
        WHERE a.story_id IN ({marks}) ORDER BY a.story_id, a.claim_id
        """,
        story_ids,
    ):
        claims = out[row["story_id"]]
        same = next((c for c in claims if c["text"] == clean_line(row["text"])), None)
        if same is not None:  # one clause, two figures: one line, new if either part is
            if row["is_new"] and not same["new"]:
                # first seen here, then: not where the other part was ("new" beside another
                # outlet's address read as a contradiction)
                same["first_seen_in"] = _line(row["first_url"] or row["first_source"])
            same["new"] = same["new"] or bool(row["is_new"])
            same["conflicting"] = same["conflicting"] or bool(row["conflicting"])
            continue
        claims.append(
            {
                "text": clean_line(row["text"]),
                "new": bool(row["is_new"]),
                "conflicting": bool(row["conflicting"]),
                "first_seen_in": _line(row["first_url"] or row["first_source"]),
            }
        )
    return out


def _corrections(conn: sqlite3.Connection, story_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {sid: [] for sid in story_ids}
    if not story_ids:
        return out
    for row in conn.execute(
        f"SELECT story_id, was, now, noticed FROM claim_corrections "
        f"WHERE story_id IN ({','.join('?' * len(story_ids))}) ORDER BY story_id, noticed, id",
        story_ids,
    ):
        out[row["story_id"]].append(
            {
                "was": clean_line(row["was"]),
                "now": clean_line(row["now"]),
                "noticed": row["noticed"],
            }
        )
    return out


def _line(value: str | None) -> str | None:
    return clean_line(value) if value is not None else None


def iter_records(
    conn: sqlite3.Connection,
    *,
    tags: list[str] | None = None,
    since: str | None = None,
    starred: bool = False,
    unread: bool = False,
) -> Any:
    where: list[str] = []
    params: list[Any] = []
    if starred:
        where.append("s.starred = 1")
    if unread:
        where.append("s.read = 0")
    if since is not None:
        where.append("s.first_seen >= ?")
        params.append(since_to_iso(since))
    if tags:  # any of them
        marks = ",".join("?" * len(tags))
        where.append(
            f"EXISTS (SELECT 1 FROM story_tags t WHERE t.story_id = s.id AND t.tag IN ({marks}))"
        )
        params.extend(tags)
    last_id = 0
    while True:
        clause = " AND ".join([*where, "s.id > ?"])
        rows = conn.execute(
            f"""
            SELECT s.id, s.url, s.title, s.summary, s.content, s.published, s.first_seen, s.group_id,
                   s.starred, s.read,
                   f.url AS feed_url, COALESCE(s.outlet, f.title, f.url) AS source,
                   (SELECT json_group_array(tag) FROM (SELECT tag FROM story_tags
                      WHERE story_id = s.id ORDER BY tag)) AS tags,
                   (SELECT json_group_object(tag, json_object('rule', rule, 'matched',
                      json(COALESCE(matched, '[]')))) FROM (SELECT tag, rule, matched
                      FROM story_tags WHERE story_id = s.id ORDER BY tag)) AS reasons
            FROM stories s JOIN feeds f ON f.id = s.feed_id
            WHERE {clause} ORDER BY s.id LIMIT {PAGE}
            """,
            [*params, last_id],
        ).fetchall()
        if not rows:
            return
        claims = _claims(conn, [r["id"] for r in rows])
        corrections = _corrections(conn, [r["id"] for r in rows])
        for row in rows:
            # Cleaned again on the way out (as `feeds` and `digest` do): what was stored clean
            # stays as it is, and a database edited by other means cannot put escape codes or
            # bidi overrides into a terminal or a spreadsheet through an export.
            yield {
                "url": _line(row["url"]),
                "title": _line(row["title"]),
                "summary": clean_text(row["summary"]) if row["summary"] is not None else None,
                # The article's full text when the feed gave one (content:encoded), plain text
                # with its paragraphs, as the story view shows it; else "".
                "content": clean_text(row["content"]),
                "feed_url": _line(row["feed_url"]),
                "source": _line(row["source"]),
                "published": row["published"],
                "first_seen": row["first_seen"],
                "tags": json.loads(row["tags"]),
                "tag_reasons": json.loads(row["reasons"]),
                "group": row["group_id"],
                "claims": claims[row["id"]],
                "corrections": corrections[row["id"]],
                "starred": bool(row["starred"]),
                "read": bool(row["read"]),
            }
        last_id = rows[-1]["id"]


def _cell(value: str | None) -> str | None:
    """A CSV text cell a spreadsheet will not run: one starting with = + - @ (a formula, e.g. a
    headline "=HYPERLINK(…)") gets a leading apostrophe, as OWASP advises for CSV exports."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def export_stories(
    conn: sqlite3.Connection,
    out: TextIO,
    *,
    fmt: str = "jsonl",
    tags: list[str] | None = None,
    since: str | None = None,
    starred: bool = False,
    unread: bool = False,
) -> int:
    count = 0
    records = iter_records(conn, tags=tags, since=since, starred=starred, unread=unread)
    if fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        return count
    writer = csv.writer(out)
    # New columns go last: a spreadsheet or script reading columns by position keeps working.
    writer.writerow([*FIELDS, "summary", "tag_reasons", "corrections", "content"])
    for record in records:
        writer.writerow(
            [
                _cell(record["url"]), _cell(record["title"]), _cell(record["feed_url"]),
                _cell(record["source"]), record["published"], record["first_seen"],
                _cell(";".join(record["tags"])),
                record["group"] if record["group"] is not None else "",
                json.dumps(record["claims"], ensure_ascii=False),
                int(record["starred"]), int(record["read"]), _cell(record["summary"]),
                json.dumps(record["tag_reasons"], ensure_ascii=False),
                json.dumps(record["corrections"], ensure_ascii=False),
                _cell(record["content"]),
            ]
        )  # fmt: skip
        count += 1
    return count
