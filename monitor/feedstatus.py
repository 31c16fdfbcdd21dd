"""Per-feed status for `monitor feeds` and the TUI's feeds screen: one query, readable fields."""

from __future__ import annotations

import shutil
import sqlite3
from typing import Any

from monitor.textclean import clean_line
from monitor.wording import plural


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


def _short_time(value: str | None) -> str:
    if not value:
        return "-"
    return value.replace("T", " ").removesuffix("Z")[:16]


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` columns, with "…" where it was cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(rows: list[dict[str, Any]]) -> str:
    """The feeds as a table for the terminal; times are UTC, as stored (and as in the digest)."""
    width = max(80, shutil.get_terminal_size((120, 24)).columns)
    lines = [
        f"{'STATUS':<7} {'STORIES':>7} {'UNREAD':>6}  {'LAST OK (UTC)':<16}  "
        f"{'NEXT CHECK (UTC)':<16}  FEED / PROBLEM"
    ]
    for row in rows:
        name = row["title"] or row["url"]
        head = (
            f"{row['status']:<7} {row['stories']:>7} {row['unread'] or '-':>6}  "
            f"{_short_time(row['last_ok']):<16}  "
            f"{_short_time(row['next_check']) if row['status'] != 'gone' else 'never':<16}  "
        )
        lines.append(_fit(head + name, width))
        detail = row["error"] or row["warning"]
        if row["moved_to"]:
            lines.append(_fit(" " * len(head) + f"moved to {clean_line(row['moved_to'])}", width))
        if detail:
            lines.append(_fit(" " * len(head) + detail, max(width, len(head) + 60)))
    ok = sum(1 for r in rows if r["status"] == "ok")
    lines.append(
        f"{plural(len(rows), 'feed')}, {ok} ok, {len(rows) - ok} not ok or not fetched yet"
    )
    return "\n".join(lines) + "\n"
