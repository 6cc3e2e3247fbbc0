"""v2 normalization: a provider result -> DTO v2 record, from the food table. Pure and deterministic.

Per item: canonical food match (the provider's ``food_id``, else ``matching.resolve`` of the name:
only an exact alias or product is ``ok``; a known dish + unknown words or a typo is ``estimated`` with
``parent_modifier`` / ``fuzzy_match``; a name the table does not know is ``unmatched`` +
``unknown_food``), per-item caps by category (``kcal_capped``),
unit -> grams (a cup follows the text's locale), nutrients = the table's LISTED values scaled by
grams (never recomputed for table-backed items), an Atwater check (4/4/9 + alcohol 7) recorded on
every item, ATWATER_SIMPLE_SCALE for provider-estimated items only, NEVER_ZERO_MODE, set-meal
proposals, a confidence. Totals are rounded like legacy (kcal to an integer, grams to 0.1 g).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from meallog.nutrition.categories import GENERIC, ZERO, category_estimates, guess_category, item_cap_kcal
from meallog.nutrition.dto import (
    TAG_ATWATER_MISMATCH,
    TAG_ATWATER_SCALED,
    TAG_FUZZY_MATCH,
    TAG_KCAL_CAPPED,
    TAG_NEVER_ZERO,
    TAG_PARENT_MODIFIER,
    TAG_PIECE_ESTIMATE,
    TAG_PROVIDER_VALUES,
    TAG_SET_MEAL,
    TAG_UNKNOWN_FOOD,
    TAG_UNKNOWN_PORTION,
    TAG_UNKNOWN_UNIT,
    TAG_VARIANT,
    TAG_ZERO_CALORIE,
    ItemV2,
    ProposalComponent,
    RecordV2,
    SetProposal,
    Status,
    TotalsV1,
    V2OptionsDTO,
)
from meallog.nutrition.foods import Food, FoodTable, load_foods
from meallog.nutrition.matching import resolve
from meallog.nutrition.parser import detect_locale
from meallog.nutrition.types import ProviderItem, ProviderResult
from meallog.nutrition.units import COUNT_UNITS, MASS_G, VOLUME_ML, canonical_unit, cup_ml, grams_for, piece_g

NeverZeroMode = Literal["off", "safe", "strict"]
NEVER_ZERO_MODES: tuple[NeverZeroMode, ...] = ("off", "safe", "strict")
ATWATER_MIN_KCAL = 10.0
MAX_VALUE = 1e7  # larger provider numbers are nonsense; capped so sums stay finite
ATWATER = {"protein_g": 4.0, "carbs_g": 4.0, "fat_g": 9.0, "alcohol_g": 7.0}

# How a name can match that is a guess, and the tag that says so: never ``ok``.
GUESSES: dict[str, str] = {"variant": TAG_VARIANT, "parent": TAG_PARENT_MODIFIER, "fuzzy": TAG_FUZZY_MATCH}
# Confidence by how the item was resolved (before the provider's own confidence caps it).
CONFIDENCE: dict[str, float] = {
    "table": 0.95,
    "table_default": 0.85,
    "variant": 0.7,
    "parent": 0.6,
    "piece": 0.6,
    "fuzzy": 0.5,
    "amount_unknown": 0.5,
    "provider": 0.5,
    "category": 0.3,
    "generic": 0.15,
    "unmatched": 0.0,
}


@dataclass(frozen=True, slots=True)
class V2Options:
    """Options of one v2 computation (from the flags); stamped into the record."""

    never_zero_mode: NeverZeroMode = "safe"
    atwater_simple_scale: bool = False
    set_proposal_ui: bool = True
    atwater_tolerance: float = 0.15  # |kcal / (4P+4C+9F+7A) - 1| beyond this is a mismatch
    locale: str | None = None  # overrides the provider result's locale

    def __post_init__(self) -> None:
        if self.never_zero_mode not in NEVER_ZERO_MODES:
            raise ValueError(
                f"never_zero_mode must be one of {NEVER_ZERO_MODES}, got {self.never_zero_mode!r}"
            )
        if not 0 <= self.atwater_tolerance < 1:
            raise ValueError(f"atwater_tolerance must be in [0, 1), got {self.atwater_tolerance}")
        if self.locale is not None and self.locale not in ("ja", "en"):
            raise ValueError(f"locale must be ja or en, got {self.locale!r}")


@dataclass(slots=True)
class _Item:
    """Working values of one item, unrounded."""

    name: str
    input_name: str
    food: Food | None
    category: str | None
    quantity: float | None
    unit: str | None
    grams: float | None
    status: Status
    basis: str  # key of CONFIDENCE
    kcal: float = 0.0
    protein_g: float = 0.0
    fat_g: float = 0.0
    carbs_g: float = 0.0
    alcohol_g: float | None = None
    energy_basis: str | None = None
    source: str | None = None
    source_id: str | None = None
    tags: list[str] = field(default_factory=list)
    why: str | None = None


def _num(x: float | None) -> float | None:
    """A provider number as a finite value in [0, MAX_VALUE]; None when missing or not finite."""
    if x is None or not math.isfinite(x):
        return None
    return min(max(float(x), 0.0), MAX_VALUE)


def _r1(x: float) -> float:
    return round(x, 1) + 0.0


def atwater_kcal(protein_g: float, fat_g: float, carbs_g: float, alcohol_g: float | None) -> float:
    """4P + 4C + 9F + 7A (alcohol counted as 0 when unknown)."""
    return 4.0 * protein_g + 4.0 * carbs_g + 9.0 * fat_g + 7.0 * (alcohol_g or 0.0)


def resolve_locale(result: ProviderResult, options: V2Options) -> Literal["ja", "en"]:
    if options.locale in ("ja", "en"):
        return options.locale  # type: ignore[return-value]
    if result.locale in ("ja", "en"):
        return result.locale  # type: ignore[return-value]
    return "ja" if detect_locale(" ".join(i.name for i in result.items)) == "ja" else "en"


def match_food(item: ProviderItem, table: FoodTable) -> tuple[Food | None, str, str]:
    """(food, how, why): the provider's food_id (and its word on how it matched) when the table has it,
    else ``matching.resolve`` of the name. Only alias and product matches are sure."""
    food = table.get(item.food_id)
    if food is not None:
        how = item.match or "provider_id"
        return food, how, item.match_note or f"{how} '{food.food_id}'"
    found = resolve(item.name, table)
    return found.food, found.how, found.why()


def _has_numbers(it: ProviderItem) -> bool:
    return any(_num(v) is not None for v in (it.kcal, it.protein_g, it.fat_g, it.carbs_g))


def _table_item(it: ProviderItem, food: Food, locale: str, how: str = "alias", why: str = "") -> _Item:
    quantity, unit = _num(it.quantity), it.unit
    provider_grams = _num(it.grams)
    tags: list[str] = []
    status: Status = "ok"
    basis = "table"
    if how in GUESSES:  # one kind of a family, a known dish + unknown words, or a typo: never ``ok``
        tags.append(GUESSES[how])
        status, basis = "estimated", how
    if quantity is None and canonical_unit(unit) is None:
        if provider_grams is not None and provider_grams > 0:
            grams: float = provider_grams  # an amount the provider read that has no unit of its own
        else:
            grams, basis = grams_for(food, None, None, locale=locale).grams or food.default_portion_g, "table_default"
    else:
        amount = grams_for(food, quantity, unit, locale=locale)
        if amount.how == "unknown_unit":
            tags.append(TAG_UNKNOWN_UNIT)
            status, basis = "amount_unknown", "amount_unknown"
            grams = provider_grams if provider_grams else food.default_portion_g * (quantity or 1.0)
        elif amount.how == "vague":
            tags.append(TAG_UNKNOWN_PORTION)
            status, basis = "amount_unknown", "amount_unknown"
            grams = amount.grams or 0.0
        else:
            grams = amount.grams or 0.0
            if amount.how == "piece_estimate":
                tags.append(TAG_PIECE_ESTIMATE)
                if status == "ok":
                    status, basis = "estimated", "piece"
    n = food.per(grams)
    if food.zero_calorie or food.kcal <= 0:
        tags.append(TAG_ZERO_CALORIE)
    return _Item(
        name=food.name(locale),
        input_name=it.name,
        food=food,
        category=food.category,
        quantity=quantity,
        unit=unit,
        grams=grams,
        status=status,
        basis=basis,
        kcal=n["kcal"] or 0.0,
        protein_g=n["protein_g"] or 0.0,
        fat_g=n["fat_g"] or 0.0,
        carbs_g=n["carbs_g"] or 0.0,
        alcohol_g=n["alcohol_g"],
        energy_basis=food.energy_basis,
        source=food.source,
        source_id=food.source_id,
        tags=tags,
        why=why or None,
    )


def _provider_item(it: ProviderItem, provider: str, options: V2Options) -> _Item:
    """A name the table does not know: the provider's numbers if it gave any, else nothing."""
    kcal, p, f, c, a = (
        _num(it.kcal),
        _num(it.protein_g),
        _num(it.fat_g),
        _num(it.carbs_g),
        _num(it.alcohol_g),
    )
    item = _Item(
        name=it.name,
        input_name=it.name,
        food=None,
        category=guess_category(it.name),
        quantity=_num(it.quantity),
        unit=it.unit,
        grams=_num(it.grams),
        status="unmatched",
        basis="unmatched",
        tags=[TAG_UNKNOWN_FOOD],
        why="no match",
    )
    if all(v is None for v in (kcal, p, f, c)):
        return item
    item.why = f"provider values ({provider})"
    item.status, item.basis, item.source = "estimated", "provider", f"provider:{provider}"
    item.tags.append(TAG_PROVIDER_VALUES)
    item.protein_g, item.fat_g, item.carbs_g, item.alcohol_g = p or 0.0, f or 0.0, c or 0.0, a
    macros = atwater_kcal(item.protein_g, item.fat_g, item.carbs_g, a)
    if kcal is None:
        item.kcal, item.energy_basis = macros, "atwater_4_4_9_7"
        return item
    item.kcal, item.energy_basis = kcal, "provider"
    non_alcohol = macros - 7.0 * (a or 0.0)
    if options.atwater_simple_scale and macros > 0 and non_alcohol > 0 and kcal > 0:
        ratio = kcal / macros
        if ratio != 1.0 and abs(ratio - 1.0) <= options.atwater_tolerance:
            k = (kcal - 7.0 * (a or 0.0)) / non_alcohol
            if k > 0:
                item.protein_g, item.fat_g, item.carbs_g = (
                    item.protein_g * k,
                    item.fat_g * k,
                    item.carbs_g * k,
                )
                item.tags.append(TAG_ATWATER_SCALED)
    return item


