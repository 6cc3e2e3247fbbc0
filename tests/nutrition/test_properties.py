"""Property tests: the parser never raises, totals are never negative, v2 is deterministic, the
adapter always yields valid DTO v1."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meallog.nutrition.adapter import to_legacy_view
from meallog.nutrition.categories import item_cap_kcal
from meallog.nutrition.dto import NutritionV1
from meallog.nutrition.foods import load_foods
from meallog.nutrition.legacy import compute_legacy
from meallog.nutrition.normalize_v2 import V2Options, normalize
from meallog.nutrition.parser import parse_text
from meallog.nutrition.types import ProviderItem, ProviderResult
from meallog.providers.offline import OfflineProvider

PROVIDER = OfflineProvider()
TABLE = load_foods()
WORDS = [
    "ご飯",
    "卵",
    "2個",
    "1杯",
    "と",
    "、",
    "半分",
    "大盛り",
    "½",
    "１/２",
    "cup",
    "カップ",
    "eggs",
    "and",
    "with",
    "water",
    "ざるそば",
    "ビール",
    "唐揚げ定食",
    "0",
    "999999",
    "g",
    "ml",
    " ",
    "\n",
    "x3",
    "少し",
]
meal_text = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(WORDS), max_size=12).map("".join))
options = st.builds(
    V2Options,
    never_zero_mode=st.sampled_from(["off", "safe", "strict"]),
    atwater_simple_scale=st.booleans(),
    set_proposal_ui=st.booleans(),
)
num = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.floats(-10, 5000))
provider_item = st.builds(
    ProviderItem,
    name=st.text(max_size=20),
    food_id=st.sampled_from([None, "rice_cooked", "beer", "nope", "karaage_teishoku", "water"]),
    quantity=num,
    unit=st.sampled_from([None, "g", "cup", "杯", "缶", "weird", "少し"]),
    grams=num,
    kcal=num,
    protein_g=num,
    fat_g=num,
    carbs_g=num,
    alcohol_g=num,
)
provider_result = st.builds(
    ProviderResult,
    items=st.lists(provider_item, max_size=5).map(tuple),
    provider=st.just("gemini"),
    model=st.just("m"),
    locale=st.sampled_from(["ja", "en", "xx"]),
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(meal_text)
def test_parser_never_raises(text: str) -> None:
    for p in parse_text(text, TABLE):
        assert p.quantity is None or p.quantity >= 0


@FAST
@given(meal_text, options)
def test_offline_totals_never_negative_and_v2_deterministic(text: str, opts: V2Options) -> None:
    parsed = PROVIDER.parse(text)
    legacy = compute_legacy(parsed)
    a = normalize(parsed, options=opts, pipeline_version="p")
    b = normalize(PROVIDER.parse(text), options=opts, pipeline_version="p")
    assert a.model_dump_json() == b.model_dump_json()
    for t in (legacy.totals, a.totals):
        assert min(t.kcal, t.protein_g, t.fat_g, t.carbs_g) >= 0
    assert len(a.items) == len(legacy.items)


@FAST
@given(provider_result, options)
def test_any_provider_result_normalizes_and_adapts_to_valid_v1(
    result: ProviderResult, opts: V2Options
) -> None:
    record = normalize(result, options=opts, pipeline_version="p")
    view = to_legacy_view(record)
    NutritionV1.model_validate(view.model_dump(mode="json"))
    assert len(view.items) == len(result.items)
    assert min(record.totals.model_dump().values()) >= 0
    NutritionV1.model_validate(compute_legacy(result).model_dump(mode="json"))


TYPED = ["たこ焼き", "8個", "big", "mac", "meal", "ビール", "350ml缶", "茶碗1杯", "ラーメソ", "bananna",
         "朝:", "Lunch:",
         "とんこつ", "ラーメン", "の", "と", "with", "extra", "10", "99999", "個", "本", "粒", "tall", "grande",
         "12 oz",
         "ストロングゼロ", "diet", "🍜", "大盛り", "half", "ご飯", "1合", "ナゲット",
         "カレー", "スタバの", "プロテイン", "牛乳割り", "eggs", "1皿", "500ml", "カップラーメン"]
typed_text = st.one_of(st.text(max_size=60), st.lists(st.sampled_from(TYPED), max_size=10).map(" ".join),
                       st.lists(st.sampled_from(TYPED), max_size=10).map("".join))


@FAST
@given(typed_text, options)
def test_no_item_is_non_finite_negative_or_over_its_cap(text: str, opts: V2Options) -> None:
    for item in normalize(PROVIDER.parse(text), options=opts, pipeline_version="p").items:
        assert math.isfinite(item.kcal) and item.kcal >= 0
        assert item.kcal <= item_cap_kcal(item.category), (text, item)


@FAST
@given(provider_result, options)
def test_no_provider_item_is_over_its_cap(result: ProviderResult, opts: V2Options) -> None:
    for item in normalize(result, options=opts, pipeline_version="p").items:
        assert 0 <= item.kcal <= item_cap_kcal(item.category)
