"""A broken feeds.yaml: one clear message naming file, field and problem; exit 2; no database write."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_settings
from monitor.db import connect, write
from monitor.store import sync_feeds
from tests import runmonitor

# name: (file content, field path the message must name, words of the problem)
BROKEN: dict[str, tuple[str | bytes, str, str]] = {
    "unclosed_bracket": ("feeds:\n  - url: [https://a.example/rss\n", "line 3", "invalid YAML"),
    "tab_indent": ("feeds:\n\t- url: https://a.example/rss\n", "line 2", "a tab: YAML indents with spaces only"),
    "unclosed_flow_at_end": ("feeds: [\n", "line 2", "invalid YAML"),
    "a_database": (b"SQLite format 3\0" + bytes(200), "", "an SQLite database, not a feeds.yaml: --config and --db swapped?"),
    "bad_mapping": ("poll: {interval_minutes: 5\n", "line 2", "invalid YAML"),
    "not_utf8": (b"feeds:\n  - url: https://a.example/\xff\n", "byte", "not UTF-8"),
    "top_is_list": ("- https://a.example/rss\n", "top level", "expected a mapping"),
    "unknown_top_key": ("feedz: []\n", "feedz", "unknown key"),
    "unknown_feed_key": (
        "feeds:\n  - url: https://a.example/rss\n    titel: Misspelt\n", "feeds[0].titel", "unknown key"
    ),
    "unknown_poll_key": ("poll:\n  deadline: 3\n", "poll.deadline", "unknown key"),
    "wrong_type_int": ("poll:\n  concurrency: lots\n", "poll.concurrency", "valid integer"),
    "wrong_type_list": ("feeds: https://a.example/rss\n", "feeds", 'write "- url: https://a.example/rss"'),
    "wrong_type_tags": ("feeds:\n  - url: https://a.example/rss\n    tags: 7\n", "feeds[0].tags", "should be a list"),
    "feed_as_bare_string": ('feeds: [ "http://a.example/feed.xml" ]\n', "feeds[0]", 'each feed is a mapping with url: (write "- url: http://a.example/feed.xml")'),
    "feeds_as_mapping": ("feeds:\n  url: https://a.example/rss\n", "feeds", "should be a list of feeds"),
    "feeds_empty": ("feeds:\n", "feeds", "is empty"),
    "tags_as_text": ("feeds:\n  - url: https://a.example/rss\n    tags: desk\n", "feeds[0].tags", "should be a list such as [desk], not text 'desk'"),
    "poll_not_a_mapping": ("poll: 5\n", "poll", "indented `name: value` lines, not the number 5"),
    "poll_as_list": ("poll:\n  - interval_minutes: 5\n", "poll", "not a list"),
    "poll_empty": ("poll:\n", "poll", "is empty"),
    "topics_as_list": ("topics: [meta_ai, llama]\n", "topics", "not a list; see docs/topics.md"),
    "topic_as_list": ("topics:\n  tags:\n    robots: [robot]\n", "topics.tags.robots", "not a list"),
    "notify_as_text": ("notify: notify-send\n", "notify", "not text 'notify-send'"),
    "notify_command_as_text": ("notify:\n  command: notify-send monitor\n", "notify.command", "[notify-send, monitor]"),
    "out_of_range": ("poll:\n  feed_deadline: -2\n", "poll.feed_deadline", "greater than 0"),
    "missing_url": ("feeds:\n  - title: No address\n", "feeds[0].url", "missing"),
    "url_not_string": ("feeds:\n  - url: 42\n", "feeds[0].url", "valid string"),
    "url_ftp": ("feeds:\n  - url: ftp://a.example/rss\n", "feeds[0].url", "only http, https"),
    "url_no_host": ("feeds:\n  - url: 'https://'\n", "feeds[0].url", "no host"),
    "url_file_scheme": ("feeds:\n  - url: file:///etc/passwd\n", "feeds[0].url", "file:// URLs"),
    "url_prose": ("feeds:\n  - url: see the wiki page\n", "feeds[0].url", "neither a URL"),
    "duplicate_feed": (
        "feeds:\n  - url: https://a.example/rss\n  - url: https://b.example/x\n"
        "  - url: HTTPS://A.example/rss/\n",
        "feeds[2].url",
        "duplicate of feeds[0].url",
    ),
    "url_port_too_big": ("feeds:\n  - url: http://a.example:99999/rss\n", "feeds[0].url", "port"),
    "url_space_in_host": ("feeds:\n  - url: http://a ex.example/rss\n", "feeds[0].url", "space"),
    "newsboat_urls_line": ('feeds:\n  - url: \'http://a.example/rss ai "~Lab Wire"\'\n', "feeds[0].url", "newsboat"),
    "mute_bad_regex": ("mute: ['/(/']\n", "mute", "bad regex"),
    "mute_list": ("feeds:\n  - url: https://a.example/rss\n    mute: ['@noise']\n", "feeds[0].mute", "topic rules"),
    "tags_as_words": ("feeds:\n  - url: https://a.example/rss\n    tags: ai chips\n", "feeds[0].tags", "[ai, chips]"),
    "key_given_twice": (
        "feeds:\n  - url: https://a.example/rss\nfeeds:\n  - url: https://b.example/rss\n",
        "line 3", "given twice",
    ),
    "yes_as_a_number": ("poll:\n  retention_days: yes\n", "poll.retention_days", "valid integer"),
    "number_as_text": ("poll:\n  interval_minutes: '30'\n", "poll.interval_minutes", "valid number"),
    "url_line_break": ('feeds:\n  - url: "https://a.example/\\nrss"\n', "feeds[0].url", "control character"),
    "feed_tag_not_a_name": ("feeds:\n  - url: https://a.example/rss\n    tags: [two words]\n", "feeds[0].tags", "a tag is letters"),
    "feed_tag_dash_first": ("feeds:\n  - url: https://a.example/rss\n    tags: [-x]\n", "feeds[0].tags", "starting with a letter, digit or '_'"),
    "control_character": ("feeds:\n  - url: https://a.example/rss\n    title: a\x1bb\n", "line 3", "U+001B"),
}  # fmt: skip


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def _snapshot(db: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in sorted(db.parent.glob(db.name + "*"))
        if path.is_file()
    }


@pytest.fixture
def existing_db(tmp_path: Path) -> Path:
    """A database written by a good config, to prove a bad one leaves it untouched."""
    good = tmp_path / "good.yaml"
    good.write_text("feeds:\n  - url: https://a.example/rss\n", encoding="utf-8")
    db = tmp_path / "monitor.db"
    conn = connect(db)
    with write(conn):
        sync_feeds(conn, load_settings(good).feeds)
    conn.close()
    return db


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_config_is_one_clear_message(name: str, tmp_path: Path, existing_db: Path) -> None:
    content, field, problem = BROKEN[name]
    config = tmp_path / f"{name}.yaml"
    config.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = _snapshot(existing_db)
    for command in ("poll", "feeds"):  # export and digest read the database only
        code, err = _invoke(command, "--config", str(config), "--db", str(existing_db))
        assert code == 2, (command, err)
        lines = err.strip().splitlines()
        assert lines and all(
            line.startswith(f"monitor: config error: {config}: ") for line in lines
        ), err
        assert field in lines[0] and problem in lines[0], lines[0]
    assert _snapshot(existing_db) == before


def test_broken_config_never_creates_a_database(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds:\n  - url: ftp://a.example/rss\n", encoding="utf-8")
    db = tmp_path / "fresh" / "monitor.db"
    code, err = _invoke("poll", "--config", str(config), "--db", str(db))
    assert code == 2 and "feeds[0].url" in err
    assert not db.parent.exists()


def test_missing_config_file(tmp_path: Path) -> None:
    config = tmp_path / "nowhere.yaml"
    code, err = _invoke("poll", "--config", str(config), "--db", str(tmp_path / "m.db"))
    assert code == 2 and f"{config}: file not found" in err
    assert not (tmp_path / "m.db").exists()


def test_a_config_that_is_no_regular_file_or_far_too_big(tmp_path: Path) -> None:
    """`--config /dev/zero` grew to 7 GB of memory; a named pipe waited for ever; a directory
    was click's usage error, without the JSON `poll --json` promises."""
    import os

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    big = tmp_path / "big.yaml"
    big.write_text("# padding\n" * 500_000 + "feeds: []\n", encoding="utf-8")
    (tmp_path / "dir.yaml").mkdir()
    expected = {
        "/dev/zero": "not a regular file",
        str(fifo): "not a regular file",
        str(big): "larger than 4 MiB",
        str(tmp_path / "dir.yaml"): "Is a directory",
    }
    for config, words in expected.items():
        code, err = _invoke("feeds", "--config", config, "--db", str(tmp_path / "m.db"))
        assert code == 2 and f"{config}: " in err and words in err, (config, err)
    done = runmonitor.run(
        "poll", "--json", "--config", str(tmp_path / "dir.yaml"), "--db", str(tmp_path / "m.db")
    )
    assert done.code == 2 and '"exit_code": 2' in done.out
    assert not (tmp_path / "m.db").exists()


