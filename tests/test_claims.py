"""Claims: what a story asserts, which of it is new, and where outlets disagree.

Wording here is our own; the events are invented or widely reported.
"""

from __future__ import annotations

import io
import itertools
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.claims import DENY, Claim, extract_claims, relation
from monitor.config import settings_from_data
from monitor.db import connect, write
from monitor.export import export_stories
from monitor.grouping import GroupingResult, process_stories
from monitor.grouping_text import find_figures
from monitor.poller import run_poll
from tests.feedserver import FeedServer, Route, rss
from tests.test_grouping import SETTINGS, group_of, ingest


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


def another_report(
    conn: sqlite3.Connection, first_id: int, story: dict[str, str]
) -> tuple[int, GroupingResult]:
    """Ingest `story` as one more report of the event of `first_id` (it must join its group):
    its id, and what grouping found."""
    (story_id,), result = ingest(conn, [story])
    assert group_of(conn, story_id) == group_of(conn, first_id)
    return story_id, result


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
    story_id, second = another_report(conn, ids[0], again)
    assert second.new_claims == 0
    assert new_claims_of(conn, story_id) == []
    assert len(claims_of(conn, story_id)) == 2  # both claims appear again, linked to the first


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
    assert new_claims_of(conn, ids[0]) == ["… taking a 49% stake"]


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


# A slow feed: the story published first arrives in a later poll.
PROMPT = {
    "feed": "quick-desk",
    "title": "Northwind Labs buys Quillmark for $2.4 billion",
    "summary": "The deal gives Northwind Labs a 40% share of the tooling market.",
    "url": "https://quick.example/quillmark",
    "published": "2025-06-12T15:00:00Z",
    "seen": "2025-06-12T15:05:00Z",
}
SLOW = {
    "feed": "slow-desk",
    "title": "Northwind Labs agrees to buy Quillmark in $2.4bn deal",
    "url": "https://slow.example/quillmark-deal",
    "published": "2025-06-12T11:00:00Z",
    "seen": "2025-06-12T18:00:00Z",
}


def test_first_appearance_moves_to_an_earlier_story_from_a_slow_feed(
    conn: sqlite3.Connection,
) -> None:
    (quick,), _ = ingest(conn, [PROMPT])
    deal = conn.execute("SELECT id, first_seen FROM claims WHERE first_story_id = ?", (quick,))
    claim_id, seen = deal.fetchone()
    (slow,), result = ingest(conn, [SLOW])
    assert group_of(conn, slow) == group_of(conn, quick)
    assert result.new_claims == 0  # the claim was known: not new again
    row = conn.execute(
        "SELECT first_story_id, first_seen, text FROM claims WHERE id = ?", (claim_id,)
    ).fetchone()
    assert row["first_story_id"] == slow and row["text"] == SLOW["title"]
    assert row["first_seen"] == seen  # when the monitor first saw it
    flags = dict(
        conn.execute(
            "SELECT story_id, is_new FROM claim_appearances WHERE claim_id = ?", (claim_id,)
        )
    )
    assert flags == {slow: 1, quick: 0}
    # The stake figure only the quick desk gave stays its own, first seen there.
    assert new_claims_of(conn, quick) == [PROMPT["summary"]]
    out = io.StringIO()
    export_stories(conn, out)
    records = {r["url"]: r for r in map(json.loads, out.getvalue().splitlines())}
    (slow_claim,) = records[SLOW["url"]]["claims"]
    assert slow_claim["new"] is True and slow_claim["first_seen_in"] == SLOW["url"]
    by_text = {c["text"]: c for c in records[PROMPT["url"]]["claims"]}
    assert by_text[PROMPT["title"]]["new"] is False
    assert by_text[PROMPT["title"]]["first_seen_in"] == SLOW["url"]


def test_a_later_or_vaguer_story_does_not_take_the_first_appearance(
    conn: sqlite3.Connection,
) -> None:
    (quick,), _ = ingest(conn, [PROMPT])
    late = {**SLOW, "feed": "late-desk", "url": None, "published": "2025-06-12T16:00:00Z"}
    same_day = {**SLOW, "feed": "day-desk", "url": None, "published": "2025-06-12"}
    ingest(conn, [late])
    ingest(conn, [same_day])  # the whole day is not before 15:00
    firsts = {row[0] for row in conn.execute("SELECT first_story_id FROM claims")}
    assert firsts == {quick}
    assert conn.execute("SELECT SUM(is_new) FROM claim_appearances").fetchone()[0] == 2


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


def test_the_claims_pane_says_which_figure_and_when_its_first_source_said_it(
    conn: sqlite3.Connection,
) -> None:
    """A sentence with two figures is two claims; a line showing only one of them read as the
    other ("…49% … $14.8B … — 3 stories" was the 49% claim). And "first in Harbor, 3h ago" gave
    the time of an earlier report that had since been corrected away."""
    from monitor.queries import Filters, GroupQuery, group_claims
    from monitor.tui.detail import claims_text, merge_claims

    ingest(
        conn,
        [
            {
                "feed": "Harbor",
                "title": "Meta pays $14.3 billion for 49% of Scale AI",
                "published": "2025-06-12T10:00:00Z",
            },
            {
                "feed": "Wire",
                "title": "Meta takes 49% of Scale AI",
                "published": "2025-06-12T09:00:00Z",
                "seen": "2025-06-12T12:00:00Z",
            },
        ],
    )
    now = datetime(2025, 6, 12, 13, 0, tzinfo=UTC)
    (item,) = GroupQuery(conn, Filters(), now).page_at(0, 10)
    claims = {c.figure: c for c in group_claims(conn, item)}
    price = claims["$14.3 billion"]  # its wording also gives 49%: the line says which
    assert price.first_source == "Harbor" and price.first_time == "2025-06-12T10:00:00Z"
    shown = claims_text(item, merge_claims([price]), now).render(0).plain.replace("\n", " ")
    assert "NEW   $14.3 billion: Meta pays" in shown and "first in Harbor, 3h ago" in shown
    assert None in claims  # the 49% claim, first said by Wire in a one-figure sentence


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


def test_export_of_a_wording_with_a_known_and_a_new_figure(conn: sqlite3.Connection) -> None:
    """One clause repeating a known 49% and adding a new $15 billion is one line: new, and
    first seen in this story (it named the outlet of the 49%, beside "new": true)."""
    ingest(
        conn,
        [{"feed": "desk-a", "title": "Meta takes 49% of Scale AI", "url": "https://a.example/1"}],
    )
    ingest(
        conn,
        [
            {
                "feed": "desk-b",
                "title": "Meta pays $15 billion for 49% of Scale AI",
                "url": "https://b.example/2",
            }
        ],
    )
    out = io.StringIO()
    export_stories(conn, out)
    second = [json.loads(line) for line in out.getvalue().splitlines()][1]
    (line,) = second["claims"]
    assert line["new"] is True and line["first_seen_in"] == "https://b.example/2"


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


def test_how_many_sources_spoke_is_not_the_claims_figure() -> None:
    """Sourcing such as "according to two people" gave a count claim of 2 beside the $140M
    one. How a report is sourced is no part of what it claims, so two outlets citing different
    numbers of people state the same claim."""
    (two,) = extract_claims(
        "Lab offers Dana Okoro $140 million, according to two people familiar with the talks", ""
    )
    (three,) = extract_claims("Lab offers Dana Okoro $140 million, three people said", "")
    (cited,) = extract_claims("Lab offers Dana Okoro $140 million, citing four insiders", "")
    assert two.figure is not None and two.figure.kind == "money"
    assert relation(three, two) == "same" and relation(cited, two) == "same"
    (jobs,) = extract_claims("Lab cuts 600 jobs, two people close to the company said", "")
    assert jobs.figure is not None and jobs.figure.value == 600


def test_a_denied_figure_is_not_claimed() -> None:
    """A correction such as "worth $200 million, not $140 million" claims $200 million only."""
    (claim,) = extract_claims("Filing puts Okoro package at $200 million, not $140 million", "")
    assert claim.figure is not None and claim.figure.value == 200e6
    (rather,) = extract_claims("Lab pays $90 million rather than the $60 million reported", "")
    assert rather.figure is not None and rather.figure.value == 90e6


def test_verb_families_and_aliases_match_across_wordings() -> None:
    (poached,) = extract_claims("Meta poaches Apple's AI models chief Ruoming Pang", "")
    (joins,) = extract_claims("Ruoming Pang, Apple's head of models, joins Meta Platforms", "")
    (released,) = extract_claims("Meta releases Llama 4 Scout", "")
    assert relation(joins, poached) == "same"
    assert relation(released, poached) is None
    # "slips to" is a delay: three NEW claims said one thing
    (delayed,) = extract_claims("Lab's Orrery 2 model delayed until spring", "")
    (slips,) = extract_claims("Orrery 2 model release slips to spring, Lab tells partners", "")
    assert relation(slips, delayed) == "same"


def test_claim_key_round_trips() -> None:
    (claim,) = extract_claims("Meta cuts about 600 jobs in its AI unit", "")
    again = Claim.from_key(claim.key, claim.text)
    assert again == claim.__class__(claim.text, claim.verbs, claim.terms, again.figure)
    assert again.figure is not None and claim.figure is not None
    assert (again.figure.value, again.figure.approx) == (600.0, True)
    assert relation(again, claim) == "same"


@pytest.mark.parametrize(
    ("title", "people"),
    [
        ("Northwind Robotics hires Jane Park from Google", {"park"}),
        ("Harborview Bank cuts 200 jobs", set()),
        ("Quarry Data sold to Orchard Compute for $2 billion", set()),
        ("Meta opens a Menlo Park lab for 300 researchers", set()),
    ],
)
def test_company_and_place_names_are_not_people(title: str, people: set[str]) -> None:
    """ "Harborview Bank", "Quarry Data" and "Menlo Park" were read as persons named Bank,
    Data and Park (two claims naming "different people" never match)."""
    assert [set(c.people) for c in extract_claims(title, "")] == [people]


def test_hostile_text_is_cleaned_in_claims() -> None:
    (claim,) = extract_claims("Meta hires \x1b]52;c;cm0=\x07Ruoming Pang \u202efrom Apple", "")
    assert "\x1b" not in claim.text and "\u202e" not in claim.text


# ---------------------------------------------------------------------------------------------
# Figures: rounding, approximation and conflict


