"""Turning stored values into display text: safe `Content`, ages, times, chips, sparklines.

Untrusted text (titles, summaries, source names, URLs, error messages) only ever reaches a widget
through `plain()`/`Content.assemble` parts built here: it is cleaned of escape sequences, control
and bidi characters by `clean_line`, and it is never parsed as markup. Styles come from our own
constants, never from data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static

from monitor.store import parse_iso
from monitor.textclean import clean_line, clean_text

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"

CHIP_STYLE = "$mark-chip on $secondary-muted"
NEW_STYLE = "bold $mark-new"
UNSEEN_STYLE = "bold $mark-unseen"
MUTED_STYLE = "$text-muted"
CONFLICT_STYLE = "bold $mark-conflict"


def plain(value: object, style: str = "") -> Content:
    """One line of untrusted text as Content: cleaned, never markup."""
    return Content.styled(clean_line(str(value) if value is not None else ""), style)


def chip(tag: str) -> Content:
    """A tag as a chip: ` tag ` on the chip colour (the padding survives cleaning)."""
    return Content.assemble((" ", CHIP_STYLE), plain(tag, CHIP_STYLE), (" ", CHIP_STYLE))


def paragraph(value: object, style: str = "") -> Content:
    """Multi-line untrusted text (a summary) as Content: cleaned, never markup."""
    return Content.styled(clean_text(str(value) if value is not None else ""), style)


def age(moment: str | None, now: datetime) -> str:
    """'now', '5m', '3h', '2d', '3w' since an ISO time."""
    when = parse_iso(moment)
    if when is None:
        return "?"
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 86400 * 14:
        return f"{int(seconds // 86400)}d"
    return f"{int(seconds // (86400 * 7))}w"


def ago(moment: str | None, now: datetime) -> str:
    """'just now', '5m ago', '3h ago'."""
    label = age(moment, now)
    return "just now" if label == "now" else "never" if label == "?" else f"{label} ago"


def local(moment: str | None) -> datetime | None:
    when = parse_iso(moment)
    return when.astimezone() if when is not None else None


def short_time(moment: str | None, now: datetime, *, year: bool = True) -> str:
    """'14:05' today (local time), else 'Jun 10' this year, else '2024-01-01' (a story from
    another year said 'Jan 1' as if it were this January's; `year=False` where an age in
    words follows anyway); '?' when unknown."""
    when = local(moment)
    if when is None:
        return "?"
    here = now.astimezone()
    if when.date() == here.date():
        return when.strftime("%H:%M")
    if year and when.year != here.year:
        return when.strftime("%Y-%m-%d")
    return f"{when.strftime('%b')} {when.day}"


def soon_time(moment: str | None, now: datetime) -> str:
    """A time ahead: '00:15' within the next day (local time), else 'Jun 10'; '?' unknown."""
    when = local(moment)
    if when is None:
        return "?"
    if timedelta(0) <= when - now.astimezone() < timedelta(hours=20):
        return when.strftime("%H:%M")
    return short_time(moment, now)


def long_time(moment: str | None) -> str:
    """'Fri 20 Jun 2025 14:05' in local time."""
    when = local(moment)
    if when is None:
        return "unknown"
    return f"{when.strftime('%a')} {when.day} {when.strftime('%b %Y %H:%M')}"


def sparkline(values: tuple[int, ...] | list[int]) -> str:
    """Counts as block characters, scaled to the largest; zero is the lowest block."""
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return SPARK_BLOCKS[0] * len(values)
    last = len(SPARK_BLOCKS) - 1
    return "".join(SPARK_BLOCKS[round(v * last / top)] for v in values)


def fit(text: str, width: int) -> str:
    """`text` cleaned to one safe line and cut to `width` cells, ending in '…' when cut."""
    text = clean_line(text)
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text
    out = []
    used = 0
    for char in text:
        size = cell_len(char)
        if used + size > width - 1:
            break
        out.append(char)
        used += size
    return "".join(out) + "…"


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` fitted and padded to exactly `width` cells."""
    text = fit(text, width)
    gap = " " * max(0, width - cell_len(text))
    return gap + text if right else text + gap


