"""The tag picker: every tag with its number key, story count and a two-week sparkline, in the
order of the filter bar's numbers (`queries.tag_names`: topics first, then the other tags)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from monitor.queries import SPARK_DAYS, TagInfo
from monitor.tui.footer import KeyFooter
from monitor.tui.text import MUTED_STYLE, pad, sparkline

ALL_TAGS = "\x00all"


TAG_CELLS = 18
FIXED_CELLS = 4 + 8 + 13  # key and mark, story count, unread count
SPARK_CELLS = 2 + 14


def tag_option(number: int | None, info: TagInfo, active: bool, width: int = 80) -> Content:
    """One tag's line in `width` cells: on a narrow screen the sparkline goes, then the tag's
    column narrows (each line wrapped to two before)."""
    key = f"{number}" if number is not None and number <= 9 else " "
    spark = width >= FIXED_CELLS + TAG_CELLS + SPARK_CELLS
    tag_cells = TAG_CELLS if spark else max(8, min(TAG_CELLS, width - FIXED_CELLS))
    parts: list[tuple[str, str] | str] = [
        (f"{key} ", "bold $mark-unseen"),
        ("● " if active else "  ", "$mark-unseen"),
        (pad(info.tag, tag_cells), "bold" if active else ""),
        (pad(f"{info.stories:,}", 8, right=True), MUTED_STYLE),
        (pad(f"{info.unread:,} unread" if info.unread else "", 13, right=True), "bold"),
    ]
    if spark:
        parts += ["  ", (sparkline(info.per_day), "$mark-good")]
    return Content.assemble(*parts)


class TagPicker(ModalScreen[str | None]):
    """Returns the chosen tag, ALL_TAGS to clear the tag filter, or None (cancelled)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,t,q", "dismiss(None)", "Cancel"),
        Binding("down,j", "cursor('down')", "Down", show=False),
        Binding("up,k", "cursor('up')", "Up", show=False),
        Binding("home,g", "cursor('first')", "First", show=False),
        Binding("end,G", "cursor('last')", "Last", show=False),
        *(Binding(str(n), f"pick({n})", f"Tag {n}", show=False) for n in range(10)),
        # The keys listed under "Everywhere" work here too (a modal screen hides the app's).
        Binding("Q", "app.quit", "Quit"),
        Binding("r", "app.poll_now", "Poll", tooltip="Poll every feed now"),
        Binding("f", "close_then('feeds')", "Feeds", tooltip="Every feed"),
        Binding("question_mark", "close_then('help')", "Help", key_display="?"),
    ]

    def __init__(self, infos: list[TagInfo], active: str | None) -> None:
        super().__init__()
        self.infos = infos
        self.active = active

    def compose(self) -> ComposeResult:
        options = [
            Option(Content.assemble(("0 ", "bold $mark-unseen"), ("  all tags", "")), id=ALL_TAGS)
        ]
        # The box is at most 78 wide; its border, padding and a scrollbar take 6 of that.
        width = min(78, self.app.size.width) - 6
        for number, info in enumerate(self.infos, 1):
            line = tag_option(number, info, info.tag == self.active, width)
            options.append(Option(line, id=info.tag))
        with Vertical(id="tag-box") as box:
            box.border_title = "Filter by tag"
            if width >= FIXED_CELLS + TAG_CELLS + SPARK_CELLS:  # (else no sparklines shown)
                box.border_subtitle = f"stories per day, last {SPARK_DAYS} days"
            if not self.infos:
                yield Static(
                    Content.styled(
                        "No stories are tagged yet (see topics in feeds.yaml).", MUTED_STYLE
                    )
                )
            yield OptionList(*options, id="tag-options")
        yield KeyFooter()

    async def action_close_then(self, action: str) -> None:
        self.dismiss(None)
        await self.app.run_action(f"app.{action}")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        index = next((i for i, info in enumerate(self.infos, 1) if info.tag == self.active), 0)
        options.highlighted = index

    def action_cursor(self, direction: str) -> None:
        """Moves as in the lists of the main screen: j/k, g/G (Home/End)."""
        options = self.query_one(OptionList)
        if direction == "down":
            options.action_cursor_down()
        elif direction == "up":
            options.action_cursor_up()
        elif direction == "first":
            options.action_first()
        else:
            options.action_last()

    def action_pick(self, number: int) -> None:
        """The number shown next to a tag picks it (0: all tags), as on the main screen."""
        if number == 0:
            self.dismiss(ALL_TAGS)
        elif number <= len(self.infos):
            self.dismiss(self.infos[number - 1].tag)
        else:
            self.notify(f"There is no tag {number}.", timeout=2)

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
