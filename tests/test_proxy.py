"""Proxies: `poll.proxy`, the *_PROXY environment variables, and `none`, against a real local
forward proxy (a test server that answers absolute-URL requests, as an HTTP proxy receives
them). The feeds' host names do not exist, so a story stored proves the proxy carried it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.config import ConfigError, settings_from_data
from monitor.poller import run_poll
from tests.feedserver import FeedServer, Route, rss
from tests.test_poll import items, make_settings

FEED = "http://feeds.invalid/a.xml"


@pytest.fixture
def proxy() -> Iterator[FeedServer]:
    srv = FeedServer().start()
    srv.routes[FEED] = Route(body=rss(items(2, "p")))
    try:
        yield srv
    finally:
        srv.stop()


def test_poll_proxy_carries_every_request(proxy: FeedServer, db_path: Path) -> None:
    result = run_poll(make_settings([FEED], proxy=proxy.url("")), db_path)
    assert result.exit_code == 0, result.feeds[0].error
    assert result.new_stories == 2
    assert proxy.hits[FEED] == 1


def test_environment_proxy_is_followed_and_loopback_goes_direct(
    proxy: FeedServer, server: FeedServer, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url(""))
    server.routes["/local.xml"] = Route(body=rss(items(1, "l")))
    result = run_poll(make_settings([FEED, server.url("/local.xml")]), db_path)
    assert result.exit_code == 0, [f.error for f in result.feeds]
    assert proxy.hits[FEED] == 1 and server.hits["/local.xml"] == 1
    assert proxy.hits[server.url("/local.xml")] == 0


def test_proxy_none_ignores_the_environment(
    proxy: FeedServer, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url(""))
    result = run_poll(make_settings([FEED], proxy="none"), db_path)
    assert result.exit_code == 1
    assert proxy.hits[FEED] == 0
    assert "feeds.invalid" in (result.feeds[0].error or "")


def test_an_unusable_environment_proxy_fails_each_feed_with_a_reason(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:1080")
    result = run_poll(make_settings([FEED]), db_path)
    assert result.exit_code == 1
    error = result.feeds[0].error or ""
    assert "HTTPS_PROXY in the environment" in error and "socks5://" in error


@pytest.mark.parametrize("value", ["socks5://127.0.0.1:1080", "proxy.example:3128", "http://"])
def test_a_bad_proxy_setting_is_a_config_error(value: str) -> None:
    with pytest.raises(ConfigError, match=r"poll\.proxy"):
        settings_from_data({"feeds": [], "poll": {"proxy": value}}, "feeds.yaml")


def test_a_proxy_password_is_not_shown_in_errors() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_data(
            {"feeds": [], "poll": {"proxy": "ftp://me:s3cret@proxy.example:21"}}, "feeds.yaml"
        )
    assert "s3cret" not in str(caught.value) and "me:***@proxy.example" in str(caught.value)
