"""Placeholder (issue 3 fills this in): apply topic rules to stored stories."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from monitor.topics import TopicsConfig


class Tagger:
    """Compiled topic rules."""

    def __init__(self, topics: TopicsConfig) -> None:
        self.topics = topics


def tag_stories(conn: sqlite3.Connection, story_ids: Sequence[int], tagger: Tagger) -> int:
    """Tag the given stories inside the caller's open write transaction; returns tags written."""
    return 0


def retag_all(conn: sqlite3.Connection, tagger: Tagger) -> int:
    """Re-apply the rules to every stored story in one transaction; returns stories tagged."""
    return 0
