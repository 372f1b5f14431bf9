"""The dashboard in real headless Chromium: search, facets, a group's chart, and an XSS title.

Screenshots land in ``test-artifacts/`` (``dashboard-*.png``) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.market_data import (
    XSS_TITLE,
    Market,
)

pytestmark = [pytest.mark.browser, pytest.mark.es]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                     args=["--no-sandbox", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.dialogs = dialogs  # type: ignore[attr-defined]
    yield tab
    context.close()


def test_search_facet_group_and_chart(page: Page, market_web: str, shared_market: Market,
                                      artifacts_dir: Path) -> None:
    page.goto(market_web + "/")
    page.fill("input[name=q]", "华为 手机")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("tr.hit")
    want = [o for o in shared_market.offers if "华为" in o.spec.title and "手机" in o.spec.title]
    assert page.locator("tr.hit").count() == len(want)
    page.click("section[data-facet=platform] a:text-is('pdd')")
    page.wait_for_url("**platform=pdd**")
    assert page.locator("tr.hit").count() == sum(1 for o in want if o.spec.platform == "pdd")
    page.click("tr.hit a.group-link")
    page.wait_for_selector("#history-chart")
    group = shared_market.group("pg-mate60pro-12-256")
    since = shared_market.now - timedelta(days=90)
    points = sum(1 for o in group for obs in o.history if obs.at >= since)
    assert page.locator("#history-chart circle.pt").count() == points
    assert page.locator("#history-chart g.series").count() == len(group)
    assert page.locator("tr.offer").count() == len(group)
    assert page.locator("#history-chart").bounding_box()["width"] > 400  # type: ignore[index]
    page.screenshot(path=str(artifacts_dir / "dashboard-group.png"), full_page=True)
    assert page.dialogs == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["/?q=Evil", "/ui/groups/pg-xss", "/ui/listings/taobao:6666",
                                  "/ui/alerts"])
def test_a_script_title_shows_as_text_and_runs_nothing(page: Page, market_web: str, path: str,
                                                       artifacts_dir: Path) -> None:
    page.goto(market_web + path)
    assert page.get_by_text(XSS_TITLE, exact=True).first.is_visible()
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("body script").count() == 0
    page.wait_for_timeout(200)  # an onerror handler would have fired by now
    assert page.dialogs == []  # type: ignore[attr-defined]
    name = path.strip("/").replace("/", "-").replace("?q=", "search-").replace(":", "-") or "home"
    page.screenshot(path=str(artifacts_dir / f"dashboard-xss-{name}.png"), full_page=True)
