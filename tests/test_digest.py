"""The digest: what a cron user mails themselves — new groups, and for older groups only what is
new — in text, Markdown and JSON, with feed text that can drive neither a terminal nor Markdown."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor import digest
from monitor.cli import cli
from monitor.db import connect, write
from tests.test_grouping import ingest


@pytest.fixture
def conn(db_path: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(db_path)
    try:
        yield connection
    finally:
        connection.close()


def stamp(days_ago: float) -> str:
    moment = datetime.now(UTC) - timedelta(days=days_ago)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


OLD = [
    {
        "feed": "Desk A",
        "title": "Meta invests $14.3 billion in Scale AI",
        "summary": "Scale AI chief executive Alexandr Wang will join Meta to lead a new lab.",
        "published": "2025-06-12T20:00:00Z",
        "url": "https://a.example/scale",
        "seen": stamp(3),
    },
    {
        "feed": "Desk A",
        "title": "Meta delays its Behemoth model",
        "published": "2025-06-12T10:00:00Z",
        "seen": stamp(3),
    },
]
REPEAT = {
    "feed": "Desk B",
    "title": "Meta delays Behemoth AI model again",
    "published": "2025-06-13T10:00:00Z",
    "seen": stamp(0.1),
}
ADDS_FIGURE = {
    "feed": "Desk C",
    "title": "Meta invests $14.3 billion in Scale AI, taking a 49% stake",
    "published": "2025-06-13T08:00:00Z",
    "seen": stamp(0.1),
}
NEW_EVENT = {
    "feed": "Desk [b]C[/b] \x1b]0;owned\x07",
    "title": "Meta cuts *600* jobs in [its AI unit](https://evil.example) \x1b[2J",
    "published": "2025-10-22T15:00:00Z",
    "url": "https://c.example/cuts",
    "seen": stamp(0.1),
}


@pytest.fixture
def filled(conn: sqlite3.Connection) -> sqlite3.Connection:
    ingest(conn, OLD)
    ingest(conn, [REPEAT, ADDS_FIGURE, NEW_EVENT])
    return conn


def test_new_groups_and_only_new_claims_of_updated_groups(filled: sqlite3.Connection) -> None:
    report = digest.build(filled, "24h")
    assert [g.title for g in report.new_groups] == [digest.clean_line(NEW_EVENT["title"])]
    (updated,) = report.updated_groups
    assert updated.title == OLD[0]["title"]
    assert [c.text for c in updated.claims] == ["… taking a 49% stake"]
    assert updated.new_stories == 1 and updated.story_count == 2
    assert report.repeated_groups == 1  # the Behemoth repeat: more coverage, nothing new


def test_since_everything_lists_every_group_as_new(filled: sqlite3.Connection) -> None:
    report = digest.build(filled, "last")  # no digest sent yet: everything
    assert report.since is None
    assert len(report.new_groups) == 3 and not report.updated_groups


def test_mark_sent_moves_last_forward(filled: sqlite3.Connection) -> None:
    digest.mark_sent(filled)
    report = digest.build(filled, "last")
    assert report.since is not None and report.empty
    assert digest.render(report, "text").startswith("Nothing new since")


def test_last_is_exact_within_one_second_and_beside_a_poll(conn: sqlite3.Connection) -> None:
    """Poll and digest in the same second (`monitor poll && monitor digest` from cron), and a
    poll that commits after the digest read but with an earlier timestamp: each story is in
    exactly one digest."""
    now = stamp(0)
    ingest(conn, [{**OLD[0], "seen": now}])
    first = digest.build(conn, "last")
    assert len(first.new_groups) == 1
    late = {**NEW_EVENT, "seen": stamp(0.01)}  # stored by a poll that started before the digest
    ingest(conn, [late])
    digest.mark_sent(conn, first)
    second = digest.build(conn, "last")
    assert [g.title for g in second.new_groups] == [digest.clean_line(late["title"])]
    digest.mark_sent(conn, second)
    ingest(conn, [{**ADDS_FIGURE, "seen": now}])
    third = digest.build(conn, "last")
    assert not third.new_groups and [c.text for g in third.updated_groups for c in g.claims]
    digest.mark_sent(conn, third)
    assert digest.build(conn, "last").empty


def test_iso_timestamp_as_since(filled: sqlite3.Connection) -> None:
    report = digest.build(filled, stamp(1))
    assert len(report.new_groups) == 1 and len(report.updated_groups) == 1
    assert digest.build(filled, stamp(1)[:10]).since is not None  # a bare date works too


@pytest.mark.parametrize("bad", ["yesterday", "3x", "", "24 hours ago"])
def test_bad_since_is_a_readable_error(conn: sqlite3.Connection, bad: str) -> None:
    with pytest.raises(ValueError, match="--since"):
        digest.build(conn, bad)


def test_conflicts_are_reported_on_updated_groups(conn: sqlite3.Connection) -> None:
    ingest(
        conn,
        [
            {
                "feed": "Desk A",
                "title": "Altman says Meta offered OpenAI researchers $100 million bonuses",
                "seen": stamp(3),
            }
        ],
    )
    ingest(
        conn,
        [
            {
                "feed": "Desk B",
                "title": "Meta offered OpenAI staff $10 million bonuses, Altman claims",
                "url": "https://b.example/low",
                "seen": stamp(0.1),
            }
        ],
    )
    (updated,) = digest.build(conn, "24h").updated_groups
    (conflict,) = updated.conflicts
    assert "$10 million" in conflict.text and "$100 million" in (conflict.conflicts_with or "")
    text = digest.render(digest.build(conn, "24h"), "text")
    assert "! conflicting:" in text
    # The report that disagrees is the news, and its link is given (the group's first story's
    # was); in Markdown its source links it.
    assert text.rstrip().splitlines()[-1].strip() == "https://b.example/low" or (
        "\n         https://b.example/low\n" in text
    )
    markdown = digest.render(digest.build(conn, "24h"), "markdown")
    assert "— *[Desk B](<https://b.example/low>)*" in markdown


OFFER_HIGH = {
    "feed": "Desk A",
    "title": "Altman says Meta offered OpenAI researchers $100 million bonuses",
    "url": "https://a.example/offer",
}
OFFER_REPEAT = {
    "feed": "Desk C",
    "title": "Meta dangled $100 million bonuses before OpenAI researchers, Altman says",
}
OFFER_LOW = {
    "feed": "Desk B",
    "title": "Meta offered OpenAI staff $10 million bonuses, Altman claims",
}


def test_conflicts_in_new_groups_show_in_every_format(conn: sqlite3.Connection) -> None:
    ingest(conn, [{**OFFER_HIGH, "seen": stamp(0.3)}])
    ingest(conn, [{**OFFER_REPEAT, "seen": stamp(0.2)}])
    ingest(conn, [{**OFFER_LOW, "seen": stamp(0.1)}])
    report = digest.build(conn, "24h")
    (group,) = report.new_groups
    assert [c.conflicting for c in group.claims] == [True]
    (conflict,) = group.conflicts  # the $10M report; the $100M repeat agrees
    assert "$10 million" in conflict.text and conflict.source == "Desk B"
    assert "$100 million" in (conflict.conflicts_with or "")
    data = json.loads(digest.render(report, "json"))["new_groups"][0]
    assert data["claims"][0]["conflicting"] is True
    assert [c["text"] for c in data["conflicts"]] == [conflict.text]
    text = digest.render(report, "text")
    assert f"{OFFER_HIGH['title']}  (Desk A)  [conflicting]" in text
    assert f"! conflicting: {conflict.text}  (Desk B); earlier: {OFFER_HIGH['title']}" in text
    markdown = digest.render(report, "markdown")
    assert "**(conflicting)**" in markdown
    assert "- **conflicting:** Meta offered OpenAI staff $10 million bonuses" in markdown
    assert markdown.count("conflicting") == text.count("conflicting") == 2


def test_a_conflicting_claim_names_its_other_side_in_every_format(
    conn: sqlite3.Connection,
) -> None:
    """The user's digest: "[conflicting]" on Beacon's claim, `"conflicts_with": null` and
    `"conflicts": []`. Wire's denial (with Zorblat's own figure) and Ledger's figure, published
    before Beacon's but polled after it, are the other side, and every format names them."""
    from tests.test_claims import zorblat

    for number, outlet in enumerate(["Beacon", "Wire", "Ledger"]):
        ingest(conn, [zorblat(outlet, seen=stamp(0.3 - number / 10))])
    report = digest.build(conn, "24h")
    (group,) = report.new_groups
    beacon, wire, ledger = (zorblat(o)["title"] for o in ("Beacon", "Wire", "Ledger"))
    (claim,) = [c for c in group.claims if c.conflicting]
    assert claim.text == beacon and claim.source == "Beacon" and claim.conflicts_with == wire
    assert [(c.text, c.source, c.conflicts_with) for c in group.conflicts] == [
        (wire, "Wire", beacon),
        (ledger, "Ledger", beacon),
    ]
    data = json.loads(digest.render(report, "json"))["new_groups"][0]
    assert [c["source"] for c in data["conflicts"]] == ["Wire", "Ledger"]
    text = digest.render(report, "text")
    assert f"{beacon}  (Beacon)  [conflicting]" in text
    assert f"! conflicting: {ledger}  (Ledger); earlier: {beacon}" in text
    markdown = digest.render(report, "markdown")
    assert "- **conflicting:** Zorblat denies $120 million figure" in markdown


