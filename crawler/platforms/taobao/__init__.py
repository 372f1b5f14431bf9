"""Taobao / Tmall: TOP signing and calls (api), error table (errors), answers → records (reader),
item pages (pages), the client that ties them together (client) and the framework's factories
(setup). See docs/platforms/taobao.md.
"""

from crawler.platforms.registry import PlatformSpec
from crawler.platforms.taobao.api import PRODUCTION_API, PRODUCTION_SITE
from crawler.platforms.taobao.setup import (
    CREDENTIALS,
    fixture_setup,
    make_client,
    make_page_reader,
)

PLATFORM = PlatformSpec(
    name="taobao",
    make_page_reader=make_page_reader,
    make_client=make_client,
    api_base=PRODUCTION_API,
    site_base=PRODUCTION_SITE,
    credentials=CREDENTIALS,
    fixtures=fixture_setup,
)
