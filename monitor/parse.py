"""Parsing fetched bytes into clean entries with feedparser.

Three defences shape this module:
- feedparser gets a file object, never bytes or str: given a string that looks like a path or
  URL it opens it, which would let a feed body read a local file.
- DOCTYPE internal subsets are removed before parsing: feedparser re-inserts "safe" internal
  entities and its loose parser expands them without limit (a 100 KB entity referenced 1,000
  times became a 100 MB title), and this also disarms billion-laughs and XXE declarations.
  The body is first decoded to UTF-8 the way feedparser would decode it, so a UTF-16/32 or
  EBCDIC body cannot hide its DOCTYPE from the byte-level guard. A UTF-8 document with a few
  bytes that are not UTF-8 keeps its UTF-8 (the bad bytes become U+FFFD) instead of being read
  whole in a legacy encoding, and character references to no character (`&#xD800;`,
  `&#x110000;`), which crash feedparser, become U+FFFD: one bad item never costs the feed.
- Every string is turned into plain text and cleaned of control/bidi characters here, so the
  rest of the program only ever sees safe text. Overlong fields are cut.

`parse_feed` is a pure function of picklable inputs and outputs so the poller can run it in a
process pool on both cores.
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import html
import io
import re
import time
import xml.sax
from collections.abc import Container, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

from monitor.textclean import clean_line, html_to_line, html_to_text
from monitor.urls import canonical_url, legacy_url
from monitor.wording import plural

MAX_TITLE = 500
MAX_SUMMARY = 20_000
MAX_CONTENT = 100_000
MAX_KEY = 500
MAX_ATTRIBUTES = 256  # per element; feedparser's strict parser takes time quadratic in them
_LONG_TAG = re.compile(rb"<[A-Za-z][^<>]{4096,}>")
FUTURE_SLACK_SECONDS = 36 * 3600
# Dates before 1995 are taken as no date. No web feed is older (the first news sites went up in
# 1993-94; RSS dates from 1999), and what such feeds do carry is a date that was never set:
# 1970-01-01 (Unix time 0) and the like. Kept, it was also the date the undated items of a new
# feed's first fetch were given (store._backlog_stamp: the oldest publication of the fetch).
EARLIEST_SECONDS = calendar.timegm((1995, 1, 1, 0, 0, 0, 0, 0, 0))

_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]*\[.*?\]\s*>|[^>]*>)", re.IGNORECASE | re.DOTALL)
_ENTITY_DECL = re.compile(rb"<!ENTITY[^>]*>", re.IGNORECASE)
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
# Character references to no character: a surrogate (U+D800-U+DFFF), U+FFFE, U+FFFF, or past
# U+10FFFF, in hexadecimal or decimal, with any leading zeros. Matched by the pattern alone, so
# a feed full of good references (&#8217;) costs one C-level scan, never a Python call each.
_NO_CHARACTER = re.compile(
    rb"&#(?:[xX]0*+(?:[dD][89a-fA-F][0-9a-fA-F]{2}|[fF]{3}[eEfF]"  # surrogates, FFFE, FFFF
    rb"|1[1-9a-fA-F][0-9a-fA-F]{4}|[2-9a-fA-F][0-9a-fA-F]{5}|[0-9a-fA-F]{7,})"  # past 10FFFF
    rb"|0*+(?:5529[6-9]|55[3-9]\d\d|56\d{3}|57[0-2]\d\d|573[0-3]\d|5734[0-3]|6553[45]"
    rb"|[2-9]\d{6}|1[2-9]\d{5}|11[2-9]\d{4}|111[5-9]\d{3}|1114[2-9]\d\d|11141[2-9]\d"
    rb"|111411[2-9]|\d{8,}));"
)
_XML_ENCODING = re.compile(rb"""\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"'>]*)["']""")
# Starts of documents XML reads as UTF-16/32 (a BOM, or "<?" in them) or EBCDIC.
_NOT_UTF8_STARTS = (
    codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE, b"\x00\x00\x00\x3c", b"\x3c\x00\x00\x00",
    b"\x00\x3c\x00\x3f", b"\x3c\x00\x3f\x00", b"\x4c\x6f\xa7\x94",
)  # fmt: skip
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)


