from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.feedserver import FeedServer

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxy_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to 127.0.0.1 directly, whatever proxy the machine running them sets."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


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