def only(title: str, summary: str = "") -> Claim:
    (claim,) = extract_claims(title, summary)
    return claim


def test_a_conflicting_claim_names_the_reports_that_disagree(conn: sqlite3.Connection) -> None:
    """The story view quotes the other side of a conflict: reports whose figure disagrees with
    this story's, not the ones that agree with it."""
    from monitor.queries import story_detail

    stories = [
        ("desk-a", "Altman says Meta offered OpenAI researchers $100 million signing bonuses"),
        ("desk-b", "Meta offered OpenAI staff $100M bonuses, Altman says"),
        ("desk-c", "Meta offered OpenAI staff $10 million bonuses, Altman claims"),
    ]
    ids = [
        ingest(conn, [{"feed": feed, "title": title, "published": f"2025-06-17T1{n}:00:00Z"}])[0][0]
        for n, (feed, title) in enumerate(stories)
    ]
    assert len({group_of(conn, i) for i in ids}) == 1

    def other_side(story_id: int) -> list[str]:
        detail = story_detail(conn, story_id)
        assert detail is not None
        return [said for claim in detail.claims for _source, said in claim.disagreeing]

    assert other_side(ids[0]) == [stories[2][1]]
    assert other_side(ids[1]) == [stories[2][1]]
    assert sorted(other_side(ids[2])) == sorted([stories[0][1], stories[1][1]])


def test_the_claims_pane_names_the_other_figures_of_a_conflict(conn: sqlite3.Connection) -> None:
    """The claims pane said "sources disagree" without saying what the others said: it now
    lists each other figure once, as first written, with the sources giving it (three outlets
    saying $2.4 billion named only the first)."""
    from monitor.queries import Filters, GroupQuery, group_claims
    from monitor.tui.detail import claims_text

    stories = [
        ("desk-a", "Meta offered OpenAI staff $100 million bonuses, Altman says"),
        ("desk-b", "Meta offered OpenAI staff $10 million bonuses, Altman claims"),
        ("desk-c", "Altman: Meta offered OpenAI staff $10m bonuses"),
        ("desk-d", "Meta offered OpenAI staff $100M bonuses, says Altman"),
    ]
    for n, (feed, title) in enumerate(stories):
        ingest(conn, [{"feed": feed, "title": title, "published": f"2025-06-17T1{n}:00:00Z"}])
    now = datetime(2025, 6, 18, tzinfo=UTC)
    (item,) = GroupQuery(conn, Filters(), now).page_at(0, 10)
    (claim,) = [c for c in group_claims(conn, item) if c.conflicting]
    # One figure however written, with every outlet giving it (only the first was named).
    assert claim.other_figures == (("$10 million", "desk-b, desk-c"),)
    shown = claims_text(item, [claim], now).render(0).plain.replace("\n", " ")
    assert "sources disagree: $10 million (desk-b, desk-c)" in shown


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # Another company in the same kind of talks: news, not a repeat (a rival bid was hidden).
        ("Orrery in talks to take a stake in Tessellate AI", "Northwind also held talks to buy a Tessellate stake, people say", None),
        ("Zentrix launches the Halverd robot arm", "Brightwell launches the Halverd robot arm", None),
        # One side names more: still the same fact.
        ("Orrery in talks to take a stake in Tessellate AI", "Orrery Platforms is in talks for a stake in Tessellate", "same"),
        ("Meta launches Llama 5", "Meta's superintelligence lab launches Llama 5", "same"),
        # With a price too: a rival's bid is its own claim, not a dispute of the first one's.
        ("Orrery in talks to buy a stake in Tessellate for $13.6 bln", "Northwind in talks to buy a stake in Tessellate for $20 bln", None),
        ("Orrery in talks to buy a stake in Tessellate for $13.6 bln", "Northwind announces $14 billion deal for Tessellate stake", None),
        ("Orrery in talks to buy a stake in Tessellate for $13.6 bln", "Orrery agrees to buy the Tessellate stake for $20 bln", "conflict"),
    ],
)  # fmt: skip
def test_the_same_kind_of_event_by_another_company_is_news(
    first: str, second: str, expected: str | None
) -> None:
    assert relation(only(second), only(first)) == expected


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # One price of one deal, in other verbs: a conflict (they were two unrelated claims).
        ("Meta agrees to buy Scale AI stake for $14.3 billion", "Meta pays $15 billion for Scale AI stake", "conflict"),
        ("Meta invests $14.3 billion in Scale AI", "Meta is spending $13.4 billion on Scale AI", "conflict"),
        # Far apart: another payment between the same parties.
        ("Meta agrees to buy Scale AI stake for $14.3 billion", "Meta pays Scale AI $100 million for labelling", None),
        # A person's pay is not the price of a deal.
        ("Meta buys Scale AI stake for $14.3 billion", "Meta offers Scale AI founder Alexandr Wang $15 billion", None),
        # One side names a single organisation: not known to be the same deal.
        ("Meta buys Scale AI stake for $14.3 billion", "Meta will spend $15 billion this year", None),
        # The price confirmed against the price rumoured ("confirms", "announces" a deal).
        ("Meta in talks to buy Scale AI stake for about $12 billion", "Meta confirms $14.3 billion deal for Scale AI stake", "conflict"),
        ("Meta to invest $10 billion in Scale AI", "Scale AI announces $14.3 billion Meta deal", "conflict"),
        ("Meta confirms $100 million data deal with Scale AI", "Meta buys Scale AI stake for $14.3 billion", None),
    ],
)  # fmt: skip
def test_prices_of_one_deal_in_other_verbs_conflict(
    first: str, second: str, expected: str | None
) -> None:
    money = [c for c in extract_claims(first, "") if c.figure and c.figure.kind == "money"]
    other = [c for c in extract_claims(second, "") if c.figure and c.figure.kind == "money"]
    assert len(money) == len(other) == 1
    assert relation(other[0], money[0]) == expected
    assert relation(money[0], other[0]) == expected


def test_rounding_agrees_and_a_different_rounded_figure_conflicts() -> None:
    precise = only("Meta invests $14.3 billion in Scale AI")
    assert relation(only("Meta invests $14B in Scale AI"), precise) == "same"
    assert relation(only("Meta puts 14,3bn dollars into Scale AI"), precise) == "same"
    # 14.3 to two digits is 14, not 15: no rounding makes these one figure.
    assert relation(only("Meta invests $15B in Scale AI"), precise) == "conflict"
    assert relation(only("Meta invests $15B in Scale AI"), only("Meta invests $14B in Scale AI"))
    # A round figure is not a rounding of a figure a third larger.
    hundred = only("Meta offered the researcher a $100 million package")
    assert relation(only("Meta offered the researcher a $140 million package"), hundred) == (
        "conflict"
    )
    assert relation(only("Meta offered the researcher a $10 million package"), hundred) == (
        "conflict"
    )
    # One digit rounds widely: $3 billion was "the same" as $2.5 billion.
    three = only("Meta buys Quillmark for $3 billion")
    assert relation(only("Meta buys Quillmark for $2.5 billion"), three) == "conflict"
    assert relation(only("Meta buys Quillmark for $2.9 billion"), three) == "same"


def test_approximate_figures_agree_on_the_side_their_words_allow() -> None:
    precise = only("Meta invests $14.3 billion in Scale AI")
    for wording in (
        "Meta invests more than $14B in Scale AI",
        "Meta invests nearly $15 billion in Scale AI",
        "Meta invests about $14 billion in Scale AI",
        "Meta invests roughly $14.5B in Scale AI",
    ):
        assert relation(only(wording), precise) == "same", wording
    # "More than $10B" is true of $14.3B but is not that figure: neither same nor a conflict.
    assert relation(only("Meta invests more than $10 billion in Scale AI"), precise) is None
    assert relation(only("Meta invests up to $20 billion in Scale AI"), precise) is None
    # Approximate figures still conflict with what they exclude.
    assert relation(only("Meta invests nearly $13B in Scale AI"), precise) == "conflict"
    assert relation(only("Meta invests about $20 billion in Scale AI"), precise) == "conflict"
    cuts = only("Meta cuts 600 jobs in its AI unit")
    assert relation(only("Meta cuts 600+ jobs in its AI unit"), cuts) == "same"
    assert relation(only("Meta cuts about 620 jobs in its AI unit"), cuts) == "same"
    assert relation(only("Meta cuts 900 jobs in its AI unit"), cuts) == "conflict"


def test_units_and_scales_stay_strict() -> None:
    billions = only("Meta invests $14 billion in Scale AI")
    assert relation(only("Meta invests $14 million in Scale AI"), billions) == "conflict"
    assert relation(only("Meta takes a 14% stake in Scale AI"), billions) is None
    staff = only("Meta cuts 600 jobs in its AI unit")
    assert relation(only("Meta cuts 600 GPUs from its AI unit budget"), staff) is None


def test_a_rounded_figure_by_a_second_outlet_is_not_new(conn: sqlite3.Connection) -> None:
    ingest(conn, [SCALE_FIRST])
    ids, result = ingest(
        conn,
        [
            {
                "feed": "desk-e",
                "title": "Meta invests more than $14 billion in Scale AI",
                "published": "2025-06-13T11:00:00Z",
            }
        ],
    )
    assert result.new_claims == 0
    assert [row["conflicting"] for row in claims_of(conn, ids[0])] == [0]


def test_a_different_figure_beyond_rounding_is_a_conflict(conn: sqlite3.Connection) -> None:
    first, _ = ingest(conn, [SCALE_FIRST])
    ids, result = ingest(
        conn,
        [
            {
                "feed": "desk-f",
                "title": "Meta invests $15B in Scale AI",
                "published": "2025-06-13T12:00:00Z",
            }
        ],
    )
    assert group_of(conn, ids[0]) == group_of(conn, first[0])
    assert result.new_claims == 0
    (row,) = claims_of(conn, ids[0])
    assert row["conflicting"] == 1 and row["claim_conflicting"] == 1
    money = [r for r in claims_of(conn, first[0]) if "money" in r["key"]]
    assert [r["conflicting"] for r in money] == [1]


# ---------------------------------------------------------------------------------------------
# Conflicts: a claim marked conflicting always has a report on the other side
#
# Invented outlets on an invented move: Beacon says the offer was $120 million, Ledger and Pulse
# say $90 million, Wire carries Zorblat's denial of the $120 million figure and its own figure.

