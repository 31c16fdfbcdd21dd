"""Canonical story links: tracking parameters go, everything that identifies the page stays."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from monitor.urls import canonical_url, is_tracking_param

_name = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=8)
_value = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-.", max_size=8)
_tracking = st.sampled_from(["utm_source", "utm_campaign", "fbclid", "gclid", "mc_eid", "UTM_Term"])


@st.composite
def story_urls(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]]]:
    host = draw(st.sampled_from(["News.Example.com", "a.example", "blog.example.org."]))
    path = "/" + "/".join(draw(st.lists(_value.filter(bool), max_size=3)))
    kept = draw(st.lists(st.tuples(_name.filter(lambda n: not is_tracking_param(n)), _value)))
    noise = draw(st.lists(st.tuples(_tracking, _value), max_size=3))
    mixed = list(kept)
    for item in noise:
        mixed.insert(draw(st.integers(0, len(mixed))), item)
    query = "&".join(f"{k}={v}" for k, v in mixed)
    frag = draw(st.sampled_from(["", "#top", "#comments"]))
    return f"HTTPS://{host}{path}{'?' + query if query else ''}{frag}", kept


@given(story_urls())
def test_tracking_removed_rest_kept_in_order(case: tuple[str, list[tuple[str, str]]]) -> None:
    url, kept = case
    result = canonical_url(url)
    assert result is not None
    parts = urlsplit(result)
    assert parts.scheme == "https" and parts.hostname == parts.hostname.lower()
    assert not parts.hostname.endswith(".")
    assert parts.fragment == ""
    assert parse_qsl(parts.query, keep_blank_values=True) == kept


@given(st.text(max_size=200))
def test_never_raises_and_is_idempotent(text: str) -> None:
    once = canonical_url(text)
    assert canonical_url(once) == once
    if once is not None:
        assert all(ch >= " " and ch != "\x7f" for ch in once)


@given(story_urls())
def test_idempotent_on_urls(case: tuple[str, list[tuple[str, str]]]) -> None:
    once = canonical_url(case[0])
    assert canonical_url(once) == once


def test_examples() -> None:
    assert canonical_url("http://Example.com:80/a?utm_source=x") == "http://example.com/a"
    assert canonical_url("https://example.com:8443/a#frag") == "https://example.com:8443/a"
    assert canonical_url("https://example.com") == "https://example.com/"
    assert canonical_url("https://x.example/p?id=3&fbclid=abc&page=2") == (
        "https://x.example/p?id=3&page=2"
    )
    assert canonical_url("mailto:someone@example.com") is None  # no page to open
    assert canonical_url("") is None and canonical_url(None) is None
    assert canonical_url("https://[::1]:99/x") == "https://[::1]:99/x"


def test_script_links_are_no_links() -> None:
    """A feed's `javascript:` link was stored and exported as the story's url (the UI never
    opened it, but a tool reading the export could make it a link)."""
    for link in (
        "javascript:alert(1)",
        " JavaScript:void(0)",
        "java\tscript:x",
        "data:text/html,x",
    ):
        assert canonical_url(link) is None, link
    # Other schemes are no story's page either: file:///etc/passwd was stored as a link.
    for link in ("mailto:desk@news.example", "file:///etc/passwd", "ftp://f.example/x"):
        assert canonical_url(link) is None, link


def test_the_query_kept_is_the_query_written() -> None:
    """`?flag&utm_medium=z` became `?flag=`, another address for some servers."""
    assert canonical_url("http://a.example/q?flag&utm_medium=z") == "http://a.example/q?flag"
    assert canonical_url("http://a.example/q?a=1&flag&utm_source=x&b=") == (
        "http://a.example/q?a=1&flag&b="
    )
    assert canonical_url("http://a.example/?q=a%20b+c&fbclid=1") == "http://a.example/?q=a%20b+c"


def test_a_news_search_redirect_stands_for_its_article() -> None:
    """Bing News links every item through a redirect naming the article in the open: the same
    article through the search and through the outlet's own feed were two stories."""
    article = "https://www.harbor.example/tech/lab-opens?utm_source=bing&id=7"
    wrapped = (
        "http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=AB12"
        f"&url={quote(article, safe='')}&c=987&mkt=en-us"
    )
    assert canonical_url(wrapped) == "https://www.harbor.example/tech/lab-opens?id=7"
    assert canonical_url(wrapped.replace("www.bing", "BING")) == canonical_url(wrapped)
    for target in ("javascript:alert(1)", "file:///etc/passwd", ""):  # not a page: as it was
        odd = f"https://www.bing.com/news/apiclick.aspx?url={quote(target, safe='')}"
        assert canonical_url(odd) == odd
    assert canonical_url("https://www.bing.com/news/search?q=x") == (
        "https://www.bing.com/news/search?q=x"
    )


@given(story_urls(), st.integers(1, 6))
def test_redirects_unwrap_to_the_same_link_at_any_depth(
    case: tuple[str, list[tuple[str, str]]], depth: int
) -> None:
    url = case[0]
    for _ in range(depth):
        url = f"https://www.bing.com/news/apiclick.aspx?tid=1&url={quote(url, safe='')}"
    once = canonical_url(url)
    assert once == canonical_url(case[0]) and canonical_url(once) == once


def test_spaces_and_other_scripts_are_percent_encoded() -> None:
    """A link with a space or letters of another script was stored as written: the UI refused to
    open it ("only http and https links are opened", though it was http) and a mailed digest
    cut it at the space."""
    link = "http://news.example/ünï cødé/ページ?q=日本&x=[b]y[/b]&utm_source=z"
    assert canonical_url(link) == (
        "http://news.example/%C3%BCn%C3%AF%20c%C3%B8d%C3%A9/%E3%83%9A%E3%83%BC%E3%82%B8"
        "?q=%E6%97%A5%E6%9C%AC&x=%5Bb%5Dy%5B/b%5D"
    )
    assert canonical_url("https://a.example/p%20q?x=%E6%97%A5") == (
        "https://a.example/p%20q?x=%E6%97%A5"
    )  # escapes made already stay as they are


def test_a_stored_link_with_a_space_opens_encoded() -> None:
    from monitor.tui.links import openable

    assert openable("http://news.example/a b") == "http://news.example/a%20b"
    assert openable("javascript:alert(1)") is None
