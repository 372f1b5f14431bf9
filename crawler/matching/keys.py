"""A listing → the features matching compares: GTIN-14, brand key, model key, variant, title words.

Title words are the cleaned title folded for comparison across languages: brand names, colours,
capacities, network names (5G) and years go (they are compared as variant/brand, or are noise),
common Chinese product words become English (``GLOSSARY``), letters and digits are split
(``iPhone15`` = ``iphone 15``). Three guards come out of the same words: the ``numbers``
(15 ≠ 14), the ``discriminators`` (Pro ≠ Pro Max) and the ``codes`` (WH-1000XM5 ≠ WF-1000XM5).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from crawler.matching.brands import BrandVocabulary, aliases_of, brand_key
from crawler.normalize.gtin import gtin14, normalize_gtin
from crawler.normalize.titles import clean_title
from crawler.normalize.variants import COLORS, normalize_variant_attributes, variants_from_title

#: Variant attributes that make two listings different products when they differ.
VARIANT_KEYS = ("capacity", "color", "size", "ram")

#: Words that name a different model of the same line: they must agree.
DISCRIMINATORS = frozenset({
    "pro", "max", "plus", "ultra", "mini", "lite", "air", "se", "fe", "slim", "oled", "neo",
    "turbo", "edge", "fold", "flip", "note", "ii", "iii", "iv", "vi", "vii",
})

#: Words that make a listing an accessory of a product, not the product (a case for an iPhone).
ACCESSORIES = frozenset({
    "case", "cover", "protector", "film", "strap", "charger", "cable", "adapter", "holder",
    "mount", "skin", "sleeve", "replacement", "refill", "accessory", "accessories", "tips",
    "earpads", "dock", "stand", "bag", "pouch", "heads",
})

#: Chinese (and Japanese) product words → English, so titles in both languages share words.
GLOSSARY: dict[str, str] = {
    "第一代": " 1 gen ", "第二代": " 2 gen ", "第三代": " 3 gen ", "第四代": " 4 gen ",
    "一代": " 1 gen ", "二代": " 2 gen ", "三代": " 3 gen ",
    "青春版": " lite ", "标准版": " ", "国行": " ", "全网通": " ", "双卡双待": " ",
    "智能手机": " phone ", "手机": " phone ", "头戴式": " over ear ", "入耳式": " in ear ",
    "真无线": " true wireless ", "无线": " wireless ", "蓝牙": " bluetooth ",
    "主动降噪": " noise cancelling ", "降噪": " noise cancelling ", "耳机": " headphones ",
    "耳麦": " headset ", "音箱": " speaker ", "平板电脑": " tablet ", "平板": " tablet ",
    "笔记本电脑": " laptop ", "笔记本": " laptop ", "游戏机": " console ", "主机": " console ",
    "吸尘器": " vacuum ", "手持": " cordless ", "无绳": " cordless ", "智能手表": " smartwatch ",
    "手表": " watch ", "手环": " band ", "电动牙刷": " electric toothbrush ", "相机": " camera ",
    "镜头": " lens ", "无人机": " drone ", "积木": " building set ", "咖啡机": " coffee machine ",
    "吹风机": " hair dryer ", "电吹风": " hair dryer ", "显示器": " monitor ", "鼠标": " mouse ",
    "键盘": " keyboard ", "充电宝": " power bank ", "移动电源": " power bank ",
    "充电器": " charger ", "数据线": " cable ", "运动鞋": " sneakers ", "跑步鞋": " running shoes ",
    "男款": " men ", "女款": " women ", "男士": " men ", "女士": " women ", "精华": " serum ",
    "面霜": " cream ", "香水": " perfume ", "套装": " set ", "日版": " japan ", "港版": " hk ",
    "美版": " us ", "手机壳": " case ", "保护壳": " case ", "保护套": " case ", "壳": " case ",
    "钢化膜": " protector ", "贴膜": " protector ", "膜": " film ", "表带": " strap ",
    "刷头": " replacement heads ", "耳塞套": " tips ", "支架": " stand ", "收纳包": " bag ",
    "配件": " accessory ", "版": " ", "款": " ", "官方": " ", "正品": " ",
}
_GLOSSARY_RE = re.compile("|".join(map(re.escape, sorted(GLOSSARY, key=len, reverse=True))))

_CAPACITY_RE = re.compile(r"(?<![a-z0-9.])\d{1,4}(\.\d+)?\s*(tb|t|gb|g)(?![a-z])(\s*(ram|rom|ssd))?"
                          r"|\d{1,3}\s*(gb|g)?\s*\+\s*\d{1,4}\s*(tb|t|gb|g)(?![a-z])")
_NOISE_RE = re.compile(r"(?<![a-z0-9])([345]g|wifi|wi-fi|nfc|20[0-3]\d(年|款|新款|new)?|gen|"
                       r"generation|new|newest|latest|version|model|edition|global|intl|"
                       r"international|unlocked|dual\s+sim|the|with|and|for|of|in|w)(?![a-z0-9])")
_ORDINAL_RE = re.compile(r"(\d)(st|nd|rd|th)(?![a-z])")
_COLOR_NAMES = sorted((name for name in COLORS if len(name) > 1), key=len, reverse=True)
#: Latin names as whole words, other names anywhere, longest first. The look-behind is written
#: once for all Latin names rather than on each of them: a branch that starts with a look-behind
#: is tried at every position, one that starts with a letter only where that letter is (the one
#: pattern cost more than the rest of the title's folding). The same names match: no Latin
#: name is a prefix of another-script name or the reverse (tests/unit/test_matching_keys.py).
_COLOR_RE = re.compile(
    "(?<![a-z])(?:" + "|".join(re.escape(n) for n in _COLOR_NAMES if n.isascii()) + ")(?![a-z])|"
    + "|".join(re.escape(n) for n in _COLOR_NAMES if not n.isascii()))
#: Model numbers: a short letter prefix, then 3+ digits (A3104, HX6857, WH-1000XM5, RTX4090).
_CODE_RE = re.compile(r"(?<![a-z0-9])[a-z]{1,3}-?\d{3,}(?:[a-z0-9]|-(?=[a-z0-9]))*(?![a-z0-9])")
_TOKEN_RE = re.compile(r"[a-z]+|\d+|[\u3040-\u30ff\u3400-\u9fff]")

@dataclass(frozen=True, slots=True)
class MatchFeatures:
    """What matching compares for one listing."""

    listing_id: str
    gtin14: str | None
    brand: str | None
    model: str | None
    variant: tuple[tuple[str, str], ...]
    words: str
    latin: str
    """The ASCII words only: two titles in different scripts still share these."""
    numbers: frozenset[str]
    discriminators: frozenset[str]
    accessories: frozenset[str]
    codes: frozenset[str]

    @property
    def variant_dict(self) -> dict[str, str]:
        return dict(self.variant)

    def fingerprint(self) -> int:
        """A 64-bit digest of everything matching looks at (changes → re-match). Python's
        ``hash``: compared only within one process (the Matcher's memory is rebuilt from the
        index by ``load`` at each start), and a blake2b of the repr cost a twentieth of matching."""
        return hash((self.gtin14, self.brand, self.model, self.variant, self.words))

@functools.lru_cache(maxsize=4096)
def model_key(model: str | None) -> str | None:
    """A model/MPN compared without case, spaces or punctuation (``WH-1000XM5`` = ``wh1000xm5``)."""
    if not model:
        return None
    key = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", model).lower())
    return key or None

def features(doc: Mapping[str, Any] | Any, vocabulary: BrandVocabulary | None = None
             ) -> MatchFeatures:
    """Features of a Listing or a listing document (normalized fields)."""
    get = doc.get if isinstance(doc, Mapping) else lambda name, default=None: getattr(
        doc, name, default)
    title = get("title_clean") or clean_title(get("title"))
    brand = brand_key(get("brand")) or (vocabulary or _DEFAULT_VOCABULARY).find(title or "")
    gtin, _ = normalize_gtin(get("gtin"))
    variant = normalize_variant_attributes(get("variant_attributes") or {})
    for key, value in variants_from_title(title or "").items():
        variant.setdefault(key, value)
    words, latin, numbers, discriminators, accessories, codes = _title_keys(title or "", brand)
    return MatchFeatures(
        listing_id=str(get("listing_id") or ""),
        gtin14=gtin14(gtin) if gtin else None,
        brand=brand,
        model=model_key(get("model")),
        variant=_shared(tuple(sorted((k, v) for k, v in variant.items() if k in VARIANT_KEYS))),
        words=words,
        latin=latin,
        numbers=numbers,
        discriminators=discriminators,
        accessories=accessories,
        codes=codes,
    )


_T = TypeVar("_T")


@functools.lru_cache(maxsize=8192)
def _shared(value: _T) -> _T:
    """The first value equal to ``value`` (immutable): the matcher keeps a few feature records
    per product, and equal variants and number sets are then one object, not one per record."""
    return value


@functools.lru_cache(maxsize=4096)
def _title_keys(title: str, brand: str | None) -> tuple[
        str, str, frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """words, latin, numbers, discriminators, accessories, codes of one (title, brand).

    Per distinct title (the SKUs of an item share one); the features of one title are then one
    set of objects, and equal sets one object (an empty frozenset alone is 216 bytes)."""
    words, codes = title_words(title, brand)
    tokens = words.split()
    return (words, " ".join(t for t in tokens if t.isascii()),
            _shared(frozenset(t for t in tokens if t.isdigit())),
            _shared(frozenset(t for t in tokens if t in DISCRIMINATORS)),
            _shared(frozenset(t for t in tokens if t in ACCESSORIES)),
            _shared(codes))

_DEFAULT_VOCABULARY = BrandVocabulary()

@functools.lru_cache(maxsize=1024)
def _brand_patterns(brand: str) -> tuple[re.Pattern[str], ...]:
    """One compiled pattern per name of the brand, compiled once (not looked up per title)."""
    return tuple(re.compile(
        rf"(?<![a-z0-9]){re.escape(alias)}(?![a-z0-9])" if alias.isascii() else re.escape(alias))
        for alias in aliases_of(brand))


def title_words(title: str, brand: str | None) -> tuple[str, frozenset[str]]:
    """The comparable words of a cleaned title, and the model codes it holds."""
    text = unicodedata.normalize("NFKC", title).lower()
    for pattern in _brand_patterns(brand) if brand else ():
        text = pattern.sub(" ", text)  # one after the other: removing one name frees the next
    text = _ORDINAL_RE.sub(r"\1", text)
    text = _CAPACITY_RE.sub(" ", text)
    text = _COLOR_RE.sub(" ", text)
    text = _GLOSSARY_RE.sub(lambda m: GLOSSARY[m.group(0)], text)
    text = _NOISE_RE.sub(" ", text)
    codes = frozenset(code.replace("-", "") for code in _CODE_RE.findall(text))
    # A model number is compared as a code, not as loose numbers (A3104 on one platform only).
    tokens = _TOKEN_RE.findall(_CODE_RE.sub(" ", text))
    return " ".join(tokens), codes
