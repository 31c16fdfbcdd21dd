"""https feeds against a real TLS server on 127.0.0.1 with a certificate made for the test.

The fetcher loads certificate authorities only before its first https request (a poll of http
feeds skips that cost), so these check both sides of that: an untrusted certificate is refused
with a readable error, and a trusted one is fetched and stored.
"""

from __future__ import annotations

from pathlib import Path

import certifi
import pytest

from monitor.poller import run_poll
from tests.conftest import needs_openssl
from tests.feedserver import FeedServer, Route, rss
from tests.test_poll import items, make_settings, rows

pytestmark = needs_openssl


def test_an_untrusted_certificate_is_refused(
    tls_server: tuple[FeedServer, Path], db_path: Path
) -> None:
    server, _cert = tls_server
    result = run_poll(make_settings([server.url("/secure.xml")]), db_path)
    assert result.exit_code == 1
    assert "certificate" in (result.feeds[0].error or "").lower()
    assert server.hits["/secure.xml"] == 0  # no request was sent over the unverified link
    assert rows(db_path, "SELECT COUNT(*) FROM stories")[0][0] == 0


def test_a_trusted_certificate_is_fetched(
    tls_server: tuple[FeedServer, Path], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, cert = tls_server
    monkeypatch.setattr(certifi, "where", lambda: str(cert))
    result = run_poll(make_settings([server.url("/secure.xml")]), db_path)
    assert result.exit_code == 0, result.feeds[0].error
    assert result.new_stories == 3


def test_many_https_feeds_share_kept_alive_connections(
    tls_server: tuple[FeedServer, Path], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two connections for eight feeds: requests go over connections already through TLS."""
    server, cert = tls_server
    monkeypatch.setattr(certifi, "where", lambda: str(cert))
    paths = [f"/f{n}.xml" for n in range(8)]
    for n, path in enumerate(paths):
        server.routes[path] = Route(body=rss(items(2, f"k{n}-")), etag=f'"k{n}"')
    settings = make_settings([server.url(p) for p in paths], concurrency=2, per_host=2)
    first = run_poll(settings, db_path, all_feeds=True)
    assert first.exit_code == 0, [f.error for f in first.feeds]
    assert first.new_stories == 16
    second = run_poll(settings, db_path, all_feeds=True)
    assert second.exit_code == 0 and {f.status for f in second.feeds} == {"not_modified"}
    assert all(server.hits[p] == 2 for p in paths)


def test_a_certificate_for_another_name_is_refused(
    tls_server: tuple[FeedServer, Path], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test certificate names 127.0.0.1 only; `localhost` is not it."""
    server, cert = tls_server
    monkeypatch.setattr(certifi, "where", lambda: str(cert))
    url = server.url("/secure.xml").replace("127.0.0.1", "localhost")
    result = run_poll(make_settings([url]), db_path)
    error = result.feeds[0].error or ""
    assert result.exit_code == 1
    if "refused" not in error:  # localhost may resolve to ::1 first, where nothing listens
        assert "TLS error talking to localhost" in error and "certificate" in error.lower()
    assert server.hits["/secure.xml"] == 0
