"""Claims: what a story asserts, which of it is new, and where outlets disagree.

Wording here is our own; the events are invented or widely reported.
"""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.claims import Claim, extract_claims, relation
from monitor.config import settings_from_data
from monitor.db import connect
from monitor.export import export_stories
from monitor.poller import run_poll
from tests.feedserver import FeedServer, Route, rss
from tests.test_grouping import group_of, ingest


@pytest.fixture
def conn(db_path: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(db_path)
    try:
        yield connection
    finally:
        connection.close()


def claims_of(conn: sqlite3.Connection, story_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT a.text, a.is_new, a.conflicting, c.conflicting AS claim_conflicting, c.key "
        "FROM claim_appearances a JOIN claims c ON c.id = a.claim_id WHERE a.story_id = ? "
        "ORDER BY a.claim_id",
        (story_id,),
    ).fetchall()


def new_claims_of(conn: sqlite3.Connection, story_id: int) -> list[str]:
    return [row["text"] for row in claims_of(conn, story_id) if row["is_new"]]


SCALE_FIRST = {
    "feed": "desk-a",
    "title": "Meta invests $14.3 billion in Scale AI",
    "summary": "Scale AI chief executive Alexandr Wang will join Meta to lead a new lab.",
    "published": "2025-06-12T20:00:00Z",
}


def test_second_outlet_in_other_words_adds_no_new_claims(conn: sqlite3.Connection) -> None:
    ids, first = ingest(conn, [SCALE_FIRST])
    assert first.new_claims == 2
    again = {
        "feed": "desk-b",
        "title": "Facebook's parent puts $14.3B into Scale AI",
        "summary": "Alexandr Wang, who runs Scale, is joining Meta to head a new lab.",
        "published": "2025-06-13T06:00:00Z",
    }
    more, second = ingest(conn, [again])
    assert group_of(conn, more[0]) == group_of(conn, ids[0])
    assert second.new_claims == 0
    assert new_claims_of(conn, more[0]) == []
    assert len(claims_of(conn, more[0])) == 2  # both claims appear again, linked to the first


def test_one_added_figure_is_the_only_new_claim(conn: sqlite3.Connection) -> None:
    ingest(conn, [SCALE_FIRST])
    with_stake = {
        "feed": "desk-c",
        "title": "Meta invests $14.3 billion in Scale AI, taking a 49% stake",
        "summary": "Alexandr Wang, Scale's chief executive, joins Meta to lead the new lab.",
        "published": "2025-06-13T09:00:00Z",
    }
    ids, result = ingest(conn, [with_stake])
    assert result.new_claims == 1
    assert new_claims_of(conn, ids[0]) == ["taking a 49% stake"]


def test_rounded_figure_is_the_same_claim(conn: sqlite3.Connection) -> None:
    ingest(conn, [SCALE_FIRST])
    ids, result = ingest(
        conn,
        [
            {
                "feed": "desk-d",
                "title": "Meta invests $14B in Scale AI",
                "published": "2025-06-13T10:00:00Z",
            }
        ],
    )
    assert result.new_claims == 0
    (row,) = claims_of(conn, ids[0])
    assert row["is_new"] == 0 and row["conflicting"] == 0
    assert conn.execute("SELECT COUNT(*) FROM claims WHERE conflicting = 1").fetchone()[0] == 0


def test_tenfold_different_figure_for_the_same_offer_is_a_conflict(
    conn: sqlite3.Connection,
) -> None:
    first_ids, _ = ingest(
        conn,
        [
            {
                "feed": "desk-a",
                "title": "Altman says Meta offered OpenAI researchers $100 million signing bonuses",
                "published": "2025-06-17T12:00:00Z",
            }
        ],
    )
    ids, result = ingest(
        conn,
        [
            {
                "feed": "desk-b",
                "title": "Meta offered OpenAI staff $10 million bonuses, Altman claims",
                "published": "2025-06-17T18:00:00Z",
            }
        ],
    )
    assert group_of(conn, ids[0]) == group_of(conn, first_ids[0])
    assert result.new_claims == 0
    (first,) = claims_of(conn, first_ids[0])
    (second,) = claims_of(conn, ids[0])
    assert first["conflicting"] == 1 and second["conflicting"] == 1
    assert first["claim_conflicting"] == 1
    assert first["is_new"] == 1 and second["is_new"] == 0


def test_new_claims_are_counted_on_the_group(conn: sqlite3.Connection) -> None:
    ids, _ = ingest(conn, [SCALE_FIRST])
    group = conn.execute(
        "SELECT claim_count, new_claims FROM groups WHERE id = ?", (group_of(conn, ids[0]),)
    ).fetchone()
    assert tuple(group) == (2, 2)


def test_first_appearance_is_recorded(conn: sqlite3.Connection) -> None:
    ids, _ = ingest(conn, [SCALE_FIRST])
    ingest(conn, [{**SCALE_FIRST, "feed": "desk-z", "published": "2025-06-13T00:00:00Z"}])
    rows = conn.execute("SELECT first_story_id, first_seen, text FROM claims").fetchall()
    assert {row["first_story_id"] for row in rows} == {ids[0]}
    assert rows[0]["text"] == "Meta invests $14.3 billion in Scale AI"


def test_repoll_of_unchanged_feeds_creates_no_stories_and_no_claims(
    server: FeedServer, db_path: Path
) -> None:
    items = [
        {
            "title": "Meta cuts 600 jobs in its superintelligence unit",
            "link": "https://news.example/cuts",
            "guid": "cuts",
            "description": "The cuts hit FAIR and product teams, according to a memo.",
            "pubDate": "Wed, 22 Oct 2025 15:00:00 GMT",
        },
        {
            "title": "Meta to lay off 600 employees from its AI division",
            "link": "https://other.example/layoffs",
            "guid": "layoffs",
            "pubDate": "Wed, 22 Oct 2025 17:00:00 GMT",
        },
    ]
    server.routes["/a.xml"] = Route(body=rss(items[:1]))
    server.routes["/b.xml"] = Route(body=rss(items[1:]))
    settings = settings_from_data(
        {
            "feeds": [{"url": server.url("/a.xml")}, {"url": server.url("/b.xml")}],
            "poll": {"parse_workers": 0},
        },
        "test",
    )
    first = run_poll(settings, db_path)
    assert first.new_stories == 2 and first.new_groups == 1 and first.new_claims >= 1
    conn = connect(db_path)
    before = conn.execute("SELECT COUNT(*) FROM claim_appearances").fetchone()[0]
    conn.close()
    second = run_poll(settings, db_path, all_feeds=True)
    assert second.new_stories == 0 and second.updated_stories == 0
    assert second.new_groups == 0 and second.new_claims == 0
    conn = connect(db_path)
    try:
        assert conn.execute("SELECT COUNT(*) FROM claim_appearances").fetchone()[0] == before
    finally:
        conn.close()


def test_export_carries_group_and_claims(conn: sqlite3.Connection) -> None:
    ids, _ = ingest(conn, [{**SCALE_FIRST, "url": "https://desk-a.example/scale"}])
    ingest(conn, [{**SCALE_FIRST, "feed": "desk-b", "title": "Meta invests $14B in Scale AI"}])
    out = io.StringIO()
    export_stories(conn, out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["group"] == second["group"] == group_of(conn, ids[0])
    assert first["claims"][0] == {
        "text": "Meta invests $14.3 billion in Scale AI",
        "new": True,
        "conflicting": False,
        "first_seen_in": "https://desk-a.example/scale",
    }
    assert second["claims"][0]["new"] is False
    assert second["claims"][0]["first_seen_in"] == "https://desk-a.example/scale"
    assert len({c["text"] for c in first["claims"]}) == len(first["claims"])  # one line each
    assert isinstance(first["tag_reasons"], dict)  # filled in tests/test_tagging.py


# ---------------------------------------------------------------------------------------------
# Extraction and matching without a database


def texts(claims: list[Claim]) -> list[str]:
    return [c.text for c in claims]


def test_questions_opinions_and_boilerplate_are_not_claims() -> None:
    assert extract_claims("Will Meta release Behemoth this year?", "") == []
    assert extract_claims("Why Meta's AI reboot is a gamble", "") == []
    summary = "Sign up for our AI newsletter to get stories like this. It's a bold bet."
    assert extract_claims("Thoughts on the AI race", summary) == []


def test_actions_figures_and_attributions_are_claims() -> None:
    claims = extract_claims(
        "Apple's head of AI models leaves for Meta",
        "The package is worth more than $200 million, according to people familiar with it. "
        "Meta declined to comment on the hire, a spokesperson said.",
    )
    assert texts(claims)[:2] == [
        "Apple's head of AI models leaves for Meta",
        "The package is worth more than $200 million, according to people familiar with it.",
    ]
    assert claims[1].figure is not None and claims[1].figure.approx


def test_verb_families_and_aliases_match_across_wordings() -> None:
    (poached,) = extract_claims("Meta poaches Apple's AI models chief Ruoming Pang", "")
    (joins,) = extract_claims("Ruoming Pang, Apple's head of models, joins Meta Platforms", "")
    (released,) = extract_claims("Meta releases Llama 4 Scout", "")
    assert relation(joins, poached) == "same"
    assert relation(released, poached) is None


def test_claim_key_round_trips() -> None:
    (claim,) = extract_claims("Meta cuts about 600 jobs in its AI unit", "")
    again = Claim.from_key(claim.key, claim.text)
    assert again == claim.__class__(claim.text, claim.verbs, claim.terms, again.figure)
    assert again.figure is not None and claim.figure is not None
    assert (again.figure.value, again.figure.approx) == (600.0, True)
    assert relation(again, claim) == "same"


def test_hostile_text_is_cleaned_in_claims() -> None:
    (claim,) = extract_claims("Meta hires \x1b]52;c;cm0=\x07Ruoming Pang \u202efrom Apple", "")
    assert "\x1b" not in claim.text and "\u202e" not in claim.text
