"""Run the user's notify command with the digest as JSON on stdin (after a poll found something).

The command is an argument list run without a shell, in its own session, so that on timeout the
whole process group is killed (a shell script's children too) and nothing is left holding our
pipes. Its stdout is discarded; the tail of its stderr is kept for the error message.
"""

from __future__ import annotations

import os
import signal
import subprocess

from monitor.config import NotifySettings

STDERR_TAIL = 300


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
