"""Compare what a crawl indexed with the fixture marketplace's truth, field by field.

The truth is normalized the way the pipelines normalize (fixtures/README.md, "The truth"), so the
listings index and ``/_control/truth`` compare directly. ``product_group_id`` is left out (the
matcher assigns its own ids), and so are the fields a platform never shows (null in the truth).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from crawler.index.names import IndexNames
from crawler.normalize.variants import fold_text

REPO = Path(__file__).resolve().parents[2]

#: The fields the issue counts ("price minor units, currency, list/promo price, availability,
#: GTIN, seller, title") and every other field the truth states.
COMPARED = (
    "title", "brand", "model", "gtin", "seller_id", "seller_name", "currency", "price_minor",
    "list_price_minor", "promo_price_minor", "coupon_minor", "coupon_threshold_minor",
    "shipping_minor", "effective_price_minor", "availability", "stock_qty", "variant_attributes",
    "sales_volume", "rating", "rating_scale", "review_count",
)


@dataclass
class Comparison:
    expected: int = 0
    missing: list[str] = field(default_factory=list)
    fields: int = 0
    equal: int = 0
    wrong: list[tuple[str, str, Any, Any]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.equal / self.fields if self.fields else 0.0

    def describe(self, limit: int = 15) -> str:
        lines = [f"{self.equal}/{self.fields} fields equal ({self.share:.2%}); "
                 f"{len(self.missing)} of {self.expected} listings missing: {self.missing[:10]}"]
        lines += [f"  {lid} {name}: indexed {got!r}, truth {want!r}"
                  for lid, name, got, want in self.wrong[:limit]]
        return "\n".join(lines)


def indexed(es: Elasticsearch, names: IndexNames) -> dict[str, dict[str, Any]]:
    es.indices.refresh(index=names.alias("listings"))
    hits = es.search(index=names.alias("listings"), size=10_000, query={"match_all": {}})
    return {hit["_id"]: hit["_source"] for hit in hits["hits"]["hits"]}


def compare(truth: Iterable[dict[str, Any]], docs: dict[str, dict[str, Any]],
            skip: Sequence[str] = ()) -> Comparison:
    """Every non-delisted truth listing against its document (``skip``: fields not compared)."""
    result = Comparison()
    for row in truth:
        if row.get("delisted"):
            continue
        result.expected += 1
        doc = docs.get(row["listing_id"])
        if doc is None:
            result.missing.append(row["listing_id"])
            continue
        for name in COMPARED:
            if name in skip or (row.get(name) is None and name not in ("list_price_minor",
                                                                        "coupon_minor")):
                continue
            result.fields += 1
            got, want = _folded(name, doc.get(name)), _folded(name, row.get(name))
            if _same(got, want):
                result.equal += 1
            else:
                result.wrong.append((row["listing_id"], name, got, want))
    return result


def _folded(name: str, value: Any) -> Any:
    """The pipeline folds brand/model to NFKC (full-width brackets to ASCII) and writes
    ``1.7l``/``10000mah`` where the truth writes ``1.7L``/``10000mAh``: compare after the same
    folding."""
    if value is None:
        return None
    if name in ("brand", "model"):
        return fold_text(value)
    if name == "variant_attributes":
        return {k: str(v).lower() for k, v in value.items()}
    return value


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, float) or isinstance(got, float):
        return got is not None and want is not None and abs(float(got) - float(want)) < 1e-6
    return got == want


def crawl(url: str, names: IndexNames, home: Path, *args: str, env: dict[str, str] | None = None,
          platforms: Sequence[str] = ("jd",), config: str | None = None,
          timeout: float = 600) -> tuple[dict[str, Any], str]:
    """``python -m crawler.cli crawl --fixtures URL PLATFORM…`` in a subprocess (the reactor
    cannot restart in pytest); returns the run's stats (merged over spiders) and its log."""
    stats_file = home / "stats.json"
    full_env = {**os.environ, "PRICEWATCH_INDEX_PREFIX": names.prefix, "PRICEWATCH_HOME": str(home),
                "PRICEWATCH_RUN_STATS_FILE": str(stats_file), "PYTHONUNBUFFERED": "1",
                **(env or {})}
    # A JS-only fixture page is ready within milliseconds: a short render wait keeps failed
    # renderings (their data call was faulted) from costing 15 s each.
    quick = "-s", "PRICEWATCH_PLATFORMS=" + json.dumps({p: {"render_timeout": 3}
                                                       for p in platforms})
    cmd = [sys.executable, "-m", "crawler.cli", *(["--config", config] if config else []),
           "crawl", "--fixtures", url, "--no-progress", *quick, *args, *platforms]
    done = subprocess.run(cmd, cwd=REPO, env=full_env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-5000:]
    return json.loads(stats_file.read_text(encoding="utf-8"))["stats"], log
