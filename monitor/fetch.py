"""Fetching feeds with httpx: bounded in time, memory and concurrency, conditional, redirect-aware.

Servers are untrusted. Each fetch runs under a total deadline (a server dripping one byte a second
cannot hold a poll open), reads the raw stream and inflates gzip/deflate itself with a bounded
output size (a gzip bomb never expands past the cap, even inside one network chunk), and follows
redirects by hand so permanent moves can be remembered and non-http(s) targets (file://) are
never followed. Every failure becomes a `FetchResult` with a readable sentence, never an exception.
"""

from __future__ import annotations

import asyncio
import codecs
import email.utils
import hashlib
import re
import ssl
import sys
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

if "httpx" not in sys.modules:
    # httpx's package import pulls in its command-line client (`httpx._main`: rich, pygments,
    # click) whenever those happen to be installed, as they are next to Textual: ~60 ms of a
    # cron poll's start-up for a CLI we never run. Blocking that one module makes httpx fall
    # back to its stub `main`, as it does when the CLI extras are missing.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx

from monitor import __version__
from monitor.config import PollSettings, check_proxy, web_address_meant
from monitor.netbackend import AsyncioBackend

try:
    import sniffio  # noqa: F401
except ImportError:
    # httpcore 1.0 runs `import sniffio` each time it sets up a lock, event or cancel shield
    # (several times per request), and since anyio 4.11 sniffio is usually not installed. Python
    # does not cache a failed import, so each attempt searched sys.path again (~0.1 ms; about
    # a tenth of a poll of 300 unchanged feeds). Recording the absence makes it fail at once,
    # as it would anyway. Upstream: encode/httpcore discussion #1102, pull request #1103.
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]

DEFAULT_USER_AGENT = f"monitor/{__version__} (terminal news monitor; feed poller)"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
RETRY_AFTER_CAP = 30 * 24 * 3600  # seconds; a larger Retry-After is read as this
_CHUNK = 64 * 1024

