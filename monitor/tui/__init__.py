"""The terminal UI (Textual): groups, stories and claims at a glance, live while the poller runs.

Only this package imports Textual; the core (`monitor.*`) never does. `app.run()` is the entry
point the CLI calls.
"""
