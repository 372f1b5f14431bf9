"""The Taobao cases: product pages (each layout, blocked, gone) and TOP answers (each operation,
each documented error). Expected outputs come from the marketplace's truth, not from our readers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crawler.platforms.base import ApiCall
from crawler.platforms.taobao.api import ITEM_GET, TopRequests
from tests.support.recording.core import Recorder, call_request, render, top_settings

MISSING_ID = "560000999999"  # beyond the catalog: TBK leaves it out, the page answers 404
Rows = list[dict[str, Any]]


def price_known(rows: Rows) -> dict[str, bool]:
    """Which SKUs' current price TOP alone determines (fixtures/README.md, Taobao price row):
    a single SKU, or a SKU whose regular price equals the item's lowest current price."""
    lowest = min(r["price_minor"] for r in rows)
    regular = {r["variant_id"]: r["list_price_minor"] or r["price_minor"] for r in rows}
    return {v: len(rows) == 1 or regular[v] == lowest for v in regular}


def error(kind: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"kind": kind, "code": code, **extra}}


class TaobaoCases:
    def __init__(self, rec: Recorder) -> None:
        self.rec = rec
        cred = rec.mp.credentials
        self.top = TopRequests(top_settings(rec.mp.url, cred["taobao"]))

    def first(self, test: Callable[[Rows], bool]) -> str:
        return self.rec.items("taobao", test)[0]

    def page(self, name: str, item_id: str, note: str, output: Any = None) -> None:
        url = self.top.page_url(item_id)
        request = {"url": url, "item_id": item_id, "known": [], "missing_fields": []}
        expected = output or {"records": self.rec.truth_rows(item_id)}
        self.rec.save("taobao", name, request, self.rec.http.get(url), expected, note)

    def api(self, name: str, call: ApiCall, output: Any, note: str, **faults: Any) -> None:
        if faults:
            self.rec.mp.set_faults(taobao=faults)
        try:
            self.rec.save("taobao", name, call_request(call), self.rec.send(call), output, note)
        finally:
            if faults:
                self.rec.mp.reset_faults()

    def pages(self) -> None:
        def embedded(rows: Rows) -> bool:
            return rows[0]["_page_variant"] == "embedded_state"

        single = self.first(lambda r: embedded(r) and len(r) == 1 and r[0]["list_price_minor"])
        self.page("page-embedded-single-sku-promo", single, "embedded state, one SKU on promotion")
        multi = self.first(
            lambda r: embedded(r) and len(r) >= 3 and len({x["price_minor"] for x in r}) > 1
        )
        self.page("page-embedded-multi-sku", multi, "embedded state, SKUs at different prices")
        free = self.first(
            lambda r: embedded(r) and r[0]["coupon_minor"] and not r[0]["coupon_threshold_minor"]
        )
        self.page("page-unconditional-coupon", free, "无门槛减 coupon (threshold null)")
        sold = self.first(lambda r: embedded(r) and any(x["stock_qty"] == 0 for x in r))
        self.page("page-sku-sold-out", sold, "a SKU with quantity 0")
        broken = self.first(lambda r: embedded(r) and bool(r[0].get("_gtin_note")))
        self.page("page-broken-gtin", broken, "barcode with a wrong check digit (truth gtin null)")
        js = self.first(lambda r: r[0]["_page_variant"] == "js_only" and len(r) > 1)
        self.page("page-js-only-static", js, "JS-only layout as fetched", {"needs_browser": True})
        url = self.top.page_url(js)
        request = {"url": url, "item_id": js, "known": [], "missing_fields": []}
        note = "JS-only layout after rendering in Chromium (body[data-price-ready=1])"
        out = {"records": self.rec.truth_rows(js)}
        self.rec.save("taobao", "page-js-only-rendered", request, render(url), out, note)
        self.page("page-not-found", MISSING_ID, "unknown id: 404 page", {"not_found": True})
        for fault, name in (
            ("blocked_200", "page-blocked-captcha"),
            ("blocked_403", "page-blocked-403"),
        ):
            self.rec.mp.set_faults(taobao={fault: 1.0})
            self.page(name, single, f"fault {fault}: anti-bot wall", {"blocked": True})
            self.rec.mp.reset_faults()

    def apis(self) -> None:
        single = self.first(lambda r: len(r) == 1)
        multi = self.first(lambda r: len(r) >= 3 and not all(price_known(r).values()))
        detail = self.top.detail_calls([single, multi, MISSING_ID])[0]
        out = {
            "not_found": [MISSING_ID],
            "follow_up": [{"operation": ITEM_GET, "item_id": i} for i in (single, multi)],
            "items": {i: self.rec.truth_rows(i) for i in (single, multi)},
        }
        self.api("api-tbk-detail", detail, out, "TBK detail: two items and one unknown id")
        found = self.rec.send(detail).json()["tbk_item_info_get_response"]["results"]
        tbk = {str(r["num_iid"]): r for r in found["n_tbk_item"]}
        for name, item in (("api-item-get-single-sku", single), ("api-item-get-multi-sku", multi)):
            rows = self.rec.truth_rows(item)
            out = {"records": rows, "price_known": price_known(rows)}
            note = "taobao.item.get with the item's TBK record in context"
            self.api(name, self.top.item_call(item, tbk[item]), out, note)
        cred = self.rec.mp.credentials["taobao"]
        search = TopRequests(top_settings(self.rec.mp.url, cred, search_page_size=5))
        phones = self.rec.items("taobao", lambda r: "手机" in r[0]["title"])
        out = {"matching": phones, "next_page": len(phones) > 5}
        note = "material.optional q=手机, 5 a page"
        self.api("api-search-page-1", search.search_call("手机"), out, note)
        self.api(
            "api-tbk-missing-prices",
            self.top.detail_calls([single])[0],
            {
                "not_found": [],
                "follow_up": [{"operation": ITEM_GET, "item_id": single}],
                "items": {single: self.rec.truth_rows(single)},
                "prices_missing": True,
            },
            "fault missing_fields: no prices in the TBK record",
            missing_fields=1.0,
        )
        self.errors(single)

    def errors(self, item: str) -> None:
        url, cred = self.rec.mp.url, self.rec.mp.credentials
        wrong = TopRequests(top_settings(url, {**cred["taobao"], "app_secret": "not-the-secret"}))
        self.api(
            "api-error-signature",
            wrong.detail_calls([item])[0],
            error("auth", "25", setting="app_secret"),
            "signed with a wrong app_secret: code 25 Invalid Signature",
        )
        detail = self.top.detail_calls([item])[0]
        self.api(
            "api-error-app-key",
            detail,
            error("auth", "29:isv.appkey-not-exists", setting="app_key"),
            "fault api_off: code 29 Invalid App Key",
            api_off=True,
        )
        self.api(
            "api-error-ban",
            detail,
            error(
                "quota",
                "7:accesscontrol.limited-by-api-access-count",
                retry_after=float(self.rec.mp.faults()["taobao"]["ban_seconds"]),
            ),
            "fault rate_limit: code 7, This ban will last for N more seconds",
            rate_limit=1.0,
        )
        self.api(
            "api-error-server",
            detail,
            error("server", "10:isp.remote-service-unavailable"),
            "fault server_error: HTTP 503, code 10, isp.*",
            server_error=1.0,
        )
        self.api(
            "api-error-malformed",
            detail,
            error("malformed", "json"),
            "fault malformed_json: the body cut at 60 %",
            malformed_json=1.0,
        )
        tbk_only = TopRequests(top_settings(url, cred["taobao_tbk_only"]))
        self.api(
            "api-error-permission",
            tbk_only.call(ITEM_GET, {"num_iid": item, "fields": "num_iid,sku"}, item_ids=[item]),
            error("permission", "11:isv.permission-api-package-empty", setting="app_key"),
            "TBK-only app calling taobao.item.get: code 11",
        )
        gone = self.top.call(
            ITEM_GET,
            {"num_iid": MISSING_ID, "fields": "num_iid,sku"},
            item_ids=[MISSING_ID],
            session=True,
        )
        self.api(
            "api-error-item-not-found",
            gone,
            error("not_found", "15:isv.item-get-service-error:ITEM_NOT_FOUND"),
            "taobao.item.get of an unknown id: code 15",
        )


def record(rec: Recorder) -> None:
    cases = TaobaoCases(rec)
    cases.pages()
    cases.apis()
