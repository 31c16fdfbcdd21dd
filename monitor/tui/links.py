"""Opening a story's link: http(s) only, handed to the browser as an argument, never a shell."""

from __future__ import annotations

import webbrowser
from urllib.parse import urlsplit

from monitor.urls import canonical_url


def openable(url: str | None) -> str | None:
    """`url` if it is a plain http(s) URL with a host and nothing that could confuse a command
    line (whitespace, control characters); else None."""
    if not url:
        return None
    # A stored link with spaces or letters of other scripts (stored before links were encoded)
    # opens as its encoded address.
    url = canonical_url(url.strip()) or url.strip()
    if any(ch.isspace() or ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def is_console_browser() -> bool:
    """True when the browser webbrowser would use runs in this terminal (lynx, w3m, …)."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    return isinstance(browser, webbrowser.GenericBrowser) and not isinstance(
        browser, webbrowser.BackgroundBrowser
    )


def open_in_browser(url: str) -> bool:
    """Open an already-checked URL. webbrowser runs the browser with an argument list."""
    checked = openable(url)
    if checked is None:
        return False
    try:
        return bool(webbrowser.open(checked, new=2))
    except webbrowser.Error:
        return False
