"""OPML import/export of subscriptions.

feeds.yaml stays the one place subscriptions live, so `import` appends entries to its `feeds:`
list as text (keeping the user's comments and layout; `monitor.subscribe` does the edit),
validates the result with the normal loader, and replaces the file atomically only if it is
valid. Outlines that cannot be feeds (not
an http(s) URL) are skipped with a note naming them, and the rest imported. A feed's tags travel
as the outline's `category` attribute (comma-separated, the common convention); only values
that are valid tag names are read back. OPML is parsed with the standard library after DOCTYPE
declarations are removed (no entity expansion, no external entities).

`import` also reads newsboat's `urls` file (one feed a line: the URL, then tags, a `"~title"`
for the title), so a newsboat user moves over with tags and titles; newsboat's own OPML export
leaves the tags out.
"""

from __future__ import annotations

import re
import shlex
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import quoteattr

from pydantic import ValidationError

from monitor.config import ConfigError, FeedConfig, address_key, parse_yaml, web_address_meant
from monitor.parse import strip_doctype
from monitor.subscribe import (
    ConfigLock,
    SubscribeError,
    add_feeds_to_yaml,
    config_urls,
    read_config,
    update_feed_in_yaml,
    write_config,
)
from monitor.textclean import clean_line
from monitor.topics import is_tag_name

MAX_OPML_BYTES = 5 * 1024 * 1024


class OpmlError(Exception):
    pass


@dataclass(frozen=True)
class Outline:
    """One subscription read from OPML."""

    url: str
    title: str | None = None
    categories: tuple[str, ...] = ()  # the `category` values, as written

    def describe(self) -> str:
        return f"{self.url} ({self.title})" if self.title else self.url


@dataclass
class ImportResult:
    added: int = 0
    already: int = 0  # already in feeds.yaml (or twice in the file)
    tagged: int = 0  # of those, feeds in feeds.yaml that got the file's folders as tags too
    skipped: int = 0  # outlines that cannot be feeds
    notes: list[str] = field(default_factory=list)  # one line per skipped outline or category


def _categories(value: str | None) -> tuple[str, ...]:
    """OPML's `category`: comma-separated, each a slash-delimited path ("/Tech/AI"): every
    segment of every path becomes a tag, once, in order."""
    found: list[str] = []
    for part in (value or "").split(","):
        for segment in clean_line(part).split("/"):
            segment = segment.strip()
            if segment and segment not in found:
                found.append(segment)
    return tuple(found)


def read_opml(path: Path) -> list[Outline]:
    """Every outline with an xmlUrl, in document order."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OpmlError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"{path}: larger than {MAX_OPML_BYTES // (1024 * 1024)} MiB")
    if not data.lstrip().startswith(b"<"):
        newsboat = _newsboat_urls(data)
        if newsboat is not None:
            return newsboat
    try:
        root = ET.fromstring(strip_doctype(data))
    except ET.ParseError as exc:
        raise OpmlError(f"{path}: not valid OPML/XML ({exc}), nor a newsboat urls file") from None
    found: list[Outline] = []

    def walk(element: ET.Element, folders: tuple[str, ...]) -> None:
        for outline in element.findall("outline"):
            url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
            title = clean_line(outline.get("title") or outline.get("text") or "")
            if url:
                url = clean_line(url)
                # a reader that names untitled feeds by their URL: let the feed's own title show
                title_or_none = title if title and title != url else None
                categories = _categories(outline.get("category"))
                categories += tuple(f for f in folders if f not in categories)
                found.append(Outline(url, title_or_none, categories))
            # Feedly, newsboat and most readers export a folder as an outline around its
            # feeds: its name is the feeds' category.
            walk(outline, folders + ((title,) if title and not url else ()))

    body = root.find("body")
    walk(body if body is not None else root, ())
    return found


def _newsboat_urls(data: bytes) -> list[Outline] | None:
    """The feeds of a newsboat `urls` file: `URL tag "two words" "~Title"` a line, `#`
    comments; query feeds and `exec:`/`filter:` lines (no URL to fetch), and any other line
    that is not an http(s) URL or an absolute path, become notes by `_as_feed` (one such line
    had refused the whole file as "not valid OPML/XML"). None when no line starts with a URL
    or a path: not such a file."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    found: list[Outline] = []
    addresses = 0
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            words = shlex.split(line, comments=True)
        except ValueError:  # an unclosed quote
            words = line.split()
        if not words:
            continue
        if ":" in words[0] or words[0].startswith(("/", "~/")) or web_address_meant(words[0]):
            addresses += 1
            url = words[0].lstrip('"')  # newsboat's `"query:…"` lines
        else:
            url, words = line, [line]  # named whole in the note that skips it
        title = next((w[1:] for w in words[1:] if w.startswith("~")), None)
        tags = tuple(w for w in words[1:] if not w.startswith(("~", "!")))
        found.append(Outline(clean_line(url), clean_line(title) if title else None, tags))
    return found if addresses else None


