"""Any shop with schema.org markup: product pages from a list of URLs or a sitemap
(crawler/platforms/schema_org/, parsed by crawler/platforms/schemaorg/)."""

from spiders._base import PlatformSpider


class SchemaOrgSpider(PlatformSpider):
    name = "schema_org"
