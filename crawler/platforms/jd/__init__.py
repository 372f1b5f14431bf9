"""JD (京东) through the JD Union open platform, then its product pages.

``api.py`` signs and builds calls, ``reader.py`` reads answers, ``errors.py`` maps error codes,
``pages.py`` reads product pages. Credentials (env): ``JD_APP_KEY``, ``JD_APP_SECRET``, optional
``JD_ACCESS_TOKEN``. Options: ``goods_query`` (default true: the app is approved for
``jd.union.open.goods.query``), ``query_page_size`` (≤ 30), ``complete_from_page`` (default true).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.platforms.base import PlatformSettings
from crawler.platforms.jd.api import JdClient
from crawler.platforms.jd.pages import JdPageReader
from crawler.platforms.registry import FixtureSetup, PlatformSpec

CREDENTIAL_ENVS = {"app_key": "JD_APP_KEY", "app_secret": "JD_APP_SECRET",
                   "access_token": "JD_ACCESS_TOKEN"}


def _reader(settings: PlatformSettings) -> JdPageReader:
    return JdPageReader(settings.site_base or "https://item.jd.com")


def _fixtures(base: str, credentials: Mapping[str, Any]) -> FixtureSetup:
    app = credentials["jd"]
    env = {CREDENTIAL_ENVS[k]: str(app[k]) for k in ("app_key", "app_secret") if app.get(k)}
    return FixtureSetup(config={"api_base": f"{base}/jd", "site_base": f"{base}/jd"}, env=env)


PLATFORM = PlatformSpec(
    name="jd",
    make_client=JdClient,
    make_page_reader=_reader,
    api_base="https://api.jd.com",
    site_base="https://item.jd.com",
    credentials=CREDENTIAL_ENVS,
    fixtures=_fixtures,
)
