"""Versioned schema migrations, applied in order at start-up.

Each migration is a block of SQL (and, where SQL cannot do the work, a Python step) run inside
one `BEGIN IMMEDIATE` transaction together with the bump of `PRAGMA user_version`, so a crash mid-migration leaves the old version intact and the
next start simply runs it again. Append new migrations; never edit a released one.

The tables are documented in README.md ("Database schema"); keep the two in step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str
    # Work SQL cannot do, run after `sql` in the same transaction.
    python: Callable[[sqlite3.Connection], None] | None = None


def _encode_story_links(conn: sqlite3.Connection) -> None:
    """Stored links in the form `urls.canonical_url` gives them since 2026-11-24
    (percent-encoded; a Bing News redirect as the article it names): the digest and the export
    printed old links with their spaces, which a mail cuts."""
    from monitor.urls import canonical_url

    changed = []
    for story_id, url in conn.execute("SELECT id, url FROM stories WHERE url IS NOT NULL"):
        new = canonical_url(url)
        if new and new != url:
            changed.append((new, story_id))
    conn.executemany("UPDATE stories SET url = ? WHERE id = ?", changed)


MIGRATIONS: list[Migration] = [
    Migration(
        1,
        "feeds, stories, sources, tombstones, tags, groups, claims, FTS",
        """
        CREATE TABLE feeds (
            id            INTEGER PRIMARY KEY,
            config_url    TEXT NOT NULL UNIQUE,   -- the url as written in feeds.yaml
            url           TEXT NOT NULL,          -- where we fetch now (after 301/308)
            title         TEXT,                   -- from feeds.yaml, else from the feed
            site_url      TEXT,                   -- the feed's own <link>
            tags          TEXT NOT NULL DEFAULT '[]', -- JSON list, per-feed tags from feeds.yaml
            active        INTEGER NOT NULL DEFAULT 1, -- 0 when removed from feeds.yaml
            status        TEXT NOT NULL DEFAULT 'new', -- new|ok|error|gone
            last_error    TEXT,                   -- readable sentence, NULL when ok
            error_count   INTEGER NOT NULL DEFAULT 0, -- consecutive failures (drives backoff)
            parse_warning TEXT,                   -- feed was malformed but entries were recovered
            moved_to      TEXT,                   -- new url reported by a permanent redirect
            etag          TEXT,
            last_modified TEXT,
            body_hash     TEXT,                   -- sha256 of the last parsed body
            last_checked  TEXT,                   -- ISO 8601 UTC
            last_ok       TEXT,
            next_check    TEXT,                   -- NULL = due now
            retry_after   TEXT                    -- server's Retry-After: not before this, even with --all
        );

        CREATE TABLE stories (
            id           INTEGER PRIMARY KEY,
            feed_id      INTEGER NOT NULL REFERENCES feeds(id), -- the feed it first came from
            url          TEXT,                    -- canonical link (tracking params stripped)
            title        TEXT NOT NULL DEFAULT '',
            summary      TEXT NOT NULL DEFAULT '', -- plain text
            content      TEXT NOT NULL DEFAULT '', -- plain text
            author       TEXT,
            published    TEXT,                    -- ISO 8601 UTC, NULL if the feed gave none
            first_seen   TEXT NOT NULL,           -- when we first stored it
            updated_at   TEXT,                    -- when its content last changed
            content_hash TEXT NOT NULL,
            is_updated   INTEGER NOT NULL DEFAULT 0, -- content changed since first seen
            read         INTEGER NOT NULL DEFAULT 0,
            starred      INTEGER NOT NULL DEFAULT 0,
            group_id     INTEGER REFERENCES groups(id)
        );
        CREATE INDEX stories_url ON stories(url);
        CREATE INDEX stories_first_seen ON stories(first_seen);
        CREATE INDEX stories_group ON stories(group_id);
        CREATE INDEX stories_feed ON stories(feed_id);

        -- Every (feed, per-feed key) under which a story was seen: one story may be seen
        -- through several feeds (same canonical link).
        CREATE TABLE story_sources (
            feed_id    INTEGER NOT NULL REFERENCES feeds(id),
            key        TEXT NOT NULL,             -- guid, else link, else content hash
            story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            first_seen TEXT NOT NULL,
            PRIMARY KEY (feed_id, key)
        ) WITHOUT ROWID;
        CREATE INDEX story_sources_story ON story_sources(story_id);

        -- Stories removed by retention (or by the user) never come back as new.
        CREATE TABLE tombstones (
            feed_id    INTEGER NOT NULL,
            key        TEXT NOT NULL,
            url        TEXT,
            deleted_at TEXT NOT NULL,
            PRIMARY KEY (feed_id, key)
        ) WITHOUT ROWID;
        CREATE INDEX tombstones_url ON tombstones(url);

        CREATE TABLE story_tags (
            story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            tag      TEXT NOT NULL,
            rule     TEXT NOT NULL,               -- which rule fired
            matched  TEXT NOT NULL DEFAULT '[]',  -- JSON list of the words that matched
            PRIMARY KEY (story_id, tag)
        ) WITHOUT ROWID;
        CREATE INDEX story_tags_tag ON story_tags(tag, story_id);

        CREATE TABLE groups (
            id           INTEGER PRIMARY KEY,
            title        TEXT NOT NULL,           -- most representative headline
            first_seen   TEXT NOT NULL,
            last_seen    TEXT NOT NULL,           -- last time a story joined (activity order)
            story_count  INTEGER NOT NULL DEFAULT 0,
            source_count INTEGER NOT NULL DEFAULT 0, -- distinct feeds
            tags         TEXT NOT NULL DEFAULT '[]', -- JSON list, union of its stories' tags
            claim_count  INTEGER NOT NULL DEFAULT 0,
            new_claims   INTEGER NOT NULL DEFAULT 0, -- claims first seen since the user last looked
            seen         INTEGER NOT NULL DEFAULT 0  -- 0 = unseen activity for the reader
        );
        CREATE INDEX groups_last_seen ON groups(last_seen);

        CREATE TABLE claims (
            id              INTEGER PRIMARY KEY,
            group_id        INTEGER REFERENCES groups(id),
            key             TEXT NOT NULL,        -- normalised form used for matching
            text            TEXT NOT NULL,        -- wording of the first appearance
            first_story_id  INTEGER REFERENCES stories(id) ON DELETE SET NULL,
            first_seen      TEXT NOT NULL,        -- schema.org firstAppearance
            conflicting     INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX claims_group ON claims(group_id);
        CREATE INDEX claims_key ON claims(key);

        CREATE TABLE claim_appearances (
            claim_id    INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            story_id    INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            text        TEXT NOT NULL,            -- wording in this story
            is_new      INTEGER NOT NULL,         -- 1 for the first appearance
            conflicting INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (claim_id, story_id)
        ) WITHOUT ROWID;
        CREATE INDEX claim_appearances_story ON claim_appearances(story_id);

        -- Small key/value state: last digest time, last poll summary.
        CREATE TABLE state (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE VIRTUAL TABLE stories_fts USING fts5(
            title, summary, content='stories', content_rowid='id', tokenize='unicode61'
        );
        CREATE TRIGGER stories_fts_ai AFTER INSERT ON stories BEGIN
            INSERT INTO stories_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary);
        END;
        CREATE TRIGGER stories_fts_ad AFTER DELETE ON stories BEGIN
            INSERT INTO stories_fts(stories_fts, rowid, title, summary)
                VALUES ('delete', old.id, old.title, old.summary);
        END;
        CREATE TRIGGER stories_fts_au AFTER UPDATE OF title, summary ON stories BEGIN
            INSERT INTO stories_fts(stories_fts, rowid, title, summary)
                VALUES ('delete', old.id, old.title, old.summary);
            INSERT INTO stories_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary);
        END;
        """,
    ),
    Migration(
        2,
        "grouping index: per-story features, rare-term postings, document frequencies",
        """
        -- What grouping knows about each story: its event-time interval and weighted terms.
        CREATE TABLE group_features (
            story_id INTEGER PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
            t_lo     REAL NOT NULL,               -- event time interval, unix seconds
            t_hi     REAL NOT NULL,               -- (published, else first_seen; a day/month
                                                  --  when only the date is known)
            terms    TEXT NOT NULL                -- "term weight term weight ..." (title+summary)
        );

        -- Inverted index: term -> stories, ordered by time, so candidates for a new story are
        -- read from a few short time-bounded ranges and never from the whole table.
        CREATE TABLE group_postings (
            term     TEXT NOT NULL,
            t_lo     REAL NOT NULL,
            story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            PRIMARY KEY (term, t_lo, story_id)
        ) WITHOUT ROWID;
        CREATE INDEX group_postings_story ON group_postings(story_id);

        -- Document frequency of each term over all stories ever grouped ('' holds the count).
        CREATE TABLE group_df (
            term TEXT PRIMARY KEY,
            df   INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- A story seen again through another feed is not grouped again (it is the same story),
        -- but its group now has one more source.
        CREATE TRIGGER story_sources_group_ai AFTER INSERT ON story_sources BEGIN
            UPDATE groups SET source_count = (
                SELECT COUNT(DISTINCT src.feed_id) FROM story_sources src
                JOIN stories s ON s.id = src.story_id WHERE s.group_id = groups.id
            ) WHERE id = (SELECT group_id FROM stories WHERE id = new.story_id);
        END;

        -- The digest reads "new since": groups and claims by first appearance.
        CREATE INDEX groups_first_seen ON groups(first_seen);
        CREATE INDEX claims_first_seen ON claims(first_seen);
        """,
    ),
    Migration(
        3,
        "pending_stories: stored stories still to be tagged, grouped and claimed",
        """
        -- A poll stores each feed's stories at once and tags/groups/claims them in larger
        -- batches afterwards; a story waits here in between, so a poll killed in the middle
        -- leaves nothing half-done: the next poll finishes the work.
        CREATE TABLE pending_stories (
            story_id INTEGER PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE
        );
        INSERT INTO pending_stories (story_id) SELECT id FROM stories WHERE group_id IS NULL;
        """,
    ),
    Migration(
        4,
        "group_features.names: what a story names, for grouping",
        """
        -- Terms of the people, organisations, products and figures a story names; two stories
        -- that name nothing in common are not grouped. '' for stories grouped before this
        -- column existed (the rule is then not applied to them).
        ALTER TABLE group_features ADD COLUMN names TEXT NOT NULL DEFAULT '';
        """,
    ),
    Migration(
        5,
        "story_sources.content_hash: each feed's own version of a shared story",
        """
        -- The hash of the text this feed last gave for the story. A story carried by two feeds
        -- in different words is updated only when one feed's own text changes, not on every
        -- poll of either (comparing with the story's hash flipped it between the versions).
        -- NULL until the feed's next poll records it (that poll does not count as a change).
        ALTER TABLE story_sources ADD COLUMN content_hash TEXT;
        """,
    ),
    Migration(
        6,
        "claims.conflicting repaired: set exactly when a stored report disagrees",
        """
        -- Before this version a claim could be marked conflicting with no report left on the
        -- other side (see GroupClaims._settle, which keeps this true from now on). Data only.
        UPDATE claims SET conflicting = EXISTS (
            SELECT 1 FROM claim_appearances a
            WHERE a.claim_id = claims.id AND a.is_new = 0 AND a.conflicting = 1
        );
        UPDATE claim_appearances SET conflicting = (
            SELECT c.conflicting FROM claims c WHERE c.id = claim_appearances.claim_id
        ) WHERE is_new = 1;
        """,
    ),
    Migration(
        7,
        "groups emptied by retention removed, the others recounted",
        """
        -- Before this version retention deleted stories but left their groups: empty ones
        -- listed with "1 story", others over-counted (store.apply_retention now recounts).
        DELETE FROM claims WHERE group_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM stories s WHERE s.group_id = claims.group_id
        );
        DELETE FROM groups WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.group_id = groups.id);
        UPDATE groups SET
            story_count = (SELECT COUNT(*) FROM stories WHERE group_id = groups.id),
            source_count = (SELECT COUNT(DISTINCT src.feed_id) FROM story_sources src
                            JOIN stories s ON s.id = src.story_id WHERE s.group_id = groups.id),
            claim_count = (SELECT COUNT(*) FROM claims WHERE group_id = groups.id);
        """,
    ),
    Migration(
        8,
        "feeds.failed_checks: every failed fetch in a row, retries by hand included",
        """
        -- error_count is the backoff step: a fetch forced before the backoff ran out (poll
        -- --all, the TUI's r) does not raise it. Users read "error (2 in a row)" after six
        -- failed tries, so what is shown counts every try; error_count still drives backoff.
        ALTER TABLE feeds ADD COLUMN failed_checks INTEGER NOT NULL DEFAULT 0;
        UPDATE feeds SET failed_checks = error_count;
        """,
    ),
    Migration(
        9,
        "claim_corrections: a story edited to state another figure than before",
        """
        -- Written by claims.GroupClaims when a story's new text states a claim with another
        -- figure than its earlier text did (or now agrees where it disagreed): the reader
        -- sees "was … / now …" instead of a claim that silently changed.
        CREATE TABLE claim_corrections (
            id       INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            was      TEXT NOT NULL,   -- the story's earlier wording
            now      TEXT NOT NULL,   -- its wording after the edit
            noticed  TEXT NOT NULL,   -- when a poll saw the edit (ISO 8601 UTC)
            UNIQUE (story_id, was, now)
        );
        """,
    ),
    Migration(
        10,
        "story_sources_first_seen: arrival times, now that a new feed's backlog is dated by "
        "publication",
        """
        -- stories.first_seen of a feed's first fetch is the item's publication time (see
        -- store.store_entries); when a story really arrived is its sources' first_seen, which
        -- retention and "stories added since" read.
        CREATE INDEX story_sources_first_seen ON story_sources(first_seen);
        """,
    ),
    Migration(
        11,
        "groups.title_stories: a group's headline is chosen again only when the group doubled",
        """
        -- The headline went back and forth between two members as reports came in, and a
        -- reader lost the row they were following. 0: not chosen yet (chosen at the next
        -- refresh).
        ALTER TABLE groups ADD COLUMN title_stories INTEGER NOT NULL DEFAULT 0;
        """,
    ),
    Migration(
        12,
        "outlet: who published a story a news search carries",
        """
        -- A news search's item names the outlet that published it (<source>): a story is
        -- credited to it rather than to the search feed, and counted as its own source (five
        -- outlets through one search feed were "1 src"). NULL: the feed is the outlet.
        ALTER TABLE stories ADD COLUMN outlet TEXT;
        ALTER TABLE story_sources ADD COLUMN outlet TEXT;
        -- "does any story name its outlet?", asked by every page of the list, in a moment
        CREATE INDEX story_sources_outlet ON story_sources(outlet) WHERE outlet IS NOT NULL;
        """,
    ),
    Migration(
        13,
        "feeds.own_title: the feed's own name, besides the one feeds.yaml gives it",
        """
        -- A feed that names itself in its headlines ("Brindle Wire: …") under another title in
        -- feeds.yaml gave its groups that prefix: only the feeds.yaml name was left out.
        ALTER TABLE feeds ADD COLUMN own_title TEXT;
        """,
    ),
    Migration(
        14,
        "news searches' recent items, by arrival: where an outlet's own item finds its twin",
        """
        -- store._Twins reads the last days' news-search items for each feed a poll stores; by
        -- first_seen alone that read every story of those days, for every feed.
        CREATE INDEX story_sources_outlet_seen ON story_sources(first_seen)
            WHERE outlet IS NOT NULL;
        """,
    ),
    Migration(
        15,
        "claims_first_story: deleting a story finds the claims it first stated by index",
        """
        -- claims.first_story_id is set to NULL when its story goes (ON DELETE SET NULL), and
        -- without an index each deleted story read the whole claims table: a poll whose
        -- retention removed 9,000 stories of a 90,000-claim database took 135 s, holding the
        -- write lock (the UI's star and read marks failed with "database is locked").
        CREATE INDEX claims_first_story ON claims(first_story_id);
        """,
    ),
    Migration(
        16,
        "stories.url percent-encoded, news-search redirects read (urls.canonical_url)",
        "",
        _encode_story_links,
    ),
]


LATEST_VERSION = MIGRATIONS[-1].version
