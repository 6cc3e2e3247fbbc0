"""Meal text -> phrases (name, quantity, unit, matched food). Deterministic, never raises. Pure.

Splits on と 、 ， , ・ / ; & + newlines and the words "and", "with", "plus", except inside a food
name the table knows (豆腐とわかめの味噌汁, "bacon and eggs"). Quantities may come before or after the
name ("2 eggs", "卵 2個", "卵2個", "1杯のご飯", "egg x2"); ASCII and full-width digits, decimals,
fractions (1/2, ½), 半分 / half, 大盛り / large (x1.5), 小盛り / small (x0.7).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from meallog.nutrition.foods import Food, FoodTable, fold_char, normalize_name
from meallog.nutrition.units import UNIT_ALIASES, VAGUE_UNITS

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
# Words that make a longer name a different dish: never match "チョコレートケーキ" to chocolate.
HEAD_WORDS = ("ケーキ", "cake", "pie", "パイ", "soup", "スープ", "salad", "サラダ", "sandwich", "定食", "丼",
              "炒め", "煮", "カレー", "curry", "ソース", "sauce", "パン", "bread", "ジュース", "juice", "茶",
              "tea", "鍋", "ラーメン", "そば", "noodle")
MIN_COVERAGE = 0.5

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
_UNIT_OF = re.compile(rf"^(?P<unit>{_UNIT_ALT})\s+of\s+(?P<rest>.+)$", _F)
_FILL_HEAD = re.compile(r"^(?:of\s+|the\s+|my\s+|の|を|は)+", re.IGNORECASE)
_FILL_TAIL = re.compile(r"(?:を食べた|を飲んだ|食べた|飲んだ|を|は|の|を少し|です|でした|\.)+$")


@dataclass(frozen=True, slots=True)
class Phrase:
    """One item of the meal text as written: its name, amount and the food it matched (if any)."""

    raw: str
    name: str
    quantity: float | None
    unit: str | None
    food: Food | None
    match: str  # "exact" | "contained" | "none"


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
    return text


def _norm_map(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    pos: list[int] = []
    for i, ch in enumerate(text):
        for c in fold_char(ch):
            chars.append(c)
            pos.append(i)
    return "".join(chars), pos


def _latin_ok(text: str, start: int, end: int) -> bool:
    """A Latin alias must sit on word boundaries ("tea" is not inside "steak")."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _alias_spans(text: str, table: FoodTable) -> list[tuple[int, int, str]]:
    """(start, end, food_id) of every alias occurrence in ``text`` (original indices, end exclusive)."""
    norm, pos = _norm_map(text)
    out: list[tuple[int, int, str]] = []
    if not norm:
        return out
    for alias, fid in table.aliases_by_length():
        if len(alias) > len(norm):
            continue
        start = norm.find(alias)
        while start != -1:
            a, b = pos[start], pos[start + len(alias) - 1] + 1
            latin = alias[0].isascii() or alias[-1].isascii()
            if not latin or _latin_ok(text, a, b):
                out.append((a, b, fid))
            start = norm.find(alias, start + 1)
    return out


def split_items(text: str, table: FoodTable) -> list[str]:
    """The item phrases of a prepared text; separators inside a known food name do not cut."""
    protected: list[tuple[int, int]] = []
    for a, b, _ in _alias_spans(text, table):
        if _SEP.search(text[a:b]):
            protected.append((a, b))
    parts: list[str] = []
    last = 0
    for m in _SEP.finditer(text):
        if any(a <= m.start() < b for a, b in protected):
            continue
        parts.append(text[last:m.start()])
        last = m.end()
    parts.append(text[last:])
    return [p.strip() for p in parts if p.strip() and normalize_name(p)]


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
        return rest, _num(m.group("num")), unit
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


def _contained(name: str, table: FoodTable) -> Food | None:
    norm = normalize_name(name)
    if not norm:
        return None
    best: tuple[int, int, int, str] | None = None
    for a, b, fid in _alias_spans(name, table):
        span = len(normalize_name(name[a:b]))
        if best is None or span > best[0]:
            best = (span, a, b, fid)
    if best is None or best[0] / len(norm) < MIN_COVERAGE:
        return None
    _, a, b, fid = best
    outside = normalize_name(name[:a] + " " + name[b:])
    if any(normalize_name(h) in outside for h in HEAD_WORDS):
        return None
    return table.by_id[fid]


def match(name: str, table: FoodTable) -> tuple[Food | None, str]:
    """The food named ``name``: exact alias, else the longest alias it contains (mostly), else None."""
    food = table.lookup(name)
    if food is not None:
        return food, "exact"
    food = _contained(name, table)
    return (food, "contained") if food is not None else (None, "none")


def parse_phrase(raw: str, table: FoodTable) -> Phrase:
    food, how = match(raw, table)
    if food is not None and how == "exact":
        return Phrase(raw=raw, name=_clean(raw), quantity=None, unit=None, food=food, match=how)
    text, size = _strip_words(raw, SIZE_WORDS)
    text, half = _strip_words(text, HALF_WORDS)
    if not normalize_name(text):
        text, size, half = raw, 1.0, 1.0
    name, qty, unit = _amount(text.strip())
    name = _clean(name)
    if not name or not normalize_name(name):
        name = _clean(raw) or raw.strip()
    if unit is None and qty is None and name.startswith("半") and table.lookup(name[1:]) is not None:
        name, half = name[1:], half * 0.5
    factor = size * half
    if factor != 1.0:
        qty = (1.0 if qty is None else qty) * factor
    food, how = match(name, table)
    if unit is not None and unit.casefold() not in VAGUE_UNITS:
        unit = UNIT_ALIASES.get(unit.casefold(), UNIT_ALIASES.get(unit, unit))
    return Phrase(raw=raw, name=name, quantity=qty, unit=unit, food=food, match=how)


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
        return (Phrase(raw=raw, name=raw, quantity=None, unit=None, food=None, match="none"),) if raw else ()


def detect_locale(text: str) -> str:
    """``ja`` when the text holds kana or kanji, else ``en``."""
    for ch in text:
        cp = ord(ch)
        if 0x3040 <= cp <= 0x30FF or 0x3400 <= cp <= 0x9FFF or 0xFF66 <= cp <= 0xFF9F:
            return "ja"
    return "en"