def _estimate(item: _Item, table: FoodTable, category: str, basis: str) -> None:
    """NEVER_ZERO_MODE: nutrients of a typical serving of ``category`` (table medians)."""
    est = category_estimates(table).get(category) or category_estimates(table)[GENERIC]
    grams = item.grams
    unit = canonical_unit(item.unit)
    if not grams:
        if unit in MASS_G:
            grams = (item.quantity or 1.0) * MASS_G[unit]
        elif unit in VOLUME_ML or unit == "cup":
            grams = (item.quantity or 1.0) * (cup_ml("ja") if unit == "cup" else VOLUME_ML[unit])
        elif item.quantity and item.quantity >= 2 and float(item.quantity).is_integer() and (
            unit is None or unit in COUNT_UNITS
        ):
            per, estimated = piece_g(est.category, est.portion_g)  # たこ焼き 8個 is 8 pieces, not 8 servings
            grams = per * item.quantity
            if estimated:
                item.tags.append(TAG_PIECE_ESTIMATE)
        else:
            grams = est.portion_g * (item.quantity if item.quantity else 1.0)
    k = grams / 100.0
    item.grams = grams
    item.kcal, item.protein_g, item.fat_g, item.carbs_g = (
        est.kcal * k,
        est.protein_g * k,
        est.fat_g * k,
        est.carbs_g * k,
    )
    item.alcohol_g = est.alcohol_g * k if est.alcohol_g else None
    item.category = est.category
    item.status, item.basis = "estimated", basis
    item.energy_basis = f"{basis}_estimate"
    item.source, item.source_id = "estimate", f"category:{est.category}"
    item.tags.append(TAG_NEVER_ZERO)
    item.why = f"estimate: typical {est.category}" + (f" ({item.why})" if item.why and item.food else "")


