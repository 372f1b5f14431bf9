"""What ``pricewatch es status`` shows: version, health, and the pricewatch indices with counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from elasticsearch import Elasticsearch

from crawler.index.names import IndexNames


@dataclass
class IndexRow:
    index: str
    aliases: list[str]
    docs: int
    size: str


@dataclass
class ClusterStatus:
    version: str
    health: str
    indices: list[IndexRow] = field(default_factory=list)


def cluster_status(client: Elasticsearch, names: IndexNames) -> ClusterStatus:
    info = client.info()
    health = client.cluster.health()
    rows = client.cat.indices(index=names.everything, format="json", expand_wildcards="open",
                              h="index,docs.count,store.size")
    aliases = client.indices.get_alias(index=names.everything) if rows else {}
    indices = [
        IndexRow(
            index=row["index"],
            aliases=sorted(aliases.get(row["index"], {}).get("aliases", {})),
            docs=int(row.get("docs.count") or 0),
            size=row.get("store.size") or "0b",
        )
        for row in sorted(rows, key=lambda r: r["index"])
    ]
    return ClusterStatus(version=info["version"]["number"], health=health["status"],
                         indices=indices)