def test_a_mark_without_a_report_to_name_is_not_shown(conn: sqlite3.Connection) -> None:
    """A database written before the fix can hold a claim flagged with no report on the other
    side: the digest shows no mark it cannot explain."""
    ingest(conn, [{**OFFER_HIGH, "seen": stamp(0.3)}])
    ingest(conn, [{**OFFER_REPEAT, "seen": stamp(0.2)}])
    with write(conn):
        conn.execute("UPDATE claims SET conflicting = 1")
        conn.execute("UPDATE claim_appearances SET conflicting = 1 WHERE is_new = 1")
    (group,) = digest.build(conn, "24h").new_groups
    assert [c.conflicting for c in group.claims] == [False] and group.conflicts == []


CUTS = "Northwind Labs cuts {} jobs in its robotics unit"


def test_conflicts_are_capped_per_group_in_every_format(conn: sqlite3.Connection) -> None:
    """One digest printed 1986 conflict lines, about 50 under one group. Like claims, a group
    lists six, then counts the rest; a claim marked conflicting has a report named among the
    six even when another claim has many more."""
    first = {
        "feed": "Tally",
        "title": CUTS.format(300),
        "summary": "Northwind Labs pays $40 million in severance to the robotics staff.",
        "published": "2025-06-22T08:00:00Z",
        "seen": stamp(0.5),
    }
    others = [
        {
            "feed": f"Desk {n}",
            "title": CUTS.format(n),
            "published": f"2025-06-22T{n // 10:02d}:00:00Z",
        }
        for n in range(110, 190, 10)
    ]
    severance = {
        "feed": "Desk S",
        "title": CUTS.format(300),
        "summary": "Northwind Labs pays $55 million in severance to the robotics staff.",
        "published": "2025-06-22T20:00:00Z",
    }
    ingest(conn, [first])
    for n, story in enumerate([*others, severance]):
        ingest(conn, [{**story, "seen": stamp(0.4 - n / 100)}])
    report = digest.build(conn, "24h")
    (group,) = report.new_groups
    assert [c.conflicting for c in group.claims] == [True, True]
    assert len(group.conflicts) == digest.MAX_CONFLICTS and group.more_conflicts == 3
    assert "$55 million" in group.conflicts[-1].text  # the severance claim's only report
    text = digest.render(report, "text")
    assert text.count("! conflicting:") == 6 and "         … and 3 more conflicts\n" in text
    markdown = digest.render(report, "markdown")
    assert markdown.count("- **conflicting:**") == 6 and "- … and 3 more conflicts\n" in markdown
    data = json.loads(digest.render(report, "json"))["new_groups"][0]
    assert len(data["conflicts"]) == 6 and data["more_conflicts"] == 3


