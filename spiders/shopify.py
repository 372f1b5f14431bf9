"""Shopify stores: storefront JSON first (products.json, products/<handle>.js), product pages to
fall back (crawler/platforms/shopify/)."""

from spiders._base import PlatformSpider


class ShopifySpider(PlatformSpider):
    name = "shopify"
