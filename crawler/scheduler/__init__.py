"""Scheduled crawls: APScheduler wiring (``app``), one process per run (``runner``), the
``runs`` index and the stale report (``runs``), and the command each job runs (``commands``).
See docs/scheduling.md.
"""
