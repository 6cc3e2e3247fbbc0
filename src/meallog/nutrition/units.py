"""Units and counters -> grams for one food of the table. Pure.

A cup follows the text's locale: a Japanese カップ is 200 ml, a US cup 240 ml; 1 合 is 180 ml.
Household measures the table lists for a food (杯, 枚, 個, 大さじ ...) win over volume maths,
except for cups of liquids, which are always millilitres x density in the text's locale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from meallog.nutrition.foods import Food

CUP_ML: dict[str, float] = {"ja": 200.0, "en": 240.0}
TABLE_CUP_ML = 240.0  # a `cup=` entry of the table's portions is a US cup of the (solid) food
TABLE_JA_CUP_ML = 200.0  # a `カップ=` entry is a Japanese cup
MASS_G: dict[str, float] = {"g": 1.0, "kg": 1000.0, "mg": 0.001, "oz": 28.35, "lb": 453.6}
FL_OZ_ML = 29.57  # "12 oz" of a drink is US fluid ounces, not ounces of mass
# Coffee-chain cup sizes (Starbucks: short 8, tall 12, grande 16, venti 20 fl oz).
CUP_SIZE_ML: dict[str, float] = {"short": 240.0, "tall": 350.0, "grande": 470.0, "venti": 590.0}
DRINK_SIZES: dict[str, str] = {"short": "short", "ショート": "short", "tall": "tall", "トール": "tall",
                               "grande": "grande", "グランデ": "grande", "venti": "venti", "ベンティ": "venti"}
VOLUME_ML: dict[str, float] = {"ml": 1.0, "l": 1000.0, "合": 180.0, "tbsp": 15.0, "tsp": 5.0, **CUP_SIZE_ML}
# Grams of one piece of a food of each category, for a count of a food whose serving is many pieces
# (たこ焼き 8個, 10 nuggets, 焼き鳥 5本) and the table lists no piece: never a whole serving per piece.
PIECE_G: dict[str, float] = {
    "dish": 25.0, "meat": 30.0, "fish": 30.0, "snack": 5.0, "sweet": 30.0, "fruit": 100.0, "vegetable": 50.0,
    "bread": 60.0, "grain": 100.0, "egg": 50.0, "soy": 45.0, "dairy": 20.0, "noodle": 200.0, "set_meal": 500.0,
    "drink": 200.0, "alcohol": 350.0, "soup": 200.0, "condiment": 5.0, "fat": 5.0, "generic": 30.0,
}
COUNT_UNITS = frozenset({"個", "piece", "本", "粒", "貫", "串", "切れ"})
GRAIN_G = 10.0  # one 粒 (a strawberry, a grape, a sweet) when the table lists none
VAGUE_FACTOR = 0.5  # 少し / a little: half a serving
LIQUID_CATEGORIES = frozenset({"drink", "alcohol", "soup"})

# What people write (after NFKC + casefold) -> canonical unit.
UNIT_ALIASES: dict[str, str] = {
    "g": "g", "gram": "g", "grams": "g", "gr": "g", "グラム": "g", "kg": "kg", "キロ": "kg", "mg": "mg",
    "oz": "oz", "ounce": "oz", "ounces": "oz", "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb",
    "ml": "ml", "cc": "ml", "ミリリットル": "ml", "l": "l", "liter": "l", "litre": "l", "liters": "l",
    "litres": "l", "リットル": "l",
    "cup": "cup", "cups": "cup", "カップ": "cup", "合": "合",
    "tbsp": "tbsp", "tablespoon": "tbsp", "tablespoons": "tbsp", "大さじ": "tbsp", "大匙": "tbsp",
    "tsp": "tsp", "teaspoon": "tsp", "teaspoons": "tsp", "小さじ": "tsp", "小匙": "tsp",
    "slice": "slice", "slices": "slice", "枚": "枚",
    "piece": "piece", "pieces": "piece", "pc": "piece", "pcs": "piece", "個": "個", "ヶ": "個", "ケ": "個",
    "コ": "個", "つ": "個", "ピース": "piece",
    "杯": "杯", "膳": "膳", "本": "本", "切れ": "切れ", "切": "切れ", "人前": "人前", "皿": "皿", "丁": "丁",
    "パック": "パック", "pack": "pack", "packs": "pack", "packet": "pack", "packets": "pack",
    "缶": "缶", "can": "can", "cans": "can", "bowl": "bowl", "bowls": "bowl", "plate": "plate",
    "plates": "plate", "serving": "serving", "servings": "serving", "portion": "serving",
    "portions": "serving", "glass": "glass", "glasses": "glass", "bottle": "bottle", "bottles": "bottle",
    "mug": "mug", "mugs": "mug", "fillet": "fillet", "fillets": "fillet", "handful": "handful",
    "handfuls": "handful", "尾": "尾", "玉": "玉", "袋": "袋", "bag": "bag", "bags": "bag", "束": "束",
    "粒": "粒", "片": "片", "かけ": "かけ", "串": "串", "貫": "貫", "椀": "椀", "丼": "丼", "食": "食",
    "セット": "セット", "set": "set", "sets": "set", "meal": "meal", "meals": "meal", "グラス": "グラス",
    "ジョッキ": "ジョッキ", "中ジョッキ": "中ジョッキ", "瓶": "瓶", "房": "房", "株": "株",
    "scoop": "scoop", "scoops": "scoop", "clove": "clove", "cloves": "clove", "bar": "bar", "bars": "bar",
    "strip": "strip", "strips": "strip", "link": "link", "links": "link", "pint": "pint", "pints": "pint",
    "おちょこ": "おちょこ", "湯のみ": "湯のみ", "茶碗": "茶碗", "つまみ": "つまみ", "pinch": "pinch",
    "short": "short", "tall": "tall", "grande": "grande", "venti": "venti", "fl oz": "oz",
    "中瓶": "中瓶", "大瓶": "大瓶", "小瓶": "小瓶", "ロング缶": "ロング缶", "大ジョッキ": "大ジョッキ",
}
VAGUE_UNITS = frozenset({"少し", "少々", "ちょっと", "適量", "some", "a little", "a bit", "a few", "little"})

# Canonical unit -> the portion keys of the table to try, in order.
FAMILIES: dict[str, tuple[str, ...]] = {
    "slice": ("slice", "枚", "切れ"),
    "枚": ("枚", "slice", "切れ", "sheet"),
    "piece": ("piece", "個", "本", "切れ"),
    "個": ("個", "piece", "egg"),
    "杯": ("杯", "膳", "茶碗", "椀", "bowl", "グラス", "glass"),
    "膳": ("膳", "杯", "茶碗", "bowl"),
    "bowl": ("bowl", "杯", "椀", "丼", "膳"),
    "本": ("本", "bottle", "piece", "個"),
    "切れ": ("切れ", "slice", "fillet", "piece", "個"),
    "人前": ("人前", "serving", "食", "セット", "set", "皿", "plate"),
    "皿": ("皿", "plate", "人前", "serving"),
    "plate": ("plate", "皿", "人前", "serving"),
    "serving": ("serving", "人前", "食", "set", "セット"),
    "丁": ("丁", "block"),
    "パック": ("パック", "pack", "packet"),
    "pack": ("pack", "パック", "packet"),
    "缶": ("缶", "can"),
    "can": ("can", "缶"),
    "glass": ("glass", "グラス", "杯"),
    "グラス": ("グラス", "glass", "杯"),
    "bottle": ("bottle", "本", "瓶"),
    "瓶": ("瓶", "bottle", "本"),
    "mug": ("mug", "杯"),
    "食": ("食", "人前", "セット", "set"),
    "セット": ("セット", "set", "meal", "食"),
    "set": ("set", "セット", "meal", "食"),
    "meal": ("meal", "set", "セット", "食"),
    "bag": ("bag", "袋"),
    "袋": ("袋", "bag"),
    "ジョッキ": ("ジョッキ", "中ジョッキ"),
}
# Units that mean "one serving" when the food lists no such key.
SERVING_UNITS = frozenset({"人前", "皿", "plate", "serving", "食", "セット", "set", "meal"})

How = Literal["mass", "volume", "portion", "count", "piece_estimate", "default", "vague", "unknown_unit"]


@dataclass(frozen=True, slots=True)
class Amount:
    grams: float | None
    how: How


def canonical_unit(unit: str | None) -> str | None:
    if unit is None:
        return None
    u = unit.strip().casefold()
    if not u:
        return None
    if u in VAGUE_UNITS:
        return "some"
    return UNIT_ALIASES.get(u, UNIT_ALIASES.get(unit.strip(), unit.strip()))


def cup_ml(locale: str) -> float:
    return CUP_ML.get(locale, CUP_ML["ja"])


def piece_g(category: str | None, serving_g: float) -> tuple[float, bool]:
    """(grams of one piece, estimated?): a category's piece when a serving is clearly several pieces."""
    per = PIECE_G.get(category or "generic", PIECE_G["generic"])
    return (per, True) if serving_g > 2 * per else (serving_g, False)


