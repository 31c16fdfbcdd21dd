from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.feedserver import FeedServer, Route, rss

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


needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[FeedServer, Path]]:
    """An https server with a certificate for 127.0.0.1 made for the test (the file is
    returned, to be trusted), serving /secure.xml with three stories."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert),
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    server = FeedServer(tls=(cert, key)).start()
    server.routes["/secure.xml"] = Route(body=rss(_items(3)))
    try:
        yield server, cert
    finally:
        server.stop()


def _items(n: int) -> list[dict[str, str]]:
    return [
        {"title": f"Secure story {i}", "link": f"https://news.example/s{i}", "guid": f"s-{i}"}
        for i in range(n)
    ]


@pytest.fixture
def anyio_backend() -> str:
    """The UI tests (`pytest.mark.anyio`) run on asyncio, as Textual does."""
    return "asyncio"
