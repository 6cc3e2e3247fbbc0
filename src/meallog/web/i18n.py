"""UI strings of the web pages in Japanese and English, and locale-aware date and number formats."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Final

Locale = str  # "ja" | "en"
LOCALES: Final = ("ja", "en")

STRINGS: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "app": "meallog", "signin_title": "Sign in", "token": "Access token",
        "token_help_pre": "Paste the token that ",
        "token_help_post": " printed for you (or the admin token, for the ops page).",
        "signin": "Sign in", "signout": "Sign out", "bad_token": "That token is not valid.",
        "csrf": "The form expired. Please try again.", "today": "Today", "prev": "Previous day",
        "next": "Next day", "go": "Go", "day_total": "Day total", "target": "target",
        "left_pre": "", "left_post": " kcal left", "over_pre": "", "over_post": " kcal over",
        "meal_one": "meal", "protein": "Protein", "fat": "Fat", "carbs": "Carbs",
        "add_meal": "Add a meal", "meal_text": "What did you eat?",
        "meal_placeholder": "e.g. 2 eggs, toast with butter, black coffee", "time": "Time",
        "meal_type": "Meal", "auto": "Auto", "add": "Add", "save": "Save", "edit": "Edit", "cancel": "Cancel",
        "delete": "Delete", "restore": "Restore", "deleted": "Deleted today", "no_meals": "No meals logged yet.",
        "no_meals_help": "Type what you ate above; items, grams and nutrition are filled in for you.",
        "no_items": "No food recognised in this text.", "item": "Item", "amount": "Amount", "grams": "g",
        "kcal": "kcal", "p": "P", "f": "F", "c": "C", "breakfast": "Breakfast", "lunch": "Lunch",
        "dinner": "Dinner", "snack": "Snack", "status_estimated": "estimated", "status_amount_unknown":
        "amount unknown", "status_unmatched": "unknown food", "status_ok": "",
        "list_sep": ", ", "colon": ": ",
        "why_variant_match": "a name for several dishes: the numbers are the table's usual one.",
        "why_parent_modifier": "a dish the table knows, with words it does not: the plain dish's numbers.",
        "why_fuzzy_match": "read as the nearest name in the table (a likely typo).",
        "why_piece_estimate": "the table has no weight for one piece: a typical piece of its kind.",
        "why_provider_values": "the food is not in the table: the nutrition service's own numbers.",
        "why_never_zero_estimate": "energy estimated from a typical food of its category.",
        "why_zero_calorie": "a drink the table does not know, counted as zero calories for its kind.",
        "why_estimated": "an estimate, not a table value.",
        "why_amount_unknown": "the amount could not be read, so the numbers may be rough or 0.",
        "why_unmatched": "the food could not be recognised, so its numbers may be 0.",
        "proposal": "Set meal", "proposal_help": "Split it into its usual parts?",
        "confirm_split": "Use this breakdown", "ops": "Ops", "added": "Meal added.", "saved": "Meal saved.",
        "deleted_msg": "Meal deleted.", "restored": "Meal restored.", "split": "Set meal split into its parts.",
        "invalid": "That did not work: check the text and time.", "not_found": "That meal no longer exists.",
        "meals": "meals", "escaped": "",
    },
    "ja": {
        "app": "meallog", "signin_title": "サインイン", "token": "アクセストークン",
        "token_help_pre": "",
        "token_help_post": " で発行されたトークン（運用ページは管理トークン）を貼り付けてください。",
        "signin": "サインイン", "signout": "サインアウト", "bad_token": "トークンが正しくありません。",
        "csrf": "フォームの有効期限が切れました。もう一度お試しください。", "today": "今日", "prev": "前日",
        "next": "翌日", "go": "表示", "day_total": "1日の合計", "target": "目標", "left_pre": "残り ",
        "left_post": " kcal", "over_pre": "超過 ", "over_post": " kcal", "meal_one": "件",
        "protein": "たんぱく質", "fat": "脂質", "carbs": "炭水化物", "add_meal": "食事を記録",
        "meal_text": "何を食べましたか？", "meal_placeholder": "例: ご飯 1杯と味噌汁、焼き鮭 1切れ",
        "time": "時刻", "meal_type": "区分", "auto": "自動", "add": "記録する", "save": "保存",
        "edit": "編集", "cancel": "キャンセル", "delete": "削除", "restore": "元に戻す",
        "deleted": "削除した記録", "no_meals": "まだ記録がありません。",
        "no_meals_help": "上の欄に食べたものを入力すると、品目・グラム・栄養価が自動で入ります。",
        "no_items": "このテキストから食品を読み取れませんでした。", "item": "品目", "amount": "量",
        "grams": "g", "kcal": "kcal", "p": "P", "f": "F", "c": "C", "breakfast": "朝食", "lunch": "昼食",
        "dinner": "夕食", "snack": "間食", "status_estimated": "推定", "status_amount_unknown": "量不明",
        "status_unmatched": "不明な食品", "status_ok": "",
        "list_sep": "、", "colon": "：",
        "why_variant_match": "複数の料理を指す名前のため、食品表の代表的な料理の値です。",
        "why_parent_modifier": "食品表にある料理に表にない語が付いているため、元の料理の値です。",
        "why_fuzzy_match": "食品表で最も近い名前として読み取りました（誤字・表記ゆれ）。",
        "why_piece_estimate": "食品表に1個あたりの重さがないため、同じ種類の標準的な1個の重さです。",
        "why_provider_values": "食品表にない食品のため、栄養計算サービスの推定値です。",
        "why_never_zero_estimate": "カテゴリの標準的な食品から推定したエネルギーです。",
        "why_zero_calorie": "食品表にない飲み物のため、種類から 0 kcal としています。",
        "why_estimated": "食品表の値ではなく推定値です。",
        "why_amount_unknown": "量を読み取れず、数値が概算または 0 の場合があります。",
        "why_unmatched": "食品を読み取れず、数値が 0 の場合があります。",
        "proposal": "定食", "proposal_help": "構成品に分けますか？", "confirm_split": "この内訳にする",
        "ops": "運用", "added": "記録しました。", "saved": "保存しました。", "deleted_msg": "削除しました。",
        "restored": "元に戻しました。", "split": "定食を構成品に分けました。",
        "invalid": "保存できませんでした。テキストと時刻を確認してください。",
        "not_found": "この記録はもうありません。", "meals": "件", "escaped": "",
    },
}

WEEKDAYS: Final[Mapping[str, tuple[str, ...]]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "ja": ("月", "火", "水", "木", "金", "土", "日"),
}
MONTHS_EN: Final = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                    "October", "November", "December")


def locale_of(value: str | None) -> Locale:
    """'ja' for Japanese (ja, ja-JP, an Accept-Language starting with ja), else 'en'."""
    return "ja" if (value or "").strip().lower().startswith("ja") else "en"


def long_date(day: date, locale: Locale) -> str:
    if locale == "ja":
        return f"{day.year}年{day.month}月{day.day}日（{WEEKDAYS['ja'][day.weekday()]}）"
    return f"{WEEKDAYS['en'][day.weekday()]}, {day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def num(value: float | None, digits: int = 0) -> str:
    """1234.0 -> '1,234'; 12.25 with digits=1 -> '12.3'; None -> '–'."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def grams(value: float | None) -> str:
    """Grams as the record holds them: 150 -> '150', 22.5 -> '22.5', 1066 -> '1,066'."""
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
