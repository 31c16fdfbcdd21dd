"""The `monitor` command line: thin click commands over the core functions the TUI also uses.

`monitor` with no subcommand opens the TUI (click-default-group). Every command takes
`--config`/`--db` (or MONITOR_CONFIG/MONITOR_DB). Errors are mapped to the documented exit codes
in one place (`_fail`), and every string that came from a feed or a server is printed through
`clean_line`, so nothing a feed says can drive the terminal. Heavy modules are imported inside
the command that needs them: a cron poll that finds only 304s should start fast.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TextIO, TypeVar

import click
from click_default_group import DefaultGroup

from monitor import __version__
from monitor.exitcodes import EXIT_CODES_HELP, ExitCode
from monitor.textclean import clean_line
from monitor.wording import plural

F = TypeVar("F", bound=Callable[..., Any])


def _fail(
    message: str, code: ExitCode, *, as_json: bool = False, prefix: str = "monitor: "
) -> NoReturn:
    """Print the error on stderr and exit; with `as_json` (poll --json) also print it as JSON on
    stdout, so a script that reads the summary gets an object in every case."""
    lines = [clean_line(line) for line in message.splitlines()] or [""]
    for line in lines:
        click.echo(f"{prefix}{line}", err=True)
    if as_json:
        click.echo(json.dumps({"exit_code": int(code), "error": "\n".join(lines)}, indent=2))
    sys.exit(int(code))


def _not_empty(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An empty --config or --db (`--db "$DB"` with DB unset, in a cron line) meant the repo's
    default, and a poll went into the repository's database."""
    if value is not None and not value.strip():
        raise click.BadParameter("is empty; give a path, or leave the option out for the default")
    return value


def common_options(func: F) -> F:
    """--config and --db on every command (the enclosing groups' values are the fallback, the
    nearest first: `monitor opml --db X export` and `monitor --db X opml export` both work)."""

    @click.option(
        "--config",
        "config",
        type=click.Path(),
        default=None,
        callback=_not_empty,
        help="feeds.yaml to use [env MONITOR_CONFIG; default: the repo's feeds.yaml].",
    )
    @click.option(
        "--db",
        "db",
        type=click.Path(),
        default=None,
        callback=_not_empty,
        help="SQLite database [env MONITOR_DB; default: the repo's db/monitor.db].",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, config: str | None, db: str | None, **kwargs: Any) -> Any:
        outer = click.get_current_context().parent
        while outer is not None:
            config = config or outer.params.get("config")
            db = db or outer.params.get("db")
            outer = outer.parent
        return func(*args, config=config, db=db, **kwargs)

    return wrapper  # type: ignore[return-value]


def _load(config: str | None, db: str | None, *, as_json: bool = False) -> tuple[Any, Path, Path]:
    from monitor.config import ConfigError, load_settings, resolve_paths

    config_path, db_path = resolve_paths(config, db)
    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        _fail(
            "\n".join(f"config error: {line}" for line in str(exc).splitlines()),
            ExitCode.USAGE,
            as_json=as_json,
        )
    return settings, config_path, db_path


def _warn(message: str) -> None:
    click.echo(f"monitor: warning: {clean_line(message)}", err=True)


def _warn_local_paths(settings: Any, config_path: Path) -> None:
    from monitor.config import local_path_warnings

    for line in local_path_warnings(settings, config_path):
        _warn(line)


def _check_db_dir(db_path: Path, *, as_json: bool = False) -> None:
    """Only the default database's directory is created; a mistyped --db/MONITOR_DB is an error."""
    from monitor.config import DEFAULT_DB

    if db_path.resolve() != DEFAULT_DB.resolve() and not db_path.parent.is_dir():
        _fail(
            f"{db_path}: directory {db_path.parent} does not exist; "
            "create it or fix --db / MONITOR_DB",
            ExitCode.USAGE,
            as_json=as_json,
        )


_opened: list[Path] = []  # the database this command opened, named by a later database error


