"""Shown texts → values: stock lines, rating lines, review counts, spec-table labels.

The phrases come from the shops pricewatch reads (English, German, Japanese, Chinese): each
pattern names the language it is for. A text no pattern knows gives None, never a guess.
"""

# ruff: noqa: RUF001  (full-width forms are the data here)

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from crawler.items import Availability
from crawler.normalize.availability import availability_from

IN, OUT, PRE, LIM = (
    Availability.IN_STOCK,
    Availability.OUT_OF_STOCK,
    Availability.PREORDER,
    Availability.LIMITED,
)

#: Leading phrases of stock lines → availability (checked in order; first match wins).
STOCK_PHRASES: tuple[tuple[re.Pattern[str], Availability], ...] = (
    (
        re.compile(
            r"^(out of stock|sold out|currently unavailable|nicht vorrätig|ausverkauft|"
            r"在庫切れ|売り切れ|現在在庫切れ|无货|缺货|已售罄)",
            re.I,
        ),
        OUT,
    ),
    (re.compile(r"(pre-?order|vorbestell|nachbestellung|予約|预售|预订)", re.I), PRE),
    (
        re.compile(
            r"^(limited availability|low stock|only \d+ left|nur noch \d+|残り\d+点|"
            r"仅剩\d+)",
            re.I,
        ),
        LIM,
    ),
    (
        re.compile(
            r"^(in stock|available|auf lager|lieferbar|\d+ vorrätig|vorrätig|在庫あり|"
            r"有货|现货)",
            re.I,
        ),
        IN,
    ),
)
#: A stock count inside a stock line: ``(12 available)``, ``12 vorrätig``, ``only 3 left``.
STOCK_COUNT = re.compile(
    r"(\d[\d,.]*)\s*(?:available|in stock|left|vorrätig|auf lager|点|件|個)|"
    r"(?:only|nur noch|残り|仅剩|库存)\s*(\d[\d,.]*)",
    re.I,
)
#: ``Rated 4.6 out of 5``, ``4.5 out of 5 stars``, ``Bewertet mit 3.50 von 5``, ``4.1 / 5``.
RATING_OF = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:out of|von|/|of)\s*(\d+(?:[.,]\d+)?)", re.I)
#: ``5つ星のうち4.5`` (Amazon Japan writes the scale first).
RATING_JA = re.compile(r"(\d+)つ星のうち\s*(\d+(?:[.,]\d+)?)")
REVIEW_COUNT = re.compile(
    r"(\d[\d,.\s]*)\s*(?:reviews?|ratings?|customer reviews|kundenbewertungen|bewertungen|"
    r"件のレビュー|個の評価|件の評価|条评价|条评论)",
    re.I,
)

#: Spec-table labels (``dl.facts``, ``.product_meta``, parameter lists) → record field.
FACT_LABELS: dict[str, str] = {
    **dict.fromkeys(("brand", "marke", "manufacturer", "品牌", "ブランド", "メーカー"), "brand"),
    **dict.fromkeys(
        ("model", "modell", "model number", "item model number", "mpn", "型号", "型番", "モデル"),
        "model",
    ),
    **dict.fromkeys(
        ("gtin", "ean", "upc", "jan", "barcode", "gtin-13", "ean-13", "条形码"), "gtin"
    ),
    **dict.fromkeys(
        ("sold by", "seller", "verkäufer", "verkauft von", "販売元", "卖家", "店铺"), "seller_name"
    ),
    **dict.fromkeys(("sku", "artikelnummer", "item number", "商品编号"), "sku"),
    **dict.fromkeys(("color", "colour", "farbe", "カラー", "色", "颜色"), "color"),
    **dict.fromkeys(
        ("capacity", "storage", "kapazität", "speicher", "容量", "ストレージ", "存储容量"),
        "capacity",
    ),
    **dict.fromkeys(("size", "größe", "サイズ", "尺码", "尺寸"), "size"),
}


@dataclass(frozen=True)
class StockLine:
    """What a stock line says: availability and, when shown, the exact count."""

    availability: Availability | None
    quantity: int | None


def read_stock(text: str | None, *, zero_when_sold_out: bool = True) -> StockLine:
    """``In stock (12 available)`` → (in_stock, 12); ``Out of stock`` → (out_of_stock, 0)."""
    if not text or not text.strip():
        return StockLine(None, None)
    line = " ".join(text.split())
    state = next((value for pattern, value in STOCK_PHRASES if pattern.search(line)), None)
    if state is None:
        state = availability_from(line)
    quantity = None
    if state in (IN, LIM) and (match := STOCK_COUNT.search(line)):
        quantity = _int(match.group(1) or match.group(2))
    elif state is OUT and zero_when_sold_out:
        quantity = 0
    return StockLine(state, quantity)


def read_rating(text: str | None) -> tuple[Decimal, Decimal] | None:
    """``(value, scale)`` from a rating line, or None."""
    if not text:
        return None
    if match := RATING_JA.search(text):
        return _dec(match.group(2)), _dec(match.group(1))
    if match := RATING_OF.search(text):
        value, scale = _dec(match.group(1)), _dec(match.group(2))
        return (value, scale) if Decimal(0) <= value <= scale else None
    return None


def read_review_count(text: str | None) -> int | None:
    if not text:
        return None
    match = REVIEW_COUNT.search(text)
    return _int(match.group(1)) if match else None


def fact_field(label: str | None) -> str | None:
    """The record field a spec-table label names (``Sold by`` → ``seller_name``), or None."""
    if not label:
        return None
    return FACT_LABELS.get(" ".join(label.split()).strip(" :：").lower())


def _int(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))
