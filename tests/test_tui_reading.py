"""Reading in the UI: the story view's text, search results in the stories pane, the unread
filter while reading, tag numbers, long titles, dates. Pilot tests on the shared sample
database (helpers from test_tui_app)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Static

from monitor import queries as q
from monitor.db import connect, write
from monitor.export import export_stories
from monitor.tui.story import StoryScreen
from tests.test_tui_app import (
    NOW,
    SIZE,
    first_group_and_lone_story,
    listed,
    main,
    make_app,
    make_db,
    screen_text,
    settle,
)

pytestmark = pytest.mark.anyio


def first_group_with_claims(db: Path) -> tuple[int, q.GroupRow]:
    """(index in the list, row) of the first group whose first story states a claim."""
    conn = connect(db)
    try:
        rows = q.GroupQuery(conn, q.Filters(), NOW).page_after(None, 100)
        for index, row in enumerate(rows):
            if row.group_id is None:
                continue
            first = q.group_stories(conn, row)[0]
            detail = q.story_detail(conn, first.id)
            if detail is not None and detail.claims:
                return index, row
    finally:
        conn.close()
    raise AssertionError("the sample has no group with claims")


def set_story(db: Path, story_id: int, **columns: Any) -> None:
    conn = connect(db)
    try:
        with write(conn):
            for column, value in columns.items():
                conn.execute(f"UPDATE stories SET {column} = ? WHERE id = ?", (value, story_id))
    finally:
        conn.close()


# --- 1. the story view shows the article's full text ----------------------------------------


async def test_the_story_view_shows_the_full_text_with_claims_highlighted(tmp_path: Path) -> None:
    """A feed item with content:encoded: its several paragraphs are the story, not the short
    teaser; the claims' wording is highlighted in it; a long text scrolls."""
    db = make_db(tmp_path / "m.db", stories=80)
    index, row = first_group_with_claims(db)
    conn = connect(db)
    story = q.group_stories(conn, row)[0]
    detail = q.story_detail(conn, story.id)
    conn.close()
    assert detail is not None
    wording = detail.claims[0].text
    paragraphs = [
        "Opening paragraph of the quill-pen article, which the teaser never reaches.",
        f"The second paragraph states it plainly: {wording}.",
        *(f"Filler paragraph number {n} about lanterns and ledgers." for n in range(3, 40)),
        "Closing paragraph about the harbour lighthouse.",
    ]
    set_story(db, story.id, summary="A short teaser.", content="\n\n".join(paragraphs))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(index):
            await pilot.press("j")
        await pilot.press("l", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)
        text = screen_text(app)
        assert "Opening paragraph of the quill-pen article" in text
        assert "A short teaser." not in text
        body = app.screen.query_one("#story-body", Static).visual
        plain = body.plain  # type: ignore[union-attr]
        assert "\n\nThe second paragraph" in plain  # paragraphs kept
        start = plain.index(wording)
        styled = [
            span
            for span in body.spans  # type: ignore[union-attr]
            if span.start <= start and span.end >= start + len(wording)
        ]
        assert styled, "the claim's wording is not highlighted in the full text"
        assert "Closing paragraph about the harbour" not in screen_text(app)
        box = app.screen.query_one("#story-box", VerticalScroll)
        for _ in range(6):
            await pilot.press("pagedown")
        await settle(pilot)
        assert box.scroll_y > 0
        while "Closing paragraph about the harbour" not in screen_text(app):
            before = box.scroll_y
            await pilot.press("pagedown")
            await settle(pilot)
            assert box.scroll_y > before, "the full text does not scroll to its end"
        # g and G go to its top and end, as in the lists (G did nothing).
        await pilot.press("g")
        await settle(pilot)
        assert box.scroll_y == 0
        await pilot.press("G")
        await settle(pilot)
        assert box.scroll_y == box.max_scroll_y > 0


async def test_a_story_without_full_text_shows_its_summary(tmp_path: Path) -> None:
    db = make_db(tmp_path / "m.db", stories=40)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        story = main(app).stories.rows[0]
        await pilot.press("l", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)
        assert app.screen.story is not None and app.screen.story.content == ""
        assert f"{story.title}. Reporting from" in screen_text(app)


