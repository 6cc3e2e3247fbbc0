"""DTO v1 (the legacy view every client reads today) and DTO v2 (the v2 record's schema). Pydantic v2.

v1 forbids unknown fields: it is the frozen contract of old clients. v2 ignores unknown fields so a
record written by a newer pipeline still reads after a rollback (the adapter maps only what it knows).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["ok", "estimated", "amount_unknown", "unmatched"]
STATUSES: tuple[Status, ...] = ("ok", "estimated", "amount_unknown", "unmatched")

# Item tags of DTO v2. The unknown_* kinds are counted by the migration (meal_log_unknown_total).
TAG_UNKNOWN_FOOD = "unknown_food"
TAG_UNKNOWN_UNIT = "unknown_unit"
TAG_UNKNOWN_PORTION = "unknown_portion"
TAG_ATWATER_MISMATCH = "atwater_mismatch"  # 4P+4C+9F+7A differs from kcal beyond the tolerance
TAG_ATWATER_SCALED = "atwater_scaled"  # ATWATER_SIMPLE_SCALE rescaled the provider's macros
TAG_NEVER_ZERO = "never_zero_estimate"  # NEVER_ZERO_MODE replaced a 0 kcal by an estimate
TAG_ZERO_CALORIE = "zero_calorie"  # a true zero-calorie item (water, black coffee, tea)
TAG_SET_MEAL = "set_meal"  # has a set-meal proposal
TAG_PROVIDER_VALUES = "provider_values"  # numbers are the provider's own (no table row)
TAG_FUZZY_MATCH = "fuzzy_match"  # the name is a typo of a table alias (rapidfuzz score in ``match``)
TAG_PARENT_MODIFIER = "parent_modifier"  # a known dish with words the table does not know ("とんこつ")
TAG_VARIANT = "variant_match"  # a name for a whole family of dishes ("カレー"): the table's row is one of them
TAG_PIECE_ESTIMATE = "piece_estimate"  # a count of a food the table lists no piece for: category piece
TAG_KCAL_CAPPED = "kcal_capped"  # an item above its category's plausible maximum, scaled down to it
UNKNOWN_TAGS: tuple[str, ...] = (TAG_UNKNOWN_FOOD, TAG_UNKNOWN_UNIT, TAG_UNKNOWN_PORTION)

NeverZeroMode = Literal["off", "safe", "strict"]


class TotalsV1(BaseModel):
    """Meal totals: kcal rounded to an integer, grams to one decimal."""

    model_config = ConfigDict(extra="forbid")

    kcal: float = Field(ge=0)
    protein_g: float = Field(ge=0)
    fat_g: float = Field(ge=0)
    carbs_g: float = Field(ge=0)


class ItemV1(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    quantity: float | None = None
    unit: str | None = None
    grams: float | None = Field(default=None, ge=0)
    kcal: float = Field(ge=0)
    protein_g: float = Field(ge=0)
    fat_g: float = Field(ge=0)
    carbs_g: float = Field(ge=0)


class NutritionV1(BaseModel):
    """DTO v1: the nutrition of one log as legacy clients read it."""

    model_config = ConfigDict(extra="forbid")

    items: list[ItemV1]
    totals: TotalsV1


class ItemV2(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str
    input_name: str = ""
    food_id: str | None = None
    category: str | None = None
    quantity: float | None = None
    unit: str | None = None
    grams: float | None = Field(default=None, ge=0)
    status: Status
    tags: list[str] = Field(default_factory=list)
    confidence: float = Field(ge=0, le=1)
    kcal: float = Field(ge=0)
    protein_g: float = Field(ge=0)
    fat_g: float = Field(ge=0)
    carbs_g: float = Field(ge=0)
    alcohol_g: float | None = Field(default=None, ge=0)
    atwater_kcal: float = Field(default=0.0, ge=0, description="4P + 4C + 9F + 7A of this item")
    atwater_ratio: float | None = Field(default=None, description="kcal / atwater_kcal, None if 0")
    energy_basis: str | None = None
    source: str | None = None
    source_id: str | None = None
    match: str | None = Field(default=None, description="why the item has this food: alias, fuzzy score, parent")


class ProposalComponent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    food_id: str
    name: str
    grams: float = Field(ge=0)


class SetProposal(BaseModel):
    """A proposed breakdown of a set meal (唐揚げ定食, burger meal) that the client can confirm."""

    model_config = ConfigDict(extra="ignore")

    item_index: int = Field(default=0, ge=0)
    food_id: str
    name: str
    components: list[ProposalComponent]


class V2OptionsDTO(BaseModel):
    model_config = ConfigDict(extra="ignore")

    never_zero_mode: NeverZeroMode = "safe"
    atwater_simple_scale: bool = False
    set_proposal_ui: bool = True


class RecordV2(BaseModel):
    """DTO v2: the v2 normalization of one meal text."""

    model_config = ConfigDict(extra="ignore")

    schema_version: Literal["2"] = "2"
    pipeline_version: str
    locale: Literal["ja", "en"] = "ja"
    provider: str = ""
    model: str = ""
    table_version: str = ""
    items: list[ItemV2]
    totals: TotalsV1
    proposals: list[SetProposal] = Field(default_factory=list)
    options: V2OptionsDTO = Field(default_factory=V2OptionsDTO)