def _db_error(exc: BaseException) -> str:
    """ "database error: <db>: …": sqlite's messages ("database disk image is malformed",
    "attempt to write a readonly database") do not say which file."""
    text = str(exc)
    if _opened and str(_opened[-1]) not in text:
        text = f"{_opened[-1]}: {text}"
    return f"database error: {text}"


def _open_db(db_path: Path, *, readonly: bool = False, create: bool | None = None) -> Any:
    """The database, migrated. `readonly`: the command only reads, so a database this user
    cannot write is opened read-only; it must exist unless `create`."""
    from monitor.db import DatabaseError, connect

    _opened.append(db_path)
    _check_db_dir(db_path)
    if readonly and not (db_path.exists() or create):
        _fail(f"{db_path}: no database yet; run `monitor poll` first", ExitCode.DATABASE)
    try:
        return connect(db_path)
    except DatabaseError as exc:
        if not readonly or _writable(db_path):
            _fail(_db_error(exc), ExitCode.DATABASE)
        failure = exc
    # Only read: a database this user cannot write (another user's cron polls it) is read as is.
    try:
        conn = connect(db_path, readonly=True)
    except DatabaseError:
        _fail(_db_error(failure), ExitCode.DATABASE)
    from monitor.db import schema_version
    from monitor.migrations import LATEST_VERSION

    if schema_version(conn) < LATEST_VERSION:
        conn.close()
        _fail(
            _db_error(failure) + "; it was written by an older monitor and needs updating by "
            "someone who can write it (any `monitor poll`)",
            ExitCode.DATABASE,
        )
    return conn


def _writable(db_path: Path) -> bool:
    directory = db_path.parent if str(db_path.parent) else Path(".")
    return os.access(directory, os.W_OK | os.X_OK) and os.access(db_path, os.W_OK)


