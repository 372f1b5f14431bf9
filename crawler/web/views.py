"""Jinja2 for the dashboard: autoescape always on, and the filters that format money and time."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from crawler.search.money import format_change, format_money, format_percent

TEMPLATES = Path(__file__).parent / "templates"


def safe_url(url: str | None) -> str | None:
    """A scraped link only if it is http(s): ``javascript:`` and friends are dropped."""
    if not url:
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


def when(value: datetime | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{value:%Y-%m-%d %H:%M}"


def make_environment() -> Environment:
    # autoescape=True for every template (not only *.html): scraped text is untrusted.
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(money=lambda minor, cur: format_money(minor, cur),
                       change=lambda minor, cur: format_change(minor, cur),
                       percent=format_percent, when=when, safe_url=safe_url)
    return env


ENV = make_environment()


def page(request: Request, template: str, status_code: int = 200, **context: Any
         ) -> HTMLResponse:
    """Render a dashboard page."""
    html = ENV.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)