_CHARSET = re.compile(r";\s*charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_DECLARATION = re.compile(rb"^\s*<\?xml\b[^>]*?\?>")


def with_http_charset(body: bytes, content_type: str) -> bytes:
    """The body with the HTTP `charset` written into it, when the document itself names no
    encoding (no byte order mark, no `encoding` in its XML declaration): a Latin-1 feed served
    as `text/xml; charset=ISO-8859-1` was read as UTF-8 (the parsers never saw the header).
    A document that names its encoding keeps it; UTF-8, the default, needs nothing."""
    found = _CHARSET.search(content_type)
    if found is None or body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return body
    name = found.group(1)  # as the server wrote it: an IANA name, which the parsers know
    try:
        known = codecs.lookup(name).name
    except LookupError:
        return body
    if known in ("utf-8", "ascii") or "16" in known or "32" in known:
        return body
    declaration = _DECLARATION.match(body[:512])
    if declaration is None:
        return f'<?xml version="1.0" encoding="{name}"?>'.encode() + body
    if re.search(rb"\bencoding\s*=", declaration.group(0)):
        return body
    end = declaration.end() - 2  # before "?>"
    return body[:end].rstrip() + f' encoding="{name}"'.encode() + body[end:]


# Idle connections kept for reuse. Reuse pays off for a host serving several feeds (news search
# endpoints), but httpcore checks every idle connection on every request it places, so a pool
# of 16 idle connections made 300 conditional GETs to one host cost 0.85-0.99 s of CPU against
# 0.57-0.60 s with 4 kept (measured on loopback).
KEEPALIVE = 4


class _NoCookies(CookieJar):
    """A cookie jar that keeps nothing: a feed needs no cookies, and one a feed set would be
    sent back to that site on every later request of the poll (newsboat and Miniflux keep
    none by default either). Also skips the jar's header parsing on every response."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None

    def add_cookie_header(self, request: Any) -> None:
        return None


@dataclass(frozen=True)
class FetchRequest:
    feed_id: int
    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    """What happened to one feed. `outcome` is one of:

    ok            body fetched (`body` set)
    not_modified  304, nothing to do
    gone          410: stop polling this feed
    retry_later   429/503: `retry_after` seconds from now
    error         anything else; `error` is a readable sentence
    """

    request: FetchRequest
    outcome: str
    http_status: int | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    moved_to: str | None = None
    retry_after: float | None = None
    error: str | None = None
    elapsed: float = 0.0

    @property
    def body_hash(self) -> str | None:
        return hashlib.sha256(self.body).hexdigest() if self.body is not None else None


class _TooLarge(Exception):
    pass


class _Refused(Exception):
    """A fetch we decline to make or continue; the message is the user-facing sentence."""


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), RETRY_AFTER_CAP))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def _duration(seconds: float) -> str:
    """A wait as a person would say it: "90 s", "25 min", "3 h", "2 days", "30 days or more"
    (`parse_retry_after` caps what a server asks at 30 days)."""
    if seconds >= RETRY_AFTER_CAP:
        return "30 days or more"
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


async def _inflate(raw: AsyncIterator[bytes], encoding: str, limit: int) -> bytes:
    """Read a raw body, undoing gzip/deflate with bounded output; raise _TooLarge past `limit`."""
    encoding = encoding.strip().lower()
    out = bytearray()
    if encoding in ("", "identity"):
        async for chunk in raw:
            out += chunk
            if len(out) > limit:
                raise _TooLarge
        return bytes(out)
    if encoding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decoder = zlib.decompressobj()
    else:
        raise _Refused(f"the server used an unsupported content encoding ({encoding[:40]})")
    first = True
    async for chunk in raw:
        if first and encoding == "deflate" and chunk[:1] != b"\x78":
            decoder = zlib.decompressobj(wbits=-zlib.MAX_WBITS)  # raw deflate, no zlib header
        first = False
        data = chunk
        while data:
            try:
                piece = decoder.decompress(data, limit + 1 - len(out))
            except zlib.error as exc:
                raise _Refused(f"the compressed body is corrupt ({exc})") from None
            out += piece
            if len(out) > limit:
                raise _TooLarge
            data = decoder.unconsumed_tail
            if decoder.eof:
                break
    try:
        out += decoder.flush()
    except zlib.error:
        pass
    if len(out) > limit:
        raise _TooLarge
    return bytes(out)


def _describe_http_error(exc: Exception, url: str, read_timeout: float | None = None) -> str:
    host = urlsplit(url).hostname or url
    if isinstance(exc, httpx.ConnectTimeout):
        return f"could not connect to {host} (timed out)"
    if isinstance(exc, httpx.ReadTimeout):
        # One wait for the answer or its next part: the whole fetch has its own deadline.
        waited = f" for {read_timeout:g} s (poll.read_timeout)" if read_timeout else ""
        return f"{host} sent nothing{waited}"
    if isinstance(exc, httpx.TimeoutException):
        return f"{host} timed out"
    if isinstance(exc, httpx.ConnectError):
        text = str(exc)
        if (
            "Name or service not known" in text
            or "nodename nor servname" in text
            or ("Temporary failure in name resolution" in text)
        ):
            return f"could not resolve host name {host}"
        if "refused" in text.lower():
            return f"connection to {host} refused"
        if "certificate" in text.lower() or "SSL" in text:
            return f"TLS error talking to {host}: {text[:200]}"
        return f"could not connect to {host}: {text[:200] or type(exc).__name__}"
    if isinstance(exc, httpx.RemoteProtocolError):
        detail = str(exc)[:200].rstrip(". ")
        if not detail or "disconnected" in detail or "closed" in detail.lower():
            return f"{host} broke the connection ({detail or 'protocol error'})"
        return f"{host} sent a malformed response ({detail[:1].lower()}{detail[1:]})"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return f"connection to {host} was reset"
    return f"{type(exc).__name__} fetching from {host}: {str(exc)[:200]}"


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def proxy_routes(setting: str | None) -> tuple[dict[str, str | None], str | None]:
    """Where requests go: URL pattern → proxy URL (None: direct), and a problem that stops every
    http(s) fetch, such as a SOCKS proxy in the environment (only http(s) proxies are used).

    `poll.proxy` wins; `none` means direct, whatever the environment says. Otherwise the
    *_PROXY variables apply, as in curl, and loopback addresses always go direct.
    """
    if setting == "none":
        return {}, None
    if setting:
        return {"all://": setting}, None
    from httpx._utils import get_environment_proxies

    routes = get_environment_proxies()
    for pattern, proxy in routes.items():
        if proxy is not None:
            try:
                check_proxy(proxy)
            except ValueError as exc:
                variable = pattern.removesuffix("://").upper() + "_PROXY"
                return {}, f"{variable} in the environment: {exc} (poll.proxy overrides it)"
    if any(proxy is not None for proxy in routes.values()):
        routes.update({f"all://{host}": None for host in LOOPBACK_HOSTS})
    return routes, None


class Fetcher:
    """One poll's worth of fetching: a shared client, a global and a per-host concurrency cap."""

    def __init__(self, settings: PollSettings) -> None:
        self.settings = settings
        self.limit = int(settings.max_body_mib * 1024 * 1024)
        self._global = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        # Certificate authorities are loaded before the first https request, not here: reading
        # the CA bundle costs 50-65 ms, which a poll of http feeds or local files never needs.
        # Until then the context trusts no one, so nothing could connect unverified meanwhile.
        self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies hostname and chain
        self._tls_loaded = False
        routes, self._proxy_problem = proxy_routes(settings.proxy)
        self._client = httpx.AsyncClient(
            transport=self._transport(None),
            mounts={
                pattern: None if proxy is None else self._transport(proxy)
                for pattern, proxy in routes.items()
            },
            cookies=_NoCookies(),
            follow_redirects=False,
            timeout=httpx.Timeout(
                settings.read_timeout,
                connect=settings.connect_timeout,
                pool=settings.feed_deadline,
            ),
            headers={
                "User-Agent": settings.user_agent or DEFAULT_USER_AGENT,
                "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                "text/xml;q=0.9, */*;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            },
            trust_env=False,
        )

    def _transport(self, proxy: str | None) -> httpx.AsyncHTTPTransport:
        transport = httpx.AsyncHTTPTransport(
            verify=self._tls,
            limits=httpx.Limits(
                max_connections=self.settings.concurrency,
                max_keepalive_connections=min(KEEPALIVE, self.settings.concurrency),
            ),
            proxy=proxy,
            trust_env=False,
        )
        # Sockets through plain asyncio instead of anyio (monitor/netbackend.py: why).
        transport._pool._network_backend = AsyncioBackend()
        return transport

    async def aclose(self) -> None:
        await self._client.aclose()

    def _trust_before(self, url: str) -> None:
        if not self._tls_loaded and url[:6].lower() == "https:":
            import certifi  # httpx's own source of CA certificates

            self._tls.load_verify_locations(certifi.where())
            self._tls_loaded = True

    async def fetch(self, request: FetchRequest) -> FetchResult:
        started = time.monotonic()
        if urlsplit(request.url).scheme.lower() not in ("http", "https"):
            result = await asyncio.to_thread(self._read_local, request)
            result.elapsed = time.monotonic() - started
            return result
        if self._proxy_problem:
            return FetchResult(request, "error", error=self._proxy_problem)
        host = (urlsplit(request.url).hostname or "").lower()
        host_sem = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host))
        async with host_sem, self._global:
            try:
                async with asyncio.timeout(self.settings.feed_deadline):
                    result = await self._fetch_http(request)
            except TimeoutError:
                result = FetchResult(
                    request,
                    "error",
                    error=f"gave up after {self.settings.feed_deadline:g} s "
                    f"(the feed deadline); {host or 'the server'} is too slow",
                )
            except Exception as exc:  # one feed's surprise must not end the poll for all others
                result = FetchResult(
                    request, "error", error=f"{type(exc).__name__} fetching {request.url}: {exc}"
                )
        result.elapsed = time.monotonic() - started
        return result

    async def _fetch_http(self, request: FetchRequest) -> FetchResult:
        url = request.url
        moved_to: str | None = None
        permanent_chain = True
        seen: set[str] = set()
        headers: dict[str, str] = {}
        if request.etag:
            headers["If-None-Match"] = request.etag
        if request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
        for _hop in range(self.settings.max_redirects + 1):
            if url in seen:
                return FetchResult(request, "error", error=f"redirect loop at {url}")
            seen.add(url)
            self._trust_before(url)
            try:
                async with self._client.stream("GET", url, headers=headers) as response:
                    status = response.status_code
                    if status in REDIRECT_CODES:
                        location = response.headers.get("location")
                        if not location:
                            return FetchResult(
                                request, "error", status,
                                error=f"HTTP {status} redirect without a Location header",
                            )  # fmt: skip
                        target = urljoin(url, location.strip())
                        scheme = urlsplit(target).scheme.lower()
                        if scheme not in ("http", "https"):
                            return FetchResult(
                                request, "error", status,
                                error=f"refused to follow a redirect to a {scheme or 'non-web'}: "
                                "URL (only http and https are followed)",
                            )  # fmt: skip
                        if status in PERMANENT_REDIRECTS and permanent_chain:
                            moved_to = target
                        else:
                            permanent_chain = False
                        url = target
                        continue
                    if status == 304:
                        return FetchResult(
                            request, "not_modified", status, final_url=url, moved_to=moved_to,
                            etag=request.etag, last_modified=request.last_modified,
                        )  # fmt: skip
                    if status == 410:
                        return FetchResult(
                            request, "gone", status, final_url=url,
                            error="the server says this feed is gone for good (HTTP 410); "
                            "it will not be polled again",
                        )  # fmt: skip
                    if status in (429, 503):
                        delay = parse_retry_after(response.headers.get("retry-after"))
                        reason = "rate limited" if status == 429 else "temporarily unavailable"
                        wait = (
                            f"; asked to retry in {_duration(delay)}" if delay is not None else ""
                        )
                        cap = self.settings.max_backoff_hours
                        if delay is not None and delay > cap * 3600:
                            wait += f", so waiting {cap:g} h (poll.max_backoff_hours)"
                        return FetchResult(
                            request, "retry_later", status, final_url=url, retry_after=delay,
                            error=f"HTTP {status}: the server is {reason}{wait}",
                        )  # fmt: skip
                    if status >= 400 or status < 200:
                        phrase = response.reason_phrase or ""
                        return FetchResult(
                            request, "error", status, final_url=url,
                            error=f"HTTP {status} {phrase}".strip(),
                        )  # fmt: skip
                    length = response.headers.get("content-length", "")
                    if length.isdigit() and int(length) > self.limit * 4:
                        raise _TooLarge
                    body = await _inflate(
                        response.aiter_raw(_CHUNK),
                        response.headers.get("content-encoding", ""),
                        self.limit,
                    )
                    body = with_http_charset(body, response.headers.get("content-type", ""))
                    return FetchResult(
                        request, "ok", status, body=body,
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                        final_url=url, moved_to=moved_to,
                    )  # fmt: skip
            except _TooLarge:
                return FetchResult(
                    request,
                    "error",
                    error=f"the feed is larger than the {self.settings.max_body_mib:g} MiB limit",
                )
            except _Refused as exc:
                return FetchResult(request, "error", error=str(exc))
            except httpx.HTTPError as exc:
                return FetchResult(
                    request,
                    "error",
                    error=_describe_http_error(exc, url, self.settings.read_timeout),
                )
            except httpx.InvalidURL as exc:  # also raised for a redirect's unusable Location
                return FetchResult(
                    request, "error",
                    error=f"invalid address while fetching {url} (the URL, or where the server "
                    f"redirected to): {exc}",
                )  # fmt: skip
            except (OSError, ValueError, OverflowError) as exc:  # OverflowError: port > 65535
                return FetchResult(request, "error", error=f"could not fetch {url}: {exc}")
        return FetchResult(
            request, "error", error=f"too many redirects (more than {self.settings.max_redirects})"
        )

    def _read_local(self, request: FetchRequest) -> FetchResult:
        path = Path(request.url).expanduser()
        try:
            if path.exists() and not path.is_file() and not path.is_dir():
                # A FIFO or a device: opening a FIFO waits for a writer, for ever, past the
                # feed deadline (a thread cannot be cancelled) and with the poll lock held.
                return FetchResult(
                    request, "error", error=f"local feed path {path} is not a regular file"
                )
            with path.open("rb") as handle:
                body = handle.read(self.limit + 1)
        except FileNotFoundError:
            where = (
                ""
                if path.is_absolute()
                else f" (relative to the current directory: {path.absolute()})"
            )
            meant = web_address_meant(str(request.url))
            if meant and not path.is_absolute():
                where += f"; a web address needs its scheme: {meant}?"
            return FetchResult(
                request, "error", error=f"local feed file {path} does not exist{where}"
            )
        except IsADirectoryError:
            return FetchResult(request, "error", error=f"local feed path {path} is a directory")
        except OSError as exc:
            return FetchResult(request, "error", error=f"cannot read {path}: {exc.strerror}")
        if len(body) > self.limit:
            return FetchResult(
                request,
                "error",
                error=f"the feed is larger than the {self.settings.max_body_mib:g} MiB limit",
            )
        return FetchResult(request, "ok", body=body, final_url=request.url)


async def fetch_all(
    requests: Sequence[FetchRequest],
    settings: PollSettings,
    on_result: Callable[[FetchResult], Awaitable[None]],
) -> None:
    """Fetch every request concurrently, awaiting `on_result` for each as soon as it is done."""
    fetcher = Fetcher(settings)
    try:

        async def one(request: FetchRequest) -> None:
            await on_result(await fetcher.fetch(request))

        await asyncio.gather(*(one(r) for r in requests))
    finally:
        await fetcher.aclose()


def utc_now() -> datetime:
    return datetime.now(UTC)