def test_a_database_path_that_is_a_directory(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    (tmp_path / "m.db").mkdir()
    done = runmonitor.run("poll", "--json", "--config", str(config), "--db", str(tmp_path / "m.db"))
    assert done.code == 4
    assert "is a directory, not a database file" in done.out


def test_config_error_through_the_real_command(tmp_path: Path) -> None:
    """What cron sees: exit 2, the message on stderr, no traceback, nothing on stdout."""
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds:\n  - url: https://a.example/rss\n    tag: [x]\n", encoding="utf-8")
    done = runmonitor.run("poll", "-q", "--config", str(config), "--db", str(tmp_path / "m.db"))
    assert done.code == 2
    assert done.out == ""
    assert done.err.strip() == (
        f"monitor: config error: {config}: feeds[0].tag: unknown key (did you mean tags?)"
    )
    assert not (tmp_path / "m.db").exists()


def test_hostile_text_in_config_errors_is_printed_clean(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(
        'feeds:\n  - url: "ftp://x.example/\\e]52;c;AAAA\\a\\u202e"\n', encoding="utf-8"
    )
    code, err = _invoke("poll", "--config", str(config), "--db", str(tmp_path / "m.db"))
    assert code == 2 and "feeds[0].url" in err
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", err)


# A bad regex in a topic rule: the same one-line message naming file, topic and rule.


def test_bad_regex_in_topics_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "feeds: []\n"
        "topics:\n"
        "  tags:\n"
        "    robots:\n"
        "      rules:\n"
        "        - name: arms\n"
        "          any: ['/robot(ic arm/']\n",
        encoding="utf-8",
    )
    code, err = _invoke("poll", "--config", str(config), "--db", str(tmp_path / "m.db"))
    assert code == 2, err
    first = err.strip().splitlines()[0]
    assert first.startswith(f"monitor: config error: {config}: topics"), first
    assert "robots" in first and "arms" in first and "bad regex" in first, first
    assert not (tmp_path / "m.db").exists()


def test_every_problem_is_listed_duplicates_too(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "feeds:\n  - url: https://a.example/rss\n  - url: https://a.example/rss\n"
        "  - url: https://a.example/rss/\n  - url: http://b.example:70000/\n",
        encoding="utf-8",
    )
    code, err = _invoke("feeds", "--config", str(config), "--db", str(tmp_path / "m.db"))
    assert code == 2
    assert "feeds[1].url: duplicate" in err and "feeds[2].url: duplicate" in err
    assert "feeds[3].url" in err and "port" in err


def test_shape_mistakes_are_told_without_pydantic_words(tmp_path: Path) -> None:
    """A list where a mapping belongs (or the reverse) was "Input should be a valid dictionary or
    instance of FeedConfig": words from the code, not from feeds.yaml."""
    config = tmp_path / "feeds.yaml"
    for name in sorted(BROKEN):
        content = BROKEN[name][0]
        config.write_bytes(content if isinstance(content, bytes) else content.encode())
        _code, err = _invoke("feeds", "--config", str(config), "--db", str(tmp_path / "m.db"))
        for jargon in ("instance of", "valid dictionary", "Config", "Settings"):
            assert jargon not in err, (name, err)


def test_a_misspelt_key_gets_the_likely_one(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "feedz: []\npoll:\n  intervall_minutes: 5\ngrouping:\n  treshold: 0.3\nzzz: 1\n",
        encoding="utf-8",
    )
    _code, err = _invoke("feeds", "--config", str(config), "--db", str(tmp_path / "m.db"))
    assert f"{config}: feedz: unknown key (did you mean feeds?)" in err
    assert f"{config}: poll.intervall_minutes: unknown key (did you mean interval_minutes?)" in err
    assert f"{config}: grouping.treshold: unknown key (did you mean threshold?)" in err
    assert f"{config}: zzz: unknown key\n" in err
    config.write_text("topics:\n  tags:\n    semis:\n      rule:\n        - any: [chip]\n")
    _code, err = _invoke("feeds", "--config", str(config), "--db", str(tmp_path / "m.db"))
    assert "topics.tags.semis.rule: unknown key (did you mean rules?)" in err


def test_export_goes_on_with_a_broken_config_and_says_so(tmp_path: Path, existing_db: Path) -> None:
    """It exited 2 like poll, while the digest (also reading only the database) went on."""
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds:\n  - url: [\n", encoding="utf-8")
    before = _snapshot(existing_db)
    code, err = _invoke("export", "--config", str(config), "--db", str(existing_db))
    assert code == 0
    assert err.startswith(f"monitor: warning: config error: {config}: invalid YAML")
    assert "exporting anyway" in err
    assert _snapshot(existing_db) == before
