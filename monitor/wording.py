"""Counted nouns for what the CLI prints: "1 feed", "2 feeds", "1 new story", "3 new stories"."""

from __future__ import annotations

_VOWELS = frozenset("aeiou")


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`count` followed by `noun` in the right number; `many` overrides the regular plural."""
    if count == 1:
        return f"{count} {noun}"
    if many is None:
        if noun.endswith("y") and noun[-2:-1] not in _VOWELS:
            many = noun[:-1] + "ies"
        else:
            many = noun + "s"
    return f"{count} {many}"
