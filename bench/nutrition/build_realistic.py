"""Writes realistic_meals.jsonl from MEALS below: `python bench/nutrition/build_realistic.py`.

The texts were written first, the way people type a meal into the app (before looking at what the
food table holds): konbini and chain items, set meals, noodles, drinks and alcohol, home dishes,
Western breakfasts, snacks, typos, meal labels, emoji, dish names containing と/の/and, modifiers
and containers. Each has a kcal range for what the text most plausibly means, worked out from the
source named by its key (SOURCES): per-100 g values of MEXT 八訂 or USDA FoodData Central times a
typical portion, or a chain's published figure for the product (with the date of the figure). The
range is wide where the text is vague ("ramen", "salad"), narrow for a named product.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

SOURCES: dict[str, str] = {
    "MEXT": "日本食品標準成分表（八訂）増補2023, per 100 g x a typical portion (maintainers' portion)",
    "USDA": "USDA FoodData Central (SR Legacy / FNDDS), per 100 g x a typical portion (maintainers' portion)",
    "MCD_JP": "McDonald's Japan, published nutrition of the menu item (figure of 2025)",
    "MCD_US": "McDonald's USA, published nutrition of the menu item (figure of 2025)",
    "SBUX_JP": "Starbucks Japan, published nutrition, whole milk (figure of 2025)",
    "SBUX_US": "Starbucks USA, published nutrition, 2% milk (figure of 2025)",
    "KONBINI": "Japanese konbini chains (7-Eleven, FamilyMart, Lawson), published label of the product (2025)",
    "MAKER": "the maker's published label of the product (figure of 2025)",
    "CHAIN_JP": "Japanese restaurant chain, published nutrition of the menu item (figure of 2025)",
}

# text | kcal low | kcal high | source key      (about 60 % Japanese, 40 % English)
MEALS = """
セブンのツナマヨおにぎり|200|290|KONBINI
ファミチキ|220|290|KONBINI
からあげクン レギュラー|190|250|KONBINI
コンビニのサラダチキン|95|140|KONBINI
サラダチキン 1個|95|140|KONBINI
マックのビッグマック|480|560|MCD_JP
ビッグマックセット|950|1200|MCD_JP
てりやきマックバーガー|430|520|MCD_JP
マックフライポテト M|370|450|MCD_JP
チキンマックナゲット 5ピース|240|300|MCD_JP
スタバ ラテ トール|180|240|SBUX_JP
スタバのラテ グランデ|230|310|SBUX_JP
カップヌードル|330|380|MAKER
カップラーメン|290|420|MAKER
ストロングゼロ 500ml|230|300|MAKER
ストロングゼロ 350ml缶|160|200|MAKER
ほろよい 1缶|80|200|MAKER
ビール 350ml缶|120|160|MEXT
ビール 500ml缶|170|230|MEXT
生ビール 中ジョッキ|130|210|MEXT
ビール2缶と枝豆|300|420|MEXT
ハイボール 2杯|130|230|MEXT
ハイボールと唐揚げ|380|600|MEXT
レモンサワー|100|190|MEXT
日本酒 1合|170|210|MEXT
赤ワイン グラス1杯|70|110|MEXT
ワイン 2杯|150|230|MEXT
焼酎 水割り|80|140|MEXT
梅酒 ロック|90|160|MEXT
ビール 中瓶|180|230|MEXT
コーラ 500ml|200|240|MEXT
ペットボトルのお茶|0|5|MEXT
麦茶|0|5|MEXT
ほうじ茶|0|5|MEXT
ブラックコーヒー|0|10|MEXT
缶コーヒー|30|100|MAKER
カフェラテ|90|180|MEXT
ミルクティー 500ml|150|250|MAKER
プロテイン 1杯|90|160|MAKER
プロテイン 牛乳割り|220|330|MAKER
豆乳 200ml|80|130|MEXT
アーモンドミルク 200ml|25|90|MAKER
オレンジジュース コップ1杯|70|110|MEXT
牛乳 コップ1杯|110|150|MEXT
とんこつラーメン|550|900|MEXT
醤油ラーメン|430|650|MEXT
味噌ラーメン|500|800|MEXT
塩ラーメン|430|650|MEXT
ラーメン大盛り|650|1000|MEXT
ラーメン🍜|430|750|MEXT
ラーメソ|430|750|MEXT
つけ麺|550|900|MEXT
ざるそば|270|420|MEXT
ざるそば 大盛り|400|620|MEXT
かけそば|280|430|MEXT
きつねそば|380|520|MEXT
きつねうどん|370|520|MEXT
たぬきうどん|380|540|MEXT
月見うどん|330|460|MEXT
天ぷらうどん|430|650|MEXT
カレーうどん|430|650|MEXT
冷やし中華|420|650|MEXT
冷やし中華 大盛り|600|950|MEXT
焼きそば|430|650|MEXT
ペペロンチーノ|480|700|MEXT
カルボナーラ|600|900|MEXT
ミートソーススパゲッティ|520|800|MEXT
そうめん 2束|280|420|MEXT
ちゃんぽん|550|800|MEXT
担々麺|550|850|MEXT
のり弁|600|850|CHAIN_JP
唐揚げ弁当|700|1000|MEXT
幕の内弁当|600|850|MEXT
牛丼 並盛|580|760|CHAIN_JP
牛丼大盛り|750|1000|CHAIN_JP
親子丼|550|750|MEXT
カツ丼|750|1000|MEXT
天丼|650|900|MEXT
海鮮丼|480|700|MEXT
カレーライス|650|900|MEXT
カツカレー|850|1200|MEXT
オムライス|550|850|MEXT
チャーハン|550|800|MEXT
麻婆豆腐|220|420|MEXT
麻婆豆腐とご飯|470|680|MEXT
餃子 6個|220|350|MEXT
焼き餃子 1人前|220|400|MEXT
肉まん 1個|200|280|MEXT
たこ焼き 8個|330|500|MEXT
たこ焼き|330|500|MEXT
お好み焼き|480|750|MEXT
焼肉|350|700|MEXT
焼肉定食|700|1000|MEXT
焼き鳥 5本|300|500|MEXT
唐揚げ 5個|250|420|MEXT
とんかつ定食|800|1100|MEXT
生姜焼き定食|700|950|MEXT
鯖の味噌煮定食|600|850|MEXT
ハンバーグ定食|750|1000|MEXT
焼き魚定食|500|700|MEXT
からあげ定食|800|1100|MEXT
肉じゃが|200|350|MEXT
豚汁|100|200|MEXT
味噌汁|25|80|MEXT
朝ごはん: 納豆、味噌汁、ご飯|330|460|MEXT
朝：トースト、ゆで卵、コーヒー|230|350|MEXT
昼ごはん：ラーメンと餃子|750|1150|MEXT
夜ごはん: 鮭の塩焼き、ご飯、味噌汁|430|600|MEXT
晩ご飯 カレーライス|650|900|MEXT
ごはん茶碗1杯|220|270|MEXT
ご飯 大盛り|330|420|MEXT
ご飯1合|480|560|MEXT
白米 200g|300|320|MEXT
おにぎり 2個|330|460|MEXT
おにぎり2個🍙|330|460|MEXT
鮭おにぎり|160|220|KONBINI
梅おにぎり|150|210|KONBINI
卵かけご飯|290|360|MEXT
納豆ご飯|310|390|MEXT
冷奴|70|130|MEXT
野菜炒め|180|350|MEXT
サラダ|30|150|MEXT
ポテトサラダ|130|250|MEXT
きんぴらごぼう|50|120|MEXT
ほうれん草のおひたし|15|45|MEXT
卵焼き 2切れ|90|160|MEXT
目玉焼き 2個|170|240|MEXT
ゆで卵 1個|65|85|MEXT
焼き鮭 1切れ|120|200|MEXT
刺身盛り合わせ|150|320|MEXT
寿司 10貫|420|650|MEXT
サバ缶|280|360|MEXT
納豆1パック|75|100|MEXT
ヨーグルト 1個|55|100|MEXT
バナナ 1本|75|100|MEXT
りんご半分|55|85|MEXT
みかん 2個|60|100|MEXT
いちご 10粒|30|60|MEXT
アイス 1個|130|300|MAKER
ポテチ 1袋|310|360|MAKER
どら焼き 1個|190|270|MEXT
大福|180|260|MEXT
せんべい 2枚|70|150|MEXT
ショートケーキ|280|400|MEXT
シュークリーム|180|280|MEXT
プリン|110|200|MEXT
クッキー 3枚|110|190|MEXT
ドーナツ 1個|190|320|MEXT
パンケーキ 2枚|300|500|MEXT
食パン 1枚|140|170|MEXT
トースト 2枚 バター|350|450|MEXT
クロワッサン|170|240|MEXT
メロンパン|330|460|MEXT
カレーパン|280|400|MEXT
あんぱん|230|330|MEXT
ナンとカレー|700|1000|MEXT
バターチキンカレーとナン|750|1100|MEXT
醤油ラーメン大盛りと半チャーハン|950|1450|MEXT
サンドイッチ|230|400|MEXT
たまごサンド|230|350|KONBINI
グラノーラ 50g|200|240|MAKER
グラノーラと牛乳|300|400|MAKER
目玉焼きとトースト|230|330|MEXT
ベーコンエッグ|200|330|MEXT
ウインナー 3本|90|200|MEXT
鶏むね肉 100g|100|140|MEXT
鶏もも肉の唐揚げ|300|450|MEXT
焼き鳥|60|120|MEXT
豚の生姜焼き|250|400|MEXT
エビフライ 2本|120|220|MEXT
枝豆|50|90|MEXT
キムチ|15|40|MEXT
お茶碗1杯のご飯と味噌汁|260|330|MEXT
チーズ 1枚|50|75|MEXT
牛乳 200ml|120|145|MEXT
ホットコーヒー|0|10|MEXT
抹茶ラテ|130|250|SBUX_JP
タピオカミルクティー|250|400|MAKER
ビールとからあげ|350|550|MEXT
ハイボール|60|120|MEXT
酎ハイ 350ml|140|220|MAKER
紅茶|0|5|MEXT
水|0|0|MEXT
big mac meal|1000|1400|MCD_US
big mac|500|620|MCD_US
10 chicken nuggets|400|500|MCD_US
6 piece chicken nuggets|230|300|MCD_US
large fries|450|520|MCD_US
quarter pounder with cheese|480|580|MCD_US
starbucks grande latte|170|230|SBUX_US
tall latte|130|200|SBUX_US
grande caramel frappuccino|330|420|SBUX_US
12 oz coffee|0|10|USDA
12 oz coke|130|160|USDA
can of coke|130|160|USDA
diet coke|0|5|MAKER
coke zero|0|5|MAKER
a pint of beer|180|250|USDA
2 beers|260|330|USDA
glass of white wine|100|140|USDA
whiskey on the rocks|95|160|USDA
almond milk|25|95|USDA
protein shake|110|220|MAKER
orange juice|100|130|USDA
smoothie|180|350|USDA
scrambled eggs|170|260|USDA
2 scrambled eggs and toast|250|380|USDA
bacon and eggs|220|360|USDA
pancakes with syrup|420|650|USDA
3 pancakes|220|380|USDA
waffle|200|320|USDA
blueberry muffin|300|470|USDA
bagel with cream cheese|330|430|USDA
avocado toast|230|380|USDA
oatmeal with berries|180|320|USDA
granola with yogurt|280|450|USDA
greek yogurt|90|160|USDA
a slice of bread|60|90|USDA
slice of toast|60|90|USDA
2 slices of toast with butter|220|310|USDA
sourdough toast|110|190|USDA
croissant|220|300|USDA
cereal with milk|180|300|USDA
banana|90|120|USDA
bananna|90|120|USDA
an apple|75|110|USDA
handful of almonds|150|185|USDA
2 cookies|130|220|USDA
chocolate chip cookie|60|220|USDA
donut|190|320|USDA
brownie|180|320|USDA
ice cream|130|300|USDA
bag of chips|140|320|USDA
protein bar|180|260|MAKER
granola bar|90|200|USDA
grilled chicken|190|340|USDA
chiken and rice|420|650|USDA
chicken breast|160|290|USDA
plain chicken|160|290|USDA
fried chicken|380|650|USDA
chicken wings|380|650|USDA
steak and potatoes|550|900|USDA
burger and fries|650|1000|USDA
cheeseburger|280|600|USDA
hot dog|240|360|USDA
pizza|450|650|USDA
2 slices of pepperoni pizza|500|700|USDA
spaghetti and meatballs|550|900|USDA
mac and cheese|300|520|USDA
3 tacos|420|700|USDA
tacos|350|700|USDA
burrito|500|1100|USDA
quesadilla|450|800|USDA
california roll|230|400|USDA
chicken curry with naan|700|1050|USDA
curry and naan|700|1050|USDA
fried rice|300|700|USDA
ramen|430|750|USDA
chicken noodle soup|60|200|USDA
tomato soup|90|200|USDA
grilled cheese sandwich|330|520|USDA
turkey sandwich|280|460|USDA
peanut butter and jelly sandwich|330|450|USDA
salmon with rice and broccoli|520|760|USDA
grilled salmon|220|350|USDA
Lunch: turkey sandwich and an apple|360|560|USDA
Breakfast: oatmeal, banana, coffee|230|360|USDA
Dinner: steak, salad, glass of red wine|550|950|USDA
eggs and toast 🍳|230|360|USDA
2 eggs|130|160|USDA
fried egg|85|110|USDA
a cup of rice|190|260|USDA
large coffee with milk|20|90|USDA
1 cup of milk|140|160|USDA
strawberries|35|70|USDA
blueberries|70|95|USDA
mixed berries|55|90|USDA
hummus and pita|230|400|USDA
popcorn|90|400|USDA
chicken sandwich with extra mayo|420|700|USDA
caesar salad with chicken|330|560|USDA
green salad|20|150|USDA
black coffee|0|10|USDA
sparkling water|0|0|USDA
2 bananas|180|240|USDA
toast with peanut butter|230|330|USDA
yogurt with granola and berries|280|450|USDA
pasta|300|650|USDA
big salad|120|400|USDA
a big bowl of ramen|550|950|USDA
iced latte grande|120|230|SBUX_US
""".strip()


def rows() -> list[dict]:
    out = []
    for i, line in enumerate(MEALS.splitlines(), 1):
        text, lo, hi, src = line.split("|")
        locale = "ja" if any(ord(c) > 0x3000 for c in text) else "en"
        out.append({"id": f"r{i:03d}", "text": text, "locale": locale, "kcal": [int(lo), int(hi)],
                    "source": src, "source_text": SOURCES[src]})
    return out


def main() -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in rows()]
    (HERE / "realistic_meals.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} meals")


if __name__ == "__main__":
    main()
