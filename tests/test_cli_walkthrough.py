"""What a new user's first hour with the CLI turned up: a preview digest that ate the marker,
over-escaped Markdown, a mistyped --db that made directories, silent empty configs and tags,
an empty eval file scored as perfect, OPML that lost titles and tags, and "1 feeds"."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from monitor.config import load_settings
from monitor.digest import escape_markdown
from monitor.wording import plural
from tests.feedserver import FeedServer, Route, rss
from tests.test_cli import ITEMS, invoke, opml_setup, write_config


@pytest.fixture
def polled(server: FeedServer, tmp_path: Path) -> tuple[Path, Path]:
    """One untitled feed (its own title: "Harbour Desk") tagged `desk`, polled once."""
    # Published an hour ago: a new feed's backlog is dated by publication, and the previews
    # below look 24 hours back.
    hour_ago = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() - 3600))
    items = [dict(item, pubDate=hour_ago) for item in ITEMS]
    server.routes["/harbour.xml"] = Route(body=rss(items, title="Harbour Desk"))
    config = write_config(tmp_path / "feeds.yaml", [server.url("/harbour.xml")])
    db = tmp_path / "m.db"
    code, out, err = invoke("poll", "--config", str(config), "--db", str(db))
    assert code == 0, err
    assert out.startswith("Polled 1 feed in ") and "3 new stories" in out
    return config, db


def test_a_digest_with_a_window_is_a_preview(polled: tuple[Path, Path]) -> None:
    config, db = polled
    args = ["digest", "--config", str(config), "--db", str(db)]
    code, out, _ = invoke(*args, "--since", "24h")
    assert code == 0 and out.startswith("monitor digest:")
    code, out, _ = invoke(*args, "--since", "7d", "--format", "json")
    assert code == 0 and json.loads(out)["new_groups"]
    code, out, _ = invoke(*args)  # the previews left "since last digest" alone
    assert code == 0 and out.startswith("monitor digest:"), out
    code, out, _ = invoke(*args, "--since", "LAST")
    assert code == 0 and out.startswith("Nothing new since"), out
    code, out, _ = invoke("digest", "--help")
    assert "preview" in out


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("Lab puts $14.3 billion into data-labelling (again)!", None),
        ("Rival's 2025 plan: 3.5 times the compute", None),
        ("A *big* day for [the lab](https://trap.example)", r"A \*big\* day for \[the lab\](https://trap.example)"),
        ("snake_case `code` ~~gone~~ back\\slash", r"snake\_case \`code\` \~\~gone\~\~ back\\slash"),
        ("<img src=x onerror=y> &#x41; AT&T", r"\<img src=x onerror=y> \&#x41; AT&T"),
        ("# Heading", r"\# Heading"),
        ("- item", r"\- item"),
        ("+ item", r"\+ item"),
        ("> quoted", r"\> quoted"),
        ("2024. A year", r"2024\. A year"),
        ("7) seven", r"7\) seven"),
        ("Ranked number one ##", r"Ranked number one \##"),
        ("C# and #1 mid-line stay", None),
    ],
)  # fmt: skip
def test_markdown_escapes_only_what_markdown_would_read(text: str, markdown: str | None) -> None:
    assert escape_markdown(text) == (text if markdown is None else markdown)


def test_a_mistyped_db_path_is_an_error_not_a_new_directory(
    tmp_path: Path, polled: tuple[Path, Path]
) -> None:
    config, _db = polled
    missing = tmp_path / "no-such-dir" / "x.db"
    for args, env in (
        (["--db", str(missing), "poll"], None),
        (["feeds", "--db", str(missing)], None),
        (["digest"], {"MONITOR_DB": str(missing)}),
        (["export"], {"MONITOR_DB": str(missing)}),
    ):
        code, out, err = invoke("--config", str(config), *args, env=env)
        assert code == 2, (args, err)
        assert out == "" and len(err.splitlines()) == 1 and str(missing) in err
        assert not missing.parent.exists()
    assert not list(tmp_path.glob("no-such-dir*"))


def test_no_feeds_is_a_warning_even_when_quiet(tmp_path: Path) -> None:
    for text in ("feeds: []\n", "poll:\n  parse_workers: 0\n"):
        config = tmp_path / "feeds.yaml"
        config.write_text(text, encoding="utf-8")
        code, out, err = invoke("poll", "-q", "--config", str(config), "--db", str(tmp_path / "d"))
        assert code == 0 and out == ""
        assert f"no feeds configured in {config}" in err and "feeds:" in err


def test_export_of_an_unknown_tag_lists_the_known_ones(polled: tuple[Path, Path]) -> None:
    config, db = polled
    args = ["export", "--config", str(config), "--db", str(db)]
    code, out, err = invoke(*args, "--tag", "desks")
    assert code == 0 and out == ""
    assert "no tag 'desks'" in err and "desk" in err and "meta_ai" in err
    code, out, err = invoke(*args, "--tag", "desk")
    assert code == 0 and len(out.splitlines()) == 3 and err == ""
    # Any of several tags, in any case ("--tag talent --tag robots" printed nothing: AND)
    code, out, err = invoke(*args, "--tag", "DESK", "--tag", "desks")
    assert code == 0 and len(out.splitlines()) == 3 and "no tag 'desks'" in err


def test_eval_of_a_file_without_items_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "labels.jsonl"
    for text in ("", "\n  \n"):
        empty.write_text(text, encoding="utf-8")
        code, out, err = invoke("eval", str(empty))
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and str(empty) in err and "no labelled items" in err


def test_opml_export_names_feeds_by_their_own_title_and_keeps_tags(
    polled: tuple[Path, Path], tmp_path: Path
) -> None:
    config, db = polled
    code, out, _ = invoke("opml", "export", "--config", str(config), "--db", str(db))
    assert code == 0
    (folder,) = list(ET.fromstring(out).iterfind("body/outline"))
    assert folder.get("text") == "desk"  # its first tag's folder, as other readers read them
    (outline,) = folder
    assert outline.get("text") == outline.get("title") == "Harbour Desk"
    assert outline.get("category") == "desk"
    # without a database yet the URL stands in
    code, out, _ = invoke("opml", "export", "--config", str(config), "--db", str(tmp_path / "n"))
    (outline,) = [o for o in ET.fromstring(out).iter("outline") if o.get("xmlUrl")]
    assert outline.get("text") == outline.get("xmlUrl")


def imported(config: Path, source: Path) -> tuple[str, str]:
    """`monitor opml import SOURCE` into `config`, which must succeed: (stdout, stderr)."""
    code, out, err = invoke("opml", "import", str(source), "--config", str(config))
    assert code == 0, err
    return out, err


def test_opml_import_reads_categories_and_skips_what_cannot_be_a_feed(tmp_path: Path) -> None:
    config, opml = opml_setup(
        tmp_path,
        '<outline text="Quay Wire" xmlUrl="https://quay.example/feed" category="wire, ai-labs,two words,Local &amp; Misc,!!!"/>'
        '<outline text="Archive mirror" xmlUrl="ftp://archive.example/feed.xml"/>'
        '<outline text="Notes" xmlUrl="gopher://notes.example/1"/>'
        '<outline text="Made here" xmlUrl="/srv/feeds/made.xml" category="/Tech/AI,/Tech/Chips"/>',
    )  # fmt: skip
    out, err = imported(config, opml)
    assert out.startswith(f"Added 2 feeds to {config} (0 already there, 2 skipped)")
    assert "skipped ftp://archive.example/feed.xml (Archive mirror): not an http(s) URL" in err
    assert 'tags: ["Tech", "AI", "Chips"]' in config.read_text(encoding="utf-8")
    assert "gopher://notes.example/1 (Notes)" in err
    assert "'!!!' is no tag" in err and "feeds[" not in err
    code, out, _ = invoke("opml", "export", "--config", str(config))
    assert code == 0
    quay = [o for o in ET.fromstring(out).iter("outline") if "quay" in (o.get("xmlUrl") or "")]
    assert quay[0].get("category") == "wire,ai-labs,two-words,Local-Misc"
    assert quay[0].get("text") == "Quay Wire"


def test_opml_import_reads_folders_as_tags(tmp_path: Path) -> None:
    """Feedly, newsboat and most readers export a folder as an outline around its feeds; the
    folder was dropped, so every imported feed came without its tags."""
    config, opml = opml_setup(
        tmp_path,
        '<outline text="AI labs" title="AI labs">'
        '<outline text="Quay Wire" xmlUrl="https://quay.example/feed"/>'
        '<outline text="Chips"><outline text="Fab Desk" xmlUrl="https://fab.example/rss" category="daily"/></outline>'
        "</outline>"
        '<outline text="Loose" xmlUrl="https://loose.example/rss"/>',
    )  # fmt: skip
    imported(config, opml)
    feeds = {feed.url: feed.tags for feed in load_settings(config).feeds[1:]}  # after opml_setup's
    assert feeds == {
        "https://quay.example/feed": ["AI-labs"],
        "https://fab.example/rss": ["daily", "AI-labs", "Chips"],
        "https://loose.example/rss": [],
    }


def test_opml_import_keeps_one_spelling_per_tag(tmp_path: Path) -> None:
    """A folder "Talent war" and a category "talent war" became tags `Talent-war` and
    `talent-war`: two entries in the tag picker that `export --tag` treats as one."""
    config, opml = opml_setup(
        tmp_path,
        '<outline text="Talent war">'
        '<outline text="Quay Wire" xmlUrl="https://quay.example/feed" category="talent war"/>'
        "</outline>"
        '<outline text="Fab Desk" xmlUrl="https://fab.example/rss" category="TALENT war,chips"/>',
    )  # fmt: skip
    imported(config, opml)
    feeds = {feed.url: feed.tags for feed in load_settings(config).feeds[1:]}
    assert feeds == {
        "https://quay.example/feed": ["talent-war"],
        "https://fab.example/rss": ["talent-war", "chips"],
    }


def test_counts_are_pluralised() -> None:
    assert [plural(n, "feed") for n in (0, 1, 2)] == ["0 feeds", "1 feed", "2 feeds"]
    assert plural(1, "new story") == "1 new story" and plural(3, "new story") == "3 new stories"
    assert plural(2, "day") == "2 days" and plural(2, "entry") == "2 entries"


def test_feeds_table_cuts_with_an_ellipsis_and_names_the_time_zone(
    server: FeedServer, tmp_path: Path
) -> None:
    path = "/" + "a-very-long-feed-path-" * 4 + ".xml"
    server.routes[path] = Route(status=500, body=b"down")
    long_url = server.url(path)
    config = write_config(tmp_path / "feeds.yaml", [long_url])
    db = tmp_path / "m.db"
    invoke("poll", "--config", str(config), "--db", str(db))
    code, out, _ = invoke("feeds", "--config", str(config), "--db", str(db), env={"COLUMNS": "80"})
    assert code == 0
    lines = out.splitlines()
    assert "(UTC)" in lines[0]
    assert lines[1].endswith("…") and len(lines[1]) == 80
    summary = " ".join(lines[next(i for i, x in enumerate(lines) if x.startswith("1 feed")) :])
    assert summary.startswith("1 feed, 0 ok, 1 not ok or not fetched yet; last poll 20")
    assert summary.endswith(" UTC, just now")
    assert all(len(line) <= 80 for line in lines)  # (the summary is wrapped between words)
    # Into a pipe or a file (cron mail), whole lines; and how often it failed in a row.
    invoke("poll", "--all", "--config", str(config), "--db", str(db))
    code, out, _ = invoke("feeds", "--config", str(config), "--db", str(db))
    assert long_url in out and "HTTP 500 Internal Server Error (2 failures in a row)" in out
    # A narrow terminal: the times go, every feed keeps its one line (each wrapped at 60).
    code, out, _ = invoke("feeds", "--config", str(config), "--db", str(db), env={"COLUMNS": "60"})
    lines = out.splitlines()
    assert "LAST OK" not in lines[0] and "FEED" in lines[0]
    assert len(lines[1]) <= 60 and lines[1].startswith("error")


@pytest.mark.parametrize("command", ["export", "digest"])
def test_a_since_before_the_year_one_is_a_usage_error(
    polled: tuple[Path, Path], command: str
) -> None:
    config, db = polled
    code, _out, err = invoke(
        command, "--since", "99999999d", "--config", str(config), "--db", str(db)
    )
    assert code == 2
    assert "before the year 1" in err
    # An empty --since (an unset variable in a script) is no filter: it exported everything.
    code, out, err = invoke(command, "--since", "", "--config", str(config), "--db", str(db))
    assert code == 2 and out == "" and "--since: '' is not" in err


def test_export_cleans_text_a_database_was_given_by_other_means(
    polled: tuple[Path, Path],
) -> None:
    import sqlite3

    config, db = polled
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE stories SET title = 'Bell\x07 and \x1b[31mred\u202e'")
    for fmt in ("jsonl", "csv"):
        code, out, _err = invoke(
            "export", "--format", fmt, "--config", str(config), "--db", str(db)
        )
        assert code == 0
        assert not any(ch in out for ch in "\x07\x1b\u202e") and "Bell and" in out


def test_csv_cells_are_never_formulas(polled: tuple[Path, Path]) -> None:
    import csv
    import io
    import sqlite3

    config, db = polled
    with sqlite3.connect(db) as conn:
        conn.execute('UPDATE stories SET title = \'=HYPERLINK("http://x.example","go")\'')
        conn.execute("UPDATE stories SET url = '=cmd|calc'")  # as a feed may give it
        conn.execute("UPDATE feeds SET url = '@SUM(A1).xml'")  # a local file's name, say
        conn.execute("INSERT OR REPLACE INTO story_tags (story_id, tag, rule) SELECT id, '+x', "
                     "'feed' FROM stories")  # fmt: skip
    code, out, _err = invoke("export", "--format", "csv", "--config", str(config), "--db", str(db))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(row["title"].startswith("'=HYPERLINK") for row in rows)
    assert all(row["url"] == "'=cmd|calc" and row["tags"].startswith("'+x") for row in rows)
    assert all(row["feed_url"] == "'@SUM(A1).xml" for row in rows)


def test_markdown_links_keep_urls_with_brackets() -> None:
    from monitor.digest import _md_link

    assert _md_link("Llama", "https://wiki.example/Llama_(model)") == (
        "[Llama](<https://wiki.example/Llama_%28model%29>)"
    )
    assert _md_link("x", "javascript:alert(1)") == "x"


def test_opml_import_reads_a_newsboat_urls_file(tmp_path: Path) -> None:
    """newsboat's OPML export leaves tags out, and its urls file was "not valid OPML/XML"."""
    urls = tmp_path / "urls"
    urls.write_text(
        "# mine\n"
        'https://quay.example/feed ai "~Quay Wire"\n'
        'https://fab.example/rss chips "Robot stuff"\n'
        '"query:Unread:unread = \\"yes\\""\n'
        "https://plain.example/feed.xml\n"
        "/srv/feeds/local.xml local\n"  # one line other than a URL refused the whole file
        "example.org/feed.xml news\n"  # (its tags had hidden the hint)
        "! https://odd.example/feed\n",
        encoding="utf-8",
    )
    config = tmp_path / "feeds.yaml"
    out, err = imported(config, urls)
    assert out.startswith(f"Added 4 feeds to {config} (0 already there, 3 skipped)")
    assert "skipped example.org/feed.xml: not an http(s) URL or an absolute path " in err
    assert "(https://example.org/feed.xml?)" in err and "skipped ! https://odd.example" in err
    feeds = {f.url: (f.title, f.tags) for f in load_settings(config).feeds}
    assert feeds == {
        "https://quay.example/feed": ("Quay Wire", ["ai"]),
        "https://fab.example/rss": (None, ["chips", "Robot-stuff"]),
        "https://plain.example/feed.xml": (None, []),
        "/srv/feeds/local.xml": (None, ["local"]),
    }
    (tmp_path / "notes.txt").write_text("just some words\n", encoding="utf-8")
    code, _out, err = invoke("opml", "import", str(tmp_path / "notes.txt"), "--config", str(config))
    assert code == 2 and "nor a newsboat urls file" in err
