"""Event groups: paraphrases from several outlets meet, separate events stay apart, the index
stays bounded, and the group row tells the reader what they need (title, sources, tags, counts).

Headlines here are our own wording about invented or widely reported events.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor.config import GroupingSettings, settings_from_data
from monitor.db import connect, write
from monitor.grouping import PERSON_BONUS, GroupingResult, group_items, process_stories
from monitor.grouping_text import (
    figures_agree,
    find_figures,
    normal_tokens,
    story_names,
    time_interval,
)
from monitor.poller import run_poll
from tests.feedserver import FeedServer, Route, rss

SETTINGS = GroupingSettings()


@pytest.fixture
def conn(db_path: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(db_path)
    try:
        yield connection
    finally:
        connection.close()


def add_feed(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute("SELECT id FROM feeds WHERE config_url = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    with write(conn):
        cursor = conn.execute(
            "INSERT INTO feeds (config_url, url, title) VALUES (?, ?, ?)", (name, name, name)
        )
    return int(cursor.lastrowid or 0)


def ingest(
    conn: sqlite3.Connection,
    stories: list[dict[str, Any]],
    settings: GroupingSettings = SETTINGS,
    tags: dict[int, list[str]] | None = None,
) -> tuple[list[int], GroupingResult]:
    """Store stories (dicts: feed, title, summary, content, published) as the poller would,
    then group them in the same transaction."""
    feeds = {s.get("feed", "wire"): add_feed(conn, s.get("feed", "wire")) for s in stories}
    ids = []
    with write(conn):
        for number, story in enumerate(stories):
            stamp = story.get("seen", "2025-06-12T12:00:00Z")
            feed_id = feeds[story.get("feed", "wire")]
            cursor = conn.execute(
                "INSERT INTO stories (feed_id, url, title, summary, content, published, "
                "first_seen, content_hash, outlet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    feed_id,
                    story.get("url"),
                    story["title"],
                    story.get("summary", ""),
                    story.get("content", ""),
                    story.get("published", "2025-06-12T09:00:00Z"),
                    stamp,
                    f"h{number}-{story['title']}",
                    story.get("outlet"),
                ),
            )
            story_id = int(cursor.lastrowid or 0)
            conn.execute(
                "INSERT INTO story_sources (feed_id, key, story_id, first_seen, outlet) "
                "VALUES (?, ?, ?, ?, ?)",
                (feed_id, f"k{story_id}", story_id, stamp, story.get("outlet")),
            )
            for tag in (tags or {}).get(number, []):
                conn.execute(
                    "INSERT INTO story_tags (story_id, tag, rule) VALUES (?, ?, 'test')",
                    (story_id, tag),
                )
            ids.append(story_id)
        result = process_stories(conn, ids, settings)
    return ids, result


def group_of(conn: sqlite3.Connection, story_id: int) -> int:
    return int(conn.execute("SELECT group_id FROM stories WHERE id = ?", (story_id,)).fetchone()[0])


BEHEMOTH = [
    {
        "feed": "desk-a",
        "title": "Meta pushes back release of its largest Llama model, Behemoth",
        "summary": "Engineers are struggling to improve the model enough to justify a launch.",
        "published": "2025-05-15T18:00:00Z",
    },
    {
        "feed": "desk-b",
        "title": "Behemoth delayed again as Meta questions its gains",
        "summary": "The flagship model will not ship before autumn, people familiar said.",
        "published": "2025-05-16T07:30:00Z",
    },
    {
        "feed": "desk-c",
        "title": "Meta postpones Behemoth AI model launch",
        "published": "2025-05-16T11:00:00Z",
    },
]

LLAMA4_LAUNCH = {
    "feed": "desk-a",
    "title": "Meta releases Llama 4 Scout and Maverick, its first mixture-of-experts models",
    "summary": "The two open-weight models arrive on a Saturday, with Behemoth still training.",
    "published": "2025-04-05T20:00:00Z",
}


def test_paraphrases_from_three_outlets_form_one_group(conn: sqlite3.Connection) -> None:
    ids, result = ingest(conn, BEHEMOTH)
    assert len({group_of(conn, i) for i in ids}) == 1
    assert result.new_groups == 1
    group = conn.execute("SELECT * FROM groups").fetchone()
    assert group["story_count"] == 3
    assert group["source_count"] == 3
    assert group["title"] in {s["title"] for s in BEHEMOTH}
    assert group["seen"] == 0
    assert group["first_seen"] <= group["last_seen"]


def test_launch_and_delay_of_one_model_family_are_two_groups(conn: sqlite3.Connection) -> None:
    ids, _ = ingest(conn, [LLAMA4_LAUNCH, *BEHEMOTH])
    assert group_of(conn, ids[0]) != group_of(conn, ids[1])
    assert conn.execute("SELECT COUNT(*) FROM groups").fetchone()[0] == 2


def test_same_company_same_week_different_hires_stay_apart(conn: sqlite3.Connection) -> None:
    ids, _ = ingest(
        conn,
        [
            {"title": "Meta hires Apple's top models executive Ruoming Pang"},
            {"title": "Meta lures OpenAI researcher Lucas Beyer to its new lab", "feed": "b"},
            {"title": "Meta cuts 600 jobs in its AI research unit", "feed": "c"},
        ],
    )
    assert len({group_of(conn, i) for i in ids}) == 3


def test_stories_that_name_nothing_in_common_stay_apart() -> None:
    """Shared wording is not a shared event: "X faces Y inquiry" and "Z faces W inquiry"."""
    items = [
        {"title": "Vantor faces Qell regulator inquiry", "summary": "Vantor declined to comment."},
        {"title": "Orbit Labs faces Marro regulator inquiry", "summary": "Orbit Labs said no."},
        {"title": "Regulator in Qell opens inquiry into Vantor", "summary": "The probe is new."},
    ]
    groups = group_items(items, SETTINGS)
    assert groups[0] == groups[2] != groups[1]


def test_a_capital_that_only_starts_a_sentence_is_not_a_name() -> None:
    """Sentences that open with "Analysts expect…" or "Testers saw…" appear in any outlet: read
    as names, they let two recalls by different companies share a name and become one event."""
    items = [
        {
            "title": "Vantor recalls rugged drones",
            "summary": "Analysts expect thinner margins at Vantor. Testers saw fewer faults.",
        },
        {
            "title": "Orbit Labs recalls rugged drones",
            "summary": "Analysts expect thinner margins at Orbit Labs. Testers saw fewer faults.",
        },
    ]
    assert story_names(items[0]["title"], items[0]["summary"], "") == {"vantor"}
    groups = group_items(items, SETTINGS)
    assert groups[0] != groups[1]


def test_a_title_case_headline_names_what_its_uncommon_words_name() -> None:
    """In Title Case every word has a capital, so the headline named nothing: "Vexa Robotics
    Lays Off 200 Employees" and "Lumora Systems lays off 200 employees" were compared on the
    lay-off and its figure alone and made one group."""
    items = [
        {"title": "Vexa Robotics Lays Off 200 Employees As Funding Dries Up", "summary": ""},
        {"title": "Lumora Systems lays off 200 employees in restructuring", "summary": ""},
        {"title": "Vexa Robotics cuts 200 jobs", "summary": ""},
    ]
    assert {"vexa", "robotic"} <= story_names(items[0]["title"], "", "")
    assert "employe" not in story_names(items[0]["title"], "", "")
    groups = group_items(items, SETTINGS)
    assert groups[0] == groups[2] != groups[1]


def test_a_shared_figure_does_not_make_one_event_of_two_companies() -> None:
    """Names hold the figures too ("$14.3B" meets "$14,3bn"), so "200" was the one thing two
    lay-offs at two companies had in common, and a poll made one group of them."""
    items = [
        {
            "title": "Vexa Robotics lays off 200 employees",
            "summary": "Vexa Robotics lays off 200 employees as warehouse orders slow.",
            "published": "2026-11-23T22:30:18Z",
        },
        {
            "title": "Lumora Systems lays off 200 employees",
            "summary": "Lumora Systems lays off 200 employees in a restructuring.",
            "published": "2026-11-23T22:30:18Z",
        },
    ]
    groups = group_items(items, SETTINGS)
    assert groups[0] != groups[1]


def test_sentence_initial_names_still_count_when_the_text_shows_they_are_names() -> None:
    names = story_names(
        "Meta hires a Vantor researcher",
        "Vantor said little. Pim Talbaba joins in May. Officials agreed.",
        "",
    )
    assert {"meta", "vantor", "pim", "talbaba"} <= names
    assert "official" not in names


def test_identical_story_months_later_starts_a_new_group(conn: sqlite3.Connection) -> None:
    story = {"title": "Meta delays Behemoth model again", "published": "2025-05-15T10:00:00Z"}
    later = {**story, "feed": "other", "published": "2025-09-15T10:00:00Z"}
    ids, result = ingest(conn, [story, later])
    assert group_of(conn, ids[0]) != group_of(conn, ids[1])
    assert result.new_groups == 2


def test_a_stronger_match_may_join_a_few_weeks_later(conn: sqlite3.Connection) -> None:
    first = {
        "title": "Microsoft AI hires two dozen Google DeepMind engineers under Suleyman",
        "published": "2025-07-23T10:00:00Z",
    }
    later = {
        "feed": "other",
        "title": "Suleyman's Microsoft AI raids Google DeepMind for more engineers",
        "published": "2025-08-12T10:00:00Z",
    }
    ids, _ = ingest(conn, [first, later])
    assert group_of(conn, ids[0]) == group_of(conn, ids[1])


def test_later_story_joins_an_existing_group_and_updates_it(conn: sqlite3.Connection) -> None:
    first_ids, _ = ingest(conn, BEHEMOTH[:2])
    group_id = group_of(conn, first_ids[0])
    with write(conn):
        conn.execute("UPDATE groups SET seen = 1, new_claims = 0 WHERE id = ?", (group_id,))
    more_ids, result = ingest(
        conn, [{**BEHEMOTH[2], "seen": "2025-06-13T08:00:00Z"}], tags={0: ["llama"]}
    )
    assert group_of(conn, more_ids[0]) == group_id
    assert result == GroupingResult(new_groups=0, updated_groups=1, new_claims=result.new_claims)
    group = conn.execute("SELECT * FROM groups WHERE id = ?", (group_id,)).fetchone()
    assert group["story_count"] == 3
    assert group["seen"] == 0
    assert group["last_seen"] == "2025-06-13T08:00:00Z"
    assert json.loads(group["tags"]) == ["llama"]


def test_group_tags_are_the_union_of_member_tags(conn: sqlite3.Connection) -> None:
    ingest(conn, BEHEMOTH, tags={0: ["meta_ai", "llama"], 1: ["meta_ai"], 2: ["official"]})
    tags = json.loads(conn.execute("SELECT tags FROM groups").fetchone()[0])
    assert tags == ["llama", "meta_ai", "official"]


def test_updated_story_keeps_its_group(conn: sqlite3.Connection) -> None:
    ids, _ = ingest(conn, BEHEMOTH)
    group_id = group_of(conn, ids[0])
    with write(conn):
        conn.execute(
            "UPDATE stories SET summary = 'Update: Meta now says Behemoth ships in the fall.', "
            "is_updated = 1, updated_at = '2025-06-14T00:00:00Z' WHERE id = ?",
            (ids[0],),
        )
        result = process_stories(conn, [ids[0]], SETTINGS)
    assert group_of(conn, ids[0]) == group_id
    assert result.new_groups == 0 and result.updated_groups == 1
    assert conn.execute("SELECT COUNT(*) FROM groups").fetchone()[0] == 1


def test_empty_call_does_nothing(conn: sqlite3.Connection) -> None:
    with write(conn):
        assert process_stories(conn, [], SETTINGS) == GroupingResult()
    assert conn.execute("SELECT COUNT(*) FROM groups").fetchone()[0] == 0


def test_deleted_stories_leave_no_index_rows(conn: sqlite3.Connection) -> None:
    ids, _ = ingest(conn, BEHEMOTH)
    with write(conn):
        conn.execute("DELETE FROM stories WHERE id = ?", (ids[0],))
    for table in ("group_features", "group_postings"):
        count = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE story_id = ?", (ids[0],))
        assert count.fetchone()[0] == 0


def test_candidate_lookup_reads_one_index_range_per_term(conn: sqlite3.Connection) -> None:
    """The lookup is a (term, time) range on the postings' primary key, never a table scan:
    what keeps the per-story cost logarithmic in the number of stored stories."""
    plan = " ".join(
        row[-1]
        for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT story_id FROM group_postings WHERE term = ? "
            "AND t_lo BETWEEN ? AND ? ORDER BY t_lo DESC LIMIT 60",
            ("behemoth", 0, 1),
        )
    )
    assert "PRIMARY KEY" in plan and "SCAN" not in plan


def test_group_items_partitions_like_process_stories() -> None:
    items = [
        {"title": s["title"], "summary": s.get("summary", ""), "published": s["published"][:10]}
        for s in [LLAMA4_LAUNCH, *BEHEMOTH]
    ]
    items.append({"title": "Gmail adds automatic AI summaries", "published": "2025-05"})
    groups = group_items(items, SETTINGS)
    assert len(groups) == 5
    assert groups[1] == groups[2] == groups[3]
    assert len({groups[0], groups[1], groups[4]}) == 3


def test_group_items_copes_with_missing_and_partial_dates() -> None:
    items = [
        {"title": "Meta delays Behemoth AI model", "published": "2025-05"},
        {"title": "Meta delays its Behemoth model once more", "published": None},
        {"title": "Behemoth AI model from Meta is delayed", "published": "2025"},
        {"title": "Unrelated: a llama at the zoo"},
    ]
    groups = group_items(items, SETTINGS)
    assert groups[0] == groups[1] == groups[2] != groups[3]


def test_stricter_threshold_splits_more() -> None:
    items = [{"title": s["title"], "summary": s.get("summary", "")} for s in BEHEMOTH]
    loose = group_items(items, GroupingSettings(threshold=0.2))
    strict = group_items(items, GroupingSettings(threshold=0.99))
    assert len(set(loose)) == 1
    assert len(set(strict)) == 3


def test_duplicate_link_from_a_second_feed_is_a_member_not_a_new_story(
    server: FeedServer, db_path: Path
) -> None:
    item = {
        "title": "Meta postpones Behemoth AI model launch",
        "link": "https://news.example/behemoth?utm_source=rss",
        "guid": "b-1",
        "description": "The flagship model slips to autumn.",
        "pubDate": "Thu, 15 May 2025 18:00:00 GMT",
    }
    server.routes["/a.xml"] = Route(body=rss([item]))
    server.routes["/b.xml"] = Route(body=rss([{**item, "guid": "other-guid"}]))
    settings = settings_from_data(
        {
            "feeds": [{"url": server.url("/a.xml")}, {"url": server.url("/b.xml")}],
            "poll": {"parse_workers": 0},
        },
        "test",
    )
    result = run_poll(settings, db_path)
    assert result.new_stories == 1 and result.new_groups == 1
    conn = connect(db_path)
    try:
        group = conn.execute("SELECT story_count, source_count FROM groups").fetchone()
        assert tuple(group) == (1, 2)
        assert conn.execute("SELECT COUNT(*) FROM story_sources").fetchone()[0] == 2
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# Text features


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Meta invests $14.3 billion", 14.3e9),
        ("Meta invests $14.3B", 14.3e9),
        ("a 14,3bn euro stake", 14.3e9),
        ("an offer of US$100m", 100e6),
        ("$1,200,000 bonus", 1.2e6),
        # A wire service's "bln" was read as $13.6 (a false dispute with every other report).
        ("to invest $13.6 bln in the lab", 13.6e9),
        ("$12bln stake", 12e9),
        ("a 3 bln dollar deal", 3e9),
        ("$1.2 trln valuation", 1.2e12),
    ],
)
def test_money_is_read_the_same_in_every_spelling(text: str, value: float) -> None:
    (figure,) = find_figures(text)
    assert figure.kind == "money"
    assert figure.value == pytest.approx(value)


def test_counts_take_the_same_scales_as_money() -> None:
    """ "400 bln parameters" was a count of 400, a false dispute with "400 billion
    parameters"."""
    for text in ("400 bln parameters", "400 billion parameters", "0.4 trln parameters"):
        (figure,) = find_figures(f"The Atlas model has {text}")
        assert (figure.kind, figure.value) == ("count", pytest.approx(400e9)), text


