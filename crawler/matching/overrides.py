"""The manual overrides file ``matches.toml``: a person's word always beats the matcher.

::

    [[group]]                      # these listings are this product group
    group_id = "iphone-15-pro-256-black"
    listing_ids = ["jd:100066896338", "taobao:743025661842"]
    note = "checked by hand"       # optional, free text

    [[never]]                      # these listings are never in one group, pairwise
    listing_ids = ["amazon:B0CHX1W1XY", "shopify:iphone-15-pro-256-black"]

A listing may sit in one ``[[group]]`` only, and two listings of one ``[[group]]`` cannot also be
``[[never]]`` together: both are errors that name the entry. A missing file means no overrides.
See docs/matching.md.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.errors import PricewatchError

if TYPE_CHECKING:
    from crawler.config import Config

_NO_ONE: frozenset[str] = frozenset()

ENTRY_KEYS = {"group": {"group_id", "listing_ids", "note"}, "never": {"listing_ids", "note"}}


class OverridesError(PricewatchError):
    """``matches.toml`` is not valid; the message names the entry."""


@dataclass
class Overrides:
    """Listing → group pins and pairs that must never share a group."""

    group_of: dict[str, str] = field(default_factory=dict)
    never: dict[str, set[str]] = field(default_factory=dict)
    source: str | None = None

    def never_with(self, listing_id: str) -> AbstractSet[str]:
        return self.never.get(listing_id, _NO_ONE)  # shared: the matcher asks per candidate

    def __len__(self) -> int:
        return len(self.group_of) + len(self.never)


def load_overrides(path: str | Path | None) -> Overrides:
    """Read ``matches.toml`` (no file → no overrides); ``OverridesError`` says what is wrong."""
    if path is None or not Path(path).is_file():
        return Overrides(source=str(path) if path else None)
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OverridesError(f"{path}: not valid TOML: {exc}",
                             "fix the file; see docs/matching.md for its shape") from exc
    return parse_overrides(data, str(path))


def parse_overrides(data: Mapping[str, Any], source: str = "matches.toml") -> Overrides:
    """Overrides from the parsed TOML document."""
    unknown = set(data) - set(ENTRY_KEYS)
    if unknown:
        raise OverridesError(f"{source}: unknown section(s) {sorted(unknown)}",
                             "only [[group]] and [[never]] entries are allowed")
    overrides = Overrides(source=source)
    for number, entry in enumerate(data.get("group", []), start=1):
        ids = _entry(entry, "group", number, source)
        group_id = entry.get("group_id")
        if not isinstance(group_id, str) or not group_id.strip():
            raise OverridesError(f"{source}: [[group]] #{number} needs a group_id string")
        for listing_id in ids:
            if listing_id in overrides.group_of:
                raise OverridesError(
                    f"{source}: {listing_id} is in [[group]] {overrides.group_of[listing_id]!r} "
                    f"and again in [[group]] #{number}", "keep it in one group only")
            overrides.group_of[listing_id] = group_id.strip()
    for number, entry in enumerate(data.get("never", []), start=1):
        ids = _entry(entry, "never", number, source)
        if len(set(ids)) < 2:
            raise OverridesError(f"{source}: [[never]] #{number} needs two or more listing_ids")
        _check_contradiction(overrides, ids, number, source)
        for listing_id in ids:
            overrides.never.setdefault(listing_id, set()).update(set(ids) - {listing_id})
    return overrides


def _entry(entry: object, kind: str, number: int, source: str) -> list[str]:
    if not isinstance(entry, Mapping):
        raise OverridesError(f"{source}: [[{kind}]] #{number} is not a table")
    extra = set(entry) - ENTRY_KEYS[kind]
    if extra:
        raise OverridesError(f"{source}: [[{kind}]] #{number} has unknown key(s) {sorted(extra)}",
                             f"allowed: {', '.join(sorted(ENTRY_KEYS[kind]))}")
    ids = entry.get("listing_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise OverridesError(f"{source}: [[{kind}]] #{number} needs listing_ids, "
                             "a non-empty list of listing ids (platform:item_id[:variant_id])")
    return [i.strip() for i in ids]


def _check_contradiction(overrides: Overrides, ids: list[str], number: int, source: str) -> None:
    groups: dict[str, str] = {}
    for listing_id in ids:
        group = overrides.group_of.get(listing_id)
        if group is not None and group in groups:
            raise OverridesError(
                f"{source}: [[never]] #{number} separates {groups[group]} and {listing_id}, "
                f"but [[group]] {group!r} puts them together", "remove one of the two entries")
        if group is not None:
            groups[group] = listing_id


def matches_path(config: Config) -> Path:
    """Where ``matches.toml`` is: ``[matching] matches_file`` (relative to the config file),
    else ``matches.toml`` next to the config file, else in the working directory."""
    base = config.config_path.parent if config.config_path else Path.cwd()
    configured = config.matching.matches_file
    if configured is None:
        return base / "matches.toml"
    return configured if configured.is_absolute() else base / configured
