"""PDD's parts for the framework: settings from ``[platforms.pdd]``, client and reader factories,
and where the fixture marketplace serves PDD."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from crawler.platforms.base import PlatformSettings
from crawler.platforms.pdd.api import PRODUCTION_API, PRODUCTION_SITE, PddSettings
from crawler.platforms.pdd.client import PddClient
from crawler.platforms.pdd.pages import PddPageReader
from crawler.platforms.registry import FixtureSetup

#: Credential → default environment variable (``credentials = {...}`` in the config overrides).
CREDENTIALS = {
    "client_id": "PDD_CLIENT_ID",
    "client_secret": "PDD_CLIENT_SECRET",
    "pid": "PDD_PID",
    "access_token": "PDD_ACCESS_TOKEN",
}
#: ``[platforms.pdd] options`` and their defaults.
OPTIONS: dict[str, Any] = {
    "batch_size": 100,
    "search_page_size": 100,
    "max_search_pages": 50,
    "rate_limit_codes": [52101],
    "pid": None,
}


def options(settings: PlatformSettings) -> dict[str, Any]:
    unknown = sorted(set(settings.options) - set(OPTIONS))
    if unknown:
        raise ValueError(
            f"[platforms.pdd] options: unknown {', '.join(unknown)} (known: {', '.join(OPTIONS)})"
        )
    return {**OPTIONS, **settings.options}


def pdd_settings(settings: PlatformSettings) -> PddSettings:
    """``PddSettings`` from the resolved section; ``MissingCredential`` without id or secret."""
    opts = options(settings)
    pid = settings.credentials.get("pid")
    token = settings.credentials.get("access_token")
    return PddSettings(
        client_id=settings.secret("client_id"),
        client_secret=SecretStr(settings.secret("client_secret")),
        pid=pid.get_secret_value() if pid is not None else opts["pid"],
        access_token=token if token is not None and token.get_secret_value() else None,
        api_base=settings.api_base or PRODUCTION_API,
        site_base=settings.site_base or PRODUCTION_SITE,
        batch_size=int(opts["batch_size"]),
        search_page_size=int(opts["search_page_size"]),
        max_search_pages=int(opts["max_search_pages"]),
        rate_limit_codes=tuple(int(c) for c in opts["rate_limit_codes"]),
        setting_names={name: settings.setting(name) for name in settings.credential_envs},
    )


def make_client(settings: PlatformSettings) -> PddClient:
    return PddClient(pdd_settings(settings))


def make_page_reader(settings: PlatformSettings) -> PddPageReader:
    options(settings)
    return PddPageReader(settings.site_base or PRODUCTION_SITE)


def fixture_setup(url: str, credentials: Mapping[str, Any]) -> FixtureSetup:
    """The marketplace serves DDK at ``{url}/pdd/api/router`` and pages at ``{url}/pdd``."""
    cred = credentials["pdd"]
    return FixtureSetup(
        config={"api_base": f"{url}/pdd", "site_base": f"{url}/pdd"},
        env={env: str(cred[name]) for name, env in CREDENTIALS.items() if cred.get(name)},
    )
