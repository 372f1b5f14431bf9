"""The page reader of the contract (``read(target, answer) → PageResult``) over ``ProductPage``.

Decides what a whole answer means: a 404/410 is ``not_found``; a product page without a price in
its static HTML ``needs_browser``; a page that is no product page at all is a problem (a reject
reason), never a listing. Blocked (anti-bot) answers are recognised by the framework before any
reader runs (``crawler/platforms/blocked.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from w3lib.encoding import html_to_unicode

from crawler.platforms.base import Answer, PageResult, PageTarget, Record
from crawler.platforms.schemaorg.hints import PageHints
from crawler.platforms.schemaorg.page import ProductPage

GONE_STATUSES = (404, 410)


def answer_html(answer: Answer) -> str:
    """The body as text in the encoding the headers or the page declare (GBK pages exist)."""
    _, text = html_to_unicode(answer.header("content-type"), answer.body)
    return str(text)


def page_of(answer: Answer, hints: PageHints | None = None) -> ProductPage:
    return ProductPage(answer.url, answer_html(answer), hints)


@dataclass(frozen=True)
class SchemaOrgPageReader:
    """Reads any schema.org product page; ``platform`` names the records' platform."""

    platform: str = "schema_org"
    hints: PageHints = field(default_factory=PageHints)

    def read(self, target: PageTarget, answer: Answer) -> PageResult:
        if answer.status in GONE_STATUSES:
            return gone(target, answer)
        page = page_of(answer, self.hints)
        records = [self.identify(r, target) for r in page.records()]
        return page_result(page, records)

    def identify(self, record: Record, target: PageTarget) -> Record:
        """Platform, item id (the page's ``sku``, else the target's, else the URL) and URL."""
        record["platform"] = self.platform
        record["item_id"] = (
            record.get("sku") or target.item_id or record.get("canonical_url") or target.url
        )
        record["url"] = target.url
        return record


def gone(target: PageTarget, answer: Answer) -> PageResult:
    """A 404/410 product page: not found — when we know which item it was.

    A page known only by its URL (a URL watch, a sitemap entry) has no item id before it is read,
    so a gone one cannot say which listing is delisted: it is a problem naming the URL instead
    (never a listing with an empty id).
    """
    if target.item_id or target.known:
        return PageResult(not_found=True)
    return PageResult(
        problems=[
            f"page:gone HTTP {answer.status} {target.url} (item id unknown: not marked delisted)"
        ]
    )


def page_result(page: ProductPage, records: list[Record]) -> PageResult:
    """Records plus what the page as a whole says (needs a browser, not a product page)."""
    if records:
        confidence = min(float(r.get("confidence", 1.0)) for r in records)
        return PageResult(records=records, problems=page.problems, confidence=confidence)
    if page.is_product_page:
        return PageResult(needs_browser=True, problems=page.problems)
    return PageResult(problems=[*page.problems, "page:not_a_product_page"], confidence=0.0)
