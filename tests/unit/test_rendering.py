"""Rendering context lifetime: each context serves its share of pages, then is retired and
closed once its last page is done (what keeps Chromium's memory flat)."""

from __future__ import annotations

from crawler.rendering import ContextPool, abort_request


def test_contexts_rotate_after_their_share_and_close_when_empty() -> None:
    pool = ContextPool("jd-render", pages_per_context=2)
    names = [pool.assign() for _ in range(5)]
    assert names == ["jd-render-0", "jd-render-0", "jd-render-1", "jd-render-1", "jd-render-2"]
    assert pool.finished("jd-render-0") is False  # one page of it still open
    assert pool.finished("jd-render-0") is True  # retired and empty: close it
    assert pool.finished("jd-render-2") is False  # the current context stays


def test_render_meta_waits_for_the_selector_and_keeps_the_page_for_closing() -> None:
    meta = ContextPool("x").meta('body[data-price-ready="1"]', 15)
    assert meta["playwright"] and meta["playwright_include_page"]
    assert "playwright_context" not in meta  # assigned when sent (RenderContextMiddleware)
    (method,) = meta["playwright_page_methods"]
    assert method.args == ('body[data-price-ready="1"]', 15_000)


class _Request:
    def __init__(self, kind: str) -> None:
        self.resource_type = kind


def test_images_fonts_and_media_are_aborted() -> None:
    assert [abort_request(_Request(k)) for k in ("image", "font", "media", "fetch", "document",
                                                 "script")] == [True, True, True, False, False,
                                                                False]
