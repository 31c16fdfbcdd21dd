"""Placeholder (issue 4 fills this in): assign stories to event groups and record claims."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.config import GroupingSettings


@dataclass
class GroupingResult:
    new_groups: int = 0
    updated_groups: int = 0
    new_claims: int = 0


def process_stories(
    conn: sqlite3.Connection, story_ids: Sequence[int], settings: GroupingSettings
) -> GroupingResult:
    """Group and extract claims for new/updated stories, inside the caller's write transaction."""
    return GroupingResult()
