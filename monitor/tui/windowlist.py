"""A keyboard-driven list of one-line rows that renders only what is visible.

`WindowList` is a Line-API `ScrollView`: its virtual height is the number of rows, and
`render_line` asks the subclass for just the rows on screen (`get_row`), so a list of 100,000
groups costs the same to draw as a list of 40. Subclasses supply the rows (from a paged SQL
window or a small in-memory list) and turn one row into `Content` (`render_row`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content, Span
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual


def on_cursor(content: Content) -> Content:
    """A row for the cursor line: its text in the cursor's colours, bold kept. Marks and chips
    coloured for the plain background are unreadable on the cursor's (amber on blue)."""
    spans = [
        Span(span.start, span.end, "bold")
        for span in content.spans
        if (
            "bold" in span.style.split()
            if isinstance(span.style, str)
            else bool(getattr(span.style, "bold", False))
        )
    ]
    return Content(content.plain, spans)


class WindowList(ScrollView, can_focus=True):
    """Rows 0..row_count-1 with a cursor; subclasses implement get_row and render_row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "window-list--row",
        "window-list--cursor",
        "window-list--cursor-blurred",
    }

    DEFAULT_CSS = """
    WindowList {
        overflow-x: hidden;
        overflow-y: auto;
        & > .window-list--cursor { background: $block-cursor-background; color: $mark-cursor; text-style: $block-cursor-text-style; }
        & > .window-list--cursor-blurred { background: $block-cursor-blurred-background; color: $mark-cursor-blurred; text-style: $block-cursor-blurred-text-style; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class CursorMoved(Message):
        """The cursor now rests on another row (or the rows under it changed)."""

        def __init__(self, window_list: WindowList, index: int, *, by_reader: bool = True) -> None:
            super().__init__()
            self.window_list = window_list
            self.index = index
            self.by_reader = by_reader
            """False when the rows changed under a cursor that stayed (a reload)."""

        @property
        def control(self) -> WindowList:
            return self.window_list

    class Chosen(Message):
        """Enter (or a click on the cursor row) on a row."""

        def __init__(self, window_list: WindowList, index: int) -> None:
            super().__init__()
            self.window_list = window_list
            self.index = index

        @property
        def control(self) -> WindowList:
            return self.window_list

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._row_count = 0
        # Rendered rows, keyed by (row, width, cursor state): scrolling re-renders nothing
        # that was on screen before, and a cursor move re-renders two lines.
        self._strips: LRUCache[tuple[Any, int, int], Strip] = LRUCache(1024)
        self._row_styles: tuple[Any, ...] = ()

    # --- for subclasses ------------------------------------------------------------------

    def get_row(self, index: int) -> Any:
        """The row at `index`, or None (not loaded / gone)."""
        raise NotImplementedError

    def render_row(self, row: Any, width: int) -> Content:
        """One row as Content (no wider than `width`; it is padded/cut afterwards)."""
        raise NotImplementedError

    def cache_key(self, row: Any) -> Any:
        """A hashable value that changes whenever the row's rendering would."""
        return row

    @property
    def row_count(self) -> int:
        return self._row_count

    def set_row_count(self, count: int, cursor: int | None = None) -> None:
        """The rows changed: new count, cursor kept (clamped) unless given; repaint."""
        self._row_count = max(0, count)
        self.virtual_size = Size(self.scrollable_content_region.width, self._row_count)
        target = self.cursor if cursor is None else cursor
        self.set_reactive(WindowList.cursor, self._clamp(target))
        self._keep_cursor_visible()
        self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor, by_reader=False))

    # --- rendering ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if index >= self._row_count:
            return Strip.blank(width, self.get_visual_style("window-list--row").rich_style)
        row = self.get_row(index)
        state = (1 if self.has_focus else 2) if index == self.cursor else 0
        key = (self.cache_key(row), width, state) if row is not None else None
        strip = self._strips.get(key) if key is not None else None
        if strip is None:
            components = ["window-list--row"]
            if state:
                components.append(
                    "window-list--cursor" if state == 1 else "window-list--cursor-blurred"
                )
            style = self.get_visual_style(*components)
            if row is None or key is None:
                return Strip.blank(width, style.rich_style)
            content = self.render_row(row, width)
            if state:
                content = on_cursor(content)
            strips = Visual.to_strips(self, content, width, 1, style, pad=True)
            strip = strips[0] if strips else Strip.blank(width, style.rich_style)
            strip = strip.crop_extend(0, width, style.rich_style)
            self._strips[key] = strip
        return strip.apply_offsets(0, index)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # Focus moving between panes restyles the border only: keep the rendered rows unless
        # the rows' own styles (or the theme, which the marks' colours come from) changed.
        try:
            styles: tuple[Any, ...] = (
                self.app.theme,
                *(self.get_visual_style(name) for name in sorted(self.COMPONENT_CLASSES)),
            )
        except KeyError:  # not styled yet (mounting)
            styles = ()
        if not styles or styles != self._row_styles:
            self._row_styles = styles
            self._strips.clear()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self._row_count)
        self._keep_cursor_visible()

    def on_focus(self) -> None:
        self.refresh_line(self.cursor)

    def on_blur(self) -> None:
        self.refresh_line(self.cursor)

    # --- cursor ---------------------------------------------------------------------------

    def _clamp(self, index: int) -> int:
        return max(0, min(index, self._row_count - 1)) if self._row_count else 0

    def validate_cursor(self, value: int) -> int:
        return self._clamp(value)

    def watch_cursor(self, old: int, new: int) -> None:
        top = round(self.scroll_offset.y)
        self._keep_cursor_visible()
        if round(self.scroll_offset.y) == top:
            self.refresh_line(old)
            self.refresh_line(new)
        else:
            self.refresh()
        self.post_message(self.CursorMoved(self, new))

    def _keep_cursor_visible(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    @property
    def page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        step = self.page_height
        self.scroll_to(y=self.scroll_offset.y + step, animate=False, immediate=True)
        self.cursor += step

    def action_page_up(self) -> None:
        step = self.page_height
        self.scroll_to(y=max(0, self.scroll_offset.y - step), animate=False, immediate=True)
        self.cursor -= step

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self._row_count - 1

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:  # on the border or scrollbar
            return
        index = self.scroll_offset.y + offset.y
        if 0 <= index < self._row_count:
            if index == self.cursor and event.chain >= 2:
                self.post_message(self.Chosen(self, index))
            self.cursor = index

    def choose(self) -> None:
        if self._row_count:
            self.post_message(self.Chosen(self, self.cursor))
