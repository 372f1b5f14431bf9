"""Make sure an Elasticsearch is there to talk to: the external cluster, or the embedded node
started.

Commands that need Elasticsearch (demo, crawl, web, tests) call ``ensure_elasticsearch`` instead of
repeating the external-or-embedded decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from elasticsearch import Elasticsearch

from crawler.config import Config
from crawler.esnode.node import EmbeddedNode, StartResult
from crawler.index.client import Target, check_reachable, make_client
from crawler.index.names import IndexNames
from crawler.index.templates import ensure_indices


@dataclass
class Connection:
    client: Elasticsearch
    target: Target
    started: StartResult | None
    """Set when the embedded node was started or reused for this call."""
    info: dict[str, object]


def ensure_elasticsearch(config: Config, progress: Callable[[str], None] = lambda _m: None,
                         *, create_indices: bool = True) -> Connection:
    """Connect to ES_URL, or start/reuse the embedded node; then create templates and indices."""
    started = None
    if config.elasticsearch.url:
        target = Target(config.elasticsearch.url.rstrip("/"), external=True)
    else:
        started = EmbeddedNode(config).start(progress)
        target = Target(started.state.url, external=False)
    client = make_client(config.elasticsearch, target.url)
    info = check_reachable(client, target)
    if create_indices:
        ensure_indices(client, IndexNames(config.elasticsearch.index_prefix))
    return Connection(client=client, target=target, started=started, info=info)