class _DefaultToTui(DefaultGroup):
    """`monitor --db x.db` (group options only) opens the UI, like plain `monitor`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        if not rest and not ctx._protected_args and not ctx.resilient_parsing:
            ctx._protected_args = [self.default_cmd_name]
        first = ctx._protected_args[:1]
        if first and first[0].startswith("-") and any(a in self.commands for a in rest):
            # `monitor --bogus poll`: an option the group does not have, before a command (it
            # went to the UI, whose usage then named the wrong command).
            raise click.NoSuchOption(first[0].split("=", 1)[0], ctx=ctx)
        return rest

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and not cmd_name.startswith("-"):
            # A mistyped command (`monitor pol`) is not an argument of the UI: click's
            # "unexpected extra argument" under the UI's usage did not say what was wrong.
            import difflib

            close = difflib.get_close_matches(cmd_name, list(self.commands), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise click.UsageError(f"No such command {cmd_name!r}.{hint}", ctx)
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=_DefaultToTui,
    default="tui",
    default_if_no_args=True,
    epilog=EXIT_CODES_HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--config", type=click.Path(), default=None, callback=_not_empty, help="feeds.yaml to use."
)
@click.option("--db", type=click.Path(), default=None, callback=_not_empty, help="SQLite database.")
@click.version_option(__version__, prog_name="monitor")
def cli(config: str | None, db: str | None) -> None:
    """Follow one fast-moving story: feeds → SQLite → tags → event groups → new claims.

    With no command, opens the terminal UI.
    """


@cli.command()
@common_options
@click.option("--no-poll", is_flag=True, help="Do not poll in the background.")
def tui(config: str | None, db: str | None, no_poll: bool) -> None:
    """Open the terminal UI (the default command)."""
    settings, config_path, db_path = _load(config, db)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # From cron, a pipe or a test runner, a full-screen UI would wait forever for keys.
        _fail(
            "the terminal UI needs a terminal; from cron or a script use `monitor poll`",
            ExitCode.USAGE,
        )
    if not _can_print("╭─●…≠"):
        _fail(
            f"the terminal's encoding ({sys.stdout.encoding}) cannot show the UI; "
            "use a UTF-8 locale (e.g. LANG=C.UTF-8)",
            ExitCode.USAGE,
        )
    _open_db(db_path).close()
    for name in ("COLUMNS", "LINES"):  # exported by a shell, they pinned the UI's size for good
        os.environ.pop(name, None)
    try:
        from monitor.tui.app import run
    except ImportError:
        click.echo("The terminal UI is not built yet; polling once instead.", err=True)
        ctx = click.get_current_context()
        ctx.invoke(poll, config=config, db=db)
        return
    sys.exit(run(settings, config_path, db_path, poll=not no_poll))


@cli.command(epilog=EXIT_CODES_HELP)
@common_options
@click.option("--all", "all_feeds", is_flag=True, help="Fetch every feed, due or not.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors (for cron).")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
@click.option(
    "--replace-feeds",
    is_flag=True,
    help="Poll a feeds.yaml that lists none of the database's feeds (refused otherwise, as a "
    "likely wrong --config or --db); the database's own feeds are retired.",
)
def poll(
    config: str | None,
    db: str | None,
    all_feeds: bool,
    quiet: bool,
    as_json: bool,
    replace_feeds: bool,
) -> None:
    """Fetch due feeds once, store new stories, tag, group and mark new claims.

    With no feeds in feeds.yaml it warns on stderr (even with --quiet), changes nothing stored
    (an empty file saved by mistake does not unsubscribe you) and exits 0.
    """
    settings, config_path, db_path = _load(config, db, as_json=as_json)
    _check_db_dir(db_path, as_json=as_json)
    if not settings.feeds:
        _warn(
            f"no feeds configured in {config_path}: add some under `feeds:` "
            "(nothing was polled, and nothing stored was changed)"
        )
    _warn_local_paths(settings, config_path)
    from monitor.db import DatabaseError
    from monitor.poller import FeedResult, PollLocked, run_poll
    from monitor.store import OtherFeedList

    show_bar = not quiet and not as_json and sys.stderr.isatty()
    bar: Any = None

    def on_start(count: int) -> None:
        nonlocal bar
        if show_bar and count:
            bar = click.progressbar(length=count, label="Polling", file=sys.stderr)
            bar.__enter__()

    def progress(feed: FeedResult) -> None:
        if bar is not None:
            bar.update(1)

    started = time.monotonic()
    try:
        result = run_poll(
            settings,
            db_path,
            all_feeds=all_feeds,
            progress=progress,
            on_start=on_start,
            replace_feeds=replace_feeds,
        )
    except OtherFeedList as exc:
        _fail(f"config error: {config_path}: {exc}", ExitCode.USAGE, as_json=as_json)
    except PollLocked as exc:
        if quiet and not as_json:
            # The running poll does this one's work: no mail from cron for an overlap (the TUI's
            # own poll, or a slow run). The exit code still tells a script.
            sys.exit(int(ExitCode.LOCKED))
        _fail(f"{exc}; try again later", ExitCode.LOCKED, as_json=as_json)
    except DatabaseError as exc:
        _fail(f"database error: {exc}", ExitCode.DATABASE, as_json=as_json)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    elapsed = time.monotonic() - started
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_poll(result, elapsed, quiet)
    _notify_after_poll(settings, db_path, result)
    sys.exit(int(result.exit_code))


def _print_poll(result: Any, elapsed: float, quiet: bool) -> None:
    for feed in result.feeds:
        name = clean_line(feed.title or feed.url)
        if feed.failed:
            # The address too: it is what `monitor remove` takes, and a title may be shared.
            where = f" <{clean_line(feed.url)}>" if feed.title and feed.title != feed.url else ""
            click.echo(f"FAILED {name}{where}: {clean_line(feed.error)}", err=True)
        elif feed.moved_to:  # said once, with -q too: feeds.yaml names the old address
            click.echo(f"moved  {name}: now at {clean_line(feed.moved_to)}")
        elif feed.warning and not quiet:
            click.echo(f"warn   {name}: {clean_line(feed.warning)}")
    if quiet:
        return
    parts = [plural(result.new_stories, "new story"), f"{result.updated_stories} updated"]
    if result.new_groups or result.new_claims:
        parts.append(
            f"{plural(result.new_groups, 'new group')}, {plural(result.new_claims, 'new claim')}"
        )
    if result.muted:
        parts.append(f"{result.muted} muted")
    if result.deleted_by_retention:
        parts.append(f"{result.deleted_by_retention} deleted by retention (poll.retention_days)")
    if result.retagged:
        parts.append(
            f"{plural(result.retagged, 'story', 'stories')} tagged again "
            "(the topic rules or the feeds' tags changed)"
        )
    failed = f", {result.failed} failed" if result.failed else ""
    not_due = f" ({result.skipped_not_due} not due)" if result.skipped_not_due else ""
    click.echo(
        f"Polled {plural(len(result.feeds), 'feed')}{not_due} in {elapsed:.1f} s{failed}: "
        f"{', '.join(parts)}."
    )


def _notify_after_poll(settings: Any, db_path: Path, result: Any) -> None:
    from monitor.notify import notify_after_poll

    error = notify_after_poll(settings, db_path, result)
    if error:
        click.echo(f"monitor: notify command failed: {clean_line(error)}", err=True)


@cli.command()
@common_options
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def feeds(config: str | None, db: str | None, fmt: str) -> None:
    """List every feed with its status, last error, last success, next check and story count."""
    settings, config_path, db_path = _load(config, db)
    _warn_local_paths(settings, config_path)
    from monitor.feedstatus import configured_statuses, render_table

    # Only read: the feeds of this feeds.yaml as the database knows them.
    last_poll = None
    if db_path.exists():
        from monitor.queries import poll_state
        from monitor.store import OtherFeedList, check_feed_list

        conn = _open_db(db_path, readonly=True)
        try:
            rows = configured_statuses(conn, settings.feeds)
            last_poll = poll_state(conn).last_poll
            try:
                check_feed_list(conn, settings.feeds)
            except OtherFeedList:  # said as poll would say it, but listed all the same
                _warn(
                    f"{config_path} lists none of the feeds {db_path} polls: "
                    "the wrong --config or --db?"
                )
        finally:
            conn.close()
    else:
        _check_db_dir(db_path)
        _warn(f"no database at {db_path} yet: no feed fetched")
        rows = configured_statuses(None, settings.feeds)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        # Into a file or a pipe (cron mail, grep), whole lines; a terminal's width otherwise.
        whole = not sys.stdout.isatty() and "COLUMNS" not in os.environ
        click.echo(render_table(rows, last_poll, width=10**6 if whole else None), nl=False)


@cli.command()
@common_options
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option(
    "--tag",
    "tags",
    multiple=True,
    help="Only stories with this tag; repeat it for stories with any of several "
    "(--tag llama --tag talent). Case does not matter. A tag that exists neither in the topics "
    "nor on any stored story gets a warning on stderr listing the known tags.",
)
@click.option("--since", default=None, help="Only stories first seen since: 24h, 7d or a date.")
@click.option("--starred", is_flag=True, help="Only starred stories (s in the UI): a reading list.")
@click.option("--unread", is_flag=True, help="Only stories not read yet.")
@click.option(
    "--output",
    "-o",
    type=click.Path(allow_dash=True),
    default="-",
    help="Write here (default stdout); a file that cannot be written is a usage error (exit 2).",
)
def export(
    config: str | None,
    db: str | None,
    fmt: str,
    tags: tuple[str, ...],
    since: str | None,
    starred: bool,
    unread: bool,
    output: str,
) -> None:
    """Export stories with tags, group and claims as JSON lines or CSV.

    Reads only the database: a feeds.yaml broken by an edit gets a warning, not exit 2 (a cron
    export, like the digest, goes on); tag names are then checked against stored tags only."""
    from monitor.config import ConfigError, load_settings, resolve_paths
    from monitor.export import ExportError, export_stories, known_tags, since_to_iso

    config_path, db_path = resolve_paths(config, db)
    settings = None
    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        first = (str(exc).splitlines() or [""])[0]
        _warn(f"config error: {first} (exporting anyway; tags are checked against stored ones)")

    try:
        if since is not None:
            since_to_iso(since)  # before the output file is opened (and emptied)
    except ExportError as exc:
        _fail(str(exc), ExitCode.USAGE)
    conn = _open_db(db_path, readonly=True)
    try:
        known = known_tags(conn, settings)
        wanted = []
        for tag in tags:
            same = [k for k in known if k == tag] or [k for k in known if k.lower() == tag.lower()]
            if not same:
                listed = ", ".join(known) if known else "none yet"
                _warn(f"no tag {tag!r}; known tags: {listed}")
            wanted += same or [tag]
        _write_output(
            output,
            lambda out: export_stories(
                conn, out, fmt=fmt, tags=wanted, since=since, starred=starred, unread=unread
            ),
        )
    finally:
        conn.close()


def _write_output(path: str, write: Callable[[TextIO], object]) -> None:
    """Run `write` on the file at `path` ("-": stdout). A file that cannot be created or written
    is the user's to fix, so exit 2 naming the path and the reason; click's own lazy file said
    "Could not open file" and exited 1, which means a feed failed."""
    if path == "-":
        if not _can_print("…✎" + chr(0x1F999)) and hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8")  # JSON lines and CSV are UTF-8, always
        write(sys.stdout)
        return
    target = Path(path)
    try:
        with target.open("w", encoding="utf-8", newline="") as handle:
            write(handle)
    except OSError as exc:
        _fail(f"cannot write {target}: {_os_reason(target, exc)}", ExitCode.USAGE)


def _os_reason(path: Path, exc: OSError) -> str:
    """Why `path` could not be opened, in the user's terms rather than errno's."""
    if isinstance(exc, FileNotFoundError):
        return f"directory {path.parent} does not exist"
    if isinstance(exc, IsADirectoryError):
        return "it is a directory; give a file name"
    if isinstance(exc, NotADirectoryError):
        return f"{_file_in_the_way(path)} is a file, not a directory"
    return (exc.strerror or str(exc)).lower()


def _file_in_the_way(path: Path) -> Path:
    """The nearest parent of `path` that exists (the file a directory was expected to be)."""
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


@cli.command()
@common_options
@click.option(
    "--since",
    default="last",
    show_default=True,
    help="last (since the previous `--since last` digest, and remember this one), or a "
    "window such as 24h, 7d or an ISO date: a preview that leaves the marker alone.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
    show_default=True,
)  # fmt: skip
@click.option(
    "--quiet", "-q", is_flag=True,
    help="Print nothing when nothing is new (a daily cron mail is then not sent).",
)  # fmt: skip
def digest(config: str | None, db: str | None, since: str, fmt: str, quiet: bool) -> None:
    """Print what is new since the last digest: new groups and only the new claims of others.

    Only `--since last` (the default) moves the "last digest" marker forward.
    """
    from monitor.config import resolve_paths

    # Only the database is read: a feeds.yaml broken by an edit must not stop the daily digest.
    _config_path, db_path = resolve_paths(config, db)
    from monitor import digest as digest_mod

    conn = _open_db(db_path, readonly=True)
    try:
        try:
            report = digest_mod.build(conn, since=since)
        except ValueError as exc:
            _fail(str(exc), ExitCode.USAGE)
        text = "" if quiet and report.empty else digest_mod.render(report, fmt)
        if since.strip().lower() == "last":
            try:
                digest_mod.mark_sent(conn, report, deliver=lambda: click.echo(text, nl=False))
            except sqlite3.OperationalError as exc:
                if "readonly" not in str(exc):
                    raise
                _fail(
                    f"{db_path}: cannot remember this digest, the database is read-only for you; "
                    "`--since 1d` (or any other time) prints one without remembering it",
                    ExitCode.DATABASE,
                )
        else:
            click.echo(text, nl=False)
    finally:
        conn.close()


@cli.command()
@common_options
@click.argument("address")
@click.option("--title", default=None, help="Name to show for the feed (default: its own).")
@click.option("--tag", "tags", multiple=True, help="Tag every story of the feed (repeatable).")
@click.option(
    "--no-check", is_flag=True, help="Add the address as typed, without fetching it first."
)
def add(
    config: str | None,
    db: str | None,
    address: str,
    title: str | None,
    tags: tuple[str, ...],
    no_check: bool,
) -> None:
    """Subscribe: add the feed at ADDRESS to feeds.yaml.

    ADDRESS may be a feed, a web page that names its feeds (the first that works is added; the
    others are listed) or a local file path; `example.com` means https://example.com. The
    address is fetched once first (exit 1 if no feed is found there; --no-check skips that).
    Already subscribed: --title and --tag are given to its entry (tags added to its own; the
    entry is rewritten, comments inside it go), else nothing changes (exit 0). The next poll
    fetches the new feed.
    """
    from monitor.config import ConfigError, PollSettings, resolve_paths
    from monitor.subscribe import (
        AlreadySubscribed,
        SubscribeError,
        add_feed,
        normalise_address,
        update_feed,
    )

    config_path, db_path = resolve_paths(config, db)
    poll = _load(config, db)[0].poll if config_path.exists() else PollSettings()
    try:
        moved = _feeds_named(db_path, normalise_address(address) or address, by_title=False)
        if moved:  # the address a subscribed feed moved to (a 301): that feed
            address = moved[0]
        added = add_feed(config_path, address, poll, title=title, tags=tags, check=not no_check)
    except ConfigError as exc:
        _fail(f"cannot add: {exc}", ExitCode.USAGE)  # a --title or --tag given
    except AlreadySubscribed as exc:
        if title is None and not tags:
            click.echo(f"{clean_line(str(exc))}; nothing changed.")
            return
        try:  # a title or tags for a feed that is there: given to its entry
            feed = update_feed(config_path, address, title=title, tags=tags)
        except (SubscribeError, ConfigError) as problem:
            _fail(str(problem), ExitCode.USAGE)
        what = [f"title “{clean_line(feed.title)}”"] if feed.title else []
        what += [f"tags [{', '.join(feed.tags)}]"] if feed.tags else []
        click.echo(
            f"Already subscribed to {clean_line(feed.url)}; it now has {' and '.join(what)}."
        )
        return
    except SubscribeError as exc:
        if exc.fetch_failed:
            _fail(f"{exc}\n(--no-check adds it without fetching)", ExitCode.FEED_FAILED)
        _fail(str(exc), ExitCode.USAGE)
    feed = added.feed
    name = feed.title or added.title
    about = [f"“{clean_line(name)}”"] if name else []
    if not no_check:
        about.append(plural(added.entries, "item"))
    click.echo(
        f"Added {clean_line(feed.url)}"
        + (f" ({', '.join(about)})" if about else "")
        + f" to {config_path}."
    )
    if added.found_on:
        click.echo(f"Found on the page {clean_line(added.found_on)}.")
    for other in added.others:
        name = f" ({clean_line(other.title)})" if other.title else ""
        click.echo(f"  it also names {clean_line(other.url)}{name}: `monitor add` that address")
    click.echo("The next poll fetches it (`monitor poll`, or r in the UI).")


@cli.command()
@common_options
@click.argument("address")
def remove(config: str | None, db: str | None, address: str) -> None:
    """Unsubscribe: remove the feed at ADDRESS from feeds.yaml.

    ADDRESS is its address in feeds.yaml, or its title or the address it moved to, as `monitor
    feeds` and a poll name it. Its stories stay in the database (starred ones, groups and claims
    too); the next poll stops fetching it. A feed that is not subscribed is an error (exit 2).
    """
    from monitor.config import ConfigError
    from monitor.subscribe import SubscribeError, remove_feed

    settings, config_path, db_path = _load(config, db)
    try:
        try:
            removed = remove_feed(config_path, address)
        except SubscribeError:
            # Its title (as feeds.yaml gives it, or as the feed calls itself), or where it moved.
            titled = [
                feed.url
                for feed in settings.feeds
                if feed.title and feed.title.strip().casefold() == address.strip().casefold()
            ]
            known = list(dict.fromkeys(titled + _feeds_named(db_path, address)))
            if len(known) > 1:
                _fail(
                    f"{len(known)} feeds are called {address!r}; give the address of the one "
                    f"to remove: {', '.join(known)}",
                    ExitCode.USAGE,
                )
            if not known:
                raise
            removed = remove_feed(config_path, known[0])
    except (SubscribeError, ConfigError) as exc:
        _fail(str(exc), ExitCode.USAGE)
    click.echo(f"Removed {clean_line(removed.url)} from {config_path}; its stories are kept.")


def _feeds_named(db_path: Path, address: str, *, by_title: bool = True) -> list[str]:
    """The feeds.yaml addresses of the subscribed feeds whose title is `address` (any case;
    unless not `by_title`), or which are fetched from or moved to `address`, as `monitor
    feeds` and a poll name them."""
    from monitor.db import DatabaseError, connect

    if not db_path.is_file():
        return []
    wanted = address.strip()
    try:
        conn = connect(db_path, readonly=True)
        try:
            rows = conn.execute(
                "SELECT DISTINCT config_url FROM feeds WHERE active = 1 AND "
                "((? AND title = ? COLLATE NOCASE) OR url = ? OR moved_to = ?)",
                (int(by_title), wanted, wanted, wanted),
            ).fetchall()
        finally:
            conn.close()
    except (DatabaseError, sqlite3.Error):
        return []
    return [str(row[0]) for row in rows]


@cli.group()
@click.option(
    "--config", type=click.Path(), default=None, callback=_not_empty, help="feeds.yaml to use."
)
@click.option("--db", type=click.Path(), default=None, callback=_not_empty, help="SQLite database.")
def opml(config: str | None, db: str | None) -> None:
    """Import or export subscriptions as OPML."""


@opml.command("import")
@common_options
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def opml_import(config: str | None, db: str | None, file: str) -> None:
    """Add the feeds in an OPML FILE (or newsboat's urls file) to feeds.yaml (existing ones
    are kept).

    An outline's `category`, and the folders it sits in, become the feed's tags; a file:// URL
    becomes its local path.
    Outlines that cannot be feeds (neither an http(s) URL nor an absolute local path) are
    skipped with a note on stderr and the rest imported (exit 0). A feeds.yaml that does not
    exist yet is created. An unreadable
    file, or a feeds.yaml that would not be valid, changes nothing (exit 2).
    """
    from monitor.config import ConfigError, resolve_paths
    from monitor.opml import OpmlError, import_opml

    config_path, _db_path = resolve_paths(config, db)
    if config_path.exists():  # else the import writes a new one (a reader moving over)
        _load(config, db)

    try:
        result = import_opml(Path(file), config_path)
    except (OpmlError, ConfigError) as exc:
        _fail(str(exc), ExitCode.USAGE)
    for note in result.notes:
        click.echo(f"monitor: {clean_line(note)}", err=True)
    click.echo(
        f"Added {plural(result.added, 'feed')} to {config_path} "
        f"({result.already} already there"
        + (f", {result.tagged} of them given the file's folders as tags" if result.tagged else "")
        + (f", {result.skipped} skipped" if result.skipped else "")
        + ")."
    )


@opml.command("export")
@common_options
def opml_export(config: str | None, db: str | None) -> None:
    """Print the subscriptions in feeds.yaml as OPML.

    A feed without a `title` in feeds.yaml is named by its own title (from the database, once
    polled), else its URL; its tags become the outline's `category` (comma-separated). A feed
    that moved permanently (HTTP 301/308) is given at its new address.
    """
    settings, _config_path, db_path = _load(config, db)
    from monitor.opml import export_opml, stored_moves, stored_titles

    titles = stored_titles(db_path)
    if titles is None:
        _warn(f"{db_path}: could not read feed titles; using URLs")
    moves = stored_moves(db_path) or {}
    click.echo(export_opml(settings.feeds, titles or {}, moves), nl=False)


@cli.command()
@common_options
def retag(config: str | None, db: str | None) -> None:
    """Re-apply the current topic rules to every stored story (one transaction).

    A poll does this by itself when the rules or a feed's tags changed since the stories were
    tagged; this is for doing it now."""
    settings, config_path, db_path = _load(config, db)
    from monitor.db import write
    from monitor.poller import record_tag_rules
    from monitor.store import OtherFeedList, check_feed_list, sync_feeds
    from monitor.tagging import Tagger, retag_all

    if not db_path.exists():  # (it made an empty one, and said "Retagged 0 stories")
        _fail(f"{db_path}: no database yet; run `monitor poll` first", ExitCode.DATABASE)
    conn = _open_db(db_path)
    started = time.monotonic()
    try:
        with write(conn):
            try:
                check_feed_list(conn, settings.feeds)
            except OtherFeedList as exc:
                message = str(exc).replace(
                    "monitor poll --replace-feeds",
                    "`monitor poll --replace-feeds` first, then retag",
                )
                _fail(f"config error: {config_path}: {message}", ExitCode.USAGE)
            sync_feeds(conn, settings.feeds)  # feed tags as feeds.yaml has them now
        count = retag_all(conn, Tagger(settings.topics))
        record_tag_rules(conn, settings)
    finally:
        conn.close()
    elapsed = time.monotonic() - started
    click.echo(f"Retagged {plural(count, 'story')} in {elapsed:.1f} s.")


@cli.command("eval")
@common_options
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--pairs", is_flag=True, help="Also list the pairs grouping got wrong (to tune grouping:)."
)
def eval_cmd(config: str | None, db: str | None, file: str, pairs: bool) -> None:
    """Score the current topic rules (and grouping) against a labelled JSONL FILE.

    A file that is not JSON lines, or holds no labelled item, is an error (exit 2).
    """
    settings, _config_path, _db_path = _load(config, db)
    from monitor.evaluate import run

    sys.exit(run(Path(file), settings, sys.stdout, sys.stderr, show_pairs=pairs))


def main() -> None:
    """The `monitor` console script: run the command, then leave without tearing down.

    Once a command has returned, its databases are closed, its files written and its output
    printed; what is left is the interpreter freeing every module and object one by one, about
    0.1 s of a 0.8 s cron poll of unchanged feeds (measured). So the process exits at once,
    after flushing stdout and stderr. An unexpected exception still unwinds normally, so its
    traceback is printed as usual.
    """
    from monitor.db import DatabaseError

    _replace_what_cannot_be_printed()
    try:
        try:
            code = cli.main(prog_name="monitor", standalone_mode=False)
        except click.exceptions.Abort:  # Ctrl-C: not "a feed failed" (1), which cron acts on
            _fail("Interrupted.", ExitCode.INTERRUPTED, as_json=_wants_json(), prefix="")
        except click.ClickException as exc:
            exc.show()
            if _wants_json():
                message = clean_line(exc.format_message())
                click.echo(json.dumps({"exit_code": exc.exit_code, "error": message}, indent=2))
            code = exc.exit_code
        except (sqlite3.Error, DatabaseError) as exc:  # last resort: a clear line, not a traceback
            _fail(_db_error(exc), ExitCode.DATABASE)
    except SystemExit as exc:
        if type(sys.stdout).__name__ == "_PacifyFlushWrapper":
            # click's answer to a closed pipe (it swaps the streams, then exits 1): the reader
            # went away (`monitor export | head`), which is not "a feed failed".
            _exit_now(ExitCode.OUTPUT_CLOSED)
        _exit_now(exc.code)
    except BrokenPipeError:  # the reader went away (`monitor export | head`): not a failed feed
        _exit_now(ExitCode.OUTPUT_CLOSED)
    _exit_now(code if isinstance(code, int) else 0)


def _wants_json() -> bool:
    """`monitor poll … --json`, as typed: a command line click could not read still gets its
    JSON answer."""
    args = sys.argv[1 : sys.argv.index("--")] if "--" in sys.argv else sys.argv[1:]
    return "poll" in args and "--json" in args


def _can_print(sample: str) -> bool:
    try:
        sample.encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _replace_what_cannot_be_printed() -> None:
    """Under a locale that is not UTF-8 (LANG=C with PYTHONUTF8=0, a Latin-1 terminal), text
    that cannot be encoded prints as '?' instead of ending the command with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and not (stream.encoding or "").lower().startswith("utf"):
            stream.reconfigure(errors="replace")


def _exit_now(code: object) -> NoReturn:
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # sys.exit("message") prints it and exits 1
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader has gone (| head), or the stream is closed
            pass
    os._exit(code or 0)
