"""Taobao's parts for the framework: settings from ``[platforms.taobao]``, client and reader
factories, and where the fixture marketplace serves Taobao."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from crawler.platforms.base import PlatformSettings
from crawler.platforms.registry import FixtureSetup
from crawler.platforms.taobao.api import PRODUCTION_API, PRODUCTION_SITE, TopSettings
from crawler.platforms.taobao.client import TaobaoClient
from crawler.platforms.taobao.pages import TaobaoPageReader

#: Credential → default environment variable (``credentials = {...}`` in the config overrides).
CREDENTIALS = {
    "app_key": "TAOBAO_APP_KEY",
    "app_secret": "TAOBAO_APP_SECRET",
    "session": "TAOBAO_SESSION",
    "adzone_id": "TAOBAO_ADZONE_ID",
}
#: ``[platforms.taobao] options`` and their defaults.
OPTIONS: dict[str, Any] = {
    "sign_method": "md5",
    "search_page_size": 100,
    "max_search_pages": 50,
    "adzone_id": None,
    "complete_from_page": True,
}


def options(settings: PlatformSettings) -> dict[str, Any]:
    unknown = sorted(set(settings.options) - set(OPTIONS))
    if unknown:
        raise ValueError(
            f"[platforms.taobao] options: unknown {', '.join(unknown)} "
            f"(known: {', '.join(OPTIONS)})"
        )
    return {**OPTIONS, **settings.options}


def top_settings(settings: PlatformSettings) -> TopSettings:
    """``TopSettings`` from the resolved section; ``MissingCredential`` without key or secret."""
    opts = options(settings)
    session = settings.credentials.get("session")
    adzone = settings.credentials.get("adzone_id")
    return TopSettings(
        app_key=settings.secret("app_key"),
        app_secret=SecretStr(settings.secret("app_secret")),
        session=session if session is not None and session.get_secret_value() else None,
        adzone_id=adzone.get_secret_value() if adzone is not None else opts["adzone_id"],
        api_base=settings.api_base or PRODUCTION_API,
        site_base=settings.site_base or PRODUCTION_SITE,
        sign_method=str(opts["sign_method"]),
        search_page_size=int(opts["search_page_size"]),
        max_search_pages=int(opts["max_search_pages"]),
        complete_from_page=bool(opts["complete_from_page"]),
        setting_names={name: settings.setting(name) for name in settings.credential_envs},
    )


def make_client(settings: PlatformSettings) -> TaobaoClient:
    return TaobaoClient(top_settings(settings))


def make_page_reader(settings: PlatformSettings) -> TaobaoPageReader:
    options(settings)
    return TaobaoPageReader(settings.site_base or PRODUCTION_SITE)


def fixture_setup(url: str, credentials: Mapping[str, Any]) -> FixtureSetup:
    """The marketplace serves TOP at ``{url}/taobao/router/rest`` and pages at ``{url}/taobao``."""
    cred = credentials["taobao"]
    return FixtureSetup(
        config={"api_base": f"{url}/taobao", "site_base": f"{url}/taobao"},
        env={env: str(cred[name]) for name, env in CREDENTIALS.items() if cred.get(name)},
    )
