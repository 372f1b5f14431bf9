"""Record JD's cases (tests/cases/jd/) from the fixture marketplace.

    .venv/bin/python -m tests.support.jd_recorder [--only NAME]

Product pages of each kind (promotion, coupons, shipping fee, out of stock, the JS-only page as
served and as Chromium renders it, gone, blocked) and JD Union answers (promotiongoodsinfo,
goods.query by SKU and by keyword, missing price fields, and every error the fixture gives:
signature, app key, permission, quota, server, cut-off JSON), signed by the production client.
Layout and scrubbing as ``tests/support/page_recorder.py`` (whose ``Recorder`` this uses).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import httpx
from pydantic import SecretStr

from crawler.platforms.base import PlatformSettings
from crawler.platforms.jd.api import JdClient
from tests.support.marketplace import MarketplaceProcess
from tests.support.page_cases import CASES
from tests.support.page_recorder import SEED, SIZE, Recorder, rendered

RECORDER = "python -m tests.support.jd_recorder"


def client(mp: MarketplaceProcess, app: str = "jd", secret: str | None = None) -> JdClient:
    cred = mp.credentials[app]
    values = {"app_key": SecretStr(cred["app_key"]),
              "app_secret": SecretStr(secret or cred["app_secret"])}
    return JdClient(PlatformSettings("jd", f"{mp.url}/jd", f"{mp.url}/jd", values,
                                     {"app_key": "JD_APP_KEY", "app_secret": "JD_APP_SECRET"}))


class JdRecorder:
    def __init__(self, rec: Recorder) -> None:
        self.rec, self.mp = rec, rec.mp
        self.jd = [r for r in rec.truth if r["platform"] == "jd" and not r["delisted"]]

    def item(self, **where: Any) -> dict[str, Any]:
        def ok(row: dict[str, Any]) -> bool:
            return all(v(row.get(k)) if callable(v) else row.get(k) == v
                       for k, v in where.items())
        return next(r for r in self.jd if ok(r))

    def save(self, name: str, request: dict[str, Any], response: Any, output: dict[str, Any],
             note: str) -> None:
        self.rec.save("jd", name, request, response, output, note)
        meta = CASES / "jd" / name / "meta.json"
        if meta.exists():
            data = json.loads(meta.read_text(encoding="utf-8"))
            data["recorder"] = RECORDER
            meta.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                            encoding="utf-8")

    # --- pages ------------------------------------------------------------------------------
    def page(self, name: str, row: dict[str, Any], note: str, **flags: Any) -> None:
        response = self.rec.get(row["url"])
        request = {"url": row["url"], "item_id": row["item_id"]}
        self.save(name, request, response, {"records": self.rec.rows(row["item_id"]), **flags},
                  note)

    def pages(self) -> None:
        static = {"_page_variant": "embedded_state"}
        self.page("page-static-promotion", self.item(**static, list_price_minor=bool), "on sale")
        self.page("page-static-coupon-threshold",
                  self.item(**static, coupon_threshold_minor=bool), "满X减Y coupon")
        self.page("page-static-coupon-unconditional",
                  self.item(**static, coupon_minor=bool, coupon_threshold_minor=None),
                  "无门槛 coupon")
        self.page("page-static-shipping-fee", self.item(**static, shipping_minor=bool),
                  "运费 ¥…")
        self.page("page-static-out-of-stock", self.item(**static, availability="out_of_stock"),
                  "无货")
        js = self.item(_page_variant="js_only", list_price_minor=bool)
        self.page("page-js-only-static", js, "as served: price and stock empty",
                  needs_browser=True)
        self.save("page-js-only-rendered", {"url": js["url"], "item_id": js["item_id"]},
                  rendered(js["url"]), {"records": self.rec.rows(js["item_id"])},
                  "the JS-only page rendered in Chromium (prices/mgets, stocks filled)")
        gone = f"{self.mp.url}/jd/100000099999.html"
        self.save("page-not-found", {"url": gone, "item_id": "100000099999"},
                  self.rec.get(gone), {"records": [], "not_found": True}, "404 下柜")
        row = self.item(**static)
        for fault, name in (("blocked_200", "page-blocked-captcha"),
                            ("blocked_403", "page-blocked-403")):
            response = self.rec.faulted("jd", {fault: 1.0}, row["url"])
            self.save(name, {"url": row["url"], "item_id": row["item_id"]}, response,
                      {"records": [], "blocked": True}, f"fault {fault}")

    # --- API --------------------------------------------------------------------------------
    def api(self, name: str, call: Any, note: str, output: dict[str, Any],
            faults: dict[str, Any] | None = None) -> None:
        if faults:
            self.mp.set_faults({"jd": faults})
        try:
            response = httpx.post(call.url, content=call.body, headers=dict(call.headers),
                                  timeout=30)
        finally:
            if faults:
                self.mp.reset_faults()
        request = {"operation": call.operation, "item_ids": list(call.item_ids),
                   "purpose": call.purpose,
                   "context": {k: v for k, v in call.context.items() if k != "known"}}
        self.save(name, request, response, output, note)

    def apis(self) -> None:
        jd = client(self.mp)
        promo = self.item(list_price_minor=bool)
        plain = self.item(list_price_minor=None, coupon_minor=bool)
        skus = (promo["item_id"], plain["item_id"], "100000099999")
        rows = self.rec.rows(promo["item_id"]) + self.rec.rows(plain["item_id"])
        self.api("api-promotion", jd.promotion_call(skus), "promotiongoodsinfo: a flash "
                 "sale, a coupon item and an unknown SKU (omitted)", {"records": rows})
        self.api("api-goods-query-detail", jd.detail_query_call(skus, {}),
                 "goods.query by SKU", {"records": rows})
        matching = [r for r in self.jd if "手机" in r["title"]]
        self.api("api-goods-query-search", jd.search_call("手机", 1),
                 "goods.query keyword page 1", {"total": len(matching),
                                                "records": self.rec.scrub(matching[:30])})
        self.api("api-missing-fields", jd.detail_query_call(skus[:2], {}),
                 "fault missing_fields: no priceInfo", {"records": rows},
                 {"missing_fields": 1.0})
        wrong = client(self.mp, secret="not-the-secret")
        self.api("api-error-signature", wrong.promotion_call(skus),
                 "wrong app_secret", {"error": {"kind": "auth", "code": "12"}})
        self.api("api-error-app-key", jd.promotion_call(skus), "fault api_off",
                 {"error": {"kind": "auth", "code": "17"}}, {"api_off": True})
        limited = client(self.mp, "jd_no_goods_query")
        self.api("api-error-no-permission", limited.search_call("手机", 1),
                 "goods.query not approved for this app",
                 {"error": {"kind": "permission", "code": "403"}})
        self.api("api-error-rate-limit", jd.promotion_call(skus), "fault rate_limit",
                 {"error": {"kind": "quota", "code": "2"}}, {"rate_limit": 1.0})
        self.api("api-error-server", jd.promotion_call(skus), "fault server_error (502)",
                 {"error": {"kind": "server"}}, {"server_error": 1.0})
        self.api("api-error-malformed", jd.promotion_call(skus), "fault malformed_json",
                 {"error": {"kind": "malformed"}}, {"malformed_json": 1.0})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="record only the cases whose name contains this")
    args = parser.parse_args()
    mp = MarketplaceProcess(SEED, SIZE)
    try:
        recorder = JdRecorder(Recorder(mp, args.only))
        recorder.pages()
        recorder.apis()
    finally:
        mp.stop()


if __name__ == "__main__":
    main()
