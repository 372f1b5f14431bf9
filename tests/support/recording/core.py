"""Record test cases (tests/cases/<platform>/<case>/) from the fixture marketplace.

    .venv/bin/python -m tests.support.recording [--only NAME]

Starts a private marketplace (seed ``SEED``, ``SIZE`` items), sends real requests (API calls
signed by the platform clients, page GETs, one page rendered in Chromium) and saves, web-poet
style, ``inputs/`` (the request and the answer as received), ``output.json`` (what a reader must
find: the marketplace's *truth* rows of the item, or the documented error kind) and ``meta.json``
(where the case came from). Secrets are scrubbed from saved URLs and bodies.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from pydantic import SecretStr

from crawler.platforms.base import ApiCall
from crawler.platforms.pdd.api import PddSettings
from crawler.platforms.taobao.api import TopSettings
from tests.support.marketplace import MarketplaceProcess

SEED, SIZE = 7, 1000
CASES = Path(__file__).resolve().parents[2] / "cases"
CHROMIUM = "/usr/bin/chromium"


class Recorder:
    def __init__(self, mp: MarketplaceProcess, only: str | None = None) -> None:
        self.mp = mp
        self.only = only
        self.http = httpx.Client(timeout=30)
        self.truth = mp.truth(limit=100_000)
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.truth["listings"]:
            self.rows[row["item_id"]].append(row)

    # --- choosing items --------------------------------------------------------------------
    def items(self, platform: str, test: Any) -> list[str]:
        return [
            item_id
            for item_id, rows in self.rows.items()
            if rows[0]["platform"] == platform and test(rows)
        ]

    # --- saving ----------------------------------------------------------------------------
    def save(
        self,
        platform: str,
        name: str,
        request: dict[str, Any],
        response: httpx.Response | dict[str, Any],
        output: Any,
        note: str,
    ) -> None:
        if self.only and self.only not in name:
            return
        folder = CASES / platform / name
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "inputs").mkdir(parents=True)
        if isinstance(response, httpx.Response):
            info = {
                "url": scrub(str(response.url)),
                "status": response.status_code,
                "headers": {k: v for k, v in response.headers.items() if k.lower() in KEPT},
            }
            body = response.content
        else:  # a rendered page: what Chromium's DOM serialised
            info, body = response["info"], response["body"]
        suffix = "json" if "json" in info["headers"].get("content-type", "") else "html"
        (folder / "inputs" / f"HttpResponse-body.{suffix}").write_bytes(body)
        dump(folder / "inputs" / "HttpResponse-info.json", info)
        dump(folder / "inputs" / "request.json", request)
        dump(folder / "output.json", output)
        dump(
            folder / "meta.json",
            {
                "source": "recording of the fixture marketplace (fixtures/marketplace)",
                "seed": SEED,
                "size": SIZE,
                "tick": self.mp.status().get("tick"),
                "faults": {
                    k: v for k, v in self.mp.faults()[platform].items() if v and k in FAULTS
                },
                "recorded_at": datetime.now(UTC).strftime("%Y-%m-%d"),
                "recorder": "tests/support/recording (python -m tests.support.recording)",
                "note": note,
            },
        )
        print(f"saved {folder.relative_to(CASES.parent.parent)}")

    def send(self, call: ApiCall) -> httpx.Response:
        return self.http.request(call.method, call.url, content=call.body, headers=call.headers)

    def truth_rows(self, item_id: str) -> list[dict[str, Any]]:
        return [public(r) for r in self.rows[item_id]]


FAULTS = {
    "rate_limit",
    "server_error",
    "malformed_json",
    "missing_fields",
    "blocked_200",
    "blocked_403",
    "api_off",
}
KEPT = {"content-type", "retry-after", "content-length"}


def scrub(url: str) -> str:
    """Drop the query of API URLs (it holds the signature and the session token)."""
    parts = urlsplit(url)
    if "/router" in parts.path:
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return url


def public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_") or k == "_gtin_shown"}


def dump(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def call_request(call: ApiCall) -> dict[str, Any]:
    return {
        "operation": call.operation,
        "item_ids": list(call.item_ids),
        "purpose": call.purpose,
        "context": dict(call.context),
    }


def top_settings(url: str, cred: dict[str, Any], **kw: Any) -> TopSettings:
    return TopSettings(
        app_key=cred["app_key"],
        app_secret=SecretStr(cred["app_secret"]),
        session=SecretStr(cred["session"]) if cred.get("session") else None,
        adzone_id=cred.get("adzone_id"),
        api_base=url + "/taobao",
        site_base=url + "/taobao",
        **kw,
    )


def pdd_settings(url: str, cred: dict[str, Any], **kw: Any) -> PddSettings:
    return PddSettings(
        client_id=cred["client_id"],
        client_secret=SecretStr(cred["client_secret"]),
        pid=cred.get("pid"),
        api_base=url + "/pdd",
        site_base=url + "/pdd",
        **kw,
    )


def render(url: str) -> dict[str, Any]:
    """The page after its script ran, in real Chromium (what the rendered rung reads)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector('body[data-price-ready="1"]', timeout=15_000)
        html = page.content()
        browser.close()
    return {
        "info": {
            "url": url,
            "status": 200,
            "headers": {"content-type": "text/html; charset=utf-8"},
        },
        "body": html.encode("utf-8"),
    }