def _portion(food: Food, key: str, locale: str) -> float | None:
    """The table's grams for ``key``, preferring the text language's own (``slice@en``: a US slice)."""
    return food.portion(f"{key}@{locale}") or food.portion(key)


def grams_for(food: Food, quantity: float | None, unit: str | None, *, locale: str) -> Amount:
    """Grams of ``quantity`` ``unit`` of ``food`` (``quantity`` None means one)."""
    q = 1.0 if quantity is None else max(float(quantity), 0.0)
    u = canonical_unit(unit)
    if u is None:
        if quantity is None:  # one serving, the text language's own when the table lists one
            return Amount(food.portion(f"serving@{locale}") or food.default_portion_g, "default")
        per = food.portion(f"piece@{locale}") or food.portion("個") or food.portion("piece")
        if per is not None:
            return Amount(q * per, "count")
        if q < 2 or not q.is_integer():  # 大盛り 1.5, half 0.5, "1 burrito": servings, not pieces
            return Amount(q * food.default_portion_g, "count")
        grams, estimated = piece_g(food.category, food.default_portion_g)
        return Amount(q * grams, "piece_estimate" if estimated else "count")
    if u == "some":
        return Amount(food.default_portion_g * VAGUE_FACTOR * (q if quantity is not None else 1.0), "vague")
    density = food.density_g_per_ml
    if density is None and food.category in LIQUID_CATEGORIES:
        density = 1.0
    if u == "oz" and density is not None and food.portion("oz") is None:
        return Amount(q * FL_OZ_ML * density, "volume")
    if u in MASS_G:
        return Amount(q * MASS_G[u], "mass")
    if u == "cup":
        ml = cup_ml(locale)
        if density is not None:
            return Amount(q * ml * density, "volume")
        if (p := food.portion("cup")) is not None:
            return Amount(q * p * ml / TABLE_CUP_ML, "portion")
        if (p := food.portion("カップ")) is not None:
            return Amount(q * p * ml / TABLE_JA_CUP_ML, "portion")
        return Amount(None, "unknown_unit")
    if u in VOLUME_ML:
        keys = {"tbsp": ("大さじ", "tbsp") if locale == "ja" else ("tbsp", "大さじ"),
                "tsp": ("小さじ", "tsp") if locale == "ja" else ("tsp", "小さじ"), "合": ("合",)}.get(u, ())
        for key in keys:
            if (p := food.portion(key)) is not None:
                return Amount(q * p, "portion")
        if density is not None:
            return Amount(q * VOLUME_ML[u] * density, "volume")
        return Amount(None, "unknown_unit")
    for key in FAMILIES.get(u, (u,)):
        if (p := _portion(food, key, locale)) is not None:
            return Amount(q * p, "portion")
    if u in SERVING_UNITS:
        return Amount(q * food.default_portion_g, "default")
    if u == "粒":  # a berry, a bean, a sweet: small whatever the category
        return Amount(q * min(GRAIN_G, food.default_portion_g), "piece_estimate")
    if u in COUNT_UNITS:
        grams, estimated = piece_g(food.category, food.default_portion_g)
        return Amount(q * grams, "piece_estimate" if estimated else "count")
    return Amount(None, "unknown_unit")
