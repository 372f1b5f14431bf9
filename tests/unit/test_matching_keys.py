"""Title keys: the faster colour pattern removes exactly what one branch per name removed."""



from __future__ import annotations

import json
import re
from pathlib import Path

from crawler.matching.keys import _COLOR_RE, features, title_words
from crawler.normalize.titles import clean_title
from crawler.normalize.variants import COLORS

TABLE = (Path(__file__).resolve().parents[2] / "benchmarks" / "data"
         / "cross_platform_listings.jsonl")
NAMES = sorted((name for name in COLORS if len(name) > 1), key=len, reverse=True)

#: The pattern as it was written before: one branch per name, each with its own look-behind.
ONE_BRANCH_PER_NAME = re.compile("|".join(
    rf"(?<![a-z]){re.escape(name)}(?![a-z])" if name.isascii() else re.escape(name)
    for name in NAMES))


def texts() -> list[str]:
    """Every colour name alone, glued to letters, digits and CJK, and next to each other, plus
    the cleaned titles of the cross-platform table."""
    out = []
    for name in NAMES:
        out += [name, f"x{name}", f"{name}x", f"1{name}2", f"手机{name}色", f"({name})"]
    out += [a + b for a in NAMES for b in NAMES[::7]]
    out += [a + " " + b for a in NAMES[::3] for b in NAMES]
    rows = [json.loads(line) for line in TABLE.read_text(encoding="utf-8").splitlines()]
    out += [clean_title(row.get("title")).lower() for row in rows]
    return out


def test_no_latin_colour_name_is_a_prefix_of_another_script_name() -> None:
    latin = [n for n in NAMES if n.isascii()]
    other = [n for n in NAMES if not n.isascii()]
    assert [(a, b) for a in latin for b in other if a.startswith(b) or b.startswith(a)] == []


def test_colour_pattern_removes_what_one_branch_per_name_removed() -> None:
    for text in texts():
        assert _COLOR_RE.sub(" ", text) == ONE_BRANCH_PER_NAME.sub(" ", text), text


def test_features_of_one_title_share_their_sets_and_empty_sets_are_one_object() -> None:
    a = features({"listing_id": "jd:1", "title_clean": "Apple iPhone 15 Pro 256GB"})
    b = features({"listing_id": "jd:2", "title_clean": "Apple iPhone 15 Pro 256GB"})
    c = features({"listing_id": "jd:3", "title_clean": "Dyson V15 Detect"})
    assert (a.numbers, a.discriminators) == (frozenset({"15"}), frozenset({"pro"}))
    assert a.numbers is b.numbers and a.accessories is c.accessories is b.codes
    assert a.accessories == frozenset()


def test_title_words_remove_every_name_of_the_brand() -> None:
    assert title_words("苹果 Apple iPhone 15 128GB 黑色", "apple") == ("iphone 15", frozenset())
