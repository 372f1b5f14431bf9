"""Rich renderings of search results, comparisons and histories for the terminal.

Scraped text is untrusted: it goes in as ``Text`` (never parsed as markup) with terminal control
codes stripped, so a title cannot restyle or rewrite the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from crawler.search.models import GroupComparison, History, SearchPage
from crawler.search.money import format_change, format_money, format_percent

BLOCKS = "▁▂▃▄▅▆▇█"
#: C0 and C1 control characters (ESC starts terminal escape sequences), except tab and newline.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(value: object) -> Text:
    """Untrusted text for a table cell."""
    return Text(CONTROL.sub("", "" if value is None else str(value)))


def sparkline(values: Sequence[int | None]) -> str:
    """One block character per value, scaled between the lowest and highest (gaps as spaces)."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1
    return "".join(" " if v is None else BLOCKS[(v - low) * (len(BLOCKS) - 1) // span]
                   for v in values)


def when(value: object) -> str:
    return "—" if value is None else f"{value:%Y-%m-%d %H:%M}"


def render_search(page: SearchPage) -> RenderableType:
    table = Table(title=f"{page.total} listings" + (f" for “{page.query}”" if page.query else ""),
                  title_justify="left")
    for column in ("listing", "title", "platform", "seller", "price", "effective", "stock",
                   "updated"):
        table.add_column(column, overflow="fold")
    for hit in page.hits:
        table.add_row(safe(hit.listing_id), safe(hit.title), safe(hit.platform),
                      safe(hit.seller_name or hit.seller_id),
                      format_money(hit.price_minor, hit.currency),
                      format_money(hit.effective_price_minor, hit.currency),
                      safe(hit.availability), when(hit.fetched_at))
    facets = Text()
    for name, buckets in page.facets.items():
        facets.append(f"{name}: ", style="bold")
        facets.append_text(safe(", ".join(f"{b.label} ({b.count})" for b in buckets) or "—"))
        facets.append("\n")
    shown = f"showing {page.offset + 1}-{page.offset + len(page.hits)}" if page.hits else ""
    return Group(table, Text(shown, style="dim"), facets)


def render_comparison(c: GroupComparison) -> RenderableType:
    """The offers table and the summary lines of one product group."""
    cur = c.basis.currency if c.basis else None
    table = Table(title=Text.assemble(("Group ", "bold"), safe(c.group_id), " — ", safe(c.title)),
                  title_justify="left")
    for column in ("platform", "seller", "price", "effective", "list", "discount", "stock",
                   f"compared ({cur or '—'})", "24 h", "7 d", "sales 30d", "last seen"):
        table.add_column(column, overflow="fold")
    for row in c.offers:
        seller = safe(row.seller_name or row.seller_id)
        if row.is_ours:
            seller.append(" (ours)", style="bold cyan")
        if row.map_breach:
            seller.append(" MAP!", style="bold red")
        table.add_row(
            safe(row.platform), seller, format_money(row.price_minor, row.currency),
            format_money(row.effective_price_minor, row.currency),
            format_money(row.list_price_minor, row.currency), format_percent(row.discount),
            safe(row.availability), _compared(row.compare_minor, cur, row.counted),
            format_change(row.change_24h_minor, cur), format_change(row.change_7d_minor, cur),
            _sales(row.sales_volume, row.sales_volume_7d_ago), when(row.last_seen),
            style=None if row.counted else "dim")
    return Group(table, _summary(c, cur))


def _compared(minor: int | None, currency: str | None, counted: bool) -> str:
    text = format_money(minor, currency)
    return text if counted else f"{text} (not counted)"


def _sales(now: int | None, week_ago: int | None) -> str:
    if now is None:
        return "—"
    if week_ago is None:
        return f"{now:,}"
    return f"{now:,} ({now - week_ago:+,} 7 d)"


def _summary(c: GroupComparison, cur: str | None) -> Text:
    basis = "no comparable price"
    if c.basis:  # kind is "price" or "effective": say "price", "effective price"
        kind = "price" if c.basis.kind == "price" else f"{c.basis.kind} price"
        basis = f"{kind}{' in base currency' if c.basis.base else ''}"
    lines = [
        f"compared: {basis}; {c.counted_offers} of {len(c.offers)} offers counted",
        f"cheapest: {format_money(c.cheapest_minor, cur)} ({c.cheapest_listing_id or '—'}); "
        f"spread {format_money(c.spread_minor, cur)}; "
        f"24 h {format_change(c.change_24h_minor, cur)}, "
        f"7 d {format_change(c.change_7d_minor, cur)}",
        f"our price: {format_money(c.our_price_minor, cur)}; cheapest competitor "
        f"{format_money(c.cheapest_competitor_minor, cur)}; price index "
        f"{c.price_index if c.price_index is not None else '—'}; rank {c.our_rank or '—'}",
    ]
    if c.map_minor is not None:
        lines.append(f"MAP {format_money(c.map_minor, c.map_currency)}: "
                     f"{len(c.map_breaches)} breach(es) {', '.join(c.map_breaches)}")
    if c.sales_volume_total is not None:
        trend = "" if c.sales_volume_7d_ago_total is None else \
            f" ({c.sales_volume_total - c.sales_volume_7d_ago_total:+,} vs 7 d ago)"
        lines.append(f"sales (30 d, as reported): {c.sales_volume_total:,}{trend}")
    return safe("\n".join(lines))


def render_history(h: History, rows: int = 15) -> RenderableType:
    """Lows, a sparkline per series and the latest points as a table."""
    cur = h.basis.currency if h.basis else None
    parts: list[RenderableType] = [Text.assemble(
        (f"{h.subject} ", "bold"), safe(h.id),
        f" — last {h.days} days, one point per {h.interval}")]
    lows = Table(title="lows", title_justify="left")
    for column in ("window", "lowest", "when", "listing"):
        lows.add_column(column)
    for low in h.lows:
        lows.add_row(f"{low.days} d", format_money(low.minor, low.currency), when(low.at),
                     safe(low.listing_id or "—"))
    parts.append(lows)
    for series in h.series:
        values = [p.effective_price_minor if h.basis and h.basis.kind == "effective"
                  else p.price_minor for p in series.points]
        seller = series.seller_name or series.seller_id
        label = f"{series.platform} · {seller} ({series.listing_id}) "
        parts.append(Text.assemble(safe(label), (sparkline(values), "green")))
    parts.append(_points_table(h, cur, rows))
    return Group(*parts)


def _points_table(h: History, cur: str | None, rows: int) -> Table:
    table = Table(title=f"latest {rows} points", title_justify="left")
    for column in ("time", "listing", "price", "effective", "list", "observations"):
        table.add_column(column)
    points = sorted(((p, s) for s in h.series for p in s.points), key=lambda ps: ps[0].t)
    for point, series in points[-rows:]:
        currency = series.currency or cur
        table.add_row(when(point.t), safe(series.listing_id),
                      format_money(point.price_minor, currency),
                      format_money(point.effective_price_minor, currency),
                      format_money(point.list_price_minor, currency), str(point.observations))
    return table


def print_comparison(console: Console, comparison: GroupComparison) -> None:
    """What ``pricewatch demo`` calls to show a comparison."""
    console.print(render_comparison(comparison))
