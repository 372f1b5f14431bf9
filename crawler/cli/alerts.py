"""``pricewatch alerts [--since] [--rule] [--pending]``, ``alerts test CHANNEL``, ``alerts retry``,
``alerts watch add|list|remove`` (saved searches for new-listing alerts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from rich.markup import escape
from rich.table import Table

from crawler.cli.context import AppContext, console
from crawler.config import ConfigError


def _since(text: str | None) -> datetime | None:
    """``2h``, ``3d``, ``45m`` ago, or an ISO date/time (UTC when it names no zone)."""
    if not text:
        return None
    units = {"m": "minutes", "h": "hours", "d": "days"}
    if text[:-1].isdigit() and text[-1] in units:
        return datetime.now(UTC) - timedelta(**{units[text[-1]]: int(text[:-1])})
    try:
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise click.BadParameter("use 45m, 2h, 3d or an ISO date such as 2026-11-01") from exc
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@click.group(invoke_without_command=True)
@click.option("--since", default=None, help="Only alerts since: 45m, 2h, 3d or an ISO date.")
@click.option("--rule", default=None, help="Only this rule's alerts.")
@click.option("--pending", is_flag=True, help="Only alerts not yet delivered everywhere.")
@click.option("--limit", default=50, show_default=True)
@click.pass_context
def alerts(ctx: click.Context, since: str | None, rule: str | None, pending: bool,
           limit: int) -> None:
    """Alerts that fired: what, when, old → new, delivery status."""
    if ctx.invoked_subcommand is not None:
        return
    from crawler.alerts.store import AlertStore

    app: AppContext = ctx.obj
    found = AlertStore(app.client(), app.names).search(since=_since(since), rule=rule,
                                                       pending=pending, size=limit)
    table = Table("fired (UTC)", "rule", "listing", "old", "new", "status", "channels", "message")
    for doc in found:
        channels = ", ".join(f"{name}:{entry.get('status')}"
                             for name, entry in doc.get("deliveries", {}).items())
        table.add_row(doc["fired_at"][:19], escape(doc["rule"]), escape(doc["listing_id"]),
                      escape(str(doc.get("old_value", ""))), escape(str(doc.get("new_value", ""))),
                      doc["status"], escape(channels), escape(doc.get("message", "")))
    console.print(table)


@alerts.command("test")
@click.argument("channel")
@click.pass_obj
def test_channel(app: AppContext, channel: str) -> None:
    """Send a test message to CHANNEL."""
    from crawler.alerts.deliver import Deliverer

    channels = app.config.alerts.channels
    if channel not in channels:
        raise ConfigError(f"no alerts channel {channel!r}",
                          f"defined: {', '.join(sorted(channels)) or 'none'}")
    Deliverer(channels).send(channel, [], kind="test")
    console.print(f"test message sent to {escape(channel)}")


@alerts.command()
@click.pass_obj
def retry(app: AppContext) -> None:
    """Deliver pending alerts now (runs also do this at start and end)."""
    from crawler.alerts.service import AlertService

    service = AlertService(app.config, app.client(), app.names)
    count = service.retry_pending()
    console.print(f"{count} pending alert(s) tried")


@alerts.group()
def watch() -> None:
    """Saved searches: a new listing matching one fires new_listing rules."""


@watch.command("add")
@click.argument("name")
@click.argument("text")
@click.option("--platform", "platforms", multiple=True)
@click.option("--brand", "brands", multiple=True)
@click.option("--tag", "tags", multiple=True)
@click.pass_obj
def watch_add(app: AppContext, name: str, text: str, platforms: tuple[str, ...],
              brands: tuple[str, ...], tags: tuple[str, ...]) -> None:
    """Save the search TEXT (all words, in titles) as NAME."""
    from crawler.alerts.watches import WatchStore

    WatchStore(app.client(), app.names).add(
        name, text, {"platforms": list(platforms), "brands": list(brands)}, tags)
    console.print(f"saved search {escape(name)}")


@watch.command("list")
@click.pass_obj
def watch_list(app: AppContext) -> None:
    from crawler.alerts.watches import WatchStore

    table = Table("name", "text", "filters", "tags")
    for item in WatchStore(app.client(), app.names).list():
        table.add_row(escape(item.name), escape(item.text), escape(str(item.filters)),
                      escape(", ".join(item.tags)))
    console.print(table)


@watch.command("remove")
@click.argument("name")
@click.pass_obj
def watch_remove(app: AppContext, name: str) -> None:
    from crawler.alerts.watches import WatchStore

    WatchStore(app.client(), app.names).remove(name)
    console.print(f"removed saved search {escape(name)}")


COMMANDS = (alerts,)
