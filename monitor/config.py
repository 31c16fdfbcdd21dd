"""feeds.yaml: one typed settings object, every field documented, loaded once and passed in.

A config error must never reach the database: `load_settings` either returns a valid
`Settings` or raises `ConfigError`, whose message names the file, the field path and the
problem in one line, so the CLI can print it and exit 2 before anything is opened.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin
from urllib.parse import SplitResult, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitor.topics import TopicsConfig, check_term, is_tag_name
from monitor.wording import plural

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "feeds.yaml"
DEFAULT_DB = REPO_ROOT / "db" / "monitor.db"


MAX_REPORTED_ERRORS = 5


class ConfigError(Exception):
    """feeds.yaml is unreadable or invalid. `str()` is the one-line message for the user."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _StrictTypes(_Strict):
    """Settings whose values are numbers and switches: no coercion, so `retention_days: yes`
    (YAML's true) is an error instead of 1 day, and `"30"` must be written as 30."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def address_key(url: str) -> str:
    """What makes two addresses one subscription: scheme and host without case and a trailing
    slash ignored (the path and query keep their case: `?channel_id=UCab` is not `UCAB`); a local
    path made absolute."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1": reported as a bad URL by the url check
        return url.rstrip("/").lower()
    if parts.scheme.lower() in ("http", "https"):
        path = parts.path.rstrip("/")
        query = f"?{parts.query}" if parts.query else ""
        return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"
    return str(Path(url).expanduser().absolute()).rstrip("/")


