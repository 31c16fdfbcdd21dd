"""Parsing: the lxml fast path and feedparser give the same entries on every feed the fast path
accepts, and the fast path hands everything unusual to feedparser."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from monitor.parse import parse_feed
from monitor.parse_fast import read_feed

RSS_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Our desk</title>'
    "<link>https://desk.example/</link>"
)
ATOM_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    '<title type="html">Lab &lt;b&gt;notes&lt;/b&gt;</title>'
    '<link rel="self" href="https://lab.example/feed"/><link href="https://lab.example/"/>'
)


def rss(*items: str) -> bytes:
    return (RSS_HEAD + "".join(f"<item>{i}</item>" for i in items) + "</channel></rss>").encode()


def atom(*entries: str) -> bytes:
    return (ATOM_HEAD + "".join(f"<entry>{e}</entry>" for e in entries) + "</feed>").encode()


ACCEPTED = {
    "plain rss": rss(
        "<title>Orbit lab ships a tiny model</title><link>https://a.example/1?utm_source=x</link>"
        "<guid isPermaLink='false'>a-1</guid><pubDate>Tue, 03 Jun 2025 10:00:00 GMT</pubDate>"
        "<description>The lab said the model runs on a phone.</description>",
        "<title>Second &amp; third</title><link> https://a.example/2 </link>"
        "<pubDate>Wed, 04 Jun 2025 11:30:00 +0200</pubDate>",
    ),
    "rss with html": rss(
        "<title><![CDATA[A <b>bold</b> claim &amp; more]]></title><link>https://b.example/1</link>"
        "<description>&lt;p&gt;First para.&lt;/p&gt;&lt;p&gt;Second &amp;amp; last.&lt;/p&gt;"
        "</description><content:encoded><![CDATA[<div>Full <i>text</i> here.</div>]]>"
        "</content:encoded><dc:creator>Ana Ruiz</dc:creator><dc:date>2025-06-05T08:00:00Z</dc:date>"
        "<category>ai</category><!-- a comment -->",
    ),
    "rss content only": rss(
        "<title>Only content</title><link>https://c.example/1</link><guid>https://c.example/1</guid>"
        "<content:encoded>&lt;p&gt;Body text&lt;/p&gt;</content:encoded>"
        "<pubDate>not a date at all</pubDate>",
    ),
    "rss empty fields": rss("<title></title><link>https://d.example/1</link><description/>"),
    "rss of a news search": rss(
        "<title>Lab hires two - Out &amp; About</title><link>https://n.example/1</link>"
        "<source url='https://out.example/'>Out &amp; About</source>",
        "<title>No outlet</title><link>https://n.example/2</link><source/>",
    ),
    "bing news search": (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        b'xmlns:News="https://www.bing.com:443/news/search?q=lab&amp;format=rss"><channel>'
        b"<title>lab - BingNews</title><link>https://www.bing.com/news/search?q=lab</link>"
        b"<item><title>Lab opens a second site</title><link>http://www.bing.com/news/apiclick.aspx"
        b"?ref=FexRss&amp;aid=&amp;tid=C0FFEE&amp;url=https%3a%2f%2fwww.harbor.example%2flab-site"
        b"&amp;c=42&amp;mkt=en-us</link><description>Forty hires.</description>"
        b"<pubDate>Tue, 03 Jun 2025 10:00:00 GMT</pubDate><News:Source>Harbor Ledger</News:Source>"
        b"<News:Image>https://www.bing.com/th?id=x</News:Image></item>"
        b"<item><title>No outlet</title><link>https://n.example/3</link><News:Source/></item>"
        b"</channel></rss>"
    ),
    "rss authors": rss(
        "<title>Duo joins Brackwater</title><link>https://au.example/1</link>"
        "<dc:creator>Tom &amp; Jerry</dc:creator>",
        "<title>Profile of a founder</title><link>https://au.example/2</link>"
        "<dc:creator><![CDATA[<b>Ann</b> O'Neil]]></dc:creator>",
        "<title>Odd byline</title><link>https://au.example/3</link>"
        "<dc:creator>Ivo &lt;ivo@au.example&gt; &amp;amp; co</dc:creator>",
    ),
    "atom authors": atom(
        "<title>Duo joins Brackwater</title><id>urn:au:1</id><link href='https://au.example/1'/>"
        "<author><name>Tom &amp; Jerry</name></author>",
        "<title>Profile</title><id>urn:au:2</id><link href='https://au.example/2'/>"
        "<author><name><![CDATA[<b>Ann</b> O'Neil]]></name></author>",
    ),
    "atom": atom(
        "<title>Team leaves for the lab</title><id>tag:lab.example,2025:1</id>"
        '<link rel="alternate" href="https://lab.example/1"/>'
        '<link rel="enclosure" href="https://lab.example/1.mp3"/>'
        "<published>2025-06-01T09:00:00Z</published><updated>2025-06-02T09:00:00+01:00</updated>"
        "<author><name>Bo Lind</name></author>"
        '<summary type="html">&lt;p&gt;Three people moved.&lt;/p&gt;</summary>'
        '<content type="html">&lt;p&gt;Three people moved, the lab said.&lt;/p&gt;</content>',
        "<title>Content only</title><id>urn:x-2</id>"
        '<link rel="self" href="https://lab.example/2.atom"/><link href="https://lab.example/2"/>'
        "<updated>2025-06-03</updated><content>Plain text content &amp; more</content>",
    ),
}

REFUSED = {
    "malformed": b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>x</item>',
    "rdf": (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/"><channel><title>t</title></channel>'
        b"<item><title>i</title><link>https://e.example/</link></item></rdf:RDF>"
    ),
    "xhtml content": atom(
        '<title>x</title><id>1</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        "<p>hi</p></div></content>"
    ),
    "atom without alternate link": atom('<title>x</title><id>x-3</id><link rel="self" href="y"/>'),
    "rss author": rss("<title>x</title><link>https://f.example/</link><author>a@b.c (A)</author>"),
    "rss without link": rss("<title>x</title><guid>https://g.example/1</guid>"),
    "markup in title": rss("<title>a <b>b</b></title><link>https://h.example/</link>"),
    "repeated title": rss("<title>a</title><title>b</title><link>https://i.example/</link>"),
    "rss 0.91": b'<rss version="0.91"><channel><item><title>a</title></item></channel></rss>',
    "atom with a source": atom(
        '<title>x</title><id>x-5</id><link href="https://k.example/1"/>'
        "<source><title>Fenwick Gazette</title></source>"
    ),
    "script link atom": atom('<title>x</title><id>x-4</id><link href="javascript:alert(1)"/>'),
    "script link rss": rss("<title>y</title><link>data:text/html,hi</link><guid>y-1</guid>"),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_fast_path_matches_feedparser(name: str) -> None:
    body = ACCEPTED[name]
    assert read_feed(body) is not None, "the fast path should read this feed"
    fast, slow = parse_feed(body, "https://x.example/"), parse_feed(body, fast=False)
    assert fast.entries
    assert fast == slow


def test_a_news_search_item_names_its_outlet() -> None:
    entries = parse_feed(ACCEPTED["rss of a news search"], "https://n.example/").entries
    assert [e.outlet for e in entries] == ["Out & About", None]
    assert [e.outlet_site for e in entries] == ["out.example", None]  # (its address's host)
    (entry,) = parse_feed(REFUSED["atom with a source"], "https://k.example/").entries
    assert entry.outlet == "Fenwick Gazette"  # an aggregator's Atom entry, as feedparser reads it


def test_a_bing_news_item_names_its_outlet_and_links_its_article() -> None:
    entries = parse_feed(ACCEPTED["bing news search"], "https://www.bing.com/news/").entries
    assert [e.outlet for e in entries] == ["Harbor Ledger", None]
    assert entries[0].url == "https://www.harbor.example/lab-site"


def test_script_links_are_not_stored_as_the_story_url() -> None:
    for name in ("script link atom", "script link rss"):
        (entry,) = parse_feed(REFUSED[name], "https://x.example/").entries
        assert entry.url is None, name


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unusual_feeds_go_to_feedparser(name: str) -> None:
    assert read_feed(REFUSED[name]) is None
    assert parse_feed(REFUSED[name]) == parse_feed(REFUSED[name], fast=False)


def test_a_headline_naming_a_tag_keeps_every_word() -> None:
    """ "Why <script> tags still matter" was stored as "Why": the headline was read as HTML and
    an unclosed <script> hid the rest ("<div>" vanished from another)."""
    titles = {
        "<title>Why &lt;script&gt; tags still matter for Orbitant apps</title>": (
            "Why <script> tags still matter for Orbitant apps"
        ),
        "<title><![CDATA[Zentharis explains the <style> element]]></title>": (
            "Zentharis explains the <style> element"
        ),
        "<title>Stop writing &lt;div&gt; soup &amp;amp; more, says Orbitant</title>": (
            "Stop writing <div> soup & more, says Orbitant"
        ),
        "<title>&lt;b&gt;Bold&lt;/b&gt; Orbitant &lt;script&gt; news</title>": (
            "Bold Orbitant <script> news"
        ),
    }
    items = [f"{xml}<link>https://t.example/{n}</link>" for n, xml in enumerate(titles)]
    for fast in (True, False):
        parsed = parse_feed(rss(*items), "https://t.example/", fast=fast)
        assert [e.title for e in parsed.entries] == list(titles.values()), fast


def test_fast_path_expands_no_entities() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "xxxxxxxxxx">]>'
        b'<rss version="2.0"><channel><item><title>&big;&big;</title>'
        b"<link>https://j.example/</link></item></channel></rss>"
    )
    parsed = parse_feed(body)
    assert len(parsed.entries) == 1
    assert "xxxxxxxxxx" not in parsed.entries[0].title


def test_an_element_with_thousands_of_attributes_is_refused() -> None:
    """feedparser's strict parser takes time quadratic in one element's attributes: an item
    with 100,000 of them (1.1 MB) kept a poll busy for 110 s, past every deadline. A few
    attributes more than usual still parse."""
    crowded = " ".join(f'a{i}="v"' for i in range(5000))
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><item {crowded}>'
        "<title>Crowded</title><link>https://j.example/1</link><author>x</author></item>"
        "</channel></rss>"
    ).encode()
    parsed = parse_feed(body)
    assert parsed.error == "an element of the feed has 5,000 attributes (more than 256): not read"
    some = " ".join(f'a{i}="v"' for i in range(40))
    fine = body.replace(crowded.encode(), some.encode())
    assert [e.title for e in parse_feed(fine).entries] == ["Crowded"]


field_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=60,
)
dates = st.sampled_from(
    ["Tue, 03 Jun 2025 10:00:00 GMT", "2025-06-03T10:00:00Z", "03 Jun 2025", "soon", ""]
)


def _xml_safe(text: str) -> str:
    # Characters XML 1.0 cannot carry at all; a feed with them is malformed (feedparser's job).
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)


@settings(
    max_examples=int(__import__("os").environ.get("PARSE_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    items=st.lists(
        st.tuples(field_text, field_text, field_text, dates, st.booleans(), st.booleans()),
        min_size=1,
        max_size=4,
    ),
    use_atom=st.booleans(),
)
# ids with an http(s) scheme but no "//host" (hypothesis found "HTTPS:"): feedparser joins them
@example(items=[("", "", "HTTPS:", "Tue, 03 Jun 2025 10:00:00 GMT", False, False)], use_atom=False)
@example(items=[("", "", "https:x", "Tue, 03 Jun 2025 10:00:00 GMT", False, False)], use_atom=True)
def test_generated_feeds_parse_the_same_both_ways(
    items: list[tuple[str, str, str, str, bool, bool]], use_atom: bool
) -> None:
    parts = []
    for number, (title, summary, guid, date, cdata, html_type) in enumerate(items):
        title, summary, guid = _xml_safe(title), _xml_safe(summary), _xml_safe(guid)
        if number % 2:
            guid = f"urn:k:{guid}"  # an id feedparser keeps as it is (others it resolves)
        body = f"<![CDATA[{summary}]]>" if cdata and "]]>" not in summary else escape(summary)
        link = f"https://k.example/{number}"
        # the author: the title's text, as CDATA when the summary is (a byline with markup)
        author = f"<![CDATA[{title}]]>" if cdata and "]]>" not in title else escape(title)
        if use_atom:
            kind = ' type="html"' if html_type else ""
            parts.append(
                f"<title{kind}>{escape(title)}</title><id>{escape(guid)}</id>"
                f"<link href={quoteattr(link)}/><updated>{escape(date)}</updated>"
                f"<summary{kind}>{body}</summary><author><name>{author}</name></author>"
            )
        else:
            permalink = ' isPermaLink="false"' if html_type else ""
            parts.append(
                f"<title>{escape(title)}</title><link>{link}</link>"
                f"<guid{permalink}>{escape(guid)}</guid>"
                f"<pubDate>{escape(date)}</pubDate><description>{body}</description>"
                f"<dc:creator>{author}</dc:creator>"
            )
    document = atom(*parts) if use_atom else rss(*parts)
    if read_feed(document) is None:
        return  # refused: feedparser reads it, nothing to compare
    base = "https://feeds.example/news.xml"
    assert parse_feed(document, base) == parse_feed(document, base, fast=False)


def test_html_entities_of_a_named_dtd_read_as_meant() -> None:
    """RSS 0.91 names a DTD that defines HTML's entities; the DTD is never fetched (the DOCTYPE
    is removed), so &nbsp; and &eacute; are read as that DTD defines them, without a warning."""
    body = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
        b'<rss version="0.91"><channel><title>Caf&eacute; Desk</title>'
        b"<link>http://desk.example/</link><description>d</description>"
        b"<item><title>Ferry&nbsp;timetable &amp; fares</title>"
        b"<link>http://desk.example/1</link><description>Two&nbsp;new routes</description>"
        b"</item></channel></rss>"
    )
    parsed = parse_feed(body, "http://desk.example/rss")
    assert parsed.warning is None and parsed.title == "Café Desk"
    assert [(e.title, e.summary) for e in parsed.entries] == [
        ("Ferry timetable & fares", "Two new routes")  # no-break spaces read as spaces
    ]


def test_xml_that_is_no_feed_says_so_without_feedparsers_header_note() -> None:
    """It read "not an RSS or Atom feed (no Content-type specified)": we parse bytes, so there
    is never a Content-Type to speak of."""
    error = parse_feed(
        b'<?xml version="1.0"?><note><to>desk</to></note>', "https://x.example/"
    ).error
    assert error == "not an RSS or Atom feed"


@pytest.mark.parametrize("fast", [True, False])
def test_a_date_hours_ahead_is_taken_as_now_and_one_days_ahead_is_dropped(fast: bool) -> None:
    """A feed in the wrong time zone dates its items hours ahead: such an item sorted above every
    real story until the clock caught up, and its age read "now" all that time."""
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    moment = datetime.now(UTC)
    dates = [moment + timedelta(hours=5), moment + timedelta(days=3), moment - timedelta(hours=2)]
    items = "".join(
        f"<item><title>Item {n}</title><link>https://d.example/{n}</link>"
        f"<pubDate>{format_datetime(when)}</pubDate></item>"
        for n, when in enumerate(dates)
    )
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>D</title>{items}</channel></rss>'
    )
    entries = parse_feed(body.encode(), "https://d.example/", fast=fast).entries
    read = [datetime.fromisoformat(e.published) if e.published else None for e in entries]
    assert read[0] is not None and abs(read[0] - moment) < timedelta(minutes=1)
    assert read[1] is None
    assert read[2] is not None and abs(read[2] - (moment - timedelta(hours=2))) < timedelta(
        seconds=2
    )


def _feed_of(title: bytes, *items: tuple[bytes, bytes], head: bytes | None = None) -> bytes:
    """An RSS document from raw bytes, so a test can put any byte anywhere."""
    if head is None:
        head = b'<?xml version="1.0" encoding="utf-8"?>'
    parts = [head, b'<rss version="2.0"><channel><title>', title, b"</title>"]
    for number, (item_title, description) in enumerate(items):
        parts += [
            b"<item><title>", item_title, b"</title><link>https://beichen.example/",
            str(number).encode(), b"</link><description>", description, b"</description></item>",
        ]  # fmt: skip
    parts.append(b"</channel></rss>")
    return b"".join(parts)


BEICHEN = "北辰晨报".encode()  # an invented outlet, "Beichen Morning News"
BEICHEN_ITEMS = (
    ("星河动力发布新模型".encode(), "研究团队表示模型可在手机上运行。".encode()),
    (b"Menu of the Lanterne caf\xe9", b"A stray Latin-1 byte: caf\xe9 cr\xe8me"),
)


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize(
    "head",
    [b'<?xml version="1.0" encoding="utf-8"?>', b'<?xml version="1.0"?>', b"\xef\xbb\xbf"],
    ids=["declared", "undeclared", "bom"],
)
def test_a_stray_latin1_byte_in_a_utf8_feed_spoils_only_itself(fast: bool, head: bytes) -> None:
    """One Latin-1 "caf\\xe9" in a UTF-8 feed of Chinese items made the whole document read as
    windows-1252: every title and the feed's name stored as mojibake ("åŒ—è¾°…"), no warning.
    A UTF-8 document (declared so, or declaring nothing, or with a UTF-8 BOM) stays UTF-8: only
    the bad bytes become U+FFFD, and the feed says so."""
    parsed = parse_feed(
        _feed_of(BEICHEN, *BEICHEN_ITEMS, head=head), "https://b.example/", fast=fast
    )
    assert parsed.title == "北辰晨报"
    assert [(e.title, e.summary) for e in parsed.entries] == [
        ("星河动力发布新模型", "研究团队表示模型可在手机上运行。"),
        ("Menu of the Lanterne caf\ufffd", "A stray Latin-1 byte: caf\ufffd cr\ufffdme"),
    ]
    assert parsed.warning == "not valid UTF-8: 3 bad byte sequences replaced by U+FFFD"


@pytest.mark.parametrize("fast", [True, False])
def test_feeds_in_other_encodings_read_as_before(fast: bool) -> None:
    """Only UTF-8 documents are kept UTF-8: a feed declaring windows-1252, ISO-8859-1 or
    Shift_JIS is read in it, without a warning; a feed in Latin-1 all through that calls itself
    UTF-8 (or declares nothing) is still read as windows-1252, now with a warning."""
    declared = {
        "windows-1252": "“Lanterne” café, été".encode("cp1252"),
        "iso-8859-1": "Brasserie Müller, Überblick".encode("latin-1"),
        "shift_jis": "北辰の新しいモデル".encode("shift_jis"),
    }
    for encoding, text in declared.items():
        head = f'<?xml version="1.0" encoding="{encoding}"?>'.encode()
        parsed = parse_feed(_feed_of(text, (text, b"x"), head=head), fast=fast)
        expected = text.decode("cp1252" if encoding == "windows-1252" else encoding)
        assert (parsed.title, parsed.entries[0].title, parsed.warning) == (
            expected,
            expected,
            None,
        ), encoding
    latin = "Brasserie Müller, Überblick".encode("latin-1")
    for head, said in (
        (b'<?xml version="1.0" encoding="UTF-8"?>', "declared UTF-8"),
        (b"", "no encoding declared (so UTF-8, by XML's rules)"),
    ):
        parsed = parse_feed(_feed_of(latin, (latin, b"x"), head=head), fast=fast)
        assert parsed.entries[0].title == "Brasserie Müller, Überblick"
        assert parsed.warning == f"{said} but not valid UTF-8: read as windows-1252"


NO_CHARACTER = ["&#xD800;", "&#55296;", "&#xdfff;", "&#x110000;", "&#99999999999;", "&#xFFFE;"]


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("reference", NO_CHARACTER)
def test_a_reference_to_no_character_costs_only_itself(fast: bool, reference: str) -> None:
    """`&#xD800;` (a surrogate), `&#x110000;` or `&#99999999999;` in one item crashed
    feedparser (UnicodeEncodeError, ValueError, OverflowError): "could not be parsed", and the
    feed's good items were lost with it. It reads as U+FFFD, and the feed says so."""
    body = _feed_of(
        b"Quillfield Ledger",
        (b"Orrin Vale opens a second depot", b"Forty new jobs."),
        (f"Depot sign reads {reference} oddly".encode(), f"In {reference} summary".encode()),
    )
    parsed = parse_feed(body, "https://q.example/", fast=fast)
    assert parsed.error is None
    assert [(e.title, e.summary) for e in parsed.entries] == [
        ("Orrin Vale opens a second depot", "Forty new jobs."),
        ("Depot sign reads \ufffd oddly", "In \ufffd summary"),
    ]
    assert parsed.warning == (
        "2 invalid character references (a surrogate, U+FFFE/U+FFFF or past U+10FFFF) "
        "replaced by U+FFFD"
    )


