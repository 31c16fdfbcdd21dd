"""Make feed-derived text safe to store and print: plain text, no control or bidi characters.

Every feed field is untrusted. feedparser passes ESC, BEL and C1 controls through, so a title can
carry an OSC 52 clipboard write or a bidi override that reverses what a reader sees. Everything
that reaches the database goes through `clean_text`/`clean_line`, and printers call them again
on output, so even text stored by an older version never reaches a terminal raw.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Whole terminal escape sequences first (OSC … BEL/ST, CSI …, other ESC x), so no payload is left.
# An OSC without its terminator loses only its introducer: it took the rest of the title with it
# (an 8-bit ST read as cp1252 "œ" left the OSC unterminated); what stays is plain text.
_ESCAPES = re.compile(
    r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# C0 controls except tab/newline, DEL, C1 controls, bidi embeddings/overrides/isolates, marks;
# and invisible characters terminals and the TUI's width count disagree on, which shifted the
# columns of a row: zero-width joiner (an emoji sequence then shows as its parts), word joiners,
# variation selectors 15/16 (text or emoji presentation), tag characters, skin-tone modifiers
# ("👍🏽" took four cells in tmux, two in the TUI's count) and the Hangul fillers (blank, counted
# as no width by the TUI and as one or two by terminals).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200d\u200e\u200f\u061c\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufe0e\ufe0f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
    "\U0001f3fb-\U0001f3ff\u1160\u3164\uffa0]"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
_ANY_SPACE = re.compile(r"\s+")
_BLOCK_TAGS = frozenset(
    "p div br ul ol h1 h2 h3 h4 h5 h6 blockquote tr table section article pre hr figure".split()
)
_CELL_TAGS = frozenset(["td", "th"])  # a table's cells: apart, not glued ("Process3nm")
_SKIP_TAGS = frozenset(["script", "style", "template", "noscript", "iframe", "object"])


def clean_text(value: str | None) -> str:
    """Strip control/bidi characters and tidy whitespace, keeping paragraph breaks."""
    if not value:
        return ""
    if "\x1b" in value or "\x9b" in value or "\x9d" in value:
        value = _ESCAPES.sub("", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in value or "\u2029" in value:  # Unicode's line and paragraph separators
        value = value.replace("\u2028", "\n").replace("\u2029", "\n\n")
    value = _SPACES.sub(" ", _CONTROL.sub("", value))
    value = _BLANK_LINES.sub("\n\n", value)
    return "\n".join(line.strip() for line in value.split("\n")).strip()


def clean_line(value: str | None) -> str:
    """Like clean_text, but on one line (titles, names, error messages)."""
    if not value:
        return ""
    if "\x1b" in value or "\x9b" in value or "\x9d" in value:
        value = _ESCAPES.sub("", value)
    return _ANY_SPACE.sub(" ", _CONTROL.sub("", value)).strip()


class _TextExtractor(HTMLParser):
    def __init__(self, skip: frozenset[str] = _SKIP_TAGS) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_tags = skip
        self._skip = 0
        self._cells = 0  # cells so far in the table row being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._skip_tags:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            self._cells = 0  # a new row (or no table): its first cell has no " | " before it
        elif tag == "li":
            self.parts.append("\n- ")  # a list item keeps its bullet
        elif tag in _CELL_TAGS:
            self.parts.append(" | " if self._cells else " ")
            self._cells += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skip_tags:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(value: str | None, *, skip: frozenset[str] = _SKIP_TAGS) -> str:
    """Turn an HTML fragment (or plain text with entities) into clean plain text: paragraphs
    apart, list items as "- item", a table's rows as lines with " | " between cells; the text
    of `skip` elements (scripts, styles) left out."""
    if not value:
        return ""
    if "<" not in value:
        return clean_text(html.unescape(value) if "&" in value else value)
    parser = _TextExtractor(skip)
    try:
        parser.feed(value)
        parser.close()
    except Exception:  # HTMLParser is lenient; this is a last resort for pathological input
        return clean_text(re.sub(r"<[^>]*>", " ", value))
    return clean_text("".join(parser.parts))


_MARKUP = re.compile(r"</[a-zA-Z][\w-]*\s*>|<br\s*/?>", re.IGNORECASE)
_RAW_TEXT_OPENING = re.compile(r"<(?=(script|style)\b)", re.IGNORECASE)


def html_to_line(value: str | None) -> str:
    """A headline (or a feed's name) as one clean line. Markup counts only where the text shows
    it is markup (a closing tag, a <br>): a tech headline names tags ("Why <script>
    tags still matter", "Stop writing <div> soup") and lost every word after one. Nothing is
    left out as a script's or a style's text there: a headline is all meant to be read."""
    if not value:
        return ""
    if "<" in value and not _MARKUP.search(value):
        return clean_line(html.unescape(value) if "&" in value else value)
    lowered = value.lower()
    # An HTML parser reads everything after <script> or <style> as their code, up to a closing
    # tag; without one, the rest of the headline would be gone.
    value = _RAW_TEXT_OPENING.sub(
        lambda m: m.group(0) if f"</{m.group(1).lower()}" in lowered else "&lt;", value
    )
    return clean_line(html_to_text(value, skip=frozenset()))
