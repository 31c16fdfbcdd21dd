"""The `monitor` command as a cron user and a scripter meet it: help, poll, feeds, export, OPML."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.db import connect, write
from tests.feedserver import FeedServer, Route, rss

ITEMS = [
    {
        "title": f"Lab {i} hires a tokenizer researcher",
        "link": f"https://desk.example/story/{i}?utm_campaign=x",
        "guid": f"g{i}",
        "description": f"Plain body {i}.",
        "pubDate": "Mon, 09 Jun 2025 10:00:00 GMT",
    }
    for i in range(3)
]


def write_config(path: Path, urls: list[str]) -> Path:
    lines = ["feeds:"]
    for url in urls:
        lines += [f"  - url: {url}", "    tags: [desk]"]
    lines += ["poll:", "  parse_workers: 0"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def configured(server: FeedServer, tmp_path: Path) -> tuple[Path, Path]:
    server.routes["/desk.xml"] = Route(body=rss(ITEMS, title="Desk"))
    config = write_config(tmp_path / "feeds.yaml", [server.url("/desk.xml")])
    return config, tmp_path / "m.db"


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_commands_and_exit_codes() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    for word in ("poll", "feeds", "export", "opml", "retag", "tui", "Exit codes"):
        assert word in out
    code, out, _ = invoke("poll", "--help")
    assert code == 0 and "--all" in out and "--quiet" in out and "3" in out


def test_a_command_line_that_cannot_be_read_says_why() -> None:
    """`monitor pol` said "unexpected extra argument" under the UI's usage; `poll --bogus
    --json` printed no JSON, though scripts read an object from stdout in every case."""
    from tests import runmonitor

    # `--db "$DB"` with DB unset in a cron line polled into the repository's database.
    for args in (["poll", "--db", ""], ["--config", " ", "feeds"], ["opml", "--db", "", "export"]):
        empty = runmonitor.run(*args)
        assert empty.code == 2 and "is empty; give a path" in empty.err, args
    wrong_place = runmonitor.run("--bogus", "poll")
    assert wrong_place.code == 2 and "No such option '--bogus'" in wrong_place.err
    assert "monitor tui" not in wrong_place.err
    typo = runmonitor.run("pol")
    assert typo.code == 2 and "No such command 'pol'. Did you mean 'poll'?" in typo.err
    for args in (["poll", "--bogus", "--json"], ["poll", "--json", "--config"]):
        done = runmonitor.run(*args)
        answer = json.loads(done.out)
        assert done.code == 2 and answer["exit_code"] == 2, done.err
        assert answer["error"] and answer["error"] in done.err


def test_poll_feeds_export_round_trip(configured: tuple[Path, Path]) -> None:
    config, db = configured
    code, out, _ = invoke("poll", "--config", str(config), "--db", str(db))
    assert code == 0, out
    assert "3 new stories" in out

    code, out, _ = invoke("feeds", "--config", str(config), "--db", str(db), "--format", "json")
    assert code == 0
    (feed,) = json.loads(out)
    assert feed["status"] == "ok" and feed["stories"] == 3 and feed["error"] is None
    assert feed["unread"] == 3
    assert {"url", "title", "status", "error", "last_ok", "next_check", "stories"} <= set(feed)

    code, out, _ = invoke("export", "--config", str(config), "--db", str(db))
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 3
    assert records[0]["url"] == "https://desk.example/story/0"
    assert {"url", "title", "summary", "source", "published", "tags", "group", "claims"} <= set(
        records[0]
    )

    code, out, _ = invoke("export", "--config", str(config), "--db", str(db), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 3 and rows[2]["title"] == "Lab 2 hires a tokenizer researcher"

    code, out, _ = invoke(
        "export", "--config", str(config), "--db", str(db), "--tag", "no-such-tag"
    )
    assert code == 0 and out == ""


def test_poll_json_and_quiet(configured: tuple[Path, Path], server: FeedServer) -> None:
    config, db = configured
    code, out, _ = invoke("poll", "--config", str(config), "--db", str(db), "--json")
    summary = json.loads(out)
    assert code == 0 and summary["new_stories"] == 3 and summary["feeds_failed"] == 0
    server.routes["/desk.xml"] = Route(status=500, body=b"boom")
    code, out, err = invoke("poll", "--all", "-q", "--config", str(config), "--db", str(db))
    assert code == 1
    assert out == ""
    assert "FAILED" in err and "500" in err


def test_poll_json_reports_a_poll_that_could_not_run(
    configured: tuple[Path, Path], tmp_path: Path
) -> None:
    import fcntl

    config, db = configured
    with open(f"{db}.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, out, err = invoke("poll", "--config", str(config), "--db", str(db), "--json")
    assert code == 3 and json.loads(out)["exit_code"] == 3 and "another poll" in err
    with open(f"{db}.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        quiet = invoke("poll", "-q", "--config", str(config), "--db", str(db))
        loud = invoke("poll", "--config", str(config), "--db", str(db))
    assert quiet == (3, "", "")  # cron mails nothing for an overlap; the code still says it
    assert loud[0] == 3 and "another poll" in loud[2]
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds: 7\n", encoding="utf-8")
    code, out, _ = invoke("poll", "--config", str(bad), "--db", str(db), "--json")
    assert code == 2 and "feeds" in json.loads(out)["error"]


def test_environment_variables_choose_config_and_db(configured: tuple[Path, Path]) -> None:
    config, db = configured
    env = {"MONITOR_CONFIG": str(config), "MONITOR_DB": str(db)}
    code, _out, _ = invoke("poll", env=env)
    assert code == 0 and db.exists()


def test_subcommand_alone_is_not_taken_for_the_default(configured: tuple[Path, Path]) -> None:
    """`monitor poll` with the paths from the environment polls; it must not open the UI."""
    config, db = configured
    env = {"MONITOR_CONFIG": str(config), "MONITOR_DB": str(db)}
    code, out, _ = invoke("feeds", env=env)
    assert code == 0 and "desk.xml" in out and "STATUS" in out


def test_ui_without_a_terminal_says_so_instead_of_hanging(configured: tuple[Path, Path]) -> None:
    config, db = configured
    for args in ((), ("tui",)):
        code, _, err = invoke("--config", str(config), "--db", str(db), *args)
        assert code == 2 and "needs a terminal" in err and "monitor poll" in err


def test_a_failing_feed_is_named_with_its_address_and_removed_by_its_title(
    configured: tuple[Path, Path], server: FeedServer
) -> None:
    """Cron mail said "FAILED Desk: HTTP 500" with no address, and `remove Desk` said it is not
    in feeds.yaml: the name a poll and `monitor feeds` give a feed did not reach it."""
    config, db = configured
    invoke("poll", "--config", str(config), "--db", str(db))
    server.routes["/desk.xml"] = Route(status=500, body=b"boom")
    code, _out, err = invoke("poll", "--all", "-q", "--config", str(config), "--db", str(db))
    assert code == 1 and f"FAILED Desk <{server.url('/desk.xml')}>: " in err
    code, out, err = invoke("remove", "desk", "--config", str(config), "--db", str(db))
    assert code == 0, err
    assert f"Removed {server.url('/desk.xml')}" in out
    assert server.url("/desk.xml") not in config.read_text()


def test_opml_export_gives_a_moved_feed_at_its_new_address(
    server: FeedServer, tmp_path: Path
) -> None:
    """Another reader started at the old address of a feed that had answered 301."""
    import xml.etree.ElementTree as ET

    server.routes["/old.xml"] = Route(status=301, headers={"Location": "/new.xml"})
    server.routes["/new.xml"] = Route(body=rss(ITEMS, title="Desk"))
    config = write_config(tmp_path / "feeds.yaml", [server.url("/old.xml")])
    db = tmp_path / "m.db"
    # Said once, with -q too (a cron user had no other way to learn feeds.yaml is out of date).
    code, out, _ = invoke("poll", "-q", "--config", str(config), "--db", str(db))
    assert code == 0 and out == f"moved  Desk: now at {server.url('/new.xml')}\n"
    assert invoke("poll", "-q", "--all", "--config", str(config), "--db", str(db))[1] == ""
    code, out, _ = invoke("opml", "export", "--config", str(config), "--db", str(db))
    (outline,) = [o for o in ET.fromstring(out).iter("outline") if o.get("xmlUrl")]
    assert code == 0 and outline.get("xmlUrl") == server.url("/new.xml")
    assert outline.get("text") == "Desk"
    # Its new address is the feed subscribed already (it was added a second time).
    code, out, _ = invoke("add", server.url("/new.xml"), "--config", str(config), "--db", str(db))
    assert code == 0 and f"{server.url('/old.xml')} is already in" in out


def test_another_config_changes_nothing_stored(server: FeedServer, tmp_path: Path) -> None:
    """`MONITOR_DB=mine.db monitor feeds` without its --config retired every feed of the
    database (and added the other file's); back with the right file, a gone feed was "new"
    and was fetched again, and every backoff was forgotten."""
    server.routes["/desk.xml"] = Route(body=rss(ITEMS, title="Desk"))
    server.routes["/gone.xml"] = Route(status=410)
    server.routes["/wire.xml"] = Route(body=rss(ITEMS[:1], title="Wire"))
    mine = write_config(
        tmp_path / "mine.yaml",
        [server.url("/desk.xml"), server.url("/gone.xml"), server.url("/wire.xml")],
    )
    other = write_config(tmp_path / "other.yaml", [server.url("/other.xml")])
    db = tmp_path / "m.db"
    assert invoke("poll", "--config", str(mine), "--db", str(db))[0] == 1

    def stored() -> list[tuple[object, ...]]:
        conn = connect(db)
        try:
            return [tuple(r) for r in conn.execute("SELECT * FROM feeds ORDER BY id")]
        finally:
            conn.close()

    before = stored()
    code, out, err = invoke("feeds", "--config", str(other), "--db", str(db), "--format", "json")
    assert code == 0 and "lists none of the feeds" in err
    assert [(f["url"], f["status"], f["stories"]) for f in json.loads(out)] == [
        (server.url("/other.xml"), "new", 0)
    ]
    assert stored() == before
    code, out, _ = invoke("feeds", "--config", str(mine), "--db", str(db), "--format", "json")
    statuses = {f["url"].rsplit("/", 1)[1]: f["status"] for f in json.loads(out)}
    assert statuses == {"desk.xml": "ok", "gone.xml": "gone", "wire.xml": "ok"}
    # No database yet: the file's feeds, none fetched, and no database made.
    code, out, err = invoke("feeds", "--config", str(mine), "--db", str(tmp_path / "typo.db"))
    assert code == 0 and out.count("new ") == 3 and "no database at" in err
    assert not (tmp_path / "typo.db").exists()
    code, _, err = invoke("retag", "--config", str(mine), "--db", str(tmp_path / "typo.db"))
    assert code == 4 and "no database yet" in err and not (tmp_path / "typo.db").exists()
    # A poll (or retag) of the other file is refused, and changes nothing either.
    for command in ("poll", "retag"):
        code, _, err = invoke(command, "--config", str(other), "--db", str(db))
        assert code == 2 and "none of the 3 feeds" in err and "--replace-feeds" in err, err
        assert str(other) in err
    assert stored() == before
    code, out, _ = invoke("poll", "--config", str(other), "--db", str(db), "--json")
    assert code == 2 and "none of the 3 feeds" in json.loads(out)["error"]
    code, _, err = invoke("poll", "--config", str(other), "--db", str(db), "--replace-feeds")
    assert code == 1 and "other.xml" in err  # polled (and failed: not found)
    active = connect(db).execute("SELECT config_url FROM feeds WHERE active").fetchall()
    assert [row[0] for row in active] == [server.url("/other.xml")]


def test_remove_by_a_title_two_feeds_share_asks_for_the_address(
    server: FeedServer, tmp_path: Path
) -> None:
    """It said "Desk is not in feeds.yaml", though two feeds were called Desk."""
    server.routes["/a.xml"] = Route(body=rss(ITEMS, title="Desk"))
    server.routes["/b.xml"] = Route(body=rss(ITEMS[:1], title="Desk"))
    config = write_config(tmp_path / "feeds.yaml", [server.url("/a.xml"), server.url("/b.xml")])
    db = tmp_path / "m.db"
    invoke("poll", "--config", str(config), "--db", str(db))
    code, _out, err = invoke("remove", "Desk", "--config", str(config), "--db", str(db))
    assert code == 2 and "2 feeds are called 'Desk'" in err and server.url("/b.xml") in err


def test_remove_by_a_title_from_feeds_yaml_before_any_poll(tmp_path: Path) -> None:
    """Titles were only looked up in the database: a feed not polled yet was "not in
    feeds.yaml" by the title `monitor feeds` lists it under, and of two feeds called the same,
    the polled one was removed without a word about the other."""
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "feeds:\n  - url: https://a.example/feed\n    title: Desk\n"
        "  - url: https://b.example/feed\n    title: Wire\n"
        "  - url: https://c.example/feed\n    title: desk\n",
        encoding="utf-8",
    )
    db = tmp_path / "none.db"
    code, _out, err = invoke("remove", "Desk", "--config", str(config), "--db", str(db))
    assert code == 2 and "2 feeds are called 'Desk'" in err and "https://c.example/feed" in err
    code, out, _err = invoke("remove", "Wire", "--config", str(config), "--db", str(db))
    assert code == 0 and "Removed https://b.example/feed" in out
    assert "b.example" not in config.read_text(encoding="utf-8") and not db.exists()


def test_an_export_whose_reader_goes_away_exits_141_not_1(tmp_path: Path) -> None:
    """`monitor export | head` exited 1, "a feed failed", which a `set -o pipefail` script
    reads as a poll problem; a shell reports a closed pipe as 141."""
    from tests.test_tui_app import make_db

    db = make_db(tmp_path / "m.db", stories=400)
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n", encoding="utf-8")
    from tests.runmonitor import command

    line = command("export", "--config", str(config), "--db", str(db))
    proc = subprocess.Popen(line, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()
    assert proc.wait(timeout=60) == 141
    assert b"Traceback" not in (proc.stderr.read() if proc.stderr else b"")


def test_export_since_rejects_nonsense(configured: tuple[Path, Path]) -> None:
    config, db = configured
    invoke("poll", "--config", str(config), "--db", str(db))
    code, _, err = invoke("export", "--config", str(config), "--db", str(db), "--since", "soon")
    assert code == 2 and "since" in err.lower()


def test_export_of_the_reading_list(configured: tuple[Path, Path]) -> None:
    """Starred stories are a reading list, as Miniflux's and Feedly's saved items: the export
    says what is starred and read, and takes only those with --starred (or --unread)."""
    config, db = configured
    invoke("poll", "--config", str(config), "--db", str(db))
    conn = connect(db)
    with write(conn):
        conn.execute("UPDATE stories SET starred = 1, read = 1 WHERE url LIKE '%/story/1'")
    conn.close()
    base = ["export", "--config", str(config), "--db", str(db)]
    code, out, _ = invoke(*base, "--starred")
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and record["url"] == "https://desk.example/story/1"
    assert record["starred"] is True and record["read"] is True
    code, out, _ = invoke(*base, "--unread")
    unread = [json.loads(line) for line in out.splitlines()]
    assert [r["url"][-1] for r in unread] == ["0", "2"] and not any(r["starred"] for r in unread)
    code, out, _ = invoke(*base, "--starred", "--format", "csv")
    (row,) = csv.DictReader(io.StringIO(out))
    assert (row["starred"], row["read"]) == ("1", "1")


def test_export_to_a_file(configured: tuple[Path, Path], tmp_path: Path) -> None:
    config, db = configured
    invoke("poll", "--config", str(config), "--db", str(db))
    target = tmp_path / "out.csv"
    code, out, err = invoke(
        "export", "--config", str(config), "--db", str(db), "--format", "csv", "-o", str(target)
    )
    assert code == 0 and out == "" and err == ""
    assert len(list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))) == 3
    # A usage error found before the export leaves an existing file as it was.
    code, _, err = invoke(
        "export", "--config", str(config), "--db", str(db), "--since", "soon", "-o", str(target)
    )
    assert code == 2 and len(target.read_text(encoding="utf-8").splitlines()) == 4


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("missing/x.csv", "directory {tmp}/missing does not exist"),
        (".", "it is a directory; give a file name"),
        ("m.db/x.csv", "{tmp}/m.db is a file, not a directory"),
    ],
)
def test_export_to_a_path_that_cannot_be_written_is_a_usage_error(
    configured: tuple[Path, Path], tmp_path: Path, where: str, reason: str
) -> None:
    """Exit 2 naming the path and why (it was click's "Could not open file", exit 1: the code
    for a failed feed), whether or not there is anything to export."""
    config, db = configured
    connect(db).close()  # a database, nothing stored
    for polled in (False, True):
        if polled:
            invoke("poll", "--config", str(config), "--db", str(db))
        target = tmp_path / where
        code, out, err = invoke(
            "export", "--config", str(config), "--db", str(db), "-o", str(target)
        )
        assert code == 2 and out == ""
        assert err == f"monitor: cannot write {target}: {reason.format(tmp=tmp_path)}\n"


def test_a_relative_local_feed_path_names_where_it_was_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Relative paths are read from the current directory; from anywhere else (cron) the poll
    said only "local feed file ledger.xml does not exist"."""
    home = tmp_path / "monitor"
    home.mkdir()
    (home / "ledger.xml").write_bytes(rss(ITEMS, title="Ledger"))
    config = home / "feeds.yaml"
    config.write_text("feeds:\n  - url: ledger.xml\npoll:\n  parse_workers: 0\n", "utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, _, err = invoke("poll", "-q", "--config", str(config), "--db", str(tmp_path / "m.db"))
    assert code == 1
    assert (
        f"monitor: warning: feeds[0].url: ledger.xml is relative to the current directory, and "
        f"{elsewhere / 'ledger.xml'} does not exist; {home / 'ledger.xml'}, beside feeds.yaml, "
        "does: write that absolute path"
    ) in err
    code, _, err = invoke("feeds", "--config", str(config), "--db", str(tmp_path / "m.db"))
    assert code == 0 and str(elsewhere / "ledger.xml") in err
    code, out, _ = invoke(
        "feeds", "--format", "json", "--config", str(config), "--db", str(tmp_path / "m.db")
    )
    assert json.loads(out)[0]["error"] == (
        "local feed file ledger.xml does not exist "
        f"(relative to the current directory: {elsewhere / 'ledger.xml'})"
    )
    monkeypatch.chdir(home)
    code, _, err = invoke("poll", "--all", "--config", str(config), "--db", str(tmp_path / "m.db"))
    assert code == 0 and err == ""


def test_a_web_address_without_its_scheme_is_named_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """feeds.yaml's "www.example.com/feed" is a relative path (as the README says), and the
    warning and the poll's error told the user to write an absolute path."""
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "feeds:\n  - url: news.example.org/feed\npoll:\n  parse_workers: 0\n", "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(
        "poll", "--json", "--config", str(config), "--db", str(tmp_path / "m.db")
    )
    assert code == 1
    assert err.endswith(
        "does not exist; a web address needs its scheme: https://news.example.org/feed?\n"
    )
    assert json.loads(out)["feeds"][0]["error"].endswith(
        "; a web address needs its scheme: https://news.example.org/feed?"
    )


def opml_setup(tmp_path: Path, outlines: str, head: str = "") -> tuple[Path, Path]:
    """A feeds.yaml subscribed to https://one.example/rss (after `head`), and an OPML file
    whose body holds `outlines`."""
    config = tmp_path / "feeds.yaml"
    config.write_text(f"{head}feeds:\n  - url: https://one.example/rss\n", encoding="utf-8")
    opml = tmp_path / "subs.opml"
    opml.write_text(
        f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>',
        encoding="utf-8",
    )
    return config, opml


def test_opml_import_then_export(tmp_path: Path) -> None:
    config, opml = opml_setup(
        tmp_path,
        '<outline text="Folder"><outline type="rss" text="Two &amp; Co" '
        'xmlUrl="https://two.example/feed.xml"/></outline>'
        '<outline type="rss" text="One again" xmlUrl="https://one.example/rss"/>',
        head="# my feeds\n",
    )
    db = str(tmp_path / "m.db")
    code, out, err = invoke("opml", "import", str(opml), "--config", str(config), "--db", db)
    assert code == 0, err
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# my feeds") and "https://two.example/feed.xml" in text
    assert text.count("https://one.example/rss") == 1
    code, out, _ = invoke("opml", "export", "--config", str(config), "--db", db)
    assert code == 0 and "https://two.example/feed.xml" in out and "Two &amp; Co" in out
    # The options may also stand before the subcommand, or before `opml`.
    assert invoke("opml", "--config", str(config), "--db", db, "export")[1] == out
    assert invoke("--config", str(config), "opml", "--db", db, "export")[1] == out


def test_opml_import_of_garbage_changes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    original = "feeds:\n  - url: https://one.example/rss\n"
    config.write_text(original, encoding="utf-8")
    bad = tmp_path / "bad.opml"
    bad.write_text("<opml><body><outline", encoding="utf-8")
    code, _, err = invoke("opml", "import", str(bad), "--config", str(config))
    assert code == 2 and "bad.opml" in err
    assert config.read_text(encoding="utf-8") == original


def test_opml_import_into_a_feeds_yaml_that_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, opml = opml_setup(tmp_path, '<outline xmlUrl="https://two.example/feed.xml"/>')
    before = config.read_text(encoding="utf-8")

    def read_only(**_kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("monitor.subscribe.tempfile.mkstemp", read_only)
    code, _, err = invoke("opml", "import", str(opml), "--config", str(config))
    assert code == 2 and f"cannot write {config}: permission denied" in err
    assert config.read_text(encoding="utf-8") == before


def test_console_script_runs_without_textual_for_poll(configured: tuple[Path, Path]) -> None:
    config, db = configured
    env = {**os.environ, "MONITOR_CONFIG": str(config), "MONITOR_DB": str(db)}
    code = (
        "import sys; from monitor.cli import main; sys.argv=['monitor','poll','-q']\n"
        "try:\n    main()\nexcept SystemExit as e:\n"
        "    assert 'textual' not in sys.modules, 'poll imported textual'\n    raise\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr


def test_a_quiet_digest_prints_nothing_when_nothing_is_new(configured: tuple[Path, Path]) -> None:
    """`digest -q` from cron: an empty digest prints nothing, so no empty mail goes out."""
    config, db = configured
    assert invoke("poll", "-q", "--config", str(config), "--db", str(db))[0] == 0
    code, out, _ = invoke("digest", "-q", "--config", str(config), "--db", str(db))
    assert code == 0 and "Desk" in out
    assert invoke("digest", "-q", "--config", str(config), "--db", str(db)) == (0, "", "")
    code, out, _ = invoke("digest", "--config", str(config), "--db", str(db))
    assert code == 0 and out.startswith("Nothing new since")


def test_a_broken_feeds_yaml_does_not_stop_the_digest(
    configured: tuple[Path, Path], tmp_path: Path
) -> None:
    """The digest reads only the database; an edit that broke feeds.yaml stopped it (exit 2)."""
    config, db = configured
    assert invoke("poll", "-q", "--config", str(config), "--db", str(db))[0] == 0
    config.write_text("feeds:\n  - url: [\n", encoding="utf-8")
    code, out, _ = invoke("digest", "--config", str(config), "--db", str(db))
    assert code == 0 and "Desk" in out
    assert invoke("poll", "-q", "--config", str(config), "--db", str(db))[0] == 2


def test_export_and_digest_of_a_database_that_is_not_there_fail(
    configured: tuple[Path, Path], tmp_path: Path
) -> None:
    """A mistyped --db in a cron line made an empty database and printed "nothing new" for
    ever (exit 0)."""
    config, _db = configured
    typo = tmp_path / "monitr.db"
    for command in ("export", "digest"):
        code, out, err = invoke(command, "--config", str(config), "--db", str(typo))
        assert code == 4 and out == ""
        assert err == f"monitor: {typo}: no database yet; run `monitor poll` first\n"
    assert not typo.exists()


def test_opml_import_creates_a_missing_feeds_yaml_and_reads_file_urls(tmp_path: Path) -> None:
    """Moving over from another reader: importing into a feeds.yaml not there yet exited 2,
    and file:///… outlines were skipped."""
    local = tmp_path / "my feed.xml"
    local.write_text("<rss/>", encoding="utf-8")
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline type="rss" text="One" xmlUrl="https://one.example/rss"/>'
        f'<outline type="rss" text="Local" xmlUrl="file://{tmp_path}/my%20feed.xml"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    config = tmp_path / "new.yaml"
    code, out, err = invoke(
        "opml", "import", str(opml), "--config", str(config), "--db", str(tmp_path / "m.db")
    )
    assert code == 0, err
    assert out.startswith(f"Added 2 feeds to {config}")
    text = config.read_text(encoding="utf-8")
    assert "https://one.example/rss" in text and f"{local}" in text
    assert invoke("feeds", "--config", str(config), "--db", str(tmp_path / "m.db"))[0] == 0


def test_a_locale_that_is_not_utf8_prints_instead_of_crashing(tmp_path: Path) -> None:
    """Under LC_ALL=C with UTF-8 mode off (or a Latin-1 terminal) export, feeds and digest ended
    in a UnicodeEncodeError traceback with exit 1 ("a feed failed"). Export writes UTF-8 (its
    formats are UTF-8), the others print what cannot be shown as '?', the UI refuses to start."""
    feed = tmp_path / "odd.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Desk … ✎'
        "</title><item><title>Llama \U0001f999 lands … “quoted”</title>"
        "<link>https://u.example/1</link></item></channel></rss>",
        encoding="utf-8",
    )
    config = write_config(tmp_path / "feeds.yaml", [str(feed)])
    db = tmp_path / "m.db"
    assert invoke("poll", "-q", "--config", str(config), "--db", str(db))[0] == 0

    def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
        code = (
            "import sys; from monitor.cli import main; sys.argv=['monitor', *sys.argv[1:]]; main()"
        )
        return subprocess.run(
            [sys.executable, "-c", code, *args, "--config", str(config), "--db", str(db)],
            env={**os.environ, **env},
            capture_output=True,
            timeout=60,
        )

    ascii_env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
    done = run(ascii_env, "export")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.decode("utf-8"))["title"] == "Llama \U0001f999 lands … “quoted”"
    for args in (("feeds",), ("digest", "--since", "2d")):  # (undated backlog: a day old)
        done = run({"PYTHONIOENCODING": "latin-1"}, *args)
        assert done.returncode == 0 and b"Traceback" not in done.stderr, (args, done.stderr)
        assert b"Desk ? ?" in done.stdout or b"Llama ? lands" in done.stdout


def test_the_feeds_table_fits_the_terminal_by_columns_not_characters() -> None:
    """Wide characters overflowed an 80-column terminal, and an error line was allowed 60
    characters past its indent, so it wrapped mid-word."""
    from monitor.feedstatus import _cells, render_table

    row = {
        "title": "Harbor 日本のフィード 🚀 " * 4,
        "url": "https://harbor.example/feed",
        "status": "error",
        "stories": 0,
        "unread": 0,
        "last_ok": None,
        "next_check": None,
        "error": "the server answered with a web page that is not an RSS or Atom feed and "
        "names no feed of its own",
        "warning": None,
        "failed_checks": 3,
        "moved_to": None,
    }
    for width in (50, 80, 120):
        out = render_table([row], "2026-11-24T09:17:00Z", width=width)
        lines = out.splitlines()
        assert all(sum(map(_cells, line)) <= width for line in lines), (width, out)
        said = " ".join(line.strip() for line in lines[2:-1])
        assert row["error"] in said and "(3 failures in a row)" in said  # whole, in words


def test_opml_export_puts_feeds_in_folders_and_reads_back_the_same(tmp_path: Path) -> None:
    """Export wrote a flat list (Miniflux took it back without folders) and feeds.yaml titles
    as written, with their escape and bidi characters."""
    import xml.etree.ElementTree as ET

    from monitor.config import FeedConfig
    from monitor.opml import export_opml, read_opml

    feeds = [
        FeedConfig(
            url="https://a.example/f", title="Desk \x1b]0;owned\x07A\u202e", tags=["ai", "x"]
        ),
        FeedConfig(url="https://b.example/f", title="Wire", tags=["ai"]),
        FeedConfig(url="https://c.example/f", title="Loose"),
    ]
    text = export_opml(feeds)
    body = ET.fromstring(text).find("body")
    assert body is not None
    assert [(o.get("text"), o.get("xmlUrl")) for o in body] == [
        ("ai", None),
        ("Loose", "https://c.example/f"),
    ]
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    path = tmp_path / "out.opml"
    path.write_text(text, encoding="utf-8")
    assert [(o.url, o.title, o.categories) for o in read_opml(path)] == [
        ("https://a.example/f", "Desk A", ("ai", "x")),
        ("https://b.example/f", "Wire", ("ai",)),
        ("https://c.example/f", "Loose", ()),
    ]


def test_opml_import_gives_feeds_subscribed_already_the_files_folders(tmp_path: Path) -> None:
    """After a newsboat import, a reader's OPML with folders added nothing to the feeds it
    shared with the first: their folders were lost."""
    config, opml = opml_setup(
        tmp_path,
        '<outline text="Tech Press"><outline text="One" xmlUrl="https://one.example/rss/"/>'
        '<outline text="Two" xmlUrl="https://two.example/rss"/></outline>',
        head="# my feeds\n",
    )
    code, out, _ = invoke("opml", "import", str(opml), "--config", str(config))
    assert code == 0 and "1 of them given the file's folders as tags" in out, out
    from monitor.config import load_settings

    settings = load_settings(config)
    assert [(f.url, f.tags) for f in settings.feeds] == [
        ("https://one.example/rss", ["Tech-Press"]),
        ("https://two.example/rss", ["Tech-Press"]),
    ]
    assert config.read_text(encoding="utf-8").startswith("# my feeds\n")
    code, out, _ = invoke("opml", "import", str(opml), "--config", str(config))
    assert "Added 0 feeds" in out and "given" not in out  # nothing more to add


def test_the_feeds_table_says_warn_for_a_feed_read_with_a_warning() -> None:
    """`monitor poll` said "warn" for a feed with repaired bytes, and the table "ok"."""
    from monitor.feedstatus import render_table

    row = {
        "title": "Quay",
        "url": "https://quay.example/feed",
        "status": "ok",
        "stories": 2,
        "unread": 2,
        "last_ok": None,
        "next_check": None,
        "error": None,
        "warning": "not valid UTF-8: 1 bad byte sequence replaced by U+FFFD",
        "failed_checks": 0,
        "moved_to": None,
    }
    lines = render_table([row], width=120).splitlines()
    assert lines[1].startswith("warn ") and "replaced by U+FFFD" in lines[2]
    assert render_table([{**row, "warning": None}], width=120).splitlines()[1].startswith("ok ")
