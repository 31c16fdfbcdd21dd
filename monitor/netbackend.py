"""httpcore's network layer on plain asyncio streams, for the poll's fetches.

httpx reaches sockets through httpcore's network backend, which on asyncio is anyio's: every
read and write opens an anyio cancel scope (`fail_after`), and every connect runs anyio's happy
eyeballs in a task group. For a poll of 300 unchanged feeds that was about a quarter of the
fetching CPU (measured on loopback: 0.45-0.51 s against 0.30-0.39 s with this backend), and a
conditional poll is almost nothing but connects, one short write and one short read.
`asyncio.open_connection` does happy eyeballs itself (`happy_eyeballs_delay`), `asyncio.timeout`
bounds each step, and `StreamWriter.start_tls` (Python 3.11) upgrades to TLS in place.

Errors are raised as httpcore's exceptions, as its own backends do, so httpx maps them to its
own. A refused connection says so: anyio reported "All connection attempts failed".
"""

from __future__ import annotations

import asyncio
import errno
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
from httpcore._backends.base import SOCKET_OPTION, AsyncNetworkBackend, AsyncNetworkStream
from httpcore._utils import is_socket_readable

HAPPY_EYEBALLS_DELAY = 0.25  # RFC 8305's recommended wait before trying the next address

_EXTRA_INFO = {
    "ssl_object": "ssl_object",
    "client_addr": "sockname",
    "server_addr": "peername",
    "socket": "socket",
}


class AsyncioStream(AsyncNetworkStream):
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as exc:
            raise httpcore.ReadTimeout("read timed out") from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc) or type(exc).__name__) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()
        except TimeoutError as exc:
            raise httpcore.WriteTimeout("write timed out") from exc
        except OSError as exc:
            raise httpcore.WriteError(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        self._writer.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as exc:
            self._writer.close()
            raise httpcore.ConnectTimeout("TLS handshake timed out") from exc
        except (OSError, EOFError) as exc:  # ssl.SSLError is an OSError
            self._writer.close()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        except BaseException:
            self._writer.close()
            raise
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # an idle kept-alive connection the server has closed
            sock = self._writer.get_extra_info("socket")
            return sock is not None and is_socket_readable(sock)
        key = _EXTRA_INFO.get(info)
        return self._writer.get_extra_info(key) if key else None


class AsyncioBackend(AsyncNetworkBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                    happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY,
                )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout("connect timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(_connect_error(exc)) from exc
        sock = writer.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return AsyncioStream(reader, writer)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by monitor")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _connect_error(exc: OSError) -> str:
    """The reason a connect failed. asyncio words a refusal "Connect call failed", and joins
    the errors of several addresses (IPv6 and IPv4) into one "Multiple exceptions" message."""
    text = str(exc) or type(exc).__name__
    refused = f"[Errno {errno.ECONNREFUSED}]"
    if isinstance(exc, ConnectionRefusedError) or (
        text.startswith("Multiple exceptions") and text.count(refused) == text.count("[Errno")
    ):
        return "Connection refused"
    return text
