"""The PDD cases: goods pages (coupon forms, sold out, blocked, gone) and DDK answers (detail,
batch, keyword search, each documented error). Expected outputs come from the truth.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crawler.platforms.base import ApiCall
from crawler.platforms.pdd.api import DETAIL, PddRequests
from tests.support.recording.core import Recorder, call_request, pdd_settings

UNKNOWN_SIGN = "Y9000zzzz_J0123456789abcdef01"  # well-formed, not in the catalog
MISSING_GOODS_ID = "3000999999"
Rows = list[dict[str, Any]]


def error(kind: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"kind": kind, "code": code, **extra}}


def goods_id(row: dict[str, Any]) -> str:
    return row["url"].rsplit("goods_id=", 1)[1]


class PddCases:
    def __init__(self, rec: Recorder) -> None:
        self.rec = rec
        self.ddk = PddRequests(pdd_settings(rec.mp.url, rec.mp.credentials["pdd"]))

    def first(self, test: Callable[[Rows], bool]) -> str:
        return self.rec.items("pdd", test)[0]

    def page(self, name: str, item_id: str | None, note: str, output: Any = None) -> None:
        page_id = goods_id(self.rec.rows[item_id][0]) if item_id else MISSING_GOODS_ID
        url = self.ddk.page_url(page_id)
        request = {"url": url, "item_id": item_id or "", "known": [], "missing_fields": []}
        expected = output or {"records": self.rec.truth_rows(item_id or "")}
        self.rec.save("pdd", name, request, self.rec.http.get(url), expected, note)

    def api(self, name: str, call: ApiCall, output: Any, note: str, **faults: Any) -> None:
        if faults:
            self.rec.mp.set_faults(pdd=faults)
        try:
            self.rec.save("pdd", name, call_request(call), self.rec.send(call), output, note)
        finally:
            if faults:
                self.rec.mp.reset_faults()

    def pages(self) -> None:
        threshold = self.first(lambda r: bool(r[0]["coupon_threshold_minor"]))
        self.page("page-coupon-threshold", threshold, "满X减Y coupon, list price when shown")
        free = self.first(lambda r: r[0]["coupon_minor"] and not r[0]["coupon_threshold_minor"])
        self.page("page-unconditional-coupon", free, "无门槛减 coupon (threshold null)")
        sold = self.first(lambda r: r[0]["stock_qty"] == 0)
        self.page("page-sold-out", sold, "quantity 0")
        wan = self.first(lambda r: (r[0]["sales_volume"] or 0) >= 10_000)
        self.page("page-sales-wan", wan, "sideSalesTip 已拼X万件")
        self.page("page-not-found", None, "unknown goods_id: 404", {"not_found": True})
        for fault, name in (
            ("blocked_200", "page-blocked-captcha"),
            ("blocked_403", "page-blocked-403"),
        ):
            self.rec.mp.set_faults(pdd={fault: 1.0})
            self.page(name, threshold, f"fault {fault}: anti-bot wall", {"blocked": True})
            self.rec.mp.reset_faults()

    def apis(self) -> None:
        signs = self.rec.items("pdd", lambda r: True)[:3]
        one = signs[0]
        rows = {s: self.rec.truth_rows(s) for s in signs}
        self.api(
            "api-detail",
            self.ddk.call(DETAIL, {"goods_sign": one}, item_ids=[one]),
            {"not_found": [], "items": {one: rows[one]}},
            "goods.detail of one goods_sign",
        )
        batch = self.ddk.batch_call([*signs, UNKNOWN_SIGN])
        self.api(
            "api-batch",
            batch,
            {"not_found": [UNKNOWN_SIGN], "items": rows},
            "goods.search by goods_sign_list: three goods and an unknown sign",
        )
        self.api(
            "api-detail-unknown",
            self.ddk.call(DETAIL, {"goods_sign": UNKNOWN_SIGN}, item_ids=[UNKNOWN_SIGN]),
            {"not_found": [UNKNOWN_SIGN], "items": {}},
            "unknown goods_sign: empty list",
        )
        word = "手机"
        matching = self.rec.items("pdd", lambda r: word in r[0]["title"])
        small = PddRequests(
            pdd_settings(self.rec.mp.url, self.rec.mp.credentials["pdd"], search_page_size=3)
        )
        self.api(
            "api-search-page-1",
            small.search_call(word),
            {"matching": matching, "next_page": len(matching) > 3},
            f"goods.search keyword={word}, 3 a page",
        )
        self.api(
            "api-missing-prices",
            self.ddk.call(DETAIL, {"goods_sign": one}, item_ids=[one]),
            {"not_found": [], "items": {one: rows[one]}, "prices_missing": True},
            "fault missing_fields: no min_group_price/min_normal_price",
            missing_fields=1.0,
        )
        self.errors(one)

    def errors(self, sign: str) -> None:
        cred = self.rec.mp.credentials["pdd"]
        call = self.ddk.call(DETAIL, {"goods_sign": sign}, item_ids=[sign])
        wrong = PddRequests(pdd_settings(self.rec.mp.url, {**cred, "client_secret": "wrong"}))
        self.api(
            "api-error-signature",
            wrong.call(DETAIL, {"goods_sign": sign}, item_ids=[sign]),
            error("auth", "20004", setting="client_secret"),
            "signed with a wrong client_secret: 20004 签名验证失败",
        )
        self.api(
            "api-error-client-id",
            call,
            error("auth", "10000", setting="client_id"),
            "fault api_off: 10000 参数错误:client_id",
            api_off=True,
        )
        ban = float(self.rec.mp.faults()["pdd"]["ban_seconds"])
        self.api(
            "api-error-rate-limit",
            call,
            error("quota", "52101", retry_after=ban),
            "fault rate_limit: 52101 (pdd_rate_limit_code [U])",
            rate_limit=1.0,
        )
        self.api(
            "api-error-server",
            call,
            error("server", "50001"),
            "fault server_error: HTTP 503, 50001",
            server_error=1.0,
        )
        self.api(
            "api-error-malformed",
            call,
            error("malformed", "json"),
            "fault malformed_json: the body cut at 60 %",
            malformed_json=1.0,
        )
        bad = self.ddk.call(DETAIL, {"goods_sign": ""}, item_ids=[""])
        self.api(
            "api-error-parameter",
            bad,
            error("client", "10000"),
            "goods.detail without goods_sign: 10000 参数错误:goods_sign",
        )


def record(rec: Recorder) -> None:
    cases = PddCases(rec)
    cases.pages()
    cases.apis()
