"""The UI's read-side SQL: keyed windows agree with one big read, filters, search, marks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor import queries as q
from monitor.db import connect, write
from monitor.tui.sample import fill

NOW = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = connect(tmp_path / "q.db")
    fill(connection, stories=240, now=NOW, seed=3)
    try:
        yield connection
    finally:
        connection.close()


def everything(query: q.GroupQuery) -> list[q.GroupRow]:
    return query.page_at(0, 1_000_000)


def walk_forward(query: q.GroupQuery, size: int) -> list[q.GroupRow]:
    rows: list[q.GroupRow] = []
    after = None
    while True:
        page = query.page_after(after, size)
        rows += page
        if len(page) < size:
            return rows
        after = (page[-1].activity, page[-1].key)


def walk_backward(query: q.GroupQuery, size: int) -> list[q.GroupRow]:
    rows: list[q.GroupRow] = []
    before = None
    while True:
        page = query.page_before(before, size)
        rows = page + rows
        if len(page) < size:
            return rows
        before = (page[0].activity, page[0].key)


FILTERS = [
    q.Filters(),
    q.Filters(unread=True),
    q.Filters(starred=True),
    q.Filters(tag="talent"),
    q.Filters(window_hours=72),
    q.Filters(search="behemoth"),
    q.Filters(search="lla"),
    q.Filters(tag="llama", unread=True, window_hours=336, search="meta"),
    q.Filters(feed=6),
    q.Filters(feed=2, tag="msl", window_hours=336, search="meta"),
    q.Filters(feed=2, tag="llama", unread=True, search="meta"),
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f.describe()) or "all")
def test_keyed_pages_agree_with_one_read(conn: sqlite3.Connection, filters: q.Filters) -> None:
    query = q.GroupQuery(conn, filters, NOW)
    full = everything(query)
    assert query.count() == len(full)
    keys = [row.key for row in full]
    assert len(set(keys)) == len(keys)
    order = [(row.activity, row.key) for row in full]
    assert order == sorted(order, reverse=True)
    assert [r.key for r in walk_forward(query, 7)] == keys
    assert [r.key for r in walk_backward(query, 7)] == keys
    for index in (0, 3, len(full) // 2, len(full) - 1):
        if 0 <= index < len(full):
            assert query.position(full[index].key) == (index, full[index].key)
    query.close()


def test_sample_mixes_groups_and_lone_stories(conn: sqlite3.Connection) -> None:
    rows = everything(q.GroupQuery(conn, q.Filters(), NOW))
    lone = [row for row in rows if row.is_lone]
    grouped = [row for row in rows if not row.is_lone]
    assert lone and grouped
    assert all(row.story_count == 1 and row.story_id for row in lone)
    stories_in_view = len(lone) + sum(row.story_count for row in grouped)
    assert stories_in_view == conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0]


def test_without_any_group_every_story_is_a_row(tmp_path: Path) -> None:
    connection = connect(tmp_path / "flat.db")
    fill(connection, stories=50, now=NOW, grouped=0.0)
    query = q.GroupQuery(connection, q.Filters(), NOW)
    rows = everything(query)
    assert len(rows) == 50 and all(row.is_lone for row in rows)
    assert q.group_stories(connection, rows[0])[0].id == rows[0].story_id
    connection.close()


def test_filters_match_their_meaning(conn: sqlite3.Connection) -> None:
    def keys(filters: q.Filters) -> set[int]:
        return {row.key for row in everything(q.GroupQuery(conn, filters, NOW))}

    everything_keys = keys(q.Filters())
    unread = keys(q.Filters(unread=True))
    assert unread == {r.key for r in everything(q.GroupQuery(conn, q.Filters(), NOW)) if r.unread}
    starred = keys(q.Filters(starred=True))
    assert starred and starred == {
        r.key for r in everything(q.GroupQuery(conn, q.Filters(), NOW)) if r.starred
    }
    recent = everything(q.GroupQuery(conn, q.Filters(window_hours=24), NOW))
    cutoff = (NOW - timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert recent and all(row.activity >= cutoff for row in recent)
    tagged = everything(q.GroupQuery(conn, q.Filters(tag="scale-ai"), NOW))
    assert tagged and all("scale-ai" in row.tags for row in tagged)
    assert keys(q.Filters(tag="no-such-tag")) == set()
    assert unread < everything_keys


BLOOMBERG = "https://www.bloomberg.example/technology/rss"


def feed_items(conn: sqlite3.Connection, feed_id: int, story_filter: str = "1") -> set[int]:
    """Keys of the items with a story `feed_id` carried that passes `story_filter`, by hand."""
    rows = conn.execute(
        "SELECT s.id, s.group_id FROM story_sources ss JOIN stories s ON s.id = ss.story_id "
        f"WHERE ss.feed_id = ? AND {story_filter}",
        (feed_id,),
    )
    return {sid * 2 if gid is None else gid * 2 + 1 for sid, gid in rows}


def test_the_feed_filter_lists_the_items_with_a_story_from_the_feed(
    conn: sqlite3.Connection,
) -> None:
    def keys(filters: q.Filters) -> set[int]:
        return {row.key for row in everything(q.GroupQuery(conn, filters, NOW))}

    found = q.feed_source(conn, BLOOMBERG)
    assert found is not None
    feed_id, name = found
    assert name == "Bloomberg Tech"
    assert q.feed_source(conn, "https://nowhere.example/feed") is None
    mine = keys(q.Filters(feed=feed_id))
    assert mine and mine == feed_items(conn, feed_id) and mine < keys(q.Filters())
    assert keys(q.Filters(feed=9999)) == set()

    # A story another feed carried as well counts for that feed too (so does its group).
    other = next(
        row for row in everything(q.GroupQuery(conn, q.Filters(), NOW)) if row.key not in mine
    )
    story = q.group_stories(conn, other)[0]
    with write(conn):
        conn.execute(
            "INSERT INTO story_sources (feed_id, key, story_id, first_seen) VALUES (?, ?, ?, ?)",
            (feed_id, "carried-too", story.id, story.first_seen),
        )
    assert other.key in keys(q.Filters(feed=feed_id))

    # Combined, one story must pass every filter, as with the tag.
    assert keys(q.Filters(feed=feed_id, unread=True)) == feed_items(conn, feed_id, "NOT s.read")
    tagged = "s.id IN (SELECT story_id FROM story_tags WHERE tag = 'llama')"
    assert keys(q.Filters(feed=feed_id, tag="llama")) == feed_items(conn, feed_id, tagged)
    searched = (
        f"s.id IN (SELECT rowid FROM stories_fts WHERE stories_fts MATCH '{q.fts_query('meta')}')"
    )
    assert keys(q.Filters(feed=feed_id, search="meta")) == feed_items(conn, feed_id, searched)

    filters = q.Filters(feed=feed_id, feed_name=name, unread=True)
    assert filters.active and filters.describe() == ["feed Bloomberg Tech", "unread"]
    assert q.Filters(feed=feed_id).describe() == [f"feed #{feed_id}"]


def test_a_feeds_own_stories_come_first_in_its_groups(conn: sqlite3.Connection) -> None:
    found = q.feed_source(conn, BLOOMBERG)
    assert found is not None
    feed_id, name = found

    def order(stories: list[q.StoryRow]) -> list[int]:
        return [story.id for story in stories]

    for item in everything(q.GroupQuery(conn, q.Filters(feed=feed_id), NOW)):
        newest_first = q.group_stories(conn, item)
        if newest_first[0].source != name:
            break
    else:
        pytest.fail("no group where another outlet's story is the newest")
    assert not any(story.in_feed for story in newest_first)
    first = q.group_stories(conn, item, feed=feed_id)
    ours = {story.id for story in first if story.in_feed}
    assert ours and all(story.source == name for story in first if story.in_feed)
    assert order(first) == [s.id for s in newest_first if s.id in ours] + [
        s.id for s in newest_first if s.id not in ours
    ]


def test_with_the_starred_filter_a_groups_starred_stories_come_first(
    conn: sqlite3.Connection,
) -> None:
    """`*` lists groups with a starred story, but the group opened on its newest story: the
    saved one had to be looked for."""
    for item in everything(q.GroupQuery(conn, q.Filters(), NOW)):
        stories = q.group_stories(conn, item)
        if len(stories) >= 3:
            break
    else:
        pytest.fail("no group of three stories")
    oldest = stories[-1]
    q.set_starred(conn, oldest.id, True)
    assert q.group_stories(conn, item)[0].id == stories[0].id
    starred = q.group_stories(conn, item, starred_first=True)
    assert starred[0].id == oldest.id and starred[0].starred
    assert [s.id for s in starred[1:]] == [s.id for s in stories[:-1]]


def test_search_is_full_text_and_never_a_syntax_error(conn: sqlite3.Connection) -> None:
    rows = everything(q.GroupQuery(conn, q.Filters(search="Behemoth"), NOW))
    assert rows
    for row in rows:
        stories = q.group_stories(conn, row)
        assert any("behemoth" in s.title.lower() for s in stories)
    for hostile in ['"', "AND OR NOT", "title:x", "(", "*", "NEAR(a b)", "x' OR 1=1 --", "^"]:
        query = q.GroupQuery(conn, q.Filters(search=hostile), NOW)
        query.count()
        query.page_after(None, 10)
        query.close()


def test_a_word_inside_chinese_or_japanese_text_is_found(conn: sqlite3.Connection) -> None:
    """The index keeps a run of such text as one word: "智能" found nothing in "超级智能实验室",
    only searches for the run's start did."""
    from monitor.db import write

    story = conn.execute("SELECT id FROM stories ORDER BY id LIMIT 1").fetchone()[0]
    with write(conn):
        conn.execute(
            "UPDATE stories SET title = ?, summary = ? WHERE id = ?",
            ("Meta超级智能实验室发布Llama新模型", "100%_的 新闻", story),
        )
    for search in ("智能", "实验室 Llama", "Llama新模型", "的"):
        query = q.GroupQuery(conn, q.Filters(search=search), NOW)
        rows = everything(query)
        ids = {s.id for row in rows for s in q.group_stories(conn, row)}
        assert story in ids and query.matched([story]) == {story}, search
        query.close()
    assert q.Filters(search="智能").describe() == ['search "智能"']
    for missing in ("智能 nonexistentword", "没有", "%_"):
        query = q.GroupQuery(conn, q.Filters(search=missing), NOW)
        assert story not in {s.id for r in everything(query) for s in q.group_stories(conn, r)}
        query.close()


