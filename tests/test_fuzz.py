"""hypothesis against the two doors untrusted input comes through: feeds.yaml and feed bodies.

- Any config text either loads or raises `ConfigError` with file-named lines; nothing else.
- Any body, through the real poll (a local file feed, so no network), either stores stories or
  records an error on the feed; the poll itself never raises, and nothing stored carries a
  control or bidi character.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from monitor.cli import cli
from monitor.config import ConfigError, Settings, load_settings, settings_from_data
from monitor.poller import run_poll

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# --- configs ---------------------------------------------------------------------------------

KNOWN_KEYS = [
    "feeds", "url", "title", "tags", "topics", "poll", "grouping", "notify", "interval_minutes",
    "concurrency", "per_host", "connect_timeout", "read_timeout", "feed_deadline", "max_body_mib",
    "max_redirects", "max_backoff_hours", "retention_days", "parse_workers", "user_agent",
    "window_hours", "threshold", "command", "timeout_seconds", "rules", "terms", "regex",
]  # fmt: skip
URLISH = st.sampled_from(
    [
        "https://a.example/rss", "http://b.example/feed.xml", "https://", "ftp://x.example/",
        "file:///etc/passwd", "not a url", "", " ", "http://[::1", "https://a.example:99999/",
        "/tmp/some feed.xml", "C:\\feeds\\a.xml", "https://a.example/rss\x00", "https://ü.example/",
    ]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30), URLISH
)
KEYS = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=12))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=20,
)
FEED = st.fixed_dictionaries(
    {"url": st.one_of(URLISH, SCALARS)},
    optional={
        "title": VALUES,
        "tags": st.one_of(st.lists(st.text(max_size=8)), VALUES),
        "x": VALUES,
    },
)
CONFIG_DATA = st.one_of(
    VALUES,
    st.fixed_dictionaries(
        {},
        optional={
            "feeds": st.one_of(st.lists(FEED, max_size=5), VALUES),
            "poll": st.one_of(st.dictionaries(st.sampled_from(KNOWN_KEYS[8:20]), SCALARS), VALUES),
            "topics": VALUES,
            "grouping": VALUES,
            "notify": VALUES,
            "extra": VALUES,
        },
    ),
)
CONFIG_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(
            ["feeds:", "  - url: ", "https://a.example/rss", "poll:", "  concurrency: ", "[", "]",
             "{", "}", ":", "- ", "\t", "&a", "*a", "!!python/object:os.system", "'", '"', "\n",
             "  ", "#", "? ", "|", ">", "%YAML 1.1", "---", "...", "\\u202e", "\x1b[31m"]
        ),
        max_size=40,
    ).map("".join),
)  # fmt: skip


def _check_outcome(path: Path) -> Settings | None:
    try:
        return load_settings(path)
    except ConfigError as exc:
        lines = str(exc).splitlines()
        assert lines and all(line.startswith(f"{path}: ") for line in lines), str(exc)
        return None


@FUZZ
@given(data=CONFIG_DATA)
# A duplicate address with a control character: the message printed it raw, and \x1e broke
# the line in two (found by this test on a fresh clone).
@example(data={"feeds": [{"url": "0\x1e0"}, {"url": "0\x1e0"}]})
def test_generated_config_data_loads_or_is_a_config_error(data: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feeds.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        _check_outcome(path)
    try:
        settings_from_data(data, "generated")
    except ConfigError:
        pass


@FUZZ
@given(text=CONFIG_TEXT)
def test_generated_config_text_loads_or_is_a_config_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feeds.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        _check_outcome(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=CONFIG_DATA)
def test_generated_configs_through_the_command_never_show_a_traceback(data: Any) -> None:
    """`monitor feeds` (no network) exits 0 or 2 and prints no traceback, whatever the file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feeds.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        result = CliRunner().invoke(
            cli, ["feeds", "--format", "json", "--config", str(path), "--db", f"{tmp}/m.db"]
        )
        assert result.exit_code in (0, 2), result.exception
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.stderr
        if result.exit_code == 2:
            assert not Path(f"{tmp}/m.db").exists()


