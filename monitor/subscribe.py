"""Subscriptions: `monitor add URL` and `monitor remove URL`, and the feeds.yaml text edits that
`opml import` shares with them.

feeds.yaml stays the one place subscriptions live, and it is the user's file: entries are added
or removed as text, keeping comments and layout; the result is validated with the normal loader
and must list exactly the feeds asked for, and only then replaces the file atomically (keeping
its line ends and permissions). Anything else leaves the file as it was, with an error that
says why. An edit holds an exclusive lock on the file's directory from its last read to the
rename (`ConfigLock`), so two at once (two shells, the UI and a shell) never undo each other.

Adding checks the address first, as Miniflux and Feedly do: one fetch with the poller's limits
(deadline, body cap, User-Agent, only http(s) or a local path). A feed is added as it is. A web
page is searched for the feeds it announces (`<link rel="alternate" type="application/rss+xml">`,
Atom alike, relative addresses resolved against the page); a page that announces none has a few
usual places tried (`/feed`, `/rss.xml`, …), at most `MAX_GUESSES` more requests. What is
found is checked the same way before it is written.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from monitor.config import (
    ConfigError,
    FeedConfig,
    PollSettings,
    address_key,
    parse_yaml,
    read_config_text,
    settings_from_data,
)
from monitor.textclean import clean_line

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    }
)
GUESSES = ("/feed", "/rss", "/feed.xml", "/rss.xml", "/atom.xml", "/index.xml")
MAX_GUESSES = len(GUESSES)
MAX_LINKS = 20  # announced feeds read from one page
PAGE_BYTES = 2 * 1024 * 1024  # of a page searched for feed links


class SubscribeError(Exception):
    """What was asked cannot be done; feeds.yaml was left as it was. `fetch_failed`: no feed
    could be fetched at the address (the CLI's exit 1), rather than a problem with the file or
    the request (exit 2)."""

    def __init__(self, message: str, *, fetch_failed: bool = False) -> None:
        super().__init__(message)
        self.fetch_failed = fetch_failed


class AlreadySubscribed(SubscribeError):
    """The address is in feeds.yaml already (not an error for the CLI: nothing to do)."""


@dataclass(frozen=True)
class FeedLink:
    """A feed a page announces."""

    url: str
    title: str | None = None


@dataclass
class Probe:
    """What one address turned out to be: a feed (its title and item count), a page (the feeds
    it announces), or neither (`error`)."""

    url: str
    is_feed: bool = False
    moved_to: str | None = None  # a permanent redirect: where the feed lives now
    title: str | None = None
    entries: int = 0
    links: list[FeedLink] = field(default_factory=list)
    error: str | None = None


@dataclass
class Added:
    feed: FeedConfig
    found_on: str | None = None  # the page the feed was found on, when the user gave a page
    title: str | None = None  # the feed's own title
    entries: int = 0
    others: list[FeedLink] = field(default_factory=list)  # more feeds the page announces


# ---------------------------------------------------------------------------------------------
# feeds.yaml as text


def _entry_text(feed: FeedConfig, indent: str) -> str:
    text = f"{indent}- url: {json.dumps(feed.url)}\n"
    if feed.title:
        text += f"{indent}  title: {json.dumps(feed.title, ensure_ascii=False)}\n"
    if feed.tags:
        text += f"{indent}  tags: {json.dumps(feed.tags, ensure_ascii=False)}\n"
    return text


def _feeds_block(lines: list[str]) -> tuple[int, int] | None:
    """(first, end) line indexes of the top-level `feeds:` key and the line after its list
    (trailing blank and comment lines left outside), or None when there is no `feeds:`."""
    start = next((i for i, line in enumerate(lines) if re.match(r"^feeds\s*:", line)), None)
    if start is None:
        return None
    end = len(lines)
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.strip() and not line[0].isspace() and not line.startswith(("#", "-")):
            end = i
            break
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return start, end


def add_feeds_to_yaml(text: str, feeds: Sequence[FeedConfig]) -> str:
    """Return `text` with feed entries appended to its top-level `feeds:` list."""
    lines = text.splitlines(keepends=True)
    block = _feeds_block(lines)
    if block is None:
        added = "feeds:\n" + "".join(_entry_text(feed, "  ") for feed in feeds)
        return text + ("" if text.endswith("\n") or not text else "\n") + added
    start, end = block
    empty = re.match(r"^feeds\s*:\s*\[\s*\]\s*(#.*)?$", lines[start].rstrip("\n"))
    if empty:
        lines[start] = "feeds:" + (f"  {empty.group(1)}" if empty.group(1) else "") + "\n"
    item = next((m for m in (re.match(r"^(\s*)- ", x) for x in lines[start + 1 : end]) if m), None)
    indent = item.group(1) if item else "  "
    if end > 0 and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    addition = "".join(_entry_text(feed, indent) for feed in feeds)
    return "".join(lines[:end]) + addition + "".join(lines[end:])


def _items(lines: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """(first, stop) line ranges of the list items between `start` and `end`: an item's `-`
    line and the lines indented deeper than its dash (blank lines inside it included, those
    after it left out)."""
    items: list[tuple[int, int]] = []
    depth: int | None = None
    i = start
    while i < end:
        item = re.match(r"^(\s*)-(\s|$)", lines[i])
        if not item or (depth is not None and len(item.group(1)) != depth):
            i += 1
            continue
        depth = len(item.group(1))
        stop = i + 1
        while stop < end and (
            not lines[stop].strip() or len(lines[stop]) - len(lines[stop].lstrip()) > depth
        ):
            stop += 1
        while stop > i + 1 and not lines[stop - 1].strip():
            stop -= 1
        items.append((i, stop))
        i = stop
    return items


@dataclass
class _Entry:
    """Where one feed's entry is in feeds.yaml's lines, and what it says."""

    lines: list[str]
    block: tuple[int, int]  # the `feeds:` key's line and the line after its list
    first: int
    stop: int
    data: dict[str, Any]


def _find_entry(text: str, url: str) -> _Entry:
    """The entry whose url is `url`. Raises SubscribeError unless exactly one is found."""
    lines = text.splitlines(keepends=True)
    block = _feeds_block(lines)
    if block is None:
        raise SubscribeError("feeds.yaml has no feeds: list")
    found = []
    for first, stop in _items(lines, block[0] + 1, block[1]):
        try:
            value = parse_yaml("".join(lines[first:stop]), "feeds.yaml")
        except ConfigError:
            continue
        entry = value[0] if isinstance(value, list) and value else None
        if isinstance(entry, dict) and str(entry.get("url", "")).strip() == url:
            found.append((first, stop, entry))
    if len(found) != 1:
        raise SubscribeError(
            f"{url} is listed {len(found)} times in feeds.yaml"
            if found
            else f"could not find the entry for {url} in feeds.yaml; edit the file by hand"
        )
    first, stop, entry = found[0]
    return _Entry(lines, block, first, stop, entry)


def remove_feed_from_yaml(text: str, url: str) -> str:
    """Return `text` without the `feeds:` entry whose url is `url` (its item and the lines
    under it). Raises SubscribeError unless exactly one entry is found."""
    found = _find_entry(text, url)
    lines, block, first, stop = found.lines, found.block, found.first, found.stop
    rest = lines[:first] + lines[stop:]
    if not _items(rest, block[0] + 1, block[1] - (stop - first)):
        key = re.match(r"^feeds\s*:\s*(#.*)?$", rest[block[0]].rstrip("\n"))
        if key:  # the last one: an empty `feeds:` would read as null
            rest[block[0]] = "feeds: []" + (f"  {key.group(1)}" if key.group(1) else "") + "\n"
    return "".join(rest)


def update_feed_in_yaml(text: str, url: str, title: str | None, tags: Sequence[str]) -> str:
    """Return `text` with the entry of `url` given `title` (when not None) and `tags` added to
    its own. The entry is written anew (comments inside it go); the rest stays as it was."""
    found = _find_entry(text, url)
    data = dict(found.data)
    if title is not None:
        data["title"] = title
    old_tags = data.get("tags")
    merged: dict[str, str] = {}  # one spelling per tag, the one the entry had
    for tag in [*(old_tags if isinstance(old_tags, list) else []), *tags]:
        merged.setdefault(str(tag).lower(), str(tag))
    data["tags"] = list(merged.values())
    indent = re.match(r"^(\s*)-", found.lines[found.first])
    pad = indent.group(1) if indent else "  "
    entry = f"{pad}- url: {json.dumps(url)}\n" + "".join(
        f"{pad}  {key}: {json.dumps(value, ensure_ascii=False)}\n"
        for key, value in data.items()
        if key != "url" and value not in (None, [])
    )
    return "".join(found.lines[: found.first]) + entry + "".join(found.lines[found.stop :])


def config_urls(text: str) -> list[str]:
    """The feed addresses of a feeds.yaml text, as written, in order."""
    data = parse_yaml(text, "feeds.yaml") or {}
    feeds = data.get("feeds") if isinstance(data, dict) else None
    return [
        str(entry.get("url", "")).strip() if isinstance(entry, dict) else str(entry).strip()
        for entry in feeds or []
    ]


def read_config(path: Path) -> tuple[str, str]:
    """feeds.yaml's text with "\n" line ends, and the line end the file uses ("\r\n" when it
    was written on Windows), so an edit writes it back the way it was. "" for no file."""
    if not path.exists():
        return "", "\n"
    raw = read_config_text(path)
    return raw.replace("\r\n", "\n"), "\r\n" if "\r\n" in raw else "\n"


def write_config(path: Path, text: str, newline: str = "\n") -> None:
    """Validate `text` as a feeds.yaml and write it over `path` atomically, with `newline` line
    ends. Raises ConfigError (the file would be invalid) or SubscribeError (not written)."""
    try:
        data = parse_yaml(text, path)
    except ConfigError as exc:
        raise SubscribeError(f"the edit would not be valid YAML: {exc}") from None
    settings_from_data(data, str(path))
    try:
        replace_text(path, text if newline == "\n" else text.replace("\n", newline))
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise SubscribeError(f"cannot write {path}: {reason}; it was left as it was") from None


def replace_text(path: Path, text: str) -> None:
    """Write a temporary file beside `path` and rename it over `path`, so a full disk or a crash
    never leaves half a feeds.yaml. The file keeps its permissions (a new one gets the usual
    ones, not the temporary file's owner-only mode)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".feeds-", suffix=".yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _same(a: str, b: str) -> bool:
    return address_key(a) == address_key(b)


# ---------------------------------------------------------------------------------------------
# Finding the feed


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link" or len(self.links) >= MAX_LINKS:
            return
        values = {name.lower(): (value or "") for name, value in attrs}
        rel = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES and values.get("href", "").strip():
            self.links.append((values["href"].strip(), values.get("title") or None))


def discover(page: bytes, base_url: str) -> list[FeedLink]:
    """The feeds a web page announces, in page order, addresses made absolute (http/https)."""
    finder = _LinkFinder()
    try:
        finder.feed(page[:PAGE_BYTES].decode("utf-8", errors="replace"))
        finder.close()
    except Exception:  # html.parser copes with nearly anything; a page is only a hint
        pass
    found: list[FeedLink] = []
    for href, title in finder.links:
        url = urljoin(base_url, href)
        if urlsplit(url).scheme.lower() in ("http", "https") and all(
            not _same(url, f.url) for f in found
        ):
            found.append(FeedLink(url, clean_line(title) or None if title else None))
    return found


def probe(url: str, settings: PollSettings) -> Probe:
    """Fetch `url` once (the poller's limits) and say what it is."""
    from monitor.fetch import FetchRequest, FetchResult, fetch_all
    from monitor.parse import parse_feed

    results: list[FetchResult] = []

    async def keep(result: FetchResult) -> None:
        results.append(result)

    asyncio.run(fetch_all([FetchRequest(0, url)], settings, keep))
    (fetched,) = results
    final = fetched.final_url or url
    if fetched.outcome != "ok" or fetched.body is None:
        return Probe(url, error=fetched.error or f"could not fetch it ({fetched.outcome})")
    parsed = parse_feed(fetched.body, final)
    if parsed.error is None:
        return Probe(
            url,
            is_feed=True,
            moved_to=fetched.moved_to,
            title=parsed.title,
            entries=len(parsed.entries),
        )
    links = discover(fetched.body, final)
    return Probe(url, links=links, error=parsed.error)


def normalise_address(value: str) -> str:
    """What the user typed, as feeds.yaml takes it: `example.com/news` → https://example.com/news
    (a bare host name or path without a scheme that is not a local file), else unchanged."""
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:  # "http://[::1": the url check says what is wrong
        return value
    if parts.scheme.lower() == "file" and parts.netloc in ("", "localhost") and parts.path:
        return str(Path(unquote(parts.path)))
    if re.match(r"^[\w.-]+:\d+(/|$)", value):  # host:port/path
        return "https://" + value
    if parts.scheme or value.startswith(("/", "~", ".")) or Path(value).exists():
        if parts.scheme and len(parts.scheme) > 1:
            return value
        # A local file: absolute, so a poll from cron (another directory) finds it too.
        return str(Path(value).expanduser().absolute()) if value else value
    host = value.split("/", 1)[0]
    if "." in host and " " not in value:
        return "https://" + value
    return value


def urls_line(typed: str) -> tuple[str, str | None, list[str]]:
    """(address, title, tags) of a line as in newsboat's `urls` file: the address, then tags,
    and a title as `"~Title"` (`https://… ai talent "~Harbor desk"`). Raises ConfigError for
    unbalanced quotes."""
    try:
        words = shlex.split(typed)
    except ValueError:
        raise ConfigError(f"{typed.strip()}: a quote is not closed") from None
    if not words:
        return "", None, []
    title = next((word[1:].strip() for word in words[1:] if word.startswith("~")), None)
    tags = [word for word in words[1:] if not word.startswith("~")]
    return words[0], title or None, tags


def add_feed(
    config_path: Path,
    address: str,
    settings: PollSettings,
    *,
    title: str | None = None,
    tags: Sequence[str] = (),
    check: bool = True,
) -> Added:
    """Subscribe to `address` (a feed, or a page that announces one): checked, then appended to
    feeds.yaml. Raises AlreadySubscribed, SubscribeError (nothing written) or ConfigError (the
    given title or tags are not valid)."""
    url = normalise_address(address)
    if not url:
        raise ConfigError("give the address of a feed or of a web page that names one")
    if title is not None and (clean_line(title) != title.strip() or not title.strip()):
        raise ConfigError(f"title {title!r}: give one line of plain text")
    tags = list(dict.fromkeys(tags))
    try:
        FeedConfig(url=url, title=title, tags=tags)
    except ValueError as exc:
        raise ConfigError(_first_problem(exc)) from None
    _not_subscribed(config_path, url)
    if "://" not in address and url.startswith("https://"):
        # "example.com/feed" means https, but the same feed subscribed over http is the one
        # meant (it was fetched over https, failed on TLS, and "could not be added").
        _not_subscribed(config_path, "http://" + url.removeprefix("https://"))
    added = Added(FeedConfig(url=url, title=title, tags=tags))
    if check:
        found = probe(url, settings)
        if found.is_feed:
            added.title, added.entries = found.title, found.entries
            if found.moved_to:  # moved permanently: subscribe where it lives now
                added.feed = FeedConfig(url=found.moved_to, title=title, tags=tags)
        else:
            try:
                added = _from_page(url, found, settings, title, tags)
            except SubscribeError as exc:
                if exc.fetch_failed and "://" not in address and url.startswith("https://"):
                    raise SubscribeError(
                        f"{exc}\n(no http:// or https:// was given, so https:// was tried; "
                        "give http://… for a site without TLS)",
                        fetch_failed=True,
                    ) from None
                raise
    with ConfigLock(config_path):
        # Read again: the check took a while, and another add or an edit may have come since.
        text, newline = read_config(config_path)
        _not_subscribed(config_path, added.feed.url, text)
        _refuse_flow_style(config_path, text)
        write_config(config_path, add_feeds_to_yaml(text, [added.feed]), newline)
    return added


def _not_subscribed(config_path: Path, url: str, text: str | None = None) -> None:
    if text is None:
        text = read_config(config_path)[0]
    try:
        known = config_urls(text)
    except ConfigError:
        return  # write_config says what is wrong with the file
    if any(_same(url, other) for other in known):
        raise AlreadySubscribed(f"{url} is already in {config_path}")


def _refuse_flow_style(config_path: Path, text: str) -> None:
    line = next((x for x in text.splitlines() if re.match(r"^feeds\s*:", x)), "")
    value = line.split(":", 1)[1].split("#", 1)[0].strip() if line else ""
    if value and value != "[]":
        raise SubscribeError(
            f"{config_path}: feeds: is written on one line ({value[:40]}); "
            "put each feed on its own `- url:` line, or add this one by hand"
        )


class ConfigLock:
    """An exclusive lock on feeds.yaml's directory while it is read, edited and replaced, so two
    adds or removes at once (two terminals, or the UI and a shell) never undo each other. A
    directory that cannot be locked is edited without (the rename is still atomic)."""

    def __init__(self, config_path: Path) -> None:
        self.directory = config_path.absolute().parent
        self.fd: int | None = None

    def __enter__(self) -> None:
        import fcntl

        try:
            self.fd = os.open(self.directory, os.O_RDONLY)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except OSError:
            self.__exit__()

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing releases the lock
            self.fd = None


def _from_page(
    url: str, page: Probe, settings: PollSettings, title: str | None, tags: Sequence[str]
) -> Added:
    """The first working feed `page` announces (or, announcing none, one at a usual place)."""
    if page.links:
        candidates = page.links
    elif page.error and "HTML page" in page.error:
        base = urlsplit(url)
        root = f"{base.scheme}://{base.netloc}"
        candidates = [FeedLink(root + path) for path in GUESSES[:MAX_GUESSES]]
    else:
        raise SubscribeError(f"{url}: {page.error}", fetch_failed=True)
    problems = []
    for number, link in enumerate(candidates):
        found = probe(link.url, settings)
        if found.is_feed:
            others = list(page.links[number + 1 :])  # those before it were tried: broken
            return Added(
                FeedConfig(url=found.moved_to or link.url, title=title, tags=list(tags)),
                found_on=url,
                title=found.title or link.title,
                entries=found.entries,
                others=others,
            )
        if page.links:
            problems.append(f"{link.url}: {found.error}")
    if page.links:
        raise SubscribeError(
            f"{url} is a web page; the feeds it names do not work:\n" + "\n".join(problems),
            fetch_failed=True,
        )
    raise SubscribeError(
        f'{url} is a web page that names no feed (no <link rel="alternate"> to RSS or Atom), '
        f"and none was found at {', '.join(GUESSES)}; find the feed's address on the site",
        fetch_failed=True,
    )


def _first_problem(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = str(first.get("msg", exc)).removeprefix("Value error, ")
        return f"{where}: {message}" if where else message
    return str(exc)


def update_feed(
    config_path: Path, address: str, *, title: str | None = None, tags: Sequence[str] = ()
) -> FeedConfig:
    """Give the subscribed feed at `address` a title and more tags (`monitor add` of a feed
    that is there already, with --title or --tag). Raises SubscribeError or ConfigError."""
    with ConfigLock(config_path):
        text, newline = read_config(config_path)
        urls = config_urls(text)
        wanted = normalise_address(address) or address.strip()
        forms = [wanted]
        if "://" not in address and wanted.startswith("https://"):
            forms.append("http://" + wanted.removeprefix("https://"))
        match = [u for u in urls if u in forms] or [
            u for u in urls if any(_same(u, form) for form in forms)
        ]
        if not match:
            raise SubscribeError(f"{address} is not in {config_path}")
        candidate = update_feed_in_yaml(text, match[0], title, tags)
        if config_urls(candidate) != urls:
            raise SubscribeError(
                f"could not change {match[0]} in {config_path} safely; edit the file by hand"
            )
        write_config(config_path, candidate, newline)
        data = parse_yaml(candidate, config_path)
    entry = next(e for e in data["feeds"] if isinstance(e, dict) and e.get("url") == match[0])
    return FeedConfig(**entry)


def remove_feed(config_path: Path, address: str) -> FeedConfig:
    """Unsubscribe: remove the entry for `address` from feeds.yaml (its stories stay in the
    database; the next poll marks the feed inactive). Raises SubscribeError."""
    if not config_path.exists():
        raise SubscribeError(f"{config_path} does not exist")
    with ConfigLock(config_path):
        text, newline = read_config(config_path)
        urls = config_urls(text)
        wanted = address.strip()
        match = [u for u in urls if u == wanted] or [u for u in urls if _same(u, wanted)]
        if not match:
            raise SubscribeError(f"{address} is not in {config_path}")
        url = match[0]
        candidate = remove_feed_from_yaml(text, url)
        remaining = config_urls(candidate)
        expected = list(urls)
        expected.remove(url)
        if remaining != expected:
            raise SubscribeError(
                f"could not remove {url} from {config_path} safely; edit the file by hand"
            )
        write_config(config_path, candidate, newline)
    return FeedConfig(url=url)
