"""JD: JD Union API first (promotiongoodsinfo + goods.query), product pages to complete and fall
back (crawler/platforms/jd/)."""

from spiders._base import PlatformSpider


class JdSpider(PlatformSpider):
    name = "jd"
