"""The Listing: one product offer, as one platform and seller sells it, in one schema.

Spiders fill the *extracted* fields (what the API or page said, money as ``Decimal`` in major units
of whatever currency the source used); the pipelines add the *normalized* fields (integer minor
units, ISO currency, effective price, base-currency conversion, product group). Every field has a
docstring, so ``ItemAdapter.get_json_schema(Listing)`` documents the schema and a test checks that
the Elasticsearch mapping covers every stored field. See docs/data-model.md.

None always means "unknown" and is dropped before an upsert, so a page fallback that lacks
``stock_qty`` never wipes the value the API gave earlier.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


class Availability(enum.StrEnum):
    """Whether a buyer can order the listing now."""

    IN_STOCK = "in_stock"
    OUT_OF_STOCK = "out_of_stock"
    PREORDER = "preorder"
    LIMITED = "limited"
    UNKNOWN = "unknown"


class Source(enum.StrEnum):
    """Where a listing's values came from: the order is the fallback ladder."""

    API = "api"
    PAGE = "page"
    RENDERED = "rendered"


def make_listing_id(platform: str, item_id: str, variant_id: str | None = None) -> str:
    """``platform:item_id[:variant_id]``: the Elasticsearch ``_id`` of the current listing."""
    parts = [platform, str(item_id)]
    if variant_id not in (None, ""):
        parts.append(str(variant_id))
    return ":".join(parts)