def _check_feed_url(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError(f"{value!r} contains a control character (a line break?)")
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.hostname:
            raise ValueError(f"{value!r} has no host name")
        if any(ch.isspace() for ch in parts.netloc):
            raise ValueError(f"{value!r}: the host name contains a space")
        if any(ch.isspace() for ch in value):
            raise ValueError(
                f"{value!r} contains a space (a line of newsboat's urls file? its tags go under "
                'tags: and a "~title" under title:; a space in an address is written %20)'
            )
        _check_port(parts, repr(value))
        return value
    if scheme == "file":
        raise ValueError(
            f"{value!r}: file:// URLs are not accepted; write a plain local path instead"
        )
    if scheme and len(scheme) > 1:  # a one-letter "scheme" is a Windows drive letter
        raise ValueError(f"{value!r}: only http, https or a local file path are allowed")
    if any(ch.isspace() for ch in value) and not Path(value).exists():
        raise ValueError(f"{value!r} is neither a URL nor an existing file path")
    return value


def check_mute_terms(terms: list[str]) -> list[str]:
    """`mute:` terms as topic rules write them; `@lists` belong to topics, not here."""
    for term in terms:
        if term.strip().startswith("@"):
            raise ValueError(f"{term!r}: lists (@name) are for topic rules; write the terms here")
        problem = check_term(term)
        if problem is not None:
            raise ValueError(problem)
    return terms


def check_proxy(value: str) -> str:
    """A proxy URL as `poll.proxy` or a *_PROXY variable may give it, or `none`. Messages hide
    a password written in it."""
    value = value.strip()
    if value.lower() == "none":
        return "none"
    parts = urlsplit(value)
    shown = repr(value.replace(f":{parts.password}@", ":***@") if parts.password else value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{shown}: only http://host:port or https://host:port proxies are used")
    _check_port(parts, shown)
    return value


def _check_port(parts: SplitResult, shown: str) -> None:
    """urllib checks a URL's port only when it is read: a port past 65535 or not a number."""
    try:
        parts.port  # noqa: B018
    except ValueError:
        raise ValueError(f"{shown}: the port must be a number from 0 to 65535") from None


class FeedConfig(_Strict):
    """One subscription."""

    url: str
    """http(s) URL of an RSS/Atom feed, or a local file path (for generated feeds); a relative
    path is read from the current directory, as written (it is also the feed's identity)."""
    title: str | None = None
    """Name shown in the UI; defaults to the feed's own title."""
    tags: list[str] = Field(default_factory=list)
    """Tags given to every story of this feed (also usable in topic rules as `feed_tags`)."""
    mute: list[str] = Field(default_factory=list)
    """Terms (as in topic rules) whose match in a headline keeps that story of this feed out
    (added to the top-level `mute:`)."""

    @field_validator("mute")
    @classmethod
    def _check_mute(cls, value: list[str]) -> list[str]:
        return check_mute_terms(value)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return _check_feed_url(value)

    @field_validator("tags")
    @classmethod
    def _check_tags(cls, value: list[str]) -> list[str]:
        for tag in value:
            if not is_tag_name(tag):
                raise ValueError(
                    f"{tag!r}: a tag is letters, digits, '_', '-' or '.', starting with a letter, digit or '_'"
                )
        return value

    def is_local(self) -> bool:
        return urlsplit(self.url).scheme.lower() not in ("http", "https")


class PollSettings(_StrictTypes):
    """How feeds are fetched."""

    interval_minutes: Annotated[float, Field(gt=0, le=7 * 24 * 60)] = 30
    """A feed that fetched fine is due again after this many minutes."""
    concurrency: Annotated[int, Field(ge=1, le=256)] = 16
    """Feeds fetched at once."""
    per_host: Annotated[int, Field(ge=1, le=64)] = 4
    """Feeds fetched at once from one host (be polite to news search endpoints)."""
    connect_timeout: Annotated[float, Field(gt=0, le=300)] = 10
    """Seconds to wait for a TCP/TLS connection."""
    read_timeout: Annotated[float, Field(gt=0, le=300)] = 20
    """Seconds to wait for any single read from the server."""
    feed_deadline: Annotated[float, Field(gt=0, le=3600)] = 45
    """Total seconds one feed may take, however slowly the server drips bytes."""
    max_body_mib: Annotated[float, Field(gt=0, le=1024)] = 15
    """Largest feed body accepted, in MiB, counted after decompression."""
    max_redirects: Annotated[int, Field(ge=0, le=20)] = 5
    """Redirects followed per fetch."""
    max_backoff_hours: Annotated[float, Field(gt=0, le=24 * 30)] = 24
    """Failing feeds are retried with exponential backoff, capped at this interval."""
    retention_days: Annotated[int, Field(ge=0)] = 90
    """Stories older than this are deleted (starred ones never); 0 keeps everything."""
    parse_workers: Annotated[int, Field(ge=0, le=64)] = 2
    """Processes that parse feeds in parallel during large polls; 0 parses in-process."""
    user_agent: str | None = None
    """Overrides the User-Agent header (default: `monitor/<version> (terminal news monitor; feed
    poller)`)."""
    proxy: str | None = None
    """Proxy for every feed: `http://host:port` (or https://, with `user:password@` if needed),
    or `none` for no proxy at all. Unset: the HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY
    environment variables are followed, as curl and newsboat do."""

    @field_validator("proxy")
    @classmethod
    def _check_proxy(cls, value: str | None) -> str | None:
        return None if value is None else check_proxy(value)


class GroupingSettings(_StrictTypes):
    """How stories are grouped into events."""

    window_hours: Annotated[float, Field(gt=0, le=24 * 60)] = 96
    """A story joins a group with a story published at most this many hours apart at
    `threshold`; further apart it needs more similarity (`late_penalty`)."""
    threshold: Annotated[float, Field(gt=0, le=1)] = 0.3
    """Similarity needed to join a group (0–1): higher gives smaller, stricter groups."""
    late_penalty: Annotated[float, Field(ge=0, le=1)] = 0.05
    """Beyond window_hours, extra similarity needed per doubling of the time gap."""
    max_window_days: Annotated[float, Field(gt=0, le=365)] = 30
    """No story joins a group whose stories are all more than this many days away."""


class NotifySettings(_StrictTypes):
    """What to run after a poll that found something."""

    command: list[str] | None = None
    """Program and arguments (no shell); it receives the digest as JSON on stdin."""
    timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 30
    """The notify command is killed after this long."""


class Settings(_Strict):
    """The whole of feeds.yaml."""

    feeds: list[FeedConfig] = Field(default_factory=list)
    """Subscriptions."""
    topics: TopicsConfig = Field(default_factory=TopicsConfig)
    """Tag rules; see monitor/topics.py and README "Topics"."""
    poll: PollSettings = Field(default_factory=PollSettings)
    """Fetching."""
    grouping: GroupingSettings = Field(default_factory=GroupingSettings)
    """Event grouping."""
    notify: NotifySettings = Field(default_factory=NotifySettings)
    """Notification after polls."""
    mute: list[str] = Field(default_factory=list)
    """Terms (as in topic rules: word, phrase, `prefix*`, `=Exact Case`, `/regex/`) whose match
    in a headline keeps the story out: it is not stored (see monitor/mute.py)."""

    @field_validator("mute")
    @classmethod
    def _check_mute(cls, value: list[str]) -> list[str]:
        return check_mute_terms(value)


def _format_location(loc: tuple[Any, ...]) -> str:
    """("feeds", 3, "url") -> "feeds[3].url", the way the user finds it in the file."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        name = str(part)
        if not name.isprintable() or name.strip() != name or not name:
            name = repr(name)  # a key made of blanks or control characters, shown unambiguously
        text += f".{name}" if text else name
    return text or "(top level)"


def _describe(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        loc = tuple(error.get("loc", ()))
        close = difflib.get_close_matches(str(loc[-1]), _keys_beside(loc), n=1) if loc else []
        return f"unknown key (did you mean {close[0]}?)" if close else "unknown key"
    if kind == "missing":
        return "required field is missing"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _not_a_mapping(tuple(error.get("loc", ())), error.get("input"))
    if kind == "list_type":
        return _not_a_list(tuple(error.get("loc", ())), error.get("input"))
    message = str(error.get("msg", "invalid"))
    if kind in ("int_type", "float_type", "bool_type", "string_type") and "input" in error:
        value = error["input"]
        if isinstance(value, bool) and kind != "bool_type":
            message += f" (got {str(value).lower()}: YAML reads yes/no/on/off as true/false)"
        else:
            shown = repr(value)
            message += f" (got {shown if len(shown) <= 40 else shown[:39] + '…'})"
    return message.removeprefix("Value error, ")


def _keys_beside(loc: tuple[Any, ...]) -> list[str]:
    """The keys the settings allow next to the one at `loc` ([] where that cannot be told)."""
    model: Any = Settings
    keyed = False  # the part before was a mapping of names (topics.tags): this part is a name
    for part in loc[:-1]:
        if isinstance(part, int) or keyed:
            keyed = False
            continue  # a list's item or a mapping's name: its model was found with the list
        field = getattr(model, "model_fields", {}).get(part)
        model = None if field is None else _model_in(field.annotation)
        if field is None or model is None:
            return []
        keyed = _is_mapping(field.annotation)
    return [field.alias or name for name, field in model.model_fields.items()]


def _is_mapping(annotation: Any) -> bool:
    """`dict[str, Topic]`, also inside `X | None`."""
    if get_origin(annotation) is dict:
        return True
    return any(_is_mapping(argument) for argument in get_args(annotation))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The settings model an annotation holds: `PollSettings`, `list[FeedConfig]`, `X | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _shown(value: Any) -> str:
    """A YAML value as the user wrote it, named by its kind: "text 'x'", "a list", "nothing"."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    shown = repr(str(value))
    return f"text {shown if len(shown) <= 40 else shown[:39] + '…'}"


def _quotable(value: Any) -> str | None:
    """`value` to repeat inside a hint, or None: only short one-line text without control or
    format characters, so a hint never spans lines or carries escape codes."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text if text and len(text) <= 80 and text.isprintable() else None


def _not_a_mapping(loc: tuple[Any, ...], value: Any) -> str:
    """Instead of pydantic's "valid dictionary or instance of FeedConfig": what to write."""
    if len(loc) == 2 and loc[0] == "feeds":
        return f'each feed is a mapping with url: (write "- url: {_quotable(value) or "http://…"}")'
    if value is None:
        message = "is empty: put its settings under it, indented, or delete the line"
    else:
        message = f"should be settings written as indented `name: value` lines, not {_shown(value)}"
    return message + _topics_hint(loc)


def _not_a_list(loc: tuple[Any, ...], value: Any) -> str:
    """Instead of pydantic's "valid list": what to write."""
    if loc == ("feeds",):
        if value is None:
            return 'is empty: list feeds under it ("- url: http://…"), or write feeds: []'
        if _quotable(value):
            return f'should be a list of feeds: write "- url: {_quotable(value)}" on the next line'
        return f'should be a list of feeds, one "- url: http://…" each, not {_shown(value)}'
    if isinstance(value, dict):
        message = 'should be a list, each item on its own line starting with "- ", not a mapping'
    else:
        text = _quotable(value)
        words = [text] if text else ["a", "b"]
        if loc[-1:] in (("command",), ("tags",)) and text:
            # a program and its arguments, or several tags: not one name with spaces
            words = text.replace(",", " ").split() if loc[-1] == "tags" else text.split()
        message = f"should be a list such as [{', '.join(words)}], not {_shown(value)}"
    return message + _topics_hint(loc)


def _topics_hint(loc: tuple[Any, ...]) -> str:
    return "; see docs/topics.md" if loc[:1] == ("topics",) else ""


def settings_from_data(data: Any, source: str) -> Settings:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{source}: expected a mapping at the top level, got {type(data).__name__}"
        )
    duplicates = _duplicate_feeds(data.get("feeds"))
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        lines = [f"{source}: {line}" for line in duplicates[:MAX_REPORTED_ERRORS]]
        for error in exc.errors()[: MAX_REPORTED_ERRORS - len(lines)]:
            message = _describe(dict(error))
            if message.startswith("feeds[") and ": " in message:  # already has its location
                lines.append(f"{source}: {message}")
            else:
                lines.append(f"{source}: {_format_location(error.get('loc', ()))}: {message}")
        hidden = exc.error_count() + len(duplicates) - len(lines)
        if hidden > 0:
            lines.append(f"{source}: … and {plural(hidden, 'more problem')}")
        raise ConfigError("\n".join(lines)) from None
    if duplicates:
        lines = [f"{source}: {line}" for line in duplicates[:MAX_REPORTED_ERRORS]]
        if len(duplicates) > MAX_REPORTED_ERRORS:
            hidden = len(duplicates) - MAX_REPORTED_ERRORS
            lines.append(f"{source}: … and {plural(hidden, 'more problem')}")
        raise ConfigError("\n".join(lines))
    return settings


def _duplicate_feeds(feeds: Any) -> list[str]:
    """One line per feed listed again (the same `address_key`). Read from the
    raw data, so duplicates are reported together with every other problem of the file."""
    if not isinstance(feeds, list):
        return []
    seen: dict[str, int] = {}
    lines = []
    for index, feed in enumerate(feeds):
        url = feed.get("url") if isinstance(feed, dict) else None
        if not isinstance(url, str) or not url.strip():
            continue
        key = address_key(url)
        if key in seen:
            # The address as shown by repr: a control character in it would break the line
            # (str.splitlines breaks at \x1c-\x1e too) and reach the terminal raw.
            shown = url.strip()
            shown = shown if shown.isprintable() else repr(shown)
            lines.append(f"feeds[{index}].url: duplicate of feeds[{seen[key]}].url ({shown})")
        else:
            seen[key] = index
    return lines


MAX_CONFIG_BYTES = 4 * 1024 * 1024  # thousands of feeds fit in a few hundred KiB


def load_settings(path: Path | str) -> Settings:
    """Read and validate feeds.yaml, or raise ConfigError naming file, field and problem."""
    path = Path(path)
    return settings_from_data(parse_yaml(read_config_text(path), path), str(path))


def read_config_text(path: Path) -> str:
    """feeds.yaml's text. Only a regular file, and at most MAX_CONFIG_BYTES of it: `--config
    /dev/zero` grew to 7 GB of memory, and a named pipe waited for a writer for ever."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ConfigError(f"{path}: cannot read (Is a directory)")
        raise ConfigError(f"{path}: not a regular file (a device or a pipe); give a YAML file")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(MAX_CONFIG_BYTES + 1)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    if data.startswith(b"SQLite format 3\0"):
        raise ConfigError(
            f"{path}: an SQLite database, not a feeds.yaml: --config and --db swapped?"
        )
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{path}: larger than {MAX_CONFIG_BYTES // 1024 // 1024} MiB; is it feeds.yaml?"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def parse_yaml(text: str, path: Path | str) -> Any:
    """feeds.yaml's text as data, read as `load_settings` reads it (every command that reads or
    edits the file uses this: a pattern the poll accepted broke `monitor add` when another
    parser read it). Raises ConfigError naming `path`, line and column."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader())
    except _DuplicateKey as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. ESC
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise ConfigError(
            f"{path}: invalid YAML at line {line}, column {column}: character U+{exc.character:04X} "
            "is not allowed (a control character; retype that part of the line)"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        lines = text.splitlines()
        line_text = lines[mark.line] if mark and mark.line < len(lines) else ""
        if "\t" in line_text[: mark.column + 1 if mark else 0] and "tab" not in problem:
            problem += " (a tab: YAML indents with spaces only)"
        raise ConfigError(f"{path}: invalid YAML at {where}{problem}") from None


class _DuplicateKey(Exception):
    pass


_LOADER: Any = None


def _loader() -> Any:
    """PyYAML's safe loader (libyaml's when PyYAML has it: ~10x faster on a long feed list, which
    every cron poll reads), refusing a key given twice in one mapping: YAML keeps the last one,
    so a second `feeds:` would silently drop the first list."""
    global _LOADER
    if _LOADER is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class Loader(base):  # type: ignore[misc, valid-type]
            def construct_mapping(self, node: Any, deep: bool = False) -> Any:
                seen: dict[Any, Any] = {}
                for key_node, _value in node.value:
                    key = self.construct_object(key_node, deep=deep)
                    if isinstance(key, str | int | float | bool) and key in seen:
                        raise _DuplicateKey(
                            f"line {key_node.start_mark.line + 1}: key {key!r} given twice "
                            f"(first at line {seen[key]}); YAML would keep only the last one"
                        )
                    if isinstance(key, str | int | float | bool):
                        seen[key] = key_node.start_mark.line + 1
                return super().construct_mapping(node, deep=deep)

        _LOADER = Loader
    return _LOADER


_HOST_LIKE = re.compile(r"(?:[a-z0-9-]+\.)+[a-z0-9-]+(?::\d+)?", re.IGNORECASE)
_FILE_ENDINGS = {"xml", "rss", "atom", "rdf", "json", "txt", "html", "htm", "yaml", "yml"}


def web_address_meant(text: str) -> str | None:
    """The web address a local path most likely meant ("example.com/feed", "127.0.0.1:8080/a",
    "https//example.com/feed"), or None: such a line in feeds.yaml is a relative path, and its
    "does not exist" sent the user looking for a file."""
    text = text.strip()
    slip = re.match(r"(https?)(?::?/+|:)(?=[^/])", text, re.IGNORECASE)
    if slip and _HOST_LIKE.match(text[slip.end() :]):
        return f"{slip.group(1).lower()}://{text[slip.end() :]}"
    first, slash, _rest = text.partition("/")
    if not _HOST_LIKE.fullmatch(first) or not (slash or first.lower().startswith("www.")):
        return None
    if first.rsplit(":", 1)[0].rsplit(".", 1)[-1].lower() in _FILE_ENDINGS:
        return None  # "ledger.xml/…": a file's name
    return f"https://{text}"


def local_path_warnings(
    settings: Settings, config_path: Path, cwd: Path | None = None
) -> list[str]:
    """One line per relative local feed path that names no file. The poll opens such a path
    from the current directory, not from feeds.yaml's, so its own error ("local feed file
    ledger.xml does not exist") does not say where it looked; cron, which runs elsewhere, is
    where that bites. The line names the absolute path read, and the file beside feeds.yaml
    when that is what was meant."""
    cwd = cwd or Path.cwd()
    lines = []
    for index, feed in enumerate(settings.feeds):
        path = Path(feed.url).expanduser()
        if not feed.is_local() or path.is_absolute() or (cwd / path).exists():
            continue
        beside = config_path.absolute().parent / path
        meant = web_address_meant(feed.url)
        if meant:
            hint = f"a web address needs its scheme: {meant}?"
        elif beside.exists():
            hint = f"{beside}, beside {config_path.name}, does: write that absolute path"
        else:
            hint = f"paths are not read from {config_path.name}'s directory: write an absolute path"
        lines.append(
            f"feeds[{index}].url: {feed.url} is relative to the current directory, "
            f"and {cwd / path} does not exist; {hint}"
        )
    return lines


def resolve_paths(config: str | None, db: str | None) -> tuple[Path, Path]:
    """--config/--db, else MONITOR_CONFIG/MONITOR_DB, else the repo's feeds.yaml and db/."""
    config_path = Path(config or os.environ.get("MONITOR_CONFIG") or DEFAULT_CONFIG)
    db_path = Path(db or os.environ.get("MONITOR_DB") or DEFAULT_DB)
    return config_path, db_path


def _file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


class ConfigFile:
    """feeds.yaml and the settings last read from it, read again when the file changes.

    A long-running process (the TUI) must poll with the file as it is now: with the copy it
    read at start it switched off feeds added since (by hand, `monitor opml import`, or a cron
    poll that had already added them) and switched removed ones back on. `current()` raises
    ConfigError while the file is broken, every time, so the caller can say why it does not
    poll; once fixed it is read again.
    """

    def __init__(self, path: Path, settings: Settings) -> None:
        self.path = path
        self.settings = settings
        self._stamp = _file_stamp(path)

    def current(self) -> Settings:
        stamp = _file_stamp(self.path)
        if stamp != self._stamp:
            self.settings = load_settings(self.path)  # ConfigError: stamp kept, tried again
            self._stamp = stamp
        return self.settings
