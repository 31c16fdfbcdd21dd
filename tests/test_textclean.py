"""Feed text made safe to print: no escape codes, no bidi overrides, and no invisible characters
whose width terminals and the TUI count differently (they shifted a row's columns)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from monitor.textclean import clean_line, clean_text, html_to_text

INVISIBLE = (
    "\u200d\u2060\u2061\u2062\u2063\u2064\ufe0e\ufe0f\ufeff\U000e0041\U000e007f"
    "\U0001f3fb\U0001f3fd\U0001f3ff\u1160\u3164\uffa0"
)


def test_invisible_characters_are_dropped() -> None:
    assert clean_line("Team\u200dwork \u2764\ufe0f\U000e0067 day") == "Teamwork \u2764 day"
    assert clean_text("line one\u2060\nline two\ufe0f") == "line one\nline two"


@given(st.text())
def test_cleaned_text_has_no_control_bidi_or_invisible_character(text: str) -> None:
    for cleaned in (clean_line(text), clean_text(text)):
        assert not any(ch in cleaned for ch in INVISIBLE)
        assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in cleaned)
        assert not any("\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" for ch in cleaned)
    assert "\n" not in clean_line(text)
    # a line break only where "\n" is: U+2028/2029 in a summary split an export line
    assert len(clean_text(text).splitlines()) == clean_text(text).count("\n") + bool(
        clean_text(text)
    )


def test_line_and_paragraph_separators_become_line_breaks() -> None:
    assert clean_text("one\u2028two\u2029three") == "one\ntwo\n\nthree"


def test_widths_agree_for_an_emoji_sequence() -> None:
    # A family emoji is one glyph of 2 cells in a terminal but 6 to rich; without the joiners
    # both see three emoji of 2 cells.
    cleaned = clean_line("\U0001f468\u200d\U0001f469\u200d\U0001f467")
    assert cell_len(cleaned) == 6 and len(cleaned) == 3


def test_skin_tones_and_hangul_fillers_go() -> None:
    """The TUI counted them as no width and tmux as one or two: the age column was cut short
    ("1 src 15" for "1 src 150w")."""
    assert clean_line("A \U0001f44d\U0001f3fd skin tone") == "A \U0001f44d skin tone"
    assert clean_line("x\u3164y\uffa0z\u1160") == "xyz"


def test_an_unterminated_osc_loses_its_introducer_not_the_rest_of_the_line() -> None:
    """An 8-bit OSC whose terminator was decoded as cp1252 "œ" took the rest of the title."""
    assert clean_line("OSC8 \x9d8;;x\u0153click invented") == "OSC8 8;;x\u0153click invented"
    assert clean_line("x \x9d8;;http://e\x9cclick\x9d8;;\x9c y") == "x click y"
    assert clean_line("a \x1b]52;c;Zm9v\x07 b") == "a b"


def test_tables_and_lists_keep_their_shape() -> None:
    """Table cells were glued ("Process3nm") and list items lost their bullets."""
    html = (
        "<p>Specs:</p><table><tr><th>Process</th><td>3nm</td></tr>"
        "<tr><td>Memory</td><td>288GB</td></tr></table><ul><li>Fast</li><li>Cheap</li></ul>"
    )
    assert html_to_text(html) == "Specs:\n\nProcess | 3nm\n\nMemory | 288GB\n\n- Fast\n- Cheap"
    two_words = "<table><tr><td>Lab 5 Scout</td><td>84.1</td></tr></table>"
    assert html_to_text(two_words) == "Lab 5 Scout | 84.1"
