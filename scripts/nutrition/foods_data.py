"""Transcribed source rows for foods.csv (see build_foods.py).

Argument order: food_id, name_ja, name_en, aliases_ja, aliases_en, category,
then for MEXT: 食品番号, source name, kcal, protein, fat, carbohydrate[, alcohol]
     for USDA: dataset ("SR"/"FNDDS"), FDC id, description, kcal, P, F, C[, A]
All per 100 g edible portion.  Portions are "unit=grams"; for liquids the grams
of one unit are its millilitres x density (rounded).
"""


def define(mext, usda, composed):
    # ------------------------------------------------------------------ grain
    mext("rice_cooked", "ご飯", "Cooked white rice",
         "ご飯|ごはん|白ご飯|白ごはん|白飯|しろめし|白米|はくまい|ライス|めし|飯",
         "rice|white rice|cooked rice|steamed rice|plain rice|bowl of rice",
         "grain", "01088", "こめ　［水稲めし］　精白米　うるち米",
         156, 2.5, 0.3, 37.1,
         portions="杯=150|膳=150|茶碗=150|bowl=150|cup=160|皿=200|plate=200|人前=150",
         default_g=150)
    mext("rice_raw", "米（精白米・炊飯前）", "Uncooked white rice",
         "米|こめ|コメ|精白米|生米|お米",
         "uncooked rice|raw rice|dry rice",
         "grain", "01083", "こめ　［水稲穀粒］　精白米　うるち米",
         342, 6.1, 0.9, 77.6,
         portions="合=150|cup=185", default_g=150)
    # ------------------------------------------------------------------ bread
    mext("bread_shokupan", "食パン", "White bread (shokupan)",
         "食パン|しょくパン|しょくぱん|ショクパン|パン|トースト|食パン6枚切り|角食",
         "white bread|bread|toast|toasts|slice of bread|slices of bread|sandwich bread|shokupan",
         "bread", "01026", "こむぎ　［パン類］　角形食パン　食パン",
         248, 8.9, 4.1, 46.4,
         portions="枚=60|slice=60|斤=360|loaf=360", default_g=60)
    mext("bread_roll", "ロールパン", "Bread roll",
         "ロールパン|ろーるぱん|バターロール",
         "bread roll|bread rolls|dinner roll|dinner rolls|roll|rolls",
         "bread", "01034", "こむぎ　［パン類］　ロールパン",
         309, 10.1, 9.0, 48.6,
         portions="個=30|piece=30", default_g=30)
    usda("bagel", "ベーグル", "Bagel",
         "ベーグル|べーぐる",
         "bagel|bagels|plain bagel|plain bagels",
         "bread", "SR", 174899,
         "Bagels, plain, enriched, with calcium propionate (includes onion, poppy, sesame)",
         264, 10.56, 1.32, 52.38,
         portions="個=99|piece=99", default_g=99)
    # ------------------------------------------------------------------ noodle
    mext("udon_boiled", "うどん（ゆで）", "Udon noodles, boiled",
         "うどん|ウドン|ゆでうどん|茹でうどん|饂飩|うどん麺",
         "udon|udon noodles|boiled udon",
         "noodle", "01039", "こむぎ　［うどん・そうめん類］　うどん　ゆで",
         95, 2.6, 0.4, 21.6,
         portions="玉=200|杯=200|bowl=200|人前=200", default_g=200)
    # ------------------------------------------------------------------ egg
    mext("egg_raw", "卵", "Egg",
         "卵|たまご|タマゴ|玉子|鶏卵|けいらん|生卵|全卵|たまごかけ",
         "egg|eggs|whole egg|whole eggs|raw egg|raw eggs|large egg|large eggs",
         "egg", "12004", "鶏卵　全卵　生",
         142, 12.2, 10.2, 0.4,
         portions="個=50|piece=50|egg=50", default_g=50)
    usda("egg_boiled", "ゆで卵", "Hard-boiled egg",
         "ゆで卵|ゆでたまご|ゆで玉子|茹で卵|茹で玉子|ゆでタマゴ|半熟卵",
         "boiled egg|boiled eggs|hard-boiled egg|hard-boiled eggs|hard boiled egg|hard boiled eggs",
         "egg", "SR", 173424, "Egg, whole, cooked, hard-boiled",
         155, 12.58, 10.61, 1.12,
         portions="個=50|piece=50|egg=50", default_g=50)
    usda("egg_fried", "目玉焼き", "Fried egg",
         "目玉焼き|めだまやき|目玉焼|メダマヤキ|フライドエッグ",
         "fried egg|fried eggs|sunny side up|sunny-side-up egg",
         "egg", "SR", 173423, "Egg, whole, cooked, fried",
         196, 13.61, 14.84, 0.83,
         portions="個=46|piece=46|egg=46", default_g=46)
    # ------------------------------------------------------------------ fish
    mext("salmon_raw", "鮭（生）", "Chum salmon, raw",
         "鮭|さけ|サケ|しゃけ|シャケ|生鮭|しろさけ|白鮭|鮭切り身",
         "salmon|raw salmon|salmon fillet|salmon fillets|chum salmon",
         "fish", "10134", "＜魚類＞　（さけ・ます類）　しろさけ　生",
         124, 22.3, 4.1, 0.1,
         portions="切れ=80|slice=80|fillet=80|piece=80", default_g=80)
    usda("salmon_grilled", "焼き鮭", "Grilled salmon",
         "焼き鮭|やきざけ|やきじゃけ|焼鮭|焼きじゃけ|焼きさけ|焼きサーモン|鮭の塩焼き|焼き魚（鮭）",
         "grilled salmon|baked salmon|cooked salmon|broiled salmon",
         "fish", "SR", 175168, "Fish, salmon, Atlantic, farmed, cooked, dry heat",
         206, 22.1, 12.35, 0,
         portions="切れ=80|slice=80|fillet=80|piece=80", default_g=80)
    mext("mackerel_raw", "さば（生）", "Chub mackerel, raw",
         "鯖|さば|サバ|まさば|真鯖",
         "mackerel|mackerels|chub mackerel",
         "fish", "10154", "＜魚類＞　（さば類）　まさば　生",
         211, 20.6, 16.8, 0.3,
         portions="切れ=80|slice=80|fillet=80|piece=80", default_g=80)
    # ------------------------------------------------------------------ meat
    mext("chicken_thigh", "鶏もも肉（皮つき）", "Chicken thigh, with skin, raw",
         "鶏もも|鶏もも肉|とりもも|トリモモ|鶏モモ|鶏モモ肉|とりもも肉|鶏腿肉",
         "chicken thigh|chicken thighs|chicken leg meat",
         "meat", "11221", "＜鳥肉類＞　にわとり　［若どり・主品目］　もも　皮つき　生",
         190, 16.6, 14.2, 0,
         portions="枚=250|piece=100", default_g=100)
    mext("chicken_breast", "鶏むね肉（皮つき）", "Chicken breast, with skin, raw",
         "鶏むね|鶏むね肉|鶏胸肉|とりむね|トリムネ|鶏ムネ|鶏ムネ肉|とりむね肉",
         "chicken breast|chicken breasts",
         "meat", "11219", "＜鳥肉類＞　にわとり　［若どり・主品目］　むね　皮つき　生",
         133, 21.3, 5.9, 0.1,
         portions="枚=250|piece=120", default_g=100)
    mext("chicken_breast_skinless", "鶏むね肉（皮なし）", "Chicken breast, skinless, raw",
         "鶏むね皮なし|鶏むね肉皮なし|皮なし鶏むね|皮なし鶏むね肉|鶏胸肉皮なし",
         "skinless chicken breast|skinless chicken breasts|chicken breast without skin",
         "meat", "11220", "＜鳥肉類＞　にわとり　［若どり・主品目］　むね　皮なし　生",
         105, 23.3, 1.9, 0.1,
         portions="枚=220|piece=120", default_g=100)
    mext("pork_loin", "豚ロース（脂身つき）", "Pork loin, with fat, raw",
         "豚ロース|豚ロース肉|ぶたロース|ロース肉|豚ロース薄切り",
         "pork loin|pork loins|pork chop|pork chops",
         "meat", "11123", "＜畜肉類＞　ぶた　［大型種肉］　ロース　脂身つき　生",
         248, 19.3, 19.2, 0.2,
         portions="枚=30|slice=30|chop=150", default_g=100)
    mext("pork_belly", "豚バラ肉", "Pork belly, raw",
         "豚バラ|豚バラ肉|豚ばら|豚ばら肉|ぶたばら|豚三枚肉|三枚肉",
         "pork belly|pork bellies",
         "meat", "11129", "＜畜肉類＞　ぶた　［大型種肉］　ばら　脂身つき　生",
         366, 14.4, 35.4, 0.1,
         portions="枚=20|slice=20", default_g=100)
    mext("ham", "ロースハム", "Ham (loin ham)",
         "ハム|はむ|ロースハム|ろーすはむ",
         "ham|hams|ham slice|ham slices|sliced ham",
         "meat", "11176", "＜畜肉類＞　ぶた　［ハム類］　ロースハム　ロースハム",
         211, 18.6, 14.5, 2.0,
         portions="枚=10|slice=10", default_g=20)
    mext("bacon", "ベーコン", "Bacon",
         "ベーコン|べーこん|ばらベーコン",
         "bacon|bacon strip|bacon strips|bacon slice|bacon slices|rasher|rashers",
         "meat", "11183", "＜畜肉類＞　ぶた　［ベーコン類］　ばらベーコン　ばらベーコン",
         241, 15.4, 19.4, 3.2,
         portions="枚=18|slice=18|strip=18", default_g=18)
    mext("sausage", "ウインナーソーセージ", "Sausage (wiener)",
         "ウインナー|ウィンナー|ソーセージ|ウインナーソーセージ|ういんなー|そーせーじ",
         "sausage|sausages|wiener|wieners|frankfurter|frankfurters",
         "meat", "11186", "＜畜肉類＞　ぶた　［ソーセージ類］　ウインナーソーセージ　ウインナーソーセージ",
         319, 11.5, 30.6, 3.3,
         portions="本=20|piece=20|link=20", default_g=40)
    # ------------------------------------------------------------------ soy
    mext("tofu_momen", "木綿豆腐", "Firm tofu (momen)",
         "豆腐|とうふ|トウフ|木綿豆腐|もめんどうふ|もめん豆腐|木綿",
         "tofu|firm tofu|momen tofu",
         "soy", "04032", "だいず　［豆腐・油揚げ類］　木綿豆腐",
         73, 7.0, 4.9, 1.5,
         portions="丁=300|block=300|半丁=150", default_g=150)
    mext("tofu_kinu", "絹ごし豆腐", "Silken tofu (kinugoshi)",
         "絹ごし豆腐|絹豆腐|きぬごしどうふ|きぬごし豆腐|きぬ豆腐|絹ごし",
         "silken tofu|soft tofu|kinugoshi tofu",
         "soy", "04033", "だいず　［豆腐・油揚げ類］　絹ごし豆腐",
         56, 5.3, 3.5, 2.0,
         portions="丁=300|block=300|半丁=150", default_g=150)
    mext("natto", "納豆", "Natto",
         "納豆|なっとう|ナットウ|糸引き納豆|ひきわり納豆",
         "natto|fermented soybeans",
         "soy", "04046", "だいず　［納豆類］　糸引き納豆",
         184, 16.5, 10.0, 12.1,
         portions="パック=45|pack=45|個=45", default_g=45)
    # ------------------------------------------------------------------ vegetable
    mext("cabbage", "キャベツ", "Cabbage",
         "キャベツ|きゃべつ|千切りキャベツ|せん切りキャベツ|キャベツの千切り",
         "cabbage|shredded cabbage",
         "vegetable", "06061", "（キャベツ類）　キャベツ　結球葉　生",
         23, 1.2, 0.1, 5.2,
         portions="枚=50|leaf=50|皿=50", default_g=50)
    mext("onion", "玉ねぎ", "Onion",
         "玉ねぎ|たまねぎ|タマネギ|玉葱|オニオン",
         "onion|onions",
         "vegetable", "06153", "（たまねぎ類）　たまねぎ　りん茎　生",
         33, 1.0, 0.1, 8.4,
         portions="個=200|piece=200", default_g=50)
    mext("potato", "じゃがいも", "Potato",
         "じゃがいも|ジャガイモ|じゃが芋|馬鈴薯|ばれいしょ|ポテト",
         "potato|potatoes",
         "vegetable", "02017", "＜いも類＞　じゃがいも　塊茎　皮なし　生",
         59, 1.8, 0.1, 17.3,
         portions="個=135|piece=135", default_g=135)
    mext("carrot", "にんじん", "Carrot",
         "にんじん|人参|ニンジン",
         "carrot|carrots",
         "vegetable", "06212", "（にんじん類）　にんじん　根　皮つき　生",
         35, 0.7, 0.2, 9.3,
         portions="本=135|piece=135", default_g=50)
    mext("tomato", "トマト", "Tomato",
         "トマト|とまと|赤トマト",
         "tomato|tomatoes",
         "vegetable", "06182", "（トマト類）　赤色トマト　果実　生",
         20, 0.7, 0.1, 4.7,
         portions="個=150|piece=150", default_g=150)
    mext("lettuce", "レタス", "Lettuce",
         "レタス|れたす",
         "lettuce|lettuces|iceberg lettuce",
         "vegetable", "06312", "（レタス類）　レタス　土耕栽培　結球葉　生",
         11, 0.6, 0.1, 2.8,
         portions="枚=30|leaf=30", default_g=30)
    mext("cucumber", "きゅうり", "Cucumber",
         "きゅうり|キュウリ|胡瓜",
         "cucumber|cucumbers",
         "vegetable", "06065", "きゅうり　果実　生",
         13, 1.0, 0.1, 3.0,
         portions="本=100|piece=100", default_g=100)
    # ------------------------------------------------------------------ dairy
    mext("milk", "牛乳", "Milk (whole)",
         "牛乳|ぎゅうにゅう|ミルク|みるく|普通牛乳",
         "milk|whole milk|glass of milk|cow's milk",
         "dairy", "13003", "＜牛乳及び乳製品＞　（液状乳類）　普通牛乳",
         61, 3.3, 3.8, 4.8,
         portions="杯=206|glass=206|cup=206|本=206|パック=206",
         default_g=206, density=1.03)
    mext("yogurt_plain", "ヨーグルト（無糖）", "Plain yogurt",
         "ヨーグルト|よーぐると|プレーンヨーグルト|無糖ヨーグルト|ヨーグルト無糖",
         "yogurt|yoghurt|plain yogurt|plain yoghurt|yogurts",
         "dairy", "13025", "＜牛乳及び乳製品＞　（発酵乳・乳酸菌飲料）　ヨーグルト　全脂無糖",
         56, 3.6, 3.0, 4.9,
         portions="個=100|cup=100|カップ=100", default_g=100)
    # ------------------------------------------------------------------ fat / condiment
    mext("butter", "バター", "Butter",
         "バター|ばたー|有塩バター",
         "butter|salted butter",
         "fat", "14017", "（バター類）　無発酵バター　有塩バター",
         700, 0.6, 81.0, 0.2,
         portions="大さじ=12|小さじ=4|tbsp=14|tsp=5|pat=5|個=8", default_g=8)
    mext("olive_oil", "オリーブオイル", "Olive oil",
         "オリーブオイル|オリーブ油|おりーぶおいる|エキストラバージンオリーブオイル",
         "olive oil|extra virgin olive oil|evoo",
         "fat", "14001", "（植物油脂類）　オリーブ油",
         894, 0, 100.0, 0,
         portions="大さじ=12|小さじ=4|tbsp=13.5|tsp=4.5", default_g=12, density=0.91)
    mext("vegetable_oil", "サラダ油", "Vegetable oil",
         "サラダ油|さらだ油|植物油|調合油|サラダオイル",
         "vegetable oil|salad oil|cooking oil",
         "fat", "14006", "（植物油脂類）　調合油",
         886, 0, 100.0, 0,
         portions="大さじ=12|小さじ=4|tbsp=13.5|tsp=4.5", default_g=12, density=0.91)
    mext("mayonnaise", "マヨネーズ", "Mayonnaise",
         "マヨネーズ|まよねーず|マヨ",
         "mayonnaise|mayo",
         "condiment", "17042", "＜調味料類＞　（ドレッシング類）　半固体状ドレッシング　マヨネーズ　全卵型",
         668, 1.4, 76.0, 3.6,
         portions="大さじ=12|小さじ=4|tbsp=14|tsp=5", default_g=12)
    mext("soy_sauce", "しょうゆ", "Soy sauce",
         "醤油|しょうゆ|ショウユ|しょう油|濃口醤油|こいくちしょうゆ|こいくち醤油",
         "soy sauce|shoyu",
         "condiment", "17007", "＜調味料類＞　（しょうゆ類）　こいくちしょうゆ",
         76, 7.7, 0, 7.9,
         portions="大さじ=18|小さじ=6|tbsp=18|tsp=6", default_g=6, density=1.2)
    mext("sugar", "砂糖", "Sugar",
         "砂糖|さとう|サトウ|上白糖|シュガー",
         "sugar|white sugar|sugars",
         "condiment", "03003", "（砂糖類）　車糖　上白糖",
         391, 0, 0, 99.3,
         portions="大さじ=9|小さじ=3|tbsp=12.5|tsp=4.2|個=4|cube=4", default_g=3)
    mext("miso", "味噌", "Miso",
         "味噌|みそ|ミソ|米みそ|淡色辛みそ|合わせ味噌|信州味噌",
         "miso|miso paste",
         "condiment", "17045", "＜調味料類＞　（みそ類）　米みそ　淡色辛みそ",
         182, 12.5, 6.0, 21.9,
         portions="大さじ=18|小さじ=6|tbsp=18|tsp=6", default_g=18)
    mext("dashi", "だし汁", "Dashi (bonito and kelp stock)",
         "だし|出汁|だし汁|かつおだし|かつお昆布だし|合わせだし",
         "dashi|dashi stock|japanese soup stock",
         "condiment", "17021", "＜調味料類＞　（だし類）　かつお・昆布だし　荒節・昆布だし",
         2, 0.3, 0, 0.3,
         portions="杯=150|cup=200", default_g=150, density=1.0)
    mext("wakame_dried", "カットわかめ（乾）", "Dried wakame",
         "乾燥わかめ|カットわかめ|ほしわかめ|干しわかめ|わかめ|ワカメ",
         "dried wakame|wakame|cut wakame",
         "vegetable", "09044", "わかめ　カットわかめ　乾",
         186, 17.9, 4.0, 42.1,
         portions="大さじ=3|小さじ=1", default_g=1)
    # ------------------------------------------------------------------ drinks
    usda("water", "水", "Water",
         "水|みず|お水|おみず|ミネラルウォーター|お冷|おひや|白湯|さゆ",
         "water|glass of water|mineral water|tap water|still water",
         "drink", "SR", 173647, "Beverages, water, tap, drinking",
         0, 0, 0, 0,
         portions="杯=200|glass=200|cup=240|本=500|bottle=500",
         default_g=200, density=1.0, zero=True)
    usda("coffee_black", "コーヒー（ブラック）", "Black coffee",
         "コーヒー|こーひー|ブラックコーヒー|珈琲|ホットコーヒー|アイスコーヒー|ブラック",
         "coffee|black coffee|coffees|black coffees|brewed coffee|americano",
         "drink", "SR", 171890, "Beverages, coffee, brewed, prepared with tap water",
         1, 0.12, 0.02, 0,
         portions="杯=150|cup=240|mug=300|glass=200", default_g=150, density=1.0, zero=True)
    usda("green_tea", "緑茶", "Green tea",
         "緑茶|りょくちゃ|お茶|おちゃ|煎茶|せん茶|日本茶|緑茶（無糖）",
         "green tea|japanese tea|sencha",
         "drink", "SR", 171917, "Beverages, tea, green, brewed, regular",
         1, 0.22, 0, 0,
         portions="杯=100|湯のみ=100|cup=240|本=500|bottle=500|glass=200",
         default_g=150, density=1.0, zero=True)
    usda("black_tea", "紅茶（無糖）", "Black tea",
         "紅茶|こうちゃ|ストレートティー|ホットティー",
         "black tea|tea|cup of tea|english tea|hot tea",
         "drink", "SR", 173227, "Beverages, tea, black, brewed, prepared with tap water",
         1, 0, 0, 0.3,
         portions="杯=150|cup=240|mug=300|glass=200", default_g=150, density=1.0, zero=True)
    usda("cola", "コーラ", "Cola",
         "コーラ|こーら|コカコーラ|コカ・コーラ|ペプシ|炭酸飲料",
         "cola|colas|coke|cokes|soda|sodas|soft drink|soft drinks|pepsi",
         "drink", "SR", 174852, "Beverages, carbonated, cola, regular",
         42, 0, 0.25, 10.36,
         portions="缶=363|can=368|本=519|bottle=519|杯=208|glass=208|cup=249",
         default_g=363, density=1.038)
    usda("orange_juice", "オレンジジュース", "Orange juice",
         "オレンジジュース|おれんじじゅーす|オレンジ果汁|オレンジジュース100%",
         "orange juice|oj|orange juices",
         "drink", "SR", 169098, "Orange juice, raw (Includes foods for USDA's Food Distribution Program)",
         45, 0.7, 0.2, 10.4,
         portions="杯=210|glass=210|cup=248|本=210", default_g=210, density=1.048)
    # ------------------------------------------------------------------ fast food / western
    usda("french_fries", "フライドポテト", "French fries",
         "フライドポテト|ふらいどぽてと|ポテトフライ|フレンチフライ|マックポテト",
         "french fries|fries|french fry|chips|potato fries",
         "snack", "SR", 170698, "Fast foods, potato, french fried in vegetable oil",
         312, 3.43, 14.73, 41.44,
         portions="個=117|serving=117|S=74|M=117|L=154|人前=117", default_g=117)
    usda("hamburger", "ハンバーガー", "Hamburger",
         "ハンバーガー|はんばーがー|バーガー",
         "hamburger|hamburgers|burger|burgers",
         "dish", "SR", 170693, "Fast foods, hamburger; single, regular patty; plain",
         297, 16.52, 12.01, 31.5,
         portions="個=110|piece=110", default_g=110)
    # ------------------------------------------------------------------ composed dishes
    composed("miso_soup", "味噌汁", "Miso soup",
             "味噌汁|みそ汁|みそしる|ミソシル|お味噌汁|おみそ汁|豆腐とわかめの味噌汁",
             "miso soup|miso soups|bowl of miso soup",
             "soup",
             [("dashi", 150), ("miso", 12), ("tofu_momen", 20), ("wakame_dried", 1)],
             "Recipe (assumption): dashi 150 g, miso 12 g, firm tofu 20 g, dried wakame 1 g per bowl",
             portions="杯=183|椀=183|bowl=183|人前=183")
    define_batch1_dishes(mext, usda, composed)


