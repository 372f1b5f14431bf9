"""The cases ``python -m tests.support.page_recorder`` records, per platform (see that module)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tests.support.page_recorder import BASE, Recorder, rendered

SCHEMA_LAYOUTS = (
    "jsonld",
    "jsonld_graph",
    "jsonld_offers",
    "jsonld_related",
    "microdata",
    "opengraph",
    "embedded_state",
)
SHOPIFY_PATHS = {"shopify-us": "/shopify/gadgets-us", "shopify-jp": "/shopify/tokyo-gadgets"}


def page_request(row: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "url": row["url"],
        "item_id": extra.pop("item_id", row["item_id"]),
        "kind": "product",
        "site": extra.pop("site", None),
        **extra,
    }


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def schema_org(rec: Recorder) -> None:
    for layout in SCHEMA_LAYOUTS:
        row = rec.first("schema_org", _page_variant=layout)
        rec.save(
            "schema_org",
            f"page-{layout.replace('_', '-')}",
            page_request(row, item_id=""),
            rec.get(path_of(row["url"])),
            {"records": rec.rows(row["item_id"])},
            f"page layout {layout}",
        )
    row = rec.first("schema_org", _page_variant="js_only")
    rec.save(
        "schema_org",
        "page-js-only-static",
        page_request(row, item_id=""),
        rec.get(path_of(row["url"])),
        {"records": [], "needs_browser": True},
        "page layout js_only as fetched: no price before the script ran",
    )
    rec.save(
        "schema_org",
        "page-js-only-rendered",
        page_request(row, item_id=""),
        rendered(row["url"]),
        {"records": rec.rows(row["item_id"])},
        "page layout js_only rendered by Chromium (body[data-price-ready=1])",
    )
    row = rec.first("schema_org", _page_variant="jsonld")
    for fault, name in (("blocked_200", "captcha"), ("blocked_403", "403")):
        rec.save(
            "schema_org",
            f"page-blocked-{name}",
            page_request(row, item_id=""),
            rec.faulted("schema_org", {fault: 1.0}, path_of(row["url"])),
            {"records": [], "blocked": True},
            f"fault {fault}",
        )
    gone = f"{BASE}/schema_org/products/gone-99999.html"
    answer = rec.get("/schema_org/products/gone-99999.html")
    rec.save(
        "schema_org",
        "page-not-found",
        {"url": gone, "item_id": "NW-099999", "kind": "product"},
        answer,
        {"records": [], "not_found": True},
        "a known item's page answers HTTP 404: delisted",
    )
    rec.save(
        "schema_org",
        "page-not-found-url-only",
        {"url": gone, "item_id": "", "kind": "product"},
        answer,
        {"records": [], "problems": ["page:gone HTTP 404"]},
        "a URL-only page answers HTTP 404: which item it was is unknown, so a problem",
    )
    _sitemaps(rec, "schema_org", "/schema_org")


def _sitemaps(
    rec: Recorder, platform: str, prefix: str, index: str = "/sitemap.xml", site: str | None = None
) -> None:
    robots = rec.get(f"{prefix}/robots.txt")
    rec.save(
        platform,
        "sitemap-robots",
        {"url": str(robots.url), "kind": "sitemap", "site": site},
        robots,
        {"follow": [f"{BASE}{prefix}{index}"]},
        "the site's robots.txt",
    )
    sitemap = rec.get(f"{prefix}{index}")
    chunk = sitemap.text.split("<loc>", 1)[1].split("</loc>", 1)[0]
    rec.save(
        platform,
        "sitemap-index",
        {"url": str(sitemap.url), "kind": "sitemap", "site": site},
        sitemap,
        {"follow": [chunk]},
        "the sitemap index",
    )
    urls = sorted(
        {
            r["url"]
            for r in rec.truth
            if r.get("_site", r["platform"]) == (site or platform) and not r["delisted"]
        }
    )
    rec.save(
        platform,
        "sitemap-chunk",
        {"url": chunk, "kind": "sitemap", "site": site},
        rec.get(chunk),
        {"follow": urls},
        "the first (only) chunk of product URLs",
    )


def shopify(rec: Recorder) -> None:
    for site, prefix in SHOPIFY_PATHS.items():
        short = site.split("-")[1]
        for layout in ("jsonld_offers", "jsonld_related", "opengraph"):
            row = rec.first("shopify", _site=site, _page_variant=layout)
            rec.save(
                "shopify",
                f"page-{short}-{layout.replace('_', '-')}",
                page_request(row, site=site),
                rec.get(path_of(row["url"])),
                {"records": rec.rows(row["item_id"])},
                f"{site} page layout {layout}",
            )
        row = rec.first("shopify", _site=site)
        handle = row["url"].rsplit("/", 1)[1]
        js = {
            "operation": "products/<handle>.js",
            "item_ids": [row["item_id"]],
            "context": {"site": site, "handle": handle, "url": row["url"]},
        }
        rec.save(
            "shopify",
            f"api-product-js-{short}",
            js,
            rec.get(f"{prefix}/products/{handle}.js"),
            {"records": rec.rows(row["item_id"])},
            f"{site} products/<handle>.js",
        )
        rec.save(
            "shopify",
            f"api-products-json-{short}",
            {
                "operation": "products.json",
                "item_ids": [],
                "context": {
                    "site": site,
                    "page": 1,
                    "limit": 3,
                    "keyword": "",
                    "previous_first": None,
                    "report_missing": True,
                },
            },
            rec.get(f"{prefix}/products.json?limit=3&page=1"),
            {"products": 3},
            f"{site} products.json page 1 of 3",
        )
    _shopify_errors(rec)
    _sitemaps(rec, "shopify", "/shopify/gadgets-us", site="shopify-us")


def _shopify_errors(rec: Recorder) -> None:
    prefix = SHOPIFY_PATHS["shopify-us"]
    row = rec.first("shopify", _site="shopify-us")
    handle = row["url"].rsplit("/", 1)[1]
    js = {
        "operation": "products/<handle>.js",
        "item_ids": [row["item_id"]],
        "context": {"site": "shopify-us", "handle": handle, "url": row["url"]},
    }
    walk = {
        "operation": "products.json",
        "item_ids": [row["item_id"]],
        "context": {
            "site": "shopify-us",
            "page": 1,
            "limit": 250,
            "keyword": None,
            "previous_first": None,
            "report_missing": True,
        },
    }
    rec.save(
        "shopify",
        "api-error-throttled",
        walk,
        rec.faulted(
            "shopify",
            {"rate_limit": 1.0, "ban_seconds": 2},
            f"{prefix}/products.json?limit=250&page=1",
        ),
        {"error": "quota", "retry_after": 2.0},
        "fault rate_limit: 429 + Retry-After",
    )
    rec.save(
        "shopify",
        "api-error-api-off",
        walk,
        rec.faulted("shopify", {"api_off": True}, f"{prefix}/products.json?limit=250&page=1"),
        {"error": "auth"},
        "fault api_off: the storefront JSON answers 404",
    )
    rec.save(
        "shopify",
        "api-error-server",
        js,
        rec.faulted("shopify", {"server_error": 1.0}, f"{prefix}/products/{handle}.js"),
        {"error": "server"},
        "fault server_error",
    )
    rec.save(
        "shopify",
        "api-error-malformed",
        js,
        rec.faulted("shopify", {"malformed_json": 1.0}, f"{prefix}/products/{handle}.js"),
        {"error": "malformed"},
        "fault malformed_json: body cut at 60 %",
    )
    rec.save(
        "shopify",
        "api-missing-price",
        js,
        rec.faulted("shopify", {"missing_fields": 1.0}, f"{prefix}/products/{handle}.js"),
        {"incomplete": [row["url"]]},
        "fault missing_fields: variants without price",
    )
    gone = {
        "operation": "products/<handle>.js",
        "item_ids": ["8000000099999"],
        "context": {
            "site": "shopify-us",
            "handle": "gone-99999",
            "url": f"{BASE}{prefix}/products/gone-99999",
        },
    }
    rec.save(
        "shopify",
        "api-product-js-unknown",
        gone,
        rec.get(f"{prefix}/products/gone-99999.js"),
        {"incomplete": [f"{BASE}{prefix}/products/gone-99999"]},
        "an unknown handle: 404, confirmed on the page",
    )
    for keyword in ("phone", "Smartphone"):
        rec.save(
            "shopify",
            f"api-suggest-{keyword.lower()}",
            {
                "operation": "search/suggest.json",
                "context": {"site": "shopify-us", "keyword": keyword},
            },
            rec.get(
                f"{prefix}/search/suggest.json",
                params={"q": keyword, "resources[type]": "product", "resources[limit]": 10},
            ),
            {"products": _matches(rec, "shopify-us", keyword)},
            f"suggest.json q={keyword}",
        )
    rec.save(
        "shopify",
        "api-search-phone",
        {"operation": "search", "context": {"site": "shopify-us", "keyword": "phone", "page": 1}},
        rec.get(f"{prefix}/search", params={"q": "phone", "type": "product", "page": 1}),
        {"products": _matches(rec, "shopify-us", "phone")},
        "/search?q=phone (HTML)",
    )


def _matches(rec: Recorder, site: str, keyword: str) -> int:
    return len(
        {
            r["item_id"]
            for r in rec.truth
            if r.get("_site") == site
            and not r["delisted"]
            and keyword.lower() in r["title"].lower()
        }
    )


def woocommerce(rec: Recorder) -> None:
    api = "/woocommerce/wp-json/wc/store/v1/products"
    for layout in ("jsonld_graph", "microdata"):
        row = rec.first("woocommerce", _page_variant=layout)
        rec.save(
            "woocommerce",
            f"page-{layout.replace('_', '-')}",
            page_request(row),
            rec.get(path_of(row["url"])),
            {"records": rec.rows(row["item_id"])},
            f"page layout {layout}",
        )
    rows = [r for r in rec.truth if r["platform"] == "woocommerce"]
    parents = list(dict.fromkeys(r["item_id"] for r in rows))[:2]
    rec.save(
        "woocommerce",
        "api-parents",
        {
            "operation": "products?include",
            "item_ids": [*parents, "99990"],
            "context": {"parents": True},
        },
        rec.get(api, params={"include": ",".join([*parents, "99990"]), "per_page": 100}),
        {"not_found": ["99990"], "variations": sum(r["item_id"] in parents for r in rows)},
        "include= two parents and an unknown id",
    )
    wanted = [r for r in rows if r["item_id"] == parents[1]]
    facts = {
        r["variant_id"]: {
            "item_id": r["item_id"],
            "title": r["title"],
            "brand": r["brand"],
            "url": r["url"],
        }
        for r in wanted
    }
    rec.save(
        "woocommerce",
        "api-variations",
        {
            "operation": "products?include",
            "item_ids": [wanted[0]["url"]],
            "context": {"parents": False, "facts": facts},
        },
        rec.get(api, params={"include": ",".join(facts), "per_page": 100}),
        {"records": rec.rows(parents[1])},
        "the variations of one parent",
    )
    rec.save(
        "woocommerce",
        "api-list-page",
        {"operation": "products", "context": {"page": 1, "keyword": "", "per_page": 2}},
        rec.get(api, params={"page": 1, "per_page": 2}),
        {"next_page": 2},
        "page 1, per_page 2",
    )
    rec.save(
        "woocommerce",
        "api-error-invalid-id",
        {"operation": "products/{id}"},
        rec.get(f"{api}/99990"),
        {"error": "not_found"},
        "an unknown product id",
    )
    rec.save(
        "woocommerce",
        "api-error-no-route",
        {"operation": "products"},
        rec.faulted("woocommerce", {"api_off": True}, api),
        {"error": "auth"},
        "fault api_off",
    )
    rec.save(
        "woocommerce",
        "api-error-throttled",
        {"operation": "products"},
        rec.faulted("woocommerce", {"rate_limit": 1.0, "ban_seconds": 3}, api),
        {"error": "quota", "retry_after": 3.0},
        "fault rate_limit",
    )
    rec.save(
        "woocommerce",
        "api-missing-price",
        {
            "operation": "products?include",
            "item_ids": [wanted[0]["url"]],
            "context": {"parents": False, "facts": facts},
        },
        rec.faulted(
            "woocommerce",
            {"missing_fields": 1.0},
            api,
            params={"include": ",".join(facts), "per_page": 100},
        ),
        {"missing_price": len(facts)},
        "fault missing_fields: prices.price absent",
    )
    _sitemaps(rec, "woocommerce", "/woocommerce", index="/wp-sitemap.xml")
