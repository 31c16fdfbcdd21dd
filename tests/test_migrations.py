"""Schema migrations: a fresh file, an old database, a newer one, and a concurrent opener."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from monitor import migrations
from monitor.db import DatabaseTooNew, apply_migrations, connect, schema_version, write
from monitor.migrations import LATEST_VERSION, Migration


def test_fresh_database_gets_every_migration_and_wal(db_path: Path) -> None:
    conn = connect(db_path)
    assert schema_version(conn) == LATEST_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert int(conn.execute("PRAGMA busy_timeout").fetchone()[0]) > 0
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"feeds", "stories", "story_sources", "tombstones", "groups", "claims"} <= tables
    conn.close()


def test_reopening_applies_nothing(db_path: Path) -> None:
    connect(db_path).close()
    conn = connect(db_path, migrate=False)
    assert apply_migrations(conn) == 0
    conn.close()


def test_old_database_is_upgraded_and_keeps_its_rows(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = connect(db_path)
    with write(conn):
        conn.execute("INSERT INTO feeds (config_url, url) VALUES ('https://a.example/f', 'x')")
    conn.close()
    newer = Migration(
        LATEST_VERSION + 1,
        "test: a new column",
        "ALTER TABLE feeds ADD COLUMN note TEXT; -- added later\nCREATE INDEX feeds_note ON feeds(note);",
    )
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, newer])
    monkeypatch.setattr("monitor.db.MIGRATIONS", [*migrations.MIGRATIONS])
    monkeypatch.setattr("monitor.db.LATEST_VERSION", LATEST_VERSION + 1)
    conn = connect(db_path)
    assert schema_version(conn) == LATEST_VERSION + 1
    row = conn.execute("SELECT config_url, note FROM feeds").fetchone()
    assert row["config_url"] == "https://a.example/f" and row["note"] is None
    conn.close()


def test_failed_migration_leaves_the_old_version(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect(db_path).close()
    broken = Migration(
        LATEST_VERSION + 1, "test: broken", "CREATE TABLE t (a); SELECT * FROM nope;"
    )
    monkeypatch.setattr("monitor.db.MIGRATIONS", [*migrations.MIGRATIONS, broken])
    monkeypatch.setattr("monitor.db.LATEST_VERSION", LATEST_VERSION + 1)
    with pytest.raises(Exception, match="nope"):
        connect(db_path)
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name='t'").fetchone()[0] == 0
    raw.close()


def test_database_from_a_newer_monitor_is_refused(db_path: Path) -> None:
    connect(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    raw.close()
    with pytest.raises(DatabaseTooNew, match="newer than this monitor"):
        connect(db_path)
    with pytest.raises(DatabaseTooNew):
        connect(db_path, readonly=True)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(Exception, match=r"notes\.db"):
        connect(bogus)
    assert bogus.read_text().startswith("these are my notes")


def _database_at(version: int, path: Path, seed: str) -> None:
    """A database as a version before this one left it: migrations up to `version`, then the
    rows in `seed` (foreign keys off, as an old database may hold any)."""
    raw = sqlite3.connect(path)
    for migration in migrations.MIGRATIONS:
        if migration.version <= version:
            raw.executescript(migration.sql)
    raw.executescript(seed)
    raw.execute(f"PRAGMA user_version = {version}")
    raw.close()


def test_migration_6_clears_conflict_flags_with_no_disagreeing_report(db_path: Path) -> None:
    """Older versions could mark a claim conflicting with no report left on the other side."""
    _database_at(
        5,
        db_path,
        """
        INSERT INTO groups (id, title, first_seen, last_seen) VALUES (1, 'g', 't', 't');
        INSERT INTO feeds (id, config_url, url) VALUES (1, 'u', 'u');
        INSERT INTO stories (id, feed_id, first_seen, content_hash, group_id)
            VALUES (10, 1, 't', 'h', 1);
        INSERT INTO claims (id, group_id, key, text, first_seen, conflicting)
            VALUES (1, 1, 'a', 'orphan flag', 't', 1), (2, 1, 'b', 'real conflict', 't', 1),
                   (3, 1, 'c', 'agreed', 't', 0);
        INSERT INTO claim_appearances (claim_id, story_id, text, is_new, conflicting) VALUES
            (1, 10, 'first', 1, 1),
            (2, 10, 'first', 1, 1), (2, 11, 'disagrees', 0, 1),
            (3, 10, 'first', 1, 0), (3, 12, 'agrees', 0, 0);
        """,
    )
    conn = connect(db_path)
    assert schema_version(conn) == LATEST_VERSION
    flags = dict(conn.execute("SELECT id, conflicting FROM claims").fetchall())
    firsts = dict(
        conn.execute("SELECT claim_id, conflicting FROM claim_appearances WHERE is_new = 1")
    )
    conn.close()
    assert flags == {1: 0, 2: 1, 3: 0} and firsts == {1: 0, 2: 1, 3: 0}


def test_migration_7_removes_groups_retention_emptied_and_recounts(db_path: Path) -> None:
    _database_at(
        6,
        db_path,
        """
        INSERT INTO feeds (id, config_url, url) VALUES (1, 'u', 'u');
        INSERT INTO groups (id, title, first_seen, last_seen, story_count, claim_count)
            VALUES (1, 'emptied', 't', 't', 1, 1), (2, 'kept', 't', 't', 2, 0);
        INSERT INTO stories (id, feed_id, first_seen, content_hash, group_id)
            VALUES (10, 1, 't', 'h', 2);
        INSERT INTO story_sources (feed_id, key, story_id, first_seen) VALUES (1, 'k', 10, 't');
        INSERT INTO claims (id, group_id, key, text, first_seen) VALUES (1, 1, 'a', 'gone', 't');
        """,
    )
    conn = connect(db_path)
    groups = conn.execute("SELECT id, story_count, source_count FROM groups").fetchall()
    claims = conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    conn.close()
    assert [tuple(g) for g in groups] == [(2, 1, 1)] and claims == 0


def test_migration_16_encodes_stored_links(db_path: Path) -> None:
    """Links stored before percent-encoding were printed with their spaces in the text digest
    and the export (a mail cuts them there); a Bing redirect stays the article it names."""
    _database_at(
        15,
        db_path,
        """
        INSERT INTO feeds (id, config_url, url) VALUES (1, 'u', 'u');
        INSERT INTO stories (id, feed_id, first_seen, content_hash, url) VALUES
            (1, 1, 't', 'h', 'https://quay.example/quill mark.html'),
            (2, 1, 't', 'h', 'http://www.bing.com/news/apiclick.aspx?tid=1&url=https%3a%2f%2fo.example%2fa'),
            (3, 1, 't', 'h', 'https://quay.example/plain'),
            (4, 1, 't', 'h', NULL);
        """,
    )
    conn = connect(db_path)
    assert schema_version(conn) == LATEST_VERSION
    urls = [row[0] for row in conn.execute("SELECT url FROM stories ORDER BY id")]
    conn.close()
    assert urls == [
        "https://quay.example/quill%20mark.html",
        "https://o.example/a",
        "https://quay.example/plain",
        None,
    ]


def test_every_reference_to_a_story_is_indexed(db_path: Path) -> None:
    """Deleting a story (retention) looks up every row that refers to it; claims.first_story_id
    had no index, so each deletion read the whole claims table (9,000 expired stories of a
    90,000-claim database: 135 s, the write lock held all along)."""
    conn = connect(db_path)
    try:
        tables = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            leading = {
                conn.execute(f"PRAGMA index_info('{index[1]}')").fetchone()[2]
                for index in conn.execute(f"PRAGMA index_list('{table}')")
            }
            primary = [
                row[1] for row in conn.execute(f"PRAGMA table_info('{table}')") if row[5] == 1
            ]
            leading.update(primary)
            for ref in conn.execute(f"PRAGMA foreign_key_list('{table}')"):
                if ref[2] == "stories":
                    assert ref[3] in leading, f"{table}.{ref[3]} has no index"
    finally:
        conn.close()