@dataclass(kw_only=True)
class Listing:
    """One offer of one product by one seller on one platform (one variant, if it has several)."""

    # --- identity -------------------------------------------------------------------------------
    listing_id: str
    """``platform:item_id[:variant_id]``; the ES ``_id``, so every write is an idempotent upsert.
    See also: ``make_listing_id``."""

    platform: str
    """taobao | jd | pdd | amazon | shopify | woocommerce | schema_org."""

    item_id: str
    """The platform's own id of the product page/offer (num_iid, skuId, goods_sign, ASIN, ...)."""

    variant_id: str | None = None
    """The SKU/variant id when the item has variants; one Listing per variant."""

    url: str | None
    """The product page a person would open. None only on a delisted marker of an id that has
    no page (a PDD goods_sign): the index keeps the URL it stored."""

    canonical_url: str | None = None
    """The page's canonical URL when it declares one."""

    # --- what is sold ---------------------------------------------------------------------------
    title: str | None = None
    """The title as the platform shows it, untouched (scraped text: escape it when shown)."""

    title_clean: str | None = None
    """The title without markup, entities and promo noise (【包邮】, "Free shipping"), for
    matching."""

    brand: str | None = None
    """The maker's brand. See also: ``model``."""

    model: str | None = None
    """The maker's model number / MPN: the same on every site. See also: ``gtin``, ``sku``."""

    sku: str | None = None
    """The merchant's own stock-keeping code (differs between sellers)."""

    gtin: str | None = None
    """GTIN-8/12/13/14, digits only, check digit verified by the pipeline (else dropped, with a
    warning)."""

    category_path: list[str] = field(default_factory=list)
    """Breadcrumb from the top category to the leaf."""

    variant_attributes: dict[str, str] = field(default_factory=dict)
    """Normalized variant attributes: ``color``, ``capacity`` (e.g. ``256GB``), ``size``."""

    image_urls: list[str] = field(default_factory=list)
    """Product images, main image first."""

    # --- who sells it ---------------------------------------------------------------------------
    seller_id: str | None = None
    """The seller/shop/vendor id on the platform."""

    seller_name: str | None = None
    """The seller/shop name as shown."""

    # --- money as extracted (major units of ``currency``/``currency_raw``; not indexed) -----------
    price: Decimal | None = None
    """Current price of one unit before coupons and shipping (the promo price while one runs)."""

    list_price: Decimal | None = None
    """Regular / struck-through price, when the source shows one."""

    coupon_amount: Decimal | None = None
    """Coupon discount a buyer can apply (满300减50 → 50)."""

    coupon_threshold: Decimal | None = None
    """Minimum spend for the coupon (满300减50 → 300); None or 0 when unconditional."""

    shipping: Decimal | None = None
    """Shipping cost for one unit; 0 for free shipping, None when unknown."""

    currency_raw: str | None = None
    """The currency as the source showed it (``¥``, ``US$``, ``EUR``): explains a reject."""

    locale: str | None = None
    """The site's locale (``zh_CN``, ``ja_JP``, ``de_DE``): resolves ``¥`` and decimal commas."""

    # --- money, normalized (integer minor units; money is never a float) --------------------------
    currency: str | None = None
    """ISO 4217 code of every ``*_minor`` field below."""

    price_minor: int | None = None
    """``price`` in minor units of ``currency`` (JPY exponent 0, CNY/USD/EUR 2)."""

    list_price_minor: int | None = None
    """``list_price`` in minor units."""

    promo_price_minor: int | None = None
    """The promotional price while a promotion runs (price below list price), else None."""

    coupon_minor: int | None = None
    """``coupon_amount`` in minor units."""

    coupon_threshold_minor: int | None = None
    """``coupon_threshold`` in minor units."""

    shipping_minor: int | None = None
    """``shipping`` in minor units."""

    effective_price_minor: int | None = None
    """What a buyer pays for one unit delivered: price − applicable coupon + shipping.
    Only set when every part is known. See also: ``effective_price_parts``."""

    effective_price_parts: list[str] = field(default_factory=list)
    """Which parts went into ``effective_price_minor`` (``price``, ``coupon``, ``shipping``)."""

    base_currency: str | None = None
    """The configured reporting currency."""

    price_base_minor: int | None = None
    """``price_minor`` converted to ``base_currency`` with the dated rate table."""

    effective_price_base_minor: int | None = None
    """``effective_price_minor`` converted to ``base_currency``."""

    fx_rate: str | None = None
    """The rate used (decimal string: 1 ``currency`` = fx_rate ``base_currency``)."""

    fx_date: str | None = None
    """The date (YYYY-MM-DD) of the rate in the shipped table."""

    # --- availability and marketplace facts -------------------------------------------------------
    availability: Availability = Availability.UNKNOWN
    """in_stock | out_of_stock | preorder | limited | unknown."""

    stock_qty: int | None = None
    """Units in stock, when the source says."""

    delisted: bool = False
    """The platform says the item no longer exists (not found / removed)."""

    sales_volume: int | None = None
    """Sales count the platform reports (usually 30 days)."""

    rating: float | None = None
    """Average rating on the platform's own scale. See also: ``rating_scale``."""

    rating_scale: float | None = None
    """The best possible rating (5, 100): 4.5/5 is not 90/100."""

    review_count: int | None = None
    """Number of reviews/ratings."""

    # --- matching -------------------------------------------------------------------------------
    product_group_id: str | None = None
    """The same product across platforms and sellers share this id."""

    match_method: str | None = None
    """How the group was chosen: override | gtin | brand_model | title | new."""

    match_confidence: float | None = None
    """0–1; low values are listed by ``pricewatch matches review``."""

    # --- provenance -----------------------------------------------------------------------------
    source: Source = Source.API
    """api | page | rendered: which rung of the fallback ladder produced the values."""

    fetched_at: datetime | None = None
    """When the values were fetched (timezone-aware UTC)."""

    run_id: str | None = None
    """The crawl run that fetched it (see the ``runs`` index)."""

    spider: str | None = None
    """The spider that fetched it."""

    confidence: float = 1.0
    """Extraction confidence 0–1 (lowered by API/page disagreement or a guessed field)."""

    warnings: list[str] = field(default_factory=list)
    """What was doubtful but kept, e.g. ``gtin:bad_check_digit``, ``price:suspect_jump``."""

    price_suspect: bool = False
    """The price moved implausibly (e.g. 100×) against this listing's history: held, not alerted."""


#: Fields spiders fill with extracted money (Decimal major units); the pipeline turns them into
#: ``*_minor`` fields, and they are not stored in Elasticsearch.
EXTRACTED_MONEY_FIELDS = (
    "price",
    "list_price",
    "coupon_amount",
    "coupon_threshold",
    "shipping",
)

#: Fields only used on the way through the pipeline, never stored.
TRANSIENT_FIELDS = (*EXTRACTED_MONEY_FIELDS, "currency_raw", "locale")