def test_export_carries_the_full_text(tmp_path: Path) -> None:

    db = make_db(tmp_path / "m.db", stories=5)
    set_story(db, 1, content="First paragraph of the lantern story.\n\nSecond paragraph.")
    conn = connect(db)
    out = io.StringIO()
    export_stories(conn, out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records[0]["content"] == "First paragraph of the lantern story.\n\nSecond paragraph."
    assert records[1]["content"] == ""
    out = io.StringIO()
    export_stories(conn, out, fmt="csv")
    conn.close()
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][-1] == "content" and rows[1][-1].startswith("First paragraph")


# --- 2. search shows which story matched ----------------------------------------------------


def biggest_group(db: Path) -> tuple[q.GroupRow, list[q.StoryRow]]:
    conn = connect(db)
    try:
        rows = q.GroupQuery(conn, q.Filters(), NOW).page_after(None, 200)
        row = max((r for r in rows if r.group_id is not None), key=lambda r: r.story_count)
        return row, q.group_stories(conn, row)
    finally:
        conn.close()


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_search_marks_the_stories_it_found_and_starts_on_the_first(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """`/` and a word: the open group's stories that match are marked (») and the stories
    cursor starts on the first of them, in view, though it is the group's last story."""
    db = make_db(tmp_path / "m.db", stories=200)
    row, stories = biggest_group(db)
    assert len(stories) >= 4
    target = stories[-1]
    set_story(db, target.id, summary="The weathervane quarrel of the harbour master.")
    second = stories[1]
    set_story(db, second.id, summary="The lamplighter's strike.")
    app = make_app(db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"weathervane", "enter")
        await settle(pilot)
        assert screen.filters.search == "weathervane"
        assert screen.groups.current is not None and screen.groups.current.key == row.key
        rows = screen.stories.rows
        assert [r.id for r in rows if r.matched] == [target.id]
        assert screen.stories.current is not None and screen.stories.current.id == target.id
        lines = [line for line in screen_text(app).splitlines() if "»" in line]
        assert len(lines) == 1 and target.title[:12] in lines[0]
        assert "1 found" in screen_text(app)
        # Another search that finds another story of the group still open: the cursor goes
        # to it (it stayed on a story the search no longer finds).
        await pilot.press("slash", *"lamplighter", "enter")
        await settle(pilot)
        assert screen.groups.current is not None and screen.groups.current.key == row.key
        assert screen.stories.current is not None and screen.stories.current.id == second.id
        # Without a search nothing is marked.
        await pilot.press("escape")
        await settle(pilot)
        assert not any(r.matched for r in screen.stories.rows)
        assert "»" not in screen_text(app)


def test_matched_probes_the_search_results_without_searching_again(tmp_path: Path) -> None:
    db = make_db(tmp_path / "m.db", stories=60)
    _row, stories = biggest_group(db)
    set_story(db, stories[1].id, summary="A weathervane on the roof.")
    conn = connect(db)
    statements: list[str] = []
    query = q.GroupQuery(conn, q.Filters(search="weathervane"), NOW)
    conn.set_trace_callback(statements.append)
    assert query.matched([s.id for s in stories]) == {stories[1].id}
    conn.set_trace_callback(None)
    assert statements and not any("stories_fts" in sql for sql in statements)
    assert q.GroupQuery(conn, q.Filters(), NOW).matched([s.id for s in stories]) == set()
    query.close()
    assert query.matched([s.id for s in stories]) == set()
    conn.close()


# --- 3. under "unread only", the group being read stays listed ------------------------------


async def test_the_group_being_read_stays_listed_under_the_unread_filter(tmp_path: Path) -> None:
    """`u`, a group's two unread stories read with Enter and `n`, then Esc: back in that
    group's stories (its claims still there to look at), not in the next group's; it leaves
    the list when the reader changes the filter, or has left it and the list is read again."""
    db = make_db(tmp_path / "m.db", stories=120)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        groups = [item for item in listed(screen, 4) if item.story_count >= 2]
        reading, other = groups[0], groups[1]
        mine = q.group_stories(app.read_conn, reading)[:2]
        theirs = q.group_stories(app.read_conn, other)[0]
        with write(app._writer()):
            app._writer().execute("UPDATE stories SET read = 1")
            app._writer().executemany(
                "UPDATE stories SET read = 0 WHERE id = ?",
                [(mine[0].id,), (mine[1].id,), (theirs.id,)],
            )
        app.check_database()
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert screen.groups.row_count == 2
        while screen.groups.current is None or screen.groups.current.key != reading.key:
            await pilot.press("j")
        await pilot.press("l", "enter")  # the first unread story
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)
        await pilot.press("n")  # the group's last unread story
        await settle(pilot)
        assert app.screen.story is not None and app.screen.story.id == mine[1].id
        conn = connect(db)
        unread = conn.execute(
            "SELECT COUNT(*) FROM stories WHERE group_id = ? AND NOT read", (reading.group_id,)
        ).fetchone()[0]
        conn.close()
        assert unread == 0
        app.check_database()  # the marks are read back at once, not after a second
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen.groups.current is not None and screen.groups.current.key == reading.key
        assert screen.stories.has_focus
        assert {row.id for row in screen.stories.rows} >= {mine[0].id, mine[1].id}
        assert screen.groups.row_count == 2
        # Another change to the database while the reader is still in the group: it stays.
        app.check_database()
        await settle(pilot)
        assert screen.groups.current.key == reading.key
        # Changing the filter is the reader's own reload: the read group goes.
        await pilot.press("u", "u")
        await settle(pilot)
        assert screen.groups.row_count == 1
        assert screen.groups.current is not None and screen.groups.current.key == other.key


