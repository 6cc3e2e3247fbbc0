"""The day view's forms in a real browser: sign in with a token (session cookie), add, edit, split a
set meal, delete and restore a meal, move between days, sign out — through the page, no API calls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from meallog.app import create_app
from meallog.store.db import session_scope
from meallog.users import add_user
from tests.serving import serve
from tests.visual.conftest import make_services

# No xdist group: nothing here writes the shared artifacts folder, so it may run beside the baseline tests.


@pytest.fixture
def site(tmp_path: Path, sqlite_template: Path) -> Iterator[dict[str, Any]]:
    # P1 (dual write): every save also writes the v2 record, whose set-meal proposals the page offers.
    services = make_services(tmp_path / "forms.sqlite3", sqlite_template, normalize_v2_shadow=True,
                             dual_write_v2=True)
    with session_scope(services.sessions) as s:
        user, token = add_user(s, name="taro", now=services.clock.now(), locale="ja")
        uid = user.id
    with serve(create_app(services=services)) as url:
        yield {"url": url, "token": token, "services": services, "user_id": uid}
    services.engine.dispose()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 900})
    yield ctx.new_page()
    ctx.close()


def meal(page: Page, nth: int = 0) -> Any:
    return page.locator("article.meal").nth(nth)


def test_sign_in_add_edit_split_delete_restore_through_the_page(site: dict[str, Any], page: Page) -> None:
    logs, uid = site["services"].logs, site["user_id"]
    page.goto(site["url"] + "/")
    page.fill("#token", "not-a-token")
    page.click("button[type=submit]")
    expect(page.locator(".flash-bad")).to_contain_text("トークンが正しくありません")

    page.fill("#token", site["token"])
    page.click("button[type=submit]")
    expect(page).to_have_url(site["url"] + "/day")
    cookie = next(c for c in page.context.cookies() if c["name"] == "meallog_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    expect(page.locator(".empty")).to_be_visible()

    # add
    page.fill("section.add input[name=text]", "ご飯 1杯と味噌汁")
    page.fill("section.add input[name=time]", "07:45")
    page.click("section.add button[type=submit]")
    expect(page.locator(".flash")).to_have_text("記録しました。")
    expect(meal(page).locator("tbody td.name")).to_have_count(2)
    expect(meal(page).locator("time")).to_have_text("07:45")
    expect(meal(page).locator(".mt")).to_have_text("朝食")
    [view] = logs.list_day(user_id=uid, day=None)
    assert view.text == "ご飯 1杯と味噌汁" and view.meal_type == "breakfast" and len(view.items) == 2

    # edit: text, time and meal type
    meal(page).locator("summary").click()
    meal(page).locator("input[name=text]").fill("卵 2個")
    meal(page).locator("input[name=time]").fill("12:10")
    meal(page).locator("select[name=meal_type]").select_option("lunch")
    meal(page).locator("details button[type=submit]").click()
    expect(page.locator(".flash")).to_have_text("保存しました。")
    expect(meal(page).locator("p.meal-text")).to_have_text("卵 2個")
    expect(meal(page).locator(".mt")).to_have_text("昼食")
    [view] = logs.list_day(user_id=uid, day=None)
    assert (view.text, view.meal_type, view.version) == ("卵 2個", "lunch", 2)

    # a set meal: the proposal splits it into its parts
    page.fill("section.add input[name=text]", "唐揚げ定食")
    page.select_option("section.add select[name=meal_type]", "dinner")
    page.click("section.add button[type=submit]")
    expect(page.locator("article.meal")).to_have_count(2)
    set_meal = page.locator("article.meal").nth(1)
    expect(set_meal.locator(".proposal")).to_contain_text("ご飯")
    set_meal.locator(".proposal button").click()
    expect(page.locator(".flash")).to_have_text("定食を構成品に分けました。")
    expect(set_meal.locator(".proposal")).to_have_count(0)
    expect(set_meal.locator("tbody td.name")).to_have_count(4)
    split = logs.list_day(user_id=uid, day=None)[1]
    assert [i["name"] for i in split.items] == ["ご飯", "唐揚げ", "キャベツ", "味噌汁"]
    assert split.meal_type == "dinner" and split.version == 2

    # delete, then restore
    first = meal(page)
    first.locator("form[action$='/delete'] button").click()
    expect(page.locator(".flash")).to_have_text("削除しました。")
    expect(page.locator("article.meal")).to_have_count(1)
    expect(page.locator(".deleted-row")).to_contain_text("卵 2個")
    assert [v.deleted_at is not None for v in logs.list_day(user_id=uid, day=None, include_deleted=True)] == \
        [True, False]
    page.locator(".deleted-row button").click()
    expect(page.locator(".flash")).to_have_text("元に戻しました。")
    expect(page.locator("article.meal")).to_have_count(2)
    expect(page.locator(".deleted-row")).to_have_count(0)
    assert all(v.deleted_at is None for v in logs.list_day(user_id=uid, day=None))

    # move between days and back
    page.click("a.step[aria-label=前日]")
    expect(page).to_have_url(site["url"] + "/day/2026-11-19")
    expect(page.locator(".empty")).to_be_visible()
    page.click("a.chip")
    expect(page).to_have_url(site["url"] + "/day/2026-11-20")

    # sign out ends the session
    page.click("form[action='/signout'] button")
    expect(page.locator("#token")).to_be_visible()
    page.goto(site["url"] + "/day")
    expect(page.locator("#token")).to_be_visible()
