"""``matches.toml``: its shape, and errors that name the entry."""



from __future__ import annotations

from pathlib import Path

import pytest

from crawler.matching.overrides import OverridesError, load_overrides

GOOD = """
[[group]]
group_id = "iphone-15-pro-256-black"
listing_ids = ["jd:100066896338", "taobao:743025661842"]
note = "checked"

[[never]]
listing_ids = ["amazon:B0CHX1W1XY", "shopify:x", "pdd:y"]
"""

BAD = [
    ("[[group]]\nlisting_ids = ['a:1']\n", "needs a group_id"),
    ("[[group]]\ngroup_id = 'g'\nlisting_ids = []\n", "needs listing_ids"),
    ("[[group]]\ngroup_id = 'g'\nlisting_ids = ['a:1']\ncolour = 'x'\n", "unknown key"),
    ("[[group]]\ngroup_id = 'g'\nlisting_ids = ['a:1']\n[[group]]\ngroup_id = 'h'\n"
     "listing_ids = ['a:1']\n", "again in"),
    ("[[never]]\nlisting_ids = ['a:1']\n", "two or more"),
    ("[[group]]\ngroup_id = 'g'\nlisting_ids = ['a:1', 'b:2']\n[[never]]\n"
     "listing_ids = ['a:1', 'b:2']\n", "puts them together"),
    ("[[sometimes]]\nlisting_ids = ['a:1']\n", "unknown section"),
    ("[[group]\n", "not valid TOML"),
]


def test_the_documented_shape(tmp_path: Path) -> None:
    path = tmp_path / "matches.toml"
    path.write_text(GOOD, encoding="utf-8")
    overrides = load_overrides(path)
    assert overrides.group_of == {"jd:100066896338": "iphone-15-pro-256-black",
                                  "taobao:743025661842": "iphone-15-pro-256-black"}
    assert overrides.never_with("shopify:x") == {"amazon:B0CHX1W1XY", "pdd:y"}


def test_no_file_means_no_overrides(tmp_path: Path) -> None:
    assert len(load_overrides(tmp_path / "missing.toml")) == 0
    assert len(load_overrides(None)) == 0


@pytest.mark.parametrize(("text", "message"), BAD, ids=[b[1] for b in BAD])
def test_errors_name_the_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "matches.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OverridesError, match=message) as caught:
        load_overrides(path)
    assert str(path) in str(caught.value)
