"""Run the user's notify command with the digest as JSON on stdin (after a poll found something).

The command is an argument list run without a shell, in its own session, so that on timeout the
whole process group is killed (a shell script's children too) and nothing is left holding our
pipes. Its stdout is discarded; the tail of its stderr is kept for the error message.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.config import NotifySettings

if TYPE_CHECKING:
    from monitor.config import Settings
    from monitor.poller import PollResult

STDERR_TAIL = 300


def notify_after_poll(settings: Settings, db_path: Path, result: PollResult) -> str | None:
    """After a poll that found new stories or claims, run the notify command with the digest of
    what that poll brought; a readable error, or None. Every poll calls this, `monitor poll` and
    the TUI's alike: a story the open TUI fetched first is never new to the next cron poll, so
    it would otherwise never be announced."""
    if not settings.notify.command or not (result.new_stories or result.new_claims):
        return None
    from monitor import db as dbmod
    from monitor import digest

    conn = dbmod.connect(db_path, migrate=False)
    try:
        report = digest.build(conn, since=result.started)
    finally:
        conn.close()
    if not (report.new_groups or report.updated_groups):
        # Only a new feed's backlog (dated before the poll), or more reports of what was known:
        # nothing to announce.
        return None
    return notify(settings.notify, digest.render(report, "json"))


def notify(settings: NotifySettings, payload: str) -> str | None:
    """Run `settings.command` with `payload` on stdin; a readable error, or None when it worked."""
    if not settings.command:
        return None
    name = settings.command[0]
    try:
        process = subprocess.Popen(
            settings.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except FileNotFoundError:
        return f"notify command not found: {name}"
    except PermissionError:
        return f"notify command is not executable: {name}"
    except OSError as exc:
        return f"notify command {name} could not start: {exc.strerror or exc}"
    try:
        _out, err = process.communicate(payload.encode("utf-8"), timeout=settings.timeout_seconds)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return f"notify command {name} was killed after {settings.timeout_seconds:g} s"
    if process.returncode != 0:
        detail = err.decode("utf-8", "replace").strip()[-STDERR_TAIL:]
        how = (
            f"was killed by signal {-process.returncode}"
            if process.returncode < 0
            else f"exited with status {process.returncode}"
        )
        return f"notify command {name} {how}" + (f": {detail}" if detail else "")
    return None


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    try:
        process.communicate(timeout=5)
    except subprocess.TimeoutExpired:  # a child escaped into its own session and kept our pipe
        pass