def test_percent_and_counts() -> None:
    kinds = [
        (f.kind, f.value) for f in find_figures("a 49% stake; 600 AI jobs; two dozen engineers")
    ]
    assert kinds == [("percent", 49.0), ("count", 600.0), ("count", 24.0)]
    assert find_figures("founded in 2015") == []  # a year is not a figure
    # A scale word between the number and what it counts multiplies (a rewording of "12,000
    # GPUs" as "12 thousand GPUs" was recorded as a corrected figure).
    (words,) = find_figures("trained on 12 thousand GPUs")
    (digits,) = find_figures("trained on 12,000 GPUs")
    assert (words.value, words.noun) == (12000.0, "gpus") and figures_agree(words, digits)
    assert [f.value for f in find_figures("two million users left")] == [2e6]


def test_rounding_agrees_but_a_tenfold_difference_does_not() -> None:
    (fourteen,) = find_figures("$14B")
    (precise,) = find_figures("$14.3 billion")
    (hundred,) = find_figures("$100 million")
    (ten,) = find_figures("$10 million")
    assert figures_agree(fourteen, precise)
    assert not figures_agree(hundred, ten)
    assert fourteen.term() == precise.term()


def test_aliases_and_model_names() -> None:
    assert normal_tokens("Facebook's parent hires") == ["meta", "hires"]
    assert normal_tokens("Meta Platforms and Mark Zuckerberg") == ["meta", "and", "zuckerberg"]
    assert normal_tokens("Llama 4 beats GPT-4o")[:2] == ["llama4", "llama"]


