"""A food name -> the table row it names, and why: alias, product, variant, parent + modifier, fuzzy. Pure.

``resolve(name, table)`` never lies about what it found: an exact alias of a generic food is
``alias``, of a chain or konbini product ``product``; a name the table marks as a whole family's
("カレー": curry rice, curry udon or curry bread) is ``variant`` of the family's one row; a known
dish inside a longer name with words the table does not know ("とんこつラーメン" -> ラーメン +
とんこつ) is ``parent`` with its ``modifier``; a typo within the fuzzy threshold ("bananna",
"ラーメソ") is ``fuzzy`` with its score (rapidfuzz). Only ``alias`` and ``product`` are sure: v2
logs the other three as ``estimated`` with a tag. A name ending in a dish after "の" ("スタバのラテ")
is that dish as ``parent`` however short the dish's name is. A longer name whose head word makes it
another dish ("チョコレートケーキ" is no chocolate) matches nothing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from meallog.nutrition.foods import Food, FoodTable, fold_char, normalize_name

How = Literal["alias", "product", "variant", "parent", "fuzzy", "none"]
SURE: frozenset[str] = frozenset({"alias", "product"})

# Words that make a longer name a different dish: never match "チョコレートケーキ" to chocolate.
HEAD_WORDS = ("ケーキ", "cake", "pie", "パイ", "soup", "スープ", "salad", "サラダ", "sandwich", "定食", "丼",
              "炒め", "煮", "カレー", "curry", "ソース", "sauce", "パン", "bread", "ジュース", "juice", "茶",
              "tea", "鍋", "ラーメン", "そば", "noodle", "ミルク", "milk", "弁当", "bar", "roll", "焼き", "揚げ",
              "fried", "chips", "まん", "bowl", "弁", "butter", "バター", "oil", "オイル", "団子", "餅", "饅頭",
              "まんじゅう")
MIN_COVERAGE = 0.5  # a parent's name must cover at least half of the text's name
MIN_HEAD_COVERAGE = 0.34  # a third when it is the name's head (its last word)
FUZZY_THRESHOLD = 88.0  # rapidfuzz ratio (0-100) on normalised names; below it nothing matches ("ちくわぶ" 86)
FUZZY_MIN_LEN = 4  # shorter names are too easy to confuse ("tea" / "pea"); kana are denser than letters
FUZZY_MIN_LEN_LATIN = 5  # "peas" is no "pear"
# Kana that people (and IMEs) swap: ソ/ン, ツ/シ, ー/一, ロ/口, ヘ/へ, カ/力, エ/工, ニ/二.
CONFUSABLE = str.maketrans({"そ": "ん", "つ": "し", "一": "ー", "口": "ろ", "力": "か", "工": "え", "二": "に"})
PRODUCT_SOURCES = frozenset({"PUBLISHED"})
# Modifiers that take the energy out of their parent: "diet coke" is no cola, "ゼロ" no beer.
ZERO_MODIFIERS = ("diet", "zero", "ゼロ", "無糖", "sugarfree", "sugar free", "カロリーゼロ", "ノンアル", "nonalcoholic")
# Modifiers that name a stand-in for the parent: "oat milk" is no milk, "soy latte" no latte.
SUBSTITUTE_MODIFIERS = ("oat", "soy", "coconut", "almond", "rice", "plant", "vegan", "オーツ", "ココナッツ", "豆乳",
                        "アーモンド", "ライス", "大豆", "ソイ", "代替")
# Aliases too generic to be anyone's parent: an "egg roll" is no bread roll, a "granola bar" no bar.
NO_PARENT = frozenset({"roll", "rolls", "bar", "bars", "かけ"})


@dataclass(frozen=True, slots=True)
class FoodMatch:
    """The food a name resolved to (None: nothing), how, and the evidence for it."""

    food: Food | None
    how: How
    alias: str = ""  # the normalised alias that matched
    score: float | None = None  # fuzzy ratio, 0-100
    modifier: str = ""  # words of the name outside the parent's alias

    @property
    def sure(self) -> bool:
        return self.how in SURE

    def why(self) -> str:
        """One line for `meallog parse`: what matched and on what evidence."""
        if self.food is None:
            return "no match"
        if self.how == "fuzzy":
            return f"fuzzy '{self.alias}' {self.score:.0f}"
        if self.how == "parent":
            return f"parent '{self.alias}' + '{self.modifier}'"
        if self.how == "variant":
            return f"variant '{self.alias}' -> {self.food.food_id} (one kind of it)"
        return f"{self.how} '{self.alias}'"


NONE = FoodMatch(food=None, how="none")


def _how_exact(food: Food) -> How:
    return "product" if food.source in PRODUCT_SOURCES else "alias"


def norm_map(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character."""
    chars: list[str] = []
    pos: list[int] = []
    for i, ch in enumerate(text):
        for c in "".join(fold_char(n) for n in unicodedata.normalize("NFKC", ch)):
            chars.append(c)
            pos.append(i)
    return "".join(chars), pos


