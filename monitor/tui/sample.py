"""A synthetic, deterministic database: feeds, stories, tags, groups and claims.

Used by the UI tests and snapshots (small, fixed clock) and by `bench/tui.py` (100,000 stories).
Written with plain SQL against the schema, so it does not depend on the tagging or grouping
code; it never imports Textual.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from monitor import db as dbmod

FEEDS = [
    ("Meta Newsroom", "https://about.fb.com/feed/", ["official"]),
    ("Engineering at Meta", "https://engineering.fb.com/feed/", ["official"]),
    ("TechCrunch AI", "https://techcrunch.com/category/artificial-intelligence/feed/", ["press"]),
    (
        "The Verge AI",
        "https://www.theverge.com/rss/ai-artificial-intelligence/index.xml",
        ["press"],
    ),
    ("Reuters Tech", "https://www.reuters.example/technology/rss", ["press"]),
    ("Bloomberg Tech", "https://www.bloomberg.example/technology/rss", ["press"]),
    ("Hacker News: Llama", "https://hnrss.org/newest?q=Llama", ["community"]),
    ("Hacker News: Meta AI", "https://hnrss.org/newest?q=Meta+AI", ["community"]),
    ("Google News: Meta AI", "https://news.google.com/rss/search?q=Meta+AI", ["search"]),
    ("Google News: Scale AI", "https://news.google.com/rss/search?q=Scale+AI", ["search"]),
    ("The Information", "https://www.theinformation.example/feed", ["press"]),
    ("Wired AI", "https://www.wired.example/feed/tag/ai/latest/rss", ["press"]),
]

SUBJECTS = [
    ("Meta", "msl"), ("Zuckerberg", "msl"), ("Meta Superintelligence Labs", "msl"),
    ("Llama 4 Behemoth", "llama"), ("Llama 4", "llama"), ("Meta's Llama team", "llama"),
    ("Scale AI", "scale-ai"), ("Alexandr Wang", "scale-ai"), ("OpenAI researchers", "talent"),
    ("Top AI researchers", "talent"), ("Meta's AI lab", "msl"), ("Nat Friedman", "talent"),
]  # fmt: skip
VERBS = [
    "delays",
    "ships",
    "hires",
    "loses",
    "reorganises",
    "invests in",
    "open-sources",
    "trains",
    "benchmarks",
    "pays record packages for",
    "restructures",
    "announces",
]
OBJECTS = [
    "a frontier model",
    "its largest data centre",
    "a new superintelligence team",
    "four OpenAI researchers",
    "a $14bn stake",
    "the next Llama release",
    "its AI roadmap",
    "a 1GW training cluster",
    "an open-weights model",
    "its chief AI scientist",
    "a reasoning model",
    "a talent war budget",
]
CLAIMS = [
    "Meta will spend up to $65bn on AI infrastructure this year",
    "Behemoth's release was pushed back to the autumn",
    "Meta offered pay packages above $100m to some researchers",
    "Scale AI's founder will lead the new lab",
    "The new lab will have about 50 researchers",
    "Four researchers left OpenAI for Meta this week",
    "Llama 4 Behemoth has about two trillion parameters",
    "The team will report directly to Zuckerberg",
    "Meta took a 49% stake in Scale AI",
    "The training cluster will come online in 2026",
]
TAGS = ["llama", "msl", "policy", "scale-ai", "talent"]


@dataclass
class SampleStats:
    feeds: int
    stories: int
    groups: int
    claims: int


def fill(
    conn: sqlite3.Connection,
    *,
    stories: int = 60,
    now: datetime | None = None,
    seed: int = 7,
    days: float = 16,
    grouped: float = 0.75,
) -> SampleStats:
    """Add `stories` stories over the last `days` days (oldest first), about `grouped` of them in
    groups of 2–6, with tags, claims, read/starred state and a poll state. One transaction."""
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    step = timedelta(days=days) / max(stories, 1)

    def at(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    with dbmod.write(conn):
        base_feed = conn.execute("SELECT COALESCE(MAX(id), 0) FROM feeds").fetchone()[0]
        feed_rows = []
        for index, (title, url, tags) in enumerate(FEEDS):
            failing = index == len(FEEDS) - 1
            feed_rows.append(
                (
                    base_feed + index + 1, url if not base_feed else f"{url}#{base_feed}",
                    url, title, json.dumps(tags), "error" if failing else "ok",
                    "HTTP 503 Service Unavailable" if failing else None, 3 if failing else 0,
                    at(now - timedelta(minutes=7)), at(now - timedelta(days=2 if failing else 0, minutes=7)),
                    at(now + timedelta(minutes=23 + index)),
                )
            )  # fmt: skip
        conn.executemany(
            "INSERT INTO feeds (id, config_url, url, title, tags, status, last_error, error_count, "
            "last_checked, last_ok, next_check) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            feed_rows,
        )
        feed_ids = [row[0] for row in feed_rows]
        first_story = conn.execute("SELECT COALESCE(MAX(id), 0) FROM stories").fetchone()[0] + 1
        first_group = conn.execute("SELECT COALESCE(MAX(id), 0) FROM groups").fetchone()[0] + 1
        first_claim = conn.execute("SELECT COALESCE(MAX(id), 0) FROM claims").fetchone()[0] + 1

        story_rows: list[tuple[object, ...]] = []
        source_rows: list[tuple[object, ...]] = []
        tag_rows: list[tuple[object, ...]] = []
        story_tags: dict[int, set[str]] = {}
        members: dict[int, list[int]] = {}
        story_feed: dict[int, int] = {}
        story_time: dict[int, str] = {}
        story_title: dict[int, str] = {}
        group_id = first_group - 1
        left_in_group = 0
        start = now - step * stories
        for n in range(stories):
            sid = first_story + n
            moment = start + step * (n + 1)
            if left_in_group <= 0:
                if rng.random() < grouped:
                    group_id += 1
                    left_in_group = rng.randint(2, 6)
                    members[group_id] = []
                    current: int | None = group_id
                else:
                    current = None
                    left_in_group = 1
            subject, tag = SUBJECTS[rng.randrange(len(SUBJECTS))]
            title = f"{subject} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
            feed_id = feed_ids[rng.randrange(len(feed_ids) - 1)]
            age = now - moment
            read = age > timedelta(days=2) and rng.random() < 0.9
            starred = rng.random() < 0.03
            story_rows.append(
                (
                    sid, feed_id, f"https://news.example/{sid}", title,
                    f"{title}. Reporting from {FEEDS[feed_id - base_feed - 1][0]} on what changed.",
                    at(moment), at(moment), f"h{sid}", int(read), int(starred), current,
                )
            )  # fmt: skip
            source_rows.append((feed_id, f"k{sid}", sid, at(moment)))
            chosen = {tag}
            if rng.random() < 0.3:
                chosen.add(rng.choice(TAGS))
            story_tags[sid] = chosen
            for name in sorted(chosen):
                tag_rows.append((sid, name, f"{name}-keywords", json.dumps([subject.split()[0]])))
            story_feed[sid], story_time[sid], story_title[sid] = feed_id, at(moment), title
            if current is not None:
                members[current].append(sid)
            left_in_group -= 1

        group_rows = []
        claim_rows: list[tuple[object, ...]] = []
        appearance_rows: list[tuple[object, ...]] = []
        claim_id = first_claim - 1
        for gid, sids in members.items():
            recent = now - datetime.fromisoformat(story_time[sids[-1]].replace("Z", "+00:00"))
            fresh = recent < timedelta(hours=36)
            claims_here = rng.randint(0, 4)
            new_claims = 0
            for c in range(claims_here):
                claim_id += 1
                text = CLAIMS[(gid * 3 + c) % len(CLAIMS)]
                first = sids[min(c, len(sids) - 1)]
                conflicting = int(c == 2 and rng.random() < 0.5)
                claim_rows.append(
                    (claim_id, gid, text.lower(), text, first, story_time[first], conflicting)
                )
                for i, sid in enumerate(sids[min(c, len(sids) - 1) :][:3]):
                    appearance_rows.append((claim_id, sid, text, int(i == 0), conflicting))
                if fresh and rng.random() < 0.6:
                    new_claims += 1
            group_tags = sorted(set().union(*(story_tags[s] for s in sids)))
            group_rows.append(
                (
                    gid, story_title[sids[0]], story_time[sids[0]], story_time[sids[-1]], len(sids),
                    len({story_feed[s] for s in sids}), json.dumps(group_tags), claims_here,
                    min(new_claims, claims_here), 0 if fresh else 1,
                )
            )  # fmt: skip
        conn.executemany(
            "INSERT INTO groups (id, title, first_seen, last_seen, story_count, source_count, "
            "tags, claim_count, new_claims, seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            group_rows,
        )
        conn.executemany(
            "INSERT INTO stories (id, feed_id, url, title, summary, published, first_seen, "
            "content_hash, read, starred, group_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            story_rows,
        )
        conn.executemany(
            "INSERT INTO story_sources (feed_id, key, story_id, first_seen) VALUES (?, ?, ?, ?)",
            source_rows,
        )
        conn.executemany(
            "INSERT INTO story_tags (story_id, tag, rule, matched) VALUES (?, ?, ?, ?)", tag_rows
        )
        conn.executemany(
            "INSERT INTO claims (id, group_id, key, text, first_story_id, first_seen, conflicting) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            claim_rows,
        )
        conn.executemany(
            "INSERT INTO claim_appearances (claim_id, story_id, text, is_new, conflicting) "
            "VALUES (?, ?, ?, ?, ?)",
            appearance_rows,
        )
        conn.execute(
            "INSERT INTO state (key, value) VALUES ('last_poll', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (at(now - timedelta(minutes=7)),),
        )
    return SampleStats(len(feed_rows), len(story_rows), len(group_rows), len(claim_rows))