def test_partial_dates_are_intervals() -> None:
    lo, hi = time_interval("2025-06")
    assert hi - lo == pytest.approx(30 * 86400, abs=2)
    lo, hi = time_interval("2025-06-12T10:00:00Z")
    assert lo == hi
    assert time_interval(None, "not a date")[0] < 0  # unknown: the widest interval


def after_each(conn: sqlite3.Connection, titles: list[str], sql: str) -> list[list[Any]]:
    """Ingest the titles one by one, each from its own feed; `sql`'s rows after each."""
    seen = []
    for number, title in enumerate(titles):
        ingest(conn, [{"feed": f"desk-{number}", "title": title}])
        seen.append(conn.execute(sql).fetchall())
    return seen


def test_a_group_keeps_its_headline_as_reports_come_in(conn: sqlite3.Connection) -> None:
    """The title changed with nearly every batch to whichever member was a hair closer to the
    centre, so a reader did not recognise their story in the next day's digest."""
    first = "Meta buys Quillmark for $3 billion to speed up its model work"
    titles = [
        first,
        "Meta buys Quillmark for $3 billion, its biggest deal this year",
        "Quillmark sold to Meta for $3 billion in cash and stock",
        "Meta agrees to buy Quillmark for $3 billion",
        "Meta buys model start-up Quillmark for $3 billion",
    ]
    seen = after_each(conn, titles, "SELECT title FROM groups")
    assert all(len(rows) == 1 for rows in seen)  # one event
    assert {rows[0][0] for rows in seen} == {first}