# --- feed bodies through parse → store -------------------------------------------------------

FRAGMENTS = [
    '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="utf-16"?>',
    '<?xml version="1.0" encoding="iso-8859-1"?>', '<rss version="2.0">', "</rss>", "<channel>",
    "</channel>", "<item>", "</item>", "<title>", "</title>", "<link>", "</link>", "<guid>",
    "</guid>", '<guid isPermaLink="false">', "<description>", "</description>", "<pubDate>",
    "</pubDate>", '<feed xmlns="http://www.w3.org/2005/Atom">', "</feed>", "<entry>", "</entry>",
    "<id>", "</id>", "<updated>", "</updated>", '<content type="html">', "</content>",
    '<link href="', '"/>', "<![CDATA[", "]]>", "<!DOCTYPE rss [", '<!ENTITY e "', '">', "]>",
    '<!ENTITY x SYSTEM "file:///etc/passwd">', "&e;", "&x;", "&amp;", "&#x1b;", "&#0;", "&#155;",
    "&lt;script&gt;alert(1)&lt;/script&gt;", "<b>", "</b>", "\x1b]52;c;QUJD\x07", "\u202e", "\x9b",
    "https://x.example/a?utm_source=feed", "/relative/path", "javascript:alert(1)",
    "Mon, 09 Jun 2025 10:00:00 GMT", "2025-06-09T10:00:00Z", "Fri, 01 Jan 2100 00:00:00 GMT",
    "<!--", "-->", "<?pi x?>", "<html>", "<body>", "<rdf:RDF>", " ", "\n", "é", "\ufeff",
]  # fmt: skip
XMLISH = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=80).map(
    "".join
)
FIELD_TEXT = st.text(max_size=60)
ITEM = st.fixed_dictionaries(
    {},
    optional={
        "title": FIELD_TEXT, "link": st.one_of(FIELD_TEXT, st.just("https://x.example/p?id=1")),
        "guid": FIELD_TEXT, "description": FIELD_TEXT, "pubDate": FIELD_TEXT,
    },
)  # fmt: skip


def _rss_from(items: list[dict[str, str]]) -> str:
    """Well-formed-looking RSS whose field text is arbitrary (it is not escaped on purpose)."""
    parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F</title>']
    for item in items:
        parts.append("<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in item.items()) + "</item>")
    return "".join(parts) + "</channel></rss>"


BODIES = st.one_of(
    st.binary(max_size=3000),
    XMLISH.map(lambda text: text.encode("utf-8", "surrogatepass")),
    XMLISH.map(lambda text: text.encode("utf-16", "surrogatepass")),
    XMLISH.map(lambda text: text.encode("latin-1", "replace")),
    st.lists(ITEM, max_size=6).map(_rss_from).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


def _stored_text(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        values: list[str] = []
        for row in conn.execute(
            "SELECT title, summary, content, COALESCE(author, ''), COALESCE(url, '') FROM stories"
        ):
            values.extend(row)
        for row in conn.execute(
            "SELECT COALESCE(title, ''), COALESCE(last_error, ''), COALESCE(parse_warning, ''), "
            "COALESCE(site_url, '') FROM feeds"
        ):
            values.extend(row)
        return values
    finally:
        conn.close()


def test_random_bodies_through_the_poll_never_raise(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    db = tmp_path / "fuzz.db"
    config = settings_from_data(
        {"feeds": [{"url": str(feed)}], "poll": {"parse_workers": 0}}, "fuzz"
    )

    @FUZZ
    @given(body=BODIES)
    def poll_once(body: bytes) -> None:
        feed.write_bytes(body)
        result = run_poll(config, db, all_feeds=True)
        (outcome,) = result.feeds
        assert outcome.status in ("ok", "unchanged", "error"), outcome
        if outcome.status == "error":
            assert outcome.error and len(outcome.error) < 400
        for value in _stored_text(db):
            assert not UNSAFE.search(value), repr(value)

    poll_once()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
