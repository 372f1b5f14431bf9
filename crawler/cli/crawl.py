"""``pricewatch crawl [PLATFORM…]``: run the spiders in one process, with a live display.

``--watchlist NAME`` crawls only the watches of that name; ``--fixtures URL`` points every
platform at a fixture marketplace with its test credentials and a watchlist of its whole catalog
(docs/spiders.md). Logic: ``crawler/crawl_run.py``; display: ``crawl_display.py``.
"""

from __future__ import annotations

import logging

import click
from rich.live import Live
from rich.markup import escape

from crawler.cli.context import AppContext, console
from crawler.cli.crawl_display import ErrorLog, live_view, table
from crawler.crawl_run import choose_spiders, crawl_settings, run_crawl
from crawler.errors import PricewatchError


@click.command()
@click.argument("platforms", nargs=-1)
@click.option("--watchlist", default=None, help="Only the [[watch]] entries with this name.")
@click.option("--fixtures", "fixtures_url", default=None, metavar="URL",
              help="Crawl a fixture marketplace (pricewatch fixtures serve) instead.")
@click.option("--progress/--no-progress", default=True, show_default=True,
              help="Live table while crawling (without it, Scrapy's log goes to stderr).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy setting for this run (repeatable).")
@click.pass_obj
def crawl(app: AppContext, platforms: tuple[str, ...], watchlist: str | None,
          fixtures_url: str | None, progress: bool, overrides: tuple[str, ...]) -> None:
    """Crawl PLATFORM… (default: every platform the watchlist, config or fixtures call for)."""
    extra = dict(_setting(o) for o in overrides)
    if progress:
        extra.setdefault("LOG_LEVEL", "WARNING")
        extra.setdefault("LOG_FILE", str(app.config.state_dir / "logs" / "crawl.log"))
        (app.config.state_dir / "logs").mkdir(parents=True, exist_ok=True)
    settings = crawl_settings(app.config, config_path=app.config_path, fixtures=fixtures_url,
                              watchlist=watchlist, extra=extra)
    from scrapy.spiderloader import get_spider_loader

    spiders = choose_spiders(app.config, platforms, watchlist, fixtures_url is not None,
                             get_spider_loader(settings).list())
    root = logging.getLogger()
    for handler in list(root.handlers):  # the CLI's own stderr handler: Scrapy installs its own
        if type(handler) is logging.StreamHandler:
            root.removeHandler(handler)
    errors = ErrorLog()
    root.addHandler(errors)
    if progress:
        with Live(live_view({s: {} for s in spiders}, errors), console=console,
                  refresh_per_second=4, transient=True) as live:
            result = run_crawl(settings, spiders, lambda s: live.update(live_view(s, errors)))
    else:
        result = run_crawl(settings, spiders)
    console.print(table(result.stats, "crawl summary (listings by source)"))
    for message in errors.messages:
        console.print(f"[red]error:[/] {escape(message)}", highlight=False)
    if progress:
        console.print(f"log: {settings.get('LOG_FILE')}")
    if result.failed:
        raise PricewatchError(f"spider(s) did not finish: {', '.join(result.failed)}",
                              f"see the log{': ' + settings.get('LOG_FILE') if progress else ''}")


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise click.BadParameter(f"{text!r}: expected NAME=VALUE", param_hint="--set")
    return name.strip(), value


COMMANDS = (crawl,)
