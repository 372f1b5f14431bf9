"""Pinduoduo: DDK first (pdd.ddk.goods.detail / goods.search), goods pages to complete stock,
shipping and variant attributes, and to fall back (crawler/platforms/pdd/)."""

from spiders._base import PlatformSpider


class PddSpider(PlatformSpider):
    name = "pdd"
