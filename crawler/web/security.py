"""The token rule: loopback may go without; anything else needs ``PRICEWATCH_WEB_TOKEN``.

Clients send ``Authorization: Bearer <token>``; a browser signs in once at ``/login`` and then
carries the token in an HttpOnly, SameSite=Strict cookie. Every response gets security headers;
dashboard pages get a Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import SecretStr

from crawler.errors import PricewatchError

COOKIE = "pricewatch_token"
#: Paths reachable without the token: the sign-in form and the stylesheet it uses.
OPEN_PATHS = ("/login", "/static/style.css")
#: The dashboard runs no script; its SVG charts and forms need none.
PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
#: Swagger UI at /docs is the one page with script (vendored, same origin).
DOCS_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self'; "
            "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'")


class TokenRequired(PricewatchError):
    """The web server would be reachable from other hosts without a token."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def check_bind(host: str, token: SecretStr | None) -> None:
    """Refuse to serve beyond loopback without a token."""
    if not is_loopback(host) and (token is None or not token.get_secret_value()):
        raise TokenRequired(
            f"refusing to serve on {host} without a token: anyone who can reach it could read "
            "the market data",
            "set PRICEWATCH_WEB_TOKEN in the environment, or bind to 127.0.0.1")


def presented_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    return request.cookies.get(COOKIE)


def token_matches(expected: SecretStr, presented: str | None) -> bool:
    return presented is not None and secrets.compare_digest(
        presented.encode(), expected.get_secret_value().encode())


def auth_middleware(token: SecretStr | None
                    ) -> Callable[[Request, Callable[[Request], Awaitable[Response]]],
                                  Awaitable[Response]]:
    """Checks the token on every request (when one is configured) and adds security headers."""
    async def middleware(request: Request,
                         call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        path = request.url.path
        if token is not None and path not in OPEN_PATHS \
                and not token_matches(token, presented_token(request)):
            if "text/html" in request.headers.get("accept", ""):
                return RedirectResponse("/login", status_code=303)
            return JSONResponse({"detail": "a bearer token is required"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = DOCS_CSP if path == "/docs" else PAGE_CSP
        return response

    return middleware
