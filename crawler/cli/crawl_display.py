"""What ``pricewatch crawl`` shows: a live table while it runs, a summary per source at the end.

Both are drawn from the crawlers' stats (docs/spiders.md, "Stats keys"); errors logged during the
run (such as "the API refused this app … check env JD_APP_SECRET") are listed under the table.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

COLUMNS = ("api", "page", "rendered", "blocked", "rejected", "fallback", "disagree", "indexed")


def counts(platform: str, stats: Mapping[str, Any]) -> dict[str, int]:
    """One row of numbers for ``platform`` from its spider's stats."""
    prefix = f"pricewatch/{platform}/"

    def total(part: str) -> int:
        return sum(int(v) for k, v in stats.items() if k.startswith(prefix + part)
                   and isinstance(v, int) and not isinstance(v, bool))

    return {
        "api": int(stats.get(prefix + "source/api", 0)),
        "page": int(stats.get(prefix + "source/page", 0)),
        "rendered": int(stats.get(prefix + "source/rendered", 0)),
        "blocked": int(stats.get(prefix + "blocked", 0)),
        "rejected": int(stats.get("item_dropped_count", 0)) + total("rejected/"),
        "fallback": total("fallback/"),
        "disagree": total("disagreement/"),
        "indexed": int(stats.get("pricewatch/index/written", 0)),
    }


def table(stats: Mapping[str, Mapping[str, Any]], title: str) -> Table:
    out = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                pad_edge=False, collapse_padding=True)
    out.add_column("platform", no_wrap=True)
    for column in COLUMNS:
        out.add_column(column, justify="right", no_wrap=True)
    totals = dict.fromkeys(COLUMNS, 0)
    for platform, one in stats.items():
        row = counts(platform, one)
        for key, value in row.items():
            totals[key] += value
        reason = one.get("finish_reason")
        state = "" if reason in (None, "finished") else f" ({reason})"
        out.add_row(escape(platform + state), *(str(row[c]) for c in COLUMNS))
    if len(stats) > 1:
        out.add_row("total", *(str(totals[c]) for c in COLUMNS), style="bold")
    return out


class ErrorLog(logging.Handler):
    """Keeps the first error messages of the run, to show them with the table."""

    def __init__(self, keep: int = 8) -> None:
        super().__init__(level=logging.ERROR)
        self.keep = keep
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.messages) < self.keep:
            self.messages.append(record.getMessage().splitlines()[0][:300])


def live_view(stats: Mapping[str, Mapping[str, Any]], errors: ErrorLog) -> Group:
    parts: list[Any] = [table(stats, "crawling…")]
    parts.extend(Text(f"error: {m}", style="red") for m in errors.messages)
    return Group(*parts)
