"""``WooClient``: the Store API calls of a watch and what their answers say (no I/O).

- ``item_ids`` (parent product ids) → ``products?include=`` in batches of ``per_page``; ids
  missing from the answer are not found (delisted);
- ``keywords`` → ``products?search=``, every page (``X-WP-TotalPages``);
- nothing → every product, page by page;
- ``urls`` → the product pages directly (the Store API cannot look a page URL up).

Each parent's variations follow in one ``include=`` call per ``per_page`` variations. Variation
records then wait for their product page: only the page shows the GTIN (``global_unique_id``),
the shipping (JSON-LD ``shippingDetails``) and the shop's name; API values win where both say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crawler.platforms.base import (
    Answer,
    ApiCall,
    ApiResult,
    PageTarget,
    Record,
    Watch,
)
from crawler.platforms.woocommerce import api, errors, reader

#: What only the product page has (why every product's page is read).
PAGE_FIELDS = ("gtin", "shipping", "seller_name", "model")


@dataclass(frozen=True)
class WooClient:
    api_base: str
    locale: str | None = "de_DE"
    per_page: int = api.MAX_PER_PAGE
    """Products a call asks for: list pages and ``include=`` batches (≤ 100)."""

    def calls_for(self, watch: Watch) -> Sequence[ApiCall]:
        calls = list(api.parents(self.api_base, watch.item_ids, self.per_page))
        calls.extend(api.listing(self.api_base, 1, k, self.per_page) for k in watch.keywords)
        if not (watch.item_ids or watch.keywords or watch.urls):
            calls.append(api.listing(self.api_base, 1, "", self.per_page))
        return calls

    def resign(self, call: ApiCall) -> ApiCall:
        return call  # unsigned GETs

    def read_api(self, call: ApiCall, answer: Answer) -> ApiResult:
        error = errors.status_error(answer)
        if error is not None:
            return ApiResult(error=error)
        try:
            products = reader.product_list(reader.loads(answer.body))
            if call.operation == "products":
                return self._listed(call, answer, products)
            if call.context.get("parents"):
                return self._parents(call, products)
            return self._variations(call, products)
        except (reader.Unreadable, KeyError, TypeError, ValueError) as exc:
            return ApiResult(error=errors.malformed(f"{call.operation}: {exc}"))

    def _listed(self, call: ApiCall, answer: Answer, products: list[dict[str, Any]]) -> ApiResult:
        result = self._expand(products)
        pages = answer.header("X-WP-TotalPages")
        page = int(call.context["page"])
        if pages is not None and pages.isdigit() and page < int(pages):
            result.follow_up.append(
                api.listing(
                    self.api_base,
                    page + 1,
                    str(call.context["keyword"]),
                    int(call.context["per_page"]),
                )
            )
        return result

    def _parents(self, call: ApiCall, products: list[dict[str, Any]]) -> ApiResult:
        result = self._expand(products)
        seen = {str(p["id"]) for p in products}
        result.not_found = [i for i in call.item_ids if i not in seen]
        return result

    def _expand(self, products: list[dict[str, Any]]) -> ApiResult:
        """Simple products wait for their page; variable ones ask for their variations."""
        result = ApiResult()
        wanted: dict[str, dict[str, Any]] = {}
        for product in products:
            facts = reader.parent_facts(product)
            variations = [v for v in product.get("variations") or [] if isinstance(v, dict)]
            if not variations:
                result.incomplete.append(self._page((reader.record(product, facts, self.locale),)))
            for variation in variations:
                wanted[str(variation["id"])] = facts
        ids = list(wanted)
        for start in range(0, len(ids), self.per_page):
            chunk = {i: wanted[i] for i in ids[start : start + self.per_page]}
            result.follow_up.append(api.variations(self.api_base, chunk))
        return result

    def _variations(self, call: ApiCall, products: list[dict[str, Any]]) -> ApiResult:
        facts: dict[str, dict[str, Any]] = call.context["facts"]
        by_parent: dict[str, list[Record]] = {}
        for product in products:
            parent = facts.get(str(product["id"]))
            if parent is not None:
                by_parent.setdefault(parent["item_id"], []).append(
                    reader.record(product, parent, self.locale)
                )
        result = ApiResult(incomplete=[self._page(tuple(r)) for r in by_parent.values()])
        for parent in {f["item_id"]: f for f in facts.values()}.values():
            if parent["item_id"] not in by_parent:  # no variation came back: the page has them
                result.incomplete.append(
                    PageTarget(api.PLATFORM, str(parent["url"]), parent["item_id"])
                )
        return result

    def _page(self, known: tuple[Record, ...]) -> PageTarget:
        first = known[0]
        missing = sorted({f for r in known for f in (*PAGE_FIELDS, "price") if f not in r})
        return PageTarget(
            api.PLATFORM,
            str(first["url"]),
            str(first["item_id"]),
            known=known,
            missing_fields=tuple(missing),
        )
