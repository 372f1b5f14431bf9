"""Amazon: SP-API first (LWA token, catalog, getItemOffersBatch, competitive summary), product
pages to complete (seller name, ratings, stock) and fall back (crawler/platforms/amazon/)."""

from spiders._base import PlatformSpider


class AmazonSpider(PlatformSpider):
    name = "amazon"