@dataclass(frozen=True)
class ParsedEntry:
    key: str  # per-feed identity: guid, else canonical link, else content hash (see _unshared)
    url: str | None
    title: str
    summary: str
    content: str
    author: str | None
    published: str | None  # ISO 8601 UTC
    outlet: str | None = None  # who published it, when the feed says (a news search's <source>)
    outlet_site: str | None = None  # the outlet's host name, when its <source> gives its address
    # The link as stored until 2026-11-24 (before percent-encoding and news-search redirects),
    # when it differs from `url`: stories stored then are found under it (`store`).
    legacy_url: str | None = None


@dataclass
class ParsedFeed:
    title: str | None = None
    site_url: str | None = None
    entries: list[ParsedEntry] = field(default_factory=list)
    warning: str | None = None  # malformed, but entries were recovered; or bytes repaired
    recovered: bool = False  # malformed: entries may have been cut short where it broke
    error: str | None = None  # nothing usable


def strip_doctype(body: bytes) -> bytes:
    """Remove DOCTYPE declarations (with internal subsets) and stray ENTITY declarations."""
    if b"<!" not in body:
        return body
    head_end = body.find(b"<rss")
    if head_end == -1:
        head_end = body.find(b"<feed")
    head = body if head_end == -1 else body[:head_end]
    if b"<!DOCTYPE" not in head.upper() and b"<!ENTITY" not in body.upper():
        return body
    body, doctypes = _DOCTYPE.subn(b"", body)
    body = _ENTITY_DECL.sub(b"", body)
    if doctypes and b"&" in body:
        # The DTD a feed names (RSS 0.91's, XHTML's) defines HTML's entities: &nbsp; &eacute;.
        # Without it they are undefined XML; written as character references they read as the
        # DTD meant, and a valid RSS 0.91 feed is not reported as malformed.
        body = _NAMED_ENTITY.sub(_as_character_reference, body)
    return body


def _as_character_reference(match: re.Match[bytes]) -> bytes:
    from html.entities import name2codepoint

    name = match.group(1).decode("ascii")
    if name in ("amp", "lt", "gt", "quot", "apos") or name not in name2codepoint:
        return match.group(0)
    return b"&#%d;" % name2codepoint[name]


def _to_utf8(body: bytes) -> tuple[bytes, str | None]:
    """The body as UTF-8 with a matching XML declaration, decoded as feedparser decodes it, and
    a note on its encoding when it was not what the document says it is.

    Done before the DOCTYPE guard so the guard sees the bytes the XML parser will see (a UTF-16
    body slipped its entities past it), and without HTTP headers, so a feed that declares no
    encoding is read as UTF-8 rather than feedparser's Latin-1 default for header-less input.

    A UTF-8 document (by XML's rules: declared so, or declaring nothing without a UTF-16/32 BOM)
    that is not all valid UTF-8 was read whole as windows-1252, every character of a Chinese
    feed garbled for one stray Latin-1 byte. When most of its non-ASCII text is valid UTF-8 it
    is decoded as UTF-8 with the bad bytes replaced (U+FFFD); a document with more bad bytes
    than good characters is in a legacy encoding all through (Latin-1 labelled UTF-8) and is
    read as feedparser reads it. Both get a note.
    """
    from feedparser.encodings import convert_to_utf8

    result: dict[str, Any] = {}
    try:
        converted = convert_to_utf8({}, body, result)
    except Exception:  # undecodable: leave the bytes to feedparser, which records the problem
        return body, None
    if not isinstance(converted, bytes):
        return body, None
    read_as = _codec(result.get("encoding"))
    if read_as in (None, "utf-8"):
        return converted, None
    declared = _utf8_by_xml_rules(body)
    if declared is None:
        return converted, None  # declared another encoding: as before
    data = body[len(codecs.BOM_UTF8) :] if body.startswith(codecs.BOM_UTF8) else body
    text = data.decode("utf-8", "replace")
    replaced = text.count("\ufffd")
    bad = replaced - data.count("\ufffd".encode())
    good = len(text) - len(text.encode("ascii", "ignore")) - replaced
    if good <= bad:
        said = "declared UTF-8" if declared else "no encoding declared (so UTF-8, by XML's rules)"
        return converted, f"{said} but not valid UTF-8: read as {result['encoding']}"
    try:
        repaired = convert_to_utf8({}, text.encode("utf-8"), {})
    except Exception:
        return converted, None
    if not isinstance(repaired, bytes):
        return converted, None
    return repaired, f"not valid UTF-8: {plural(bad, 'bad byte sequence')} replaced by U+FFFD"


