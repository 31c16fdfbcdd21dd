"""Muting: a story whose headline matches a `mute:` term (of feeds.yaml, or of its feed's
entry) is not stored, as with Miniflux's block rules and newsboat's ignore-article.

Shaped so: muting decides when a story arrives (`store.store_entries` asks for each new story),
so a muted story never reaches tagging, grouping, claims, the UI, the digest or notifications,
and costs nothing later. Stories stored before a term was added stay. Terms are written as in
topic rules (`monitor.tagging.compile_term`: word, phrase, `prefix*`, `=Exact Case`,
`/regex/`), matched against the headline only: a summary that mentions the muted thing in
passing keeps its story.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from monitor.config import Settings
from monitor.parse import ParsedEntry

if TYPE_CHECKING:
    from monitor.tagging import CompiledTerm

Mute = Callable[[ParsedEntry], bool]
"""Whether a new story is muted."""


class Muter:
    """The compiled `mute:` terms: the whole file's, and each feed's (by its feeds.yaml URL)."""

    def __init__(self, settings: Settings) -> None:
        from monitor.tagging import compile_term

        everywhere = [compile_term(term) for term in settings.mute]
        self._by_feed: dict[str, list[CompiledTerm]] = {}
        for feed in settings.feeds:
            terms = everywhere + [compile_term(term) for term in feed.mute]
            if terms:
                self._by_feed[feed.url] = terms

    def for_feed(self, config_url: str) -> Mute | None:
        """The feed's test (None: nothing muted there)."""
        terms = self._by_feed.get(config_url)
        return None if not terms else _matcher(terms)


def _matcher(terms: list[CompiledTerm]) -> Mute:
    from monitor.tagging import title_matches

    def muted(entry: ParsedEntry) -> bool:
        return title_matches(terms, entry.title)

    return muted