ZORBLAT = {
    "Beacon": ("Meta poaches Zorblat chief scientist with $120 million offer", "", "10:00"),
    "Ledger": ("Meta lures Zorblat's chief scientist with $90 million offer", "", "09:00"),
    "Pulse": ("Zorblat chief scientist joins Meta on a $90 million offer", "", "13:00"),
    "Wire": (
        "Zorblat denies $120 million figure for Meta offer to its chief scientist",
        "Zorblat said the offer to its chief scientist was $90 million.",
        "14:00",
    ),
}


def zorblat(outlet: str, **changes: str) -> dict[str, str]:
    title, summary, hour = ZORBLAT[outlet]
    return {
        "feed": outlet,
        "title": title,
        "summary": summary,
        "published": f"2025-06-20T{hour}:00Z",
        **changes,
    }


def unexplained(conn: sqlite3.Connection) -> list[str]:
    """Claims whose flags do not follow from their appearances: conflicting exactly when a
    report other than the first disagrees, with the first appearance flagged alike."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT c.text FROM claims c WHERE c.conflicting != EXISTS (SELECT 1 FROM "
            "claim_appearances a WHERE a.claim_id = c.id AND a.is_new = 0 AND a.conflicting = 1) "
            "OR EXISTS (SELECT 1 FROM claim_appearances a WHERE a.claim_id = c.id "
            "AND a.is_new = 1 AND a.conflicting != c.conflicting)"
        )
    ]


def other_side(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Each conflicting claim's wording → the feeds of the reports that disagree with it."""
    found: dict[str, set[str]] = {}
    for claim, feed in conn.execute(
        "SELECT c.text, f.title FROM claims c JOIN claim_appearances a ON a.claim_id = c.id "
        "JOIN stories s ON s.id = a.story_id JOIN feeds f ON f.id = s.feed_id "
        "WHERE c.conflicting = 1 AND a.is_new = 0 AND a.conflicting = 1"
    ):
        found.setdefault(claim, set()).add(feed)
    return found


def test_a_conflicting_claim_has_its_other_side_in_any_order_of_arrival(tmp_path: Path) -> None:
    """The user's digest said "[conflicting]" with nothing on the other side. Whatever order
    the four outlets arrive in (Ledger published first, polled in any place), every step leaves
    flags that follow from the reports, and Beacon's figure is recorded as disputed: on one
    side of a conflicting claim, with a report named on the other."""
    for number, order in enumerate(itertools.permutations(ZORBLAT)):
        conn = connect(tmp_path / f"order{number}.db")
        try:
            for hour, outlet in enumerate(order):
                ingest(conn, [zorblat(outlet, seen=f"2025-06-21T{hour:02d}:00:00Z")])
                assert unexplained(conn) == [], order
            sides = other_side(conn)
            beacon = ZORBLAT["Beacon"][0]
            assert sides.get(beacon) or any("Beacon" in feeds for feeds in sides.values()), order
        finally:
            conn.close()


def test_the_users_sequence_names_the_denial_and_the_other_figure(conn: sqlite3.Connection) -> None:
    """Beacon first; Wire's denial, which also gives Zorblat's figure, disagrees (it counted as
    a repeat of $120 million, and its $90 million flagged Beacon's appearance alone); Ledger,
    published before Beacon but polled after it, disagrees too and does not take the first
    appearance."""
    (beacon,), _ = ingest(conn, [zorblat("Beacon")])
    denial = zorblat(
        "Wire", summary="Zorblat said the offer to its chief scientist was $90 million."
    )
    (wire,), _ = ingest(conn, [denial])
    (ledger,), _ = ingest(conn, [zorblat("Ledger")])
    assert unexplained(conn) == []
    assert other_side(conn) == {ZORBLAT["Beacon"][0]: {"Wire", "Ledger"}}
    (first,) = claims_of(conn, beacon)
    assert first["is_new"] == 1 and first["conflicting"] == 1
    (wire_row,) = claims_of(conn, wire)
    assert wire_row["text"] == ZORBLAT["Wire"][0]  # its first wording on the other side
    assert [r["conflicting"] for r in claims_of(conn, ledger)] == [1]


def test_a_report_that_repeats_the_claim_is_not_on_its_other_side(conn: sqlite3.Connection) -> None:
    """A report giving two figures repeats the claim of one, whatever order its sentences come
    in; the other is a claim of its own. Here it was also published first and took the first
    appearance over: it used to flag itself, leaving the claim nothing on the other side."""
    ingest(conn, [zorblat("Pulse")])
    both = {
        "feed": "Courier",
        "title": "Meta hires Zorblat chief scientist with $120 million offer, Beacon reports",
        "summary": "Other outlets put Meta's offer to the Zorblat chief scientist at $90 million.",
        "published": "2025-06-20T08:00:00Z",
    }
    (courier,), result = ingest(conn, [both])
    assert unexplained(conn) == [] and other_side(conn) == {}
    assert result.new_claims == 1  # the $120 million, first seen here
    assert [(r["is_new"], r["conflicting"]) for r in claims_of(conn, courier)] == [(1, 0), (1, 0)]


def test_a_raised_figure_repeats_the_claim_it_ends_on(conn: sqlite3.Connection) -> None:
    ingest(conn, [zorblat("Pulse")])
    raised = {
        "feed": "Gazette",
        "title": "Meta raised its offer to Zorblat's chief scientist to $90 million from $60 million",
        "published": "2025-06-20T16:00:00Z",
    }
    (gazette,), result = ingest(conn, [raised])
    assert unexplained(conn) == [] and other_side(conn) == {}
    assert result.new_claims == 1  # $60 million: no report in dispute
    assert [(r["is_new"], r["conflicting"]) for r in claims_of(conn, gazette)] == [(0, 0), (1, 0)]


def test_an_updated_report_takes_the_side_of_its_new_text(conn: sqlite3.Connection) -> None:
    """A story whose text changes is recorded again: a repeat that now gives another figure
    disagrees, and once it is corrected back the claim has nothing in dispute."""
    ingest(conn, [zorblat("Beacon")])
    (story,), _ = ingest(conn, [zorblat("Beacon", feed="Ledger", published="2025-06-20T11:00:00Z")])

    def rewrite(title: str) -> None:
        with write(conn):
            conn.execute(
                "UPDATE stories SET title = ?, updated_at = ? WHERE id = ?",
                (title, "2025-06-21T12:00:00Z", story),
            )
            process_stories(conn, [story], SETTINGS)

    rewrite(ZORBLAT["Ledger"][0])
    assert unexplained(conn) == []
    assert other_side(conn) == {ZORBLAT["Beacon"][0]: {"Ledger"}}
    assert [r["text"] for r in claims_of(conn, story)] == [ZORBLAT["Ledger"][0]]
    rewrite(ZORBLAT["Beacon"][0])
    assert unexplained(conn) == [] and other_side(conn) == {}
    assert conn.execute("SELECT SUM(conflicting) FROM claim_appearances").fetchone()[0] == 0


def test_a_denied_figure_disputes_the_claim_of_that_figure() -> None:
    claimed = only("Meta poaches Zorblat chief scientist with $120 million offer")
    denied = only("Zorblat denies $120 million figure for Meta offer to its chief scientist")
    assert DENY in denied.verbs and DENY not in claimed.verbs
    assert relation(denied, claimed) == relation(claimed, denied) == "conflict"
    # Denying one figure claims no other, and two denials of it are one claim.
    assert (
        relation(denied, only("Meta lures Zorblat's chief scientist with $90 million offer"))
        is None
    )
    again = only("Zorblat refutes the $120 million figure for Meta's offer to its chief scientist")
    assert relation(again, denied) == "same"
    assert Claim.from_key(denied.key, denied.text).verbs == denied.verbs
    # Only the figure after the denial is disputed.
    paid, disputed = extract_claims("Meta paid $90 million and denies the $120 million figure", "")
    assert (DENY in paid.verbs, DENY in disputed.verbs) == (False, True)


# ---------------------------------------------------------------------------------------------
# People: a claim about one person is not a claim about another


def test_the_same_move_by_another_person_is_another_claim() -> None:
    first = only("Researcher Jane Roe leaves Northwind for Meta's superintelligence lab")
    second = only("Researcher John Doe leaves Northwind for Meta's superintelligence lab")
    assert first.people == {"roe"} and second.people == {"doe"}
    assert relation(second, first) is None
    again = only("Meta Superintelligence Labs hires Jane Roe from Northwind")
    assert relation(again, first) == "same"
    # Offers to different people are not one figure in dispute.
    offer = only("Meta offered Jane Roe a $100 million package")
    assert relation(only("Meta offered John Doe a $10 million package"), offer) is None
    assert relation(only("Meta offered Jane Roe a $10 million package"), offer) == "conflict"


def test_known_people_match_by_alias_and_last_name() -> None:
    full = only("Mark Zuckerberg hires Nat Friedman for Meta's lab")
    assert full.people == {"zuckerberg", "friedman"}
    assert relation(only("Zuckerberg hires Friedman for Meta Platforms' lab"), full) == "same"
    assert relation(only("Zuckerberg hires Daniel Gross for Meta Platforms' lab"), full) == (
        "same"  # Zuckerberg is in both
    )
    assert relation(only("Meta hires Daniel Gross for its lab"), only("Meta hires Friedman")) is (
        None
    )


def test_names_are_told_from_roles_places_and_organisations() -> None:
    assert only("Former Apple executive Jane Roe joins Meta").people == {"roe"}
    assert only("Apple's Jane A. Roe joins Meta").people == {"roe"}
    assert only("Jane Roe's Northwind Labs joins Meta's lab").people == {"roe"}
    assert only("The Wall Street Journal says Meta hired Jane Roe").people == {"roe"}
    assert only("Meta Superintelligence Labs hires a Northwind researcher").people == set()
    assert only("Meta hires two researchers in San Francisco").people == set()
    # In a Title Case Headline capitals say nothing; only known people count there.
    assert only("Meta Hires Northwind Researcher From Contoso Labs").people == set()
    assert only("Meta Hires Ruoming Pang From Apple").people == {"pang"}