def _codec(name: object) -> str | None:
    if not isinstance(name, str) or not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _utf8_by_xml_rules(body: bytes) -> bool | None:
    """True: the document declares UTF-8 (or starts with a UTF-8 BOM); False: it declares no
    encoding and has no UTF-16/32 or EBCDIC start, so XML reads it as UTF-8; None: it is in
    another encoding."""
    if body.startswith(codecs.BOM_UTF8):
        return True
    if body.startswith(_NOT_UTF8_STARTS):
        return None
    match = _XML_ENCODING.match(body[:1024])
    if match is None:
        return False
    return True if _codec(match.group(1).decode("latin-1").strip()) == "utf-8" else None


def _bad_references(body: bytes) -> tuple[bytes, int]:
    """`body` with character references to no character made `&#xFFFD;`, and their number.

    feedparser raises on them (`&#xD800;`: UnicodeEncodeError, `&#x110000;`: ValueError,
    `&#99999999999;`: OverflowError) and the whole feed was lost to one item. The XML-illegal
    controls (`&#0;`, `&#x1b;`) feedparser reads without harm (the feed is reported malformed)
    and `textclean` removes them with any escape sequence they start: they are left to it.
    """
    if b"&#" not in body:
        return body, 0
    return _NO_CHARACTER.subn(b"&#xFFFD;", body)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _iso(struct: time.struct_time | None, now: float) -> str | None:
    if not struct:
        return None
    try:
        seconds = calendar.timegm(struct)
    except (OverflowError, ValueError, TypeError):
        return None
    if seconds > now + FUTURE_SLACK_SECONDS or seconds < EARLIEST_SECONDS:
        return None  # a date far in the future, or before any web feed, is not trustworthy
    if seconds > now:
        seconds = int(now)  # a wrong time zone: it cannot have been published after we read it
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _entry(
    raw: dict, now: float, bare_guids: Container[str] = (), escaped: bool = False
) -> ParsedEntry:
    """One entry as stored. `escaped`: feedparser's loose parser read the body, and it hands
    over an author and a <source>'s name XML-escaped ("Tom &amp; Jerry", "&lt;b&gt;Ann…")
    where its strict parser and the fast path give their text."""
    title = _truncate(html_to_line(raw.get("title") or ""), MAX_TITLE)
    summary_html = raw.get("summary") or ""
    summary = _truncate(html_to_text(summary_html), MAX_SUMMARY)
    content = ""
    for item in raw.get("content") or ():
        value = item.get("value") if hasattr(item, "get") else None
        if value and value != summary_html:
            content = _truncate(html_to_text(value), MAX_CONTENT)
            break
    if not summary and content:
        summary = _truncate(content, 1000)
    link = raw.get("link")
    if not link:
        for candidate in raw.get("links") or ():
            if hasattr(candidate, "get") and candidate.get("href"):
                link = candidate["href"]
                break
    if raw.get("guidislink") and link in bare_guids:
        link = None  # "<guid>17</guid>" resolved against the feed's address: no one's page
    url = canonical_url(link) if isinstance(link, str) else None
    legacy = legacy_url(link, url) if isinstance(link, str) else None
    if url and len(url) > 4000:
        url = None
    guid = clean_line(raw.get("id") or "") if isinstance(raw.get("id"), str) else ""
    key = guid or url or ""
    if not key:
        digest = hashlib.sha256(f"{title}\0{summary}\0{content}".encode()).hexdigest()
        key = f"sha256:{digest}"
    elif len(key) > MAX_KEY:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    published = _iso(raw.get("published_parsed"), now) or _iso(raw.get("updated_parsed"), now)
    # A name is read like a headline: HTML to one plain line ("Tom &amp; Jerry" is "Tom &
    # Jerry", a CDATA "<b>Ann</b> O'Neil" is "Ann O'Neil"), whichever parser read it.
    author = _name(raw.get("author"), escaped)
    source = raw.get("source")
    named = source.get("title") if isinstance(source, dict) else raw.get("news_source")  # (Bing)
    outlet = _name(named, escaped)
    site = source.get("href") if isinstance(source, dict) and outlet else None
    return ParsedEntry(
        key, url, title, summary, content, author, published, outlet, site_host(site),
        legacy if url else None,
    )  # fmt: skip