def test_a_claim_already_reported_is_not_new_when_a_slow_feed_moves_its_first_appearance(
    conn: sqlite3.Connection,
) -> None:
    quick = {**OLD[0], "published": "2025-06-12T20:00:00Z", "seen": stamp(2)}
    ingest(conn, [quick])
    first = digest.build(conn, "last")
    assert [c.source for g in first.new_groups for c in g.claims] == ["Desk A", "Desk A"]
    digest.mark_sent(conn, first)
    slow = {
        "feed": "Slow Desk",
        "title": "Facebook's parent puts $14.3B into Scale AI",
        "published": "2025-06-12T16:00:00Z",  # before Desk A's story, polled after it
        "url": "https://slow.example/scale",
        "seen": stamp(0),  # stored after the digest
    }
    ingest(conn, [slow])
    source = conn.execute(
        "SELECT f.title FROM claims c JOIN stories s ON s.id = c.first_story_id "
        "JOIN feeds f ON f.id = s.feed_id WHERE c.text = ?",
        (slow["title"],),
    ).fetchone()
    assert source is not None and source[0] == "Slow Desk"  # the first appearance moved
    for since in ("last", "24h"):
        report = digest.build(conn, since)
        assert not report.new_groups and not report.updated_groups, since
        assert report.repeated_groups == 1  # more coverage, nothing new


