"""Poll speed and memory: `monitor poll` against newsboat on the same local feeds.

    .venv/bin/python bench/poll.py [--feeds 300] [--items 30] [--repeat 3] [--change 0.1]

Starts bench/feedserver.py in-process on 127.0.0.1 (synthetic RSS, ETag/Last-Modified, 304s;
no other network), then for each tool and each repeat, in a fresh temporary directory:

- cold:    first poll into an empty database / cache (every feed 200, every item new);
- (2nd poll, not timed: newsboat only stores ETag/Last-Modified from its second fetch on);
- warm:    third poll, feeds unchanged, so every request is a conditional GET answered 304;
- changed: fourth poll after a share (--change) of the feeds got a few new items.

The tools are run as `monitor poll --all -q --config X --db Y` (the venv's console script) and
`newsboat -x reload -u urls -c cache.db -C config` with `reload-threads 8` and HOME pointed at
the temporary directory, so nothing of the user's is read or written. The repeats alternate
between the tools so that drift in the machine's speed hits both alike.

Each timed command runs under a small wrapper process (a fresh interpreter) that reports wall
time, `getrusage(RUSAGE_CHILDREN).ru_maxrss` (the largest resident set of any one process of
the command's tree: the wrapper is a child subreaper, so forked helpers that outlive their
parent are still reaped and counted) and the sum of the tree's proportional set sizes, sampled
every 0.05 s (for monitor with parse workers this is the figure that counts them together).

Prints the stored story counts after a cold run (stories in monitor, rss_item in newsboat;
both should be feeds × items), the HTTP statuses each run got, the medians, the ratios
monitor/newsboat and whether the targets from issue 2 hold: poll time ≤ 1.0× newsboat's,
peak RSS < 200 MB. Figures only: a miss is reported, never raised.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedserver import NEW_ITEMS_PER_CHANGE, BenchFeedServer, SyntheticFeeds  # noqa: E402

TIME_TARGET = 1.0  # monitor's poll time / newsboat's
RSS_TARGET_MB = 200.0
PHASES = ("cold", "warm", "changed")

# Runs one command and prints {"wall", "maxrss_kb", "tree_kb", "rc"} as JSON on its last line.
# It is a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so descendants orphaned by the command
# are re-parented to it and reaped here, and their ru_maxrss is counted in RUSAGE_CHILDREN.
WRAPPER = r"""
import ctypes, json, os, resource, signal, subprocess, sys, threading, time

spec = json.loads(sys.argv[1])
try:
    ctypes.CDLL(None, use_errno=True).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
except (OSError, AttributeError):
    pass

def tree_kb(root):  # PSS of root's descendants (not root itself), in kB
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    parents[int(name)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    members, todo = set(), [root]
    while todo:
        pid = todo.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        members.update(children)
        todo.extend(children)
    total = 0
    for pid in members:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, ValueError, IndexError):
            pass
    return total

