"""Tagging throughput: `monitor retag` over N stored stories, ingest-time tagging, pure matching.

    .venv/bin/python bench/tagging.py [--stories 100000] [--seed 7] [--keep DIR]

Builds a throwaway database of synthetic stories (headline and standfirst made from templates:
mostly general tech and business news, a fifth about AI, a few about Meta and Llama, and the
usual traps), grouped into events, with feed tags; then prints stories/second for
- `retag_all` (what `monitor retag` runs: read, match, rewrite story_tags, refresh groups.tags),
- `tag_stories` in poll-sized batches inside write transactions (the ingest path),
- `Tagger.tag` alone (matching only, no database).
The target from issue 3 is `monitor retag` over 100,000 stories in under 10 s. Figures only: no
assertion, so a slow machine never fails a build.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.db import connect, write
from monitor.tagging import Tagger, retag_all, tag_stories
from monitor.topics import TopicsConfig

COMPANIES = [
    "Apple",
    "Google",
    "Microsoft",
    "Amazon",
    "Nvidia",
    "Samsung",
    "Intel",
    "Tesla",
    "Netflix",
    "Spotify",
    "Uber",
    "Airbnb",
    "Oracle",
    "IBM",
    "Sony",
    "Valve",
]
AI_ORGS = ["OpenAI", "Anthropic", "DeepMind", "Mistral", "xAI", "Cohere", "Perplexity"]
PEOPLE = [
    "a senior engineer",
    "its chief scientist",
    "the head of research",
    "two directors",
    "a co-founder",
    "the product lead",
    "a veteran researcher",
]
THINGS = [
    "chip",
    "phone",
    "headset",
    "browser",
    "cloud region",
    "subscription",
    "console",
    "laptop",
    "smart speaker",
    "payments app",
    "satellite link",
    "battery plant",
]
GENERAL = [
    "{c} unveils a new {t} at its autumn event",
    "{c} shares fall after weaker {t} sales",
    "Regulators open a probe into {c}'s {t} pricing",
    "{c} delays its {t} to next year",
    "Review: the {c} {t} is fast but pricey",
    "{c} to cut 1,200 jobs in restructuring",
    "{c} names a new chief financial officer",
    "Why the {t} market is cooling this quarter",
    "{c} settles a patent dispute over its {t}",
    "Meta fined over data transfers; {c} watches closely",
    "Instagram tests a new layout for Reels",
    "A meta-analysis of remote work studies finds mixed results",
    "Llama farm draws crowds at the county fair",
    "Anchor Tom Llamas interviews the {c} chief",
    "{c} (YC W24) is hiring a support engineer",
]
AI = [
    "{o} releases a faster reasoning model",
    "{o} hires {p} from {c}",
    "{c} poaches {p} from {o} in the AI talent war",
    "{o} raises $2bn at a higher valuation",
    "Meta's AI chatbot gets voice mode in Europe",
    "Meta Superintelligence Labs reshuffles its research teams",
    "Llama 4 Maverick tops a coding benchmark",
    "llama.cpp gains faster Metal kernels",
    "Ollama adds support for new vision models",
    "{p} leaves {o} to join Meta",
    "Meta signs a nuclear deal to power AI data centers",
    "{c} lays off 300 in its AI division",
    "Will AI take your job? Economists are split",
    "{o} and {c} sign a cloud compute deal",
]
FILLER = (
    "the company said on Tuesday that results would follow in the coming weeks as "
    "analysts expect more details about plans for next year and customers in several "
    "markets while executives declined to comment further on the timing"
).split()


def _story(rng: random.Random) -> tuple[str, str]:
    template = rng.choice(AI if rng.random() < 0.2 else GENERAL)
    title = template.format(
        c=rng.choice(COMPANIES), o=rng.choice(AI_ORGS), p=rng.choice(PEOPLE), t=rng.choice(THINGS)
    )
    words = rng.sample(FILLER, k=min(len(FILLER), rng.randint(15, 35)))
    summary = title.split(";")[0] + ", " + " ".join(words) + "."
    return title, summary


def build(db_path: Path, stories: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    conn = connect(db_path)
    ids: list[int] = []
    with write(conn):
        feed_ids = [
            int(
                conn.execute(
                    "INSERT INTO feeds (config_url, url, title, tags) VALUES (?, ?, ?, ?)",
                    (f"https://f{n}.example/feed", f"https://f{n}.example/feed", f"Desk {n}",
                     '["press"]' if n % 2 else '["search", "community"]'),
                ).lastrowid
                or 0
            )
            for n in range(20)
        ]  # fmt: skip
        groups = max(1, stories // 3)
        conn.executemany(
            "INSERT INTO groups (id, title, first_seen, last_seen) VALUES (?, 'g', '', '')",
            [(g + 1,) for g in range(groups)],
        )
        rows = []
        for number in range(stories):
            title, summary = _story(rng)
            rows.append(
                (number + 1, rng.choice(feed_ids), f"https://s.example/{number}", title, summary,
                 "2025-06-01T00:00:00+00:00", str(number), rng.randint(1, groups))
            )  # fmt: skip
        conn.executemany(
            "INSERT INTO stories (id, feed_id, url, title, summary, first_seen, content_hash, "
            "group_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        ids = [row[0] for row in rows]
    conn.close()
    return ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the database in this directory")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or Path(tmp)
        db_path = directory / "bench-tagging.db"
        db_path.unlink(missing_ok=True)
        started = time.perf_counter()
        ids = build(db_path, args.stories, args.seed)
        print(f"built {len(ids):,} stories in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        tagger = Tagger(TopicsConfig())
        print(f"compiled the built-in rules in {(time.perf_counter() - started) * 1000:.0f} ms")

        conn = connect(db_path)
        started = time.perf_counter()
        count = retag_all(conn, tagger)
        elapsed = time.perf_counter() - started
        tags = conn.execute("SELECT tag, COUNT(*) FROM story_tags GROUP BY tag ORDER BY 2 DESC")
        print(
            f"retag_all: {count:,} stories in {elapsed:.2f} s = {count / elapsed:,.0f} stories/s "
            f"(target: 100,000 in < 10 s)"
        )
        print("  tags:", ", ".join(f"{tag} {n:,}" for tag, n in tags))

        batch = 200
        started = time.perf_counter()
        sample = ids[: min(len(ids), 20_000)]
        for start in range(0, len(sample), batch):
            with write(conn):
                tag_stories(conn, sample[start : start + batch], tagger)
        elapsed = time.perf_counter() - started
        print(
            f"tag_stories: {len(sample):,} stories in batches of {batch} in {elapsed:.2f} s "
            f"= {len(sample) / elapsed:,.0f} stories/s"
        )

        rows = conn.execute("SELECT title, summary FROM stories LIMIT 20000").fetchall()
        started = time.perf_counter()
        for title, summary in rows:
            tagger.tag(title=title, summary=summary, feed="Desk", feed_tags=["press"])
        elapsed = time.perf_counter() - started
        print(
            f"Tagger.tag: {len(rows):,} stories in {elapsed:.2f} s "
            f"= {len(rows) / elapsed:,.0f} stories/s (matching only)"
        )
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
