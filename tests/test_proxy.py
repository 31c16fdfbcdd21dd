"""Proxies: `poll.proxy`, the *_PROXY environment variables, and `none`, against a real local
forward proxy (a test server that answers absolute-URL requests, as an HTTP proxy receives
them). The feeds' host names do not exist, so a story stored proves the proxy carried it."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import certifi
import pytest

from monitor.config import ConfigError, settings_from_data
from monitor.poller import run_poll
from tests.conftest import needs_openssl
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


class _Tunnel(socketserver.ThreadingTCPServer):
    """A CONNECT proxy: https goes through a proxy as a tunnel, TLS end to end."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.targets: list[str] = []
        super().__init__(("127.0.0.1", 0), _TunnelHandler)


class _TunnelHandler(socketserver.StreamRequestHandler):
    server: _Tunnel

    def handle(self) -> None:
        request = self.rfile.readline().decode("latin-1").split()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        if len(request) < 2 or request[0] != "CONNECT":
            self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        self.server.targets.append(request[1])
        host, _, port = request[1].rpartition(":")
        with socket.create_connection((host, int(port)), timeout=10) as upstream:
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
            pipe = threading.Thread(target=_copy, args=(upstream, self.connection), daemon=True)
            pipe.start()
            _copy(self.connection, upstream)
            pipe.join(10)


def _copy(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
        target.shutdown(socket.SHUT_WR)
    except OSError:
        pass


@needs_openssl
def test_https_goes_through_the_proxy_as_a_tunnel(
    tls_server: tuple[FeedServer, Path], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, cert = tls_server
    monkeypatch.setattr(certifi, "where", lambda: str(cert))
    tunnel = _Tunnel()
    threading.Thread(target=tunnel.serve_forever, daemon=True).start()
    try:
        proxy = f"http://127.0.0.1:{tunnel.server_address[1]}"
        result = run_poll(make_settings([server.url("/secure.xml")], proxy=proxy), db_path)
    finally:
        tunnel.shutdown()
        tunnel.server_close()
    assert result.exit_code == 0, result.feeds[0].error
    assert result.new_stories == 3
    assert tunnel.targets == [f"127.0.0.1:{server.port}"]
