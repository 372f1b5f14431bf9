"""``/login``: a browser hands over the token once and keeps it in an HttpOnly cookie."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crawler.web.deps import StateDep
from crawler.web.security import COOKIE, token_matches
from crawler.web.views import page

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return page(request, "login.html", failed=False)


@router.post("/login")
async def login(request: Request, state: StateDep) -> Response:
    # A urlencoded form of one field: parsed here rather than adding python-multipart.
    token = parse_qs((await request.body()).decode("utf-8", "replace")).get("token", [""])[0]
    expected = state.config.web.token
    if expected is None:
        return RedirectResponse("/", status_code=303)
    if not token_matches(expected, token):
        return page(request, "login.html", status_code=401, failed=True)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response
