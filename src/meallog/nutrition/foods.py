"""The shipped food composition table: frozen ``Food`` rows, an alias index and lookups. Pure; cached.

``load_foods(path=None)`` reads ``data/foods.csv`` (schema in ``data/README.md``) once per path.
Aliases are compared after ``normalize_name``: NFKC (full-width -> ASCII, half-width kana ->
full-width), casefold, katakana -> hiragana, and no spaces or punctuation.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_PATH = DATA_DIR / "foods.csv"
PRODUCTS_PATH = DATA_DIR / "products.csv"  # konbini / chain products, published values: kept apart

ATTRIBUTION_MEXT = "日本食品標準成分表（八訂）増補2023年から引用"
ATTRIBUTION_MEXT_MODIFIED = "日本食品標準成分表（八訂）増補2023年を加工して作成"
ATTRIBUTION_USDA = (
    "U.S. Department of Agriculture, Agricultural Research Service. FoodData Central. "
    "https://fdc.nal.usda.gov/ (public domain, CC0 1.0)"
)
ATTRIBUTION_PORTIONS = "Portion weights and densities: household measures chosen by the meallog maintainers"

CATEGORIES: tuple[str, ...] = (
    "grain", "bread", "noodle", "egg", "fish", "meat", "soy", "vegetable", "fruit", "dairy", "drink",
    "alcohol", "soup", "dish", "set_meal", "snack", "sweet", "condiment", "fat",
)


@dataclass(frozen=True, slots=True)
class Food:
    """One row of the table. Nutrients are per 100 g edible portion as the source lists them."""

    food_id: str
    name_ja: str
    name_en: str
    category: str
    kcal: float
    protein_g: float
    fat_g: float
    carbs_g: float
    alcohol_g: float | None  # None: not transcribed (never read it as 0)
    energy_basis: str
    source: str
    source_id: str
    source_name: str = ""
    modified: bool = False
    aliases_ja: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()
    portions: tuple[tuple[str, float], ...] = ()
    default_portion_g: float = 100.0
    density_g_per_ml: float | None = None
    zero_calorie: bool = False
    set_components: tuple[tuple[str, float], ...] = ()
    table_version: str = ""
    variant_aliases: tuple[str, ...] = ()  # aliases that name a whole family of which this row is one
    brand: str = ""  # products only: whose published figure it is
    source_date: str = ""  # products only: the date of that figure

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_ja

    def portion(self, unit: str) -> float | None:
        """Grams of one ``unit`` as the table lists it (exact key), else None."""
        for key, grams in self.portions:
            if key == unit:
                return grams
        return None

    @property
    def aliases(self) -> tuple[str, ...]:
        return (self.name_ja, self.name_en, *self.aliases_ja, *self.aliases_en)

    def per(self, grams: float) -> dict[str, float | None]:
        """Listed nutrients scaled to ``grams`` (alcohol None when the table has no figure)."""
        k = grams / 100.0
        return {
            "kcal": self.kcal * k,
            "protein_g": self.protein_g * k,
            "fat_g": self.fat_g * k,
            "carbs_g": self.carbs_g * k,
            "alcohol_g": None if self.alcohol_g is None else self.alcohol_g * k,
        }


@dataclass(frozen=True, eq=False)  # hashed by identity: tables are cached and used as cache keys
class FoodTable:
    """All foods, by id and by normalised alias."""

    foods: tuple[Food, ...]
    by_id: Mapping[str, Food] = field(repr=False)
    by_alias: Mapping[str, str] = field(repr=False)  # normalised alias -> food_id
    version: str = ""
    portion_units: frozenset[str] = frozenset()
    variants: frozenset[str] = frozenset()  # normalised aliases that name a family, not this row alone

    def get(self, food_id: str | None) -> Food | None:
        return self.by_id.get(food_id) if food_id else None

    def lookup(self, name: str) -> Food | None:
        """The food whose alias equals ``name`` after normalisation, else None (never a near match)."""
        key = normalize_name(name)
        fid = self.by_alias.get(key) if key else None
        return self.by_id[fid] if fid else None

    def aliases_by_length(self) -> tuple[tuple[str, str], ...]:
        return _aliases_by_length(self)


@lru_cache(maxsize=8)
def _aliases_by_length(table: FoodTable) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(table.by_alias.items(), key=lambda kv: (-len(kv[0]), kv[0])))


# --- normalisation ---

_KATA_START, _KATA_END = 0x30A1, 0x30F6  # ァ..ヶ
_KEEP_MARKS = {"ー", "〜"}


def kata_to_hira(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if _KATA_START <= ord(c) <= _KATA_END else c for c in text)


def fold_char(ch: str) -> str:
    """One already NFKC-normalised character, folded; '' when it is a space or punctuation."""
    if ch in _KEEP_MARKS:
        return "ー"
    cat = unicodedata.category(ch)
    if cat[0] in ("P", "Z", "C") or (cat[0] == "S" and ch not in "+%"):
        return ""
    return kata_to_hira(ch.casefold())


def normalize_name(text: str) -> str:
    """NFKC, casefold, katakana -> hiragana, no spaces or punctuation: the alias index key."""
    return "".join(fold_char(c) for c in unicodedata.normalize("NFKC", text))


_LATIN = re.compile(r"[a-z0-9]")


def is_latin(text: str) -> bool:
    return bool(_LATIN.search(text))


# --- loading ---


def _float(value: str | None) -> float | None:
    value = (value or "").strip()
    return float(value) if value else None


def _pairs(value: str | None) -> tuple[tuple[str, float], ...]:
    out: list[tuple[str, float]] = []
    for part in (value or "").split("|"):
        if "=" in part or ":" in part:
            key, _, grams = part.replace(":", "=", 1).partition("=")
            if key.strip() and grams.strip():
                out.append((key.strip(), float(grams)))
    return tuple(out)


VARIANT_MARK = "~"  # "~カレー" in an alias list: the name of a family, of which the row is one variant


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(a.strip().lstrip(VARIANT_MARK).strip() for a in (value or "").split("|") if a.strip())


def _variants(*values: str | None) -> tuple[str, ...]:
    return tuple(a.strip().lstrip(VARIANT_MARK).strip() for v in values for a in (v or "").split("|")
                 if a.strip().startswith(VARIANT_MARK))


def food_from_row(row: Mapping[str, str]) -> Food:
    return Food(
        food_id=row["food_id"].strip(),
        name_ja=row.get("name_ja", "").strip(),
        name_en=row.get("name_en", "").strip(),
        category=row.get("category", "").strip(),
        kcal=_float(row.get("kcal")) or 0.0,
        protein_g=_float(row.get("protein_g")) or 0.0,
        fat_g=_float(row.get("fat_g")) or 0.0,
        carbs_g=_float(row.get("carbs_g")) or 0.0,
        alcohol_g=_float(row.get("alcohol_g")),
        energy_basis=row.get("energy_basis", "").strip(),
        source=row.get("source", "").strip(),
        source_id=row.get("source_id", "").strip(),
        source_name=row.get("source_name", "").strip(),
        modified=row.get("modified", "").strip().lower() == "true",
        aliases_ja=_split(row.get("aliases_ja")),
        aliases_en=_split(row.get("aliases_en")),
        portions=_pairs(row.get("portions")),
        default_portion_g=_float(row.get("default_portion_g")) or 100.0,
        density_g_per_ml=_float(row.get("density_g_per_ml")),
        zero_calorie=row.get("zero_calorie", "").strip().lower() == "true",
        set_components=_pairs(row.get("set_components")),
        table_version=row.get("table_version", "").strip(),
        variant_aliases=_variants(row.get("aliases_ja"), row.get("aliases_en")),
        brand=(row.get("brand") or "").strip(),
        source_date=(row.get("source_date") or "").strip(),
    )


def build_table(foods: Iterable[Food]) -> FoodTable:
    """Index ``foods``; on an alias shared by two rows the first row (file order) wins."""
    rows = tuple(foods)
    by_id = {f.food_id: f for f in rows}
    by_alias: dict[str, str] = {}
    for f in rows:  # names first, so a display name is never captured by another row's alias
        for alias in (f.name_ja, f.name_en):
            by_alias.setdefault(normalize_name(alias), f.food_id)
    for f in rows:
        for alias in f.aliases:
            key = normalize_name(alias)
            if key:
                by_alias.setdefault(key, f.food_id)
    by_alias.pop("", None)
    variants = frozenset(k for f in rows for a in f.variant_aliases
                         if (k := normalize_name(a)) and by_alias.get(k) == f.food_id)
    versions = sorted({f.table_version for f in rows if f.table_version})
    units = frozenset(k for f in rows for k, _ in f.portions)
    return FoodTable(foods=rows, by_id=by_id, by_alias=by_alias, version=versions[-1] if versions else "",
                     portion_units=units, variants=variants)


def _read_rows(p: Path) -> list[Food]:
    with p.open(encoding="utf-8", newline="") as fh:
        return [food_from_row(r) for r in csv.DictReader(fh) if (r.get("food_id") or "").strip()]


def load_foods(path: str | Path | None = None) -> FoodTable:
    """The table at ``path``, read once per path; default: the shipped generic foods (``data/foods.csv``)
    followed by the products (``data/products.csv``), so a generic row wins a shared alias."""
    return _load(None if path is None else str(Path(path)))  # load_foods() and load_foods(None): one table


@lru_cache(maxsize=8)
def _load(path: str | None) -> FoodTable:
    if path is not None:
        return build_table(_read_rows(Path(path)))
    return build_table([*_read_rows(DEFAULT_PATH), *_read_rows(PRODUCTS_PATH)])


def table_version(path: str | Path | None = None) -> str:
    return load_foods(path).version


def lookup(name: str, *, table: FoodTable | None = None) -> Food | None:
    """The food with alias ``name`` (normalised exact match) in ``table`` (default: shipped table)."""
    return (table or load_foods()).lookup(name)


def match_food_id(name: str) -> str | None:
    """``food_id`` of the alias ``name`` in the shipped table (for providers' ``match_food``)."""
    food = lookup(name)
    return food.food_id if food else None


def attribution(path: str | Path | None = None) -> dict[str, Any]:
    """Attribution text for API metadata: sources of the table and its version."""
    table = load_foods(path)
    sources = sorted({f.source for f in table.foods})
    return {
        "table_version": table.version,
        "rows": len(table.foods),
        "sources": sources,
        "mext": ATTRIBUTION_MEXT,
        "mext_modified": ATTRIBUTION_MEXT_MODIFIED,
        "usda": ATTRIBUTION_USDA,
        "portions": ATTRIBUTION_PORTIONS,
    }
