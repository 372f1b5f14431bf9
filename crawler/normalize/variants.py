"""Variant attributes (colour, capacity, size) → one spelling each, so 256G = 256 GB = 256GB.

``normalize_variant_attributes`` folds the keys shops use (颜色分类, Colour, 存储容量, 尺码…) into
``color``, ``capacity``, ``ram``, ``size`` and normalizes each value; ``variants_from_title`` finds
capacity and colour in a cleaned title when the source gave none. Colours map to English names
through ``COLORS``; ``color_family`` gives the basic colour (黑 → black) used to tell two unknown
marketing names apart. Matching never merges listings whose variants differ (see docs/matching.md).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping

MAX_VALUE = 128

KEY_ALIASES: dict[str, str] = {
    **dict.fromkeys(("颜色", "颜色分类", "机身颜色", "色系", "外观", "colour", "color", "farbe",
                     "couleur", "カラー", "色"), "color"),
    **dict.fromkeys(("存储容量", "容量", "机身内存", "机身存储", "存储", "storage", "capacity",
                     "storagecapacity", "rom", "硬盘容量", "ストレージ", "容量サイズ"), "capacity"),
    **dict.fromkeys(("运行内存", "运存", "内存", "ram", "memory", "memorysize"), "ram"),
    **dict.fromkeys(("尺码", "尺寸", "鞋码", "size", "größe", "taille", "サイズ", "屏幕尺寸"),
                    "size"),
}

#: Keys whose values bundle RAM and storage (版本: 12GB+512GB).
BUNDLE_KEYS = ("版本", "套餐", "规格", "型号版本", "配置", "version", "configuration", "edition")

#: Colour names → one English name. Longest names are tried first when reading titles.
COLORS: dict[str, str] = {
    **dict.fromkeys(("黑色钛金属", "黑色钛", "钛金属黑", "black titanium"), "black titanium"),
    **dict.fromkeys(("白色钛金属", "白色钛", "white titanium"), "white titanium"),
    **dict.fromkeys(("蓝色钛金属", "蓝色钛", "blue titanium"), "blue titanium"),
    **dict.fromkeys(("原色钛金属", "原色钛", "natural titanium"), "natural titanium"),
    **dict.fromkeys(("沙漠色钛金属", "desert titanium"), "desert titanium"),
    **dict.fromkeys(("钛灰", "钛灰色", "titanium gray", "titanium grey"), "titanium gray"),
    **dict.fromkeys(("钛黑", "钛黑色", "titanium black"), "titanium black"),
    **dict.fromkeys(("钛紫", "钛紫色", "titanium violet"), "titanium violet"),
    **dict.fromkeys(("深空黑色", "深空黑", "space black"), "space black"),
    **dict.fromkeys(("深空灰色", "深空灰", "space gray", "space grey", "スペースグレイ",
                     "スペースグレー", "space grau"), "space gray"),
    **dict.fromkeys(("午夜色", "midnight"), "midnight"),
    **dict.fromkeys(("星光色", "starlight"), "starlight"),
    **dict.fromkeys(("石墨色", "石墨黑", "graphite"), "graphite"),
    **dict.fromkeys(("远峰蓝色", "远峰蓝", "sierra blue"), "sierra blue"),
    **dict.fromkeys(("午夜蓝", "午夜蓝色", "midnight blue"), "midnight blue"),
    **dict.fromkeys(("铂金银", "铂金银色", "platinum silver"), "platinum silver"),
    **dict.fromkeys(("暗紫色", "deep purple"), "deep purple"),
    **dict.fromkeys(("雅丹黑", "yadan black"), "yadan black"),
    **dict.fromkeys(("雅川青", "yachuan green", "emerald green"), "yachuan green"),
    **dict.fromkeys(("白沙银", "white sand silver"), "white sand silver"),
    **dict.fromkeys(("南糯紫", "nannuo purple"), "nannuo purple"),
    **dict.fromkeys(("黑色", "黑", "black", "schwarz", "noir", "ブラック"), "black"),
    **dict.fromkeys(("白色", "白", "white", "weiß", "weiss", "blanc", "ホワイト"), "white"),
    **dict.fromkeys(("银色", "银", "silver", "シルバー", "silber", "argent"), "silver"),
    **dict.fromkeys(("金色", "gold", "ゴールド", "or"), "gold"),
    **dict.fromkeys(("灰色", "gray", "grey", "グレー", "grau", "gris"), "gray"),
    **dict.fromkeys(("蓝色", "blue", "ブルー", "blau", "bleu"), "blue"),
    **dict.fromkeys(("绿色", "green", "グリーン", "grün", "gruen", "vert"), "green"),
    **dict.fromkeys(("红色", "red", "(product)red", "product red", "レッド", "rot", "rouge"),
                    "red"),
    **dict.fromkeys(("粉色", "粉红色", "pink", "ピンク", "rosa", "rose"), "pink"),
    **dict.fromkeys(("紫色", "purple", "violet", "パープル", "lila"), "purple"),
    **dict.fromkeys(("黄色", "yellow", "イエロー", "gelb", "jaune"), "yellow"),
    **dict.fromkeys(("橙色", "orange", "オレンジ"), "orange"),
    **dict.fromkeys(("棕色", "咖啡色", "brown", "braun", "brun", "ブラウン"), "brown"),
    **dict.fromkeys(("米色", "beige", "ベージュ"), "beige"),
}

#: The basic colour a name contains (Chinese character or English word) → its family.
FAMILY_MARKS: tuple[tuple[str, str], ...] = (
    ("黑", "black"), ("black", "black"), ("midnight", "black"), ("graphite", "gray"),
    ("白", "white"), ("white", "white"), ("starlight", "white"), ("银", "silver"),
    ("silver", "silver"), ("灰", "gray"), ("gray", "gray"), ("金", "gold"), ("gold", "gold"),
    ("蓝", "blue"), ("blue", "blue"), ("绿", "green"), ("green", "green"), ("青", "green"),
    ("红", "red"), ("red", "red"), ("粉", "pink"), ("pink", "pink"), ("紫", "purple"),
    ("purple", "purple"), ("violet", "purple"), ("黄", "yellow"), ("yellow", "yellow"),
    ("橙", "orange"), ("orange", "orange"), ("棕", "brown"), ("brown", "brown"),
    ("natural", "natural"), ("原色", "natural"),
)

_CAPACITY = re.compile(r"(?<![\w.])(\d{1,4}(?:\.\d+)?)\s*(tb|t|gb|g)(?![a-z])", re.IGNORECASE)
_BUNDLE = re.compile(r"(\d{1,3})\s*(?:gb|g)?\s*\+\s*(\d{1,4})\s*(tb|t|gb|g)(?![a-z])",
                     re.IGNORECASE)
_OTHER_CAPACITY = re.compile(r"(\d+(?:\.\d+)?)(mah|wh|ml|l|升|毫升|w)")
_RAM_AFTER = re.compile(r"^\s*(ram|运行内存|运存|内存)", re.IGNORECASE)
_LETTER_SIZE = re.compile(r"^(x{0,4}s|m|x{0,5}l|[2-6]xl|[2-6]xs|one size|均码)$", re.IGNORECASE)
_INCH = re.compile(r"^(\d{1,3}(?:\.\d)?)\s*(英寸|寸|inch(es)?|in|\"|″)$", re.IGNORECASE)
_NUMERIC_SIZE = re.compile(r"^(?:eu|us|uk|cn|码数)?\s*(\d{1,3}(?:\.5)?)\s*(码|号|cm)?$",
                           re.IGNORECASE)

#: Entries of each per-distinct-value cache below: enough for the distinct titles and attribute
#: values of a few index batches (titles repeat for every SKU of an item), and a memory bound.
CACHE_SIZE = 4096

_WHITESPACE = re.compile(r"\s+")


def fold_text(value: object) -> str:
    """NFKC, trimmed, inner whitespace collapsed, at most ``MAX_VALUE`` characters."""
    return _fold_str(str(value))  # str() of a str is the str itself: the cache key


@functools.lru_cache(maxsize=CACHE_SIZE)
def _fold_str(text: str) -> str:
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()[:MAX_VALUE]

def capacity_text(number: str, unit: str) -> str | None:
    """``256``, ``g`` → ``256GB``; ``1024``, ``gb`` → ``1TB``; None for 3G/4G/5G network names."""
    unit = unit.lower()
    value = float(number)
    if unit in ("g", "gb") and value >= 1024 and value % 1024 == 0:
        return f"{int(value // 1024)}TB"
    if unit == "g" and value < 8:  # 3G/4G/5G are networks, not storage
        return None
    shown = number.rstrip("0").rstrip(".") if "." in number else str(int(value))
    return f"{shown}{'TB' if unit.startswith('t') else 'GB'}"

def normalize_capacity(value: object) -> dict[str, str]:
    """``capacity`` (and ``ram`` for ``12GB+512GB`` bundles) read from one value."""
    text = fold_text(value)
    bundle = _BUNDLE.search(text)
    if bundle:
        out = {"capacity": capacity_text(bundle.group(2), bundle.group(3)) or ""}
        out["ram"] = f"{int(bundle.group(1))}GB"
        return {k: v for k, v in out.items() if v}
    found = {capacity_text(m.group(1), m.group(2)) for m in _capacity_matches(text)} - {None}
    if len(found) == 1:
        return {"capacity": found.pop()}  # type: ignore[dict-item]
    other = _OTHER_CAPACITY.fullmatch(text.lower().replace(",", "").replace(" ", ""))
    if other:  # 20,000 mAh → 20000mAh; 1.5 L → 1.5L; 500 ml → 500ml
        return {"capacity": f"{other.group(1)}{UNIT_SPELLING[other.group(2)]}"}
    return {}


#: How each non-storage capacity unit is written (SI spelling: mAh, Wh, L, ml, W).
UNIT_SPELLING = {"mah": "mAh", "wh": "Wh", "ml": "ml", "毫升": "ml", "l": "L", "升": "L", "w": "W"}


def _capacity_matches(text: str) -> list[re.Match[str]]:
    """Storage sizes in ``text``. A bare ``G``/``T`` counts only when it touches the number and
    ends the word (``256G``), so "11 T-Shirt" or "5 G network" are not capacities."""
    found = []
    for match in _CAPACITY.finditer(text):
        unit = match.group(2)
        if len(unit) == 1:
            between = text[match.end(1):match.start(2)]
            after = text[match.end():match.end() + 1]
            if between or after in ("-", "恤"):  # T-Shirt, T恤: a garment, not terabytes
                continue
        found.append(match)
    return found

def normalize_color(value: object) -> str:
    """The English name of a colour we know, else the folded lower-case text."""
    text = fold_text(value).lower()
    if text in COLORS:
        return COLORS[text]
    bare = re.sub(r"色$", "", text)
    return COLORS.get(bare, COLORS.get(bare + "色", text))

#: Colour names that are only a basic colour (so "Black" may be a shop's word for 雅丹黑).
BASIC_COLORS = frozenset({"black", "white", "silver", "gold", "gray", "blue", "green", "red",
                          "pink", "purple", "yellow", "orange", "brown", "beige"})


@functools.lru_cache(maxsize=CACHE_SIZE)
def color_family(color: str) -> str | None:
    """The basic colour a colour name belongs to (雅丹黑 → black), or None."""
    return next((family for mark, family in FAMILY_MARKS if mark in color), None)

def normalize_size(value: object) -> str:
    """Letter sizes upper-case (2XL = XXL), shoe/EU sizes as the number, screens as ``55in``."""
    text = fold_text(value)
    if _LETTER_SIZE.match(text):
        upper = text.upper()
        match = re.match(r"^([2-6])X([LS])$", upper)
        return "X" * int(match.group(1)) + match.group(2) if match else upper
    inch = _INCH.match(text)
    if inch:
        return f"{inch.group(1)}in"
    numeric = _NUMERIC_SIZE.match(text)
    if numeric:
        return numeric.group(1)
    return text.lower()

def normalize_variant_attributes(raw: Mapping[object, object] | None) -> dict[str, str]:
    """Shop variant attributes → ``color``/``capacity``/``ram``/``size`` plus other folded keys."""
    out: dict[str, str] = {}
    for key, value in (raw or {}).items():
        if value is None or not str(value).strip():
            continue
        # Cached per distinct (key, value): SKUs of one item, and the matcher after normalize,
        # ask for the same few values again and again.
        cached = type(key) is str and type(value) is str
        out.update((_attribute if cached else _attribute.__wrapped__)(key, value))
    return out


_KEY_NOISE = re.compile(r"[\s_\-]+")


@functools.lru_cache(maxsize=CACHE_SIZE)
def _attribute(key: object, value: object) -> tuple[tuple[str, str], ...]:
    """The normalized (name, value) pairs one shop attribute sets, in order."""
    folded = _KEY_NOISE.sub("", fold_text(key).lower())
    name = KEY_ALIASES.get(folded)
    if name == "color":
        return (("color", normalize_color(value)),)
    if name in ("capacity", "ram") or folded in BUNDLE_KEYS:
        return _capacity_pairs(name or "capacity", value)
    if name == "size":
        return (("size", normalize_size(value)),)
    return ((folded[:64], fold_text(value)),) if folded else ()


def _capacity_pairs(name: str, value: object) -> tuple[tuple[str, str], ...]:
    parsed = normalize_capacity(value)
    if name == "ram" and "capacity" in parsed and "ram" not in parsed:
        return (("ram", parsed["capacity"]),)
    return tuple(parsed.items())


def variants_from_title(title: str) -> dict[str, str]:
    """Capacity/RAM and colour stated once in a cleaned title (none when several are listed)."""
    # Normalize and the matcher both read the same cleaned title (and SKUs share one): the
    # work is done once per distinct title.
    return dict(_title_variants(str(title) if title else ""))


@functools.lru_cache(maxsize=CACHE_SIZE)
def _title_variants(title: str) -> tuple[tuple[str, str], ...]:
    text = fold_text(title)
    out: dict[str, str] = {}
    bundle = _BUNDLE.search(text)
    if bundle:
        out.update(normalize_capacity(bundle.group(0)))
    else:
        storage = set()
        for match in _capacity_matches(text):
            size = capacity_text(match.group(1), match.group(2))
            if size is None:
                continue
            if _RAM_AFTER.match(text[match.end():]):
                out["ram"] = size
            else:
                storage.add(size)
        if len(storage) == 1:
            out["capacity"] = storage.pop()
    color = _color_in(text.lower())
    if color:
        out["color"] = color
    return tuple(out.items())

_COLOR_NAMES = sorted(COLORS, key=len, reverse=True)


def _color_pattern(name: str) -> re.Pattern[str]:
    return re.compile(re.escape(name) if _is_cjk(name[0])
                      else rf"(?<![a-z]){re.escape(name)}(?![a-z])")


def _color_in(text: str) -> str | None:
    found: set[str] = set()
    for name, pattern, color in _color_patterns():
        # A pattern can only match where its name is a substring: ``in`` rules out almost all
        # of them at a fraction of a regex search's cost (same result).
        if name in text and pattern.search(text):
            found.add(color)
            text = pattern.sub(" ", text)
    return found.pop() if len(found) == 1 else None


@functools.cache
def _color_patterns() -> list[tuple[str, re.Pattern[str], str]]:
    """Compiled once, longest name first (escaping and compiling per title was a third of the
    pipelines' time in benchmarks/ingest.py). A lone 黑/白 in a title is too often part of
    another word: one-character names are left out."""
    return [(name, _color_pattern(name), COLORS[name]) for name in _COLOR_NAMES if len(name) > 1]


def _is_cjk(ch: str) -> bool:
    return "\u3040" <= ch <= "\u9fff"
