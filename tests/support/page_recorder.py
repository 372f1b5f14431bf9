"""Record the stand-alone shops' cases (tests/cases/{schema_org,shopify,woocommerce}/) from the
fixture marketplace.

    .venv/bin/python -m tests.support.page_recorder [--only NAME]

Starts a private marketplace (seed ``SEED``, ``SIZE`` items), fetches one product page per page
layout and site (the js-only page also rendered in Chromium), the sitemaps, and the storefront /
Store API answers (with faults for the error cases), and saves each as a case: ``inputs/``,
``output.json`` (the truth rows of the item, or what the answer means) and ``meta.json``. The
marketplace's base URL is replaced by ``BASE`` everywhere, so cases do not depend on a port.
Hand-made cases (``made-*``) are never touched.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from tests.support.marketplace import MarketplaceProcess
from tests.support.page_cases import CASES

SEED, SIZE = 7, 200
BASE = "http://marketplace.invalid"
CHROMIUM = "/usr/bin/chromium"
KEPT_HEADERS = {"content-type", "retry-after", "x-wp-total", "x-wp-totalpages", "link"}


class Recorder:
    def __init__(self, mp: MarketplaceProcess, only: str | None) -> None:
        self.mp, self.only = mp, only
        self.http = httpx.Client(timeout=30)
        self.truth = mp.truth(limit=100_000)["listings"]

    def scrub(self, value: Any) -> Any:
        text = json.dumps(value, ensure_ascii=False)
        return json.loads(text.replace(self.mp.url, BASE))

    def rows(self, item_id: str) -> list[dict[str, Any]]:
        found = [r for r in self.truth if r["item_id"] == item_id]
        return self.scrub(
            [
                {
                    k: v
                    for k, v in r.items()
                    if not k.startswith("_") or k in ("_page_variant", "_gtin_shown")
                }
                for r in found
            ]
        )

    def first(self, platform: str, **where: Any) -> dict[str, Any]:
        return next(
            r
            for r in self.truth
            if r["platform"] == platform and all(r.get(k) == v for k, v in where.items())
        )

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.get(self.mp.url + path if path.startswith("/") else path, **kw)

    def save(
        self,
        platform: str,
        name: str,
        request: dict[str, Any],
        response: httpx.Response | dict[str, Any],
        output: dict[str, Any],
        note: str,
    ) -> None:
        if self.only and self.only not in name:
            return
        folder = CASES / platform / name
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "inputs").mkdir(parents=True)
        if isinstance(response, httpx.Response):
            info = {
                "url": str(response.url),
                "status": response.status_code,
                "headers": {k: v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS},
            }
            body = response.text
        else:
            info, body = response["info"], response["body"]
        kind = info["headers"].get("content-type", "")
        suffix = (
            "json"
            if "json" in kind
            else "xml"
            if "xml" in kind
            else ("txt" if "text/plain" in kind else "html")
        )
        (folder / "inputs" / f"HttpResponse-body.{suffix}").write_text(
            body.replace(self.mp.url, BASE), encoding="utf-8"
        )
        dump(folder / "inputs" / "HttpResponse-info.json", self.scrub(info))
        dump(folder / "inputs" / "request.json", self.scrub(request))
        dump(folder / "output.json", self.scrub(output))
        dump(
            folder / "meta.json",
            {
                "source": "recording of the fixture marketplace (fixtures/marketplace)",
                "seed": SEED,
                "size": SIZE,
                "tick": self.mp.status().get("tick"),
                "faults": self.mp.faults(),
                "recorded_at": datetime.now(UTC).strftime("%Y-%m-%d"),
                "recorder": "python -m tests.support.page_recorder",
                "note": note,
            },
        )
        print(f"saved {folder.relative_to(CASES.parent.parent)}")

    def faulted(
        self, platform: str, faults: dict[str, Any], path: str, **kw: Any
    ) -> httpx.Response:
        self.mp.set_faults({platform: faults})
        try:
            return self.get(path, **kw)
        finally:
            self.mp.reset_faults()


def dump(path: Path, value: Any) -> None:
    path.write_text(
        json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def rendered(url: str) -> dict[str, Any]:
    """The page as Chromium's DOM serialises it once its script filled the price."""
    from playwright.async_api import async_playwright

    async def run() -> str:
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
            )
            page = await browser.new_page()
            await page.goto(url)
            await page.wait_for_selector("body[data-price-ready='1']", timeout=15000)
            html = await page.content()
            await browser.close()
            return html

    html = asyncio.run(run())
    return {
        "info": {
            "url": url,
            "status": 200,
            "headers": {"content-type": "text/html; charset=utf-8"},
        },
        "body": html,
    }


def main() -> None:
    from tests.support import page_recordings

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="record only the cases whose name contains this")
    args = parser.parse_args()
    mp = MarketplaceProcess(SEED, SIZE)
    try:
        rec = Recorder(mp, args.only)
        page_recordings.schema_org(rec)
        page_recordings.shopify(rec)
        page_recordings.woocommerce(rec)
    finally:
        mp.stop()


if __name__ == "__main__":
    main()