def test_a_pinned_item_is_listed_whatever_the_filters(tmp_path: Path) -> None:
    db = make_db(tmp_path / "m.db", stories=60)
    conn = connect(db)
    group, lone = first_group_and_lone_story(conn)
    with write(conn):
        conn.execute("UPDATE stories SET read = 1")
    for item in (group, lone):
        query = q.GroupQuery(conn, q.Filters(unread=True), NOW, pin=item.key)
        assert query.count() == 1
        assert [r.key for r in query.page_after(None, 10)] == [item.key]
        assert query.position(item.key) == (0, item.key)
        query.close()
        assert q.GroupQuery(conn, q.Filters(unread=True), NOW).count() == 0
    conn.close()


# --- 4. tag numbers: the configured topics first, in their order -----------------------------


TOPICS = {
    "poll": {"parse_workers": 0},
    "topics": {
        "tags": {
            "scale-ai": {"rules": [{"name": "scale", "any": ["Scale AI"]}]},
            "msl": {"rules": [{"name": "lab", "any": ["Superintelligence"]}]},
        }
    },
}


async def test_tag_numbers_go_to_the_configured_topics_first(tmp_path: Path) -> None:
    """1-9 go to the topics (built-in ones, then feeds.yaml's, in their order), then feed and
    folder tags alphabetically: the filter bar, the number keys and the `t` picker agree, and
    a folder tag that arrives later ("Aardvark-Folder") renumbers nothing."""
    from monitor.config import settings_from_data
    from monitor.topics import resolve

    settings = settings_from_data(TOPICS, "test")
    topics = [topic.tag for topic in resolve(settings.topics)]
    assert topics[-2:] == ["scale-ai", "msl"]
    db = make_db(tmp_path / "m.db", stories=80)
    app = make_app(db, settings=settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        expected = [*topics, "policy"]  # (the sample stores no feed tags)
        assert [info.tag for info in screen.tags] == expected
        bar = screen_text(app).splitlines()[0]
        assert "1 talent  2 llama  3 meta_ai  4 scale-ai  5 msl  6 policy" in bar
        await pilot.press("4")
        await settle(pilot)
        assert screen.filters.tag == "scale-ai"
        await pilot.press("t")
        await settle(pilot)
        picker = app.screen
        assert [info.tag for info in picker.infos] == expected  # type: ignore[attr-defined]
        await pilot.press("5")
        await settle(pilot)
        assert screen.filters.tag == "msl"
        # A feed with a folder tag first in the alphabet is added and polled.
        conn = connect(db)
        with write(conn):
            conn.execute(
                "INSERT INTO story_tags (story_id, tag, rule, matched) "
                "VALUES (1, 'Aardvark-Folder', 'feed', '[]')"
            )
        conn.close()
        app.check_database()
        await settle(pilot)
        assert [info.tag for info in screen.tags][:6] == [*topics, "Aardvark-Folder"]


def test_tag_infos_list_the_topics_first_even_unused(tmp_path: Path) -> None:
    db = make_db(tmp_path / "m.db", stories=40)
    conn = connect(db)
    infos = q.tag_infos(conn, NOW, topics=["talent", "unused-topic", "llama"])
    names = q.tag_names(conn, ["talent", "unused-topic", "llama"])
    conn.close()
    assert [info.tag for info in infos] == names
    assert names[:3] == ["talent", "unused-topic", "llama"]
    assert names[3:] == sorted(names[3:], key=q.tag_order)
    assert infos[1].stories == 0 and len(infos[1].per_day) == q.SPARK_DAYS


# --- 5. long CJK titles in the wide layout's group header -----------------------------------

CJK_TITLE = (
    "港湾委員会は灯台の改修予算を承認し、漁師たちは新しい灯りを歓迎した。"
    "市議会は来年度さらに桟橋と倉庫の修理も計画している。"
)


async def test_the_wide_group_header_wraps_a_cjk_title_by_cells_dropping_nothing(
    tmp_path: Path,
) -> None:
    """At 160 columns the header has two lines for the title: a 60-character Japanese title
    (120 cells) fills both, and no character between them is lost."""
    assert len(CJK_TITLE) == 60
    db = make_db(tmp_path / "m.db", stories=40)
    conn = connect(db)
    first = q.GroupQuery(conn, q.Filters(), NOW).page_after(None, 1)[0]
    with write(conn):
        if first.group_id is not None:
            conn.execute("UPDATE groups SET title = ? WHERE id = ?", (CJK_TITLE, first.group_id))
        else:
            conn.execute("UPDATE stories SET title = ? WHERE id = ?", (CJK_TITLE, first.story_id))
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.has_class("-wide")
        head = screen.query_one("#detail-head", Static).visual
        lines = head.plain.split("\n")  # type: ignore[union-attr]
        assert lines[0] + lines[1] == CJK_TITLE
        assert CJK_TITLE[:20] in screen_text(app) and CJK_TITLE[-20:] in screen_text(app)


def test_wrap_title_counts_cells() -> None:
    from rich.cells import cell_len

    from monitor.tui.detail import wrap_title

    lines = wrap_title(CJK_TITLE, 30, 3)
    assert all(cell_len(line) <= 30 for line in lines)
    assert "".join(lines[:2]) == CJK_TITLE[:30] and lines[2].endswith("…")
    assert "".join(wrap_title(CJK_TITLE, 70, 2)) == CJK_TITLE
    assert wrap_title("Lamps and ledgers of the harbour", 16, 2) == [
        "Lamps and",
        "ledgers of the …",
    ]


# --- 6. a search with no words says so ------------------------------------------------------


@pytest.mark.parametrize("typed", ["🚀", '"', "&", "*", "OR"])
async def test_a_search_without_words_says_it_searched_nothing(tmp_path: Path, typed: str) -> None:
    db = make_db(tmp_path / "m.db", stories=40)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        everything = screen.groups.row_count
        await pilot.press("slash", *typed, "enter")
        await settle(pilot)
        assert screen.filters.search == typed
        assert screen.groups.row_count == everything  # nothing was searched for
        bar = screen_text(app).splitlines()[0]
        assert f'search "{typed}": no words to search for' in bar
        await pilot.press("x")
        await settle(pilot)
        assert "no words" not in screen_text(app).splitlines()[0]


# --- 7. a story from another year shows the year ---------------------------------------------


def test_short_time_gives_the_year_of_another_year() -> None:
    from monitor.tui.text import short_time

    assert short_time("2024-01-01T12:00:00Z", NOW) == "2024-01-01"
    assert short_time("2025-01-01T12:00:00Z", NOW) == "Jan 1"  # NOW is in 2025
    assert short_time(NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), NOW) == NOW.astimezone().strftime("%H:%M")


async def test_a_story_row_from_another_year_shows_its_year(tmp_path: Path) -> None:
    """Rows said 'Jan 1' for a story of January last year: the year is shown, the time
    column widened for it, this year's rows unchanged."""
    db = make_db(tmp_path / "m.db", stories=80)
    row, stories = biggest_group(db)
    old = stories[-1]
    set_story(db, old.id, published="2024-01-01T12:00:00Z")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(app)
        while screen.groups.current is None or screen.groups.current.key != row.key:
            await pilot.press("j")
        await settle(pilot)
        text = screen_text(app)
        assert "2024-01-01" in text
        lines = [line for line in text.splitlines() if old.title[:15] in line]
        assert any("2024-01-01" in line for line in lines)
        other = screen.stories.rows[0]
        assert other.id != old.id
        when = screen.stories.render_row(other, 100).plain
        assert "2024" not in when