def test_a_new_hire_of_another_person_is_new_in_the_group(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            {
                "feed": "desk-a",
                "title": "Researcher Jane Roe leaves Northwind for Meta's superintelligence lab",
                "published": "2025-07-01T09:00:00Z",
            }
        ],
    )
    ids, result = ingest(
        conn,
        [
            {
                "feed": "desk-b",
                "title": "Researcher John Doe leaves Northwind for Meta's superintelligence lab",
                "published": "2025-07-02T09:00:00Z",
            }
        ],
    )
    assert result.new_claims == 1
    assert new_claims_of(conn, ids[0]) == [
        "Researcher John Doe leaves Northwind for Meta's superintelligence lab"
    ]


# ---------------------------------------------------------------------------------------------
# Personnel moves are claims; questions and opinions about them are not


@pytest.mark.parametrize(
    ("sentence", "family"),
    [
        ("Jane Roe was appointed chief scientist of the new lab", "appoint"),
        ("Meta names Jane Roe interim chief executive", "appoint"),
        ("Meta taps Jane Roe to run its model team", "appoint"),
        ("Meta promotes Jane Roe to head of research", "appoint"),
        ("Jane Roe becomes chief AI officer at Meta", "appoint"),
        ("Jane Roe succeeds John Doe at the research lab", "appoint"),
        ("Jane Roe takes over Meta's research lab", "appoint"),
        ("John Doe stepped down as head of the research lab", "stepdown"),
        ("John Doe steps aside as Meta's research chief", "stepdown"),
        ("John Doe resigns from Meta's research lab", "stepdown"),
        ("John Doe departs Meta after eight years", "hire"),
        ("John Doe jumps ship to Meta's new lab", "hire"),
    ],
)
def test_personnel_moves_are_claims(sentence: str, family: str) -> None:
    claims = extract_claims(sentence, "")
    assert claims, sentence
    assert family in claims[0].verbs


def test_an_appointment_after_a_departure_is_two_claims() -> None:
    claims = extract_claims("Jane Roe named interim CEO after John Doe left the company", "")
    assert texts(claims) == ["Jane Roe named interim CEO", "John Doe left the company"]
    assert [c.people for c in claims] == [{"roe"}, {"doe"}]
    departed = only("John Doe leaves the company")
    assert relation(claims[1], departed) == "same"
    assert relation(claims[0], departed) is None
    # With a role before the name, too (the departure was lost inside the appointment).
    claims = extract_claims("Lab names Jane Roe interim CEO after founder John Doe left", "")
    assert texts(claims) == ["Lab names Jane Roe interim CEO", "founder John Doe left"]


def test_questions_and_opinions_about_moves_are_not_claims() -> None:
    assert extract_claims("Should Jane Roe step down after the delay?", "") == []
    assert extract_claims("Why Jane Roe resigned from Meta's lab", "") == []
    assert extract_claims("Opinion: Meta should appoint a new research chief", "") == []
    assert extract_claims("Sign up for our newsletter to learn who Meta hires next", "") == []


# ---------------------------------------------------------------------------------------------
# Paraphrases


def test_paraphrases_of_a_deal_are_the_same_claims() -> None:
    first = extract_claims("Meta invests $14.3 billion for 49% of Scale AI", "")
    second = extract_claims("Scale AI gets $14.3B from Meta for a 49% stake", "")
    assert len(first) == len(second) == 2
    for new, old in zip(second, first, strict=True):
        assert relation(new, old) == "same"


def test_paraphrases_of_a_move_are_the_same_claim_when_the_person_is_the_same() -> None:
    leaves = only("Apple's head of AI models leaves for Meta")
    assert relation(only("Meta poaches Apple's top models executive"), leaves) == "same"
    named = only("Apple's head of AI models, Jane Roe, leaves for Meta")
    assert relation(only("Meta poaches Apple's top models executive Jane Roe"), named) == "same"
    assert relation(only("Meta poaches Apple's top models executive John Doe"), named) is None


def test_claim_key_keeps_bounds_and_people() -> None:
    claim = only("Meta offered Jane Roe more than $100 million")
    again = Claim.from_key(claim.key, claim.text)
    assert again.people == {"roe"}
    assert again.figure is not None and again.figure.bound == ">"
    assert relation(again, claim) == "same"
    old_style = Claim.from_key("offer|meta,roe|money:100000000.0:1:1:", "an older row")
    assert old_style.people == frozenset() and old_style.figure is not None
    assert old_style.figure.bound == "~"


def test_a_token_count_is_not_money() -> None:
    from monitor.grouping_text import find_figures

    kinds = [f.kind for f in find_figures("Vela 3 reads a 2 million token context window")]
    assert kinds == ["count"]
    assert [f.kind for f in find_figures("Orbit raised 2 billion in new funding")] == ["money"]


_ATTRIBUTION_TEXT = st.lists(
    st.sampled_from(
        [
            "said",
            "SAID",
            "saİd",
            "ſays",
            "Reported",
            "reports",
            "according to",
            "per",
            "citing",
            "two",
            "people",
            "Sources",
            "familiar",
            "told",
            "Jane",
            "Roe",
            "Meta",
            "unsaid",
            ",",
            ".",
            "the",
            "deal",
            "x",
        ]
    )
    | st.text(alphabet="abcdeiklnoprsuyİıſK ,.'-", max_size=8),
    max_size=12,
).map(" ".join)


@given(_ATTRIBUTION_TEXT)
def test_text_the_attribution_pattern_strips_always_has_a_hint_word(text: str) -> None:
    """The cheap check that lets a sentence skip the attribution pattern never skips one the
    pattern would change (case-insensitive matching included: "ſaid" is "said" to it)."""
    from monitor.claims import _ATTRIBUTED_TO, _ATTRIBUTION_HINT

    if _ATTRIBUTED_TO.search(text):
        assert _ATTRIBUTION_HINT.search(text)


def test_a_long_clause_without_attribution_keeps_its_words() -> None:
    sentence = (
        "Vela Labs agreed to pay about nine hundred million dollars for a large stake in the "
        "data labelling startup Orbit while its founder joined the lab to lead research"
    )
    claims = extract_claims(sentence, "")
    assert claims and "orbit" in claims[0].terms


def _rewrite(conn: sqlite3.Connection, story: int, title: str, summary: str = "") -> int:
    """The story's text changes, as a poll of its edited feed stores it; returns new claims."""
    with write(conn):
        conn.execute(
            "UPDATE stories SET title = ?, summary = ?, updated_at = ? WHERE id = ?",
            (title, summary, "2025-06-22T12:00:00Z", story),
        )
        return process_stories(conn, [story], SETTINGS).new_claims


def test_an_edited_story_shows_only_what_its_new_text_claims(conn: sqlite3.Connection) -> None:
    """Its old claims stayed on it: the story view listed the figures it had corrected next
    to the new ones. A claim no report states any more is gone; one another report states
    passes to that report, and the corrected figure disagrees with it."""
    (story,), _ = ingest(
        conn,
        [
            {
                "feed": "Ledger",
                "title": "Meta buys Quillmark for $3 billion",
                "summary": "Quillmark trained a 400 billion parameter model last year.",
                "published": "2025-06-20T08:00:00Z",
            }
        ],
    )
    (other,), _ = ingest(
        conn,
        [
            {
                "feed": "Courier",
                "title": "Meta to buy Quillmark for $3 billion",
                "published": "2025-06-20T09:00:00Z",
            }
        ],
    )
    assert [r["is_new"] for r in claims_of(conn, story)] == [1, 1]
    found = _rewrite(
        conn,
        story,
        "Meta buys Quillmark for $4.5 billion",
        "Quillmark trained a 410 billion parameter model last year.",
    )
    assert found == 1  # the 410 billion; the 400 billion claim had no other report
    texts_now = {r["text"]: (r["is_new"], r["conflicting"]) for r in claims_of(conn, story)}
    assert texts_now == {
        "Meta buys Quillmark for $4.5 billion": (0, 1),
        "Quillmark trained a 410 billion parameter model last year.": (1, 0),
    }
    assert "400" not in " ".join(r[0] for r in conn.execute("SELECT text FROM claims"))
    (kept,) = claims_of(conn, other)
    assert (kept["is_new"], kept["claim_conflicting"]) == (1, 1)  # Courier's claim now
    assert unexplained(conn) == []
    assert other_side(conn) == {"Meta to buy Quillmark for $3 billion": {"Ledger"}}


LEDGER_QUILLMARK = {
    "feed": "Ledger",
    "title": "Meta buys Quillmark for $3 billion",
    "published": "2025-06-20T08:00:00Z",
}
COURIER_QUILLMARK = {  # an hour later, another figure
    "feed": "Courier",
    "title": "Meta buys Quillmark for $5 billion",
    "published": "2025-06-20T09:00:00Z",
}


def test_an_edited_story_in_other_words_shows_its_new_wording(conn: sqlite3.Connection) -> None:
    (story,), _ = ingest(conn, [LEDGER_QUILLMARK])
    assert _rewrite(conn, story, "Meta acquires Quillmark for $3 billion") == 0
    (row,) = claims_of(conn, story)
    assert row["text"] == "Meta acquires Quillmark for $3 billion" and row["is_new"] == 1
    assert conn.execute("SELECT text FROM claims").fetchall()[0][0] == row["text"]


def test_a_figure_that_disputed_a_withdrawn_claim_becomes_a_claim(conn: sqlite3.Connection) -> None:
    (story,), _ = ingest(conn, [LEDGER_QUILLMARK])
    (rival,), _ = ingest(conn, [COURIER_QUILLMARK])
    assert [(r["is_new"], r["conflicting"]) for r in claims_of(conn, rival)] == [(0, 1)]
    _rewrite(conn, story, "Quillmark opens an office in Lisbon with 40 staff")
    assert [(r["text"], r["is_new"]) for r in claims_of(conn, rival)] == [
        ("Meta buys Quillmark for $5 billion", 1)
    ]
    assert unexplained(conn) == [] and other_side(conn) == {}


def test_naming_who_moved_is_news_after_a_report_that_named_nobody() -> None:
    """A hire of a named person was counted as a repeat of "poaches 12 researchers"."""
    unnamed = only("Quillmark AI poaches 12 researchers from Meta")
    named = only("Quillmark AI hires Meta's head of post-training, Dana Okafor")
    assert named.people == {"okafor"}
    assert relation(named, unnamed) is None
    assert relation(only("Quillmark AI hires Meta researchers"), named) == "same"


