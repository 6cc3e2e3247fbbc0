"""Meal text -> phrases (name, quantity, unit, matched food). Deterministic, never raises. Pure.

Splits on と 、 ， , ・ / ; & + newlines and the words "and", "with", "plus", except inside a food
name the table knows (豆腐とわかめの味噌汁, "bacon and eggs") or a word holding one (とんこつ,
"mac and cheese"): names are matched longest-first before the split. Meal labels ("朝:", "Lunch:")
and emoji are dropped; containers resolve ("350ml缶" is 350 ml, "茶碗1杯" is 1 杯). Quantities may
come before or after the name ("2 eggs", "卵 2個", "卵2個", "1杯のご飯", "egg x2"); ASCII and
full-width digits, decimals, fractions (1/2, ½), 半分 / half, 大盛り / large (x1.5), 小盛り / small
(x0.7), the last only before a food they can size ("big mac meal" is a product). Items joined by a
space only are split after an amount when the next one has its own ("カレーライス 1皿 ビール 500ml"),
and an English plural without a number of a food served by the piece is two ("eggs and toast").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from meallog.nutrition.foods import Food, FoodTable, normalize_name
from meallog.nutrition.matching import NONE, FoodMatch, alias_spans, exact, resolve
from meallog.nutrition.units import DRINK_SIZES, UNIT_ALIASES, VAGUE_UNITS

SIZE_WORDS: dict[str, float] = {
    "特盛り": 2.0, "特盛": 2.0, "大盛り": 1.5, "大盛": 1.5, "小盛り": 0.7, "小盛": 0.7, "並盛り": 1.0,
    "並盛": 1.0, "extra large": 2.0, "large": 1.5, "big": 1.5, "small": 0.7, "regular": 1.0,
}
HALF_WORDS = ("はんぶん", "半分", "a half", "half a", "half of", "half an", "half")
NUMBER_WORDS: dict[str, float] = {
    "a couple of": 2, "a couple": 2, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a dozen": 12, "dozen": 12, "an": 1, "a": 1,
}
KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
VULGAR = {"½": "1/2", "¼": "1/4", "¾": "3/4", "⅓": "1/3", "⅔": "2/3"}
_SEP_CHARS = "、，,;；\n\r\t・/&＆+＋。"
_SEP = re.compile(r"[、，,;；\n\r\t・&＆+＋。]|(?<!\d)/|/(?!\d)|と|(?<![a-z])(?:and|with|plus|w/)(?![a-z])",
                  re.IGNORECASE)
_NUM = r"\d+(?:\.\d+)?(?:\s+\d+/\d+|/\d+)?"
_UNIT_ALT = "|".join(re.escape(u) for u in sorted({*UNIT_ALIASES, "分"} - {"分"}, key=len, reverse=True))
_LATIN_UNIT = re.compile(r"[a-z]")
_F = re.IGNORECASE | re.DOTALL
_LEAD = re.compile(rf"^(?P<num>{_NUM})\s*(?P<unit>{_UNIT_ALT})?(?P<rest>.*)$", _F)
_TRAIL = re.compile(rf"^(?P<rest>.*?)\s*(?:[x×*]\s*)?(?P<num>{_NUM})\s*(?P<unit>{_UNIT_ALT})?\s*(?:分)?$",
                    re.IGNORECASE | re.DOTALL)
_TRAIL_X = re.compile(rf"^(?P<rest>.*?)\s*[x×*]\s*(?P<num>{_NUM})$", _F)
_KANJI = re.compile(rf"(?P<num>[一二三四五六七八九十]|半)\s*(?P<unit>{_UNIT_ALT})")
_UNIT_NUM_TRAIL = re.compile(rf"^(?P<rest>.*?)\s*(?P<unit>{_UNIT_ALT})\s*(?P<num>{_NUM})$", _F)
_UNIT_NUM_LEAD = re.compile(rf"^(?P<unit>{_UNIT_ALT})\s*(?P<num>{_NUM})\s*(?:の)?(?P<rest>.+)$", _F)
# "トースト 2枚 バター": an amount between two words of one name.
_MID = re.compile(rf"^(?P<a>\S.*?)\s+(?P<num>{_NUM})\s*(?P<unit>{_UNIT_ALT})\s+(?P<b>\S.*)$", _F)
_UNIT_OF = re.compile(rf"^(?P<unit>{_UNIT_ALT})\s+of\s+(?P<rest>.+)$", _F)
# Never a leading の here: "のり弁" keeps it (an amount's の goes with the amount, see _PARTICLE_HEAD).
_FILL_HEAD = re.compile(r"^(?:of\s+|the\s+|my\s+|extra\s+|more\s+|added\s+|追加の?|追い)+", re.IGNORECASE)
_PARTICLE_HEAD = re.compile(r"^\s*[のをは](?=\S)")  # "1杯のご飯": only right after an amount
# Meal labels ("朝:", "昼ごはん：", "Lunch:") name the meal, not a food: dropped before splitting.
_LABEL = re.compile(
    r"^\s*(?:(?:朝|昼|夜|晩|夕)(?:ご飯|ごはん|御飯|めし|飯|食)?\s*[:：]|"
    r"(?:朝|昼|夜|晩)(?:ご飯|ごはん|御飯|めし)\s+|(?:朝食|昼食|夕食|夕飯|晩飯|間食|おやつ)\s*[:：]?\s+|"
    r"(?:breakfast|lunch|dinner|supper|brunch|snack)\s*[:：-]\s*)",
    re.IGNORECASE,
)
# Containers around an amount: "350ml缶" is 350 ml, "茶碗1杯" / "コップ1杯" is 1 杯 of what follows.
_CONTAINER_AFTER_VOLUME = re.compile(
    r"(\d(?:\.\d+)?\s*(?:ml|cc|l|ミリリットル|リットル))\s*(?:缶|瓶|びん|ボトル|ペットボトル|ペット|パック|紙パック|本)",
    re.IGNORECASE,
)
_CONTAINER_BEFORE_COUNT = re.compile(r"(?:お?茶碗|おちゃわん|コップ|グラス|マグカップ|湯呑み?)\s*(?=(?:\d|[一二三半]))")
# Words holding a separator that are not two foods ("とんこつ" is no と, "mac and cheese" one dish).
_WORDS_WITH_SEP = re.compile(
    r"とんこつ|豚骨|ところてん|とろろ|とうもろこし|とうふ|とまと|ととのう|"
    r"(?<![a-z])(?:mac(?:aroni)? and cheese|fish and chips|peanut butter and jelly|salt and pepper|"
    r"half and half|surf and turf|sweet and sour)(?![a-z])",
    re.IGNORECASE,
)
# "カレーライス 1皿 ビール 500ml": a space after an amount starts the next item when that item has its own
# amount ("トースト 2枚 バター" stays one item: butter has no amount of its own).
_ENDS_WITH_AMOUNT = re.compile(rf"(?:{_NUM})\s*(?:{_UNIT_ALT})?$", re.IGNORECASE)
_HAS_DIGIT = re.compile(r"\d")
_UNIT_START = re.compile(rf"(?:{_UNIT_ALT})(?![a-z])", re.IGNORECASE)
_EMOJI_CATEGORIES = frozenset({"So", "Cf", "Cs", "Co"})
_FILL_TAIL = re.compile(r"(?:を食べた|を飲んだ|食べた|飲んだ|を|は|の|を少し|です|でした|\.)+$")


@dataclass(frozen=True, slots=True)
class Phrase:
    """One item of the meal text as written: its name, amount and the food it matched (if any)."""

    raw: str
    name: str
    quantity: float | None
    unit: str | None
    found: FoodMatch = NONE
    size: float = 1.0  # the size word's factor already in ``quantity`` (大盛り 1.5)

    @property
    def food(self) -> Food | None:
        return self.found.food

    @property
    def match(self) -> str:
        """How the name matched: alias, product, parent, fuzzy or none."""
        return self.found.how


def _num(text: str) -> float | None:
    text = text.strip()
    try:
        if " " in text:
            whole, frac = text.split(None, 1)
            return float(whole) + _num(frac)  # type: ignore[operator]
        if "/" in text:
            a, b = text.split("/", 1)
            return float(a) / float(b) if float(b) else None
        return float(text)
    except (ValueError, TypeError):
        return None


def prepare(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), vulgar fractions as a/b."""
    for k, v in VULGAR.items():
        text = text.replace(k, f" {v} ")
    text = unicodedata.normalize("NFKC", text).replace("⁄", "/")
    text = "".join(" " if unicodedata.category(c) in _EMOJI_CATEGORIES or c == "\ufe0f" else c for c in text)
    text = _LABEL.sub("", text, count=1)
    text = _CONTAINER_AFTER_VOLUME.sub(r"\1", text)
    return _CONTAINER_BEFORE_COUNT.sub("", text)


