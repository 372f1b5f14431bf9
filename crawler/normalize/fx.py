"""Currency conversion with the dated rate table shipped in the repo (no network).

The table (``crawler/data/fx_rates.csv``) holds ECB reference rates: ``units_per_eur`` for each
date and currency. A listing fetched on day D uses the latest table date on or before D (the
earliest date when D precedes them all). Cross rates go through the euro, are rounded to
``RATE_DIGITS`` significant digits, and that recorded rate is the one applied, so
``price_minor × fx_rate`` reproduces ``price_base_minor`` (rounded half-even to the base
currency's minor unit).
"""

from __future__ import annotations

import bisect
import csv
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from pathlib import Path

from crawler.errors import PricewatchError
from crawler.normalize.money import currency_exponent, from_minor

DEFAULT_TABLE = Path(__file__).resolve().parents[1] / "data" / "fx_rates.csv"

#: Significant digits of a recorded cross rate (ECB quotes 5–6; more would be false precision).
RATE_DIGITS = 10


class RateTableError(PricewatchError):
    """The rate table file is missing or malformed."""


class NoRate(LookupError):
    """The table has no rate for a currency (the listing keeps its own currency only)."""


@dataclass(frozen=True)
class Rate:
    """1 unit of ``source`` = ``rate`` units of ``target``, as of ``day``."""

    source: str
    target: str
    rate: Decimal
    day: date

    def convert_minor(self, minor: int) -> int:
        """``minor`` units of ``source`` in minor units of ``target``, rounded half-even."""
        major = from_minor(minor, self.source) * self.rate
        scaled = major.scaleb(currency_exponent(self.target))
        return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


class RateTable:
    """All dated rates of the table, by date then currency (units per EUR)."""

    def __init__(self, rows: dict[date, dict[str, Decimal]], source: str = "") -> None:
        if not rows:
            raise RateTableError(f"the rate table {source or ''} has no rates".replace("  ", " "))
        self._rows = rows
        self._dates = sorted(rows)
        self.source = source
        #: (source, target, table date) → Rate: a few currencies and dates per crawl.
        self._cross: dict[tuple[str, str, date], Rate] = {}

    @classmethod
    def load(cls, path: str | Path | None = None) -> RateTable:
        """Read a ``date,currency,units_per_eur`` CSV (``#`` lines are comments)."""
        path = Path(path) if path else DEFAULT_TABLE
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RateTableError(f"cannot read the FX rate table {path}: {exc.strerror}",
                                 "set pipeline.fx_table to an existing CSV file") from exc
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        rows: dict[date, dict[str, Decimal]] = {}
        for number, record in enumerate(csv.DictReader(lines), start=1):
            day, code, rate = _row(record, path, number)
            rows.setdefault(day, {})[code] = rate
        return cls(rows, str(path))

    @property
    def dates(self) -> list[date]:
        return list(self._dates)

    def table_date(self, on: date | None) -> date:
        """The latest table date on or before ``on`` (the newest when ``on`` is None)."""
        if on is None:
            return self._dates[-1]
        index = bisect.bisect_right(self._dates, on)
        return self._dates[max(index - 1, 0)]

    def rate(self, source: str, target: str, on: date | None = None) -> Rate:
        """The cross rate ``source`` → ``target`` valid on ``on``; NoRate when one is missing."""
        day = self.table_date(on)
        key = (source, target, day)
        found = self._cross.get(key)
        if found is None:
            found = self._cross[key] = self._cross_rate(source, target, day)
        return found

    def _cross_rate(self, source: str, target: str, day: date) -> Rate:
        if source == target:
            return Rate(source, target, Decimal(1), day)
        per_eur = self._rows[day]
        if source not in per_eur or target not in per_eur:
            missing = source if source not in per_eur else target
            raise NoRate(f"no {missing} rate in the table of {day.isoformat()}")
        cross = Context(prec=RATE_DIGITS).divide(per_eur[target], per_eur[source])
        return Rate(source, target, cross.normalize(), day)


def _row(record: dict[str, str], path: Path, number: int) -> tuple[date, str, Decimal]:
    try:
        day = date.fromisoformat(record["date"].strip())
        code = record["currency"].strip().upper()
        rate = Decimal(record["units_per_eur"].strip())
    except (KeyError, AttributeError, ValueError, InvalidOperation) as exc:
        raise RateTableError(f"{path}: row {number} is not date,currency,units_per_eur: {record}",
                             "fix the row; dates are YYYY-MM-DD and rates plain decimals") from exc
    if not rate.is_finite() or rate <= 0 or len(code) != 3:
        raise RateTableError(f"{path}: row {number} has a bad currency or rate: {record}")
    return day, code, rate