def _as_tag(value: str) -> str:
    """A folder or category as a tag name: blanks and signs become "-" ("Robot stuff" →
    "Robot-stuff", "Local & Misc" → "Local-Misc")."""
    return re.sub(r"[^\w.]+", "-", value.strip()).strip("-.")


def _as_feed(outline: Outline, notes: list[str]) -> FeedConfig | None:
    """The outline as a feeds.yaml entry, or None (with a note) if it cannot be a feed."""
    parts = urlsplit(outline.url)
    if parts.scheme.lower() == "file" and parts.netloc in ("", "localhost") and parts.path:
        outline = replace(outline, url=unquote(parts.path))  # file:///x.xml: the path /x.xml
    local = outline.url.startswith(("/", "~/"))  # a local file, as `opml export` writes one
    if urlsplit(outline.url).scheme.lower() not in ("http", "https") and not local:
        meant = web_address_meant(outline.url)
        hint = f" ({meant}?)" if meant else ""
        notes.append(f"skipped {outline.describe()}: not an http(s) URL or an absolute path{hint}")
        return None
    tags = []
    for value in outline.categories:
        tag = _as_tag(value)
        if not is_tag_name(tag):
            notes.append(f"{outline.describe()}: folder or category {value!r} is no tag; left out")
        elif tag not in tags:
            tags.append(tag)
    try:
        return FeedConfig(url=outline.url, title=outline.title, tags=tags)
    except ValidationError as exc:
        problem = str(exc.errors()[0].get("msg", "invalid")).removeprefix("Value error, ")
        notes.append(f"skipped {outline.describe()}: {problem}")
        return None


def import_opml(opml_path: Path, config_path: Path) -> ImportResult:
    """Append the OPML's feeds that are not yet in feeds.yaml; outlines that cannot be feeds are
    skipped, each with a note."""
    found = read_opml(opml_path)
    result = ImportResult()
    with ConfigLock(config_path):
        text, newline = read_config(config_path)
        current = parse_yaml(text, config_path) or {}
        # address key → (the url as written, its tags in lower case)
        written: dict[str, tuple[str, set[str]]] = {}
        for entry in current.get("feeds") or []:
            if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                tags = entry.get("tags")
                lowered = {str(t).lower() for t in tags} if isinstance(tags, list) else set()
                written[address_key(entry["url"])] = (entry["url"], lowered)
        existing = set(written)
        more_tags: dict[str, list[str]] = {}  # url as written → tags the file adds to it
        # One spelling per tag, the first met: "Talent war" and "talent war" were two tags.
        spelling: dict[str, str] = {}
        for entry in current.get("feeds") or []:
            tags = entry.get("tags") if isinstance(entry, dict) else None
            for tag in tags if isinstance(tags, list) else []:
                spelling.setdefault(str(tag).lower(), str(tag))
        new: list[FeedConfig] = []
        for outline in found:
            feed = _as_feed(outline, result.notes)
            if feed is None:
                result.skipped += 1
                continue
            same = [spelling.setdefault(tag.lower(), tag) for tag in feed.tags]
            feed = feed.model_copy(update={"tags": list(dict.fromkeys(same))})
            key = address_key(feed.url)
            if key in existing:
                result.already += 1
                if key in written:  # (not one met twice in the file)
                    url, has = written[key]
                    missing = [tag for tag in feed.tags if tag.lower() not in has]
                    has.update(tag.lower() for tag in missing)
                    if missing:
                        more_tags.setdefault(url, []).extend(missing)
                continue
            existing.add(key)
            new.append(feed)
        # A feed subscribed already gets the file's folders as tags too: a newsboat import
        # followed by a reader's OPML left the OPML's folders out.
        updated = text
        for url, tags in more_tags.items():
            updated = update_feed_in_yaml(updated, url, None, tags)
        if more_tags and config_urls(updated) != config_urls(text):
            updated = text  # the entries could not be changed safely: only the new feeds
            more_tags = {}
        if new or more_tags:
            _write(opml_path, config_path, add_feeds_to_yaml(updated, new), newline)
    result.added = len(new)
    result.tagged = len(more_tags)
    return result


