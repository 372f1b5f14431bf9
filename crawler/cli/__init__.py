"""The ``pricewatch`` command. Each command group lives in its own module and is registered here."""

from __future__ import annotations

import logging
import sys

import click
from rich.markup import escape

from crawler.cli.context import AppContext, console, err_console
from crawler.errors import PricewatchError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="pricewatch.toml to read (default: $PRICEWATCH_CONFIG or ./pricewatch.toml).")
@click.option("-v", "--verbose", is_flag=True, help="Log more (to stderr).")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """Price and catalog monitoring: crawl marketplaces, index, compare, alert."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = AppContext(config_path)


def _register() -> None:
    from crawler.cli import alerts, crawl, demo, es, fixtures, matches, schedule, search, web

    for group in (es.es, demo.demo, matches.matches, *search.COMMANDS, *schedule.COMMANDS,
                  *alerts.COMMANDS, web.web, fixtures.fixtures, *crawl.COMMANDS):
        cli.add_command(group)


_register()


def main() -> None:
    """Entry point: known errors are printed with their fix, without a traceback."""
    try:
        cli.main(standalone_mode=False)
    except PricewatchError as exc:
        # Messages quote logs and scraped text: escape them, never read them as rich markup.
        err_console.print(f"[bold red]error:[/] {escape(exc.message)}", highlight=False,
                          soft_wrap=True)
        if exc.hint:
            err_console.print(f"  [yellow]→[/] {escape(exc.hint)}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except click.exceptions.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


__all__ = ["cli", "console", "main"]
