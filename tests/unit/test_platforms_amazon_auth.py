"""The LWA flow of the Amazon client: token request, cache and expiry, refresh once on "expired".

Answers are the documented LWA/SP-API shapes (platform-apis.md §4.2, §4.6) as the fixture
marketplace serves them; the clock is injected, so expiry is tested without waiting.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pytest
from pydantic import SecretStr

from crawler.config import ConfigError
from crawler.platforms.amazon import AmazonClient, AmazonPageReader
from crawler.platforms.amazon.auth import Token, TokenCache, read_token
from crawler.platforms.amazon.settings import CREDENTIAL_ENVS
from crawler.platforms.base import (
    Answer,
    ApiCall,
    ErrorKind,
    MissingCredential,
    PlatformSettings,
    Watch,
)

ENV = {
    "AMAZON_LWA_CLIENT_ID": "amzn1.application-oa2-client.test",
    "AMAZON_LWA_CLIENT_SECRET": "amzn1.oa2-cs.v1.very-secret",
    "AMAZON_LWA_REFRESH_TOKEN": "Atzr|refresh-secret",
}
BASE = "http://marketplace.test/amazon"
EXPIRED = {"errors": [{"code": "Unauthorized", "message": "Access to requested resource is "
                       "denied.", "details": "The access token you provided has expired."}]}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def settings(env: dict[str, str] | None = None, api_base: str | None = BASE,
             envs: dict[str, str] | None = None, **options: Any) -> PlatformSettings:
    """What the framework hands the platform (crawler/ladder/setup.py): secrets read from env."""
    values, names = ENV if env is None else env, envs or CREDENTIAL_ENVS
    return PlatformSettings(
        name="amazon", api_base=api_base, site_base=api_base,
        credentials={k: SecretStr(values[v]) for k, v in names.items() if values.get(v)},
        credential_envs=names, options={"marketplaces": ["US", "JP"], **options})


def make_client(clock: Clock | None = None, env: dict[str, str] | None = None,
                **options: Any) -> AmazonClient:
    return AmazonClient(settings(env, **options), clock or Clock())


def answer(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return Answer("http://marketplace.test/x", status, headers or {}, json.dumps(body).encode())


def token_answer(value: str = "Atza|first", expires_in: int = 3600) -> Answer:
    return answer(200, {"access_token": value, "token_type": "bearer", "expires_in": expires_in,
                        "refresh_token": ENV["AMAZON_LWA_REFRESH_TOKEN"]})


WATCH = Watch("amazon", item_ids=("B074PSYPXE", "JP:B06UYLWJZU"))


def test_first_call_is_the_refresh_token_grant() -> None:
    (call, _) = make_client().calls_for(WATCH)
    assert (call.operation, call.purpose, call.method) == ("lwaToken", "token", "POST")
    assert call.url == f"{BASE}/auth/o2/token"
    assert call.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    form = {k: v[0] for k, v in parse_qs((call.body or b"").decode()).items()}
    assert form == {"grant_type": "refresh_token",
                    "refresh_token": ENV["AMAZON_LWA_REFRESH_TOKEN"],
                    "client_id": ENV["AMAZON_LWA_CLIENT_ID"],
                    "client_secret": ENV["AMAZON_LWA_CLIENT_SECRET"]}
    assert call.item_ids == ("B074PSYPXE",)


def test_one_grant_per_market_so_a_refusal_falls_back_to_the_right_pages() -> None:
    calls = make_client().calls_for(WATCH)
    assert [(c.context["site"], c.item_ids) for c in calls] == [
        ("amazon-us", ("B074PSYPXE",)), ("amazon-jp", ("B06UYLWJZU",))]
    reader = AmazonPageReader(BASE)
    urls = [reader.target_for(c.item_ids[0], (), c.context["site"]).url for c in calls]
    assert urls == [f"{BASE}/us/dp/B074PSYPXE", f"{BASE}/jp/dp/B06UYLWJZU"]


def test_production_lwa_host_without_api_base() -> None:
    (call, _) = AmazonClient(settings(api_base=None)).calls_for(WATCH)
    assert call.url == "https://api.amazon.com/auth/o2/token"


def test_the_token_answer_yields_the_lookups_carrying_the_token() -> None:
    client = make_client()
    us, jp = client.calls_for(WATCH)
    follow = [*client.read_api(us, token_answer()).follow_up,
              *client.read_api(jp, token_answer()).follow_up]
    ops = [(c.operation, c.url.split("/amazon/")[1].split("/")[0]) for c in follow]
    assert ops == [("getCatalogItem", "na"), ("getCatalogItem", "fe")]
    assert {c.headers["x-amz-access-token"] for c in follow} == {"Atza|first"}


def test_a_cached_token_skips_the_grant_until_60s_before_expiry() -> None:
    clock = Clock()
    client = make_client(clock)
    call = client.calls_for(WATCH)[0]
    client.read_api(call, token_answer(expires_in=3600))
    clock.now = 3539.0
    assert [c.operation for c in client.calls_for(WATCH)] == ["getCatalogItem"] * 2
    clock.now = 3541.0
    assert [c.purpose for c in client.calls_for(WATCH)] == ["token", "token"]


def test_expiry_defaults_to_the_sdk_value_when_the_answer_omits_it() -> None:
    token = read_token(answer(200, {"access_token": "Atza|x"}), str)
    assert isinstance(token, Token) and token.expires_in == 1800.0


def test_short_lived_tokens_are_used_for_half_their_life() -> None:
    clock = Clock()
    cache = TokenCache(clock, margin=60)
    cache.store(Token(SecretStr("t"), 100))
    clock.now = 49.0
    assert cache.current() == "t"
    clock.now = 51.0
    assert cache.current() is None


def lookups(client: AmazonClient) -> list[ApiCall]:
    call = client.calls_for(WATCH)[0]
    return client.read_api(call, token_answer()).follow_up


def test_an_expired_token_is_refreshed_once_and_the_call_retried() -> None:
    client = make_client()
    first = lookups(client)[0]
    result = client.read_api(first, answer(403, EXPIRED))
    assert result.error is None
    (refresh,) = result.follow_up
    assert refresh.purpose == "token"
    assert (refresh.item_ids, refresh.context["site"]) == (first.item_ids, "amazon-us")
    retried = client.read_api(refresh, token_answer("Atza|second")).follow_up
    assert len(retried) == 1
    assert retried[0].url == first.url and retried[0].operation == first.operation
    assert retried[0].headers["x-amz-access-token"] == "Atza|second"
    # Expired again right after the refresh: no loop, an AUTH error naming the refresh token.
    again = client.read_api(retried[0], answer(403, EXPIRED))
    assert again.error is not None and again.error.kind is ErrorKind.AUTH
    assert not again.follow_up
    assert "AMAZON_LWA_REFRESH_TOKEN" in (again.error.setting or "")


def test_a_token_refused_by_lwa_is_one_auth_error_naming_the_env_variables() -> None:
    client = make_client()
    call = client.calls_for(WATCH)[0]
    result = client.read_api(call, answer(401, {"error_description": "Client authentication "
                                                "failed", "error": "invalid_client"}))
    assert result.error is not None
    assert result.error.kind is ErrorKind.AUTH
    assert result.error.setting == (
        "env AMAZON_LWA_CLIENT_ID ([platforms.amazon] credentials.client_id) or "
        "env AMAZON_LWA_CLIENT_SECRET ([platforms.amazon] credentials.client_secret)")
    assert not result.follow_up


def test_revoked_credentials_name_the_refresh_token() -> None:
    client = make_client()
    call = client.calls_for(WATCH)[0]
    result = client.read_api(call, answer(400, {"error": "invalid_grant", "error_description":
                                                "The request has an invalid grant parameter : "
                                                "refresh_token"}))
    assert result.error is not None and result.error.kind is ErrorKind.AUTH
    assert "AMAZON_LWA_REFRESH_TOKEN" in (result.error.setting or "")


def test_a_resigned_retry_carries_the_freshest_token() -> None:
    client = make_client()
    first = lookups(client)[0]
    assert client.resign(first) is first  # still the current token
    client.tokens.forget()
    (refresh,) = client.read_api(first, answer(403, EXPIRED)).follow_up
    client.read_api(refresh, token_answer("Atza|second"))
    assert client.resign(first).headers["x-amz-access-token"] == "Atza|second"


def test_a_missing_credential_names_its_env_variable() -> None:
    with pytest.raises(MissingCredential) as caught:
        make_client(env={"AMAZON_LWA_CLIENT_ID": "x"})
    assert caught.value.name == "client_secret"
    assert "AMAZON_LWA_CLIENT_SECRET" in caught.value.setting


def test_configured_env_names_are_used() -> None:
    envs = {**CREDENTIAL_ENVS, "client_secret": "MY_SECRET"}
    client = AmazonClient(settings({**ENV, "MY_SECRET": "s"}, envs=envs))
    assert client.settings.credentials.client_secret is not None
    assert client.settings.credentials.client_secret.get_secret_value() == "s"
    assert "env MY_SECRET" in client.settings.credentials.where["client_secret"]


def test_secrets_never_show_in_a_repr() -> None:
    client = make_client()
    text = repr(client.settings)
    for secret in ENV.values():
        assert secret not in text


@pytest.mark.parametrize(("options", "message"), [
    ({"marketplaces": ["DE"]}, "not supported"),
    ({"quota_scale": 0}, "quota_scale"),
    ({"speed": 3}, "unknown option"),
])
def test_bad_options_are_config_errors_naming_the_key(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        make_client(**options)
