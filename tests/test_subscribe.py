"""`monitor add` / `monitor remove`: subscribing from the command line, with feed discovery on a
web page, against a real server on 127.0.0.1; feeds.yaml keeps the user's comments and layout
and is never left invalid or half written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from monitor.config import FeedConfig, load_settings
from monitor.subscribe import add_feeds_to_yaml, discover, remove_feed_from_yaml
from tests.feedserver import FeedServer, Route
from tests.feedserver import rss as rss_body
from tests.test_cli import invoke

CONFIG = """\
# my subscriptions
feeds:
  - url: https://desk.example/ai.xml   # the AI desk
    title: Desk
    tags: [official]

  - title: Wire
    url: https://wire.example/feed

poll:
  interval_minutes: 30  # twice an hour
"""
ITEM = {"title": "Quillmark hires a Meta researcher", "link": "https://q.example/1", "guid": "1"}
PAGE = b"""<!doctype html><html><head><title>Quillmark</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Quillmark news" href="/news/rss.xml">
<LINK REL="alternate" TYPE="application/atom+xml" TITLE="Comments" HREF="comments.atom">
</head><body>Our own page.</body></html>"""


def configured(tmp_path: Path) -> Path:
    config = tmp_path / "feeds.yaml"
    config.write_text(CONFIG)
    return config


def run(config: Path, *args: str) -> tuple[int, str, str]:
    return invoke(*args, "--config", str(config), "--db", str(config.parent / "m.db"))


def urls(config: Path) -> list[str]:
    return [feed.url for feed in load_settings(config).feeds]


def test_add_a_feed_keeps_comments_and_says_what_it_found(
    server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/feed.xml"] = Route(body=rss_body([ITEM], title="Quillmark news"))
    config = configured(tmp_path)
    code, out, err = run(config, "add", server.url("/feed.xml"), "--tag", "rivals")
    assert code == 0, err
    assert "“Quillmark news”, 1 item" in out
    assert urls(config)[-1] == server.url("/feed.xml")
    assert load_settings(config).feeds[-1].tags == ["rivals"]
    text = config.read_text()
    assert text.startswith(CONFIG.split("poll:")[0].rstrip("\n"))  # comments, blank line kept
    assert "interval_minutes: 30  # twice an hour" in text
    assert server.hits["/feed.xml"] == 1


def test_add_a_web_page_subscribes_to_the_feed_it_names(server: FeedServer, tmp_path: Path) -> None:
    server.routes["/"] = Route(body=PAGE, content_type="text/html; charset=utf-8")
    server.routes["/news/rss.xml"] = Route(body=rss_body([ITEM]))
    config = configured(tmp_path)
    code, out, err = run(config, "add", server.url("/"))
    assert code == 0, err
    assert urls(config)[-1] == server.url("/news/rss.xml")
    assert f"Found on the page {server.url('/')}" in out
    assert f"it also names {server.url('/comments.atom')} (Comments)" in out
    assert server.hits["/comments.atom"] == 0  # only the one added is fetched


def test_a_page_naming_no_feed_has_the_usual_places_tried(
    server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/blog/"] = Route(body=b"<html><body>hi</body></html>", content_type="text/html")
    server.routes["/rss.xml"] = Route(body=rss_body([ITEM]))
    config = configured(tmp_path)
    code, _out, err = run(config, "add", server.url("/blog/"))
    assert code == 0, err
    assert urls(config)[-1] == server.url("/rss.xml")
    assert sum(server.hits.values()) <= 1 + 6  # the page, then at most the six usual places


def test_no_feed_anywhere_changes_nothing(server: FeedServer, tmp_path: Path) -> None:
    server.routes["/"] = Route(body=b"<html><body>hi</body></html>", content_type="text/html")
    config = configured(tmp_path)
    code, _out, err = run(config, "add", server.url("/"))
    assert code == 1
    assert "names no feed" in err and "--no-check" in err
    assert config.read_text() == CONFIG


def test_unreachable_or_broken_named_feed_changes_nothing(
    server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/"] = Route(body=PAGE, content_type="text/html")
    server.routes["/news/rss.xml"] = Route(status=500)
    config = configured(tmp_path)
    code, _out, err = run(config, "add", server.url("/"))
    assert code == 1 and "do not work" in err and "500" in err
    code, _out, err = run(config, "add", "http://127.0.0.1:9/feed.xml")
    assert code == 1 and "refused" in err
    assert config.read_text() == CONFIG


def test_already_subscribed_is_not_an_error(tmp_path: Path) -> None:
    config = configured(tmp_path)
    code, out, _err = run(config, "add", "https://wire.example/feed/", "--no-check")
    assert code == 0 and "already in" in out and "nothing changed" in out
    assert config.read_text() == CONFIG


def test_add_with_a_title_or_tags_changes_a_feed_that_is_there(tmp_path: Path) -> None:
    """`add URL --tag x` on a subscribed feed said "nothing changed": there was no way to give
    a feed tags or a name but editing the file. Its tags are added to, its title replaced; the
    rest of the file stays as it was."""
    from monitor.config import load_settings

    config = configured(tmp_path)
    code, out, err = run(
        config, "add", "https://desk.example/ai.xml", "--tag", "lab", "--tag", "official"
    )
    assert code == 0, err
    assert "now has title “Desk” and tags [official, lab]" in out
    code, out, _err = run(config, "add", "wire.example/feed/", "--title", "The Wire")
    assert code == 0 and "title “The Wire”" in out
    feeds = {f.url: f for f in load_settings(config).feeds}
    assert feeds["https://desk.example/ai.xml"].tags == ["official", "lab"]
    assert feeds["https://wire.example/feed"].title == "The Wire"
    text = config.read_text()
    assert (
        text.startswith("# my subscriptions\nfeeds:\n")
        and "interval_minutes: 30  # twice an hour" in text
    )
    code, out, _err = run(config, "add", "https://desk.example/ai.xml", "--tag", "LAB")
    assert "tags [official, lab]" in out  # one spelling per tag, the entry's
    text = config.read_text()
    code, _out, err = run(config, "add", "https://desk.example/ai.xml", "--tag", "two words")
    assert code == 2 and "a tag is letters" in err and config.read_text() == text


def test_an_address_without_scheme_finds_the_feed_subscribed_over_http(tmp_path: Path) -> None:
    """ "127.0.0.1:8000/feed.xml" was tried over https (a TLS error) though the same feed was
    subscribed as http://…: it is the one meant."""
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds:\n  - url: http://plain.example/feed.xml\n", encoding="utf-8")
    code, out, _err = run(config, "add", "plain.example/feed.xml")
    assert code == 0 and "http://plain.example/feed.xml is already in" in out
    code, out, err = run(config, "add", "plain.example/feed.xml", "--tag", "lab")
    assert code == 0, err
    assert "tags [lab]" in out