def test_text_output_has_no_escape_codes(filled: sqlite3.Connection) -> None:
    text = digest.render(digest.build(filled, "24h"), "text")
    assert "\x1b" not in text and "\x07" not in text
    assert "NEW" in text and "+ new: … taking a 49% stake" in text
    assert "1 other group got more coverage with nothing new." in text


def test_an_updated_group_links_the_report_with_its_news(conn: sqlite3.Connection) -> None:
    """An updated group's text had no link at all, and its Markdown linked only the story the
    group is titled after, not the report that says what is new."""
    ingest(conn, OLD)
    ingest(conn, [{**ADDS_FIGURE, "url": "https://c.example/stake"}, NEW_EVENT])
    report = digest.build(conn, "24h")
    text = digest.render(report, "text")
    updated = text[text.index("UPDATED") :]
    assert "+ new: … taking a 49% stake" in updated
    assert "\n         https://c.example/stake\n" in updated
    markdown = digest.render(report, "markdown")
    assert "— *[Desk C](<https://c.example/stake>)*" in markdown
    # a new group's claims link their reports too
    assert "— *[Desk \\[b\\]C\\[/b\\]](<https://c.example/cuts>)*" in markdown


def test_markdown_escapes_feed_text(filled: sqlite3.Connection) -> None:
    markdown = digest.render(digest.build(filled, "24h"), "markdown")
    assert "\x1b" not in markdown
    assert "\\*600\\*" in markdown
    assert "\\[its AI unit\\](https://evil.example)" in markdown
    assert re.search(r"(?<!\\)\]\(https://evil", markdown) is None  # no live link
    assert "[Meta cuts" in markdown and "(<https://c.example/cuts>)" in markdown
    assert "Desk \\[b\\]C\\[/b\\]" in markdown


def test_json_is_the_whole_report(filled: sqlite3.Connection) -> None:
    data = json.loads(digest.render(digest.build(filled, "24h"), "json"))
    assert set(data) >= {"since", "generated", "new_groups", "updated_groups", "repeated_groups"}
    assert data["updated_groups"][0]["claims"][0]["text"] == "… taking a 49% stake"
    assert "\x1b" not in json.dumps(data, ensure_ascii=False)


def test_unknown_format_is_refused(filled: sqlite3.Connection) -> None:
    with pytest.raises(ValueError):
        digest.render(digest.build(filled, "24h"), "html")


def test_cli_digest_prints_then_marks_sent(filled: sqlite3.Connection, db_path: Path) -> None:
    config = db_path.parent / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    runner = CliRunner()
    args = ["digest", "--config", str(config), "--db", str(db_path)]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "3 new groups" in first.output
    second = runner.invoke(cli, args)
    assert second.exit_code == 0 and second.output.startswith("Nothing new since")
    bad = runner.invoke(cli, [*args, "--since", "soon"])
    assert bad.exit_code == 2 and "--since" in bad.output
    as_json = runner.invoke(cli, [*args, "--since", "7d", "--format", "json"])
    assert as_json.exit_code == 0 and len(json.loads(as_json.output)["new_groups"]) == 3


def test_a_digest_that_cannot_be_marked_is_not_printed(
    filled: sqlite3.Connection, db_path: Path
) -> None:
    """`--since last` on a database that cannot be written: an error and no digest (it printed
    the digest, then failed, so `digest > mail || alert` did both)."""
    report = digest.build(filled, "last")
    readonly = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None)
    printed: list[str] = []
    try:
        with pytest.raises(sqlite3.OperationalError):
            digest.mark_sent(readonly, report, deliver=lambda: printed.append("digest"))
    finally:
        readonly.close()
    assert printed == []
    failed: list[str] = []

    def broken_pipe() -> None:
        failed.append("tried")
        raise BrokenPipeError

    with pytest.raises(BrokenPipeError):
        digest.mark_sent(filled, report, deliver=broken_pipe)
    assert failed and digest.build(filled, "last").new_groups == report.new_groups