def set_content(widget: Static, content: Content, *, layout: bool = True) -> None:
    """Update a Static only if its content changed; `layout=False` for fixed-size widgets, so
    a cursor move does not re-lay-out the whole screen."""
    if widget.visual != content:
        widget.update(content, layout=layout)


FACT_SEPARATOR = Content.styled(" · ", MUTED_STYLE)


@dataclass(frozen=True)
class Facts:
    """Facts joined by ' · ', a line broken between two facts, never inside one: a date cut
    after its weekday ("Mon 23 Nov 2026" / "15:45") read as two facts. Textual wraps at any
    space (a no-break space too), so the breaks are placed here, for a known width."""

    items: tuple[Content, ...] = ()

    def lines(self, width: int) -> list[Content]:
        """As many whole facts per line as fit `width` cells (one line when `width` <= 0); a
        fact longer than a line is left to wrap on its own."""
        lines: list[Content] = []
        for fact in self.items:
            joined = lines[-1] + FACT_SEPARATOR + fact if lines else fact
            if lines and (width <= 0 or joined.cell_length <= width):
                lines[-1] = joined
            else:
                lines.append(fact)
        return lines


NARROW_TEXT = 24
"""Cells a wrapped text needs beside its mark; with fewer it goes under the mark instead."""
UNDER_INDENT = 4


@dataclass(frozen=True)
class Hanging:
    """Lines of (mark, text) with a hanging indent: where a text wraps, the next line starts
    under its first character, not under the mark. Marks are ours; texts are built with
    `plain()`, so untrusted text stays literal. A text can be `Facts`, broken between facts."""

    items: tuple[tuple[Content, Content | Facts], ...] = ()

    def render(self, width: int) -> Content:
        """Every item wrapped to `width` cells (unwrapped when `width` <= 0)."""
        lines: list[Content] = []
        for mark, item in self.items:
            indent = mark.cell_length
            text = (
                Content("\n").join(item.lines(width - indent if width > 0 else 0))
                if isinstance(item, Facts)
                else item
            )
            if width <= 0 or (indent + text.cell_length <= width and "\n" not in text.plain):
                lines.append(mark + text)
                continue
            if width - indent < NARROW_TEXT and indent > UNDER_INDENT:
                # A wide mark (a long tag name, the help's key column) on a narrow screen: the
                # text goes under it rather than down a column a few letters wide.
                lines.append(mark.rstrip())
                mark, indent = Content(" " * UNDER_INDENT), UNDER_INDENT
                wrapped = text.wrap(max(8, width - indent)) or [Content("")]
                lines.extend(mark + line for line in wrapped)
                continue
            wrapped = text.wrap(max(8, width - indent)) or [Content("")]
            lines.append(mark + wrapped[0])
            lines.extend(Content(" " * indent) + line for line in wrapped[1:])
        return Content("\n").join(lines)

    @property
    def plain(self) -> str:
        return self.render(0).plain


class HangingText(Widget):
    """Shows a `Hanging` wrapped to the widget's width (its height follows)."""

    DEFAULT_CSS = """
    HangingText {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines = Hanging()
        self._rendered: tuple[Hanging, int, Content] | None = None

    def update(self, lines: Hanging) -> None:
        if lines != self.lines:
            self.lines = lines
            self.refresh(layout=True)

    def rendered(self, width: int) -> Content:
        cached = self._rendered
        if cached is not None and cached[0] is self.lines and cached[1] == width:
            return cached[2]
        content = self.lines.render(width)
        self._rendered = (self.lines, width, content)
        return content

    def render(self) -> Content:
        return self.rendered(self.size.width)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rendered(width).plain.split("\n"))


def now_utc() -> datetime:
    return datetime.now(UTC)