with open(spec["stdout"], "wb") as out, open(spec["stderr"], "wb") as err:
    started = time.perf_counter()
    proc = subprocess.Popen(
        spec["cmd"], env=spec["env"], cwd=spec["cwd"], stdin=subprocess.DEVNULL,
        stdout=out, stderr=err, start_new_session=True,
    )
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.wait(0.05):
            peak[0] = max(peak[0], tree_kb(os.getpid()))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        rc = proc.wait(timeout=spec["timeout"])
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        rc = "timeout"
    wall = time.perf_counter() - started
    done.set()
    thread.join()
    deadline = time.monotonic() + 10
    while True:  # reap orphaned descendants (parse workers); kill them after 10 s
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if time.monotonic() > deadline:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                deadline = float("inf")
            time.sleep(0.01)
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "maxrss_kb": maxrss, "tree_kb": peak[0], "rc": rc}))
"""


@dataclass
class Run:
    wall: float
    maxrss_mb: float
    tree_mb: float
    statuses: Counter[int]
    enrich: float = 0.0  # monitor: seconds spent tagging, grouping and claiming (--json summary)


@dataclass
class Tool:
    name: str
    runs: dict[str, list[Run]] = field(default_factory=lambda: {phase: [] for phase in PHASES})
    stored: list[int] = field(default_factory=list)
    complaints: list[str] = field(default_factory=list)

    def median(self, phase: str) -> float:
        return statistics.median(run.wall for run in self.runs[phase])

    def median_enrich(self, phase: str) -> float:
        return statistics.median(run.enrich for run in self.runs[phase])

    def peak_mb(self) -> float:
        return max(run.maxrss_mb for runs in self.runs.values() for run in runs)

    def tree_mb(self) -> float:
        return max(run.tree_mb for runs in self.runs.values() for run in runs)


class BenchError(Exception):
    pass


def measure(
    cmd: list[str], env: dict[str, str], cwd: Path, label: str, timeout: float
) -> tuple[float, float, float, str | None, float]:
    """Wall seconds, ru_maxrss MB, sampled tree PSS MB of one run of `cmd`, the complaint of a
    monitor poll that ran through but had failed feeds (exit code 1) else None, and monitor's
    seconds spent tagging/grouping/claiming (0 for newsboat)."""
    spec = {
        "cmd": cmd,
        "env": env,
        "cwd": str(cwd),
        "timeout": timeout,
        "stdout": str(cwd / f"{label}.out"),
        "stderr": str(cwd / f"{label}.err"),
    }
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=timeout + 60,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"{label}: the measuring wrapper failed:\n{done.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    err = (cwd / f"{label}.err").read_text(errors="replace")
    complaint = None
    summary = _monitor_summary(cwd / f"{label}.out") if label.startswith("monitor") else None
    report["enrich"] = summary.get("enrich_seconds", 0.0) if summary else 0.0
    if report["rc"] == 1 and summary and summary.get("feeds_failed"):
        failed = [f for f in summary["feeds"] if f["status"] in ("error", "gone", "retry_later")]
        complaint = f"{len(failed)} feed(s) failed, e.g. {failed[0]['url']}: {failed[0]['error']}"
    elif report["rc"] != 0:
        out = (cwd / f"{label}.out").read_text(errors="replace")[-2000:]
        raise BenchError(
            f"{label}: {' '.join(cmd)} exited with {report['rc']}\n{err[-2000:]}{out}".rstrip()
        )
    return (
        report["wall"],
        report["maxrss_kb"] / 1024,
        report["tree_kb"] / 1024,
        complaint,
        float(report["enrich"]),
    )


def _monitor_summary(path: Path) -> dict[str, Any] | None:
    try:
        summary: dict[str, Any] = json.loads(path.read_text(errors="replace"))
    except (OSError, ValueError):
        return None
    return summary


def count_rows(db: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def monitor_setup(
    work: Path, urls: list[str], concurrency: int, topics: Any
) -> tuple[list[str], Path]:
    import yaml

    settings: dict[str, Any] = {
        "feeds": [{"url": url} for url in urls],
        # Every feed is on 127.0.0.1: the per-host cap (default 4, for politeness to real
        # servers) would otherwise be the whole limit; newsboat has none.
        "poll": {"concurrency": concurrency, "per_host": min(concurrency, 64)},
    }
    if topics is not None:
        settings["topics"] = topics
    config = work / "feeds.yaml"
    config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    db = work / "monitor.db"
    exe = Path(sys.executable).parent / "monitor"
    if not exe.exists():
        found = shutil.which("monitor")
        if found is None:
            raise BenchError("no monitor console script next to this python; run `make setup`")
        exe = Path(found)
    # --json instead of -q: the same work, plus the summary with the time spent grouping.
    return [str(exe), "poll", "--all", "--json", "--config", str(config), "--db", str(db)], db


def newsboat_setup(work: Path, urls: list[str], newsboat: str) -> tuple[list[str], Path]:
    (work / "urls").write_text("".join(f"{url}\n" for url in urls), encoding="utf-8")
    (work / "config").write_text("reload-threads 8\n", encoding="utf-8")
    db = work / "cache.db"
    cmd = [newsboat, "-x", "reload", "-u", "urls", "-c", str(db), "-C", "config"]
    return cmd, db


def repo_topics() -> Any:
    """The topics section of the repository's feeds.yaml, so ingest tags as a real poll does."""
    import yaml

    try:
        data = yaml.safe_load((ROOT / "feeds.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    return data.get("topics") if isinstance(data, dict) else None


def one_round(
    tool: Tool,
    server: BenchFeedServer,
    args: argparse.Namespace,
    newsboat: str,
    topics: Any,
    repeat: int,
    expected: int,
) -> None:
    server.feeds.reset()
    server.take_stats()
    with tempfile.TemporaryDirectory(prefix=f"bench-poll-{tool.name}-") as tmp:
        work = Path(tmp)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(work),
            "LANG": "C.UTF-8",
            "TERM": "dumb",
            "NO_PROXY": "*",
        }
        if tool.name == "monitor":
            cmd, db = monitor_setup(work, server.urls(), args.concurrency, topics)
            table = "stories"
        else:
            cmd, db = newsboat_setup(work, server.urls(), newsboat)
            table = "rss_item"
        for number, phase in enumerate(("cold", "second", "warm", "changed"), start=1):
            if phase == "changed":
                server.feeds.change(args.change, seed=repeat)
            label = f"{tool.name}-{number}-{phase}"
            wall, maxrss, tree, complaint, enrich = measure(cmd, env, work, label, args.timeout)
            statuses = server.take_stats()
            if complaint:
                tool.complaints.append(f"repeat {repeat + 1}, run {number} ({phase}): {complaint}")
                print(f"  ! {tool.name} run {number} {phase}: {complaint}", flush=True)
            if phase == "cold":
                stored = count_rows(db, table)
                tool.stored.append(stored)
                if stored != expected:
                    print(f"  ! {tool.name} stored {stored} items after a cold run, not {expected}")
            if phase != "second":
                tool.runs[phase].append(Run(wall, maxrss, tree, statuses, enrich))
            if args.verbose or repeat == 0:
                codes = ", ".join(f"{n}×{code}" for code, n in sorted(statuses.items()))
                grouping = f"  (grouping {enrich:.2f} s)" if enrich else ""
                print(
                    f"  {tool.name:<8} run {number} {phase:<7} {wall:6.2f} s  "
                    f"maxrss {maxrss:5.0f} MB  tree {tree:5.0f} MB  HTTP {codes}{grouping}",
                    flush=True,
                )


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b > 0 else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3, help="runs per phase; medians are shown")
    parser.add_argument(
        "--change", type=float, default=0.1, help="share of feeds changed before the 4th poll"
    )
    parser.add_argument(
        "--concurrency", type=int, default=16, help="monitor's poll.concurrency (default 16)"
    )
    parser.add_argument("--no-topics", action="store_true", help="poll without the repo's topics")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per poll")
    parser.add_argument("--newsboat", default=shutil.which("newsboat") or "/usr/bin/newsboat")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every run")
    args = parser.parse_args(argv)
    if args.feeds < 1 or args.items < 1 or args.repeat < 1:
        parser.error("--feeds, --items and --repeat must be at least 1")
    if not 1 <= args.concurrency <= 64:
        parser.error("--concurrency must be between 1 and 64")
    if not Path(args.newsboat).exists():
        print(f"newsboat not found at {args.newsboat} (apt-get install newsboat)", file=sys.stderr)
        return 2
    version = subprocess.run(
        [args.newsboat, "-v"], capture_output=True, text=True, check=False
    ).stdout.split(" - ")[0]
    topics = None if args.no_topics else repo_topics()
    expected = args.feeds * args.items

    print(
        f"Poll of {args.feeds} feeds × {args.items} items from a local server (127.0.0.1), "
        f"median of {args.repeat}"
    )
    print(
        f"monitor: poll.concurrency {args.concurrency}, poll.per_host {args.concurrency} "
        "(raised from 4: every feed is on one host), parse_workers default, topics "
        + ("from feeds.yaml" if topics is not None else "none")
    )
    print(f"{version}: reload-threads 8 (no per-host cap)")
    tools = [Tool("monitor"), Tool("newsboat")]
    started = time.monotonic()
    with BenchFeedServer(SyntheticFeeds(args.feeds, args.items)) as server:
        try:
            for repeat in range(args.repeat):
                order = tools if repeat % 2 == 0 else tools[::-1]
                for tool in order:
                    one_round(tool, server, args, args.newsboat, topics, repeat, expected)
        except BenchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    monitor, newsboat = tools
    print(f"\nStored after a cold run (expected {expected}):")
    for tool in tools:
        table = "stories" if tool.name == "monitor" else "rss_item"
        print(f"  {tool.name:<8} {table:<8} {', '.join(map(str, tool.stored))}")

    header = f"{'':<18}{'cold s':>9}{'warm s':>9}{'changed s':>11}{'peak RSS MB':>13}{'tree MB':>9}"
    print(f"\n{header}")
    for tool in tools:
        print(
            f"{tool.name:<18}{tool.median('cold'):>9.2f}{tool.median('warm'):>9.2f}"
            f"{tool.median('changed'):>11.2f}{tool.peak_mb():>13.0f}{tool.tree_mb():>9.0f}"
        )
    print(
        f"{'monitor/newsboat':<18}"
        f"{ratio(monitor.median('cold'), newsboat.median('cold')):>9}"
        f"{ratio(monitor.median('warm'), newsboat.median('warm')):>9}"
        f"{ratio(monitor.median('changed'), newsboat.median('changed')):>11}"
        f"{ratio(monitor.peak_mb(), newsboat.peak_mb()):>13}"
        f"{ratio(monitor.tree_mb(), newsboat.tree_mb()):>9}"
    )
    print(
        f"{'  of which grouping':<18}{monitor.median_enrich('cold'):>9.2f}"
        f"{monitor.median_enrich('warm'):>9.2f}{monitor.median_enrich('changed'):>11.2f}"
    )
    print(
        "(grouping: monitor's time tagging, grouping and marking claims, which newsboat does not\n"
        f" do; part of it overlaps with fetching. changed: {args.change:.0%} of feeds with {NEW_ITEMS_PER_CHANGE} new items each; peak RSS: largest "
        "single process, ru_maxrss; tree: sum of PSS over the process tree, sampled)"
    )

    print("\nTargets (issue 2):")
    for phase in ("cold", "warm"):
        value = monitor.median(phase) / newsboat.median(phase)
        verdict = "met" if value <= TIME_TARGET else "NOT met"
        print(f"  {phase} poll ≤ {TIME_TARGET:.1f}× newsboat: {value:.2f}× — {verdict}")
    peak = max(monitor.peak_mb(), monitor.tree_mb())
    verdict = "met" if peak < RSS_TARGET_MB else "NOT met"
    print(f"  monitor peak RSS < {RSS_TARGET_MB:.0f} MB: {peak:.0f} MB — {verdict}")
    if monitor.complaints:
        print(
            f"  (monitor had failed feeds in {len(monitor.complaints)} poll(s); those figures "
            "count a feed that gave up, see above)"
        )
    print(f"\n({time.monotonic() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