def latin_ok(text: str, start: int, end: int) -> bool:
    """A Latin alias must sit on word boundaries ("tea" is not inside "steak")."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


@lru_cache(maxsize=8)
def _by_first_char(table: FoodTable) -> dict[str, tuple[tuple[str, str], ...]]:
    """Aliases by their first character, longest first: a text is scanned once, not once per alias."""
    index: dict[str, list[tuple[str, str]]] = {}
    for alias, fid in table.aliases_by_length():
        index.setdefault(alias[0], []).append((alias, fid))
    return {k: tuple(v) for k, v in index.items()}


def alias_spans(text: str, table: FoodTable) -> list[tuple[int, int, str, str]]:
    """(start, end, food_id, alias) of every alias occurrence in ``text`` (original indices, end exclusive),
    longest aliases first."""
    norm, pos = norm_map(text)
    found: list[tuple[int, str, int, int, int, str]] = []  # (-len, alias, start, a, b, food_id)
    index = _by_first_char(table)
    for start, ch in enumerate(norm):
        for alias, fid in index.get(ch, ()):
            if not norm.startswith(alias, start):
                continue
            a, b = pos[start], pos[start + len(alias) - 1] + 1
            latin = alias[0].isascii() or alias[-1].isascii()
            if not latin or latin_ok(text, a, b):
                found.append((-len(alias), alias, start, a, b, fid))
    found.sort()
    return [(a, b, fid, alias) for _, alias, _, a, b, fid in found]


def warm(table: FoodTable) -> None:
    """Build the per-table indexes now (the wiring calls it), so no request pays for them."""
    _by_first_char(table)
    _fuzzy_keys(table)


def _parent(name: str, table: FoodTable) -> FoodMatch:
    """The known dish a longer name is built on (its head: the alias ending last, then the longest)."""
    norm = normalize_name(name)
    if not norm:
        return NONE
    spans = alias_spans(name, table)
    if not spans:
        return NONE
    a, b, fid, alias = max(spans, key=lambda s: (s[1], len(s[3]), -s[0]))
    if alias in NO_PARENT or len(normalize_name(name[b:])) == 1:  # "ちくわぶ" is no ちくわ
        return NONE
    head = not normalize_name(name[b:])  # the alias ends the name: it is the head noun ("pepperoni pizza")
    possessive = head and name[:a].rstrip().endswith("の")  # "スタバのラテ": a shop's (or a cook's) dish
    if not possessive and len(alias) / len(norm) < (MIN_HEAD_COVERAGE if head else MIN_COVERAGE):
        return NONE
    outside = (name[:a] + " " + name[b:]).strip()
    out_norm = normalize_name(outside)
    if any(normalize_name(h) in out_norm for h in HEAD_WORDS + ZERO_MODIFIERS + SUBSTITUTE_MODIFIERS):
        return NONE
    return FoodMatch(food=table.by_id[fid], how="parent", alias=alias, modifier=outside)


@lru_cache(maxsize=8)
def _fuzzy_keys(table: FoodTable) -> tuple[tuple[str, ...], tuple[str, ...]]:
    keys = tuple(k for k in table.by_alias if len(k) >= FUZZY_MIN_LEN - 1)
    return keys, tuple(k.translate(CONFUSABLE) for k in keys)


def _fuzzy(name: str, table: FoodTable) -> FoodMatch:
    norm = normalize_name(name)
    if len(norm) < (FUZZY_MIN_LEN_LATIN if norm.isascii() else FUZZY_MIN_LEN):
        return NONE
    keys, folded = _fuzzy_keys(table)
    hit = process.extractOne(norm.translate(CONFUSABLE), folded, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
    if hit is None:
        return NONE
    _, score, index = hit
    alias = keys[index]
    return FoodMatch(food=table.by_id[table.by_alias[alias]], how="fuzzy", alias=alias, score=float(score))


def exact(name: str, table: FoodTable) -> FoodMatch:
    """Only a normalised alias of the table: alias or product, a family name's ``variant``, else nothing."""
    food = table.lookup(name)
    if food is None:
        return NONE
    key = normalize_name(name)
    return FoodMatch(food=food, how="variant" if key in table.variants else _how_exact(food), alias=key)


@lru_cache(maxsize=4096)
def resolve(name: str, table: FoodTable, *, fuzzy: bool = True) -> FoodMatch:
    """The food ``name`` names: exact alias, else a parent dish + modifier, else a typo (fuzzy), else none."""
    found = exact(name, table)
    if found.food is not None:
        return found
    found = _parent(name, table)
    if found.food is not None:
        return found
    return _fuzzy(name, table) if fuzzy else NONE
