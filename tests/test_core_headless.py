"""The headless core never imports Textual: cron's `monitor poll` must not pay for (or depend
on) the UI. Every module under monitor/ except monitor/tui/ is imported in a fresh interpreter."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import monitor

PROBE = """
import importlib, json, sys
failed = {}
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed[name] = f"{type(exc).__name__}: {exc}"
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(json.dumps({"failed": failed, "textual": loaded[:5]}))
"""


def core_modules() -> list[str]:
    names = [
        info.name
        for info in pkgutil.walk_packages(monitor.__path__, "monitor.")
        if not info.name.startswith("monitor.tui")
    ]
    return ["monitor", *sorted(names)]


def test_core_modules_are_found() -> None:
    names = core_modules()
    for expected in ("monitor.cli", "monitor.poller", "monitor.config", "monitor.queries"):
        assert expected in names


def test_core_never_imports_textual() -> None:
    names = core_modules()
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *names], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["failed"] == {}
    assert report["textual"] == [], f"textual was imported by the core: {report['textual']}"


def test_cli_help_does_not_import_textual() -> None:
    code = (
        "import sys\nfrom monitor.cli import cli\n"
        "try:\n    cli(['--help'], prog_name='monitor')\nexcept SystemExit:\n    pass\n"
        "print('TEXTUAL' if 'textual' in sys.modules else 'CLEAN')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == "CLEAN", result.stderr
