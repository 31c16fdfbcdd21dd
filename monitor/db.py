"""Opening the SQLite database: pragmas, migrations, and the one write path.

SQLite is the single source of truth and is shared between a long-running TUI and cron polls,
so every connection uses WAL (readers never block the writer), a busy_timeout (short waits
instead of "database is locked"), and every write goes through `write()`, which takes the
write lock up front with `BEGIN IMMEDIATE` so a transaction never fails half-way on a lock
upgrade. Transactions are kept short: one per feed's batch.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from monitor.migrations import LATEST_VERSION, MIGRATIONS

BUSY_TIMEOUT_MS = 30_000
"""A write waits this long for another's lock: a poll groups stories in batches that hold it for
several seconds on a large database (up to ~10 s measured with 40k groups), and a `digest` or
`retag` run from cron next to it must wait that out rather than fail."""
JOURNAL_SIZE_LIMIT = 8 * 1024 * 1024


class DatabaseError(Exception):
    """The database cannot be opened or written; the message names the file and the cause."""


class DatabaseTooNew(DatabaseError):
    """The file was written by a newer monitor than this one."""


def connect(
    path: Path | str, *, readonly: bool = False, migrate: bool = True
) -> sqlite3.Connection:
    """Open `path` with the pragmas every connection needs, applying migrations unless readonly.

    The connection is in autocommit mode (`isolation_level=None`); use `write()` for writes.
    """
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"{path}: is a directory, not a database file")
    try:
        if readonly:
            conn = _connect_readonly(path)
        else:
            if path.parent and not path.parent.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise DatabaseError(f"{path}: could not switch to WAL mode (got {mode})")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
            if migrate:
                apply_migrations(conn)
        else:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > LATEST_VERSION:
                raise DatabaseTooNew(
                    f"{path}: schema version {version} is newer than this monitor "
                    f"({LATEST_VERSION}); upgrade monitor"
                )
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: {exc}{_why_not_writable(path, str(exc))}") from exc
    except OSError as exc:
        raise DatabaseError(f"{path}: {exc.strerror or exc}") from exc
    return conn


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection, also where the directory cannot be written (a database another
    user's cron writes): SQLite then cannot create the -shm file WAL readers share, and the
    file is opened as immutable, which is exact as long as no -wal file holds newer pages."""
    uri = f"file:{path}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA user_version").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise
    return sqlite3.connect(
        uri + "&immutable=1", uri=True, isolation_level=None, check_same_thread=False
    )


def _why_not_writable(path: Path, error: str) -> str:
    """A hint for SQLite's bare "unable to open database file" / "readonly database": which of
    the file and its directory cannot be written."""
    if "unable to open" not in error and "readonly" not in error:
        return ""
    directory = path.parent if str(path.parent) else Path(".")
    if not os.access(directory, os.W_OK | os.X_OK):
        return (
            f" (the directory {directory} is not writable: SQLite needs to create the "
            "database's -wal and -shm files beside it)"
        )
    if path.exists() and not os.access(path, os.W_OK):
        return " (the file is read-only)"
    return ""


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def apply_migrations(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date; returns the number of migrations applied."""
    current = schema_version(conn)
    if current > LATEST_VERSION:
        raise DatabaseTooNew(
            f"schema version {current} is newer than this monitor ({LATEST_VERSION}); "
            "upgrade monitor"
        )
    applied = 0
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        with write(conn):
            # Re-check under the write lock: another process may have migrated meanwhile.
            if schema_version(conn) >= migration.version:
                continue
            for statement in _split_sql(migration.sql):
                conn.execute(statement)
            if migration.python is not None:
                migration.python(conn)
            conn.execute(f"PRAGMA user_version = {migration.version}")
        applied += 1
    return applied


def _split_sql(sql: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole.

    `--` comments are dropped first (migrations hold no string literal containing `--`).
    """
    text = "".join(line.split("--", 1)[0] + "\n" for line in sql.splitlines())
    statements: list[str] = []
    buffer = ""
    for piece in text.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n;"):
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip(" \n;"):
        statements.append(buffer.strip())
    return statements


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One short write transaction: `BEGIN IMMEDIATE` … `COMMIT`, rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite rolls back by itself on some errors (a full disk)
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def checkpoint(conn: sqlite3.Connection) -> None:
    """Fold the WAL back into the database and truncate it (after a poll).

    TRUNCATE waits (through the busy handler) for readers on old snapshots, so the wait is cut
    to a moment: a TUI holding a snapshot must not stall a cron poll. Whatever stays in the WAL
    is folded in by the next checkpoint, and journal_size_limit trims the file meanwhile.
    """
    conn.execute("PRAGMA busy_timeout = 200")
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except sqlite3.OperationalError:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def data_version(conn: sqlite3.Connection) -> int:
    """Changes whenever another connection commits; the TUI polls it to notice cron's writes."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])