def _name(value: object, escaped: bool) -> str | None:
    if not isinstance(value, str):
        return None
    return html_to_line(html.unescape(value) if escaped else value)[:200] or None


def site_host(address: object) -> str | None:
    """The host name of an http(s) address, without "www." (None for anything else)."""
    if not isinstance(address, str):
        return None
    try:
        parts = urlsplit(address.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


_HEADER_NOTES = frozenset({"CharacterEncodingOverride", "NonXMLContentType"})


def _html_page_error(page: bytes, base_url: str) -> str:
    """What to do about a web page where a feed was expected: its own feed's address, when it
    names one (a site's home page given for its feed is the usual slip)."""
    from monitor.subscribe import discover

    found = discover(page, base_url)
    if not found:
        return (
            "got an HTML page, not an RSS or Atom feed, and it names no feed "
            "(`monitor add ADDRESS` also tries /feed, /rss.xml and the like)"
        )
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return (
        f"got an HTML page, not an RSS or Atom feed; the page names its feed: {found[0].url}"
        f"{more}: put that address in feeds.yaml"
    )


def parse_feed(body: bytes, base_url: str = "", *, fast: bool = True) -> ParsedFeed:
    """Parse a feed body. Never raises: problems come back in `.error` / `.warning`.

    A well-formed RSS 2.0 or Atom 1.0 body is read by `monitor.parse_fast` (lxml); anything else,
    or everything with `fast=False`, by feedparser. Both give the same entries.
    """
    if not body or not body.strip():
        return ParsedFeed(error="the server sent an empty response")
    if _HTML_START.match(body[:2048]):
        return ParsedFeed(error=_html_page_error(body, base_url))
    utf8, encoding_note = _to_utf8(body)
    safe, bad_references = _bad_references(strip_doctype(utf8))
    notes = [encoding_note] if encoding_note else []
    if bad_references:
        notes.append(
            f"{plural(bad_references, 'invalid character reference')} (a surrogate, "
            "U+FFFE/U+FFFF or past U+10FFFF) replaced by U+FFFD"
        )
    now = time.time()
    if fast:
        from monitor.parse_fast import read_feed

        found = read_feed(safe)
        if found is not None:
            return _noted(_parsed(found[0], found[1], now), notes)
    crowded = _most_attributes(safe)
    if crowded > MAX_ATTRIBUTES:
        # 100,000 attributes on one item kept a poll busy for 110 s past every deadline.
        return ParsedFeed(
            error=f"an element of the feed has {crowded:,} attributes (more than "
            f"{MAX_ATTRIBUTES}): not read"
        )
    return _noted(_parse_with_feedparser(safe, base_url, now), notes)


def _noted(parsed: ParsedFeed, notes: list[str]) -> ParsedFeed:
    """`parsed` with what was repaired before parsing added to its warning (a feed that failed
    keeps its error alone)."""
    if notes and not parsed.error:
        parsed.warning = "; ".join([parsed.warning, *notes] if parsed.warning else notes)
    return parsed


def _most_attributes(body: bytes) -> int:
    """About the most attributes a start tag of `body` has (its `=` signs), looking only at
    tags longer than 4 KiB: no ordinary tag is that long, and the scan stays linear."""
    return max((m.group(0).count(b"=") for m in _LONG_TAG.finditer(body)), default=0)


def _parsed(
    feed: Any,
    raw_entries: Iterable[Any],
    now: float,
    bare_guids: Container[str] = (),
    escaped: bool = False,
) -> ParsedFeed:
    entries: list[ParsedEntry] = []
    for raw in raw_entries:
        try:
            entry = _entry(raw, now, bare_guids, escaped)
        except Exception:  # one broken entry must not lose the others
            continue
        if entry.title or entry.summary or entry.content or entry.url:
            entries.append(entry)
    return ParsedFeed(
        title=_truncate(html_to_line(feed.get("title") or ""), MAX_TITLE) or None,
        site_url=canonical_url(feed.get("link")) if isinstance(feed.get("link"), str) else None,
        entries=_unshared(entries),
    )


def _unshared(entries: list[ParsedEntry]) -> list[ParsedEntry]:
    """A guid that items with different links share (a CMS giving every item the site's
    address) names none of them: those items are known by their links. Only the first was
    ever stored. Items sharing a guid and a link stay one story, the first one."""
    links: dict[str, set[str | None]] = {}
    for entry in entries:
        links.setdefault(entry.key, set()).add(entry.url)
    shared = {key for key, urls in links.items() if len(urls) > 1}
    if not shared:
        return entries
    return [
        replace(entry, key=key_of(entry.url))
        if entry.key in shared and entry.url and entry.key != entry.url
        else entry
        for entry in entries
    ]


def key_of(text: str) -> str:
    """A link as an entry's key (a long one by its hash)."""
    return text if len(text) <= MAX_KEY else "sha256:" + hashlib.sha256(text.encode()).hexdigest()


_GUID = re.compile(rb"<guid\b[^>]*>\s*(?:<!\[CDATA\[)?([^<\]]*?)(?:\]\]>)?\s*</guid>")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _bare_guids(body: bytes, base_url: str) -> set[str]:
    """RSS guids written as a bare name ("17", "post-17": no scheme, no leading "/"), in the
    form feedparser gives them when it takes a guid for the link: resolved against the feed's
    address. Such a guid names the item, not a page; as a link it would make items of two feeds
    in one directory one story (both "<guid>1</guid>")."""
    found = set()
    for match in _GUID.finditer(body):
        written = html.unescape(match.group(1).decode("utf-8", "replace")).strip()
        if written and not written.startswith("/") and not _SCHEME.match(written):
            found.add(urljoin(base_url, written) if base_url else written)
    return found


def _parse_with_feedparser(safe: bytes, base_url: str, now: float) -> ParsedFeed:
    import feedparser  # imported here: a warm poll of 304s never needs it

    try:
        result = feedparser.parse(
            io.BytesIO(safe),
            response_headers={"content-location": base_url} if base_url else None,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser is meant not to raise; this keeps a poll alive if it does
        return ParsedFeed(error=f"the feed could not be parsed ({type(exc).__name__}: {exc})"[:300])
    raw_entries = result.get("entries") or ()
    bare = _bare_guids(safe, base_url) if any(e.get("guidislink") for e in raw_entries) else set()
    problem = result.get("bozo_exception") if result.get("bozo") else None
    # feedparser falls back to its loose parser when the strict one raised (or it knew no
    # encoding); that one leaves names XML-escaped.
    loose = not result.get("encoding") or isinstance(problem, xml.sax.SAXException)
    parsed = _parsed(result.get("feed") or {}, raw_entries, now, bare, loose)
    # feedparser's notes on headers it was not given ("no Content-type specified": we parse
    # bytes, not a response) say nothing about the feed; they are left out.
    if problem is not None and type(problem).__name__ in _HEADER_NOTES:
        problem = None
    reason = clean_line(str(problem))[:200] if problem is not None else ""
    if not result.get("version") and not parsed.entries:
        parsed.error = "not an RSS or Atom feed" + (f" ({reason})" if reason else "")
    elif problem is not None:
        if parsed.entries:
            recovered = plural(len(parsed.entries), "entry")
            parsed.warning = f"malformed feed, {recovered} recovered: {reason}"
            parsed.recovered = True
        else:  # nothing usable: a failure, so a cron run says so (exit 1) instead of "ok"
            parsed.error = f"malformed feed, no entries could be recovered: {reason}"
    return parsed
