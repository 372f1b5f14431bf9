"""Which schema.org nodes of a page are *the* listing: the main Product and its own offer.

A product page often carries more than one Product (a "customers also bought" block) and more
than one Offer (a cheaper refurbished offer of another seller beside the shop's own). The rules,
in order, are written down here and nowhere else:

Product: the one whose ``url`` (or ``@id``/``mainEntityOfPage`` without the fragment) is the
page's canonical URL (else the fetched URL); else the only Product; else the one named like the
page's ``<h1>``/``og:title``; else none (the page is ambiguous and the visible facts decide).

Offer: offers in ``NewCondition`` (or with no condition) first; among them those sold by the shop
itself (seller = ``og:site_name`` or the site name given by the caller). When each of those has
its own variant key (``?variant=`` in its ``url``, else its ``sku``) they are one listing per
variant; otherwise the one whose ``sku`` is the Product's, else the first. Never the cheapest
for being cheapest.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from crawler.platforms.schemaorg.document import Node, PageDocument

PRODUCT_TYPES = ("Product", "ProductGroup", "IndividualProduct", "ProductModel")
USED_CONDITIONS = ("Used", "Refurbished", "Damaged")


def type_names(node: Node) -> list[str]:
    """The node's ``@type`` values without a vocabulary prefix (``schema:Offer`` → ``Offer``)."""
    raw = node.get("@type")
    types = raw if isinstance(raw, list) else [raw]
    return [str(t).rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1] for t in types if t]


def is_type(node: Any, *names: str) -> bool:
    return isinstance(node, dict) and any(t in names for t in type_names(node))


def text_of(value: Any) -> str | None:
    """A plain text from a schema.org value: a string, a number, ``{name}``/``{@value}``, a list."""
    if isinstance(value, list):
        return next((t for t in map(text_of, value) if t), None)
    if isinstance(value, dict):
        for key in ("name", "@value", "value", "url", "@id"):
            if value.get(key) not in (None, ""):
                return text_of(value[key])
        return None
    if value is None or isinstance(value, bool):
        return None
    text = " ".join(str(value).split())
    return text or None


def url_key(url: str | None, base: str) -> str | None:
    """A URL reduced for comparison: no scheme, fragment or trailing slash; host lower-cased."""
    if not url or not isinstance(url, str):
        return None
    parts = urlsplit(urljoin(base, url.strip()))
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}{query}"


def node_urls(node: Node, base: str) -> set[str]:
    """Every URL a node claims as its own page (``url``, ``@id`` and ``mainEntityOfPage``)."""
    found = {node.get("url"), str(node.get("@id") or "").split("#", 1)[0] or None}
    page = node.get("mainEntityOfPage")
    found.add(page.get("@id") if isinstance(page, dict) else page)
    keys = {url_key(u, base) for u in found if isinstance(u, str)}
    return {k for k in keys if k}


def main_products(doc: PageDocument) -> list[Node]:
    """The page's own Product node(s) by the rules of this module (empty when none is sure)."""
    products = [n for n in doc.nodes if is_type(n, *PRODUCT_TYPES)]
    if len(products) <= 1:
        return products
    page = {url_key(doc.canonical_url, doc.base_url), url_key(doc.url, doc.base_url)} - {None}
    own = [p for p in products if node_urls(p, doc.base_url) & page]
    if own:
        return own[:1]
    heading = {text_of(doc.selector.css("h1 ::text").getall()), doc.opengraph.get("og:title")}
    named = [p for p in products if text_of(p.get("name")) in heading - {None}]
    if len(named) == 1:
        return named
    doc.problems.append(f"product:ambiguous {len(products)} products, none is the canonical page")
    return []


def offers_of(product: Node) -> list[Node]:
    """The product's Offer nodes: a single Offer, a list, an AggregateOffer's ``offers``."""
    raw = product.get("offers")
    found: list[Node] = []
    for node in raw if isinstance(raw, list) else [raw]:
        if not isinstance(node, dict):
            continue
        inner = node.get("offers")
        if is_type(node, "AggregateOffer") and inner:
            found.extend(
                o for o in (inner if isinstance(inner, list) else [inner]) if isinstance(o, dict)
            )
        else:
            found.append(node)
    return found


def is_new(offer: Node) -> bool:
    condition = text_of(offer.get("itemCondition")) or ""
    return not any(word in condition for word in USED_CONDITIONS)


def seller_name(offer: Node, doc: PageDocument) -> str | None:
    """The offer's seller name, following a ``{"@id": ...}`` reference into the graph."""
    seller = offer.get("seller")
    if isinstance(seller, list):
        seller = seller[0] if seller else None
    resolved = doc.by_id(seller) or seller
    return text_of(resolved.get("name")) if isinstance(resolved, dict) else text_of(resolved)


def listing_offers(product: Node, doc: PageDocument, shop: str | None = None) -> list[Node]:
    """The product's offers that are the shop's own new offers (one, or one per variant)."""
    offers = offers_of(product)
    new = [o for o in offers if is_new(o)] or offers
    shop = shop or doc.site_name
    own = [o for o in new if shop and seller_name(o, doc) == shop] or new
    if len(own) > 1 and len({variant_key(o) for o in own} - {None}) == len(own):
        return own  # one offer per variant (Shopify's Dawn theme): each is a listing
    sku = text_of(product.get("sku"))
    same_sku = [o for o in own if sku and text_of(o.get("sku")) == sku]
    return (same_sku or own)[:1]


def variant_key(offer: Node) -> str | None:
    """A variant offer's id: its URL's ``variant=`` parameter, else its ``sku``."""
    url = text_of(offer.get("url"))
    if url:
        found = parse_qs(urlsplit(url).query).get("variant")
        if found:
            return found[0]
    return text_of(offer.get("sku"))
