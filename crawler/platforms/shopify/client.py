"""``ShopifyClient``: the calls of a watch and what their answers say (no I/O, no Scrapy).

A watch's calls, per store (``Watch.site`` picks one; none = every configured store):

- ``urls`` → ``products/<handle>.js`` of each;
- ``item_ids`` (product ids) → the ``products.json`` walk, keeping those ids; ids never seen by
  the end of the walk are not found (delisted) — only when the watch named its store;
- ``keywords`` → ``search/suggest.json``; a full answer (10) continues with the ``/search`` pages;
- nothing → the whole catalog (the walk keeps every product; its page fallback is the sitemap).

Every product found becomes a ``.js`` call (barcodes, exact prices). A ``.js`` 404 is confirmed
on the product page (the storefront JSON may be switched off while the shop is up). Records are
completed from their product page when they lack a price (or, for a store without ``name``, the
seller), and — ``complete_from_page``, the default — for the model and rating only pages show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parsel import Selector

from crawler.platforms.base import (
    Answer,
    ApiCall,
    ApiResult,
    PageTarget,
    Record,
    Watch,
)
from crawler.platforms.shopify import api, errors, reader
from crawler.platforms.shopify.stores import Store, store_for

#: What only the product page shows (read when ``complete_from_page``).
PAGE_ONLY = ("model", "rating", "review_count")
EVERYTHING = ""
"""The ``keyword`` of a whole-catalog walk: its fallback is the store's sitemap."""


@dataclass(frozen=True)
class ShopifyClient:
    stores: tuple[Store, ...]
    page_size: int = api.MAX_LIMIT
    complete_from_page: bool = True
    """Read every product's page too: only it shows the model and the review rating."""

    def calls_for(self, watch: Watch) -> Sequence[ApiCall]:
        chosen = [store_for(self.stores, site=watch.site)] if watch.site else list(self.stores)
        calls = [
            api.product_js(store_for(self.stores, watch.site, url), handle, url)
            for url in watch.urls
            if (handle := api.handle_of(url))
        ]
        for store in chosen:
            if watch.item_ids:
                calls.append(
                    api.catalog_page(
                        store,
                        1,
                        wanted=watch.item_ids,
                        limit=self.page_size,
                        report_missing=len(chosen) == 1,
                    )
                )
            calls.extend(api.suggest(store, keyword) for keyword in watch.keywords)
            if not (watch.item_ids or watch.keywords or watch.urls):
                calls.append(api.catalog_page(store, 1, keyword=EVERYTHING, limit=self.page_size))
        return calls

    def resign(self, call: ApiCall) -> ApiCall:
        return call  # unsigned GETs

    def read_api(self, call: ApiCall, answer: Answer) -> ApiResult:
        store = store_for(self.stores, site=call.context.get("site"))
        product = call.operation == "products/<handle>.js"
        error = errors.status_error(answer, product=product)
        if error is not None and error.kind.value == "not_found" and product:
            return ApiResult(incomplete=[self._page(call, store, ())])
        if error is not None:
            return ApiResult(error=error)
        try:
            if product:
                return self._product(call, answer, store)
            if call.operation == "products.json":
                return self._catalog(call, answer, store)
            if call.operation == "search/suggest.json":
                return self._suggest(call, answer, store)
            return self._search(call, answer, store)
        except reader.Unreadable as exc:
            return ApiResult(error=errors.malformed(f"{call.operation}: {exc}"))

    # --- answers ----------------------------------------------------------------------------
    def _product(self, call: ApiCall, answer: Answer, store: Store) -> ApiResult:
        records = reader.js_records(reader.loads(answer.body), store)
        needed = ("price", "seller_name", *(PAGE_ONLY if self.complete_from_page else ()))
        done = [r for r in records if all(f in r for f in needed)]
        held = tuple(r for r in records if r not in done)
        result = ApiResult(records=done)
        if held:
            result.incomplete.append(self._page(call, store, held))
        return result

    def _page(self, call: ApiCall, store: Store, known: tuple[Record, ...]) -> PageTarget:
        missing = sorted(
            {f for r in known for f in ("price", "seller_name", *PAGE_ONLY) if f not in r}
        )
        item_id = (
            known[0]["item_id"]
            if known
            else next((i for i in call.item_ids if not i.startswith("http")), "")
        )
        return PageTarget(
            "shopify",
            call.context["url"],
            str(item_id),
            known=known,
            missing_fields=tuple(missing),
            site=store.site,
        )

    def _catalog(self, call: ApiCall, answer: Answer, store: Store) -> ApiResult:
        products = reader.catalog(reader.loads(answer.body))
        wanted = set(call.item_ids)
        first = products[0]["id"] if products else None
        if not products or first == call.context.get("previous_first"):
            missing = sorted(wanted) if call.context.get("report_missing", True) else []
            return ApiResult(not_found=missing)
        found = [p for p in products if not wanted or str(p["id"]) in wanted]
        result = ApiResult(follow_up=[self._js_call(store, p) for p in found if p.get("handle")])
        remaining = wanted - {str(p["id"]) for p in found}
        if remaining or not wanted:
            result.follow_up.append(
                api.catalog_page(
                    store,
                    call.context["page"] + 1,
                    wanted=sorted(remaining),
                    keyword=call.context.get("keyword"),
                    limit=call.context["limit"],
                    previous_first=first,
                    report_missing=call.context.get("report_missing", True),
                )
            )
        return result

    def _js_call(self, store: Store, product: dict[str, object]) -> ApiCall:
        item_id = str(product["id"])
        known = {item_id: tuple(reader.json_records(dict(product), store))}
        return api.product_js(store, str(product["handle"]), item_id, known)

    def _suggest(self, call: ApiCall, answer: Answer, store: Store) -> ApiResult:
        found = reader.suggested(reader.loads(answer.body))
        keyword = str(call.context["keyword"])
        if len(found) >= api.SUGGEST_LIMIT:  # maybe more: the search pages list them all
            return ApiResult(follow_up=[api.search_page(store, keyword, 1)])
        return ApiResult(
            follow_up=[
                api.product_js(store, str(p["handle"]), str(p["id"]) if p.get("id") else None)
                for p in found
            ]
        )

    def _search(self, call: ApiCall, answer: Answer, store: Store) -> ApiResult:
        page = Selector(text=answer.text)
        links = page.css("#product-grid a::attr(href), .product-grid a::attr(href)").getall()
        handles = dict.fromkeys(h for link in links if (h := api.handle_of(link)))
        result = ApiResult(
            follow_up=[api.product_js(store, h, store.product_url(h)) for h in handles]
        )
        if page.css("a.pagination__item--next, a[rel=next]"):
            result.follow_up.append(
                api.search_page(store, str(call.context["keyword"]), int(call.context["page"]) + 1)
            )
        return result
