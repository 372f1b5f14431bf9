"""robots.txt ``Sitemap:`` lines, sitemap indexes and URL sets → the pages they lead to.

Stand-alone shops (Shopify, WooCommerce, any schema.org shop) publish their catalog this way:
``robots.txt`` names a sitemap index, the index names chunks of (up to 50,000) product URLs.
``discovery_result`` reads any of the three and returns a ``PageResult`` whose ``follow`` holds
the next targets (``kind="sitemap"`` for further sitemaps, ``kind="product"`` for pages). XML is
parsed without entities or network access; gzip bodies (``sitemap.xml.gz``) are unpacked.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Callable
from urllib.parse import urljoin

from lxml import etree

from crawler.platforms.base import Answer, PageResult, PageTarget

SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)
MAX_BODY = 50 * 1024 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)

#: Keeps the product URLs of one's own shop (a sitemap may list blog posts, categories, …).
UrlFilter = Callable[[str], bool]


def sitemap_target(platform: str, url: str, site: str | None = None) -> PageTarget:
    return PageTarget(platform=platform, url=url, item_id="", kind="sitemap", site=site)


def product_target(platform: str, url: str, site: str | None = None) -> PageTarget:
    return PageTarget(platform=platform, url=url, item_id="", kind="product", site=site)


def discovery_result(
    target: PageTarget, answer: Answer, keep: UrlFilter | None = None
) -> PageResult:
    """What a robots.txt / sitemap index / URL set leads to (``follow``), or the problem."""
    body = _unpacked(answer.body)
    if body is None:
        return PageResult(problems=[f"sitemap:unreadable body of {answer.url}"])
    if answer.url.rstrip("/").endswith("robots.txt") or not body.lstrip().startswith(b"<"):
        urls = [
            urljoin(answer.url, u) for u in SITEMAP_LINE.findall(body.decode("utf-8", "replace"))
        ]
        return PageResult(follow=[sitemap_target(target.platform, u, target.site) for u in urls])
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        return PageResult(problems=[f"sitemap:unreadable {answer.url}: {str(exc)[:80]}"])
    if root is None:
        return PageResult(problems=[f"sitemap:empty {answer.url}"])
    locs = [text.strip() for text in root.xpath("//*[local-name()='loc']/text()") if text.strip()]
    if etree.QName(root).localname == "sitemapindex":
        follow = [sitemap_target(target.platform, u, target.site) for u in locs]
    else:
        follow = [
            product_target(target.platform, u, target.site) for u in locs if keep is None or keep(u)
        ]
    return PageResult(follow=follow)


def _unpacked(body: bytes) -> bytes | None:
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as packed:
            data = packed.read(MAX_BODY + 1)
    except OSError:
        return None
    return data if len(data) <= MAX_BODY else None