def test_an_outlet_under_two_addresses_is_listed_once(conn: sqlite3.Connection) -> None:
    """A feed whose URL changed in feeds.yaml leaves its old row, named like the new one: the
    group said "Bytewire, Ledger, Pulse, Pulse"."""
    from tests.test_queries import THREE_OUTLETS, resubscribe

    ids, _ = ingest(conn, THREE_OUTLETS)
    resubscribe(conn, ids[1], "Pulse")
    (group,) = digest.build(conn, "last").new_groups
    assert group.sources == ["Bytewire", "Ledger", "Pulse"]
    text = digest.render(digest.build(conn, "last"), "text")
    assert "3 stories · Bytewire, Ledger, Pulse\n" in text


def edit(conn: sqlite3.Connection, story: int, **text: str) -> None:
    """The story's text changes (a column of `stories`), as a poll of its edited feed stores it."""
    from monitor.grouping import process_stories
    from tests.test_grouping import SETTINGS

    ((column, value),) = text.items()
    with write(conn):
        conn.execute(
            f"UPDATE stories SET {column} = ?, updated_at = ? WHERE id = ?",
            (value, stamp(0), story),  # (edited now, after any digest made before)
        )
        process_stories(conn, [story], SETTINGS)


def test_a_group_whose_news_is_an_edited_story_says_so(conn: sqlite3.Connection) -> None:
    """It read "0 stories since" over the edited story's new claim."""
    (story, _), _ = ingest(conn, OLD)
    edit(conn, story, summary="Meta will pay Scale AI's investors a $2 billion dividend.")
    report = digest.build(conn, "24h")
    (updated,) = report.updated_groups
    assert (updated.new_stories, updated.updated_stories) == (0, 1)
    assert "0 stories since, 1 updated, 1 story in all" in digest.render(report, "text")


def test_a_corrected_figure_is_reported_once_in_every_format(conn: sqlite3.Connection) -> None:
    """A cron reader sees that Desk A changed its figure (and what it said before); the next
    `--since last` digest does not report it again."""
    (story, _), _ = ingest(conn, OLD)
    digest.mark_sent(conn)
    edit(conn, story, title="Meta invests $15 billion in Scale AI")
    report = digest.build(conn, "last")
    (updated,) = report.updated_groups
    assert [(c.was, c.now, c.source) for c in updated.corrections] == [
        ("Meta invests $14.3 billion in Scale AI", "Meta invests $15 billion in Scale AI", "Desk A")
    ]
    text = digest.render(report, "text")
    assert (
        "~ corrected: Meta invests $15 billion in Scale AI  (Desk A); "
        "was: Meta invests $14.3 billion in Scale AI"
    ) in text
    assert "+ new: Meta invests $15 billion" not in text  # the correction line says it
    assert "**corrected:** Meta invests $15 billion in Scale AI" in digest.render(
        report, "markdown"
    )
    assert json.loads(digest.render(report, "json"))["updated_groups"][0]["corrections"]
    digest.mark_sent(conn, report)
    assert digest.build(conn, "last").empty


def test_a_group_without_a_headline_is_named_by_what_it_says(conn: sqlite3.Connection) -> None:
    """An item with no title printed as an empty "NEW      " line."""
    ingest(
        conn,
        [
            {
                "feed": "Desk D",
                "title": "",
                "summary": "A short note without a headline says the lab hired two people.",
                "seen": stamp(0.1),
            }
        ],
    )
    (group,) = digest.build(conn, "24h").new_groups
    assert group.title == "A short note without a headline says the lab hired two people."
    assert "NEW      A short note" in digest.render(digest.build(conn, "24h"), "text")


def test_a_new_feeds_backlog_is_no_news_since_the_last_digest(conn: sqlite3.Connection) -> None:
    """A feed added today brings its backlog, dated by publication; `--since last` went by row
    ids alone and listed the feed's week-old items as NEW."""
    ingest(conn, [OLD[0]])
    digest.mark_sent(conn)
    backlog = {
        "feed": "New Desk",
        "title": "Harbour Lab opens a depot in Tallin Bay",
        "published": stamp(7),
        "seen": stamp(7),  # a first fetch dates its items by publication
    }
    today = {
        "feed": "New Desk",
        "title": "Orrery hires Ilse Varga to run its lab",
        "published": stamp(0),
        "seen": stamp(0),
    }
    ingest(conn, [backlog, today])
    report = digest.build(conn, "last")
    assert [g.title for g in report.new_groups] == [today["title"]]
