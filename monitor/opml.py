"""OPML import/export of subscriptions.

feeds.yaml stays the one place subscriptions live, so `import` appends entries to its `feeds:`
list as text (keeping the user's comments and layout), validates the result with the normal
loader, and replaces the file atomically only if it is valid. OPML is parsed with the standard
library after DOCTYPE declarations are removed (no entity expansion, no external entities).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

import yaml

from monitor.config import ConfigError, FeedConfig, settings_from_data
from monitor.parse import strip_doctype
from monitor.textclean import clean_line

MAX_OPML_BYTES = 5 * 1024 * 1024


class OpmlError(Exception):
    pass


def read_opml(path: Path) -> list[tuple[str, str | None]]:
    """(url, title) of every outline with an xmlUrl, in document order."""
    data = path.read_bytes()
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"{path}: larger than {MAX_OPML_BYTES // (1024 * 1024)} MiB")
    try:
        root = ET.fromstring(strip_doctype(data))
    except ET.ParseError as exc:
        raise OpmlError(f"{path}: not valid OPML/XML ({exc})") from None
    found: list[tuple[str, str | None]] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url:
            title = clean_line(outline.get("title") or outline.get("text") or "") or None
            found.append((clean_line(url), title))
    return found


def _entry_text(url: str, title: str | None, indent: str) -> str:
    text = f"{indent}- url: {json.dumps(url)}\n"
    if title:
        text += f"{indent}  title: {json.dumps(title, ensure_ascii=False)}\n"
    return text


def add_feeds_to_yaml(text: str, feeds: Sequence[tuple[str, str | None]]) -> str:
    """Return `text` with feed entries appended to its top-level `feeds:` list."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^feeds\s*:", line)), None)
    if start is None:
        block = "feeds:\n" + "".join(_entry_text(u, t, "  ") for u, t in feeds)
        return text + ("" if text.endswith("\n") or not text else "\n") + block
    if re.match(r"^feeds\s*:\s*\[\s*\]\s*(#.*)?$", lines[start].rstrip("\n")):
        lines[start] = "feeds:\n"
    end = len(lines)
    indent: str | None = None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        item = re.match(r"^(\s*)- ", line)
        if item and indent is None:
            indent = item.group(1)
        if line.strip() and not line[0].isspace() and not line.startswith(("#", "-")):
            end = i
            break
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    if end > 0 and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    addition = "".join(_entry_text(u, t, indent or "  ") for u, t in feeds)
    return "".join(lines[:end]) + addition + "".join(lines[end:])


def import_opml(opml_path: Path, config_path: Path) -> tuple[int, int]:
    """Append the OPML's feeds that are not yet in feeds.yaml. Returns (added, skipped)."""
    found = read_opml(opml_path)
    text = config_path.read_text(encoding="utf-8") if config_path.exists() else ""
    current = yaml.safe_load(text) or {}
    existing = {
        str(feed.get("url", "")).rstrip("/").lower()
        for feed in (current.get("feeds") or [])
        if isinstance(feed, dict)
    }
    new: list[tuple[str, str | None]] = []
    for url, title in found:
        key = url.rstrip("/").lower()
        if key not in existing:
            existing.add(key)
            new.append((url, title))
    if not new:
        return 0, len(found)
    candidate = add_feeds_to_yaml(text, new)
    try:
        settings_from_data(yaml.safe_load(candidate), str(config_path))
    except ConfigError as exc:
        raise OpmlError(f"{opml_path}: importing would make feeds.yaml invalid: {exc}") from None
    except yaml.YAMLError as exc:
        raise OpmlError(f"{opml_path}: could not merge into {config_path}: {exc}") from None
    fd, tmp = tempfile.mkstemp(dir=config_path.parent, prefix=".feeds-", suffix=".yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(candidate)
        os.replace(tmp, config_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(new), len(found) - len(new)


def export_opml(feeds: Sequence[FeedConfig]) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head><title>monitor subscriptions</title></head>",
        "  <body>",
    ]
    for feed in feeds:
        title = feed.title or feed.url
        out.append(
            f'    <outline type="rss" text={quoteattr(title)} title={quoteattr(title)} '
            f"xmlUrl={quoteattr(feed.url)}/>"
        )
    out += ["  </body>", "</opml>", ""]
    return "\n".join(out)