def _write(opml_path: Path, config_path: Path, text: str, newline: str) -> None:
    try:
        write_config(config_path, text, newline)
    except ConfigError as exc:
        raise OpmlError(f"{opml_path}: importing would make feeds.yaml invalid: {exc}") from None
    except SubscribeError as exc:
        raise OpmlError(f"{opml_path}: {exc}") from None


def stored_titles(db_path: Path) -> dict[str, str] | None:
    """Each feed's title as the database knows it (feeds.yaml's, else the feed's own), by its
    feeds.yaml URL; {} with no database yet, None if it cannot be read. Never writes."""
    return _stored(db_path, "title")


def stored_moves(db_path: Path) -> dict[str, str] | None:
    """Where feeds moved permanently (HTTP 301/308), by their feeds.yaml URL, as `stored_titles`."""
    return _stored(db_path, "moved_to")


def _stored(db_path: Path, column: str) -> dict[str, str] | None:
    from monitor.db import DatabaseError, connect

    if not db_path.exists():
        return {}
    try:
        conn = connect(db_path, readonly=True)
        try:
            rows = conn.execute(
                f"SELECT config_url, {column} FROM feeds WHERE {column} <> ''"
            ).fetchall()
        finally:
            conn.close()
    except (DatabaseError, sqlite3.Error):
        return None
    return {str(url): clean_line(value) for url, value in rows if clean_line(value)}


def export_opml(
    feeds: Sequence[FeedConfig],
    titles: Mapping[str, str] | None = None,
    moves: Mapping[str, str] | None = None,
) -> str:
    """feeds.yaml's subscriptions as OPML 2.0; `titles` names feeds without a title of their own
    there (see `stored_titles`), else the URL stands in; a feed that moved permanently is
    given at its new address (`moves`, see `stored_moves`: another reader should not start at
    the old one)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head><title>monitor subscriptions</title></head>",
        "  <body>",
    ]
    # Each feed sits in the folder of its first tag, as Miniflux, Feedly and newsboat read
    # categories (a flat list with a `category` attribute came back into Miniflux without
    # folders); `category` still lists all its tags.
    folders: dict[str, list[FeedConfig]] = {}
    for feed in feeds:
        folders.setdefault(feed.tags[0] if feed.tags else "", []).append(feed)
    for folder, members in folders.items():
        indent = "      " if folder else "    "
        if folder:
            name = quoteattr(clean_line(folder))
            out.append(f"    <outline text={name} title={name}>")
        for feed in members:
            title = clean_line(feed.title or (titles or {}).get(feed.url) or feed.url) or feed.url
            category = f" category={quoteattr(','.join(feed.tags))}" if feed.tags else ""
            out.append(
                f'{indent}<outline type="rss" text={quoteattr(title)} title={quoteattr(title)} '
                f"xmlUrl={quoteattr((moves or {}).get(feed.url, feed.url))}{category}/>"
            )
        if folder:
            out.append("    </outline>")
    out += ["  </body>", "</opml>", ""]
    return "\n".join(out)
