"""One HTML page parsed once: its structured data (extruct), page facts and embedded state.

``PageDocument(url, html)`` parses the HTML with lxml a single time and hands the same tree to
extruct (JSON-LD, microdata, OpenGraph with ``uniform=True``) and to parsel for visible text.
A broken JSON-LD block costs only itself: each ``<script type="application/ld+json">`` is read
on its own and a failure becomes a ``problems`` entry, so the microdata or the visible facts of
the same page still count.
"""

from __future__ import annotations

import json
import logging
import re
from decimal import Decimal
from functools import cached_property
from typing import Any

import extruct
from babel.core import Locale, UnknownLocaleError
from extruct.jsonld import JsonLdExtractor
from extruct.utils import parse_html
from lxml.html import HtmlElement
from parsel import Selector
from w3lib.html import get_base_url

logger = logging.getLogger(__name__)

Node = dict[str, Any]

#: ``window.__INITIAL_STATE__ = {...};`` and friends: the names page scripts assign state to.
STATE_ASSIGNMENT = re.compile(r"window\.(__[A-Z_]+__|rawData|pageConfig)\s*=\s*")


class PageDocument:
    """A page's tree, structured-data nodes and page-level facts (canonical URL, locale, OG)."""

    def __init__(self, url: str, html: str | bytes) -> None:
        self.url = url
        self.html = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
        self.problems: list[str] = []
        self.tree: HtmlElement = parse_html(self.html.encode("utf-8"), encoding="utf-8")
        self.selector = Selector(root=self.tree, type="html")
        self.base_url = get_base_url(self.html[:4096], url)

    @cached_property
    def jsonld(self) -> list[Node]:
        """Every JSON-LD node, ``@graph`` members flattened, blocks that fail to parse skipped."""
        extractor = JsonLdExtractor()
        nodes: list[Node] = []
        for number, script in enumerate(self.tree.xpath('//script[@type="application/ld+json"]')):
            try:
                items = extractor.extract_items(script)
            except ValueError as exc:
                self.problems.append(f"jsonld:unreadable block {number + 1}: {str(exc)[:80]}")
                continue
            for item in items:
                nodes.extend(flatten_graph(item))
        return nodes

    @cached_property
    def microdata(self) -> list[Node]:
        return self._syntax("microdata")

    @cached_property
    def opengraph(self) -> dict[str, str]:
        """OpenGraph properties (``og:*``, ``product:*``) of the page, merged into one dict."""
        merged: dict[str, str] = {}
        for item in self._syntax("opengraph"):
            for key, value in item.items():
                if not key.startswith("@") and isinstance(value, str):
                    merged.setdefault(key, value)
            if item.get("@type"):
                merged.setdefault("og:type", str(item["@type"]))
        return merged

    def _syntax(self, name: str) -> list[Node]:
        try:
            found = extruct.extract(
                self.tree, base_url=self.base_url, syntaxes=[name], uniform=True, errors="strict"
            )
        except Exception as exc:  # extruct raises anything: one syntax, one problem
            self.problems.append(f"{name}:unreadable: {str(exc)[:80]}")
            return []
        return [n for n in found.get(name, []) if isinstance(n, dict)]

    @cached_property
    def nodes(self) -> list[Node]:
        """JSON-LD nodes then microdata items (both in schema.org shape)."""
        return [*self.jsonld, *self.microdata]

    def by_id(self, ref: Any) -> Node | None:
        """The JSON-LD node a ``{"@id": ...}`` reference points at (Yoast's seller, brand)."""
        if not isinstance(ref, dict) or set(ref) != {"@id"}:
            return None
        return next((n for n in self.jsonld if n.get("@id") == ref["@id"] and len(n) > 1), None)

    @cached_property
    def canonical_url(self) -> str | None:
        href = self.selector.css('link[rel="canonical"]::attr(href)').get()
        return href.strip() if href else None

    @cached_property
    def lang(self) -> str | None:
        return self.selector.xpath("/html/@lang").get()

    @cached_property
    def locale(self) -> str | None:
        """The site's locale (``de_DE``): ``og:locale``, else ``<html lang>``; None if unknown."""
        for raw in (self.opengraph.get("og:locale"), self.lang):
            found = parse_locale(raw)
            if found:
                return found
        return None

    @cached_property
    def site_name(self) -> str | None:
        return self.opengraph.get("og:site_name") or None

    def state(self, name: str) -> Any:
        """Embedded JSON state: ``__NEXT_DATA__`` (script id) or ``window.<name> = {...}``."""
        if name == "__NEXT_DATA__":
            text = self.selector.css("script#__NEXT_DATA__::text").get()
            return self._json(text, name) if text else None
        for script in self.selector.css("script:not([src])::text").getall():
            for match in STATE_ASSIGNMENT.finditer(script):
                if match.group(1) == name:
                    return self._json(script[match.end() :], name)
        return None

    def _json(self, text: str, name: str) -> Any:
        try:  # raw_decode stops at the end of the value: the ``;`` and any later code stay out
            value, _ = json.JSONDecoder(parse_float=Decimal).raw_decode(text.lstrip())
        except ValueError as exc:
            self.problems.append(f"state:unreadable {name}: {str(exc)[:80]}")
            return None
        return value


def flatten_graph(item: Any) -> list[Node]:
    """A JSON-LD value as a list of nodes: ``@graph`` members (with the block's context)."""
    if isinstance(item, list):
        return [n for sub in item for n in flatten_graph(sub)]
    if not isinstance(item, dict):
        return []
    if "@graph" in item:
        return flatten_graph(item["@graph"])
    return [item]


def parse_locale(raw: str | None) -> str | None:
    """``de-DE`` / ``de_DE`` / ``ja`` → babel's form (``de_DE``, ``ja``); None when unknown."""
    if not raw or not raw.strip():
        return None
    try:
        return str(Locale.parse(raw.strip().replace("-", "_")))
    except (ValueError, TypeError, UnknownLocaleError):
        return None