def test_only_references_to_no_character_are_rewritten() -> None:
    """The byte-level rewrite is one regular expression (no Python call per reference: a cold
    poll reads thousands of &#8217;); around every boundary it agrees with the rule."""
    from monitor.parse import _bad_references

    def no_character(code: int) -> bool:
        return code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)

    edges = [0, 9, 0x41, 0x2019, 0xD7FF, 0xD800, 0xDABC, 0xDFFF, 0xE000, 0xFFFD, 0xFFFE, 0xFFFF]
    edges += [0x10000, 0x10FFFF, 0x110000, 0x1FFFFF, 0xFFFFFF, 10**7, 10**8, 10**20]
    edges += [55295, 55296, 57343, 57344, 65533, 65534, 65535, 65536, 1114111, 1114112, 1200000]
    for code in edges:
        for written in (b"&#%d;", b"&#x%x;", b"&#X%X;", b"&#0000%d;", b"&#x000%X;"):
            reference = written % code
            fixed, count = _bad_references(b"a " + reference + b" b")
            expected = (
                (b"a &#xFFFD; b", 1) if no_character(code) else (b"a " + reference + b" b", 0)
            )
            assert (fixed, count) == expected, reference
    # not references (no ";", no digits, escaped text), and one of 5,000 digits
    assert _bad_references(b"&#xD800 &#; &#x; &amp;#xD800; &#" + b"1" * 5000 + b";")[1] == 1


