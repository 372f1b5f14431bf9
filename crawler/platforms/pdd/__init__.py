"""Pinduoduo DDK: signing and calls (api), error table (errors), answers → records (reader),
goods pages (pages), the client that ties them together (client) and the framework's factories
(setup). See docs/platforms/pdd.md.
"""

from crawler.platforms.pdd.api import PRODUCTION_API, PRODUCTION_SITE
from crawler.platforms.pdd.setup import CREDENTIALS, fixture_setup, make_client, make_page_reader
from crawler.platforms.registry import PlatformSpec

PLATFORM = PlatformSpec(
    name="pdd",
    make_page_reader=make_page_reader,
    make_client=make_client,
    api_base=PRODUCTION_API,
    site_base=PRODUCTION_SITE,
    credentials=CREDENTIALS,
    fixtures=fixture_setup,
)
