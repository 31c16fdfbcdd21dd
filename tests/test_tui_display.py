"""How things fit and read: the footer at narrow widths, wrapped claims, tag-like titles, the
light theme, and the order of groups that tie on activity."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey

from monitor.tui.footer import KeyFooter, key_width
from monitor.tui.story import StoryScreen
from tests.test_tui_app import main, make_app, make_db, settle

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "m.db", stories=120)


def footer_keys(app: object) -> tuple[list[str], int, int]:
    """(visible key descriptions, cells they take, footer width) of the current screen."""
    footer = app.screen.query_one(KeyFooter)  # type: ignore[attr-defined]
    keys = [key for key in footer.query_children(FooterKey) if key.display]
    return [key.description for key in keys], sum(key_width(k) for k in keys), footer.size.width


@pytest.mark.parametrize("size", [(80, 24), (60, 24), (120, 40)])
async def test_footer_keys_fit_the_width_most_important_kept(
    sample_db: Path, size: tuple[int, int]
) -> None:
    app = make_app(sample_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        shown, used, width = footer_keys(app)
        assert used <= width
        assert "Help" in shown and "Quit" in shown and "Search" in shown
        if size[0] >= 80:  # every key of the main screen fits at 80 columns
            assert {"Open", "Star", "Read", "All read", "Tags", "Poll", "Feeds"} <= set(shown)
        if size[0] >= 120:
            assert "Commands" in shown  # the palette key, on the right

        main(app).action_focus_stories()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)
        shown, used, width = footer_keys(app)
        assert used <= width
        assert {"Back", "Help"} <= set(shown)
        if size[0] >= 80:
            assert {"Open", "Star", "Read", "Prev", "Next", "Quit"} <= set(shown)
