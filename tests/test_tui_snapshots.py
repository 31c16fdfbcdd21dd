"""Snapshot tests (pytest-textual-snapshot) of every screen, kept deterministic: a fixed sample
database, a frozen clock, UTC local time, no background poll, the seen-timer far away.

Update after an intended change with `pytest tests/test_tui_snapshots.py --snapshot-update` and
look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from monitor import queries as q
from monitor.db import connect
from tests.test_tui_app import NOW, make_app, make_db


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "snap.db", stories=160, seed=11)


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def group_with_new_claims(db: Path) -> int:
    conn = connect(db)
    rows = q.GroupQuery(conn, q.Filters(), NOW).page_after(None, 100)
    conn.close()
    return next(i for i, row in enumerate(rows) if row.new_claims and row.claim_count > 1)


def test_main_screen(snap_compare: Any, sample_db: Path) -> None:
    """Groups list on the left: unseen marks (●), "N new" claim badges, tag chips, sources, age;
    the first group open on the right with its stories and claims; filter bar, status line with
    the last poll and the failing feed, footer keys. Side by side from 140 columns."""
    assert snap_compare(make_app(sample_db), terminal_size=(140, 40), run_before=settle)


def test_main_screen_narrow(snap_compare: Any, sample_db: Path) -> None:
    """At 80×24 the panes stack: groups on top, the open group below, nothing cut off badly."""
    assert snap_compare(make_app(sample_db), terminal_size=(80, 24), run_before=settle)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_group_view(snap_compare: Any, sample_db: Path, size: tuple[int, int]) -> None:
    """A group with new claims open and the stories pane focused: NEW marks, a ≠ disputed claim
    where the sample has one, story rows with unread marks, source and time. At 80×24 the list
    keeps four rows around its cursor so that the claims pane shows more than two lines."""
    target = group_with_new_claims(sample_db)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for _ in range(target):
            await pilot.press("j")
        await pilot.press("l")
        await settle(pilot)

    assert snap_compare(make_app(sample_db), terminal_size=size, run_before=run_before)


def test_story_view(snap_compare: Any, sample_db: Path) -> None:
    """The story view: title, source, times, link, why it was tagged, summary with the claims'
    wording highlighted, and the claims list."""
    target = group_with_new_claims(sample_db)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for _ in range(target):
            await pilot.press("j")
        await pilot.press("l", "enter")
        await settle(pilot)

    assert snap_compare(make_app(sample_db), terminal_size=(120, 40), run_before=run_before)


def test_help_screen(snap_compare: Any, sample_db: Path) -> None:
    """Every key, by where it works, over the main screen."""
    assert snap_compare(
        make_app(sample_db), terminal_size=(120, 50), press=["question_mark"], run_before=settle
    )


def test_feeds_screen(snap_compare: Any, sample_db: Path) -> None:
    """Every feed: the failing one first with its error below, then the rest."""
    assert snap_compare(
        make_app(sample_db), terminal_size=(120, 30), press=["f"], run_before=settle
    )


def test_tag_picker(snap_compare: Any, sample_db: Path) -> None:
    """Tags with their number keys, story counts and two-week sparklines."""
    assert snap_compare(
        make_app(sample_db), terminal_size=(100, 30), press=["t"], run_before=settle
    )


def test_filtered_light_theme(snap_compare: Any, sample_db: Path) -> None:
    """The light theme with the unread filter and tag 2 on: the filter bar names both and shows
    the tag's sparkline; the list holds only matching groups."""

    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.theme = "textual-light"
        await settle(pilot)
        await pilot.press("u", "2")
        await settle(pilot)

    assert snap_compare(make_app(sample_db), terminal_size=(120, 40), run_before=run_before)