def test_no_check_adds_without_fetching_and_bad_values_are_refused(
    server: FeedServer, tmp_path: Path
) -> None:
    config = configured(tmp_path)
    code, _out, err = run(config, "add", server.url("/later.xml"), "--no-check")
    assert code == 0, err
    assert server.hits == {} and urls(config)[-1] == server.url("/later.xml")
    before = config.read_text()
    code, _out, err = run(config, "add", "ftp://x.example/f", "--no-check")
    assert code == 2 and "only http, https or a local file path" in err
    code, _out, err = run(config, "add", "https://y.example/f", "--tag", "two words")
    assert code == 2 and "'two words': a tag is letters" in err
    assert config.read_text() == before


def test_a_bare_host_name_means_https(tmp_path: Path) -> None:
    config = configured(tmp_path)
    code, _out, err = run(config, "add", "news.example/feed.xml", "--no-check")
    assert code == 0, err
    assert urls(config)[-1] == "https://news.example/feed.xml"


def test_add_creates_a_missing_feeds_yaml(tmp_path: Path) -> None:
    config = tmp_path / "new.yaml"
    code, _out, err = run(config, "add", "https://news.example/feed.xml", "--no-check")
    assert code == 0, err
    assert urls(config) == ["https://news.example/feed.xml"]


def test_remove_takes_out_the_whole_entry_and_nothing_else(tmp_path: Path) -> None:
    config = configured(tmp_path)
    code, out, err = run(config, "remove", "https://desk.example/ai.xml")
    assert code == 0, err
    assert "its stories are kept" in out
    assert urls(config) == ["https://wire.example/feed"]
    text = config.read_text()
    assert "# my subscriptions" in text and "official" not in text and "# twice an hour" in text
    code, _out, _err = run(config, "remove", "https://wire.example/feed")  # url on its 2nd line
    assert code == 0
    assert urls(config) == [] and "feeds: []" in config.read_text()
    code, _out, err = run(config, "remove", "https://wire.example/feed")
    assert code == 2 and "is not in" in err