def _highest_threshold_grouping(items: list[dict[str, Any]]) -> float:
    """The highest `threshold` (in steps of 0.01) at which the last two items share a group."""
    found = 0.0
    for step in range(20, 100):
        settings = GroupingSettings(threshold=step / 100)
        groups = group_items(items, settings)
        if groups[-1] == groups[-2]:
            found = step / 100
    return found


def test_naming_the_same_person_counts_towards_one_event(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two reports of one move in other words ("names X chief scientist", "X poached to run
    research") were kept apart: the person they share now adds `PERSON_BONUS`."""
    background = [
        {"title": f"Meta {what} in {where}", "source": f"wire-{n % 4}"}
        for n, (what, where) in enumerate(
            (what, where)
            for what in ("opens an office", "cuts 40 jobs", "ships a chip", "wins a ruling")
            for where in ("Ohio", "Lisbon", "Osaka")
        )
    ]
    person = [
        {"title": "Meta names Dana Okafor chief scientist of its new lab", "source": "desk-a"},
        {"title": "Quarry loses Dana Okafor, poached by Meta to run research", "source": "desk-b"},
    ]
    companies = [
        {"title": "Meta names Quarry Labs its chip partner for the new lab", "source": "desk-a"},
        {
            "title": "Quarry Labs wins Meta's chip deal to run the lab's hardware",
            "source": "desk-b",
        },
    ]
    with_bonus = [_highest_threshold_grouping(background + pair) for pair in (person, companies)]
    monkeypatch.setattr("monitor.grouping.PERSON_BONUS", 0.0)
    without = [_highest_threshold_grouping(background + pair) for pair in (person, companies)]
    assert with_bonus[0] - without[0] == pytest.approx(PERSON_BONUS, abs=0.011)
    assert with_bonus[1] == without[1]  # no person named: nothing added


def test_a_headline_is_chosen_again_only_when_the_group_doubled(conn: sqlite3.Connection) -> None:
    """The title went back and forth between two members as reports came in (a repost, an
    edit), and a reader lost the row they were following."""
    reports = [
        "Harbour Lab opens glider depot in Tallin Bay",
        "Tallin Bay gets a Harbour Lab glider depot",
        "Harbour Lab glider depot opens in Tallin Bay with 40 staff",
        "Glider depot: Harbour Lab picks Tallin Bay",
        "Harbour Lab's Tallin Bay glider depot opens",
    ]
    sizes = after_each(conn, reports, "SELECT story_count, title_stories FROM groups")
    # Chosen at 1, 2 and 4 stories: not at 3 or 5.
    assert [tuple(row) for (row,) in sizes] == [(1, 1), (2, 2), (3, 2), (4, 4), (5, 4)]
    # A title no member has any more (its story edited) is chosen again at once.
    (title,) = conn.execute("SELECT title FROM groups").fetchone()
    conn.execute("UPDATE stories SET title = 'Harbour Lab opens a depot' WHERE title = ?", (title,))
    ingest(conn, [{"feed": "desk-9", "title": "Harbour Lab depot in Tallin Bay opens for gliders"}])
    (again,) = conn.execute("SELECT title FROM groups").fetchone()
    assert again != title


def test_a_group_is_not_titled_with_one_outlets_name(conn: sqlite3.Connection) -> None:
    """A group of many outlets' reports was titled "… - Harbor Times" (a news search's item,
    which names its outlet) or "Valley Ledger: …" (a feed that names itself), as if one outlet
    were the event. Endings that are no outlet's name stay ("… - Part 2")."""
    ingest(
        conn,
        [{"feed": "Valley Ledger", "title": "Valley Ledger: Okafor quits Meta lab for Brightwell"}],
    )
    (alone,) = conn.execute("SELECT title FROM groups").fetchone()
    assert alone == "Okafor quits Meta lab for Brightwell"
    search = [
        ("Dana Okafor quits Meta's lab for Brightwell - Harbor Times", "Harbor Times"),
        ("Meta lab chief Dana Okafor leaves for Brightwell - Coast Wire", "Coast Wire"),
        ("Okafor leaves Meta's lab, joins Brightwell - Harbor Times", "Harbor Times"),
    ]
    for title, outlet in search:
        ingest(conn, [{"feed": "News search", "title": title, "outlet": outlet}])
    rows = conn.execute("SELECT title, story_count FROM groups").fetchall()
    assert [row[1] for row in rows] == [4]
    assert not any(word in rows[0][0] for word in ("Harbor", "Coast", "Ledger", " - "))
    assert rows[0][0] in {
        "Okafor quits Meta lab for Brightwell",
        "Dana Okafor quits Meta's lab for Brightwell",
        "Meta lab chief Dana Okafor leaves for Brightwell",
        "Okafor leaves Meta's lab, joins Brightwell",
    }
    # Named otherwise in feeds.yaml, a feed naming itself is still known by its own name.
    add_feed(conn, "My wire list")
    with write(conn):
        conn.execute("UPDATE feeds SET own_title = 'Brindle Wire' WHERE title = 'My wire list'")
    ingest(conn, [{"feed": "My wire list", "title": "Brindle Wire: Zentrix buys Halverd Robotics"}])
    titles = [row[0] for row in conn.execute("SELECT title FROM groups ORDER BY id")]
    assert titles[-1] == "Zentrix buys Halverd Robotics"
    ingest(conn, [{"feed": "desk-9", "title": "Nine things about the Pellam Cars X9 - Part 2"}])
    titles = [row[0] for row in conn.execute("SELECT title FROM groups ORDER BY id")]
    assert titles[-1] == "Nine things about the Pellam Cars X9 - Part 2"


def test_a_news_search_ending_is_no_part_of_a_claim() -> None:
    """A news search's summary is the headline and the outlet's name ("…; CEO Voss joins
    Orrery  Meridian Wire"): it gave the claim "CEO Voss joins Orrery Meridian Wire", a second
    one beside "CEO Voss joins Orrery"."""
    from monitor.grouping import analyse
    from monitor.textclean import html_to_text

    headline = "Orrery to invest $13.6 bln for 49% of Tessellate; CEO Voss joins Orrery"
    title = f"{headline} - Meridian Wire"
    summary = html_to_text(f'<a href="#">{headline}</a>&nbsp;&nbsp;<font>Meridian Wire</font>')
    _terms, _names, claims = analyse(title, summary, "", ("Newsfind: Orrery",))
    assert list(dict.fromkeys(claim.text for claim in claims)) == [
        "Orrery to invest $13.6 bln for 49% of Tessellate",  # a claim per figure
        "CEO Voss joins Orrery",
    ]
    # A news search's cluster: its summary lists other outlets' headlines, none of them this
    # story's text (one became a claim credited to this story's outlet).
    cluster = html_to_text(
        f"<ol><li><a href='#'>{headline}</a>&nbsp;&nbsp;<font>Meridian Wire</font></li>"
        "<li><a href='#'>Orrery hires 40 Tessellate engineers</a>&nbsp;<font>Wirehouse</font>"
        "</li><li><strong><a href='#'>View Full Coverage</a></strong></li></ol>"
    )
    _terms, _names, claims = analyse(title, cluster, "", ("Newsfind: Orrery",), "Meridian Wire")
    assert not any("40" in claim.text for claim in claims)
    # A summary that says more is read.
    more = f"{headline}. She starts on Monday with a team of 40 researchers."
    assert len(analyse(title, more, "", ("Newsfind: Orrery",))[2]) > 2


def test_aggregator_outlet_endings_and_joined_versions_do_not_keep_reports_apart() -> None:
    from monitor.grouping_text import story_terms, without_outlet

    assert without_outlet("Lab chief Dana Okafor is departing Meta - Harbor Times") == (
        "Lab chief Dana Okafor is departing Meta"
    )
    assert without_outlet("Meta ships Llama 5 - a new crop of models for everyone") == (
        "Meta ships Llama 5 - a new crop of models for everyone"
    )
    assert without_outlet("OpenAI - Meta deal") == "OpenAI - Meta deal"
    assert "harbor" not in story_terms("Okafor is departing Meta - Harbor Times", "", "")
    assert normal_tokens("Llama5 is out") == ["llama5", "llama", "is", "out"]
    # a lab or a boss names its company too: the names guard lets them be compared
    assert "meta" in story_names("Superintelligence Labs splits into four teams", "", "")
    assert "meta" in story_names("Zuckerberg splits the AI unit into four teams", "", "")


def test_reports_in_chinese_of_one_event_are_grouped() -> None:
    """Text without spaces gave no terms at all: two feeds' identical Chinese reports of one
    event were two groups. Overlapping character pairs are its terms."""
    items = [
        {"title": "蓝鲸智能发布新一代推理芯片", "summary": "蓝鲸智能周二发布了新一代推理芯片。"},
        {"title": "蓝鲸智能发布新一代推理芯片", "summary": "蓝鲸智能周二发布了新一代推理芯片。"},
        {"title": "蓝鲸智能推出新推理芯片", "summary": ""},
        {"title": "青石实验室获得3亿元融资", "summary": ""},
    ]
    for n, item in enumerate(items):
        item.update(source=f"desk-{n}", published=f"2026-11-23T0{n}:00:00Z")
    groups = group_items(items, GroupingSettings())
    assert groups[0] == groups[1] == groups[2] != groups[3]