def test_an_editorial_note_is_not_a_claim() -> None:
    """A correction line ("an earlier version … gave the price as $2.4 billion") was listed as
    the claim of that figure, disputed by the story's own corrected one."""
    summary = (
        "Orrery AI will pay $2.6 billion for Tallyframe. Correction: an earlier version of this "
        "story gave the price as $2.4 billion. This article has been updated with the price."
    )
    assert texts(extract_claims("Orrery AI to acquire Tallyframe", summary)) == [
        "Orrery AI to acquire Tallyframe",
        "Orrery AI will pay $2.6 billion for Tallyframe.",
    ]
    assert extract_claims("Editor's note: Orrery AI paid $2 billion, not $3 billion", "") == []


@given(st.text(alphabet="abcdefghiklmnoprstuvwy :.-'", max_size=60))
def test_the_cheap_checks_before_the_boilerplate_patterns_miss_nothing(text: str) -> None:
    from monitor.claims import _BOILERPLATE, _EDITORIAL
    from monitor.names import BOILERPLATE_WORDS, EDITORIAL_WORDS

    for words in ("sign up now", "our newsletter", "photo: x", "an earlier version of this story"):
        for sample in (text, f"{text} {words}", f"Correction: {text}"):
            lowered = sample.lower()
            if _BOILERPLATE.search(sample):
                assert any(word in lowered for word in BOILERPLATE_WORDS)
            if _EDITORIAL.search(sample):
                assert any(word in lowered for word in EDITORIAL_WORDS)


def test_a_withdrawn_new_claim_leaves_the_groups_new_count(conn: sqlite3.Connection) -> None:
    (story,), result = ingest(conn, [LEDGER_QUILLMARK])
    (group_id,) = conn.execute("SELECT group_id FROM stories WHERE id = ?", (story,)).fetchone()
    conn.execute("UPDATE groups SET new_claims = ? WHERE id = ?", (result.new_claims, group_id))
    assert result.new_claims == 1
    _rewrite(conn, story, "Quillmark agrees to a sale to Meta, terms not disclosed")
    new_claims, claims = conn.execute(
        "SELECT new_claims, (SELECT COUNT(*) FROM claims WHERE group_id = g.id) FROM groups g "
        "WHERE id = ?",
        (group_id,),
    ).fetchone()
    assert new_claims == claims  # the $3 billion claim went, and its place in the count


def test_a_valuation_is_its_own_frame_in_a_sentence_that_gives_a_price() -> None:
    """All figures of a sentence shared its verbs, so "…for $3.2B, valuing it at roughly $7
    billion" had its valuation conflict with another report's $3.5 billion price."""
    price, valuation = (
        c
        for c in extract_claims(
            "Lab news",
            "Meta buys a stake in Quillmark for $3.2B, valuing it at roughly $7 billion.",
        )
        if c.figure is not None and c.figure.kind == "money"
    )
    other = only("Meta to buy a Quillmark stake for $3.5 billion")
    assert relation(other, price) == "conflict"
    assert relation(other, valuation) is None
    assert relation(only("Quillmark valued at $9 billion in Meta deal"), valuation) == "conflict"


def test_list_markers_are_not_part_of_a_claim() -> None:
    summary = "Highlights:\n- Meta hires 40 researchers\n• Lab ships Orrery 2 to all users"
    texts_ = [c.text for c in extract_claims("Lab news", summary)]
    assert "Meta hires 40 researchers" in texts_ and not any(t[0] in "-•" for t in texts_)


def test_two_reports_of_a_limit_that_differ_conflict() -> None:
    """ "up to $50 million" and "up to $100 million" pay packages were two unrelated claims."""
    low = only("Orrery AI offered researchers pay packages worth up to $50 million")
    high = only("Orrery AI offered researchers pay packages worth up to $100 million")
    assert relation(high, low) == "conflict"
    assert relation(only("Orrery AI offered researchers pay packages of $40 million"), low) is None


