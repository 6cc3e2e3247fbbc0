"""Writes labelled_meals.jsonl from MEALS below: `python bench/nutrition/build_labels.py`.

Each meal lists its items in text order as (food_id, grams) with the grams written out by hand
(README.md says how they were chosen); the reference nutrition of an item is the table row's
LISTED per-100 g values x grams / 100. Items the table does not have are ("?name", None) with
real=True (a real food: it must not be logged at 0 kcal) or ("~name", None) for a true
zero-calorie drink; a meal with such a real item has no reference totals (excluded from MAPE).
"""

from __future__ import annotations

import json
from pathlib import Path

from meallog.nutrition.foods import load_foods

HERE = Path(__file__).resolve().parent

MEALS: list[tuple[str, list[tuple[str, float | None]]]] = [
    ("ご飯 1杯と味噌汁、焼き鮭", [("rice_cooked", 150), ("miso_soup", 183), ("salmon_grilled", 80)]),
    (
        "2 eggs, toast with butter, black coffee",
        [("egg_raw", 100), ("butter_toast", 68), ("coffee_black", 150)],
    ),
    ("卵２個とご飯大盛り", [("egg_raw", 100), ("rice_cooked", 225)]),
    ("納豆1パック、ご飯 1杯、味噌汁", [("natto", 45), ("rice_cooked", 150), ("miso_soup", 183)]),
    ("ビール 2缶と枝豆", [("beer", 702), ("edamame", 50)]),
    ("唐揚げ定食", [("karaage_teishoku", 533)]),
    ("カレーライス 1皿", [("curry_rice", 474)]),
    ("牛丼 1杯", [("gyudon", 439)]),
    ("ラーメン 1杯", [("ramen", 571)]),
    ("かけうどん", [("kake_udon", 455)]),
    ("食パン 2枚、牛乳 1杯", [("bread_shokupan", 120), ("milk", 206)]),
    ("牛乳 1カップ", [("milk", 206)]),
    ("1 cup of milk", [("milk", 247.2)]),
    ("2 cups of orange juice", [("orange_juice", 503.0)]),
    ("オレンジジュース 1カップ", [("orange_juice", 209.6)]),
    ("焼き鮭 1切れ、ご飯 小盛り、みそ汁", [("salmon_grilled", 80), ("rice_cooked", 105), ("miso_soup", 183)]),
    ("とんかつ定食", [("tonkatsu_teishoku", 536)]),
    ("生姜焼き定食 1人前", [("shogayaki_teishoku", 512)]),
    ("和朝食", [("japanese_breakfast", 438)]),
    ("banana and apple", [("banana", 90), ("apple", 220)]),
    ("40g oatmeal and 150ml milk", [("oatmeal", 40), ("milk", 154.5)]),
    ("greek yogurt with strawberries", [("greek_yogurt", 113), ("strawberry", 75)]),
    ("grilled chicken breast and broccoli", [("chicken_breast_roasted", 120), ("broccoli", 60)]),
    ("steak, fries and a glass of red wine", [("beef_steak", 150), ("french_fries", 117), ("red_wine", 149)]),
    ("日本酒 1合と刺身", [("sake", 180), ("sashimi", 130)]),
    ("cheeseburger, fries and cola", [("cheeseburger", 96), ("french_fries", 117), ("cola", 363)]),
    ("burger meal", [("burger_meal", 565)]),
    ("2 slices of pizza", [("pizza", 214)]),  # a US slice (1/8 of a 14-inch pizza) is 107 g
    ("caesar salad", [("caesar_salad", 146)]),
    ("餃子 1人前とビール", [("gyoza", 179), ("beer", 351)]),
    ("おにぎり 2個", [("onigiri", 204)]),
    ("鮭おにぎりとお茶", [("onigiri_salmon", 112), ("green_tea", 150)]),
    ("握り寿司 1人前", [("sushi_nigiri", 253)]),
    ("ざるそば", [("?ざるそば", None)]),
    ("まぐろの刺身とご飯", [("?まぐろの刺身", None), ("rice_cooked", 150)]),
    ("whisky and water", [("?whisky", None), ("water", 200)]),
    ("麦茶", [("~麦茶", None)]),
    ("1 glass of white wine", [("?white wine", None)]),
    ("ハイボール 2杯と唐揚げ", [("?ハイボール", None), ("karaage", 150)]),
    ("焼酎", [("?焼酎", None)]),
    ("チョコレートケーキとコーヒー", [("?チョコレートケーキ", None), ("coffee_black", 150)]),
    ("親子丼", [("oyakodon", 548)]),
    ("カツ丼 1杯", [("katsudon", 598)]),
    ("オムライス", [("omurice", 413)]),
    ("チャーハン 1皿", [("chahan", 303)]),
    ("焼きそば", [("yakisoba", 296)]),
    ("spaghetti bolognese", [("spaghetti_meat_sauce", 426)]),
    ("肉じゃがとご飯", [("nikujaga", 341), ("rice_cooked", 150)]),
    ("豚汁 1杯", [("tonjiru", 300)]),
    ("冷奴", [("hiyayakko", 159)]),
    ("卵かけご飯", [("tkg", 205)]),
    ("納豆ご飯", [("natto_gohan", 198)]),
    ("カフェオレ", [("cafe_au_lait", 200)]),
    ("latte", [("cafe_latte", 250)]),
    ("sandwich and coffee", [("sandwich", 147), ("coffee_black", 150)]),
    ("bacon and eggs with toast", [("bacon_and_eggs", 128), ("bread_shokupan", 60)]),
    ("3 sausages and 2 slices of bacon", [("sausage", 60), ("bacon", 36)]),
    ("2 boiled eggs", [("egg_boiled", 100)]),
    ("fried egg and rice", [("egg_fried", 46), ("rice_cooked", 150)]),
    ("ゆで卵 1個", [("egg_boiled", 50)]),
    ("目玉焼き2個とご飯", [("egg_fried", 92), ("rice_cooked", 150)]),
    ("みかん 3個", [("mikan", 264)]),
    ("いちご 1パック", [("strawberry", 300)]),
    ("すいか 1切れ", [("watermelon", 286)]),
    ("ぶどう 1房", [("grapes", 150)]),
    ("キウイ 2個", [("kiwi", 200)]),
    ("アボカド 半分", [("avocado", 68)]),
    ("almonds 30g", [("almonds", 30)]),
    ("a handful of almonds", [("almonds", 30)]),
    ("2 tbsp peanut butter", [("peanut_butter", 32)]),
    ("オリーブオイル 大さじ1", [("olive_oil", 12)]),
    ("マヨネーズ 小さじ2", [("mayonnaise", 8)]),
    ("ポテトチップス 1袋", [("potato_chips", 60)]),
    ("ミルクチョコレート 1枚", [("milk_chocolate", 50)]),
    ("アイスクリーム 1個", [("ice_cream", 100)]),
    ("ice cream 2 scoops", [("ice_cream", 132)]),
    ("cornflakes with milk", [("cereal_with_milk", 240)]),
    ("bagel and coffee", [("bagel", 99), ("coffee_black", 150)]),
    ("さば缶 1缶", [("mackerel_canned", 190)]),
    ("えび 5尾", [("shrimp", 50)]),
    ("鶏もも肉 200g", [("chicken_thigh", 200)]),
    ("豚ロース 150g", [("pork_loin", 150)]),
    ("ほうれん草 1束", [("spinach", 180)]),
    ("さつまいも 1本", [("sweet_potato", 180)]),
    ("ハンバーグ 1個とご飯", [("hamburg_steak", 162), ("rice_cooked", 150)]),
    ("うどん 1玉", [("udon_boiled", 200)]),
    ("木綿豆腐 半丁", [("tofu_momen", 150)]),
    ("紅茶", [("black_tea", 150)]),
    ("水 2杯", [("water", 400)]),
    ("コーラ 1缶", [("cola", 363)]),
    ("a can of cola", [("cola", 370)]),
    ("ヨーグルト 1個", [("yogurt_plain", 100)]),
    ("black tea and 2 pieces of toast", [("black_tea", 150), ("bread_shokupan", 120)]),
    ("ピザ 2切れ", [("pizza", 162)]),
    ("ご飯１５０ｇと納豆", [("rice_cooked", 150), ("natto", 45)]),
    ("½ cup of rice", [("rice_cooked", 80)]),
]


