"""Run the real `monitor` command in a child process and measure it: exit code, output, time, RSS.

The fault and crash suites need what only a separate process shows: the exit code cron sees,
the bytes that reach a terminal, peak memory (`ru_maxrss` from `wait4`, which includes the
parse workers the poll forks and reaps) and what a `kill -9` leaves behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

LAUNCH = "import sys; from monitor.cli import main; sys.argv[0] = 'monitor'; main()"


@dataclass
class Finished:
    code: int
    stdout: bytes
    stderr: bytes
    seconds: float
    peak_rss_mib: float

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")


def command(*args: str) -> list[str]:
    return [sys.executable, "-c", LAUNCH, *args]


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "200"}
    env.pop("MONITOR_CONFIG", None)
    env.pop("MONITOR_DB", None)
    return env


def start(
    args: Sequence[str],
    *,
    preexec: Callable[[], None] | None = None,
    stdout: int | None = subprocess.DEVNULL,
    stderr: int | None = subprocess.DEVNULL,
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command(*args), env=_env(), stdout=stdout, stderr=stderr, preexec_fn=preexec
    )


def run(
    *args: str,
    timeout: float = 120,
    preexec: Callable[[], None] | None = None,
    wrapper: Sequence[str] = (),
) -> Finished:
    """Run `monitor ARGS` to the end (killed after `timeout`) and report how it went.

    `wrapper` is a command line the monitor command is appended to (e.g. `unshare … sh -c …`).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(
            [*wrapper, *command(*args)],
            env=_env(),
            stdout=out,
            stderr=err,
            preexec_fn=preexec,
        )
        timer = threading.Timer(timeout, lambda: os.kill(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(
            code=proc.returncode,
            stdout=out.read(),
            stderr=err.read(),
            seconds=seconds,
            peak_rss_mib=usage.ru_maxrss / 1024,
        )
