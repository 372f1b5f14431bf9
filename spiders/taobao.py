"""Taobao / Tmall: TOP first (taobao.tbk.item.info.get, taobao.item.get for the SKUs,
material.optional for keywords), item pages to complete SKU prices and fall back
(crawler/platforms/taobao/)."""

from spiders._base import PlatformSpider


class TaobaoSpider(PlatformSpider):
    name = "taobao"