def item_label(food_id: str, grams: float | None) -> dict:
    table = load_foods()
    if food_id[0] in "?~":
        return {"name": food_id[1:], "food_id": None, "grams": None, "real": food_id[0] == "?", "ref": None}
    food = table.by_id[food_id]
    n = food.per(grams or 0.0)
    ref = {k: round(v or 0.0, 2) for k, v in n.items() if k != "alcohol_g"}
    real = not food.zero_calorie and food.kcal > 0
    return {
        "name": food.name_ja,
        "food_id": food_id,
        "grams": grams,
        "real": real,
        "ref": ref,
        "row": {"source": food.source, "source_id": food.source_id, "table_version": food.table_version},
    }


def main() -> None:
    lines = []
    for i, (text, items) in enumerate(MEALS, 1):
        labels = [item_label(fid, g) for fid, g in items]
        complete = all(lab["ref"] is not None or not lab["real"] for lab in labels)
        totals = None
        if complete:
            totals = {
                k: round(sum((lab["ref"] or {}).get(k, 0.0) for lab in labels), 1)
                for k in ("kcal", "protein_g", "fat_g", "carbs_g")
            }
        locale = "ja" if any(ord(c) > 0x3000 for c in text) else "en"
        lines.append(
            json.dumps(
                {"id": f"m{i:03d}", "text": text, "locale": locale, "items": labels, "ref_totals": totals},
                ensure_ascii=False,
            )
        )
    (HERE / "labelled_meals.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} meals")


if __name__ == "__main__":
    main()
