"""Price-history charts as plain geometry for an inline SVG, rendered on the server.

Why server-side SVG rather than a vendored JS chart library: the dashboard then runs no script at
all (its CSP forbids every script), works without a build step or network, and a scraped label
can only ever reach the page as escaped text. The chart draws, per listing, the effective price
(or the price, when the comparison basis is the price) as a line with one dot per point, and the
list price as a dashed line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crawler.search.models import History, HistoryPoint, HistorySeries
from crawler.search.money import format_money

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
           "#e377c2", "#7f7f7f", "#bcbd22")
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 90, 16, 12, 28


@dataclass
class Dot:
    x: float
    y: float
    label: str
    """Tooltip text (escaped by the template)."""


@dataclass
class Line:
    label: str
    color: str
    main: list[Dot] = field(default_factory=list)
    listed: list[Dot] = field(default_factory=list)

    @staticmethod
    def points(dots: list[Dot]) -> str:
        return " ".join(f"{d.x:.1f},{d.y:.1f}" for d in dots)


@dataclass
class Chart:
    width: int
    height: int
    lines: list[Line]
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    main_label: str

    @property
    def dot_count(self) -> int:
        return sum(len(line.main) for line in self.lines)


def build_chart(history: History, width: int = 880, height: int = 320) -> Chart:
    """Scale every series of ``history`` into a ``width`` x ``height`` SVG."""
    effective = history.basis is not None and history.basis.kind == "effective"
    values = [v for s in history.series for p in s.points
              for v in (_main(p, effective), p.list_price_minor) if v is not None]
    low, high = (min(values), max(values)) if values else (0, 1)
    margin = max((high - low) // 10, 1)
    low, high = max(low - margin, 0), high + margin
    start = history.as_of - timedelta(days=history.days)
    frame = _Frame(width, height, start, history.as_of, low, high)
    currency = history.basis.currency if history.basis else None
    lines = [_line(s, i, frame, effective, currency) for i, s in enumerate(history.series)]
    return Chart(width=width, height=height, lines=lines,
                 y_ticks=[(frame.y(v), format_money(v, currency)) for v in _ticks(low, high)],
                 x_ticks=[(frame.x(t), f"{t:%m-%d}") for t in _time_ticks(start, history.as_of)],
                 main_label="effective price" if effective else "price")


@dataclass
class _Frame:
    width: int
    height: int
    start: datetime
    end: datetime
    low: int
    high: int

    def x(self, t: datetime) -> float:
        span = (self.end - self.start).total_seconds() or 1
        inner = self.width - PAD_LEFT - PAD_RIGHT
        return PAD_LEFT + inner * (t - self.start).total_seconds() / span

    def y(self, value: int) -> float:
        inner = self.height - PAD_TOP - PAD_BOTTOM
        return PAD_TOP + inner * (self.high - value) / ((self.high - self.low) or 1)


def _main(point: HistoryPoint, effective: bool) -> int | None:
    return point.effective_price_minor if effective else point.price_minor


def _line(series: HistorySeries, index: int, frame: _Frame, effective: bool,
          currency: str | None) -> Line:
    currency = series.currency or currency
    label = f"{series.platform} · {series.seller_name or series.seller_id or series.listing_id}"
    line = Line(label=label, color=PALETTE[index % len(PALETTE)])
    for p in series.points:
        main = _main(p, effective)
        if main is not None:
            line.main.append(Dot(frame.x(p.t), frame.y(main),
                                 f"{label} {p.t:%Y-%m-%d %H:%M} {format_money(main, currency)}"))
        if p.list_price_minor is not None:
            line.listed.append(Dot(frame.x(p.t), frame.y(p.list_price_minor), ""))
    return line


def _ticks(low: int, high: int, count: int = 5) -> list[int]:
    step = max((high - low) // (count - 1), 1)
    return [low + i * step for i in range(count)]


def _time_ticks(start: datetime, end: datetime, count: int = 6) -> list[datetime]:
    step = (end - start) / (count - 1)
    return [start + i * step for i in range(count)]