def split_items(text: str, table: FoodTable) -> list[str]:
    """The item phrases of a prepared text; separators inside a known food name do not cut."""
    protected: list[tuple[int, int]] = []
    for a, b, _, _ in alias_spans(text, table):  # longest names first: a dish name is never cut
        if _SEP.search(text[a:b]):
            protected.append((a, b))
    for m in _WORDS_WITH_SEP.finditer(text):
        protected.append((m.start(), m.end()))
    parts: list[str] = []
    last = 0
    for m in _SEP.finditer(text):
        if any(a <= m.start() < b for a, b in protected):
            continue
        parts.append(text[last:m.start()])
        last = m.end()
    parts.append(text[last:])
    return [q.strip() for p in parts for q in _split_after_amounts(p) if q.strip() and normalize_name(q)]


def _split_after_amounts(part: str) -> list[str]:
    """One phrase per "name amount" pair of a part written with spaces only ("ご飯 1杯 味噌汁 1杯")."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"\s+", part):
        left, right = part[start:m.start()], part[m.end():]
        if (_ENDS_WITH_AMOUNT.search(left) and not _ENDS_WITH_AMOUNT.fullmatch(left.strip())
                and right[:1] and not right[:1].isdigit() and _HAS_DIGIT.search(right)
                and not _UNIT_START.match(right)):
            out.append(left)
            start = m.end()
    out.append(part[start:])
    return out


def _strip_words(s: str, words: dict[str, float] | tuple[str, ...]) -> tuple[str, float]:
    factor = 1.0
    low = s.casefold()
    for w in words:
        pat = rf"(?<![a-z]){re.escape(w)}(?![a-z])" if w.isascii() else re.escape(w)
        m = re.search(pat, low)
        if m:
            factor *= words[w] if isinstance(words, dict) else 0.5
            s = s[: m.start()] + " " + s[m.end():]
            low = s.casefold()
            break
    return s, factor


def _clean(name: str) -> str:
    name = name.strip(" \t\"'()[]（）「」『』:-")
    name = _FILL_HEAD.sub("", name).strip()
    name = _FILL_TAIL.sub("", name).strip()
    return name.strip(" \t\"'()[]（）「」『』:-")


def _amount(phrase: str) -> tuple[str, float | None, str | None]:
    """(name, quantity, unit) of one phrase, before size words."""
    s = phrase.strip()
    low = s.casefold()
    for vague in sorted(VAGUE_UNITS, key=len, reverse=True):
        pat = rf"(?<![a-z]){re.escape(vague)}(?![a-z])" if vague.isascii() else re.escape(vague)
        m = re.search(pat, low)
        if m:
            rest = (s[: m.start()] + " " + s[m.end():]).strip()
            rest = re.sub(r"^of\s+", "", rest, flags=re.IGNORECASE)
            return rest, None, vague
    m = _LEAD.match(s)
    if m and m.group("rest").strip():
        unit = m.group("unit")
        rest = m.group("rest")
        if unit and _LATIN_UNIT.match(unit) and rest[:1].isascii() and rest[:1].isalpha():
            unit, rest = None, s[m.start("unit"):]  # "2 gala apples": 'g' was the start of a word
        return _PARTICLE_HEAD.sub("", rest), _num(m.group("num")), unit
    for rx in (_UNIT_NUM_TRAIL, _UNIT_NUM_LEAD):
        m = rx.match(s)
        if m and m.group("rest").strip() and not _LATIN_UNIT.match(m.group("unit")):
            return m.group("rest"), _num(m.group("num")), m.group("unit")
    m = _TRAIL_X.match(s)
    if m and m.group("rest").strip():
        return m.group("rest"), _num(m.group("num")), None
    m = _TRAIL.match(s)
    if m and m.group("rest").strip():
        return m.group("rest"), _num(m.group("num")), m.group("unit")
    m = _MID.match(s)
    if m and not _LATIN_UNIT.match(m.group("unit")):
        return f"{m.group('a')} {m.group('b')}", _num(m.group("num")), m.group("unit")
    m = _KANJI.search(s)
    if m:
        rest = (s[: m.start()] + " " + s[m.end():]).strip()
        if rest:
            num = m.group("num")
            return rest, 0.5 if num == "半" else float(KANJI_DIGITS[num]), m.group("unit")
    m = _UNIT_OF.match(re.sub(r"^(?:an?|one)\s+", "", s, flags=re.IGNORECASE))
    if m:
        return m.group("rest"), None, m.group("unit")
    for word, n in NUMBER_WORDS.items():
        if low.startswith(word + " ") and len(s) > len(word) + 1:
            rest = s[len(word) + 1:].strip()
            m = _UNIT_OF.match(rest)
            if m:
                return m.group("rest"), float(n), m.group("unit")
            return rest, float(n), None
    return s, None, None


def match(name: str, table: FoodTable) -> FoodMatch:
    """The food named ``name`` (see ``matching.resolve``)."""
    return resolve(name, table)


def _drink_size(s: str) -> tuple[str, str | None]:
    """A coffee-chain cup size ("トール", "grande") anywhere in the phrase -> (phrase without it, unit)."""
    low = s.casefold()
    for word, unit in DRINK_SIZES.items():
        pat = rf"(?<![a-z]){re.escape(word)}(?![a-z])" if word.isascii() else re.escape(word)
        m = re.search(pat, low)
        if m and normalize_name(s[: m.start()] + s[m.end():]):
            return (s[: m.start()] + " " + s[m.end():]).strip(), unit
    return s, None


def _read(text: str, table: FoodTable) -> tuple[str, float | None, str | None, FoodMatch]:
    name, qty, unit = _amount(text.strip())
    name = _clean(name)
    if not name or not normalize_name(name):
        name = _clean(text) or text.strip()
    return name, qty, unit, resolve(name, table)


def _sizeable(found: FoodMatch) -> bool:
    """A size word sizes a food the table knows (an alias, a family name's member, a parent), never a product
    or a typo's guess."""
    return found.food is not None and found.how in ("alias", "variant", "parent") and not found.food.zero_calorie


def _plural_of_a_piece(name: str, found: FoodMatch) -> bool:
    """An English plural with no number ("eggs") of a food whose serving is one piece means two pieces
    (a plural of a food whose serving is already several, "pancakes", keeps its serving)."""
    food, low = found.food, name.strip().casefold()
    if food is None or found.how != "alias" or not low.isascii() or " " in low or not low.endswith("s"):
        return False
    singular = {normalize_name(a) for a in food.aliases_en}
    stems = {low[:-1], low[:-2]} if low.endswith("es") else {low[:-1]}
    pieces = [g for k, g in food.portions if k.split("@")[0] == "piece"]
    return bool(stems & singular) and bool(pieces) and food.default_portion_g <= min(pieces)


def parse_phrase(raw: str, table: FoodTable) -> Phrase:
    whole = exact(_clean(raw), table)
    if whole.food is not None:  # the whole phrase is a name: "big mac meal" holds no size word
        two = 2.0 if _plural_of_a_piece(_clean(raw), whole) else None  # "eggs and toast": two eggs
        return Phrase(raw=raw, name=_clean(raw), quantity=two, unit=None, found=whole)
    text, cup = _drink_size(raw)
    sized, size = _strip_words(text, SIZE_WORDS)
    halved, half = _strip_words(sized, HALF_WORDS)
    if not normalize_name(halved):
        halved, size, half = text, 1.0, 1.0
    name, qty, unit, found = _read(halved, table)
    if size != 1.0 and not _sizeable(found):  # "big" only sizes a size-able food: else it is part of a name
        halved, _ = _strip_words(text, HALF_WORDS)
        name, qty, unit, found = _read(halved if normalize_name(halved) else text, table)
        size = 1.0
    if found.how == "parent" and unit is None:  # "ビール 中瓶": the "modifier" is a unit of the food
        word = found.modifier.strip()
        base = name.replace(word, " ", 1).strip()
        bare = exact(base, table)
        if bare.food is not None and (bare.food.portion(word) is not None or word.casefold() in UNIT_ALIASES):
            name, unit, found = base, word, bare
    if unit is None and qty is None and name.startswith("半") and table.lookup(name[1:]) is not None:
        name, half = name[1:], half * 0.5
        found = exact(name, table)
    if qty is None and unit is None and _plural_of_a_piece(name, found):  # "eggs and toast": two eggs
        qty = 2.0
    if cup is not None and unit is None:
        unit = cup
    factor = size * half
    if factor != 1.0:
        qty = (1.0 if qty is None else qty) * factor
    if unit is not None and unit.casefold() not in VAGUE_UNITS:
        unit = UNIT_ALIASES.get(unit.casefold(), UNIT_ALIASES.get(unit, unit))
    return Phrase(raw=raw, name=name, quantity=qty, unit=unit, found=found, size=size)


@lru_cache(maxsize=2048)
def _parse_cached(text: str, table: FoodTable) -> tuple[Phrase, ...]:
    prepared = prepare(text)
    return tuple(parse_phrase(p, table) for p in split_items(prepared, table))


def parse_text(text: str, table: FoodTable) -> tuple[Phrase, ...]:
    """Every item phrase of ``text``; never raises (an unreadable phrase is kept unmatched)."""
    try:
        return _parse_cached(text[:4000], table)
    except Exception:  # the parser must not fail a log write: keep the text as one unmatched item
        raw = text.strip()[:200]
        return (Phrase(raw=raw, name=raw, quantity=None, unit=None),) if raw else ()


def detect_locale(text: str) -> str:
    """``ja`` when the text holds kana or kanji, else ``en``."""
    for ch in text:
        cp = ord(ch)
        if 0x3040 <= cp <= 0x30FF or 0x3400 <= cp <= 0x9FFF or 0xFF66 <= cp <= 0xFF9F:
            return "ja"
    return "en"