def _cap(item: _Item) -> None:
    """No item above its category's plausible maximum: scaled down to it (grams and macros), tagged."""
    cap = item_cap_kcal(item.category)
    if item.kcal <= cap or item.kcal <= 0:
        return
    k = cap / item.kcal
    item.kcal = cap
    item.protein_g, item.fat_g, item.carbs_g = item.protein_g * k, item.fat_g * k, item.carbs_g * k
    item.alcohol_g = None if item.alcohol_g is None else item.alcohol_g * k
    item.grams = None if item.grams is None else item.grams * k
    item.tags.append(TAG_KCAL_CAPPED)


def _never_zero(item: _Item, table: FoodTable, mode: NeverZeroMode) -> None:
    if mode == "off" or item.kcal >= 0.5 or TAG_ZERO_CALORIE in item.tags:
        return
    if item.quantity == 0 or (item.grams == 0 and item.quantity is not None):
        return  # "0 eggs": nothing was eaten
    if item.food is not None:
        _estimate(item, table, item.food.category, "category")
        return
    if item.category == ZERO:  # an unknown 麦茶 or diet soda: estimated at 0 by its category, and said so
        item.tags.append(TAG_ZERO_CALORIE)
        item.status, item.basis = "estimated", "category"
        item.source, item.source_id = "estimate", f"category:{ZERO}"
        item.why = "estimate: zero-calorie drink"
        return
    if item.category is not None:
        _estimate(item, table, item.category, "category")
    elif mode == "strict":
        _estimate(item, table, GENERIC, "generic")


