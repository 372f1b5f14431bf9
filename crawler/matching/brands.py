"""Brand names → one key per brand, across scripts (苹果 = Apple = APPLE), and brands in titles.

``BRAND_ALIASES`` is a small table of brands whose Chinese and English names both appear on the
platforms we crawl; any other brand is its own key (lower case, no spaces or punctuation). The
matcher adds every brand it sees to the vocabulary, so a title that names a known brand gets it.
"""

# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import functools
import re
import unicodedata

#: Brand key → names it goes by (the key itself included).
BRAND_ALIASES: dict[str, tuple[str, ...]] = {
    "apple": ("apple", "苹果", "アップル"),
    "huawei": ("huawei", "华为", "華為"),
    "honor": ("honor", "荣耀"),
    "xiaomi": ("xiaomi", "小米", "mi"),
    "redmi": ("redmi", "红米"),
    "samsung": ("samsung", "三星"),
    "sony": ("sony", "索尼", "ソニー"),
    "oppo": ("oppo",),
    "vivo": ("vivo",),
    "oneplus": ("oneplus", "一加"),
    "lenovo": ("lenovo", "联想"),
    "dell": ("dell", "戴尔"),
    "hp": ("hp", "惠普"),
    "asus": ("asus", "华硕"),
    "dji": ("dji", "大疆"),
    "nintendo": ("nintendo", "任天堂", "ニンテンドー"),
    "dyson": ("dyson", "戴森"),
    "philips": ("philips", "飞利浦"),
    "logitech": ("logitech", "logi", "罗技"),
    "bose": ("bose",),
    "canon": ("canon", "佳能"),
    "nikon": ("nikon", "尼康"),
    "nike": ("nike", "耐克"),
    "adidas": ("adidas", "阿迪达斯"),
    "lego": ("lego", "乐高"),
    "midea": ("midea", "美的"),
    "haier": ("haier", "海尔"),
    "gree": ("gree", "格力"),
    "lancome": ("lancome", "lancôme", "兰蔻"),
    "esteelauder": ("estee lauder", "estée lauder", "雅诗兰黛"),
    "loreal": ("l'oreal", "l'oréal", "loreal", "欧莱雅"),
    "nestle": ("nestle", "nestlé", "雀巢"),
    "anker": ("anker", "安克"),
    "microsoft": ("microsoft", "微软"),
    "jbl": ("jbl",),
    "braun": ("braun", "博朗"),
    "oral-b": ("oral-b", "oralb", "欧乐b", "欧乐-b"),
    "panasonic": ("panasonic", "松下"),
    "sharp": ("sharp", "夏普"),
    "tcl": ("tcl",),
    "hisense": ("hisense", "海信"),
}

_ALIAS_TO_KEY = {alias: key for key, aliases in BRAND_ALIASES.items() for alias in aliases}
_NOT_KEY = re.compile(r"[\W_]+")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


@functools.lru_cache(maxsize=4096)  # pure, and a crawl sees few distinct brand spellings
def brand_key(brand: str | None) -> str | None:
    """One key per brand: ``Apple``, ``苹果`` and ``APPLE 苹果`` are all ``apple``."""
    if not brand:
        return None
    folded = _fold(brand)
    if folded in _ALIAS_TO_KEY:
        return _ALIAS_TO_KEY[folded]
    parts = [p for p in re.split(r"[\s/|()（）]+", folded) if p]  # "Apple/苹果", "优衣库（Uniqlo）"
    for part in parts:
        if part in _ALIAS_TO_KEY:
            return _ALIAS_TO_KEY[part]
    if len(parts) > 1 and "(" in folded:
        # "优衣库(uniqlo)": the Latin name is the one every platform spells the same way.
        latin = [p for p in parts if p.isascii()]
        if latin:
            return _NOT_KEY.sub("", latin[0]) or None
    key = _NOT_KEY.sub("", folded)
    return key or None


def aliases_of(key: str) -> tuple[str, ...]:
    """Every name of brand ``key`` (for removing the brand from a title)."""
    return BRAND_ALIASES.get(key, (key,))


class BrandVocabulary:
    """Brands known to the matcher (the table plus every brand seen), found in titles."""

    def __init__(self) -> None:
        self._names: dict[str, str] = dict(_ALIAS_TO_KEY)
        self._pattern: re.Pattern[str] | None = None

    def add(self, brand: str | None) -> None:
        key = brand_key(brand)
        if key and brand:
            name = _fold(brand)
            if name not in self._names and len(name) >= 2:
                self._names[name] = key
                self._pattern = None

    def find(self, title: str) -> str | None:
        """The brand key of the first known brand named in ``title`` (None if none)."""
        if self._pattern is None:
            self._pattern = _names_pattern(self._names)
        match = self._pattern.search(_fold(title))
        return self._names[match.group(match.lastindex or 1)] if match else None


def _names_pattern(names: dict[str, str]) -> re.Pattern[str]:
    """Latin names as whole words; CJK names anywhere (titles glue them to models: 小米14)."""
    ordered = sorted(names, key=len, reverse=True)
    latin = "|".join(re.escape(n) for n in ordered if n.isascii() and len(n) >= 2)
    other = "|".join(re.escape(n) for n in ordered if not n.isascii())
    return re.compile(rf"(?<![a-z0-9])({latin})(?![a-z0-9])|({other})")
