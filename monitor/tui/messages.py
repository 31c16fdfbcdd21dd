"""Messages between workers, the app and its screens. Each names a fact that already happened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the poller (httpx, feedparser) loads on the first poll, not at start-up
    from monitor.poller import FeedResult, PollResult

CONFIG_BROKEN = "not polled, fix the config"
"""How the status line's message starts when feeds.yaml stopped the UI's polls."""


class DatabaseChanged(Message):
    """Someone (cron, our own poll, our own marks) committed to the database.

    Coalesced: a burst of changes queued behind one another causes a single refresh.
    """

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DatabaseChanged)


class PollStarted(Message):
    """A poll took the lock and found `due` feeds to fetch."""

    def __init__(self, due: int) -> None:
        super().__init__()
        self.due = due


class FeedFetched(Message):
    """One feed of the running poll was fetched and stored (or failed)."""

    def __init__(self, feed: FeedResult) -> None:
        super().__init__()
        self.feed = feed


class FeedsPolled(Message):
    """A poll finished; `result` says what it stored, `notify_error` why the notify command
    failed after it (None: it worked, or there was nothing to announce)."""

    def __init__(self, result: PollResult, notify_error: str | None = None) -> None:
        super().__init__()
        self.result = result
        self.notify_error = notify_error


class StoriesMarked(Message):
    """Read/starred/seen marks were written."""


class SparklineComputed(Message):
    """Stories per day for `tag` were counted (in a worker)."""

    def __init__(self, tag: str, per_day: tuple[int, ...]) -> None:
        super().__init__()
        self.tag = tag
        self.per_day = per_day


class PollStateChanged(Message):
    """The app's poll status (running, progress, next run, last error) changed."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PollStateChanged)


class FeedSubscribed(Message):
    """`url` was added to feeds.yaml (`title`: the feed's own, when it was checked), or was in
    it already (`already`: nothing changed)."""

    def __init__(self, url: str, title: str | None, *, already: bool = False) -> None:
        super().__init__()
        self.url = url
        self.title = title
        self.already = already


class FeedUnsubscribed(Message):
    """`url` was removed from feeds.yaml."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url


class SubscriptionFailed(Message):
    """No feed could be added at `address`; `error` says why."""

    def __init__(self, address: str, error: str) -> None:
        super().__init__()
        self.address = address
        self.error = error
