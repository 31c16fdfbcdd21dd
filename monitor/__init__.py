"""monitor: a terminal news monitor for one fast-moving story.

The package is a headless core (config, fetch, parse, store, tag, group, claims, poll, export)
plus `monitor.tui`, a Textual shell that only displays and sends commands. Nothing outside
`monitor.tui` imports Textual, so the cron path starts fast and never needs a terminal.
"""

__version__ = "0.1.0"
