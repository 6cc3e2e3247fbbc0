from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from meallog.cli.nutrition import register


def app() -> typer.Typer:
    a = typer.Typer()
    register(a)

    @a.callback()
    def _root() -> None:  # keeps `parse` a subcommand, as in the main CLI
        pass

    return a


def test_parse_json_is_one_object_with_legacy_and_v2() -> None:
    res = CliRunner().invoke(app(), ["parse", "ご飯 1杯とビビンバ、唐揚げ定食", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {"legacy", "v2"}
    assert set(data["legacy"]["totals"]) == {"kcal", "protein_g", "fat_g", "carbs_g"}
    assert [i["status"] for i in data["v2"]["items"]] == ["ok", "estimated", "ok"]
    assert "unknown_food" in data["v2"]["items"][1]["tags"]
    assert data["legacy"]["items"][1]["kcal"] == 0 and data["v2"]["items"][1]["kcal"] > 0
    assert data["v2"]["proposals"][0]["food_id"] == "karaage_teishoku"


def test_parse_never_zero_off_and_locale() -> None:
    res = CliRunner().invoke(app(), ["parse", "ビビンバ", "--json", "--never-zero", "off", "--locale", "en"])
    data = json.loads(res.stdout)
    assert data["v2"]["totals"]["kcal"] == 0 and data["v2"]["locale"] == "en"


def test_parse_table_output() -> None:
    res = CliRunner().invoke(app(), ["parse", "2 eggs and toast"])
    assert res.exit_code == 0 and "legacy" in res.stdout and "total" in res.stdout


def test_parse_rejects_bad_mode() -> None:
    assert CliRunner().invoke(app(), ["parse", "x", "--never-zero", "maybe"]).exit_code != 0


def test_parse_shows_why_each_item_matched() -> None:
    res = CliRunner().invoke(app(), ["parse", "bananna, 激辛カツ丼, ご飯, ビビンバ", "--json"])
    why = [i["match"] for i in json.loads(res.stdout)["v2"]["items"]]
    assert why[0].startswith("fuzzy 'banana'") and why[1].startswith("parent")
    assert why[2].startswith("alias") and why[3].startswith("estimate")
    table = CliRunner().invoke(app(), ["parse", "bananna"])
    assert "fuzzy" in table.stdout and "why" in table.stdout


def test_parse_shows_a_family_name_and_a_shops_dish() -> None:
    res = CliRunner().invoke(app(), ["parse", "カレー, スタバのラテ, カレーライス 1皿 ビール 500ml", "--json"])
    items = json.loads(res.stdout)["v2"]["items"]
    why = [i["match"] for i in items]
    assert why[0].startswith("variant 'かれー' -> curry_rice") and "variant_match" in items[0]["tags"]
    assert why[1] == "parent 'らて' + 'スタバの'"
    assert [i["food_id"] for i in items[2:]] == ["curry_rice", "beer"]