def corrections(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return [
        tuple(row) for row in conn.execute("SELECT was, now FROM claim_corrections ORDER BY id")
    ]


def test_an_edited_figure_is_recorded_as_a_correction(conn: sqlite3.Connection) -> None:
    """A story that changes its figure says so: "was $3 billion, now $3.5 billion", not a claim
    that silently changed (the $3 billion claim was only Ledger's: it goes)."""
    (story,), _ = ingest(conn, [LEDGER_QUILLMARK])
    _rewrite(conn, story, "Meta buys Quillmark for $3.5 billion")
    assert corrections(conn) == [
        ("Meta buys Quillmark for $3 billion", "Meta buys Quillmark for $3.5 billion")
    ]
    assert [r["text"] for r in claims_of(conn, story)] == ["Meta buys Quillmark for $3.5 billion"]


def test_a_correction_pairs_each_old_wording_with_the_most_alike_new_one(
    conn: sqlite3.Connection,
) -> None:
    """Headline and summary both corrected a price, the summary also giving a valuation: the
    headline was shown "corrected" into the summary sentence (its valuation conflicts with the
    old price too)."""
    (story,), _ = ingest(
        conn,
        [
            {
                "feed": "Ledger",
                "title": "Meta buys nearly half of Quillmark for $3.2B",
                "summary": "Meta buys a 49% stake in Quillmark for $3.2B, valuing it at $6.5 billion.",
                "published": "2025-06-20T08:00:00Z",
            }
        ],
    )
    _rewrite(
        conn,
        story,
        "Meta buys nearly half of Quillmark for $3.7B",
        "Meta buys a 49% stake in Quillmark for $3.7B, valuing it at $7.5 billion.",
    )
    headline = (
        "Meta buys nearly half of Quillmark for $3.2B",
        "Meta buys nearly half of Quillmark for $3.7B",
    )
    valuation = (
        "Meta buys a 49% stake in Quillmark for $3.2B, valuing it at $6.5 billion.",
        "Meta buys a 49% stake in Quillmark for $3.7B, valuing it at $7.5 billion.",
    )
    assert sorted(corrections(conn)) == sorted([headline, valuation])


def test_other_words_or_an_unrelated_new_claim_is_not_a_correction(
    conn: sqlite3.Connection,
) -> None:
    (story,), _ = ingest(conn, [LEDGER_QUILLMARK])
    _rewrite(conn, story, "Meta acquires Quillmark for $3 billion")
    _rewrite(conn, story, "Quillmark agrees to a sale to Meta, terms not disclosed")
    assert corrections(conn) == []


def test_a_report_edited_to_agree_is_a_correction(conn: sqlite3.Connection) -> None:
    ingest(conn, [LEDGER_QUILLMARK])
    (rival,), _ = ingest(conn, [COURIER_QUILLMARK])
    _rewrite(conn, rival, "Meta buys Quillmark for $3 billion")
    assert corrections(conn) == [
        ("Meta buys Quillmark for $5 billion", "Meta buys Quillmark for $3 billion")
    ]
    assert other_side(conn) == {}


def test_corrections_go_with_their_story(conn: sqlite3.Connection) -> None:
    (story,), _ = ingest(conn, [LEDGER_QUILLMARK])
    _rewrite(conn, story, "Meta buys Quillmark for $3.5 billion")
    with write(conn):
        conn.execute("DELETE FROM stories WHERE id = ?", (story,))
    assert corrections(conn) == []


def test_a_polled_edit_shows_as_a_correction_in_export_and_views(
    server: FeedServer, db_path: Path
) -> None:
    """The user's path: a feed edits its figure between two polls; the export, the group's
    claims pane and the story view all say what it was and what it is now."""
    from datetime import UTC, datetime

    from monitor import queries as q
    from monitor.tui.detail import claims_text
    from monitor.tui.story import story_content

    item = {
        "title": "Meta buys Quillmark for $3 billion",
        "link": "https://ledger.example/quillmark",
        "guid": "quillmark",
        "pubDate": "Fri, 20 Jun 2025 08:00:00 GMT",
    }
    server.routes["/ledger.xml"] = Route(body=rss([item]))
    settings = settings_from_data(
        {"feeds": [{"url": server.url("/ledger.xml")}], "poll": {"parse_workers": 0}}, "test"
    )
    run_poll(settings, db_path)
    edited = {**item, "title": "Meta buys Quillmark for $3.5 billion"}
    server.routes["/ledger.xml"] = Route(body=rss([edited]))
    assert run_poll(settings, db_path, all_feeds=True).updated_stories == 1
    conn = connect(db_path)
    try:
        out = io.StringIO()
        export_stories(conn, out)
        (record,) = [json.loads(line) for line in out.getvalue().splitlines()]
        assert [(c["was"], c["now"]) for c in record["corrections"]] == [
            ("Meta buys Quillmark for $3 billion", "Meta buys Quillmark for $3.5 billion")
        ]
        story_id = conn.execute("SELECT id FROM stories").fetchone()[0]
        (row,) = q.group_rows(conn, [2 * group_of(conn, story_id) + 1])
        fixes = q.group_corrections(conn, row)
        now = datetime.now(UTC)
        pane = claims_text(row, q.group_claims(conn, row), now, fixes).plain
        assert "✎" in pane and "corrected “Meta buys Quillmark for $3 billion”" in pane
        detail = q.story_detail(conn, story_id)
        assert detail is not None and len(detail.corrections) == 1
        assert "→ “Meta buys Quillmark for $3.5 billion”" in story_content(detail, now)[3].plain
    finally:
        conn.close()


def test_one_count_worded_without_a_verb_is_one_claim() -> None:
    """Four outlets giving "40 researchers" for a new lab in four sentences without a verb we
    know were four NEW claims."""
    first = only(
        "Meta opens a lab in Lisbon", "The head count moving to Portugal is 40 researchers."
    )
    for summary in (
        "About 40 researchers are relocating from California.",
        "40 researchers will relocate to staff it, the company said in a statement.",
    ):
        assert relation(only("Lisbon lab for Meta", summary), first) == "same", summary
    other = only("Lisbon lab for Meta", "The head count moving to Portugal is 45 researchers.")
    assert relation(other, first) != "same"


# ---------------------------------------------------------------------------------------------
# Denials and reversals are news, never one more report backing the claim


RUMOUR = "Meta in talks to buy speech start-up Quillon Labs for $2 billion, report says"


@pytest.mark.parametrize(
    "denial",
    [
        "Meta denies it is in talks to buy Quillon Labs",
        "Meta shoots down rumours of a Quillon Labs purchase",
        "Meta is shooting down reports it will buy Quillon Labs",
        "Meta is not buying Quillon Labs, a spokesperson says",
        "Meta has no plans to acquire Quillon Labs",
        "Meta won't buy Quillon Labs after all",
    ],
)
def test_a_denial_without_a_figure_is_its_own_claim(denial: str) -> None:
    """A denial that names no figure restated the rumour ("same"): the group showed no new
    claim and the digest listed the rumour with one more source."""
    denied = only(denial)
    assert DENY in denied.verbs
    assert relation(denied, only(RUMOUR)) is None
    assert relation(only(RUMOUR), denied) is None
    assert Claim.from_key(denied.key, denied.text).verbs == denied.verbs


@pytest.mark.parametrize(
    "sentence",
    [
        "Meta did not say how much it would pay for Quillon Labs",
        "Meta not only buys Quillon Labs but also hires its founders",
        "Meta buys Quillon Labs",
    ],
)
def test_a_negation_of_something_else_is_no_denial(sentence: str) -> None:
    assert all(DENY not in claim.verbs for claim in extract_claims(sentence, ""))


def test_a_denial_by_any_of_its_words_disputes_the_figure() -> None:
    """ "Tessellate is shooting down reports of a $13.6 bln Orrery deal" counted as one more
    report of the $13.6 billion (only "denies" and "refutes" disputed a figure)."""
    rumour = only("Orrery nears deal for Tessellate stake worth $13.6 bln")
    for denial in (
        "Tessellate is shooting down reports of a $13.6 bln Orrery deal",
        "Tessellate shoots down reports of a $13.6 bln Orrery deal",
    ):
        assert DENY in only(denial).verbs
        assert relation(only(denial), rumour) == "conflict"


def test_a_clause_split_off_is_no_fragment_claim() -> None:
    """ "… chief scientist after Anand exit" gave the NEW claim "Anand exit", and a summary's
    "; his pay package is reported at $90 million" read as a sentence of its own."""
    texts = [
        c.text
        for c in extract_claims(
            "Quillon names Mira Solberg interim chief scientist after Anand exit", ""
        )
    ]
    assert texts == ["Quillon names Mira Solberg interim chief scientist"]
    summary = "Kestrel Vance left Brightloom on Monday; his pay package is reported at $90 million."
    texts = [c.text for c in extract_claims("Kestrel Vance joins Orvane", summary)]
    assert "… his pay package is reported at $90 million." in texts


def test_two_companies_as_one_subject_stay_in_the_claim() -> None:
    """ "Orrery and Tessellate confirm $11 billion stake deal" was stored as "Tessellate confirm
    $11 billion stake deal": the clause split at "and" left "Orrery" too short for a claim."""
    claim = only("Orrery and Tessellate confirm $11 billion stake deal")
    assert claim.text == "Orrery and Tessellate confirm $11 billion stake deal"
    assert {"orrery", "tessellat"} <= claim.terms


def test_customers_weighing_an_exit_move_no_one() -> None:
    """ "Tessellate customers weigh exit after Orrery deal" was one more report of "Tessellate
    CEO leaving for Orrery" (exit is a word of the hiring family)."""
    weighing = only("Tessellate customers weigh exit after Orrery deal")
    assert "hire" not in weighing.verbs
    assert relation(weighing, only("Tessellate CEO leaving for Orrery")) is None
    assert "hire" in only("Tessellate CEO weighs exit after Orrery deal").verbs


@pytest.mark.parametrize(
    "sentence",
    [
        "Quillon Labs, for its part, isn't buying it.",
        "Rivals at Quillon Labs are not buying that argument from Meta",
    ],
)
def test_not_buying_it_is_doubt_not_a_purchase(sentence: str) -> None:
    """ "Helix, for its part, isn't buying it." was a NEW claim of a purchase denied."""
    assert not any("acquire" in claim.verbs for claim in extract_claims(sentence, ""))


def test_a_denial_in_the_group_is_a_new_claim(conn: sqlite3.Connection) -> None:
    rumour = {"feed": "desk-a", "title": RUMOUR, "published": "2025-08-01T09:00:00Z"}
    again = {
        "feed": "desk-b",
        "title": "Meta said to be buying Quillon Labs for $2 billion",
        "published": "2025-08-01T11:00:00Z",
    }
    ids, _ = ingest(conn, [rumour, again])
    denial = {
        "feed": "desk-c",
        "title": "Meta denies it is in talks to buy Quillon Labs",
        "published": "2025-08-02T09:00:00Z",
    }
    story_id, result = another_report(conn, ids[0], denial)
    assert result.new_claims == 1
    assert new_claims_of(conn, story_id) == [denial["title"]]


HIRED = "Meta hires Tessaly's Vera Kolb as chief scientist"


@pytest.mark.parametrize(
    ("sentence", "relation_to_hire"),
    [
        ("Vera Kolb quits Meta Superintelligence Labs, returns to Tessaly", None),
        ("Tessaly rehires Kolb from Meta", None),
        ("Vera Kolb leaves Tessaly for Meta", "same"),
        ("Tessaly's Vera Kolb joins MSL, Meta's new lab", "same"),
    ],
)
def test_a_move_back_is_not_the_move_it_reverses(
    sentence: str, relation_to_hire: str | None
) -> None:
    """A person quitting Meta to go back was counted as one more report of their hire."""
    move = only(sentence)
    assert relation(move, only(HIRED)) == relation_to_hire
    assert Claim.from_key(move.key, move.text).to == move.to


def test_pay_reported_for_a_person_named_by_last_name_alone_is_compared() -> None:
    """ "Orrery offered Brenner $200 million" beside "Brenner was offered a pay package worth
    $100 million" had no ≠, and "Thorne denies $100 mln pay offer to Brenner" counted as one
    more report of the $100 million: a last name alone is no person we can tell, so the two
    were compared on their other words."""
    package = only("Brenner was offered a pay package worth $100 million over four years")
    assert relation(only("Orrery offered Brenner $200 million, sources say"), package) == "conflict"
    denial = only("Orrery's Thorne denies $100 mln pay offer to Brenner")
    assert relation(denial, package) == "conflict"
    assert relation(only("Orrery offered Okonkwo $200 million"), package) is None
    # Another person's nine-figure offer is not Brenner's $100 million told again.
    duarte = only("Orrery Lures Rafael Duarte Away From Northwind With A Nine-Figure Offer")
    assert relation(duarte, package) is None
    assert relation(only("Orrery lured Brenner with a nine-figure offer"), package) == "same"
    assert (
        relation(only("Meta offered OpenAI $10 billion"), only("Meta offered Scale AI $14 billion"))
        is None
    )


def test_a_move_back_is_news_when_the_first_report_said_only_where_they_came_from() -> None:
    """ "Duarte quits Orrery, returns to Northwind" was a repeat of "Northwind's Duarte also
    joins" (which says where he comes from, not where he goes)."""
    joined = extract_claims(
        "Orrery poaches Helix's Tomasz Brenner; Northwind's Duarte also joins", ""
    )[-1]
    assert not joined.to
    back = only("Duarte quits Orrery, returns to Northwind after a week")
    assert relation(back, joined) is None and relation(joined, back) is None
    assert relation(only("Northwind researcher Duarte joins Orrery"), joined) == "same"


def test_where_a_person_moves_is_read_from_the_clause() -> None:
    assert only(HIRED).to == {"meta"}
    assert only("Vera Kolb leaves Tessaly for Meta").to == {"meta"}
    assert only("Tessaly's Vera Kolb defects to Meta").to == {"meta"}
    assert only("Meta invests $14.3 billion in Scale AI").to == frozenset()


def test_an_edit_that_says_it_otherwise_is_a_correction_and_its_claim_is_timed_by_the_edit(
    conn: sqlite3.Connection,
) -> None:
    """An edit that turns a report into its denial left no ✎ line (only figures were
    corrections), and the new claim said "first in Ledger, 5h ago": the story's publication,
    though the edit first stated it, just now."""
    from monitor.queries import Filters, GroupQuery, group_claims

    (story,), _ = ingest(
        conn,
        [
            {
                "feed": "Ledger",
                "title": "Meta in talks to buy speech start-up Quillon Labs",
                "published": "2025-06-20T08:00:00Z",
            }
        ],
    )
    assert _rewrite(conn, story, "Meta denies it is in talks to buy Quillon Labs") == 1
    assert corrections(conn) == [
        (
            "Meta in talks to buy speech start-up Quillon Labs",
            "Meta denies it is in talks to buy Quillon Labs",
        )
    ]
    now = datetime(2025, 6, 22, 13, 0, tzinfo=UTC)
    (item,) = GroupQuery(conn, Filters(), now).page_at(0, 10)
    (claim,) = group_claims(conn, item)
    assert claim.first_time == "2025-06-22T12:00:00Z"  # the edit, not the publication
    # A claim the story made from the start keeps its publication time.
    (other,), _ = ingest(
        conn,
        [{"feed": "Desk", "title": "Meta hires Vera Kolb", "published": "2025-06-21T08:00:00Z"}],
    )
    (item,) = [
        i
        for i in GroupQuery(conn, Filters(), now).page_at(0, 10)
        if i.group_id == group_of(conn, other)
    ]
    assert [c.first_time for c in group_claims(conn, item)] == ["2025-06-21T08:00:00Z"]


def test_losing_a_person_to_another_lab_is_their_move() -> None:
    """ "Tessaly loses its pretraining chief Vera Kolb to Meta" was a claim of its own next to
    "Meta hires Tessaly's Vera Kolb": two NEW lines for one move. Losing money or customers
    "to" something stays a loss."""
    lost = only("Tessaly loses its pretraining chief Vera Kolb to Meta")
    assert "hire" in lost.verbs and lost.to == {"meta"}
    assert relation(lost, only("Meta hires Tessaly's Vera Kolb as chief scientist")) == "same"
    assert only("Meta lost $2 billion to fines last year").verbs == {"lose"}


def test_who_offers_to_lure_a_person_is_where_they_go() -> None:
    """ "Roe leaves Meta, returns to Tessaly" read as one more report of "Meta dangled $200
    million to lure Roe": that move had no destination to tell them apart."""
    lure = only("Meta dangled more than $200 million to lure Vera Kolb")
    assert lure.to == {"meta"}
    back = only("Vera Kolb leaves Meta after three weeks, returns to Tessaly Research")
    assert relation(back, lure) is None


@pytest.mark.parametrize(
    "denial",
    [
        "Quillon Labs Denies Sale Talks With Meta",
        "Quillon Labs denied that it is in talks to sell itself",
    ],
)
def test_a_denial_is_a_claim_even_without_an_action_verb(denial: str) -> None:
    """Neither gave a claim at all: no verb of a family, no figure."""
    (claim,) = extract_claims(denial, "")
    assert DENY in claim.verbs


def test_a_correction_note_in_the_text_is_no_claim(conn: sqlite3.Connection) -> None:
    """An edit to "$2.5 billion" whose summary ended "(Corrected from $2 billion.)" showed no
    ✎ line: the note restated the old figure, so the old claim lived on with the note as its
    wording (and the digest listed it)."""
    (story,), _ = ingest(
        conn,
        [
            {
                "feed": "Harbor",
                "title": "Meta commits another $2 billion to Scale AI",
                "published": "2025-06-20T08:00:00Z",
            }
        ],
    )
    _rewrite(
        conn,
        story,
        "Meta commits another $2.5 billion to Scale AI",
        "The money funds data labelling. (Corrected from $2 billion.)",
    )
    assert corrections(conn) == [
        (
            "Meta commits another $2 billion to Scale AI",
            "Meta commits another $2.5 billion to Scale AI",
        )
    ]
    assert all("Corrected" not in row["text"] for row in claims_of(conn, story))
    for note in (
        "An earlier version misstated the figure as $2 billion.",
        "Updated to say $2.5 billion, not $2 billion.",
    ):
        assert extract_claims("Meta commits more to Scale AI", note) == []


def test_a_count_of_sources_is_not_named_as_a_disagreeing_figure(
    conn: sqlite3.Connection,
) -> None:
    """ "sources disagree: 1 trillion (Desk A), two (Desk A)": the two people familiar with the
    model are no parameter count."""
    from monitor.queries import Filters, GroupQuery, group_claims

    stories = [
        ("desk-b", "Meta's Llama 5 has 900 billion parameters"),
        (
            "desk-a",
            "Meta's Llama 5 has 1 trillion parameters according to two people familiar with it",
        ),
    ]
    for n, (feed, title) in enumerate(stories):
        ingest(conn, [{"feed": feed, "title": title, "published": f"2025-06-17T1{n}:00:00Z"}])
    now = datetime(2025, 6, 18, tzinfo=UTC)
    (item,) = GroupQuery(conn, Filters(), now).page_at(0, 10)
    (claim,) = [c for c in group_claims(conn, item) if c.conflicting]
    assert claim.other_figures == (("1 trillion", "desk-a"),)


def test_power_figures_of_a_data_centre_are_claims_that_can_disagree() -> None:
    """ "1.5 gigawatts" and "1.8 gigawatts" for one cluster gave no claim and no ≠: power was no
    figure (this beat's data centres are told in gigawatts)."""
    first = only("Meta says its Prometheus cluster will draw 1.5 gigawatts")
    assert first.figure is not None and first.figure.kind == "power"
    assert relation(only("Meta says its Prometheus cluster will draw 1.8 gigawatts"), first) == (
        "conflict"
    )
    assert relation(only("Meta's Prometheus cluster will draw 1500MW, Meta says"), first) == "same"
    assert [f.term() for f in find_figures("a 5-gigawatt campus and a 1GW cluster")] == [
        "w:5e+09",
        "w:1e+09",
    ]


def test_signing_a_deal_is_no_hire() -> None:
    """ "Meta signed a 20-year nuclear power deal with Calder" was a hire of "nuclear"."""
    claims = extract_claims("Meta signed a 20-year nuclear power deal with Calder", "")
    assert all("hire" not in claim.verbs for claim in claims)


def test_figures_of_one_kind_in_a_list_each_keep_their_own_words() -> None:
    """ "71.4% on GPQA Diamond and 88.1% on HumanEval" gave both claims every word of the
    clause, so a report of 64.9% on GPQA disputed the HumanEval figure."""
    gpqa, humaneval = extract_claims(
        "Meta claims Llama 5 Ember scores 71.4% on GPQA Diamond and 88.1% on HumanEval", ""
    )
    assert "gpqa" in gpqa.terms and "humaneval" not in gpqa.terms
    assert "humaneval" in humaneval.terms and "gpqa" not in humaneval.terms
    (dispute,) = extract_claims("Independent tests put Llama 5 Ember at 64.9% on GPQA Diamond", "")
    assert (relation(dispute, gpqa), relation(dispute, humaneval)) == ("conflict", None)
    # Figures of other kinds share the clause: the price of "49% of Scale AI" is of Scale AI.
    price, stake = extract_claims("Meta pays $14.3 billion for 49% of Scale AI", "")
    assert price.terms == stake.terms


def test_what_one_person_was_offered_is_one_frame_in_pay_and_hiring_verbs() -> None:
    """ "a $100 million pay package" and "more than $200 million to lure" the same researcher
    were two unrelated claims: no ≠ between them."""
    offer = only("Meta offered Vera Kolb a $100 million pay package")
    assert relation(only("Meta dangled more than $200 million to lure Vera Kolb"), offer) == (
        "conflict"
    )
    assert relation(only("Meta dangled $100 million to lure Vera Kolb"), offer) == "same"
    assert relation(only("Meta hires Jo Vance for $50 million"), offer) is None  # another person


def test_a_nine_figure_sum_is_at_least_100_million() -> None:
    """ "Nine-figure" offers were no figure, so "$50 million" never disagreed with them."""
    (figure,) = find_figures("Meta made nine-figure offers to OpenAI staff")
    assert (figure.kind, figure.value, figure.bound) == ("money", 1e8, ">")
    nine = only("Meta offered Jo Vance a nine-figure pay package")
    assert relation(only("Meta offered Jo Vance a $50 million pay package"), nine) == "conflict"
    assert relation(only("Meta offered Jo Vance a $200 million pay package"), nine) is None


def report(feed: str, title: str, published: str) -> dict[str, str]:
    """A story of one feed, as `ingest` takes it."""
    return {"feed": feed, "title": title, "published": published}


def first_report(
    conn: sqlite3.Connection, feed: str, title: str, published: str = "2025-06-10T09:00:00Z"
) -> int:
    """The first report of an event, stored and grouped: its id."""
    (story_id,), _ = ingest(conn, [report(feed, title, published)])
    return story_id


def test_a_confirmation_at_another_figure_is_news_and_disputes_the_rumour(
    conn: sqlite3.Connection,
) -> None:
    """ "Orrery confirms $10.5 billion investment" after an $8 billion rumour was only a ≠ on
    the rumour: the confirmation, the news, was never a new claim (nor in the digest's "new")."""
    first = first_report(
        conn, "desk-a", "Orrery in talks to invest $8 billion in Tessellate, sources say"
    )
    confirmed = report(
        "desk-b", "Orrery confirms $10.5 billion investment in Tessellate", "2025-06-12T09:00:00Z"
    )
    story_id, _ = another_report(conn, first, confirmed)
    assert new_claims_of(conn, story_id) == [confirmed["title"]]
    rumoured = claims_of(conn, first)[0]
    assert rumoured["claim_conflicting"] == 1  # and it disputes the rumour
    # The group is titled with the announcement now (it kept the rumour's price).
    title = conn.execute("SELECT title FROM groups WHERE id = ?", (group_of(conn, first),))
    assert title.fetchone()[0] == confirmed["title"]
    # and keeps it as the group grows (the review at twice the size put another one back)
    for n, words in enumerate(("weighs in on", "talks up", "comments on")):
        more = report(
            f"desk-x{n}",
            f"Tessellate chief {words} Orrery's $10.5 billion investment",
            f"2025-06-12T1{n}:30:00Z",
        )
        another_report(conn, first, more)
    title = conn.execute("SELECT title FROM groups WHERE id = ?", (group_of(conn, first),))
    assert title.fetchone()[0] == confirmed["title"]
    again = report(
        "desk-c",
        "Orrery has confirmed a $10.5 billion investment in Tessellate",
        "2025-06-12T11:00:00Z",
    )
    later, _ = another_report(conn, first, again)
    assert new_claims_of(conn, later) == []  # a second report of the confirmation repeats it
    # A rumour of another figure after the rumour is a dispute only, as before.
    higher = report(
        "desk-d",
        "Orrery in talks to invest $9 billion in Tessellate, people familiar say",
        "2025-06-10T12:00:00Z",
    )
    other, _ = another_report(conn, first, higher)
    assert new_claims_of(conn, other) == []


def test_a_person_moving_again_after_moving_back_is_news(conn: sqlite3.Connection) -> None:
    """ "Ilse Varga rejoins Orrery" after "leaves for Orrery" and "quits Orrery, returns to
    Tessellate" read as a repeat of the first move."""
    stories = [
        ("Tessellate chief scientist Ilse Varga leaves for Orrery", "2025-06-01T09:00:00Z"),
        ("Ilse Varga quits Orrery, returns to Tessellate", "2025-06-20T09:00:00Z"),
    ]
    first = first_report(conn, "a", *stories[0])
    back, _ = another_report(
        conn, first, {"feed": "b", "title": stories[1][0], "published": stories[1][1]}
    )
    assert new_claims_of(conn, back) == [stories[1][0]]
    # A late report of the first move (no "again") still repeats it.
    late = report("c", "Orrery hires Tessellate's Ilse Varga", "2025-06-21T09:00:00Z")
    late_id, _ = another_report(conn, first, late)
    assert new_claims_of(conn, late_id) == []
    again = report(
        "d", "Ilse Varga rejoins Orrery weeks after returning to Tessellate", "2025-06-28T09:00:00Z"
    )
    again_id, _ = another_report(conn, first, again)
    assert new_claims_of(conn, again_id) == [again["title"]]


def test_pay_for_several_people_is_not_one_persons_offer() -> None:
    """Packages for three researchers against an offer to Varga gave a false ≠."""
    several = extract_claims(
        "Orrery poaches three Tessellate researchers with $90 million pay packages", "", ""
    )[-1]
    assert several.figure is not None and several.figure.value == 90e6
    one = only("Orrery offered Varga $200 million to lure her from Tessellate")
    assert relation(one, several) is None and relation(several, one) is None
    # One person's two figures still disagree.
    other = only("Orrery offered Varga $90 million to lure her from Tessellate")
    assert relation(one, other) == "conflict"


def test_a_report_that_repeats_one_claim_and_contradicts_another_disputes_it(
    conn: sqlite3.Connection,
) -> None:
    """ "Orrery nears deal valuing Tessellate stake at $11 billion" is its own claim next to the
    $8 billion talks (a valuation's verbs are no deal's); "Orrery to pay $11 billion for the
    stake" then repeated the $11 billion claim, and its dispute of the $8 billion was dropped:
    the rumoured prices were never shown as disputed."""
    first = first_report(
        conn, "desk-a", "Orrery in talks to buy stake in Tessellate for $8 billion, sources say"
    )
    valued = report(
        "desk-b",
        "Orrery nears deal valuing Tessellate stake at $11 billion",
        "2025-06-11T09:00:00Z",
    )
    another_report(conn, first, valued)
    assert claims_of(conn, first)[0]["claim_conflicting"] == 0
    pays = report(
        "desk-c",
        "Orrery to pay $11 billion for Tessellate stake, report says",
        "2025-06-11T12:00:00Z",
    )
    story_id, _ = another_report(conn, first, pays)
    assert new_claims_of(conn, story_id) == []  # it repeats the $11 billion …
    assert claims_of(conn, first)[0]["claim_conflicting"] == 1  # … and disputes the $8 billion


def test_returning_is_a_move() -> None:
    """ "Varga returns to Tessellate after brief Orrery stint" had no claim at all (nothing to
    repeat or to mark new), and stood alone in a group of its own."""
    back = only("Varga returns to Tessellate after brief Orrery stint")
    assert "hire" in back.verbs and back.to == frozenset({"tessellat"})
    told = only("Ilse Varga quits Orrery, returns to Tessellate")
    assert relation(back, told) == "same"


def test_a_clause_without_its_subject_takes_the_sentences() -> None:
    """ "… has left Orrery and is returning to Tessellate as chief scientist" gave the claim
    "is returning to Tessellate as chief scientist, the company said." without Varga: it
    matched nothing, and the digest listed it as a second new claim of the story."""
    claims = extract_claims(
        "Ilse Varga quits Orrery, returns to Tessellate",
        "Just weeks after joining, Ilse Varga has left Orrery and is returning to Tessellate as "
        "chief scientist, the company said.",
        "",
    )
    assert texts(claims) == ["Ilse Varga quits Orrery, returns to Tessellate"]


def test_a_short_sentence_case_headline_names_its_person() -> None:
    """Four capitalised words of five made "Lotte Wynn leaves Orrery for Northwind" Title Case,
    where capitals say nothing about persons: the move named no one, and the story's own
    summary ("Lotte Wynn … has left for Northwind") became a second new claim beside it."""
    claims = extract_claims(
        "Lotte Wynn leaves Orrery for Northwind",
        "Lotte Wynn, one of the engineers Orrery hired from Tessellate, has left for Northwind, "
        "people familiar said.",
        "",
    )
    assert [(c.text, c.people) for c in claims] == [
        ("Lotte Wynn leaves Orrery for Northwind", frozenset({"wynn"}))
    ]
    # A headline in Title Case (its verbs capitalised) still is one.
    assert only("Orrery Poaches Tessellate Lab Chief Lotte Wynn").people == frozenset()


def test_a_count_on_top_of_an_earlier_one_is_no_dispute() -> None:
    """ "Orrery poaches two more Tessellate engineers" was a ≠ on "three researchers"."""
    three = only("Orrery poaches three Tessellate researchers")
    assert relation(only("Orrery poaches two more Tessellate engineers"), three) is None
    assert relation(only("Orrery hires another 40 engineers from Tessellate"), three) is None
    more = only("Orrery poaches two more Tessellate engineers")
    assert relation(only("Tessellate loses two more engineers to Orrery"), more) != "conflict"
    assert relation(only("Orrery poaches four Tessellate researchers"), three) == "conflict"
    # Stored and read back (a later poll), the count still adds.
    stored = Claim.from_key(more.key, more.text)
    assert stored.figure is not None and stored.figure.bound == "+"
    assert relation(only("Orrery poaches two more Tessellate engineers"), stored) == "same"
    assert relation(stored, three) is None


def test_after_right_behind_a_verb_starts_no_clause() -> None:
    """ "Tessellate said the lab Ilse Varga leads after her return will hire 50 researchers"
    was cut at "after": "Tessellate said the lab Ilse Varga leads" became a new claim."""
    claims = extract_claims(
        "Tessellate lab led by Varga to hire 50 researchers",
        "Tessellate said the lab Ilse Varga leads after her return will hire 50 researchers.",
        "",
    )
    assert texts(claims) == ["Tessellate lab led by Varga to hire 50 researchers"]


def test_a_move_of_several_is_not_one_named_persons() -> None:
    """ "Ana Roe leaves Quorsa Labs for Nimbral" read as Title Case (its short words hid the
    lower-case verb), named no one, and "Nimbral poaches two more Quorsa Labs engineers" was
    taken for a repeat of that move."""
    roe = only("Ana Roe leaves Quorsa Labs for Nimbral")
    assert roe.people == frozenset({"roe"})
    several = only("Nimbral poaches two more Quorsa Labs engineers")
    assert relation(several, roe) is None and relation(roe, several) is None


def test_a_lab_named_with_capitals_is_no_person() -> None:
    """ "Corvane Frontier Lab" was a Mr Frontier: every hire by the lab named him, and another
    person's hire repeated the first one."""
    first = only("Orbitol researcher Priya Nandakumar leaves for Corvane Frontier Lab")
    second = only("Corvane Frontier Lab hires Orbitol safety lead Ines Varga")
    assert first.people == frozenset({"nandakumar"}) and second.people == frozenset({"varga"})
    assert relation(second, first) is None
    # A person named beside the lab's possessive still is one.
    assert only("Corvane Frontier Lab's Ines Varga leaves for Orbitol").people == {"varga"}


def test_what_a_lawsuit_is_over_is_not_its_action() -> None:
    """ "Orbitol sues Corvane over poached researchers" was one more report of a researcher's
    move to Corvane (its "poached"): never new, missing from the digest."""
    move = only("Orbitol researcher Priya Nandakumar leaves for Corvane")
    suit = only("Orbitol sues Corvane over poached researchers")
    assert suit.verbs == frozenset({"sue"}) and relation(suit, move) is None
    assert only("Meta faces a lawsuit over hiring Orbitol staff").verbs == frozenset({"sue"})


def test_reports_called_wrong_are_denied(conn: sqlite3.Connection) -> None:
    """ "Corvane said reports of $50 million pay packages were wrong" restated the $50 million
    (one more story behind it), and the rumour never got its ≠."""
    first = first_report(
        conn, "desk-a", "Corvane poaches three Orbitol researchers with $50 million pay packages"
    )
    denial = report(
        "desk-b",
        "Corvane denies it paid $50 million packages to Orbitol researchers",
        "2025-06-10T15:00:00Z",
    )
    denial["summary"] = "Corvane said reports of $50 million pay packages were wrong."
    story_id, _ = another_report(conn, first, denial)
    assert [c["claim_conflicting"] for c in claims_of(conn, first)] == [0, 1]  # count, money
    assert new_claims_of(conn, story_id) == []
    called = only("Orrery said claims that it paid $2 billion were not true")
    assert DENY in called.verbs
    assert DENY in only("Meta says reports it is buying Orrery are false").verbs


def test_stepping_down_and_leaving_are_one_departure() -> None:
    """ "Leda Marsh steps down" and "Leda Marsh leaves Corvane" were two new claims."""
    down = only("Corvane chief scientist Leda Marsh steps down")
    assert relation(only("Leda Marsh leaves Corvane after four years"), down) == "same"
    assert relation(down, only("Leda Marsh leaves Corvane after four years")) == "same"
    # Where she goes is news; so is another person's departure, and one from elsewhere.
    assert relation(only("Leda Marsh leaves Corvane for Orbitol"), down) is None
    assert relation(only("Ines Varga leaves Corvane"), down) is None
    left = only("Leda Marsh leaves Corvane")
    assert relation(only("Leda Marsh steps down from the Orbitol board"), left) is None


def test_a_story_edited_to_a_figure_is_not_its_first_report(conn: sqlite3.Connection) -> None:
    """An outlet that said $9 billion for a day and then edited its story to the $6.5 billion
    another outlet had confirmed took the "first" credit (its publication was earlier): the
    confirmation lost its NEW and its source."""
    rumour = first_report(
        conn, "desk-a", "Corvane said to pay $9 billion for Tallymark stake", "2025-06-20T08:00:00Z"
    )
    confirmed = report(
        "desk-b", "Corvane confirms $6.5 billion Tallymark investment", "2025-06-21T09:00:00Z"
    )
    story_id, _ = another_report(conn, rumour, confirmed)
    assert new_claims_of(conn, story_id) == [confirmed["title"]]
    _rewrite(conn, rumour, "Corvane said to pay $6.5 billion for Tallymark stake")
    assert new_claims_of(conn, story_id) == [confirmed["title"]]  # still the first
    assert new_claims_of(conn, rumour) == []


def test_a_clause_that_starts_with_its_verb_reads_as_a_continuation() -> None:
    """ "…, and said the weights will be open to researchers" was shown as "Said the weights
    will be open to researchers." (its subject dropped, its verb capitalised)."""
    found = texts(
        extract_claims(
            "Corvane releases Helix 3",
            "Corvane's lab released Helix 3, a model with 400 billion parameters, and said the "
            "weights will be open to researchers. Orrery bought Quillon and Ana Roe will join "
            "Orrery.",
        )
    )
    assert "… said the weights will be open to researchers." in found
    assert "Ana Roe will join Orrery." in found


def test_a_company_named_where_people_work_or_go_is_no_person() -> None:
    """ "Dara Quint leaves Helix Forge for …" named a Mr Forge, and so did "… hires Milo Brandt
    from Helix Forge": the second hire repeated the first."""
    first = only("Dara Quint leaves Helix Forge for Corvane Frontier Lab")
    second = only("Corvane Frontier Lab hires Milo Brandt from Helix Forge")
    assert (first.people, second.people) == ({"quint"}, {"brandt"})
    assert relation(second, first) is None
    assert only("Helix Forge hires Jane Roe").people == {"roe"}
    assert only("Jane Roe joins Helix Forge").people == {"roe"}
    assert only("Jane Roe named chief scientist at Helix Forge").people == {"roe"}
