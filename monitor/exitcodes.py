"""Exit codes of every `monitor` command, documented in `--help` and the README.

cron and systemd act on these, so they are part of the interface: never reuse a number.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    """Everything fetched was fine."""
    FEED_FAILED = 1
    """At least one feed failed; the others were still stored."""
    USAGE = 2
    """Bad command line or invalid feeds.yaml; nothing was written."""
    LOCKED = 3
    """Another poll holds the lock; this one did nothing (and, with --quiet, printed nothing)."""
    DATABASE = 4
    """The database could not be opened or written (read-only, disk full, corrupt)."""
    INTERRUPTED = 130
    """Stopped by Ctrl-C (SIGINT), as shells report it; what was stored so far is kept."""
    OUTPUT_CLOSED = 141
    """The reader of the output went away (`monitor export | head`), as SIGPIPE is reported."""


EXIT_CODES_HELP = (
    "Exit codes: 0 all fetched feeds ok; 1 at least one feed failed (the others were stored); "
    "2 usage or config error; 3 another poll is running; 4 database error; 130 interrupted; "
    "141 the output was closed early."
)
