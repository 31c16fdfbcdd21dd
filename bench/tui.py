"""Benchmark the terminal UI on a large database: first screen, scroll/page/jump repaints, memory.

    .venv/bin/python bench/tui.py                 # 100,000 stories, grouped and ungrouped
    .venv/bin/python bench/tui.py --stories 20000 --shape flat

For each database shape it starts a fresh interpreter (as `monitor` would start), runs the app
headless at 120×40 and prints:

- first screen: `monitor tui --no-poll` launched in a pseudo-terminal until the first group's
  title has been written to it (several sizes), and the headless app until its first frame;
- repaint: for each key (scroll, page, jump, filter, search), the time from the key press until
  the next full frame is composed, as median and worst;
- memory: resident set size at the end and its peak.

Targets (issue 5): first screen < 1.5 s, every repaint < 0.5 s, RSS < 300 MB. The synthetic
databases are generated once (monitor.tui.sample) and cached in --cache-dir.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)
SHAPES = {"grouped": 0.75, "flat": 0.0}
TARGET_FIRST = 1.5
TARGET_REPAINT = 0.5
TARGET_RSS_MB = 300
TERMINALS = [(120, 40), (120, 40), (80, 24), (200, 60)]

KEYS: list[tuple[str, list[str]]] = [
    ("down ×30", ["j"] * 30),
    ("page down ×20", ["pagedown"] * 20),
    ("page up ×5", ["pageup"] * 5),
    ("end (last row)", ["G"]),
    ("page up at end ×3", ["pageup"] * 3),
    ("home", ["g"]),
    ("unread filter", ["u"]),
    ("page down (filtered) ×5", ["pagedown"] * 5),
    ("filter off", ["u"]),
    ("tag 1", ["1"]),
    ("tag off", ["0"]),
    ("stories pane + down ×3", ["l", "j", "j", "j"]),
    ("back to groups", ["h"]),
]


def build(path: Path, stories: int, grouped: float) -> float:
    sys.path.insert(0, str(ROOT))
    from monitor.db import connect
    from monitor.tui.sample import fill

    started = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    for leftover in tmp.parent.glob(tmp.name + "*"):
        leftover.unlink()
    conn = connect(tmp)
    fill(conn, stories=stories, now=NOW, grouped=grouped, days=30)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    tmp.rename(path)
    return time.perf_counter() - started


_ANSI = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)"
)


def first_title(db: Path) -> str:
    sys.path.insert(0, str(ROOT))
    from monitor import queries
    from monitor.db import connect

    conn = connect(db, migrate=False)
    query = queries.GroupQuery(conn, queries.Filters(), NOW)
    title = query.page_after(None, 1)[0].title
    conn.close()
    return title


def first_screen_in_a_terminal(db: Path, config: Path, size: tuple[int, int]) -> float:
    """Launch `monitor tui --no-poll` in a pseudo-terminal, as a user would, and time until the
    first group's title has been written to the terminal."""
    want = first_title(db)[:12]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(size[0]), LINES=str(size[1]))
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("monitor")), "tui", "--no-poll",
         "--config", str(config), "--db", str(db)],
        stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
    )  # fmt: skip
    os.close(slave)
    seen = ""
    elapsed = float("nan")
    deadline = started + 30
    try:
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            seen += _ANSI.sub("", chunk.decode("utf-8", "replace"))
            if want in seen:
                elapsed = time.perf_counter() - started
                break
        os.write(master, b"q")
        quit_by = time.perf_counter() + 10
        while proc.poll() is None and time.perf_counter() < quit_by:  # drain until it exits
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
        proc.wait(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return elapsed


def rss_mb() -> tuple[float, float]:
    values = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                values[key] = int(value.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


async def child(db: Path, launched: float) -> dict[str, object]:
    from monitor.config import settings_from_data
    from monitor.tui.app import MonitorApp
    from monitor.tui.main import MainScreen

    settings = settings_from_data({"poll": {"parse_workers": 0}}, "bench")
    app = MonitorApp(settings, Path("feeds.yaml"), db, poll=False, clock=lambda: NOW)

    def frame() -> str:
        return "\n".join(s.text for s in app.screen._compositor.render_strips())

    results: dict[str, object] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        while True:
            first = screen.groups.current
            if first is not None and first.title[:15] in frame():
                break
            await pilot.pause()
        results["first_screen"] = time.time() - launched
        results["rows"] = screen.groups.row_count
        timings: list[tuple[str, float, float]] = []
        for label, keys in KEYS:
            each = []
            for key in keys:
                started = time.perf_counter()
                await pilot.press(key)
                frame()
                each.append(time.perf_counter() - started)
            timings.append((label, statistics.median(each), max(each)))
        # dragging the scrollbar to the middle: an offset jump into unloaded pages
        started = time.perf_counter()
        screen.groups.scroll_to(y=screen.groups.row_count // 2, animate=False, immediate=True)
        await pilot.pause()
        frame()
        jump = time.perf_counter() - started
        timings.append(("scrollbar jump to middle", jump, jump))
        # live search, as typed
        await pilot.press("slash")
        each = []
        for key in "llama":
            started = time.perf_counter()
            await pilot.press(key)
            await screen.workers.wait_for_complete()
            frame()
            each.append(time.perf_counter() - started)
        started = time.perf_counter()
        screen.set_filters(screen.filters.with_(search="llama"))
        frame()
        each.append(time.perf_counter() - started)
        timings.append(("search 'llama' (keys + query)", statistics.median(each), max(each)))
        started = time.perf_counter()
        app.announce_change()
        await pilot.pause()
        frame()
        refresh = time.perf_counter() - started
        timings.append(("live refresh (DatabaseChanged)", refresh, refresh))
        results["timings"] = timings
        results["loads"] = screen.groups.source.loads if screen.groups.source else 0
    rss, peak = rss_mb()
    results["rss_mb"] = rss
    results["peak_rss_mb"] = peak
    return results


def report(shape: str, stories: int, result: dict[str, object], terminal: list[float]) -> bool:
    ok = True
    print(f"\n== {stories:,} stories, {shape}: {result['rows']:,} rows in the groups list")
    worst = max(terminal)
    mark = "ok" if worst < TARGET_FIRST else "SLOW"
    ok &= worst < TARGET_FIRST
    sizes = ", ".join(
        f"{w}x{h} {t * 1000:.0f}" for (w, h), t in zip(TERMINALS, terminal, strict=True)
    )
    print(
        f"first screen, `monitor tui` in a pty (ms): {sizes}   (< {TARGET_FIRST * 1000:.0f})  {mark}"
    )
    first = float(result["first_screen"])  # type: ignore[arg-type]
    mark = "ok" if first < TARGET_FIRST else "SLOW"
    ok &= first < TARGET_FIRST
    print(f"first screen, headless app from launch: {first * 1000:.0f} ms  {mark}")
    print(f"{'repaint after':<28} {'median':>8} {'worst':>9}")
    for label, median, worst in result["timings"]:  # type: ignore[attr-defined]
        mark = "ok" if worst < TARGET_REPAINT else "SLOW"
        ok &= worst < TARGET_REPAINT
        print(f"  {label:<30} {median * 1000:6.0f} ms {worst * 1000:6.0f} ms  {mark}")
    rss, peak = float(result["rss_mb"]), float(result["peak_rss_mb"])  # type: ignore[arg-type]
    mark = "ok" if peak < TARGET_RSS_MB else "HIGH"
    ok &= peak < TARGET_RSS_MB
    print(f"memory: RSS {rss:.0f} MB, peak {peak:.0f} MB   (< {TARGET_RSS_MB})  {mark}")
    print(f"SQL pages read: {result['loads']}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--shape", choices=[*SHAPES, "both"], default="both")
    parser.add_argument(
        "--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "monitor-bench-tui"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--launched", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(child(args.child, args.launched))))
        return 0

    args.cache_dir.mkdir(parents=True, exist_ok=True)
    shapes = list(SHAPES) if args.shape == "both" else [args.shape]
    all_ok = True
    for shape in shapes:
        db = args.cache_dir / f"tui-{args.stories}-{shape}.db"
        if not db.exists():
            seconds = build(db, args.stories, SHAPES[shape])
            print(f"generated {db} in {seconds:.1f} s")
        config = args.cache_dir / "feeds.yaml"
        config.write_text("feeds: []\n", encoding="utf-8")
        first_screen_in_a_terminal(db, config, (120, 40))  # warm-up: migrations, file cache
        terminal = [first_screen_in_a_terminal(db, config, size) for size in TERMINALS]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        launched = time.time()
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(db), "--launched", str(launched)],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        if done.returncode != 0:
            print(done.stderr[-4000:], file=sys.stderr)
            return 1
        result = json.loads(done.stdout.strip().splitlines()[-1])
        all_ok &= report(shape, args.stories, result, terminal)
    print("\nall targets met" if all_ok else "\nSOME TARGETS MISSED")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
