"""Per-feed status for `monitor feeds` and the TUI's feeds screen: one query, readable fields."""

from __future__ import annotations

import shutil
import sqlite3
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from monitor.store import parse_iso
from monitor.textclean import clean_line
from monitor.wording import plural

if TYPE_CHECKING:
    from monitor.config import FeedConfig


def feed_statuses(
    conn: sqlite3.Connection, *, include_inactive: bool = False
) -> list[dict[str, Any]]:
    """Every feed as a dict with keys url, title, status, error, last_ok, next_check, stories
    (plus unread, last_checked, moved_to, warning, error_count, failed_checks)."""
    where = "" if include_inactive else "WHERE f.active = 1"
    rows = conn.execute(
        f"""
        SELECT f.config_url, f.url, f.title, f.status, f.last_error, f.last_ok, f.next_check,
               f.last_checked, f.moved_to, f.parse_warning, f.error_count, f.failed_checks,
               f.retry_after,
               -- stories, not keys: a feed moved by a 301 may key its relative guids anew
               (SELECT COUNT(DISTINCT s.story_id) FROM story_sources s
                WHERE s.feed_id = f.id) AS stories,
               (SELECT COUNT(DISTINCT s.story_id) FROM story_sources s
                JOIN stories st ON st.id = s.story_id
                WHERE s.feed_id = f.id AND NOT st.read) AS unread
        FROM feeds f {where} ORDER BY f.status = 'ok', f.title COLLATE NOCASE, f.id
        """
    ).fetchall()
    result = []
    for row in rows:
        next_check = row["next_check"]
        if row["status"] == "gone":
            next_check = None
        elif row["retry_after"] and (next_check is None or row["retry_after"] > next_check):
            next_check = row["retry_after"]
        result.append(
            {
                "url": row["config_url"],
                "title": clean_line(row["title"]) or None,
                "status": row["status"],
                "error": clean_line(row["last_error"]) or None,
                "last_ok": row["last_ok"],
                "next_check": next_check,
                "stories": row["stories"],
                "unread": row["unread"],
                "last_checked": row["last_checked"],
                "fetch_url": row["url"],
                "moved_to": row["moved_to"],
                "warning": clean_line(row["parse_warning"]) or None,
                "error_count": row["error_count"],
                "failed_checks": row["failed_checks"],
            }
        )
    return result


def configured_statuses(
    conn: sqlite3.Connection | None, feeds: Sequence[FeedConfig]
) -> list[dict[str, Any]]:
    """The status of each feed of feeds.yaml, as stored (`feed_statuses`' dicts), without
    writing: one the database does not know yet (or no database, `conn` None) is "new".
    `monitor feeds` with the wrong --config used to make the database match that file, retiring
    every feed of the right one (and trying its gone feeds afresh when they came back)."""
    stored = {row["url"]: row for row in feed_statuses(conn, include_inactive=True)} if conn else {}
    rows = []
    for feed in feeds:
        title = (clean_line(feed.title) or None) if feed.title is not None else None
        row = stored.get(feed.url)
        if row is None:
            row = dict.fromkeys(_KEYS) | {
                "url": feed.url, "status": "new", "stories": 0, "unread": 0,
                "fetch_url": feed.url, "error_count": 0, "failed_checks": 0,
            }  # fmt: skip
        rows.append(row | {"title": title or row["title"]})
    rows.sort(key=lambda row: (row["status"] == "ok", (row["title"] or "").casefold()))
    return rows


_KEYS = (
    "url title status error last_ok next_check stories unread last_checked fetch_url moved_to "
    "warning error_count failed_checks"
).split()


def _short_time(value: str | None) -> str:
    if not value:
        return "-"
    return value.replace("T", " ").removesuffix("Z")[:16]


def _cells(char: str) -> int:
    """Terminal columns of one character: two for wide East Asian ones and most emoji, none for
    combining marks and zero-width characters."""
    if char.isascii():
        return 1
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` columns, with "…" where it was cut."""
    if text.isascii():
        return text if len(text) <= width else text[: width - 1] + "…"
    used = 0
    for index, char in enumerate(text):
        used += _cells(char)
        if used > width:
            cut = text[:index]
            while sum(map(_cells, cut)) > width - 1:
                cut = cut[:-1]
            return cut + "…"
    return text


def _wrapped(text: str, indent: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns after `indent`, broken between words (a word
    longer than a line is cut); nothing is lost."""
    room = max(20, width - len(indent))
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if sum(map(_cells, candidate)) <= room:
            line = candidate
            continue
        if line:
            lines.append(line)
        while sum(map(_cells, word)) > room:
            head = _fit(word, room + 1)[:-1]
            lines.append(head)
            word = word[len(head) :]
        line = word
    if line:
        lines.append(line)
    return [indent + part for part in lines]


def render_table(
    rows: list[dict[str, Any]],
    last_poll: str | None = None,
    now: datetime | None = None,
    width: int | None = None,
) -> str:
    """The feeds as a table, cut to `width` columns (None: the terminal's); times are UTC, as
    stored (and as in the digest). The last line says when the last poll ran, so a cron line
    that stopped running shows."""
    if width is None:
        width = max(40, shutil.get_terminal_size((120, 24)).columns)
    # On a narrow terminal the times go (last ok first), then the unread count: every row on
    # one line, the name with room; the detail lines below keep the error whole.
    show_last_ok, show_next, show_unread = width >= 78, width >= 60, width >= 50
    titles = [f"{'STATUS':<7}", f"{'STORIES':>7}"]
    titles += [f"{'UNREAD':>6} "] if show_unread else []
    titles += [f"{'LAST OK (UTC)':<16} "] if show_last_ok else []
    titles += [f"{'NEXT CHECK (UTC)':<16} "] if show_next else []
    lines = [" ".join([*titles, "FEED / PROBLEM"])]
    for row in rows:
        name = row["title"] or row["url"]
        status = "warn" if row["status"] == "ok" and row["warning"] else row["status"]
        cells = [f"{status:<7}", f"{row['stories']:>7}"]
        if show_unread:
            cells.append(f"{row['unread'] or '-':>6} ")
        if show_last_ok:
            cells.append(f"{_short_time(row['last_ok']):<16} ")
        if show_next:
            next_check = _short_time(row["next_check"]) if row["status"] != "gone" else "never"
            cells.append(f"{next_check:<16} ")
        head = " ".join(cells) + " "
        lines.append(_fit(head + name, width))
        detail = row["error"] or row["warning"]
        if row["error"] and (row.get("failed_checks") or 0) > 1:
            detail = f"{detail} ({row['failed_checks']} failures in a row)"
        indent = " " * min(len(head), max(0, width - 40))
        if row["moved_to"]:
            lines.append(_fit(indent + f"moved to {clean_line(row['moved_to'])}", width))
        if detail:
            lines.extend(_wrapped(detail, indent, width))
    ok = sum(1 for r in rows if r["status"] == "ok")
    summary = f"{plural(len(rows), 'feed')}, {ok} ok, {len(rows) - ok} not ok or not fetched yet"
    if last_poll:
        summary += f"; last poll {_short_time(last_poll)} UTC"
        when = parse_iso(last_poll)
        if when is not None:
            summary += f", {_ago((now or datetime.now(UTC)) - when)}"
    return "\n".join([*lines, *_wrapped(summary, "", width)]) + "\n"


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60} h ago"
    return f"{minutes // (24 * 60)} days ago"