@pytest.mark.parametrize("fast", [True, False])
def test_a_control_character_reference_keeps_the_feed(fast: bool) -> None:
    """`&#0;` and `&#x1b;` are not XML either; feedparser reads them, the feed is reported
    malformed, and the control characters (with the escape sequence ESC starts) are removed."""
    body = _feed_of(
        b"Quillfield Ledger",
        (b"Orrin Vale opens a second depot", b"Forty new jobs."),
        (b"Depot &#0;sign&#x1b;[31m reads", b"x"),
    )
    parsed = parse_feed(body, "https://q.example/", fast=fast)
    assert [e.title for e in parsed.entries] == [
        "Orrin Vale opens a second depot",
        "Depot sign reads",
    ]
    assert parsed.warning and parsed.warning.startswith("malformed feed, 2 entries recovered")


@pytest.mark.parametrize("kind", ["rss authors", "atom authors"])
def test_an_author_is_one_plain_line_whichever_parser_reads_it(kind: str) -> None:
    """The fast path stored `Tom & Jerry` and `<b>Ann</b> O'Neil`, feedparser's loose parser
    (any malformed feed) `Tom &amp; Jerry` and `&lt;b&gt;Ann&lt;/b&gt; O'Neil`: the same
    byline twice in the database. A name is read like a headline, HTML to one plain line."""
    body = ACCEPTED[kind]
    expected = ["Tom & Jerry", "Ann O'Neil", "Ivo <ivo@au.example> & co"][
        : body.count(b"<item>") or 2
    ]
    malformed = body.replace(b"</title>", b"&nbsp;</title>", 1)  # an undefined entity
    for document, fast in ((body, True), (body, False), (malformed, False)):
        parsed = parse_feed(document, "https://au.example/feed", fast=fast)
        assert [e.author for e in parsed.entries] == expected, (fast, document is malformed)
    assert parse_feed(malformed).warning  # (feedparser's loose parser did read it)


