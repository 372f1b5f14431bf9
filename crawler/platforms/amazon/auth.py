"""Login with Amazon: the refresh-token grant that yields the SP-API access token, and its cache.

platform-apis.md §4.2: ``POST {lwa}/auth/o2/token`` with the form
``grant_type=refresh_token&refresh_token=…&client_id=…&client_secret=…`` answers
``{"access_token": "Atza|…", "expires_in": 3600, …}``. Every SP-API call then carries the token in
``x-amz-access-token``. The token is cached with its expiry and replaced ``margin`` seconds early
(60 s) so a call built now is not refused on arrival; an answer that still says "expired" makes the
client refresh once and retry (see ``client.py``). The token request is an ordinary ``ApiCall``
(purpose ``token``) the spider sends like any other.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from pydantic import SecretStr

from crawler.platforms.amazon.errors import Namer, json_body, lwa_error, malformed
from crawler.platforms.base import Answer, ApiCall, ApiError

PLATFORM = "amazon"
TOKEN_OPERATION = "lwaToken"
DEFAULT_EXPIRES_IN = 1800.0
"""The SDK's assumption when an answer lacks ``expires_in`` (the documented value is 3600)."""
CREDENTIAL_KEYS = ("client_id", "client_secret", "refresh_token")
FORM_TYPE = "application/x-www-form-urlencoded;charset=UTF-8"


@dataclass(frozen=True)
class LwaCredentials:
    """The three LWA secrets (values from the environment) and where each is configured."""

    client_id: SecretStr | None
    client_secret: SecretStr | None
    refresh_token: SecretStr | None
    where: Mapping[str, str] = field(default_factory=dict)
    """Credential key → what a person should check, e.g.
    ``platforms.amazon.credentials.client_secret (env AMAZON_LWA_CLIENT_SECRET)``."""

    def missing(self) -> list[str]:
        """Keys without a value (the API cannot be used; the crawl goes to the pages)."""
        return [key for key in CREDENTIAL_KEYS if not _value(getattr(self, key))]

    def name(self, keys: str) -> str:
        """``client_id/client_secret`` → the settings a person should check, joined."""
        return " or ".join(self.where.get(key, key) for key in keys.split("/"))


def _value(secret: SecretStr | None) -> str:
    return secret.get_secret_value() if secret is not None else ""


def token_call(url: str, creds: LwaCredentials, context: Mapping[str, Any]) -> ApiCall:
    """The refresh-token grant as an ``ApiCall`` (purpose ``token``)."""
    form = {
        "grant_type": "refresh_token",
        "refresh_token": _value(creds.refresh_token),
        "client_id": _value(creds.client_id),
        "client_secret": _value(creds.client_secret),
    }
    return ApiCall(
        platform=PLATFORM,
        operation=TOKEN_OPERATION,
        method="POST",
        url=url,
        body=urlencode(form).encode("ascii"),
        headers={"Content-Type": FORM_TYPE, "Accept": "application/json"},
        item_ids=tuple(context.get("item_ids", ())),
        purpose="token",
        context=context,
    )


@dataclass(frozen=True)
class Token:
    value: SecretStr
    expires_in: float


def read_token(answer: Answer, namer: Namer) -> Token | ApiError:
    """An LWA answer → the access token and its lifetime, or the error (naming the credential)."""
    if answer.status != 200:
        return lwa_error(answer, namer)
    try:
        body = json_body(answer)
    except ValueError as exc:
        return malformed(f"LWA: {exc}")
    access = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(access, str) or not access:
        return malformed("LWA answer without access_token")
    expires = body.get("expires_in", DEFAULT_EXPIRES_IN)
    if isinstance(expires, bool) or not isinstance(expires, int | float) or expires <= 0:
        expires = DEFAULT_EXPIRES_IN
    return Token(SecretStr(access), float(expires))


class TokenCache:
    """The current access token, given out while it has more than ``margin`` seconds to live."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, margin: float = 60.0) -> None:
        self._clock, self._margin = clock, margin
        self._value: SecretStr | None = None
        self._expires_at = 0.0

    def store(self, token: Token) -> None:
        self._value = token.value
        # A token shorter-lived than twice the margin is still used for half its life.
        early = min(self._margin, token.expires_in / 2)
        self._expires_at = self._clock() + token.expires_in - early

    def current(self) -> str | None:
        """The token to send now, or None when a refresh is due."""
        if self._value is None or self._clock() >= self._expires_at:
            return None
        return self._value.get_secret_value()

    def forget(self, value: str | None = None) -> None:
        """Drop the token (only if it is still ``value``, so a newer one survives)."""
        if self._value is not None and value in (None, self._value.get_secret_value()):
            self._value, self._expires_at = None, 0.0
