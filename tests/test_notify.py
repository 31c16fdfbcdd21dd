"""The notify command: gets the digest as JSON on stdin after a poll that found something, and a
slow, missing or failing command is reported in one line, never hangs the poll."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import NotifySettings
from monitor.notify import notify
from tests.feedserver import FeedServer, Route, rss


def settings(*command: str, timeout: float = 10) -> NotifySettings:
    return NotifySettings(command=list(command), timeout_seconds=timeout)


def test_payload_arrives_on_stdin(tmp_path: Path) -> None:
    out = tmp_path / "got.json"
    script = f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())"
    assert notify(settings(sys.executable, "-c", script), '{"x": 1}') is None
    assert json.loads(out.read_text()) == {"x": 1}


def test_no_command_does_nothing() -> None:
    assert notify(NotifySettings(), "{}") is None


def test_missing_command_is_reported() -> None:
    error = notify(settings("/nonexistent/notifier"), "{}")
    assert error == "notify command not found: /nonexistent/notifier"


def test_failing_command_reports_status_and_stderr() -> None:
    script = "import sys; sys.stderr.write('smtp refused'); sys.exit(3)"
    error = notify(settings(sys.executable, "-c", script), "{}")
    assert error is not None and "status 3" in error and "smtp refused" in error


def test_slow_command_and_its_children_are_killed() -> None:
    started = time.monotonic()
    error = notify(settings("sh", "-c", "sleep 30 & sleep 30", timeout=0.5), "{}")
    assert error is not None and "killed after 0.5 s" in error
    assert time.monotonic() - started < 10


def test_command_that_ignores_stdin_is_fine() -> None:
    assert notify(settings("true"), "x" * 1_000_000) is None


def test_poll_runs_notify_only_when_something_was_found(server: FeedServer, tmp_path: Path) -> None:
    """A new feed's backlog (dated by publication, before the poll) is not announced; what the
    feed brings later is, once."""
    backlog = {
        "title": "Harbour Lab opens a depot in Tallin Bay",
        "link": "https://a.example/depot",
        "guid": "a0",
        "pubDate": "Thu, 12 Jun 2025 20:00:00 GMT",
    }
    news = {
        "title": "Meta invests $14.3 billion in Scale AI",
        "link": "https://a.example/scale",
        "guid": "a1",
        "pubDate": "Thu, 12 Jun 2025 21:00:00 GMT",
    }
    undated = {
        "title": "Harbour Lab hires Ida Brenner to run its depot",
        "link": "https://a.example/brenner",
        "guid": "a2",
    }  # an undated item of the backlog had been announced as news
    server.routes["/a.xml"] = Route(body=rss([backlog, undated]))
    out = tmp_path / "notified.json"
    script = tmp_path / "notifier.py"
    script.write_text(
        f"import sys\nopen({str(out)!r}, 'a').write(sys.stdin.read())\n", encoding="utf-8"
    )
    config = tmp_path / "feeds.yaml"
    config.write_text(
        f"feeds:\n  - url: {server.url('/a.xml')}\npoll:\n  parse_workers: 0\n"
        f"notify:\n  command: [{json.dumps(sys.executable)}, {json.dumps(str(script))}]\n",
        encoding="utf-8",
    )
    db = tmp_path / "m.db"
    runner = CliRunner()
    first = runner.invoke(cli, ["poll", "--config", str(config), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert not out.exists()
    server.routes["/a.xml"] = Route(body=rss([news, backlog, undated]))
    second = runner.invoke(cli, ["poll", "--all", "--config", str(config), "--db", str(db)])
    assert second.exit_code == 0, second.output
    payload = json.loads(out.read_text())
    assert [g["title"] for g in payload["new_groups"]] == ["Meta invests $14.3 billion in Scale AI"]
    assert payload["updated_groups"] == []
    out.unlink()
    again = runner.invoke(cli, ["poll", "--all", "--config", str(config), "--db", str(db)])
    assert again.exit_code == 0
    assert not out.exists()  # nothing new: no notification
    # Another report of the same news: a new story, but nothing to announce (the command got a
    # digest listing no group, only "1 other group got more coverage").
    repeat = {**news, "link": "https://a.example/scale-2", "guid": "a3"}
    repeat["title"] = "Meta puts $14.3 billion into Scale AI"
    server.routes["/a.xml"] = Route(body=rss([repeat, news, backlog, undated]))
    time.sleep(1.05)  # (a poll's digest starts at its start, to the second)
    more = runner.invoke(cli, ["poll", "--all", "--config", str(config), "--db", str(db)])
    assert more.exit_code == 0 and "1 new story" in more.output, more.output
    assert not out.exists(), out.read_text()


def test_failing_notify_does_not_change_the_poll_exit_code(
    server: FeedServer, tmp_path: Path
) -> None:
    server.routes["/a.xml"] = Route(body=rss([]))
    config = tmp_path / "feeds.yaml"
    config.write_text(
        f"feeds:\n  - url: {server.url('/a.xml')}\npoll:\n  parse_workers: 0\n"
        "notify:\n  command: [/nonexistent/notifier]\n",
        encoding="utf-8",
    )
    options = ["--config", str(config), "--db", str(tmp_path / "m.db")]
    assert CliRunner().invoke(cli, ["poll", *options]).exit_code == 0  # (a first fetch: backlog)
    server.routes["/a.xml"] = Route(body=rss([{"title": "Meta hires a researcher", "guid": "1"}]))
    result = CliRunner().invoke(cli, ["poll", "--all", *options])
    assert result.exit_code == 0
    assert "notify command failed: notify command not found" in result.output
