"""The generic schema.org shop: any product page the shared parser reads, found by URL or sitemap.

A watch's ``urls`` are product pages, or sitemaps/robots.txt when they end in ``.xml``,
``.xml.gz`` or ``robots.txt``. A watch without URLs (item ids, or nothing) reads the shop's
catalog: the ``sitemaps`` option, else ``{site_base}/robots.txt``'s ``Sitemap:`` lines (index →
chunks → product pages). robots.txt rules themselves are obeyed by the crawler for every page.
There is no search page: keyword watches find nothing here.

Item ids are the page's ``sku`` (else the canonical URL): SKUs cannot be turned into page URLs,
so an id watch reads the whole sitemap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from crawler.platforms.base import Answer, PageResult, PageTarget, Record, Watch
from crawler.platforms.blocked import blocked_reason
from crawler.platforms.schemaorg import PageHints, SchemaOrgPageReader
from crawler.platforms.schemaorg.sitemap import discovery_result, product_target, sitemap_target

PLATFORM = "schema_org"
SITEMAP_SUFFIXES = (".xml", ".xml.gz", "robots.txt")


def is_sitemap(url: str) -> bool:
    return url.split("?", 1)[0].rstrip("/").endswith(SITEMAP_SUFFIXES)


@dataclass(frozen=True)
class SchemaOrgShopReader:
    """The ``PageReader`` of the generic platform (product pages, sitemaps, robots.txt)."""

    site_base: str | None = None
    sitemaps: Sequence[str] = ()
    hints: PageHints = field(default_factory=PageHints)
    ready_selector: str = "body[data-price-ready='1'], [itemprop=price], .price-now:not(:empty)"

    def targets_for(self, watch: Watch) -> list[PageTarget]:
        targets = [
            sitemap_target(PLATFORM, url, watch.site)
            if is_sitemap(url)
            else product_target(PLATFORM, url, watch.site)
            for url in watch.urls
        ]
        if watch.item_ids or not (watch.urls or watch.keywords):
            targets.extend(self._catalog(watch.site))
        return targets

    def _catalog(self, site: str | None) -> list[PageTarget]:
        urls = list(self.sitemaps) or ([f"{self.site_base}/robots.txt"] if self.site_base else [])
        return [sitemap_target(PLATFORM, url, site) for url in urls]

    def target_for(
        self, item_id: str, known: tuple[Record, ...] = (), site: str | None = None
    ) -> PageTarget:
        url = (
            item_id
            if item_id.startswith("http")
            else next((str(r["url"]) for r in known if r.get("url")), None)
        )
        if url is None:
            catalog = self._catalog(site)
            return catalog[0] if catalog else product_target(PLATFORM, item_id, site)
        return PageTarget(PLATFORM, url, "" if url == item_id else item_id, known=known, site=site)

    def read(self, target: PageTarget, answer: Answer) -> PageResult:
        if (reason := blocked_reason(answer)) is not None:
            return PageResult(blocked=reason)
        if target.kind == "sitemap":
            if answer.status >= 400:
                return PageResult(problems=[f"sitemap:http {answer.status} {answer.url}"])
            return discovery_result(target, answer)
        return SchemaOrgPageReader(PLATFORM, self.hints).read(target, answer)