def _atwater_check(item: _Item, tolerance: float) -> tuple[float, float | None]:
    macros = atwater_kcal(item.protein_g, item.fat_g, item.carbs_g, item.alcohol_g)
    if item.kcal <= 0 or macros <= 0:
        return macros, None
    ratio = item.kcal / macros
    unknown_alcohol = item.alcohol_g is None and item.category == "alcohol"  # the check skips these rows
    tiny = max(item.kcal, macros) < ATWATER_MIN_KCAL  # rounding noise of a few kcal is no mismatch
    if (
        abs(ratio - 1.0) > tolerance
        and not unknown_alcohol
        and not tiny
        and TAG_ATWATER_SCALED not in item.tags
    ):
        item.tags.append(TAG_ATWATER_MISMATCH)
    return macros, ratio


def _proposal(index: int, item: _Item, table: FoodTable, locale: str) -> SetProposal | None:
    food = item.food
    if food is None or not food.set_components:
        return None
    total = sum(g for _, g in food.set_components)
    scale = (item.grams or total) / total if total > 0 else 1.0
    components = []
    for fid, grams in food.set_components:
        comp = table.get(fid)
        components.append(
            ProposalComponent(food_id=fid, name=comp.name(locale) if comp else fid, grams=_r1(grams * scale))
        )
    return SetProposal(item_index=index, food_id=food.food_id, name=food.name(locale), components=components)


def normalize(
    result: ProviderResult, *, options: V2Options, pipeline_version: str, foods: FoodTable | None = None
) -> RecordV2:
    """The v2 record of a provider result (DTO v2). Same inputs, same record."""
    table = foods if foods is not None else load_foods()
    locale = resolve_locale(result, options)
    items: list[ItemV2] = []
    proposals: list[SetProposal] = []
    sums = [0.0, 0.0, 0.0, 0.0]
    for index, it in enumerate(result.items):
        food, how, why = match_food(it, table)
        if food is not None and it.food_id is None and how in GUESSES and _has_numbers(it):
            food = None  # a provider's own numbers for "whisky sour" beat a guess at its parent
        work = (
            _table_item(it, food, locale, how, why)
            if food is not None
            else _provider_item(it, result.provider, options)
        )
        _never_zero(work, table, options.never_zero_mode)
        _cap(work)
        macros, ratio = _atwater_check(work, options.atwater_tolerance)
        if options.set_proposal_ui and (proposal := _proposal(index, work, table, locale)) is not None:
            proposals.append(proposal)
            work.tags.append(TAG_SET_MEAL)
        conf = CONFIDENCE[work.basis]
        if work.food is not None and food is not None and it.food_id == food.food_id:
            conf = min(conf, max(it.confidence, 0.3))
        for i, v in enumerate((work.kcal, work.protein_g, work.fat_g, work.carbs_g)):
            sums[i] += v
        items.append(
            ItemV2(
                name=work.name,
                input_name=work.input_name,
                food_id=work.food.food_id if work.food else None,
                category=work.category,
                quantity=work.quantity,
                unit=work.unit,
                grams=None if work.grams is None else _r1(work.grams),
                status=work.status,
                tags=list(dict.fromkeys(work.tags)),
                confidence=round(max(0.0, min(conf, 1.0)), 2),
                kcal=float(round(work.kcal)) + 0.0,
                protein_g=_r1(work.protein_g),
                fat_g=_r1(work.fat_g),
                carbs_g=_r1(work.carbs_g),
                alcohol_g=None if work.alcohol_g is None else _r1(work.alcohol_g),
                atwater_kcal=_r1(macros),
                atwater_ratio=None if ratio is None else round(ratio, 3),
                energy_basis=work.energy_basis,
                source=work.source,
                source_id=work.source_id,
                match=work.why,
            )
        )
    totals = TotalsV1(
        kcal=float(round(sums[0])) + 0.0, protein_g=_r1(sums[1]), fat_g=_r1(sums[2]), carbs_g=_r1(sums[3])
    )
    return RecordV2(
        pipeline_version=pipeline_version,
        locale=locale,
        provider=result.provider,
        model=result.model,
        table_version=table.version,
        items=items,
        totals=totals,
        proposals=proposals,
        options=V2OptionsDTO(
            never_zero_mode=options.never_zero_mode,
            atwater_simple_scale=options.atwater_simple_scale,
            set_proposal_ui=options.set_proposal_ui,
        ),
    )
