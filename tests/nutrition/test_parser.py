from __future__ import annotations

import pytest

from meallog.nutrition.parser import detect_locale, parse_text


def items(text: str, table) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [(p.food.food_id if p.food else None, p.quantity, p.unit) for p in parse_text(text, table)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ご飯 1杯と味噌汁、焼き鮭",
            [("rice_cooked", 1.0, "杯"), ("miso_soup", None, None), ("salmon_grilled", None, None)],
        ),
        (
            "2 eggs, toast with butter, black coffee",
            [("egg_raw", 2.0, None), ("butter_toast", None, None), ("coffee_black", None, None)],
        ),
        ("卵２個", [("egg_raw", 2.0, "個")]),
        ("卵 2個", [("egg_raw", 2.0, "個")]),
        ("１杯のご飯", [("rice_cooked", 1.0, "杯")]),
        ("卵一個", [("egg_raw", 1.0, "個")]),
        ("egg x2", [("egg_raw", 2.0, None)]),
        ("ご飯 1.5杯", [("rice_cooked", 1.5, "杯")]),
        ("豆腐 1/2丁", [("tofu_momen", 0.5, "丁")]),
        ("½ cup milk", [("milk", 0.5, "cup")]),
        ("ご飯 半分", [("rice_cooked", 0.5, None)]),
        ("half a cup of rice", [("rice_cooked", 0.5, "cup")]),
        ("ご飯大盛り", [("rice_cooked", 1.5, None)]),
        ("ご飯 小盛り", [("rice_cooked", 0.7, None)]),
        ("large fries", [("french_fries", 1.5, None)]),
        ("サラダ油 大さじ1", [("vegetable_oil", 1.0, "tbsp")]),
        ("2 tbsp olive oil", [("olive_oil", 2.0, "tbsp")]),
        ("砂糖 小さじ2", [("sugar", 2.0, "tsp")]),
        ("ご飯150g", [("rice_cooked", 150.0, "g")]),
        ("milk 200ml", [("milk", 200.0, "ml")]),
        ("米 1合", [("rice_raw", 1.0, "合")]),
        ("食パン 2枚", [("bread_shokupan", 2.0, "枚")]),
        ("2 slices of toast", [("bread_shokupan", 2.0, "slice")]),
        ("バナナ 1本", [("banana", 1.0, "本")]),
        ("焼き鮭 1切れ", [("salmon_grilled", 1.0, "切れ")]),
        ("1.5人前の餃子", [("gyoza", 1.5, "人前")]),
        ("カレーライス 1皿", [("curry_rice", 1.0, "皿")]),
        ("納豆1パック", [("natto", 1.0, "パック")]),
        ("ビール 2缶", [("beer", 2.0, "缶")]),
        ("カレーライス 1皿 ビール 500ml", [("curry_rice", 1.0, "皿"), ("beer", 500.0, "ml")]),
        ("ご飯 1杯 味噌汁 1杯", [("rice_cooked", 1.0, "杯"), ("miso_soup", 1.0, "杯")]),
        ("唐揚げ 3個 ハイボール 2杯", [("karaage", 3.0, "個"), ("highball", 2.0, "杯")]),
        ("1 can of cola", [("cola", 1.0, "can")]),
        ("a bowl of miso soup", [("miso_soup", None, "bowl")]),
        ("牛乳 1カップ", [("milk", 1.0, "cup")]),
        ("豆腐とわかめの味噌汁", [("miso_soup", None, None)]),
        ("bacon and eggs", [("bacon_and_eggs", None, None)]),
        ("steak and tea", [("beef_steak", None, None), ("black_tea", None, None)]),
        ("りんご１個\nバナナ１本", [("apple", 1.0, "個"), ("banana", 1.0, "本")]),
        (
            "ご飯・納豆 / 卵 & milk",
            [
                ("rice_cooked", None, None),
                ("natto", None, None),
                ("egg_raw", None, None),
                ("milk", None, None),
            ],
        ),
    ],
)
def test_parse(text: str, expected: list[tuple], table) -> None:  # type: ignore[no-untyped-def]
    assert items(text, table) == expected


def test_unmatched_name_is_kept_not_swapped(table) -> None:  # type: ignore[no-untyped-def]
    (p,) = parse_text("ビビンバ", table)
    assert p.food is None and p.name == "ビビンバ" and p.match == "none"
    (p,) = parse_text("チョコレートケーキ", table)  # contains チョコレート but is a cake
    assert p.food is None


def test_latin_alias_needs_word_boundaries(table) -> None:  # type: ignore[no-untyped-def]
    (p,) = parse_text("steak", table)
    assert p.food is not None and p.food.food_id == "beef_steak"


def test_vague_amount(table) -> None:  # type: ignore[no-untyped-def]
    assert items("ご飯少し", table) == [("rice_cooked", None, "少し")]
    assert items("some rice", table) == [("rice_cooked", None, "some")]


def test_empty_and_punctuation_only(table) -> None:  # type: ignore[no-untyped-def]
    assert parse_text("", table) == ()
    assert parse_text(" 、、 ,, \n", table) == ()


@pytest.mark.parametrize(("text", "locale"), [("ご飯", "ja"), ("ゴハン", "ja"), ("rice", "en"), ("", "en")])
def test_detect_locale(text: str, locale: str) -> None:
    assert detect_locale(text) == locale


def test_issue_names_keep_their_words(table) -> None:  # type: ignore[no-untyped-def]
    """The parse itself, before any food row: "big" is no size of "big mac meal", のり弁 keeps its の,
    とんこつ is not cut at と, 8個 of たこ焼き stays a count."""
    assert [(p.name, p.quantity) for p in parse_text("big mac meal", table)] == [("big mac meal", None)]
    assert [p.name for p in parse_text("のり弁", table)] == ["のり弁"]
    assert [p.name for p in parse_text("とんこつラーメン", table)] == ["とんこつラーメン"]
    assert [(p.name, p.quantity, p.unit) for p in parse_text("たこ焼き 8個", table)] == [("たこ焼き", 8.0, "個")]


def test_an_english_plural_of_a_one_piece_serving_is_two(table) -> None:  # type: ignore[no-untyped-def]
    assert items("eggs and toast", table) == [("egg_raw", 2.0, None), ("bread_shokupan", None, None)]
    assert items("bananas", table) == [("banana", 2.0, None)]
    assert items("pancakes", table) == [("pancake", None, None)]  # its serving is already a stack
    assert items("egg", table) == [("egg_raw", None, None)]
