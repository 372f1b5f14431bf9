"""``--fixtures URL``: point platforms at a running fixture marketplace, with its test credentials
and a watchlist covering its catalog.

- Bases: each platform's ``PlatformSpec.fixtures`` says where its API and pages live under the
  marketplace (``{base}/jd`` …) and which options differ.
- Credentials: ``fixtures/credentials.json`` values are exported under the env names the platform
  configs use — only where the variable is not already set, so a test can inject a wrong secret.
- Watchlist: one watch per platform and site with every item id in ``GET /_control/truth``
  (delisted items too: the crawl must find them gone). Ids, not keywords, so the crawl covers the
  whole catalog deterministically; discovery by keyword is a ``--watchlist`` of its own.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from crawler.platforms import registry

CREDENTIALS = Path(__file__).resolve().parents[2] / "fixtures" / "credentials.json"
WATCH_NAME = "fixtures"


@dataclass
class FixtureCrawl:
    platforms: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``PRICEWATCH_PLATFORMS`` overrides."""
    env: dict[str, str] = field(default_factory=dict)
    watches: list[dict[str, Any]] = field(default_factory=list)


def fixture_crawl(url: str, platforms: Sequence[str], *, watches: bool = True,
                  timeout: float = 120.0) -> FixtureCrawl:
    """Overrides, credentials and (with ``watches``) the truth's watchlist for ``platforms``."""
    url = url.rstrip("/")
    credentials = json.loads(CREDENTIALS.read_text(encoding="utf-8"))
    plan = FixtureCrawl()
    for name in platforms:
        spec = registry.get(name)
        if spec.fixtures is not None:
            setup = spec.fixtures(url, credentials)
            plan.platforms[name] = dict(setup.config)
            plan.env.update(setup.env)
        if watches:
            plan.watches.extend(truth_watches(url, spec, timeout))
    return plan


def truth_watches(url: str, spec: registry.PlatformSpec, timeout: float) -> list[dict[str, Any]]:
    """One watch per site of ``spec`` with every item id the marketplace's truth lists."""
    response = httpx.get(f"{url}/_control/truth", params={"platform": spec.name},
                         timeout=timeout)
    response.raise_for_status()
    by_site: dict[str | None, dict[str, None]] = {}
    for row in response.json()["listings"]:
        site = row.get("_site") if spec.sites else None
        by_site.setdefault(site, {})[str(row["item_id"])] = None
    return [{"platform": spec.name, "name": WATCH_NAME, "site": site, "item_ids": list(ids)}
            for site, ids in by_site.items()]


def export_env(env: Mapping[str, str]) -> list[str]:
    """Set the credential variables that are not set yet; returns the names set."""
    exported = []
    for name, value in env.items():
        if not os.environ.get(name):
            os.environ[name] = value
            exported.append(name)
    return exported
