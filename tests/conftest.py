from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.feedserver import FeedServer


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "monitor.db"
