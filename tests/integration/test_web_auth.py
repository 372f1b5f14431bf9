"""The token rule: loopback may go without a token; with one, every request must carry it.

Covers the API (bearer header), the dashboard (sign-in form → HttpOnly cookie) and the refusal
to serve beyond loopback without a token, through ``pricewatch web`` itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from elasticsearch import Elasticsearch
from pydantic import SecretStr

from crawler.config import Config
from crawler.index.templates import ensure_indices
from crawler.web.app import create_app
from crawler.web.security import TokenRequired
from tests.support.es import drop_prefix, fresh_names
from tests.support.web_server import serving

pytestmark = pytest.mark.es
TOKEN = "s3cret-token-for-tests"


@pytest.fixture(scope="module")
def guarded(es: Elasticsearch) -> Iterator[str]:
    names = fresh_names()
    ensure_indices(es, names)
    config = Config.model_validate({"elasticsearch": {"index_prefix": names.prefix}})
    config = config.model_copy(update={"web": config.web.model_copy(
        update={"token": SecretStr(TOKEN)})})
    try:
        with serving(create_app(config, es)) as url:
            yield url
    finally:
        drop_prefix(es, names)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": f"Basic {TOKEN}"}])
def test_api_without_the_right_token_is_401(guarded: str, headers: dict[str, str]) -> None:
    for path in ("/alerts", "/openapi.json", "/docs", "/report.csv"):
        r = httpx.get(guarded + path, headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer", path


def test_the_right_bearer_token_opens_the_api(guarded: str) -> None:
    r = httpx.get(f"{guarded}/openapi.json", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and r.json()["info"]["title"] == "pricewatch"


def test_a_browser_signs_in_once_and_gets_an_httponly_cookie(guarded: str) -> None:
    with httpx.Client(base_url=guarded, headers={"Accept": "text/html"}) as browser:
        assert browser.get("/ui/alerts").headers["location"] == "/login"
        wrong = browser.post("/login", content="token=nope",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert wrong.status_code == 401 and "not right" in wrong.text
        ok = browser.post("/login", content=f"token={TOKEN}",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert ok.status_code == 303
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert browser.get("/ui/alerts").status_code == 200


def test_create_app_refuses_a_public_host_without_token(es: Elasticsearch) -> None:
    config = Config.model_validate({"web": {"host": "0.0.0.0"}})
    with pytest.raises(TokenRequired):
        create_app(config, es)


def test_pricewatch_web_refuses_to_start_beyond_loopback_without_a_token() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PRICEWATCH_WEB_TOKEN"}
    run = subprocess.run([sys.executable, "-c", "from crawler.cli import main; main()", "web",
                          "--host", "0.0.0.0", "--port", "0"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 1
    assert "refusing to serve on 0.0.0.0 without a token" in run.stderr
    assert "PRICEWATCH_WEB_TOKEN" in run.stderr
