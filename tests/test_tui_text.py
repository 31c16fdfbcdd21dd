"""Small text helpers of the TUI: times as the status line shows them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor.tui.text import short_time, soon_time

NOW = datetime(2026, 11, 22, 23, 50, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_next_poll_after_midnight_is_a_clock_time_not_a_date() -> None:
    soon = NOW + timedelta(minutes=25)
    assert soon_time(iso(soon), NOW) == soon.astimezone().strftime("%H:%M")
    assert soon_time(iso(NOW + timedelta(days=3)), NOW) == short_time(
        iso(NOW + timedelta(days=3)), NOW
    )
    assert soon_time(None, NOW) == "?"


def test_the_feeds_screen_says_a_next_check_after_midnight_as_a_time() -> None:
    """It said "Nov 24" for a check due in 25 minutes."""
    from monitor.tui.feeds import _when

    soon = NOW + timedelta(minutes=25)
    assert _when(iso(soon), NOW, future=True) == soon_time(iso(soon), NOW)
    assert _when(iso(NOW - timedelta(minutes=1)), NOW, future=True) == "due now"


def test_a_wide_mark_on_a_narrow_screen_puts_its_text_under_it() -> None:
    """A long tag name in "Why it was tagged" left its reason a column of three letters
    ("fee", "d,", "mat", "ched") at 50 columns; the help's descriptions went the same way."""
    from textual.content import Content

    from monitor.tui.text import Hanging

    mark = Content("  very-long-tag-name-that-goes-on-and-on  ")
    text = Content("rule feed, matched a word in the headline of the story")
    lines = Hanging(((mark, text),)).render(50).plain.splitlines()
    assert lines[0] == mark.plain.rstrip()
    assert all(line.startswith("    ") and len(line) <= 50 for line in lines[1:])
    assert " ".join(line.strip() for line in lines[1:]) == text.plain
    # With room beside the mark, the text stays beside it.
    wide = Hanging(((Content("  tag  "), text),)).render(40).plain.splitlines()
    assert wide[0].startswith("  tag  rule") and wide[1].startswith("       ")


def test_a_tag_line_fits_a_narrow_picker() -> None:
    """At 60 and 40 columns each tag took two lines (its sparkline wrapped under it)."""
    from monitor.queries import TagInfo
    from monitor.tui.tags import tag_option

    info = TagInfo("scale-ai", 1_234, per_day=(1, 3, 0, 7) * 3 + (2, 2), unread=56)
    assert "▁" in tag_option(3, info, False, 72).plain
    for width in (54, 34):
        line = tag_option(3, info, True, width)
        assert line.cell_length <= width and "56 unread" in line.plain, (width, line.plain)
        assert "scale-ai" in line.plain and "1,234" in line.plain