def test_an_outlet_read_by_the_loose_parser_is_not_left_escaped() -> None:
    """A news search's `<source>` name came out of feedparser's loose parser escaped too:
    `&lt;b&gt;Out&lt;/b&gt; &amp;amp; About` where the other parsers give its text."""
    body = rss(
        "<title>Lab hires two</title><link>https://n.example/1</link><source "
        "url='https://out.example/'><![CDATA[<b>Out</b> &amp; About]]></source>"
    )
    malformed = body.replace(b"</title>", b"&nbsp;</title>", 1)
    for document, fast in ((body, True), (body, False), (malformed, False)):
        (entry,) = parse_feed(document, "https://n.example/", fast=fast).entries
        assert entry.outlet == "Out & About", (fast, document is malformed)


@pytest.mark.parametrize("fast", [True, False])
def test_a_date_before_any_web_feed_is_no_date(fast: bool) -> None:
    """1970-01-01 (Unix time 0: a date never set) was kept as the item's publication, and then
    dated a new feed's undated items too. Anything before 1995 is taken as no date, and the
    item's update date (dc:date), when sane, is used instead."""
    dates = {
        "Thu, 01 Jan 1970 00:00:00 +0000": None,
        "Sat, 31 Dec 1994 23:59:59 GMT": None,
        "Mon, 01 Jan 1601 00:00:00 +0000": None,
        "Mon, 02 Jan 1995 10:00:00 GMT": "1995-01-02T10:00:00Z",
        "Tue, 03 Jun 2025 10:00:00 GMT": "2025-06-03T10:00:00Z",
    }
    items = [
        f"<title>Item {n}</title><link>https://old.example/{n}</link><pubDate>{date}</pubDate>"
        for n, date in enumerate(dates)
    ]
    items.append(
        "<title>Epoch, then updated</title><link>https://old.example/u</link>"
        "<pubDate>Thu, 01 Jan 1970 00:00:00 +0000</pubDate><dc:date>2025-06-04T08:00:00Z</dc:date>"
    )
    entries = parse_feed(rss(*items), "https://old.example/", fast=fast).entries
    assert [e.published for e in entries] == [*dates.values(), "2025-06-04T08:00:00Z"]
