"""WooCommerce shops: Store API first, product pages to complete (GTIN, shipping) and fall back
(crawler/platforms/woocommerce/)."""

from spiders._base import PlatformSpider


class WooCommerceSpider(PlatformSpider):
    name = "woocommerce"
