"""One ``pricewatch crawl``: which spiders, with which settings, in one Scrapy process.

The spiders run side by side in one ``AsyncCrawlerProcess`` (one reactor per process: tests and
the scheduler run it in a subprocess). ``on_tick`` is called every half second with the stats of
each crawler (the CLI draws its live display from them). When ``PRICEWATCH_RUN_STATS_FILE`` is set,
the stats of all spiders, summed, are written there at the end (``pipelines/runstats.py`` writes
one spider's stats; several spiders in one process would overwrite each other).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.config import Config, ConfigError
from crawler.ladder.setup import watchlist_names
from crawler.platforms import registry

logger = logging.getLogger(__name__)

Tick = Callable[[dict[str, dict[str, Any]]], None]


@dataclass
class CrawlResult:
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Spider name → its final stats."""
    failed: list[str] = field(default_factory=list)
    """Spiders that did not finish (could not start, or closed for another reason)."""


def choose_spiders(config: Config, platforms: Sequence[str], watchlist: str | None,
                   fixtures: bool, spiders: Sequence[str]) -> list[str]:
    """The spiders to run: the ones named, else those the watchlist/config/fixtures call for."""
    known = [p for p in registry.KNOWN if p in spiders]
    if platforms:
        unknown = [p for p in platforms if p not in spiders]
        if unknown:
            raise ConfigError(f"no spider for {', '.join(unknown)}",
                              f"spiders available: {', '.join(known) or 'none'}")
        return list(dict.fromkeys(platforms))
    if watchlist is not None:
        wanted = {w.platform for w in config.watch if w.name == watchlist}
        if not wanted:
            names = ", ".join(watchlist_names(config)) or "none"
            raise ConfigError(f"no [[watch]] is named {watchlist!r}", f"watchlists: {names}")
    elif fixtures:
        wanted = set(registry.available())
    else:
        wanted = {w.platform for w in config.watch}
    chosen = [p for p in known if p in wanted]
    if not chosen:
        raise ConfigError("nothing to crawl", "add [[watch]] entries to pricewatch.toml, name "
                          "platforms, or pass --fixtures URL")
    return chosen


def crawl_settings(config: Config, *, config_path: str | None, fixtures: str | None,
                   watchlist: str | None, extra: Mapping[str, Any]) -> Any:
    """The Scrapy settings of the run: the project's, the config's slots, this run's choices."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    from crawler.settings import download_slots

    settings = get_project_settings()
    settings.set("DOWNLOAD_SLOTS", download_slots(config), priority="cmdline")
    if config_path:
        settings.set("PRICEWATCH_CONFIG_FILE", config_path, priority="cmdline")
    if fixtures:
        settings.set("PRICEWATCH_FIXTURES", fixtures, priority="cmdline")
    if watchlist:
        settings.set("PRICEWATCH_WATCHLIST", watchlist, priority="cmdline")
    for name, value in extra.items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(settings: Any, spiders: Sequence[str], on_tick: Tick | None = None) -> CrawlResult:
    """Run ``spiders`` in one process until all are closed."""
    from scrapy.crawler import AsyncCrawlerProcess
    from twisted.internet import task

    process = AsyncCrawlerProcess(settings)
    for name in spiders:
        process.crawl(name)
    crawlers = {c.spidercls.name: c for c in process.crawlers}  # type: ignore[attr-defined]
    ticker = None
    if on_tick is not None:
        ticker = task.LoopingCall(lambda: on_tick(current_stats(crawlers)))
        ticker.start(0.5, now=False)
    process.start()
    if ticker is not None and ticker.running:
        ticker.stop()
    result = CrawlResult(stats=current_stats(crawlers))
    result.failed = [name for name in spiders
                     if result.stats.get(name, {}).get("finish_reason") != "finished"]
    path = settings.get("PRICEWATCH_RUN_STATS_FILE")
    if path:
        write_stats(Path(path), result)
    return result


def current_stats(crawlers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for name, crawler in crawlers.items():
        try:
            out[name] = dict(crawler.stats.get_stats())
        except (RuntimeError, AttributeError):  # not started yet
            out[name] = {}
    return out


def merged(stats: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The stats of several spiders as one: numbers summed, lists joined, the rest: the last."""
    total: dict[str, Any] = {}
    for one in stats.values():
        for key, value in one.items():
            if isinstance(value, bool) or not isinstance(value, int | float | list):
                total[key] = value
            elif key in total and isinstance(total[key], list):
                total[key] = [*total[key], *value]
            elif key in total and isinstance(total[key], int | float) and not isinstance(
                    value, list):
                total[key] = total[key] + value
            else:
                total[key] = value
    return total


def write_stats(path: Path, result: CrawlResult) -> None:
    from pipelines.runstats import json_safe

    record = {"spider": ",".join(result.stats), "reason": "failed" if result.failed
              else "finished", "spiders": json_safe(result.stats),
              "stats": json_safe(merged(result.stats))}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
    partial.replace(path)