def test_per_feed_tags_must_be_tag_names(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds:\n  - url: https://a.example/f\n    tags: [ok, not ok]\n")
    code, _out, err = run(config, "feeds")
    assert code == 2 and "feeds[0].tags" in err and "'not ok'" in err


def test_discover_reads_only_feed_links_and_resolves_them() -> None:
    found = discover(PAGE, "https://q.example/about/")
    assert [(f.url, f.title) for f in found] == [
        ("https://q.example/news/rss.xml", "Quillmark news"),
        ("https://q.example/about/comments.atom", "Comments"),
    ]
    assert discover(b"<link rel=alternate type=application/rss+xml href='javascript:x'>", "") == []
    assert discover(b"\xff\xfe<<<", "https://q.example/") == []


ADDRESSES = st.lists(
    st.from_regex(r"https://[a-z]{1,8}\.example/[a-z0-9/]{0,12}", fullmatch=True),
    min_size=1,
    max_size=6,
    unique=True,
)


@given(ADDRESSES, st.data())
def test_removing_any_entry_leaves_exactly_the_others(
    addresses: list[str], data: st.DataObject
) -> None:
    text = add_feeds_to_yaml(
        "# mine\nfeeds: []\npoll: {}\n", [FeedConfig(url=a) for a in addresses]
    )
    gone = data.draw(st.sampled_from(addresses))
    after = yaml.safe_load(remove_feed_from_yaml(text, gone))
    assert [f["url"] for f in after["feeds"]] == [a for a in addresses if a != gone]
    assert after["poll"] == {}


def test_two_adds_at_once_keep_both(server: FeedServer, tmp_path: Path) -> None:
    """An add read feeds.yaml before its check and wrote that copy back after it: a second add
    (or a remove, or a hand edit) made meanwhile was lost."""
    import threading
    import time

    from monitor.config import PollSettings
    from monitor.subscribe import add_feed

    def slow(handler: Any) -> None:
        time.sleep(1.0)
        body = rss_body([ITEM], title="Slow desk")
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    server.routes["/slow.xml"] = slow
    server.routes["/fast.xml"] = Route(body=rss_body([ITEM]))
    config = configured(tmp_path)
    first = threading.Thread(
        target=add_feed, args=(config, server.url("/slow.xml"), PollSettings())
    )
    first.start()
    time.sleep(0.3)
    add_feed(config, server.url("/fast.xml"), PollSettings())
    first.join(timeout=20)
    assert set(urls(config)[-2:]) == {server.url("/slow.xml"), server.url("/fast.xml")}


def test_only_scheme_and_host_ignore_case(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds:\n  - url: https://tube.example/feed?channel_id=UCabc\n")
    code, out, _ = run(config, "add", "https://TUBE.example/feed/?channel_id=UCabc", "--no-check")
    assert code == 0 and "nothing changed" in out
    code, _out, err = run(config, "add", "https://tube.example/feed?channel_id=UCABC", "--no-check")
    assert code == 0, err
    assert len(urls(config)) == 2
    code, _out, err = run(config, "remove", "https://tube.example/feed?channel_id=ucabc")
    assert code == 2 and "is not in" in err


def test_a_local_file_is_saved_by_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saved as typed ("local.xml"), a cron poll from another directory could not find it."""
    (tmp_path / "local.xml").write_bytes(rss_body([ITEM]))
    config = configured(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _out, err = run(config, "add", "local.xml")
    assert code == 0, err
    assert urls(config)[-1] == str(tmp_path / "local.xml")
    code, out, _ = run(config, "add", f"file://{tmp_path}/local.xml")
    assert code == 0 and "nothing changed" in out


def test_a_permanent_redirect_subscribes_to_where_the_feed_lives(
    server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/old.xml"] = Route(status=301, headers={"Location": server.url("/new.xml")})
    server.routes["/new.xml"] = Route(body=rss_body([ITEM]))
    config = configured(tmp_path)
    code, _out, err = run(config, "add", server.url("/old.xml"))
    assert code == 0, err
    assert urls(config)[-1] == server.url("/new.xml")


def test_feeds_on_one_line_is_a_clear_refusal(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    text = 'feeds: [{url: "https://a.example/f"}]\n'
    config.write_text(text)
    code, _out, err = run(config, "add", "https://b.example/f", "--no-check")
    assert code == 2 and "on its own `- url:` line" in err
    assert config.read_text() == text


def test_feeds_the_page_names_after_the_one_added_are_suggested_not_the_broken_ones(
    server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/"] = Route(
        body=b'<link rel="alternate" type="application/rss+xml" href="/gone.xml" title="Gone">'
        b'<link rel="alternate" type="application/rss+xml" href="/news.xml">'
        b'<link rel="alternate" type="application/atom+xml" href="/talk.atom" title="Talk">',
        content_type="text/html",
    )
    server.routes["/news.xml"] = Route(body=rss_body([ITEM]))
    config = configured(tmp_path)
    code, out, err = run(config, "add", server.url("/"))
    assert code == 0, err
    assert "talk.atom (Talk)" in out and "gone.xml" not in out


def test_title_and_tags_are_checked_and_a_comment_on_an_empty_list_kept(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []  # fill me\n")
    code, _out, err = run(config, "add", "https://a.example/f", "--no-check", "--title", "a\nb")
    assert code == 2 and "one line of plain text" in err
    code, out, err = run(
        config, "add", "https://a.example/f", "--no-check", "--title", "Desk", "--tag", "x",
        "--tag", "x",
    )  # fmt: skip
    assert code == 0, err
    assert "“Desk”" in out
    assert load_settings(config).feeds[0].tags == ["x"]
    assert config.read_text().startswith("feeds:  # fill me\n")


def test_a_feed_removed_and_added_again_is_due_at_once(server: FeedServer, tmp_path: Path) -> None:
    """It kept its old schedule: "the next poll fetches it" was followed by "0 feeds (1 not
    due)"."""
    server.routes["/feed.xml"] = Route(body=rss_body([ITEM]))
    server.routes["/other.xml"] = Route(body=rss_body([]))
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\npoll:\n  parse_workers: 0\n")
    assert run(config, "add", server.url("/other.xml"), "--no-check")[0] == 0
    assert run(config, "add", server.url("/feed.xml"))[0] == 0
    assert run(config, "poll", "-q")[0] == 0
    assert run(config, "remove", server.url("/feed.xml"))[0] == 0
    assert run(config, "poll", "-q")[0] == 0
    assert run(config, "add", server.url("/feed.xml"))[0] == 0
    hits = server.hits["/feed.xml"]
    code, out, _err = run(config, "poll")
    assert code == 0 and "Polled 1 feed" in out  # the re-added one, not the other (not due)
    assert server.hits["/feed.xml"] == hits + 1


def test_an_edit_keeps_line_ends_and_permissions(tmp_path: Path) -> None:
    """A feeds.yaml written on Windows came back with Unix line ends, and every edit left it
    readable by its owner only (the temporary file's mode)."""
    config = tmp_path / "feeds.yaml"
    config.write_bytes(b"# mine\r\nfeeds:\r\n  - url: https://a.example/f\r\n")
    config.chmod(0o644)
    assert run(config, "add", "https://b.example/f", "--no-check")[0] == 0
    raw = config.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") == 4
    assert config.stat().st_mode & 0o777 == 0o644
    assert run(config, "remove", "https://a.example/f")[0] == 0
    assert config.read_bytes() == b'# mine\r\nfeeds:\r\n  - url: "https://b.example/f"\r\n'
    assert config.stat().st_mode & 0o777 == 0o644


def test_an_address_without_a_scheme_that_fails_as_https_says_so(
    server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/feed.xml"] = Route(body=rss_body([ITEM]))
    config = configured(tmp_path)
    bare = server.url("/feed.xml").removeprefix("http://")
    code, _out, err = run(config, "add", bare)
    assert code == 1 and "so https:// was tried; give http://" in err
    assert config.read_text() == CONFIG


def test_every_command_reads_feeds_yaml_as_the_poll_does(tmp_path: Path) -> None:
    """A pattern in a [...] list that the poll accepts (`/\\bgpt-?5\\b/`) broke add, remove and
    OPML import, which read the file with another YAML parser: "expected ',' or ']', but got
    '?'", and a traceback from remove and import."""
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "feeds:\n  - url: https://wire.example/feed/\n"
        "topics:\n  tags:\n    gpt5:\n      rules:\n        - any: [/\\bgpt-?5\\b/]\n"
    )
    assert run(config, "add", "https://desk.example/rss", "--no-check")[0] == 0
    assert run(config, "remove", "https://wire.example/feed/")[0] == 0
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="Post" xmlUrl="https://post.example/rss"/>'
        "</body></opml>"
    )
    assert run(config, "opml", "import", str(opml))[0] == 0
    assert urls(config) == ["https://desk.example/rss", "https://post.example/rss"]
    assert "gpt-?5" in config.read_text()