def define_batch1_dishes(mext, usda, composed):
    mext("potato_starch", "片栗粉", "Potato starch (katakuriko)",
         "片栗粉|かたくり粉|かたくりこ|じゃがいもでん粉",
         "potato starch|katakuriko",
         "condiment", "02034", "＜でん粉・でん粉製品＞　（でん粉類）　じゃがいもでん粉",
         338, 0.1, 0.1, 81.6,
         portions="大さじ=9|小さじ=3|tbsp=9|tsp=3", default_g=9)
    mext("curry_roux", "カレールウ", "Curry roux",
         "カレールウ|カレールー|かれーるう|カレーのルー",
         "curry roux|curry block|curry blocks",
         "condiment", "17051", "＜調味料類＞　（ルウ類）　カレールウ",
         474, 6.5, 34.1, 44.7,
         portions="かけ=20|皿分=20|piece=20", default_g=20)
    composed("karaage", "唐揚げ", "Karaage (Japanese fried chicken)",
             "唐揚げ|からあげ|から揚げ|カラアゲ|鶏の唐揚げ|鶏唐揚げ|鶏のから揚げ|とりから|ザンギ",
             "karaage|japanese fried chicken|fried chicken|chicken karaage",
             "dish",
             [("chicken_thigh", 100), ("potato_starch", 8), ("soy_sauce", 6), ("vegetable_oil", 8)],
             "Recipe (assumption): raw chicken thigh 100 g, potato starch 8 g, soy sauce 6 g, frying oil absorbed 8 g; weights as raw ingredients (no cooking loss)",
             portions="個=30|piece=30|皿=150|人前=150|plate=150", default_g=150)
    composed("curry_rice", "カレーライス", "Japanese curry rice",
             "カレーライス|かれーらいす|カレー|ライスカレー|ポークカレー|カレーライス並",
             "curry rice|curry|japanese curry|curry and rice|curry with rice",
             "dish",
             [("rice_cooked", 200), ("pork_loin", 40), ("onion", 50), ("potato", 40),
              ("carrot", 20), ("curry_roux", 20), ("vegetable_oil", 4), ("water", 100)],
             "Recipe (assumption): rice 200 g, pork loin 40 g, onion 50 g, potato 40 g, carrot 20 g, curry roux 20 g, oil 4 g, water 100 g per plate",
             portions="皿=474|杯=474|人前=474|plate=474|serving=474|bowl=474")
    composed("karaage_teishoku", "唐揚げ定食", "Karaage set meal",
             "唐揚げ定食|からあげ定食|から揚げ定食|カラアゲ定食|鶏の唐揚げ定食|唐揚げセット",
             "karaage set meal|karaage set|fried chicken set meal|karaage teishoku",
             "set_meal",
             [("rice_cooked", 150), ("karaage", 150), ("cabbage", 50), ("miso_soup", 183)],
             "Set meal (assumption): rice 150 g, karaage 150 g, shredded cabbage 50 g, miso soup 183 g",
             portions="人前=533|食=533|セット=533|set=533|serving=533", set_meal=True)
