"""Amazon: LWA + SP-API (Catalog Items 2022-04-01, Pricing v0 / 2022-05-01) and product pages.

``AmazonClient`` (client.py) builds and reads the API calls of a watch; ``AmazonPageReader``
(pages.py) reads ``/dp/{asin}`` pages. See docs/platforms/amazon.md.
"""

from crawler.platforms.amazon.client import AmazonClient
from crawler.platforms.amazon.pages import AmazonPageReader, AmazonProductPage
from crawler.platforms.amazon.settings import AmazonSettings

__all__ = ["AmazonClient", "AmazonPageReader", "AmazonProductPage", "AmazonSettings"]
