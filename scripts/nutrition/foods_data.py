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
         portions="杯=150|膳=150|茶碗=150|bowl=150|cup=160|皿=200|plate=200|人前=150|合=330",
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
         "white bread|bread|toast|toasts|sandwich bread|shokupan",
         "bread", "01026", "こむぎ　［パン類］　角形食パン　食パン",
         248, 8.9, 4.1, 46.4,
         portions="枚=60|slice=60|slice@en=28|斤=360|loaf=360", default_g=60)
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
         portions="切れ=80|slice=80|fillet=80|piece=80|serving@en=150|fillet@en=150", default_g=80)
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
         portions="枚=250|piece=120|serving@en=170", default_g=100)
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
         "じゃがいも|ジャガイモ|じゃが芋|馬鈴薯|ばれいしょ",
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
         portions="個=100|cup=100|カップ=100|serving@en=170|container@en=170", default_g=100)
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
         "condiment", "17042", "＜調味料類＞　（ドレッシング類）　半固形状ドレッシング　マヨネーズ　全卵型",
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
         portions="缶=363|can=370|本=519|bottle=519|杯=208|glass=208|cup=249",
         default_g=363, density=1.038)
    usda("orange_juice", "オレンジジュース", "Orange juice",
         "オレンジジュース|おれんじじゅーす|オレンジ果汁|オレンジジュース100%",
         "orange juice|oj|orange juices",
         "drink", "SR", 169098, "Orange juice, raw (Includes foods for USDA's Food Distribution Program)",
         45, 0.7, 0.2, 10.4,
         portions="杯=210|glass=210|cup=248|本=210|serving@en=248", default_g=210, density=1.048)
    # ------------------------------------------------------------------ fast food / western
    usda("french_fries", "フライドポテト", "French fries",
         "フライドポテト|ふらいどぽてと|ポテトフライ|フレンチフライ|ポテト",
         "french fries|fries|french fry|potato fries",
         "snack", "SR", 170698, "Fast foods, potato, french fried in vegetable oil",
         312, 3.43, 14.73, 41.44,
         portions="個=117|serving=117|S=74|M=117|L=154|人前=117", default_g=117)
    usda("hamburger", "ハンバーガー", "Hamburger",
         "ハンバーガー|はんばーがー|バーガー",
         "hamburger|hamburgers|burger|burgers",
         "dish", "SR", 170693, "Fast foods, hamburger; single, regular patty; plain",
         297, 16.52, 12.01, 31.5,
         portions="個=78|piece=78|sandwich=78", default_g=78)
    # ------------------------------------------------------------------ composed dishes
    composed("miso_soup", "味噌汁", "Miso soup",
             "味噌汁|みそ汁|みそしる|ミソシル|お味噌汁|おみそ汁|豆腐とわかめの味噌汁",
             "miso soup|miso soups|bowl of miso soup",
             "soup",
             [("dashi", 150), ("miso", 12), ("tofu_momen", 20), ("wakame_dried", 1)],
             "Recipe (assumption): dashi 150 g, miso 12 g, firm tofu 20 g, dried wakame 1 g per bowl",
             portions="杯=183|椀=183|bowl=183|人前=183")
    define_batch1_dishes(mext, usda, composed)
    define_batch2(mext, usda, composed)
    define_batch3_dishes(mext, usda, composed)
    define_batch4_everyday(mext, usda, composed)
    define_batch5_everyday(mext, usda, composed)


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
             "karaage|japanese fried chicken|~fried chicken|chicken karaage",
             "dish",
             [("chicken_thigh", 100), ("potato_starch", 8), ("soy_sauce", 6), ("vegetable_oil", 8)],
             "Recipe (assumption): raw chicken thigh 100 g, potato starch 8 g, soy sauce 6 g, frying oil absorbed 8 g; weights as raw ingredients (no cooking loss)",
             portions="個=30|piece=30|皿=150|人前=150|plate=150", default_g=150)
    composed("curry_rice", "カレーライス", "Japanese curry rice",
             "カレーライス|かれーらいす|~カレー|ライスカレー|ポークカレー|カレーライス並",
             "curry rice|~curry|japanese curry|curry and rice|curry with rice",
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


def define_batch2(mext, usda, composed):
    M, U = mext, usda
    # ---------------- grain / bread / noodle (MEXT)
    M("oatmeal", "オートミール", "Oatmeal (rolled oats, dry)", "オートミール|おーとみーる|オーツ|オーツ麦",
      "oatmeal|oats|rolled oats|porridge oats", "grain", "01004", "えんばく　オートミール",
      350, 13.7, 5.7, 69.1, portions="大さじ=6|cup=80|カップ=80|杯=30|serving@en=40", default_g=30)
    M("cornflakes", "コーンフレーク", "Corn flakes", "コーンフレーク|こーんふれーく|~シリアル",
      "corn flakes|cornflakes|~cereal|~breakfast cereal", "grain", "01137", "とうもろこし　コーンフレーク",
      380, 7.8, 1.7, 83.6, portions="杯=40|bowl=40|cup=25", default_g=40)
    M("pasta_boiled", "パスタ（ゆで）", "Spaghetti, boiled", "~パスタ|スパゲッティ|スパゲティ|スパゲッティー|ゆでパスタ|マカロニ",
      "~pasta|spaghetti|macaroni|boiled pasta|cooked pasta|~noodles", "noodle", "01064",
      "こむぎ　［マカロニ・スパゲッティ類］　マカロニ・スパゲッティ　ゆで",
      150, 5.8, 0.9, 32.2, portions="人前=240|皿=240|plate=240|cup=140|serving=240", default_g=240)
    M("pasta_dry", "パスタ（乾）", "Spaghetti, dry", "乾燥パスタ|パスタ乾麺|スパゲッティ乾麺|乾麺パスタ",
      "dry pasta|dry spaghetti|uncooked pasta", "noodle", "01063",
      "こむぎ　［マカロニ・スパゲッティ類］　マカロニ・スパゲッティ　乾",
      347, 12.9, 1.8, 73.1, portions="人前=100|束=100", default_g=100)
    M("somen_boiled", "そうめん（ゆで）", "Somen noodles, boiled", "そうめん|素麺|ソーメン|ひやむぎ|冷や麦",
      "somen|somen noodles|hiyamugi", "noodle", "01044", "こむぎ　［うどん・そうめん類］　そうめん・ひやむぎ　ゆで",
      114, 3.5, 0.4, 25.8, portions="束=135|人前=270", default_g=270)
    M("chuka_men_raw", "中華めん（生）", "Chinese noodles, raw", "中華麺|中華めん|生中華麺|ラーメンの麺|ラーメン麺",
      "ramen noodles|chinese noodles|fresh ramen noodles", "noodle", "01047", "こむぎ　［中華めん類］　中華めん　生",
      249, 8.6, 1.2, 55.7, portions="玉=120|人前=120", default_g=120)
    M("mushi_chuka_men", "蒸し中華めん", "Steamed Chinese noodles", "蒸し中華めん|蒸し中華麺|焼きそば麺|蒸し麺",
      "steamed noodles|yakisoba noodles", "noodle", "01049", "こむぎ　［中華めん類］　蒸し中華めん　蒸し中華めん",
      162, 4.9, 1.7, 35.6, portions="玉=150|袋=150", default_g=150)
    M("gyoza_skin", "ぎょうざの皮", "Gyoza wrappers", "餃子の皮|ぎょうざの皮|ギョーザの皮",
      "gyoza wrapper|gyoza wrappers|dumpling wrappers", "grain", "01074", "こむぎ　［その他］　ぎょうざの皮　生",
      275, 9.3, 1.4, 57.0, portions="枚=6|piece=6", default_g=6)
    M("flour", "小麦粉（薄力粉）", "Wheat flour (soft)", "小麦粉|薄力粉|はくりきこ|メリケン粉",
      "flour|wheat flour|all-purpose flour|cake flour", "grain", "01015", "こむぎ　［小麦粉］　薄力粉　1等",
      349, 8.3, 1.5, 75.8, portions="大さじ=9|小さじ=3|cup=110|カップ=110", default_g=9)
    M("panko", "パン粉", "Bread crumbs (panko)", "パン粉|ぱんこ|パンコ",
      "panko|bread crumbs|breadcrumbs", "grain", "01079", "こむぎ　［その他］　パン粉　乾燥",
      349, 14.9, 4.1, 67.4, portions="大さじ=3|cup=40|カップ=40", default_g=10)
    M("harusame", "春雨（乾）", "Glass noodles, dry", "春雨|はるさめ|ハルサメ",
      "glass noodles|cellophane noodles|harusame", "noodle", "02040", "＜でん粉・でん粉製品＞　（でん粉製品）　はるさめ　普通はるさめ　乾",
      346, 0, 0.2, 86.6, portions="袋=100|人前=20", default_g=20)
    # ---------------- USDA grains / bread
    U("brown_rice", "玄米ご飯", "Brown rice, cooked", "玄米|げんまい|ゲンマイ|玄米ご飯|玄米ごはん",
      "brown rice|cooked brown rice", "grain", "SR", 169704,
      "Rice, brown, long-grain, cooked (Includes foods for USDA's Food Distribution Program)",
      123, 2.74, 0.97, 25.58, portions="杯=150|膳=150|bowl=150|cup=195", default_g=150)
    U("whole_wheat_bread", "全粒粉パン", "Whole-wheat bread", "全粒粉パン|全粒粉食パン|ブラウンブレッド",
      "whole wheat bread|whole-wheat bread|wholemeal bread|brown bread", "bread", "SR", 172688,
      "Bread, whole-wheat, commercially prepared", 252, 12.45, 3.5, 42.71,
      portions="枚=32|slice=32", default_g=32)
    U("pita", "ピタパン", "Pita bread", "ピタパン|ピタ|ぴたぱん", "pita|pitas|pita bread",
      "bread", "SR", 174915, "Bread, pita, white, enriched", 275, 9.1, 1.2, 55.7,
      portions="枚=60|piece=60", default_g=60)
    # ---------------- meat (MEXT)
    M("chicken_thigh_skinless", "鶏もも肉（皮なし）", "Chicken thigh, skinless, raw",
      "鶏もも皮なし|鶏もも肉皮なし|皮なし鶏もも|皮なし鶏もも肉", "skinless chicken thigh|skinless chicken thighs",
      "meat", "11224", "＜鳥肉類＞　にわとり　［若どり・主品目］　もも　皮なし　生",
      113, 19.0, 5.0, 0, portions="枚=200|piece=100", default_g=100)
    M("chicken_sasami", "鶏ささみ", "Chicken tenderloin (sasami)", "ささみ|ササミ|鶏ささみ|ささ身|とりささみ",
      "chicken tenderloin|chicken tenderloins|chicken tender|chicken tenders|sasami",
      "meat", "11227", "＜鳥肉類＞　にわとり　［若どり・副品目］　ささみ　生",
      98, 23.9, 0.8, 0.1, portions="本=45|piece=45", default_g=90)
    M("chicken_ground", "鶏ひき肉", "Ground chicken", "鶏ひき肉|鶏ミンチ|とりひき肉|鶏挽き肉",
      "ground chicken|minced chicken", "meat", "11230", "＜鳥肉類＞　にわとり　［二次品目］　ひき肉　生",
      171, 17.5, 12.0, 0, portions="パック=200", default_g=100)
    M("chicken_wing", "手羽先", "Chicken wing tip section (tebasaki)", "手羽先|てばさき|手羽|チキンウィング",
      "chicken wing|chicken wings|wings|wing", "meat", "11285", "＜鳥肉類＞　にわとり　［若どり・主品目］　手羽さき　皮つき　生",
      207, 17.4, 16.2, 0, portions="本=35|piece=35|serving@en=210", default_g=105)
    M("chicken_drumette", "手羽元", "Chicken drumette (tebamoto)", "手羽元|てばもと",
      "chicken drumette|chicken drumettes|drumette|drumettes", "meat", "11286", "＜鳥肉類＞　にわとり　［若どり・主品目］　手羽もと　皮つき　生",
      175, 18.2, 12.8, 0, portions="本=40|piece=40", default_g=120)
    M("pork_ground", "豚ひき肉", "Ground pork", "豚ひき肉|豚ミンチ|ぶたひき肉|豚挽き肉|ひき肉|挽き肉|ミンチ",
      "ground pork|minced pork|pork mince", "meat", "11163", "＜畜肉類＞　ぶた　［ひき肉］　生",
      209, 17.7, 17.2, 0.1, portions="パック=200", default_g=100)
    M("pork_loin_lean", "豚ロース（赤肉）", "Pork loin, lean, raw", "豚ロース赤身|豚ロース脂身なし|豚ロース赤肉",
      "lean pork loin|pork loin lean", "meat", "11127", "＜畜肉類＞　ぶた　［大型種肉］　ロース　赤肉　生",
      140, 22.7, 5.6, 0.3, portions="枚=30|slice=30", default_g=100)
    M("pork_tenderloin", "豚ヒレ", "Pork tenderloin", "豚ヒレ|豚ヒレ肉|豚フィレ|ヒレ肉|豚ひれ",
      "pork tenderloin|pork fillet", "meat", "11140", "＜畜肉類＞　ぶた　［大型種肉］　ヒレ　赤肉　生",
      118, 22.2, 3.7, 0.3, portions="枚=30|piece=30", default_g=100)
    M("pork_shoulder", "豚こま切れ肉（かた）", "Pork shoulder / komagire", "豚こま|豚こま切れ|豚こま切れ肉|豚小間|豚切り落とし|豚肩|豚かた|豚肉|ぶた肉|ポーク",
      "pork|pork shoulder|sliced pork", "meat", "11115", "＜畜肉類＞　ぶた　［大型種肉］　かた　脂身つき　生",
      201, 18.5, 14.6, 0.2, portions="パック=200", default_g=100)
    M("beef_shoulder", "牛こま切れ肉（かた）", "Beef shoulder / komagire", "牛こま|牛こま切れ|牛こま切れ肉|牛切り落とし|牛薄切り肉|牛肩|牛肉|ぎゅうにく|ビーフ",
      "beef|sliced beef|beef shoulder", "meat", "11030", "＜畜肉類＞　うし　［乳用肥育牛肉］　かた　脂身つき　生",
      231, 17.1, 19.8, 0.3, portions="パック=200", default_g=100)
    M("beef_belly", "牛バラ肉", "Beef short plate (belly)", "牛バラ|牛バラ肉|牛ばら|牛ばら肉|カルビ",
      "beef belly|short plate|short rib meat|kalbi", "meat", "11046", "＜畜肉類＞　うし　［乳用肥育牛肉］　ばら　脂身つき　生",
      381, 12.8, 39.4, 0.3, portions="枚=20|slice=20", default_g=100)
    M("beef_ground", "牛ひき肉", "Ground beef (raw)", "牛ひき肉|牛ミンチ|牛挽き肉",
      "ground beef|minced beef|beef mince|raw ground beef", "meat", "11089", "＜畜肉類＞　うし　［ひき肉］　生",
      251, 17.1, 21.1, 0.3, portions="パック=200", default_g=100)
    M("roast_beef", "ローストビーフ", "Roast beef", "ローストビーフ|ろーすとびーふ",
      "roast beef", "meat", "11104", "＜畜肉類＞　うし　［加工品］　ローストビーフ",
      190, 21.7, 11.7, 0.9, portions="枚=15|slice=15", default_g=60)
    # ---------------- meat (USDA cooked)
    U("chicken_breast_roasted", "鶏むね肉（焼き・皮なし）", "Chicken breast, roasted", "焼き鶏むね|グリルチキン|鶏むね焼き",
      "grilled chicken|grilled chicken breast|roasted chicken breast|chicken breast cooked|chicken|plain chicken|cooked chicken",
      "meat", "SR", 171477, "Chicken, broilers or fryers, breast, meat only, cooked, roasted",
      165, 31.02, 3.57, 0, portions="枚=120|piece=120", default_g=120)
    U("ground_beef_cooked", "牛ひき肉（加熱）", "Ground beef, 80% lean, cooked", "牛ひき肉炒め|そぼろ",
      "cooked ground beef|browned ground beef|beef crumbles", "meat", "SR", 171799,
      "Beef, ground, 80% lean meat / 20% fat, crumbles, cooked, pan-browned", 272, 27.0, 17.36, 0,
      portions="cup=125", default_g=100)
    U("beef_steak", "ビーフステーキ", "Beef sirloin steak, broiled", "ステーキ|ビーフステーキ|牛ステーキ|サーロインステーキ",
      "steak|steaks|beef steak|sirloin steak", "meat", "SR", 168729,
      "Beef, top sirloin, steak, separable lean and fat, trimmed to 1/8\" fat, choice, cooked, broiled",
      257, 26.8, 15.75, 0, portions="枚=150|piece=150|serving@en=227", default_g=150)
    U("turkey_breast", "七面鳥むね肉（焼き）", "Turkey breast, roasted", "七面鳥|ターキー|ターキーブレスト",
      "turkey|turkey breast|roast turkey", "meat", "SR", 171496, "Turkey, whole, breast, meat only, cooked, roasted",
      147, 30.13, 2.08, 0, portions="枚=28|slice=28", default_g=100)
    # ---------------- fish (MEXT)
    M("cod", "たら（生）", "Pacific cod, raw", "たら|タラ|鱈|まだら|生だら", "cod|pacific cod",
      "fish", "10205", "＜魚類＞　（たら類）　まだら　生", 72, 17.6, 0.2, 0.1,
      portions="切れ=80|fillet=80|piece=80", default_g=80)
    M("sawara", "さわら（生）", "Spanish mackerel, raw", "さわら|サワラ|鰆", "spanish mackerel|sawara",
      "fish", "10171", "＜魚類＞　さわら　生", 161, 20.1, 9.7, 0.1,
      portions="切れ=80|fillet=80|piece=80", default_g=80)
    M("yellowtail", "ぶり（生）", "Yellowtail, raw", "ぶり|ブリ|鰤|はまち|ハマチ", "yellowtail|amberjack|buri|hamachi",
      "fish", "10241", "＜魚類＞　ぶり　成魚　生", 222, 21.4, 17.6, 0.3,
      portions="切れ=80|fillet=80|piece=80", default_g=80)
    M("saury", "さんま（生）", "Pacific saury, raw", "さんま|サンマ|秋刀魚", "pacific saury|saury|sanma",
      "fish", "10173", "＜魚類＞　さんま　皮つき　生", 287, 18.1, 25.6, 0.1,
      portions="尾=100|piece=100", default_g=100)
    M("shrimp", "えび（バナメイえび）", "Shrimp (whiteleg), raw", "えび|エビ|海老|むきえび|バナメイえび|芝えび",
      "shrimp|shrimps|prawn|prawns", "fish", "10415", "＜えび・かに類＞　（えび類）　バナメイえび　養殖　生",
      82, 19.6, 0.6, 0.7, portions="尾=10|piece=10", default_g=60)
    M("squid", "いか（するめいか）", "Squid, raw", "いか|イカ|烏賊|するめいか", "squid|calamari",
      "fish", "10345", "＜いか・たこ類＞　（いか類）　するめいか　生", 76, 17.9, 0.8, 0.1,
      portions="杯=210", default_g=80)
    M("clam", "あさり", "Short-neck clam (shucked)", "あさり|アサリ|浅蜊", "clam|clams|short-neck clam",
      "fish", "10281", "＜貝類＞　あさり　生", 29, 5.7, 0.7, 0.4, default_g=30)
    M("scallop", "ほたて貝柱", "Scallop adductor", "ほたて|ホタテ|帆立|ほたて貝柱|貝柱", "scallop|scallops",
      "fish", "10313", "＜貝類＞　ほたてがい　貝柱　生", 82, 16.9, 0.3, 3.5,
      portions="個=30|piece=30", default_g=60)
    M("mackerel_canned", "さば缶（水煮）", "Canned mackerel in water", "さば缶|サバ缶|鯖缶|さばの水煮缶|サバ水煮缶",
      "canned mackerel|mackerel in water", "fish", "10164", "＜魚類＞　（さば類）　缶詰　水煮",
      174, 20.9, 10.7, 0.2, portions="缶=190|can=190", default_g=190)
    M("tuna_canned_oil", "ツナ缶（油漬）", "Canned tuna in oil", "ツナ|ツナ缶|シーチキン|つな",
      "canned tuna|tuna in oil|tuna", "fish", "10263", "＜魚類＞　（まぐろ類）　缶詰　油漬　フレーク　ライト",
      265, 17.7, 21.7, 0.1, portions="缶=70|can=70", default_g=70)
    M("tuna_canned_water", "ツナ缶（水煮）", "Canned tuna in water", "ツナ水煮|ツナ水煮缶|ノンオイルツナ",
      "tuna in water|water-packed tuna|light tuna in water", "fish", "10260", "＜魚類＞　（まぐろ類）　缶詰　水煮　フレーク　ライト",
      70, 16.0, 0.7, 0.2, portions="缶=70|can=70", default_g=70)
    M("shirasu", "しらす干し", "Dried whitebait (shirasu)", "しらす|シラス|しらす干し", "shirasu|whitebait",
      "fish", "10055", "＜魚類＞　（いわし類）　しらす干し　微乾燥品", 113, 24.5, 2.1, 0.1,
      portions="大さじ=5|tbsp=5", default_g=10)
    M("eel_kabayaki", "うなぎ蒲焼", "Grilled eel (kabayaki)", "うなぎ|ウナギ|鰻|うなぎの蒲焼|うなぎ蒲焼き|蒲焼",
      "eel|grilled eel|unagi|kabayaki", "fish", "10070", "＜魚類＞　うなぎ　かば焼",
      285, 23.0, 21.0, 3.1, portions="串=100|尾=160|piece=100", default_g=100)
    M("kamaboko", "かまぼこ", "Kamaboko fish cake", "かまぼこ|カマボコ|蒲鉾", "kamaboko|fish cake|fish cakes",
      "fish", "10379", "＜水産練り製品＞　蒸しかまぼこ", 93, 12.0, 0.9, 9.7,
      portions="本=100|切れ=10|slice=10", default_g=30)
    M("chikuwa", "ちくわ", "Chikuwa (grilled fish tube)", "ちくわ|チクワ|竹輪", "chikuwa",
      "fish", "10381", "＜水産練り製品＞　焼き竹輪", 107, 13.2, 0.4, 13.3,
      portions="本=30|piece=30", default_g=30)
    # ---------------- USDA fish
    U("sardines_canned", "いわし缶（油漬）", "Sardines canned in oil", "オイルサーディン|いわし缶|イワシ缶",
      "sardine|sardines|canned sardines", "fish", "SR", 175139,
      "Fish, sardine, Atlantic, canned in oil, drained solids with bone", 208, 24.62, 11.45, 0,
      portions="缶=90|can=90", default_g=90)
    # ---------------- soy / egg / dairy
    M("aburaage", "油揚げ", "Fried tofu pouch (aburaage)", "油揚げ|あぶらあげ|薄揚げ|うすあげ|おあげ",
      "aburaage|fried tofu pouch|deep-fried tofu", "soy", "04040", "だいず　［豆腐・油揚げ類］　油揚げ　生",
      377, 23.4, 34.4, 0.4, portions="枚=20|piece=20", default_g=20)
    M("atsuage", "厚揚げ", "Thick fried tofu (atsuage)", "厚揚げ|あつあげ|生揚げ|なまあげ", "atsuage|thick fried tofu",
      "soy", "04039", "だいず　［豆腐・油揚げ類］　生揚げ", 143, 10.7, 11.3, 0.9,
      portions="枚=150|piece=150", default_g=150)
    M("koya_tofu", "高野豆腐（乾）", "Freeze-dried tofu (koya-dofu)", "高野豆腐|こうやどうふ|凍り豆腐",
      "koya tofu|freeze-dried tofu", "soy", "04042", "だいず　［豆腐・油揚げ類］　凍り豆腐　乾",
      496, 50.5, 34.1, 4.2, portions="枚=17|piece=17", default_g=17)
    M("edamame", "枝豆", "Edamame", "枝豆|えだまめ|エダマメ", "edamame|green soybeans",
      "vegetable", "06015", "えだまめ　生", 125, 11.7, 6.2, 8.8,
      portions="皿=50|袋=100|serving=50", default_g=50)
    M("cream", "生クリーム", "Fresh cream", "生クリーム|なまクリーム|クリーム|ホイップクリーム",
      "cream|heavy cream|whipping cream|fresh cream", "dairy", "13014", "＜牛乳及び乳製品＞　（クリーム類）　クリーム　乳脂肪",
      404, 1.9, 43.0, 6.5, portions="大さじ=15|tbsp=15|cup=200", default_g=15, density=1.0)
    M("cheese_processed", "プロセスチーズ", "Processed cheese", "チーズ|ちーず|プロセスチーズ|スライスチーズ|6Pチーズ",
      "cheese slice|cheese slices|processed cheese|american cheese|sliced cheese",
      "dairy", "13040", "＜牛乳及び乳製品＞　（チーズ類）　プロセスチーズ", 313, 22.7, 26.0, 1.3,
      portions="枚=18|slice=18|個=17|piece=17", default_g=18)
    M("cottage_cheese", "カッテージチーズ", "Cottage cheese", "カッテージチーズ|カテージチーズ",
      "cottage cheese", "dairy", "13033", "＜牛乳及び乳製品＞　（チーズ類）　ナチュラルチーズ　カテージ",
      99, 13.3, 4.5, 1.9, portions="大さじ=15|cup=200", default_g=50)
    M("yogurt_nonfat", "無脂肪ヨーグルト", "Non-fat plain yogurt", "無脂肪ヨーグルト|脂肪ゼロヨーグルト|ノンファットヨーグルト",
      "nonfat yogurt|non-fat yogurt|fat-free yogurt", "dairy", "13054",
      "＜牛乳及び乳製品＞　（発酵乳・乳酸菌飲料）　ヨーグルト　無脂肪無糖", 37, 4.0, 0.3, 5.7,
      portions="個=100|cup=100", default_g=100)
    U("cheddar", "チェダーチーズ", "Cheddar cheese", "チェダーチーズ|チェダー", "cheese|cheddar|cheddar cheese",
      "dairy", "SR", 173414, "Cheese, cheddar (Includes foods for USDA's Food Distribution Program)",
      403, 22.87, 33.31, 3.37, portions="枚=20|slice=28|oz=28", default_g=28)
    U("mozzarella", "モッツァレラチーズ", "Mozzarella cheese", "モッツァレラ|モッツァレラチーズ|モッツァレッラ",
      "mozzarella|mozzarella cheese", "dairy", "SR", 170845, "Cheese, mozzarella, whole milk",
      299, 22.17, 22.14, 2.4, portions="個=100|slice=28", default_g=30)
    U("parmesan", "パルメザンチーズ", "Parmesan cheese, grated", "パルメザンチーズ|粉チーズ|パルミジャーノ",
      "parmesan|parmesan cheese|grated parmesan", "dairy", "SR", 171247, "Cheese, parmesan, grated",
      420, 28.42, 27.84, 13.91, portions="大さじ=6|tbsp=5", default_g=5)
    U("cream_cheese", "クリームチーズ", "Cream cheese", "クリームチーズ", "cream cheese",
      "dairy", "SR", 173418, "Cheese, cream", 350, 6.15, 34.44, 5.52,
      portions="大さじ=15|tbsp=14.5", default_g=20)
    U("greek_yogurt", "ギリシャヨーグルト", "Greek yogurt, plain", "ギリシャヨーグルト|ギリシャ|グリークヨーグルト",
      "greek yogurt|greek yoghurt", "dairy", "SR", 171304, "Yogurt, Greek, plain, whole milk",
      97, 9.0, 5.0, 3.98, portions="個=113|cup=200", default_g=113)
    U("ice_cream", "アイスクリーム", "Vanilla ice cream", "アイス|アイスクリーム|バニラアイス|あいす",
      "ice cream|vanilla ice cream|ice creams", "sweet", "SR", 167575, "Ice creams, vanilla",
      207, 3.5, 11.0, 23.6, portions="個=100|cup=100|scoop=66", default_g=100)
    # ---------------- vegetables (MEXT)
    for row in [
        ("daikon", "大根", "Daikon radish", "大根|だいこん|ダイコン|大根おろし|だいこんおろし", "daikon|daikon radish|white radish", "06132", "（だいこん類）　だいこん　根　皮つき　生", 15, 0.5, 0.1, 4.1, "本=750", 50),
        ("hakusai", "白菜", "Napa cabbage", "白菜|はくさい|ハクサイ", "napa cabbage|chinese cabbage", "06233", "はくさい　結球葉　生", 13, 0.8, 0.1, 3.2, "枚=100|leaf=100", 100),
        ("negi", "長ねぎ", "Welsh onion (naganegi)", "ねぎ|ネギ|長ねぎ|長ネギ|白ねぎ|葱|根深ねぎ", "leek|green onion|welsh onion|scallion|scallions", "06226", "（ねぎ類）　根深ねぎ　葉　軟白　生", 35, 1.4, 0.1, 8.3, "本=100", 10),
        ("ginger", "しょうが", "Ginger", "しょうが|生姜|ショウガ", "ginger|ginger root", "06103", "（しょうが類）　しょうが　根茎　皮なし　生", 28, 0.9, 0.3, 6.6, "かけ=10|piece=10", 5),
        ("garlic", "にんにく", "Garlic", "にんにく|ニンニク|大蒜", "garlic|garlic clove|garlic cloves", "06223", "（にんにく類）　にんにく　りん茎　生", 129, 6.4, 0.9, 27.5, "かけ=6|片=6|clove=6", 6),
        ("green_pepper", "ピーマン", "Green bell pepper", "ピーマン|ぴーまん", "green pepper|green peppers|bell pepper|bell peppers", "06245", "（ピーマン類）　青ピーマン　果実　生", 20, 0.9, 0.2, 5.1, "個=30|piece=30", 30),
        ("cherry_tomato", "ミニトマト", "Cherry tomato", "ミニトマト|プチトマト", "cherry tomato|cherry tomatoes", "06183", "（トマト類）　赤色ミニトマト　果実　生", 30, 1.1, 0.1, 7.2, "個=15|piece=15", 45),
        ("eggplant", "なす", "Eggplant", "なす|ナス|茄子", "eggplant|eggplants|aubergine|aubergines", "06191", "（なす類）　なす　果実　生", 18, 1.1, 0.1, 5.1, "本=80|piece=80", 80),
        ("kabocha", "かぼちゃ", "Kabocha squash", "かぼちゃ|カボチャ|南瓜", "kabocha|pumpkin|squash", "06048", "（かぼちゃ類）　西洋かぼちゃ　果実　生", 78, 1.9, 0.3, 20.6, "切れ=40|piece=40", 80),
        ("burdock", "ごぼう", "Burdock root", "ごぼう|ゴボウ|牛蒡", "burdock|burdock root|gobo", "06084", "（ごぼう類）　ごぼう　根　生", 58, 1.8, 0.1, 15.4, "本=140", 50),
        ("lotus_root", "れんこん", "Lotus root", "れんこん|レンコン|蓮根", "lotus root", "06317", "れんこん　根茎　生", 66, 1.9, 0.1, 15.5, "節=150", 50),
        ("bean_sprouts", "もやし", "Mung bean sprouts", "もやし|モヤシ", "bean sprouts|bean sprout|mung bean sprouts", "06291", "（もやし類）　りょくとうもやし　生", 15, 1.8, 0.1, 2.4, "袋=200|bag=200", 50),
        ("broccoli", "ブロッコリー", "Broccoli", "ブロッコリー|ぶろっこりー", "broccoli", "06263", "ブロッコリー　花序　生", 37, 5.4, 0.6, 6.6, "株=200|房=15|floret=15", 60),
        ("spinach", "ほうれん草", "Spinach", "ほうれん草|ほうれんそう|ホウレンソウ", "spinach", "06267", "ほうれんそう　葉　通年平均　生", 18, 2.2, 0.4, 3.1, "束=180|bunch=180", 70),
        ("komatsuna", "小松菜", "Komatsuna", "小松菜|こまつな|コマツナ", "komatsuna|japanese mustard spinach", "06086", "こまつな　葉　生", 13, 1.5, 0.2, 2.4, "束=250|bunch=250", 70),
        ("nira", "にら", "Garlic chives (nira)", "ニラ|にら|韮", "garlic chives|chinese chives|nira", "06207", "（にら類）　にら　葉　生", 18, 1.7, 0.3, 4.0, "束=95|bunch=95", 20),
        ("okra", "オクラ", "Okra", "オクラ|おくら", "okra", "06032", "オクラ　果実　生", 26, 2.1, 0.2, 6.6, "本=7|piece=7", 35),
        ("sweet_potato", "さつまいも", "Sweet potato", "さつまいも|サツマイモ|さつま芋|薩摩芋", "sweet potato|sweet potatoes", "02006", "＜いも類＞　（さつまいも類）　さつまいも　塊根　皮なし　生", 126, 1.2, 0.2, 31.9, "本=180|piece=180", 100),
        ("taro", "里芋", "Taro (satoimo)", "里芋|さといも|サトイモ", "taro|taro root|satoimo", "02010", "＜いも類＞　（さといも類）　さといも　球茎　生", 53, 1.5, 0.1, 13.1, "個=40|piece=40", 80),
        ("shiitake", "しいたけ", "Shiitake mushroom", "しいたけ|シイタケ|椎茸|生しいたけ", "shiitake|shiitake mushroom|shiitake mushrooms", "08039", "しいたけ　生しいたけ　菌床栽培　生", 25, 3.1, 0.3, 6.4, "枚=12|個=12|piece=12", 24),
        ("shimeji", "しめじ", "Shimeji mushroom", "しめじ|シメジ|ぶなしめじ", "shimeji|shimeji mushrooms|beech mushrooms", "08016", "（しめじ類）　ぶなしめじ　生", 26, 2.7, 0.5, 4.8, "袋=90|パック=90|pack=90", 45),
        ("enoki", "えのきたけ", "Enoki mushroom", "えのき|エノキ|えのきたけ|えのき茸", "enoki|enoki mushrooms", "08001", "えのきたけ　生", 34, 2.7, 0.2, 7.6, "袋=85|pack=85", 40),
        ("konnyaku", "こんにゃく", "Konnyaku", "こんにゃく|コンニャク|蒟蒻|板こんにゃく", "konjac|konnyaku", "02003", "＜いも類＞　こんにゃく　板こんにゃく　精粉こんにゃく", 5, 0.1, 0, 2.3, "枚=250", 50),
        ("shirataki", "しらたき", "Shirataki noodles", "しらたき|シラタキ|糸こんにゃく", "shirataki|shirataki noodles|konjac noodles", "02005", "＜いも類＞　こんにゃく　しらたき", 7, 0.2, 0, 3.0, "袋=200|pack=200", 50),
        ("nori", "焼きのり", "Toasted nori", "のり|海苔|焼きのり|焼き海苔|ノリ", "nori|seaweed|nori sheet|nori sheets", "09004", "あまのり　焼きのり", 297, 41.4, 3.7, 44.3, "枚=3|sheet=3", 1),
        ("umeboshi", "梅干し", "Umeboshi (pickled plum)", "梅干し|梅干|うめぼし|ウメボシ", "umeboshi|pickled plum|pickled plums", "07022", "うめ　梅干し　塩漬", 29, 0.9, 0.7, 8.6, "個=10|piece=10", 10),
        ("corn_canned", "スイートコーン（缶）", "Sweet corn, canned", "コーン|とうもろこし|トウモロコシ|スイートコーン|コーン缶", "corn|sweet corn|canned corn", "06180", "（とうもろこし類）　スイートコーン　缶詰　ホールカーネルスタイル", 78, 2.3, 0.5, 17.8, "缶=120|大さじ=12", 30),
        ("tomato_canned", "トマト缶", "Canned tomatoes", "トマト缶|ホールトマト|カットトマト|トマト水煮", "canned tomatoes|tomato can", "06184", "（トマト類）　加工品　ホール　食塩無添加", 21, 0.9, 0.2, 4.4, "缶=400|can=400", 100),
    ]:
        fid, ja, en, aja, aen, num, sname, kcal, p, f, c, portions, dg = row
        M(fid, ja, en, aja, aen, "vegetable", num, sname, kcal, p, f, c, portions=portions, default_g=dg)
    # ---------------- fruit (MEXT)
    M("banana", "バナナ", "Banana", "バナナ|ばなな", "banana|bananas", "fruit", "07107", "バナナ　生",
      93, 1.1, 0.2, 22.5, portions="本=90|piece=90|piece@en=118|serving@en=118", default_g=90)
    M("apple", "りんご", "Apple", "りんご|リンゴ|林檎", "apple|apples", "fruit", "07148", "りんご　皮なし　生",
      53, 0.1, 0.2, 15.5, portions="個=220|piece=220|piece@en=182|serving@en=182", default_g=220)
    M("strawberry", "いちご", "Strawberry", "いちご|イチゴ|苺|ストロベリー", "strawberry|strawberries", "fruit",
      "07012", "いちご　生", 31, 0.9, 0.1, 8.5, portions="個=15|piece=15|パック=300|cup=152|serving@en=152", default_g=75)
    M("kiwi", "キウイフルーツ", "Kiwifruit", "キウイ|キウイフルーツ|キウィ", "kiwi|kiwis|kiwifruit|kiwi fruit",
      "fruit", "07054", "キウイフルーツ　緑肉種　生", 51, 1.0, 0.2, 13.4, portions="個=100|piece=100", default_g=100)
    M("mandarin_canned", "みかん缶", "Canned mandarin orange", "みかん缶|みかんの缶詰", "canned mandarin|canned mandarin oranges",
      "fruit", "07035", "（かんきつ類）　うんしゅうみかん　缶詰　果肉", 63, 0.5, 0.1, 15.3, default_g=50)
    # ---------------- fruit (USDA)
    for fid, ja, en, aja, aen, fdc, desc, kcal, p, f, c, portions, dg in [
        ("orange", "オレンジ", "Orange", "オレンジ|おれんじ|ネーブル", "orange|oranges", 169097, "Oranges, raw, all commercial varieties", 47, 0.94, 0.12, 11.75, "個=131|piece=131", 131),
        ("mikan", "みかん", "Mandarin (tangerine)", "みかん|ミカン|蜜柑|温州みかん", "mandarin|mandarins|tangerine|tangerines|clementine|clementines", 169105, "Tangerines, (mandarin oranges), raw", 53, 0.81, 0.31, 13.34, "個=88|piece=88", 88),
        ("grapes", "ぶどう", "Grapes", "ぶどう|ブドウ|葡萄|マスカット", "grape|grapes", 174683, "Grapes, red or green (European type, such as Thompson seedless), raw", 69, 0.72, 0.16, 18.1, "房=150|粒=5|bunch=150|cup=151", 100),
        ("watermelon", "すいか", "Watermelon", "すいか|スイカ|西瓜", "watermelon|watermelons", 167765, "Watermelon, raw", 30, 0.61, 0.15, 7.55, "切れ=286|slice=286|wedge=286", 286),
        ("melon", "メロン", "Honeydew melon", "メロン|めろん", "melon|melons|honeydew", 169911, "Melons, honeydew, raw", 36, 0.54, 0.14, 9.09, "切れ=160|slice=160", 160),
        ("peach", "もも", "Peach", "桃|もも|ピーチ", "peach|peaches", 169928, "Peaches, yellow, raw", 39, 0.91, 0.25, 9.54, "個=150|piece=150", 150),
        ("pear", "洋なし", "Pear", "洋なし|洋梨|ラフランス|なし|梨", "pear|pears", 169118, "Pears, raw", 57, 0.36, 0.14, 15.23, "個=178|piece=178", 178),
        ("cherries", "さくらんぼ", "Sweet cherries", "さくらんぼ|サクランボ|チェリー", "cherry|cherries", 171719, "Cherries, sweet, raw", 63, 1.06, 0.2, 16.01, "粒=8|piece=8", 80),
        ("avocado", "アボカド", "Avocado", "アボカド|アボガド", "avocado|avocados", 171705, "Avocados, raw, all commercial varieties", 160, 2.0, 14.66, 8.53, "個=136|piece=136", 70),
    ]:
        if ja is None:
            continue
        U(fid, ja, en, aja, aen, "fruit", "SR", fdc, desc, kcal, p, f, c, portions=portions, default_g=dg)
    # ---------------- nuts / snacks / sweets (USDA)
    for fid, ja, en, aja, aen, cat, fdc, desc, kcal, p, f, c, portions, dg in [
        ("almonds", "アーモンド", "Almonds", "アーモンド|あーもんど", "almond|almonds", "snack", 170567, "Nuts, almonds", 579, 21.15, 49.93, 21.55, "粒=1.2|handful=30", 30),
        ("walnuts", "くるみ", "Walnuts", "くるみ|クルミ|胡桃", "walnut|walnuts", "snack", 170187, "Nuts, walnuts, english", 654, 15.23, 65.21, 13.71, "粒=4|handful=30", 30),
        ("peanuts", "ピーナッツ", "Peanuts, dry-roasted", "ピーナッツ|落花生|らっかせい|ピーナツ", "peanut|peanuts", "snack", 173806, "Peanuts, all types, dry-roasted, without salt", 587, 24.35, 49.66, 21.26, "粒=1|handful=30", 30),
        ("pistachios", "ピスタチオ", "Pistachios", "ピスタチオ", "pistachio|pistachios", "snack", 170185, "Nuts, pistachio nuts, dry roasted, without salt added", 572, 21.05, 45.82, 28.28, "handful=30", 30),
        ("potato_chips", "ポテトチップス", "Potato chips", "ポテトチップス|ポテチ|ぽてち|ポテトチップ", "potato chips|crisps|chips bag|chips", "snack", 169677, "Snacks, potato chips, plain, salted", 532, 6.39, 33.98, 53.83, "袋=60|bag=28|oz=28", 60),
        ("milk_chocolate", "ミルクチョコレート", "Milk chocolate", "チョコ|チョコレート|ミルクチョコ|ミルクチョコレート|板チョコ", "chocolate|milk chocolate|chocolate bar|chocolate bars", "sweet", 167587, "Candies, milk chocolate", 535, 7.65, 29.66, 59.4, "枚=50|片=5|bar=44|piece=5", 50),
        ("dark_chocolate", "ダークチョコレート", "Dark chocolate 70-85%", "ダークチョコ|ダークチョコレート|ハイカカオチョコ|高カカオチョコ", "dark chocolate", "sweet", 170273, "Chocolate, dark, 70-85% cacao solids", 598, 7.79, 42.63, 45.9, "片=5|piece=5|bar=101", 25),
        ("peanut_butter", "ピーナッツバター", "Peanut butter", "ピーナッツバター|ピーナツバター", "peanut butter", "condiment", 172470, "Peanut butter, smooth style, without salt", 598, 22.21, 51.36, 22.31, "大さじ=17|tbsp=16", 16),
        ("jam", "ジャム", "Jam", "ジャム|いちごジャム|ストロベリージャム", "jam|jams|jelly|preserves", "condiment", 169641, "Jams and preserves", 278, 0.37, 0.07, 68.86, "大さじ=21|tbsp=20|tsp=7", 20),
        ("ketchup_us", "トマトケチャップ（米国）", "Ketchup (US)", "ケチャップ（米国）", "ketchup|catsup", "condiment", 168556, "Catsup", 101, 1.04, 0.1, 27.4, "tbsp=17|tsp=6|packet=9", 17),
        ("honey_us", "はちみつ（米国）", "Honey", "ハニー", "honey", "condiment", 169640, "Honey", 304, 0.3, 0, 82.4, "tbsp=21|tsp=7", 21),
        ("hummus", "フムス", "Hummus", "フムス|ホムス", "hummus|houmous", "dish", 174289, "Hummus, commercial", 237, 7.78, 17.82, 15.0, "大さじ=15|tbsp=15", 50),
    ]:
        U(fid, ja, en, aja, aen, cat, "SR", fdc, desc, kcal, p, f, c, portions=portions, default_g=dg)
    # ---------------- condiments (MEXT)
    for fid, ja, en, aja, aen, cat, num, sname, kcal, p, f, c, portions, dg, dens in [
        ("ketchup", "トマトケチャップ", "Tomato ketchup", "ケチャップ|けちゃっぷ|トマトケチャップ", "tomato ketchup|tomato sauce", "condiment", "17036", "＜調味料類＞　（トマト加工品類）　トマトケチャップ", 116, 1.6, 0.2, 27.6, "大さじ=15|小さじ=5", 15, None),
        ("worcester_sauce", "ウスターソース", "Worcestershire sauce", "ウスターソース|ウスター", "worcestershire sauce|worcester sauce", "condiment", "17001", "＜調味料類＞　（ウスターソース類）　ウスターソース", 117, 1.0, 0.1, 27.1, "大さじ=18|小さじ=6", 6, 1.2),
        ("tonkatsu_sauce", "中濃ソース", "Chuno sauce (tonkatsu-style)", "ソース|中濃ソース|とんかつソース|お好みソース", "tonkatsu sauce|brown sauce|sauce", "condiment", "17002", "＜調味料類＞　（ウスターソース類）　中濃ソース", 129, 0.8, 0.1, 30.9, "大さじ=18|小さじ=6", 18, 1.2),
        ("ponzu", "ポン酢", "Ponzu soy sauce", "ポン酢|ぽん酢|ポンズ|ポン酢しょうゆ", "ponzu|ponzu sauce", "condiment", "17137", "＜調味料類＞　（調味ソース類）　ぽん酢しょうゆ　市販品", 59, 3.7, 0, 10.8, "大さじ=17|小さじ=6", 15, 1.1),
        ("mentsuyu", "めんつゆ（ストレート）", "Noodle soup base (straight)", "めんつゆ|麺つゆ|つゆ|そばつゆ|めんつゆストレート", "mentsuyu|noodle broth|noodle dipping sauce", "condiment", "17029", "＜調味料類＞　（だし類）　めんつゆ　ストレート", 44, 2.2, 0, 8.7, "杯=200|cup=200", 100, 1.1),
        ("mirin", "みりん", "Mirin", "みりん|本みりん|ミリン|味醂", "mirin", "condiment", "16025", "＜アルコール飲料類＞　（混成酒類）　みりん　本みりん", 241, 0.3, 0, 43.2, "大さじ=18|小さじ=6", 18, 1.2),
        ("vinegar", "穀物酢", "Grain vinegar", "酢|穀物酢|お酢", "vinegar|grain vinegar", "condiment", "17015", "＜調味料類＞　（食酢類）　穀物酢", 25, 0.1, 0, 2.4, "大さじ=15|小さじ=5", 15, 1.0),
        ("sesame_oil", "ごま油", "Sesame oil", "ごま油|胡麻油|ゴマ油", "sesame oil", "fat", "14002", "（植物油脂類）　ごま油", 890, 0, 100.0, 0, "大さじ=12|小さじ=4|tbsp=13.6|tsp=4.5", 4, 0.91),
        ("salt", "食塩", "Salt", "塩|しお|食塩|シオ", "salt|table salt", "condiment", "17012", "＜調味料類＞　（食塩類）　食塩", 0, 0, 0, 0, "小さじ=6|tsp=6|大さじ=18|つまみ=1|pinch=0.4", 1, None),
        ("chicken_stock_granules", "顆粒中華だし", "Chicken stock granules", "鶏がらスープの素|中華だし|中華スープの素|ウェイパー", "chicken stock powder|chicken bouillon granules", "condiment", "17093", "＜調味料類＞　（だし類）　顆粒中華だし", 210, 12.6, 1.6, 36.6, "大さじ=9|小さじ=3", 3, None),
        ("consomme", "固形ブイヨン", "Bouillon cube", "コンソメ|固形コンソメ|ブイヨン|コンソメキューブ", "bouillon cube|stock cube|consomme cube", "condiment", "17027", "＜調味料類＞　（だし類）　固形ブイヨン", 233, 7.0, 4.3, 42.1, "個=5|piece=5", 5, None),
        ("honey", "はちみつ", "Honey (Japan)", "はちみつ|ハチミツ|蜂蜜", "honey (japan)", "condiment", "03022", "（その他）　はちみつ", 329, 0.3, 0, 81.9, "大さじ=21|小さじ=7", 21, None),
        ("sesame_seeds", "いりごま", "Roasted sesame seeds", "ごま|ゴマ|胡麻|いりごま|白ごま|黒ごま|すりごま", "sesame seeds|sesame", "condiment", "05018", "ごま　いり", 605, 20.3, 54.2, 18.5, "大さじ=9|小さじ=3", 3, None),
        ("katsuobushi", "かつお節", "Bonito flakes", "かつお節|鰹節|かつおぶし|削り節|おかか", "bonito flakes|katsuobushi", "condiment", "10091", "＜魚類＞　（かつお類）　加工品　かつお節", 332, 77.1, 2.9, 0.8, "パック=3|pack=3", 3, None),
        ("anko", "こしあん", "Sweet red bean paste", "あんこ|こしあん|こし餡|餡子", "red bean paste|anko|sweet bean paste", "sweet", "04101", "あずき　あん　こし練りあん　（並あん）", 255, 5.6, 0.3, 58.8, "大さじ=20", 40, None),
    ]:
        M(fid, ja, en, aja, aen, cat, num, sname, kcal, p, f, c, portions=portions, default_g=dg, density=dens)
    # ---------------- drinks & alcohol
    U("apple_juice", "りんごジュース", "Apple juice", "りんごジュース|リンゴジュース|アップルジュース",
      "apple juice", "drink", "SR", 173933,
      "Apple juice, canned or bottled, unsweetened, without added ascorbic acid", 46, 0.1, 0.13, 11.3,
      portions="杯=210|glass=210|cup=248", default_g=210, density=1.048)
    U("beer", "ビール", "Beer", "ビール|びーる|生ビール|缶ビール|瓶ビール|ラガー",
      "beer|beers|lager|lagers|ale", "alcohol", "SR", 168746,
      "Alcoholic beverage, beer, regular, all", 43, 0.46, 0, 3.55, None,
      portions="缶=351|can=356|ロング缶=502|中ジョッキ=351|ジョッキ=351|大瓶=637|中瓶=502|瓶=502|杯=351|glass=351|pint=475|bottle=356",
      default_g=351, density=1.003)
    U("red_wine", "赤ワイン", "Red wine", "赤ワイン|あかワイン|~ワイン", "~wine|red wine|~wines",
      "alcohol", "SR", 173190, "Alcoholic beverage, wine, table, red", 85, 0.07, 0, 2.61, None,
      portions="杯=124|glass=149|グラス=124|bottle=746|本=746", default_g=124, density=0.994)
    M("sake", "日本酒", "Sake (futsushu)", "日本酒|にほんしゅ|清酒|お酒|酒|冷酒|熱燗",
      "sake|japanese sake|rice wine", "alcohol", "16001", "＜アルコール飲料類＞　（醸造酒類）　清酒　普通酒",
      107, 0.4, 0, 4.9, None, portions="合=180|杯=180|おちょこ=30|グラス=120|glass=120", default_g=180, density=1.0)


def define_batch3_dishes(mext, usda, composed):
    C = composed
    usda("pizza", "ピザ", "Cheese pizza", "~ピザ|~ぴざ|~ピッツァ|チーズピザ|マルゲリータ",
         "~pizza|~pizzas|cheese pizza|~slice of pizza|~pizza slice|~pizza slices", "dish", "SR", 170317,
         "Pizza, cheese topping, regular crust, frozen, cooked", 268, 10.36, 12.28, 29.02,
         portions="切れ=81|枚=81|slice=81|piece=81|slice@en=107|piece@en=107|serving@en=214", default_g=162)
    C("tonkatsu", "とんかつ", "Tonkatsu (breaded pork cutlet)", "とんかつ|トンカツ|豚カツ|ロースカツ|ロースかつ|カツ",
      "tonkatsu|pork cutlet|pork cutlets|breaded pork cutlet", "dish",
      [("pork_loin", 100), ("flour", 6), ("egg_raw", 10), ("panko", 10), ("vegetable_oil", 12)],
      "Recipe (assumption): pork loin 100 g, flour 6 g, egg 10 g, panko 10 g, frying oil absorbed 12 g; raw-ingredient weights",
      portions="枚=138|piece=138|人前=138")
    C("shogayaki", "豚の生姜焼き", "Pork ginger stir-fry (shogayaki)", "生姜焼き|しょうが焼き|しょうがやき|豚の生姜焼き|ショウガ焼き",
      "shogayaki|ginger pork|pork ginger|ginger pork stir-fry", "dish",
      [("pork_loin", 100), ("ginger", 5), ("soy_sauce", 9), ("mirin", 9), ("sugar", 2), ("vegetable_oil", 4)],
      "Recipe (assumption): pork loin 100 g, ginger 5 g, soy sauce 9 g, mirin 9 g, sugar 2 g, oil 4 g",
      portions="人前=129|皿=129|plate=129")
    C("hamburg_steak", "ハンバーグ", "Hamburg steak", "ハンバーグ|はんばーぐ|ハンバーグステーキ",
      "hamburg steak|hamburger steak|salisbury steak", "dish",
      [("beef_ground", 50), ("pork_ground", 50), ("onion", 30), ("panko", 8), ("egg_raw", 10), ("milk", 10), ("vegetable_oil", 4)],
      "Recipe (assumption): ground beef 50 g, ground pork 50 g, onion 30 g, panko 8 g, egg 10 g, milk 10 g, oil 4 g",
      portions="個=162|piece=162|人前=162")
    C("gyudon", "牛丼", "Beef bowl (gyudon)", "牛丼|ぎゅうどん|ギュウドン|牛どん|牛丼並盛",
      "gyudon|beef bowl|beef rice bowl", "dish",
      [("rice_cooked", 250), ("beef_belly", 80), ("onion", 40), ("soy_sauce", 12), ("sugar", 5), ("mirin", 12), ("dashi", 40)],
      "Recipe (assumption): rice 250 g, beef belly 80 g, onion 40 g, soy sauce 12 g, sugar 5 g, mirin 12 g, dashi 40 g",
      portions="杯=439|丼=439|bowl=439|人前=439|並=439")
    C("oyakodon", "親子丼", "Chicken and egg bowl (oyakodon)", "親子丼|おやこどん|オヤコドン|親子どんぶり",
      "oyakodon|chicken and egg bowl|chicken egg rice bowl", "dish",
      [("rice_cooked", 250), ("chicken_thigh", 70), ("egg_raw", 100), ("onion", 40), ("soy_sauce", 12), ("mirin", 12), ("sugar", 4), ("dashi", 60)],
      "Recipe (assumption): rice 250 g, chicken thigh 70 g, 2 eggs 100 g, onion 40 g, soy sauce 12 g, mirin 12 g, sugar 4 g, dashi 60 g",
      portions="杯=548|丼=548|bowl=548|人前=548")
    C("katsudon", "カツ丼", "Pork cutlet bowl (katsudon)", "カツ丼|かつどん|カツどん|かつ丼",
      "katsudon|pork cutlet bowl|katsu bowl", "dish",
      [("rice_cooked", 250), ("tonkatsu", 120), ("egg_raw", 100), ("onion", 40), ("soy_sauce", 12), ("mirin", 12), ("sugar", 4), ("dashi", 60)],
      "Recipe (assumption): rice 250 g, tonkatsu 120 g, 2 eggs 100 g, onion 40 g, soy sauce 12 g, mirin 12 g, sugar 4 g, dashi 60 g",
      portions="杯=598|丼=598|bowl=598|人前=598")
    C("ramen", "ラーメン（醤油）", "Shoyu ramen", "~ラーメン|~らーめん|~拉麺|醤油ラーメン|しょうゆラーメン|中華そば|~らぁめん",
      "~ramen|~ramen noodles soup|shoyu ramen|~ramen bowl|~bowl of ramen", "dish",
      [("chuka_men_raw", 120), ("water", 350), ("soy_sauce", 20), ("chicken_stock_granules", 5), ("pork_belly", 30),
       ("negi", 10), ("bean_sprouts", 30), ("nori", 1), ("vegetable_oil", 5)],
      "Recipe (assumption): raw ramen noodles 120 g, water 350 g, soy sauce 20 g, chicken stock granules 5 g, pork belly 30 g (chashu), negi 10 g, bean sprouts 30 g, nori 1 g, oil 5 g; whole soup counted",
      portions="杯=571|bowl=571|人前=571")
    C("kake_udon", "かけうどん", "Udon in hot broth", "かけうどん|素うどん|温かいうどん|うどん1杯",
      "kake udon|udon soup|udon noodle soup", "dish",
      [("udon_boiled", 200), ("mentsuyu", 250), ("negi", 5)],
      "Recipe (assumption): boiled udon 200 g, straight mentsuyu 250 g, negi 5 g",
      portions="杯=455|bowl=455|人前=455")
    C("yakisoba", "焼きそば", "Yakisoba (fried noodles)", "焼きそば|やきそば|ヤキソバ|焼そば|ソース焼きそば",
      "yakisoba|fried noodles", "dish",
      [("mushi_chuka_men", 150), ("pork_belly", 30), ("cabbage", 60), ("bean_sprouts", 30), ("tonkatsu_sauce", 20), ("vegetable_oil", 6)],
      "Recipe (assumption): steamed noodles 150 g, pork belly 30 g, cabbage 60 g, bean sprouts 30 g, chuno sauce 20 g, oil 6 g",
      portions="皿=296|人前=296|plate=296")
    C("spaghetti_meat_sauce", "ミートソーススパゲッティ", "Spaghetti with meat sauce", "ミートソース|ミートソーススパゲッティ|ミートスパ|スパゲッティボロネーゼ|ボロネーゼ",
      "spaghetti bolognese|spaghetti with meat sauce|bolognese|meat sauce pasta", "dish",
      [("pasta_boiled", 250), ("beef_ground", 50), ("onion", 30), ("tomato_canned", 80), ("olive_oil", 5), ("ketchup", 10), ("salt", 1)],
      "Recipe (assumption): boiled spaghetti 250 g, ground beef 50 g, onion 30 g, canned tomato 80 g, olive oil 5 g, ketchup 10 g, salt 1 g",
      portions="皿=426|人前=426|plate=426")
    C("chahan", "チャーハン", "Fried rice (chahan)", "チャーハン|ちゃーはん|炒飯|焼き飯|焼飯|やきめし",
      "fried rice|chahan|egg fried rice", "dish",
      [("rice_cooked", 200), ("egg_raw", 50), ("ham", 20), ("negi", 15), ("vegetable_oil", 10), ("soy_sauce", 5), ("salt", 1), ("chicken_stock_granules", 2)],
      "Recipe (assumption): rice 200 g, egg 50 g, ham 20 g, negi 15 g, oil 10 g, soy sauce 5 g, salt 1 g, chicken stock granules 2 g",
      portions="皿=303|人前=303|plate=303")
    C("omurice", "オムライス", "Omurice (omelette rice)", "オムライス|おむらいす|オムレツライス",
      "omurice|omelette rice|omelet rice", "dish",
      [("rice_cooked", 200), ("chicken_thigh", 40), ("onion", 30), ("ketchup", 30), ("vegetable_oil", 8), ("egg_raw", 100), ("butter", 5)],
      "Recipe (assumption): rice 200 g, chicken thigh 40 g, onion 30 g, ketchup 30 g, oil 8 g, 2 eggs 100 g, butter 5 g",
      portions="皿=413|人前=413|plate=413")
    C("gyoza", "餃子", "Gyoza (pan-fried dumplings)", "餃子|ぎょうざ|ギョーザ|ギョウザ|焼き餃子|焼餃子",
      "gyoza|dumpling|dumplings|potsticker|potstickers", "dish",
      [("gyoza_skin", 36), ("pork_ground", 60), ("cabbage", 60), ("nira", 10), ("garlic", 2), ("sesame_oil", 3), ("vegetable_oil", 5), ("soy_sauce", 3)],
      "Recipe (assumption) for 6 pieces: wrappers 36 g, ground pork 60 g, cabbage 60 g, nira 10 g, garlic 2 g, sesame oil 3 g, oil 5 g, soy sauce 3 g",
      portions="個=29.8|piece=29.8|人前=179|皿=179", default_g=179)
    C("sushi_nigiri", "握り寿司", "Nigiri sushi (assorted)", "寿司|すし|スシ|鮨|握り寿司|にぎり寿司|お寿司|にぎり",
      "sushi|nigiri|nigiri sushi|assorted sushi", "dish",
      [("rice_cooked", 160), ("vinegar", 12), ("sugar", 5), ("salt", 1), ("salmon_raw", 30), ("squid", 15), ("shrimp", 15), ("yellowtail", 15)],
      "Recipe (assumption) for 8 pieces: rice 160 g, vinegar 12 g, sugar 5 g, salt 1 g; toppings salmon 30 g, squid 15 g, shrimp 15 g, yellowtail 15 g",
      portions="貫=31.6|piece=31.6|人前=253|皿=253", default_g=253)
    C("sashimi", "刺身盛り合わせ", "Assorted sashimi", "刺身|さしみ|サシミ|刺し身|お刺身|刺身盛り合わせ",
      "sashimi|assorted sashimi", "dish",
      [("salmon_raw", 30), ("yellowtail", 30), ("squid", 20), ("scallop", 20), ("daikon", 30)],
      "Recipe (assumption): salmon 30 g, yellowtail 30 g, squid 20 g, scallop 20 g, daikon garnish 30 g",
      portions="人前=130|皿=130|切れ=12|piece=12", default_g=130)
    C("onigiri", "おにぎり（塩）", "Rice ball (onigiri)", "おにぎり|お握り|おむすび|塩むすび|塩おにぎり|にぎりめし",
      "onigiri|rice ball|rice balls", "dish",
      [("rice_cooked", 100), ("nori", 1.5), ("salt", 0.5)],
      "Recipe (assumption): rice 100 g, nori 1.5 g, salt 0.5 g",
      portions="個=102|piece=102")
    C("onigiri_salmon", "鮭おにぎり", "Salmon rice ball", "鮭おにぎり|さけおにぎり|しゃけおにぎり|鮭むすび",
      "salmon onigiri|salmon rice ball", "dish",
      [("rice_cooked", 100), ("salmon_grilled", 10), ("nori", 1.5), ("salt", 0.5)],
      "Recipe (assumption): rice 100 g, grilled salmon 10 g, nori 1.5 g, salt 0.5 g",
      portions="個=112|piece=112")
    C("onigiri_tuna_mayo", "ツナマヨおにぎり", "Tuna mayo rice ball", "ツナマヨおにぎり|ツナマヨ|つなまよおにぎり",
      "tuna mayo onigiri|tuna mayo rice ball", "dish",
      [("rice_cooked", 100), ("tuna_canned_oil", 12), ("mayonnaise", 6), ("nori", 1.5)],
      "Recipe (assumption): rice 100 g, canned tuna in oil 12 g, mayonnaise 6 g, nori 1.5 g",
      portions="個=119.5|piece=119.5")
    C("sandwich", "サンドイッチ（ハム・卵）", "Ham and egg sandwich", "~サンドイッチ|~サンドウィッチ|~サンド|~ハムサンド|ミックスサンド",
      "~sandwich|~sandwiches|~ham sandwich|ham and egg sandwich", "dish",
      [("bread_shokupan", 80), ("ham", 20), ("egg_boiled", 25), ("mayonnaise", 8), ("lettuce", 10), ("butter", 4)],
      "Recipe (assumption): bread 80 g, ham 20 g, boiled egg 25 g, mayonnaise 8 g, lettuce 10 g, butter 4 g",
      portions="個=147|piece=147|パック=147|人前=147")
    C("egg_sandwich", "たまごサンド", "Egg salad sandwich", "たまごサンド|玉子サンド|卵サンド|タマゴサンド|エッグサンド",
      "egg sandwich|egg salad sandwich|egg mayo sandwich", "dish",
      [("bread_shokupan", 60), ("egg_boiled", 50), ("mayonnaise", 10)],
      "Recipe (assumption), one konbini pack of two halves: two thin slices of bread 60 g, chopped boiled egg 50 g, mayonnaise 10 g",
      portions="個=120|piece=120|パック=120|人前=120")
    C("cheeseburger", "チーズバーガー", "Cheeseburger", "チーズバーガー|ちーずばーがー",
      "cheeseburger|cheeseburgers|cheese burger", "dish",
      [("hamburger", 78), ("cheese_processed", 18)],
      "Composition (assumption): USDA plain fast-food hamburger 78 g + processed cheese slice 18 g",
      portions="個=96|piece=96")
    C("burger_meal", "ハンバーガーセット", "Burger meal (burger, fries, cola)", "ハンバーガーセット|バーガーセット|バリューセット|セット（ハンバーガー）",
      "burger meal|burger combo|hamburger meal|value meal|burger set", "set_meal",
      [("hamburger", 78), ("french_fries", 117), ("cola", 370)],
      "Set (assumption): hamburger 78 g, medium french fries 117 g, cola 370 g (12 fl oz)",
      portions="セット=565|set=565|食=565|meal=565", set_meal=True)
    C("cheeseburger_meal", "チーズバーガーセット", "Cheeseburger meal (cheeseburger, fries, cola)", "チーズバーガーセット",
      "cheeseburger meal|cheeseburger combo|cheeseburger set", "set_meal",
      [("cheeseburger", 96), ("french_fries", 117), ("cola", 370)],
      "Set (assumption): cheeseburger 96 g, medium french fries 117 g, cola 370 g",
      portions="セット=583|set=583|食=583|meal=583", set_meal=True)
    C("caesar_salad", "シーザーサラダ", "Caesar salad", "シーザーサラダ|しーざーさらだ",
      "caesar salad|caesar salads", "dish",
      [("lettuce", 100), ("parmesan", 8), ("bread_shokupan", 10), ("bacon", 10), ("mayonnaise", 10), ("olive_oil", 8)],
      "Recipe (assumption): lettuce 100 g, parmesan 8 g, croutons (bread) 10 g, bacon 10 g, mayonnaise 10 g, olive oil 8 g",
      portions="皿=146|人前=146|bowl=146|plate=146")
    C("green_salad", "グリーンサラダ", "Green salad", "~サラダ|グリーンサラダ|野菜サラダ|~さらだ|ミックスサラダ",
      "~salad|green salad|side salad|garden salad|~salads", "dish",
      [("lettuce", 40), ("cucumber", 30), ("tomato", 50), ("cabbage", 20), ("olive_oil", 5), ("vinegar", 5), ("salt", 0.5)],
      "Recipe (assumption): lettuce 40 g, cucumber 30 g, tomato 50 g, cabbage 20 g, olive oil 5 g, vinegar 5 g, salt 0.5 g",
      portions="皿=150.5|人前=150.5|bowl=150.5|plate=150.5")
    C("nikujaga", "肉じゃが", "Nikujaga (beef and potato stew)", "肉じゃが|にくじゃが|ニクジャガ",
      "nikujaga|beef and potato stew|meat and potatoes", "dish",
      [("potato", 100), ("beef_shoulder", 40), ("onion", 50), ("carrot", 20), ("shirataki", 20), ("soy_sauce", 12), ("sugar", 6), ("mirin", 10), ("vegetable_oil", 3), ("dashi", 80)],
      "Recipe (assumption): potato 100 g, beef 40 g, onion 50 g, carrot 20 g, shirataki 20 g, soy sauce 12 g, sugar 6 g, mirin 10 g, oil 3 g, dashi 80 g",
      portions="皿=341|人前=341|bowl=341")
    C("tonjiru", "豚汁", "Pork miso soup (tonjiru)", "豚汁|とん汁|とんじる|ぶたじる|トン汁",
      "tonjiru|butajiru|pork miso soup", "soup",
      [("dashi", 200), ("pork_belly", 20), ("daikon", 20), ("carrot", 10), ("taro", 20), ("konnyaku", 10), ("negi", 5), ("miso", 15)],
      "Recipe (assumption): dashi 200 g, pork belly 20 g, daikon 20 g, carrot 10 g, taro 20 g, konnyaku 10 g, negi 5 g, miso 15 g",
      portions="杯=300|椀=300|bowl=300|人前=300")
    C("yasai_itame", "野菜炒め", "Stir-fried vegetables with pork", "野菜炒め|やさいいため|肉野菜炒め|野菜いため",
      "stir-fried vegetables|vegetable stir fry|stir fry", "dish",
      [("cabbage", 80), ("bean_sprouts", 50), ("carrot", 15), ("pork_belly", 30), ("onion", 20), ("green_pepper", 15), ("vegetable_oil", 6), ("salt", 1), ("soy_sauce", 3)],
      "Recipe (assumption): cabbage 80 g, bean sprouts 50 g, carrot 15 g, pork belly 30 g, onion 20 g, green pepper 15 g, oil 6 g, salt 1 g, soy sauce 3 g",
      portions="皿=220|人前=220|plate=220")
    C("hiyayakko", "冷奴", "Chilled tofu (hiyayakko)", "冷奴|冷ややっこ|ひややっこ|冷や奴|やっこ",
      "hiyayakko|chilled tofu|cold tofu", "dish",
      [("tofu_kinu", 150), ("soy_sauce", 5), ("negi", 3), ("katsuobushi", 1)],
      "Recipe (assumption): silken tofu 150 g, soy sauce 5 g, negi 3 g, bonito flakes 1 g",
      portions="皿=159|人前=159")
    C("natto_gohan", "納豆ご飯", "Natto on rice", "納豆ご飯|納豆ごはん|なっとうごはん|納豆飯",
      "natto rice|natto on rice|natto gohan", "dish",
      [("rice_cooked", 150), ("natto", 45), ("soy_sauce", 3)],
      "Recipe (assumption): rice 150 g, natto 45 g, soy sauce 3 g",
      portions="杯=198|bowl=198|人前=198")
    C("tkg", "卵かけご飯", "Raw egg on rice (TKG)", "卵かけご飯|たまごかけごはん|卵かけごはん|TKG|玉子かけご飯",
      "tamago kake gohan|egg on rice|raw egg rice", "dish",
      [("rice_cooked", 150), ("egg_raw", 50), ("soy_sauce", 5)],
      "Recipe (assumption): rice 150 g, egg 50 g, soy sauce 5 g",
      portions="杯=205|bowl=205|人前=205")
    C("butter_toast", "バタートースト", "Toast with butter", "バタートースト|バタートースト|トーストバター|バタートースト1枚",
      "toast with butter|buttered toast|butter toast", "bread",
      [("bread_shokupan", 60), ("butter", 8)],
      "Recipe (assumption): one 60 g slice of shokupan (6-slice loaf) with 8 g butter",
      portions="枚=68|slice=68|slice@en=36|piece=68")
    C("bacon_and_eggs", "ベーコンエッグ", "Bacon and eggs", "ベーコンエッグ|べーこんえっぐ|ハムエッグ風ベーコン",
      "bacon and eggs|bacon and egg|eggs and bacon", "dish",
      [("egg_fried", 92), ("bacon", 36)],
      "Recipe (assumption): 2 fried eggs (92 g) and 2 slices of bacon (36 g)",
      portions="皿=128|人前=128|plate=128")
    C("ham_and_eggs", "ハムエッグ", "Ham and eggs", "ハムエッグ|はむえっぐ",
      "ham and eggs|ham and egg|eggs and ham", "dish",
      [("egg_fried", 92), ("ham", 20)],
      "Recipe (assumption): 2 fried eggs (92 g) and 2 slices of ham (20 g)",
      portions="皿=112|人前=112|plate=112")
    C("cereal_with_milk", "シリアル（牛乳）", "Corn flakes with milk", "シリアルと牛乳|コーンフレーク牛乳|牛乳シリアル",
      "cereal with milk|cornflakes with milk|bowl of cereal", "dish",
      [("cornflakes", 40), ("milk", 200)],
      "Recipe (assumption): corn flakes 40 g, milk 200 g",
      portions="杯=240|bowl=240")
    C("cafe_au_lait", "カフェオレ", "Cafe au lait", "カフェオレ|ミルクコーヒー|コーヒー牛乳",
      "cafe au lait|coffee with milk|white coffee", "drink",
      [("coffee_black", 100), ("milk", 100)],
      "Recipe (assumption): brewed coffee 100 g + milk 100 g (unsweetened)",
      portions="杯=200|cup=240|mug=300|glass=200", density=1.015)
    C("shogayaki_teishoku", "生姜焼き定食", "Ginger pork set meal", "生姜焼き定食|しょうが焼き定食|しょうがやき定食|豚の生姜焼き定食",
      "ginger pork set meal|shogayaki set|shogayaki teishoku", "set_meal",
      [("rice_cooked", 150), ("shogayaki", 129), ("cabbage", 50), ("miso_soup", 183)],
      "Set meal (assumption): rice 150 g, shogayaki 129 g, shredded cabbage 50 g, miso soup 183 g",
      portions="人前=512|食=512|セット=512|set=512", set_meal=True)
    C("yakizakana_teishoku", "焼き魚定食（鮭）", "Grilled fish set meal (salmon)", "焼き魚定食|焼魚定食|焼き鮭定食|鮭定食|焼き魚定食（鮭）",
      "grilled fish set meal|grilled salmon set meal|fish set meal|yakizakana teishoku", "set_meal",
      [("rice_cooked", 150), ("salmon_grilled", 80), ("daikon", 30), ("miso_soup", 183)],
      "Set meal (assumption): rice 150 g, grilled salmon 80 g, grated daikon 30 g, miso soup 183 g",
      portions="人前=443|食=443|セット=443|set=443", set_meal=True)
    C("tonkatsu_teishoku", "とんかつ定食", "Tonkatsu set meal", "とんかつ定食|トンカツ定食|ロースかつ定食|ロースカツ定食",
      "tonkatsu set meal|pork cutlet set meal|tonkatsu teishoku", "set_meal",
      [("rice_cooked", 150), ("tonkatsu", 138), ("cabbage", 50), ("tonkatsu_sauce", 15), ("miso_soup", 183)],
      "Set meal (assumption): rice 150 g, tonkatsu 138 g, shredded cabbage 50 g, sauce 15 g, miso soup 183 g",
      portions="人前=536|食=536|セット=536|set=536", set_meal=True)
    C("hamburg_teishoku", "ハンバーグ定食", "Hamburg steak set meal", "ハンバーグ定食|ハンバーグセット",
      "hamburg steak set meal|hamburger steak set", "set_meal",
      [("rice_cooked", 150), ("hamburg_steak", 162), ("green_salad", 60), ("miso_soup", 183)],
      "Set meal (assumption): rice 150 g, hamburg steak 162 g, green salad 60 g, miso soup 183 g",
      portions="人前=555|食=555|セット=555|set=555", set_meal=True)
    C("japanese_breakfast", "和朝食", "Japanese breakfast set", "和朝食|朝定食|朝定|納豆定食",
      "japanese breakfast|japanese breakfast set", "set_meal",
      [("rice_cooked", 150), ("salmon_grilled", 60), ("natto", 45), ("miso_soup", 183)],
      "Set meal (assumption): rice 150 g, grilled salmon 60 g, natto 45 g, miso soup 183 g",
      portions="人前=438|食=438|セット=438|set=438", set_meal=True)


def define_batch4_everyday(mext, usda, composed):
    """Everyday dishes and drinks the realistic benchmark set (bench/nutrition/realistic_meals.jsonl) missed."""
    C = composed
    mext("soba_boiled", "そば（ゆで）", "Soba noodles, boiled", "そば|蕎麦|ソバ|ゆでそば|日本そば|そば麺",
         "soba|soba noodles|buckwheat noodles", "noodle", "01128", "そば　そば　ゆで",
         130, 4.8, 1.0, 26.0, portions="玉=180|人前=200|杯=200|bowl=200", default_g=200)
    mext("octopus_boiled", "たこ（ゆで）", "Octopus, boiled", "たこ|タコ|蛸|ゆでだこ|茹でダコ",
         "octopus|boiled octopus", "fish", "10362", "＜いか・たこ類＞　（たこ類）　まだこ　ゆで",
         91, 21.7, 0.7, 0.1, portions="個=10|piece=10", default_g=50)
    usda("blueberries", "ブルーベリー", "Blueberries", "ブルーベリー|ぶるーべりー",
         "blueberries|blueberry|fresh blueberries", "fruit", "SR", 171711, "Blueberries, raw",
         57, 0.74, 0.33, 14.49, portions="cup=148|カップ=120|粒=1.5|handful=40|serving@en=148", default_g=75)
    usda("raspberries", "ラズベリー", "Raspberries", "ラズベリー|らずべりー|木いちご",
         "raspberries|raspberry", "fruit", "SR", 167755, "Raspberries, raw",
         52, 1.2, 0.65, 11.94, portions="cup=123|粒=4|handful=40", default_g=60)
    # ---------------- soba / udon / ramen variants: the noodle row + broth + topping
    C("zaru_soba", "ざるそば", "Chilled soba with dipping sauce (zaru soba)", "ざるそば|ざる蕎麦|もりそば|盛りそば|せいろ|ざるソバ",
      "zaru soba|cold soba|mori soba", "dish",
      [("soba_boiled", 220), ("mentsuyu", 60), ("nori", 0.5), ("negi", 3)],
      "Recipe (assumption): boiled soba 220 g, straight mentsuyu 60 g (dipping), nori 0.5 g, negi 3 g",
      portions="枚=283.5|人前=283.5|杯=283.5")
    C("kake_soba", "かけそば", "Soba in hot broth (kake soba)", "かけそば|かけ蕎麦|温かいそば|素そば",
      "kake soba|soba soup|hot soba", "dish",
      [("soba_boiled", 200), ("mentsuyu", 250), ("negi", 5)],
      "Recipe (assumption): boiled soba 200 g, straight mentsuyu 250 g, negi 5 g",
      portions="杯=455|bowl=455|人前=455")
    C("kitsune_udon", "きつねうどん", "Udon with sweet fried tofu (kitsune udon)", "きつねうどん|けつねうどん|キツネうどん",
      "kitsune udon", "dish",
      [("udon_boiled", 200), ("mentsuyu", 250), ("aburaage", 30), ("sugar", 5), ("soy_sauce", 3), ("negi", 5)],
      "Recipe (assumption): boiled udon 200 g, mentsuyu 250 g, aburaage 30 g simmered with sugar 5 g and soy sauce 3 g, negi 5 g",
      portions="杯=493|bowl=493|人前=493")
    C("kitsune_soba", "きつねそば", "Soba with sweet fried tofu (kitsune soba)", "きつねそば|きつね蕎麦",
      "kitsune soba", "dish",
      [("soba_boiled", 200), ("mentsuyu", 250), ("aburaage", 30), ("sugar", 5), ("soy_sauce", 3), ("negi", 5)],
      "Recipe (assumption): boiled soba 200 g, mentsuyu 250 g, aburaage 30 g simmered with sugar 5 g and soy sauce 3 g, negi 5 g",
      portions="杯=493|bowl=493|人前=493")
    C("tanuki_udon", "たぬきうどん", "Udon with tempura bits (tanuki udon)", "たぬきうどん|タヌキうどん|はいからうどん",
      "tanuki udon", "dish",
      [("udon_boiled", 200), ("mentsuyu", 250), ("flour", 10), ("vegetable_oil", 8), ("negi", 5)],
      "Recipe (assumption): boiled udon 200 g, mentsuyu 250 g, tenkasu as flour 10 g + absorbed oil 8 g, negi 5 g",
      portions="杯=473|bowl=473|人前=473")
    C("tsukimi_udon", "月見うどん", "Udon with a raw egg (tsukimi udon)", "月見うどん|つきみうどん",
      "tsukimi udon", "dish",
      [("udon_boiled", 200), ("mentsuyu", 250), ("egg_raw", 50), ("negi", 5)],
      "Recipe (assumption): boiled udon 200 g, mentsuyu 250 g, egg 50 g, negi 5 g",
      portions="杯=505|bowl=505|人前=505")
    C("tempura_udon", "天ぷらうどん", "Udon with shrimp tempura", "天ぷらうどん|海老天うどん|えび天うどん",
      "tempura udon|shrimp tempura udon", "dish",
      [("udon_boiled", 200), ("mentsuyu", 250), ("shrimp", 40), ("flour", 15), ("egg_raw", 5), ("vegetable_oil", 12), ("negi", 5)],
      "Recipe (assumption): boiled udon 200 g, mentsuyu 250 g, two shrimp tempura (shrimp 40 g, flour 15 g, egg 5 g, oil 12 g), negi 5 g",
      portions="杯=527|bowl=527|人前=527")
    C("curry_udon", "カレーうどん", "Curry udon", "カレーうどん|かれーうどん",
      "curry udon", "dish",
      [("udon_boiled", 200), ("mentsuyu", 200), ("curry_roux", 20), ("pork_belly", 30), ("onion", 30), ("potato_starch", 3)],
      "Recipe (assumption): boiled udon 200 g, mentsuyu 200 g, curry roux 20 g, pork belly 30 g, onion 30 g, potato starch 3 g",
      portions="杯=483|bowl=483|人前=483")
    C("ramen_tonkotsu", "とんこつラーメン", "Tonkotsu ramen", "とんこつラーメン|豚骨ラーメン|トンコツラーメン|博多ラーメン|家系ラーメン",
      "tonkotsu ramen|pork bone ramen", "dish",
      [("chuka_men_raw", 120), ("water", 350), ("pork_belly", 40), ("chicken_stock_granules", 5), ("soy_sauce", 10),
       ("sesame_oil", 3), ("vegetable_oil", 12), ("negi", 10), ("nori", 1)],
      "Recipe (assumption): raw noodles 120 g, water 350 g, pork belly 40 g (chashu), stock granules 5 g, soy sauce 10 g, sesame oil 3 g, pork-bone fat as oil 12 g, negi 10 g, nori 1 g; whole soup counted",
      portions="杯=551|bowl=551|人前=551")
    C("ramen_miso", "味噌ラーメン", "Miso ramen", "味噌ラーメン|みそラーメン|ミソラーメン|札幌ラーメン",
      "miso ramen", "dish",
      [("chuka_men_raw", 120), ("water", 350), ("miso", 30), ("pork_ground", 30), ("bean_sprouts", 50), ("corn_canned", 20),
       ("vegetable_oil", 8), ("butter", 5), ("negi", 10)],
      "Recipe (assumption): raw noodles 120 g, water 350 g, miso 30 g, ground pork 30 g, bean sprouts 50 g, corn 20 g, oil 8 g, butter 5 g, negi 10 g",
      portions="杯=623|bowl=623|人前=623")
    C("hiyashi_chuka", "冷やし中華", "Chilled ramen salad (hiyashi chuka)", "冷やし中華|ひやしちゅうか|冷やし中華そば|冷し中華",
      "hiyashi chuka|cold ramen", "dish",
      [("chuka_men_raw", 120), ("ham", 20), ("egg_raw", 25), ("vegetable_oil", 2), ("cucumber", 30), ("tomato", 30),
       ("soy_sauce", 15), ("vinegar", 15), ("sugar", 8), ("sesame_oil", 5)],
      "Recipe (assumption): raw noodles 120 g, ham 20 g, thin omelette (egg 25 g, oil 2 g), cucumber 30 g, tomato 30 g, sauce of soy sauce 15 g, vinegar 15 g, sugar 8 g, sesame oil 5 g",
      portions="皿=270|人前=270|plate=270")
    # ---------------- konamon, rice dishes, bento
    C("takoyaki", "たこ焼き", "Takoyaki (octopus balls)", "たこ焼き|たこやき|タコ焼き|たこ焼|タコヤキ",
      "takoyaki|octopus balls", "dish",
      [("flour", 40), ("egg_raw", 25), ("dashi", 120), ("octopus_boiled", 30), ("cabbage", 10), ("negi", 5),
       ("vegetable_oil", 8), ("tonkatsu_sauce", 15), ("mayonnaise", 8), ("katsuobushi", 1)],
      "Recipe (assumption), 8 balls: flour 40 g, egg 25 g, dashi 120 g, octopus 30 g, cabbage 10 g, negi 5 g, oil 8 g, sauce 15 g, mayonnaise 8 g, bonito flakes 1 g",
      portions="個=32.75|piece=32.75|舟=262|パック=262|人前=262")
    C("okonomiyaki", "お好み焼き", "Okonomiyaki", "お好み焼き|おこのみやき|お好み焼|オコノミヤキ|豚玉",
      "okonomiyaki|japanese pancake", "dish",
      [("flour", 50), ("egg_raw", 50), ("dashi", 50), ("cabbage", 100), ("pork_belly", 40), ("vegetable_oil", 8),
       ("tonkatsu_sauce", 20), ("mayonnaise", 10), ("katsuobushi", 1)],
      "Recipe (assumption): flour 50 g, egg 50 g, dashi 50 g, cabbage 100 g, pork belly 40 g, oil 8 g, sauce 20 g, mayonnaise 10 g, bonito flakes 1 g",
      portions="枚=329|人前=329|piece=329")
    C("nikuman", "肉まん", "Steamed pork bun (nikuman)", "肉まん|豚まん|にくまん|ぶたまん|中華まん",
      "pork bun|steamed pork bun|nikuman|steamed bun", "dish",
      [("flour", 45), ("sugar", 4), ("vegetable_oil", 2), ("pork_ground", 25), ("onion", 12), ("negi", 3), ("soy_sauce", 3), ("sesame_oil", 1)],
      "Recipe (assumption), one bun of about 95 g after steaming water: flour 45 g, sugar 4 g, oil 2 g, ground pork 25 g, onion 12 g, negi 3 g, soy sauce 3 g, sesame oil 1 g; the dough's water is not counted",
      portions="個=95|piece=95")
    C("mapo_tofu", "麻婆豆腐", "Mapo tofu", "麻婆豆腐|マーボー豆腐|まーぼーどうふ|麻婆|マーボードウフ",
      "mapo tofu|mabo tofu", "dish",
      [("tofu_momen", 150), ("pork_ground", 40), ("negi", 10), ("miso", 8), ("soy_sauce", 5), ("sugar", 2), ("sesame_oil", 3),
       ("vegetable_oil", 6), ("potato_starch", 4), ("chicken_stock_granules", 2), ("water", 60)],
      "Recipe (assumption): firm tofu 150 g, ground pork 40 g, negi 10 g, miso (for doubanjiang/tianmianjiang) 8 g, soy sauce 5 g, sugar 2 g, sesame oil 3 g, oil 6 g, starch 4 g, stock 2 g, water 60 g",
      portions="皿=290|人前=290|plate=290")
    C("yakiniku", "焼肉（牛カルビ）", "Yakiniku (grilled beef short plate)", "焼肉|焼き肉|やきにく|ヤキニク|牛カルビ焼肉",
      "yakiniku|korean bbq|japanese bbq", "dish",
      [("beef_belly", 150), ("soy_sauce", 10), ("sugar", 5), ("mirin", 5), ("sesame_oil", 2), ("garlic", 2)],
      "Recipe (assumption), one serving: beef short plate 150 g, sauce of soy sauce 10 g, sugar 5 g, mirin 5 g, sesame oil 2 g, garlic 2 g",
      portions="人前=174|皿=174")
    C("yakiniku_teishoku", "焼肉定食", "Yakiniku set meal", "焼肉定食|焼き肉定食|焼肉ランチ",
      "yakiniku set meal|yakiniku teishoku", "set_meal",
      [("rice_cooked", 200), ("yakiniku", 120), ("cabbage", 50), ("miso_soup", 183)],
      "Set meal (assumption): rice 200 g, yakiniku 120 g, shredded cabbage 50 g, miso soup 183 g",
      portions="人前=553|食=553|セット=553|set=553", set_meal=True)
    C("nori_bento", "のり弁当", "Nori bento (nori bento box)", "のり弁|のり弁当|海苔弁|海苔弁当|のりべん",
      "nori bento|noriben", "set_meal",
      [("rice_cooked", 250), ("nori", 3), ("katsuobushi", 2), ("soy_sauce", 5), ("cod", 50), ("flour", 8), ("vegetable_oil", 12),
       ("chikuwa", 25), ("burdock", 20), ("sugar", 3)],
      "Bento (assumption): rice 250 g, nori 3 g, okaka (bonito 2 g, soy sauce 5 g), white fish fry (cod 50 g, flour 8 g), chikuwa tempura 25 g, frying oil 12 g, kinpira 20 g, sugar 3 g",
      portions="個=378|食=378|人前=378|パック=378", set_meal=True)
    C("karaage_bento", "唐揚げ弁当", "Karaage bento", "唐揚げ弁当|からあげ弁当|から揚げ弁当|唐揚弁当",
      "karaage bento|fried chicken bento", "set_meal",
      [("rice_cooked", 250), ("karaage", 150), ("cabbage", 20), ("umeboshi", 5)],
      "Bento (assumption): rice 250 g, karaage 150 g, cabbage 20 g, umeboshi 5 g",
      portions="個=425|食=425|人前=425|パック=425", set_meal=True)
    C("yakitori", "焼き鳥（もも・たれ）", "Yakitori (chicken thigh skewer, sauce)", "焼き鳥|焼鳥|やきとり|ヤキトリ|ねぎま",
      "yakitori|chicken skewer|chicken skewers", "dish",
      [("chicken_thigh", 30), ("negi", 5), ("soy_sauce", 2), ("mirin", 2), ("sugar", 1)],
      "Recipe (assumption), one skewer: chicken thigh 30 g, negi 5 g, tare of soy sauce 2 g, mirin 2 g, sugar 1 g",
      portions="本=40|串=40|piece=40", default_g=40)
    C("ebi_fry", "エビフライ", "Fried breaded shrimp (ebi fry)", "エビフライ|えびフライ|海老フライ",
      "fried shrimp|breaded shrimp", "dish",
      [("shrimp", 25), ("flour", 3), ("egg_raw", 4), ("panko", 5), ("vegetable_oil", 5)],
      "Recipe (assumption), one piece: shrimp 25 g, flour 3 g, egg 4 g, panko 5 g, absorbed oil 5 g",
      portions="本=42|piece=42|尾=42", default_g=84)
    C("potato_salad", "ポテトサラダ", "Japanese potato salad", "ポテトサラダ|ポテサラ|ぽてとさらだ",
      "potato salad", "dish",
      [("potato", 70), ("cucumber", 10), ("carrot", 5), ("ham", 5), ("mayonnaise", 12)],
      "Recipe (assumption): potato 70 g, cucumber 10 g, carrot 5 g, ham 5 g, mayonnaise 12 g",
      portions="皿=102|人前=102", default_g=102)
    # ---------------- Western everyday
    C("pancake", "パンケーキ", "Pancake", "パンケーキ|ホットケーキ|ぱんけーき|ほっとけーき",
      "pancake|pancakes|hotcake|hotcakes", "sweet",
      [("flour", 25), ("milk", 28), ("egg_raw", 8), ("sugar", 4), ("butter", 3)],
      "Recipe (assumption), one 4-5 inch pancake: flour 25 g, milk 28 g, egg 8 g, sugar 4 g, butter 3 g",
      portions="枚=68|piece=68|個=68|piece@en=40", default_g=204)
    C("muffin", "マフィン", "Muffin", "マフィン|まふぃん|ブルーベリーマフィン",
      "muffin|muffins|blueberry muffin|blueberry muffins", "sweet",
      [("flour", 40), ("sugar", 22), ("butter", 15), ("vegetable_oil", 5), ("egg_raw", 15), ("milk", 20), ("blueberries", 15)],
      "Recipe (assumption), one bakery muffin: flour 40 g, sugar 22 g, butter 15 g, oil 5 g, egg 15 g, milk 20 g, blueberries 15 g",
      portions="個=132|piece=132")
    C("cookie", "クッキー", "Cookie", "クッキー|くっきー|ビスケット|チョコチップクッキー",
      "cookie|cookies|chocolate chip cookie|chocolate chip cookies|biscuit", "sweet",
      [("flour", 6), ("butter", 3), ("sugar", 3), ("egg_raw", 1), ("milk_chocolate", 2)],
      "Recipe (assumption), one 15 g cookie: flour 6 g, butter 3 g, sugar 3 g, egg 1 g, chocolate 2 g",
      portions="枚=10|個=10|piece=10|piece@en=15", default_g=30)
    C("scrambled_eggs", "スクランブルエッグ", "Scrambled eggs", "スクランブルエッグ|いり卵|炒り卵|すくらんぶるえっぐ",
      "scrambled eggs|scrambled egg|scrambled", "egg",
      [("egg_raw", 100), ("milk", 15), ("butter", 5)],
      "Recipe (assumption): 2 eggs 100 g, milk 15 g, butter 5 g",
      portions="皿=120|人前=120|egg=60|個=60|piece=60", default_g=120)
    C("taco", "タコス", "Beef taco", "タコス|たこす",
      "taco|tacos|beef taco|beef tacos", "dish",
      [("flour", 12), ("vegetable_oil", 3), ("ground_beef_cooked", 30), ("cheddar", 10), ("lettuce", 10), ("tomato", 10)],
      "Recipe (assumption), one taco: shell as flour 12 g + oil 3 g, cooked ground beef 30 g, cheddar 10 g, lettuce 10 g, tomato 10 g",
      portions="個=75|piece=75", default_g=150)
    C("burrito", "ブリトー", "Chicken burrito", "ブリトー|ぶりとー|ブリート",
      "burrito|burritos|chicken burrito", "dish",
      [("flour", 60), ("vegetable_oil", 8), ("rice_cooked", 100), ("chicken_breast_roasted", 70), ("cheddar", 25), ("cream", 15),
       ("tomato", 30), ("lettuce", 15)],
      "Recipe (assumption): tortilla as flour 60 g + oil 8 g, rice 100 g, roasted chicken 70 g, cheddar 25 g, cream 15 g, salsa (tomato) 30 g, lettuce 15 g",
      portions="個=323|piece=323")
    C("naan", "ナン", "Naan", "ナン|なん|ナンブレッド",
      "naan|nan bread|naan bread", "bread",
      [("flour", 60), ("yogurt_plain", 10), ("milk", 10), ("butter", 5), ("vegetable_oil", 3), ("sugar", 2)],
      "Recipe (assumption), one naan: flour 60 g, yogurt 10 g, milk 10 g, butter 5 g, oil 3 g, sugar 2 g; the dough's water is not counted",
      portions="枚=90|個=90|piece=90")
    C("curry_sauce", "カレー（ルー）", "Curry (sauce, no rice)", "カレーソース|チキンカレー|バターチキンカレー",
      "chicken curry|butter chicken|curry sauce", "dish",
      [("chicken_thigh", 80), ("onion", 50), ("tomato_canned", 50), ("cream", 20), ("butter", 10), ("curry_roux", 15), ("water", 60)],
      "Recipe (assumption): chicken thigh 80 g, onion 50 g, canned tomato 50 g, cream 20 g, butter 10 g, curry roux 15 g, water 60 g",
      portions="皿=285|人前=285|bowl=285|plate=285")
    C("granola", "グラノーラ", "Granola", "グラノーラ|ぐらのーら|フルグラ",
      "granola", "grain",
      [("oatmeal", 30), ("honey", 6), ("vegetable_oil", 5), ("almonds", 5), ("sugar", 4)],
      "Recipe (assumption), one 50 g serving: oats 30 g, honey 6 g, oil 5 g, almonds 5 g, sugar 4 g",
      portions="杯=50|bowl=50|cup=110|カップ=90", default_g=50)
    C("almond_milk", "アーモンドミルク", "Almond milk (unsweetened)", "アーモンドミルク|アーモンド飲料|あーもんどみるく",
      "almond milk|almond drink|unsweetened almond milk", "drink",
      [("almonds", 2.5), ("water", 97.5)],
      "Recipe (assumption): 2.5 % almonds in water, unsweetened",
      portions="杯=200|glass=240|cup=240|本=200|パック=200", default_g=200, density=1.0)
    C("chicken_nuggets", "チキンナゲット", "Chicken nuggets", "チキンナゲット|ナゲット|ちきんなげっと",
      "chicken nuggets|chicken nugget|nuggets|nugget", "dish",
      [("chicken_breast_skinless", 11), ("flour", 3), ("potato_starch", 1), ("vegetable_oil", 2.5), ("salt", 0.2)],
      "Recipe (assumption), one 17.7 g nugget: skinless chicken breast 11 g, flour 3 g, starch 1 g, absorbed oil 2.5 g, salt 0.2 g",
      portions="個=17.7|piece=17.7|ピース=17.7", default_g=106.2)


def define_batch5_everyday(mext, usda, composed):
    """More everyday dishes and drinks of the realistic set: spirits, pasta, bakery, sweets, Western plates."""
    C = composed
    usda("protein_powder", "プロテイン（ホエイ）", "Whey protein powder",
         "プロテイン|ぷろていん|プロテインパウダー|ホエイプロテイン|ホエイ|プロテイン粉末",
         "protein powder|whey protein|whey protein powder|whey|protein scoop", "dairy", "SR", 173180,
         "Beverages, Protein powder whey based",
         352, 78.1, 1.56, 6.25,
         portions="杯=30|スクープ=30|scoop=30|serving@en=30|回分=30|食=30", default_g=30)
    C("protein_with_milk", "プロテイン（牛乳割り）", "Whey protein shake with milk",
      "プロテイン牛乳割り|プロテインの牛乳割り|牛乳割りプロテイン|プロテインミルク|プロテイン（牛乳）",
      "protein shake with milk|protein with milk|whey with milk", "drink",
      [("protein_powder", 30), ("milk", 206)],
      "Recipe (assumption), one shaker: whey protein powder 30 g (one scoop) in 200 ml of whole milk (206 g)",
      portions="杯=236|本=236|glass=236|cup=236|shaker=236", default_g=236, density=1.04)
    mext("whisky", "ウイスキー", "Whisky", "ウイスキー|ウィスキー|ウヰスキー|ういすきー",
         "whisky|whiskey|scotch|bourbon", "alcohol", "16016", "＜アルコール飲料類＞　（蒸留酒類）　ウイスキー",
         234, 0, 0, 0, 33.4, portions="ショット=30|shot=30|杯=30|glass=45|ダブル=60", default_g=30, density=0.95)
    mext("shochu", "焼酎（本格焼酎）", "Shochu (single distilled)", "焼酎|しょうちゅう|本格焼酎|芋焼酎|麦焼酎",
         "shochu", "alcohol", "16015", "＜アルコール飲料類＞　（蒸留酒類）　しょうちゅう　単式蒸留しょうちゅう",
         144, 0, 0, 0, 20.5, portions="杯=60|glass=60|合=180", default_g=60, density=0.97)
    mext("white_wine", "白ワイン", "White wine", "白ワイン|しろワイン|白ぶどう酒",
         "white wine|chardonnay|sauvignon blanc", "alcohol", "16010", "＜アルコール飲料類＞　（醸造酒類）　ぶどう酒　白",
         75, 0.1, 0, 2.0, 9.1, portions="杯=124|グラス=124|glass=150|bottle=750", default_g=124, density=0.99)
    usda("maple_syrup", "メープルシロップ", "Maple syrup", "メープルシロップ|メイプルシロップ",
         "maple syrup", "condiment", "SR", 169661, "Syrups, maple",
         260, 0.04, 0.06, 67.04, portions="大さじ=20|tbsp=20|小さじ=7|tsp=7", default_g=40, density=1.33)
    C("highball", "ハイボール", "Highball (whisky and soda)", "ハイボール|ハイボ|角ハイ|ウイスキーソーダ",
      "highball|whisky soda|whiskey soda|whisky highball", "alcohol",
      [("whisky", 30), ("water", 320)],
      "Recipe (assumption): whisky 30 g topped with 320 g soda water (one 350 ml glass)",
      portions="杯=350|グラス=350|glass=350|ジョッキ=350|缶=350", default_g=350, density=1.0)
    C("shochu_mizuwari", "焼酎の水割り", "Shochu with water", "焼酎水割り|焼酎の水割り|水割り|お湯割り|焼酎お湯割り",
      "shochu with water", "alcohol",
      [("shochu", 60), ("water", 120)],
      "Recipe (assumption): shochu 60 g with water 120 g",
      portions="杯=180|グラス=180|glass=180", default_g=180, density=1.0)
    C("lemon_sour", "レモンサワー", "Lemon sour (chuhai)", "レモンサワー|~チューハイ|~酎ハイ|~サワー|レモンハイ|~缶チューハイ",
      "lemon sour|~chuhai|~shochu highball", "alcohol",
      [("shochu", 60), ("sugar", 12), ("water", 278)],
      "Recipe (assumption), one 350 ml glass or can: shochu 60 g, sugar 12 g, soda and lemon as water 278 g",
      portions="杯=350|グラス=350|glass=350|ジョッキ=350|缶=350|can=350", default_g=350, density=1.0)
    C("peperoncino", "ペペロンチーノ", "Spaghetti aglio e olio (peperoncino)", "ペペロンチーノ|ぺぺろんちーの|ペペロンチーニ",
      "aglio e olio|spaghetti aglio olio|peperoncino", "dish",
      [("pasta_boiled", 250), ("olive_oil", 20), ("garlic", 5), ("salt", 1)],
      "Recipe (assumption): boiled spaghetti 250 g (100 g dry), olive oil 20 g, garlic 5 g, salt 1 g",
      portions="皿=276|人前=276|plate=276")
    C("carbonara", "カルボナーラ", "Spaghetti carbonara", "カルボナーラ|かるぼなーら",
      "carbonara|spaghetti carbonara|pasta carbonara", "dish",
      [("pasta_boiled", 250), ("bacon", 30), ("egg_raw", 50), ("cream", 40), ("parmesan", 10), ("olive_oil", 5)],
      "Recipe (assumption): boiled spaghetti 250 g, bacon 30 g, egg 50 g, cream 40 g, parmesan 10 g, olive oil 5 g",
      portions="皿=385|人前=385|plate=385")
    C("champon", "ちゃんぽん", "Champon (Nagasaki noodle soup)", "ちゃんぽん|チャンポン|長崎ちゃんぽん",
      "champon", "dish",
      [("chuka_men_raw", 130), ("milk", 100), ("water", 250), ("chicken_stock_granules", 5), ("pork_belly", 40), ("shrimp", 20),
       ("squid", 20), ("cabbage", 60), ("bean_sprouts", 40), ("kamaboko", 10), ("vegetable_oil", 8)],
      "Recipe (assumption): noodles 130 g, milk 100 g, water 250 g, stock 5 g, pork belly 40 g, shrimp 20 g, squid 20 g, cabbage 60 g, bean sprouts 40 g, kamaboko 10 g, oil 8 g",
      portions="杯=683|bowl=683|人前=683")
    C("tantanmen", "担々麺", "Tantanmen (sesame chili ramen)", "担々麺|坦々麺|担担麺|たんたんめん|タンタンメン",
      "tantanmen|dandan noodles|tan tan ramen", "dish",
      [("chuka_men_raw", 120), ("water", 300), ("sesame_seeds", 25), ("pork_ground", 40), ("miso", 10), ("soy_sauce", 10),
       ("sesame_oil", 8), ("chicken_stock_granules", 5), ("komatsuna", 30)],
      "Recipe (assumption): noodles 120 g, water 300 g, sesame paste as sesame seeds 25 g, ground pork 40 g, miso 10 g, soy sauce 10 g, chili/sesame oil 8 g, stock 5 g, greens 30 g",
      portions="杯=548|bowl=548|人前=548")
    C("tsukemen", "つけ麺", "Tsukemen (dipping ramen)", "つけ麺|つけめん|ツケメン",
      "tsukemen|dipping ramen", "dish",
      [("chuka_men_raw", 200), ("water", 150), ("soy_sauce", 20), ("pork_belly", 40), ("katsuobushi", 3), ("vegetable_oil", 10),
       ("sugar", 5), ("egg_boiled", 25)],
      "Recipe (assumption): thick raw noodles 200 g, dipping soup of water 150 g, soy sauce 20 g, bonito 3 g, fat 10 g, sugar 5 g; chashu 40 g, half egg 25 g",
      portions="杯=453|人前=453|bowl=453")
    C("tendon", "天丼", "Tempura rice bowl (tendon)", "天丼|てんどん|天どん|海老天丼",
      "tendon|tempura bowl|tempura rice bowl", "dish",
      [("rice_cooked", 250), ("shrimp", 40), ("kabocha", 30), ("eggplant", 30), ("flour", 25), ("egg_raw", 10),
       ("vegetable_oil", 22), ("mentsuyu", 30), ("sugar", 5)],
      "Recipe (assumption): rice 250 g, tempura of shrimp 40 g, kabocha 30 g, eggplant 30 g (flour 25 g, egg 10 g, absorbed oil 22 g), sauce of mentsuyu 30 g and sugar 5 g",
      portions="杯=442|人前=442|bowl=442")
    C("kaisendon", "海鮮丼", "Sashimi rice bowl (kaisendon)", "海鮮丼|かいせんどん|海鮮どん|刺身丼",
      "kaisendon|seafood bowl|sashimi bowl", "dish",
      [("rice_cooked", 250), ("salmon_raw", 30), ("yellowtail", 30), ("squid", 20), ("shrimp", 20), ("scallop", 20),
       ("soy_sauce", 8), ("nori", 1)],
      "Recipe (assumption): rice 250 g, salmon 30 g, yellowtail 30 g, squid 20 g, shrimp 20 g, scallop 20 g, soy sauce 8 g, nori 1 g",
      portions="杯=379|人前=379|bowl=379")
    C("katsu_curry", "カツカレー", "Katsu curry", "カツカレー|かつカレー|カツカレーライス",
      "katsu curry|pork cutlet curry", "dish",
      [("curry_rice", 474), ("tonkatsu", 138)],
      "Recipe (assumption): one curry rice (474 g) topped with one tonkatsu (138 g)",
      portions="皿=612|人前=612|plate=612")
    C("dorayaki", "どら焼き", "Dorayaki", "どら焼き|どらやき|ドラ焼き|銅鑼焼き",
      "dorayaki", "sweet",
      [("flour", 25), ("egg_raw", 15), ("sugar", 15), ("honey", 3), ("anko", 35)],
      "Recipe (assumption), one dorayaki: flour 25 g, egg 15 g, sugar 15 g, honey 3 g, anko 35 g; the batter's water is not counted",
      portions="個=93|piece=93")
    C("daifuku", "大福", "Daifuku (mochi with red bean paste)", "大福|だいふく|豆大福|大福もち",
      "daifuku|mochi", "sweet",
      [("potato_starch", 2), ("anko", 40), ("sugar", 5), ("rice_raw", 30)],
      "Recipe (assumption), one daifuku: glutinous rice as raw rice 30 g, anko 40 g, sugar 5 g, starch 2 g; water not counted",
      portions="個=77|piece=77")
    C("senbei", "せんべい", "Rice cracker (senbei)", "せんべい|煎餅|おせんべい|しょうゆせんべい|揚げせん",
      "rice cracker|rice crackers|senbei", "snack",
      [("rice_raw", 18), ("soy_sauce", 2)],
      "Recipe (assumption), one 20 g cracker: rice 18 g (as rice flour), soy sauce 2 g; water baked off",
      portions="枚=20|piece=20|個=20|袋=100", default_g=40)
    C("shortcake", "ショートケーキ", "Strawberry shortcake", "ショートケーキ|いちごのショートケーキ|苺ショート",
      "strawberry shortcake|shortcake", "sweet",
      [("flour", 20), ("egg_raw", 25), ("sugar", 25), ("butter", 5), ("cream", 35), ("strawberry", 15)],
      "Recipe (assumption), one slice: sponge of flour 20 g, egg 25 g, sugar 20 g, butter 5 g; whipped cream 35 g with sugar 5 g; strawberry 15 g",
      portions="個=125|piece=125|切れ=125|slice=125")
    C("cream_puff", "シュークリーム", "Cream puff", "シュークリーム|しゅーくりーむ|シュー",
      "cream puff|cream puffs|choux cream", "sweet",
      [("flour", 10), ("butter", 8), ("egg_raw", 20), ("milk", 45), ("sugar", 12), ("cream", 10), ("potato_starch", 4)],
      "Recipe (assumption), one puff: choux of flour 10 g, butter 8 g, egg 15 g; custard of milk 45 g, egg 5 g, sugar 12 g, starch 4 g; cream 10 g",
      portions="個=109|piece=109")
    C("donut", "ドーナツ", "Doughnut", "ドーナツ|ドーナッツ|どーなつ|オールドファッション",
      "donut|donuts|doughnut|doughnuts|glazed donut", "sweet",
      [("flour", 30), ("sugar", 10), ("egg_raw", 5), ("milk", 10), ("vegetable_oil", 12), ("butter", 2)],
      "Recipe (assumption), one ring doughnut: flour 30 g, sugar 10 g (with glaze), egg 5 g, milk 10 g, absorbed oil 12 g, butter 2 g",
      portions="個=69|piece=69")
    C("croissant", "クロワッサン", "Croissant", "クロワッサン|くろわっさん",
      "croissant|croissants|butter croissant", "bread",
      [("flour", 30), ("butter", 15), ("milk", 6), ("sugar", 3), ("egg_raw", 3)],
      "Recipe (assumption), one croissant: flour 30 g, butter 15 g, milk 6 g, sugar 3 g, egg 3 g; water baked off",
      portions="個=57|piece=57")
    C("melon_pan", "メロンパン", "Melon pan", "メロンパン|めろんぱん",
      "melon pan|melon bread", "bread",
      [("flour", 60), ("sugar", 20), ("butter", 15), ("egg_raw", 10), ("milk", 15)],
      "Recipe (assumption), one melon pan: flour 60 g, sugar 20 g, butter 15 g, egg 10 g, milk 15 g; water baked off",
      portions="個=120|piece=120")
    C("anpan", "あんパン", "Anpan (sweet bean bun)", "あんパン|あんぱん|アンパン|つぶあんパン|こしあんパン",
      "anpan|red bean bun", "bread",
      [("flour", 35), ("sugar", 5), ("butter", 3), ("milk", 10), ("anko", 45)],
      "Recipe (assumption), one bun: flour 35 g, sugar 5 g, butter 3 g, milk 10 g, anko 45 g",
      portions="個=98|piece=98")
    C("matcha_latte", "抹茶ラテ", "Matcha latte", "抹茶ラテ|まっちゃラテ|抹茶オレ|グリーンティーラテ",
      "matcha latte|green tea latte", "drink",
      [("milk", 250), ("sugar", 15), ("green_tea", 50)],
      "Recipe (assumption), one 315 g cup: milk 250 g, sugar 15 g, matcha as tea 50 g",
      portions="杯=315|cup=315", default_g=315, density=1.03)
    C("bubble_tea", "タピオカミルクティー", "Bubble milk tea", "タピオカミルクティー|タピオカ|タピオカドリンク",
      "bubble tea|boba tea|boba|milk tea with tapioca", "drink",
      [("black_tea", 250), ("milk", 100), ("sugar", 25), ("potato_starch", 50)],
      "Recipe (assumption), one 500 ml cup: tea 250 g, milk 100 g, sugar 25 g, tapioca pearls as starch 50 g",
      portions="杯=425|cup=425", default_g=425, density=1.05)
    C("milk_tea_bottle", "ミルクティー", "Milk tea (sweetened)", "ミルクティー|ミルクティ|ロイヤルミルクティー|午後ティー",
      "milk tea|sweet milk tea", "drink",
      [("black_tea", 370), ("milk", 100), ("sugar", 30)],
      "Recipe (assumption), one 500 g bottle: tea 370 g, milk 100 g, sugar 30 g",
      portions="杯=240|本=500|cup=240", default_g=240, density=1.03)
    C("canned_coffee", "缶コーヒー", "Canned coffee (milk and sugar)", "缶コーヒー|缶コーヒ|微糖コーヒー|コーヒー飲料",
      "canned coffee", "drink",
      [("coffee_black", 155), ("milk", 20), ("sugar", 10)],
      "Recipe (assumption), one 185 g can: coffee 155 g, milk 20 g, sugar 10 g",
      portions="缶=185|can=185|本=185", default_g=185, density=1.02)
    C("smoothie", "スムージー", "Fruit smoothie", "スムージー|フルーツスムージー",
      "smoothie|fruit smoothie|banana smoothie", "drink",
      [("banana", 100), ("strawberry", 80), ("yogurt_plain", 100), ("orange_juice", 100)],
      "Recipe (assumption), one 380 g smoothie: banana 100 g, strawberries 80 g, yogurt 100 g, orange juice 100 g",
      portions="杯=380|cup=380|glass=380", default_g=380, density=1.05)
    C("hot_dog", "ホットドッグ", "Hot dog", "ホットドッグ|ほっとどっぐ|ホットドック",
      "hot dog|hot dogs|hotdog", "dish",
      [("bread_roll", 45), ("sausage", 50), ("ketchup", 10), ("onion", 5)],
      "Recipe (assumption): bun as bread roll 45 g, frankfurter 50 g, ketchup 10 g, onion 5 g",
      portions="個=110|piece=110|本=110")
    C("mac_and_cheese", "マカロニチーズ", "Macaroni and cheese", "マカロニチーズ|マカロニアンドチーズ|マックアンドチーズ",
      "mac and cheese|macaroni and cheese|mac n cheese", "dish",
      [("pasta_boiled", 180), ("cheddar", 40), ("milk", 50), ("butter", 10), ("flour", 5)],
      "Recipe (assumption): boiled macaroni 180 g, cheddar 40 g, milk 50 g, butter 10 g, flour 5 g",
      portions="皿=285|人前=285|cup=200|bowl=285|plate=285", default_g=220)
    C("quesadilla", "ケサディーヤ", "Chicken quesadilla", "ケサディーヤ|ケサディア|ケサディージャ",
      "quesadilla|quesadillas|chicken quesadilla", "dish",
      [("flour", 60), ("vegetable_oil", 10), ("cheddar", 50), ("chicken_breast_roasted", 60), ("onion", 15)],
      "Recipe (assumption): two tortillas as flour 60 g + oil 10 g, cheddar 50 g, roasted chicken 60 g, onion 15 g",
      portions="個=195|piece=195|皿=195|plate=195")
    C("california_roll", "カリフォルニアロール", "California roll", "カリフォルニアロール|かりふぉるにあろーる",
      "california roll|california rolls|sushi roll|sushi rolls", "dish",
      [("rice_cooked", 150), ("vinegar", 10), ("sugar", 5), ("avocado", 25), ("kamaboko", 25), ("cucumber", 15), ("mayonnaise", 8),
       ("nori", 2), ("sesame_seeds", 2)],
      "Recipe (assumption), one 8-piece roll: rice 150 g with vinegar 10 g and sugar 5 g, avocado 25 g, imitation crab as kamaboko 25 g, cucumber 15 g, mayonnaise 8 g, nori 2 g, sesame 2 g",
      portions="本=242|roll=242|皿=242|個=30|piece=30", default_g=242)
    C("waffle", "ワッフル", "Waffle", "ワッフル|わっふる|ベルギーワッフル",
      "waffle|waffles|belgian waffle", "sweet",
      [("flour", 35), ("milk", 40), ("egg_raw", 15), ("butter", 8), ("sugar", 6)],
      "Recipe (assumption), one 7-inch waffle: flour 35 g, milk 40 g, egg 15 g, butter 8 g, sugar 6 g",
      portions="個=104|piece=104|枚=104")
    C("avocado_toast", "アボカドトースト", "Avocado toast", "アボカドトースト|アボトースト",
      "avocado toast", "bread",
      [("bread_shokupan", 50), ("avocado", 50), ("olive_oil", 5), ("salt", 0.5)],
      "Recipe (assumption): one 50 g slice of toast, avocado 50 g, olive oil 5 g, salt 0.5 g",
      portions="枚=105.5|slice=105.5|piece=105.5")
    C("pbj_sandwich", "ピーナッツバターとジャムのサンドイッチ", "Peanut butter and jelly sandwich", "PB&Jサンド|ピーナッツバターサンド",
      "peanut butter and jelly sandwich|pb&j|pbj|peanut butter and jelly|peanut butter sandwich", "dish",
      [("bread_shokupan", 56), ("peanut_butter", 32), ("jam", 20)],
      "Recipe (assumption): two 28 g slices of bread, peanut butter 32 g (2 tbsp), jam 20 g",
      portions="個=108|piece=108")
    C("kinpira_gobo", "きんぴらごぼう", "Kinpira gobo (braised burdock and carrot)", "きんぴらごぼう|きんぴら|金平ごぼう|きんぴらゴボウ",
      "kinpira gobo|kinpira", "dish",
      [("burdock", 50), ("carrot", 15), ("sesame_oil", 4), ("soy_sauce", 6), ("sugar", 4), ("mirin", 5), ("sesame_seeds", 1)],
      "Recipe (assumption), one side dish: burdock 50 g, carrot 15 g, sesame oil 4 g, soy sauce 6 g, sugar 4 g, mirin 5 g, sesame 1 g",
      portions="皿=85|人前=85|小鉢=85")
    C("purin", "プリン", "Custard pudding (purin)", "プリン|ぷりん|カスタードプリン|焼きプリン",
      "custard pudding|pudding|flan|creme caramel", "sweet",
      [("milk", 70), ("egg_raw", 25), ("sugar", 12)],
      "Recipe (assumption), one 107 g cup: milk 70 g, egg 25 g, sugar 12 g (with caramel)",
      portions="個=107|piece=107|カップ=107")
    C("curry_pan", "カレーパン", "Curry bread (fried)", "カレーパン|かれーぱん",
      "curry bread|curry bun|kare pan", "bread",
      [("flour", 40), ("sugar", 3), ("curry_roux", 8), ("pork_ground", 10), ("onion", 10), ("panko", 5), ("vegetable_oil", 10)],
      "Recipe (assumption), one fried bun: flour 40 g, sugar 3 g, filling of curry roux 8 g, ground pork 10 g, onion 10 g, panko 5 g, absorbed oil 10 g",
      portions="個=86|piece=86")
    C("kimchi", "キムチ", "Kimchi (napa cabbage)", "キムチ|きむち|白菜キムチ",
      "kimchi|kimchee", "vegetable",
      [("hakusai", 90), ("garlic", 2), ("ginger", 1), ("sugar", 2), ("salt", 3), ("negi", 2)],
      "Recipe (assumption), per 100 g: napa cabbage 90 g, garlic 2 g, ginger 1 g, sugar 2 g, salt 3 g, negi 2 g (chili not counted)",
      portions="皿=50|人前=50|パック=100", default_g=50)
    C("tomato_soup", "トマトスープ", "Tomato soup", "トマトスープ|とまとすーぷ",
      "tomato soup|cream of tomato soup", "soup",
      [("tomato_canned", 180), ("onion", 20), ("butter", 5), ("sugar", 5), ("consomme", 3), ("water", 40)],
      "Recipe (assumption), one 253 g bowl: canned tomato 180 g, onion 20 g, butter 5 g, sugar 5 g, bouillon 3 g, water 40 g",
      portions="杯=253|cup=245|bowl=253|皿=253", default_g=253, density=1.03)
    C("mixed_berries", "ミックスベリー", "Mixed berries", "ミックスベリー|ベリーミックス|ベリー",
      "mixed berries|berries|berry mix", "fruit",
      [("strawberry", 50), ("blueberries", 50), ("raspberries", 50)],
      "Mix (assumption), one 150 g cup: strawberries 50 g, blueberries 50 g, raspberries 50 g",
      portions="cup=150|カップ=120|handful=40|杯=150", default_g=150)
    C("cafe_latte", "カフェラテ", "Caffe latte", "カフェラテ|ラテ|カフェラッテ|ホットラテ|アイスラテ",
      "latte|cafe latte|caffe latte|iced latte|hot latte", "drink",
      [("coffee_black", 40), ("milk", 210)],
      "Recipe (assumption), one 250 g cup: espresso as brewed coffee 40 g, steamed milk 210 g (unsweetened)",
      portions="杯=250|cup=250|mug=300|glass=250", default_g=250, density=1.025)
    C("ohitashi", "ほうれん草のおひたし", "Spinach ohitashi", "ほうれん草のおひたし|おひたし|お浸し|ほうれんそうのおひたし",
      "ohitashi|spinach ohitashi", "vegetable",
      [("spinach", 70), ("soy_sauce", 5), ("dashi", 10), ("katsuobushi", 1)],
      "Recipe (assumption), one side dish: boiled spinach 70 g, soy sauce 5 g, dashi 10 g, bonito flakes 1 g",
      portions="皿=86|人前=86|小鉢=86")
