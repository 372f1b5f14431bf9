"""Chart geometry: one dot per known point, everything inside the drawing area."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.search.models import Basis, History, HistoryPoint, HistorySeries
from crawler.web.chart import PAD_LEFT, PAD_TOP, build_chart

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def history(values: list[int | None], kind: str = "effective") -> History:
    points = [HistoryPoint(t=NOW - timedelta(days=len(values) - i), observations=1,
                           price_minor=v, effective_price_minor=v, list_price_minor=1000)
              for i, v in enumerate(values)]
    return History(subject="listing", id="jd:1", days=len(values) + 1, interval="1d", as_of=NOW,
                   basis=Basis(field=f"{kind}_price_minor", kind=kind, currency="CNY",  # type: ignore[arg-type]
                               base=False),
                   series=[HistorySeries(listing_id="jd:1", platform="jd", seller_name="<b>x</b>",
                                         currency="CNY", points=points)], lows=[])


def test_one_dot_per_known_value_inside_the_frame() -> None:
    chart = build_chart(history([900, None, 800, 950]), width=400, height=200)
    (line,) = chart.lines
    assert chart.dot_count == 3 and len(line.listed) == 4
    for dot in line.main + line.listed:
        assert PAD_LEFT <= dot.x <= 400 and PAD_TOP <= dot.y <= 200
    highest = min(line.main, key=lambda d: d.y)  # SVG y grows downwards: the top is the highest
    assert "CN¥9.50" in highest.label
    assert line.label == "jd · <b>x</b>"  # raw here; the template escapes it


def test_an_empty_history_draws_no_dot() -> None:
    assert build_chart(history([])).dot_count == 0