def test_fts_query_quotes_every_word() -> None:
    assert q.fts_query("") == ""
    assert q.fts_query("  ") == ""
    assert q.fts_query("llama beh") == '"llama" "beh"*'
    assert q.fts_query("llama ") == '"llama"'
    assert q.fts_query('meta OR "x') == '"meta" OR "x"*'
    assert q.fts_query("laundry OR socks ") == '"laundry" OR "socks"'
    assert q.fts_query("OR laundry OR OR socks OR") == '"laundry" OR "socks"'
    assert q.fts_query("or") == '"or"*' and q.fts_query("OR") == ""
    assert q.fts_query("(*)") == ""


def test_search_tables_are_dropped(conn: sqlite3.Connection) -> None:
    query = q.GroupQuery(conn, q.Filters(search="meta"), NOW)
    temp = "SELECT COUNT(*) FROM sqlite_temp_master WHERE type = 'table'"
    assert conn.execute(temp).fetchone()[0] == 2
    query.close()
    query.close()
    assert conn.execute(temp).fetchone()[0] == 0


def test_position_follows_a_group_that_moved(conn: sqlite3.Connection) -> None:
    query = q.GroupQuery(conn, q.Filters(), NOW)
    rows = everything(query)
    old = next(row for row in rows[10:] if not row.is_lone)
    with write(conn):
        conn.execute(
            "UPDATE groups SET last_seen = ? WHERE id = ?",
            ((NOW + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ"), old.group_id),
        )
    assert q.GroupQuery(conn, q.Filters(), NOW).position(old.key) == (0, old.key)


def test_an_item_without_a_headline_is_listed_by_what_it_says(
    conn: sqlite3.Connection,
) -> None:
    """Every post of a Mastodon feed (no titles) was "(untitled)" in the lists."""
    rows = everything(q.GroupQuery(conn, q.Filters(), NOW))
    lone = next(row for row in rows if row.is_lone)
    group = next(row for row in rows if not row.is_lone)
    post = "Our lab now trains on the new cluster, " * 5
    with write(conn):
        conn.execute(
            "UPDATE stories SET title = ' ', summary = ? WHERE id = ?", (post, lone.story_id)
        )
        conn.execute("UPDATE groups SET title = '' WHERE id = ?", (group.group_id,))
        conn.execute(
            "UPDATE stories SET summary = 'A short post' WHERE id = "
            "(SELECT min(id) FROM stories WHERE group_id = ?)",
            (group.group_id,),
        )
    titles = {row.key: row.title for row in everything(q.GroupQuery(conn, q.Filters(), NOW))}
    assert titles[lone.key] == post[: q.UNTITLED_CHARS].strip() + "…"
    assert titles[group.key] == "A short post"
    (story,) = q.group_stories(conn, lone)
    assert story.title == titles[lone.key]


def test_one_outlets_correction_through_two_feeds_is_listed_once(
    conn: sqlite3.Connection,
) -> None:
    """An outlet subscribed directly and carried by a news search corrected its figure: the
    claims pane and the digest listed the same "✎ … corrected" twice."""
    group = next(
        row for row in everything(q.GroupQuery(conn, q.Filters(), NOW)) if row.story_count > 2
    )
    first, second, third = [s.id for s in q.group_stories(conn, group)][:3]
    with write(conn):
        conn.execute("DELETE FROM claim_corrections")
        conn.execute(
            "UPDATE stories SET outlet = 'Harbor Ledger' WHERE id IN (?, ?)", (first, second)
        )
        conn.executemany(
            "INSERT INTO claim_corrections (story_id, was, now, noticed) VALUES (?, ?, ?, ?)",
            [(sid, "for $2.1 billion", "for $2.4 billion", "2025-06-20T11:00:00Z")
             for sid in (first, second, third)],
        )  # fmt: skip
    fixes = q.group_corrections(conn, group)
    assert len(fixes) == 2 and [f.source for f in fixes].count("Harbor Ledger") == 1


def test_lone_story_that_joined_a_group_resolves_to_it(conn: sqlite3.Connection) -> None:
    query = q.GroupQuery(conn, q.Filters(), NOW)
    rows = everything(query)
    lone = next(row for row in rows if row.is_lone)
    group = next(row for row in rows if not row.is_lone)
    with write(conn):
        conn.execute(
            "UPDATE stories SET group_id = ? WHERE id = ?", (group.group_id, lone.story_id)
        )
    found = q.GroupQuery(conn, q.Filters(), NOW).position(lone.key)
    assert found is not None and found[1] == group.key
    with write(conn):
        conn.execute("DELETE FROM stories WHERE id = ?", (lone.story_id,))
    assert q.GroupQuery(conn, q.Filters(), NOW).position(lone.key) is None  # gone


def test_newest_claims_are_marked_new(conn: sqlite3.Connection) -> None:
    rows = everything(q.GroupQuery(conn, q.Filters(), NOW))
    item = next(row for row in rows if row.new_claims and row.claim_count > row.new_claims)
    claims = q.group_claims(conn, item)
    assert [c.new for c in claims] == [i < item.new_claims for i in range(len(claims))]
    assert [c.first_seen for c in claims] == sorted((c.first_seen for c in claims), reverse=True)


def test_story_detail_has_why_and_claims(conn: sqlite3.Connection) -> None:
    story_id = conn.execute(
        "SELECT story_id FROM claim_appearances ORDER BY story_id LIMIT 1"
    ).fetchone()[0]
    detail = q.story_detail(conn, story_id)
    assert detail is not None
    assert detail.tags and detail.tags[0].rule.endswith("-keywords") and detail.tags[0].matched
    assert detail.claims and detail.claims[0].claim_text
    assert detail.seen_in == (detail.source,)
    assert q.story_detail(conn, 10**9) is None


def test_a_feed_named_with_a_paragraph_is_named_short(conn: sqlite3.Connection) -> None:
    """A 500-character feed title took eight lines of the story view's header."""
    story_id, feed_id = conn.execute("SELECT id, feed_id FROM stories LIMIT 1").fetchone()
    with write(conn):
        conn.execute("UPDATE feeds SET title = ? WHERE id = ?", ("Desk news " * 50, feed_id))
    detail = q.story_detail(conn, story_id)
    assert detail is not None
    assert len(detail.source) == q.SOURCE_CHARS and detail.source.endswith("news…")


def test_story_detail_names_its_source_first_and_others_once(conn: sqlite3.Connection) -> None:
    """Feeds that deliver one link in the same second: the story's own feed is the source and
    never in "also carried by", each other feed appears once."""
    story_id, feed_id, first_seen = conn.execute(
        "SELECT id, feed_id, first_seen FROM stories ORDER BY id LIMIT 1"
    ).fetchone()
    others = [
        r[0] for r in conn.execute("SELECT id FROM feeds WHERE id != ? ORDER BY id", (feed_id,))
    ][:2]
    assert others
    conn.execute("DELETE FROM story_sources WHERE story_id = ?", (story_id,))
    early = "2000-01-01T00:00:00Z"
    rows = [(other, f"k{other}", story_id, early) for other in others]
    rows += [(others[0], "again", story_id, early), (feed_id, "own", story_id, first_seen)]
    conn.executemany(
        "INSERT INTO story_sources (feed_id, key, story_id, first_seen) VALUES (?, ?, ?, ?)", rows
    )
    detail = q.story_detail(conn, story_id)
    assert detail is not None
    assert detail.seen_in[0] == detail.source
    assert len(detail.seen_in) == 1 + len(others) == len(set(detail.seen_in))


def test_new_claims_in_the_list_count_wordings_as_the_pane_shows_them(
    conn: sqlite3.Connection,
) -> None:
    """One sentence with two figures is two claims in the core but one line in the claims pane:
    the row's "N new" counts it once (it said 3 new beside a pane with 2)."""
    group_id = conn.execute("SELECT id FROM groups ORDER BY id LIMIT 1").fetchone()[0]
    late = "2999-01-01T00:00:00Z"
    conn.executemany(
        "INSERT INTO claims (group_id, key, text, first_seen) VALUES (?, ?, ?, ?)",
        [
            (group_id, "money:14300000000", "Acme takes 49% for $14.3 billion", late),
            (group_id, "percent:49", "Acme takes 49% for $14.3 billion", late),
            (group_id, "person:ada", "Ada Byron joins Acme", late),
        ],
    )
    conn.execute("UPDATE groups SET new_claims = 3 WHERE id = ?", (group_id,))
    (row,) = [r for r in q.group_rows(conn, [group_id * 2 + 1])]
    assert row.new_claims == 3 and row.new_shown == 2
    conn.execute("UPDATE groups SET new_claims = 0 WHERE id = ?", (group_id,))
    (row,) = [r for r in q.group_rows(conn, [group_id * 2 + 1])]
    assert row.new_shown == 0


def test_marks_are_written(conn: sqlite3.Connection) -> None:
    rows = everything(q.GroupQuery(conn, q.Filters(), NOW))
    item = next(row for row in rows if not row.is_lone and row.unread and not row.seen)
    q.mark_group_seen(conn, item.group_id or 0)
    after = q.group_row(conn, item.key)
    assert after is not None and after.seen and after.new_claims == 0 and after.unread
    q.mark_group_read(conn, item.group_id or 0)
    after = q.group_row(conn, item.key)
    assert after is not None and after.unread == 0
    story = q.group_stories(conn, item)[0]
    q.set_read(conn, [story.id], False)
    q.set_starred(conn, story.id, True)
    again = q.group_stories(conn, item)[0]
    assert not again.read and again.starred


def test_tag_infos_count_per_day(conn: sqlite3.Connection) -> None:
    infos = q.tag_infos(conn, NOW)
    assert [i.tag for i in infos] == sorted(i.tag for i in infos)
    for info in infos:
        assert len(info.per_day) == q.SPARK_DAYS
        assert sum(info.per_day) <= info.stories
    total = conn.execute("SELECT COUNT(*) FROM story_tags WHERE tag = 'llama'").fetchone()[0]
    assert next(i for i in infos if i.tag == "llama").stories == total


def test_tag_names_is_a_distinct_sorted_list(conn: sqlite3.Connection) -> None:
    expected = [r[0] for r in conn.execute("SELECT DISTINCT tag FROM story_tags")]
    assert q.tag_names(conn) == sorted(expected, key=q.tag_order)
    with write(conn):
        conn.execute(
            "UPDATE story_tags SET tag = 'Zeta-folder' WHERE (story_id, tag) = "
            "(SELECT story_id, tag FROM story_tags ORDER BY story_id, tag LIMIT 1)"
        )
    assert q.tag_names(conn)[-1] == "Zeta-folder"  # not first, as in binary order
    with write(conn):
        conn.execute("DELETE FROM story_tags")
    assert q.tag_names(conn) == []


def test_tag_sparkline_matches_tag_infos(conn: sqlite3.Connection) -> None:
    for info in q.tag_infos(conn, NOW):
        assert q.tag_sparkline(conn, info.tag, NOW) == info.per_day


def test_poll_state(conn: sqlite3.Connection) -> None:
    state = q.poll_state(conn)
    assert state.last_poll and state.feeds == 12 and state.failing == 1 and state.next_check


def test_hostile_text_comes_back_clean(conn: sqlite3.Connection) -> None:
    with write(conn):
        conn.execute(
            "UPDATE stories SET title = ? WHERE id = (SELECT MAX(id) FROM stories)",
            ("\x1b]0;pwned\x07[b]bold[/b] \u202eevil\x1b[31m",),
        )
    rows = everything(q.GroupQuery(conn, q.Filters(), NOW))
    titles = [s.title for row in rows[:5] for s in q.group_stories(conn, row)]
    hostile = next(t for t in titles if "bold" in t)
    assert hostile == "[b]bold[/b] evil"


def test_stories_since(conn: sqlite3.Connection) -> None:
    """What a poll the UI did not run added: stories first seen after the poll before it."""
    total = conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0]
    assert q.stories_since(conn, "") == total
    newest = conn.execute("SELECT MAX(first_seen) FROM stories").fetchone()[0]
    assert q.stories_since(conn, newest) == 0
    hour_ago = (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    expected = conn.execute(
        "SELECT COUNT(*) FROM stories WHERE first_seen > ?", (hour_ago,)
    ).fetchone()[0]
    assert q.stories_since(conn, hour_ago) == expected


# One outlet subscribed under two addresses (its URL changed in feeds.yaml): the old feed row
# stays with the stories it brought, and both rows carry the outlet's name.

THREE_OUTLETS = [
    {
        "feed": "Bytewire",
        "title": "Meta opens a superintelligence lab led by Alexandr Wang",
        "summary": "Meta puts 14 billion dollars into Scale AI and opens a lab Wang will lead.",
    },
    {
        "feed": "Pulse",
        "title": "Meta superintelligence lab to be led by Alexandr Wang",
        "summary": "Meta opens a superintelligence lab that Wang leads after the Scale AI deal.",
    },
    {
        "feed": "Ledger",
        "title": "Alexandr Wang to lead new Meta superintelligence lab",
        "summary": "Wang leads the new Meta lab after the 14 billion dollar Scale AI deal.",
    },
]


def resubscribe(conn: sqlite3.Connection, story_id: int, title: str) -> None:
    """A second feed row named `title` that also carried the story, as after a URL change."""
    with write(conn):
        cursor = conn.execute(
            "INSERT INTO feeds (config_url, url, title) VALUES (?, ?, ?)",
            ("http://localhost:8931/pulse.xml", "http://localhost:8931/pulse.xml", title),
        )
        conn.execute(
            "INSERT INTO story_sources (feed_id, key, story_id, first_seen) VALUES (?, ?, ?, ?)",
            (cursor.lastrowid, "moved", story_id, "2025-06-12T13:00:00Z"),
        )


def test_an_outlet_under_two_addresses_is_one_source(tmp_path: Path) -> None:
    from tests.test_grouping import ingest

    connection = connect(tmp_path / "moved.db")
    ids, _ = ingest(connection, THREE_OUTLETS)
    resubscribe(connection, ids[1], "Pulse")
    stored = connection.execute("SELECT source_count FROM groups").fetchone()[0]
    assert stored == 4  # per feed row, as grouping keeps it
    (row,) = everything(q.GroupQuery(connection, q.Filters(), NOW))
    assert row.source_count == 3
    assert row.rank == q.item_rank(connection, row.key)  # ties still order as the SQL pages
    detail = q.story_detail(connection, ids[1])
    assert detail is not None and detail.seen_in == ("Pulse",)
    connection.close()


def test_a_lone_story_from_one_outlet_twice_is_one_source(tmp_path: Path) -> None:
    from tests.test_grouping import add_feed

    connection = connect(tmp_path / "lone.db")
    feed_id = add_feed(connection, "Pulse")
    with write(connection):
        story_id = connection.execute(
            "INSERT INTO stories (feed_id, title, first_seen, content_hash) VALUES (?, ?, ?, ?)",
            (feed_id, THREE_OUTLETS[1]["title"], "2025-06-12T12:00:00Z", "h"),
        ).lastrowid
        connection.execute(
            "INSERT INTO story_sources (feed_id, key, story_id, first_seen) VALUES (?, ?, ?, ?)",
            (feed_id, "k", story_id, "2025-06-12T12:00:00Z"),
        )
    assert story_id is not None
    resubscribe(connection, story_id, "pulse")  # names differing in case: still one outlet
    (row,) = everything(q.GroupQuery(connection, q.Filters(), NOW))
    assert row.is_lone and row.source_count == 1
    connection.close()


def test_distinct_sources_keeps_the_first_spelling() -> None:
    assert q.distinct_sources(["Pulse", "Bytewire", "PULSE", "pulse", "Ledger"]) == [
        "Pulse",
        "Bytewire",
        "Ledger",
    ]
