"""The day view over HTTP: sign-in, session cookie, CSRF, Bearer, escaping, ?view= access, assets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from meallog.logs.schemas import LogCreate
from tests.web.conftest import csrf_of, sign_in

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "meallog" / "web" / "templates"


def test_sign_in_sets_an_httponly_samesite_session_cookie(web: dict[str, Any]) -> None:
    c = web["client"]
    page = c.get("/")
    assert page.status_code == 200 and 'name="token"' in page.text
    r = c.post("/signin", data={"token": web["ja"], "csrf": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/day"
    cookie = r.headers["set-cookie"]
    assert "meallog_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    day = c.get("/day")
    assert day.status_code == 200 and "hanako" in day.text and "2026年11月20日（金）" in day.text


def test_a_wrong_token_or_a_missing_csrf_token_does_not_sign_in(web: dict[str, Any]) -> None:
    c = web["client"]
    page = c.get("/")
    assert c.post("/signin", data={"token": "ml_nope", "csrf": csrf_of(page.text)}).status_code == 401
    assert c.post("/signin", data={"token": web["ja"]}).status_code == 403
    assert c.get("/day").headers["location"] == "/"


def test_forms_need_the_csrf_token_of_the_session(web: dict[str, Any]) -> None:
    c = web["client"]
    sign_in(c, web["ja"])
    assert c.post("/day/2026-11-20/meals", data={"text": "ご飯"}).status_code == 403
    assert c.post("/day/2026-11-20/meals", data={"text": "ご飯", "csrf": "forged"}).status_code == 403
    token = csrf_of(c.get("/day").text)
    r = c.post("/day/2026-11-20/meals", data={"text": "ご飯 1杯", "time": "08:00", "csrf": token})
    assert r.status_code == 303 and r.headers["location"] == "/day/2026-11-20?msg=added"
    assert [v.text for v in web["services"].logs.list_day(user_id=1, day=None)] == ["ご飯 1杯"]


def test_a_forged_cookie_is_an_anonymous_visitor(web: dict[str, Any]) -> None:
    c = web["client"]
    c.cookies.set("meallog_session", "eyJ1IjoxfQ.forged")
    assert c.get("/day").headers["location"] == "/"


def test_bearer_works_for_scripts_and_needs_no_csrf(web: dict[str, Any]) -> None:
    c, h = web["client"], {"Authorization": f"Bearer {web['en']}"}
    assert c.get("/day/2026-11-20", headers=h).status_code == 200
    r = c.post("/day/2026-11-20/meals", data={"text": "2 eggs", "meal_type": "breakfast"}, headers=h)
    assert r.status_code == 303
    page = c.get("/day/2026-11-20", headers=h).text
    assert "Friday, 20 November 2026" in page and "Breakfast" in page and "08:00" in page
    assert c.get("/day/2026-11-20", headers={"Authorization": "Bearer ml_wrong"}).status_code == 401


def test_every_food_name_and_text_is_escaped(web: dict[str, Any]) -> None:
    nasty = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    web["services"].logs.create(user_id=2, payload=LogCreate(text=nasty, eaten_at="2026-11-20T12:00:00"),
                                idempotency_key=None)
    page = web["client"].get("/day/2026-11-20", headers={"Authorization": f"Bearer {web['en']}"}).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in page


def test_view_legacy_or_adapter_is_for_admins(web: dict[str, Any]) -> None:
    c, user = web["client"], {"Authorization": f"Bearer {web['ja']}"}
    assert c.get("/day/2026-11-20?view=legacy", headers=user).status_code == 403
    admin = {**user, "X-Meallog-Admin": web["admin"]}
    assert c.get("/day/2026-11-20?view=legacy", headers=admin).status_code == 200
    assert c.get("/day/2026-11-20?view=adapter", headers=admin).status_code == 200
    assert c.get("/day/2026-11-20?view=v3", headers=admin).status_code == 422
    assert c.get("/day/2026-11-20?view=legacy", headers={**user, "X-Meallog-Admin": "guess"}).status_code == 403


def test_a_bad_form_comes_back_with_a_message_and_loses_nothing(web: dict[str, Any]) -> None:
    c, h = web["client"], {"Authorization": f"Bearer {web['ja']}"}
    r = c.post("/day/2026-11-20/meals", data={"text": "   "}, headers=h)
    assert r.headers["location"].endswith("msg=invalid")
    assert "保存できませんでした" in c.get(r.headers["location"], headers=h).text
    assert c.post("/day/2026-11-20/meals/999/restore", data={}, headers=h).headers["location"].endswith(
        "msg=not_found")
    assert web["services"].logs.list_day(user_id=1, day=None, include_deleted=True) == []


def test_assets_are_served_by_the_app_and_nothing_comes_from_elsewhere(web: dict[str, Any]) -> None:
    css = web["client"].get("/static/app.css")
    assert css.status_code == 200 and "Noto Sans CJK JP" in css.text
    for template in TEMPLATES.glob("*.html"):
        refs = re.findall(r'(?:src|href)="([^"]*)"', template.read_text(encoding="utf-8"))
        assert all(not re.match(r"^(https?:)?//", ref) for ref in refs), (template.name, refs)
    assert "@import" not in css.text and "url(" not in css.text


def test_editing_only_the_time_keeps_the_items_and_a_reused_form_is_refused(web: dict[str, Any]) -> None:
    c, h, logs = web["client"], {"Authorization": f"Bearer {web['ja']}"}, web["services"].logs
    form = {"text": "ご飯 1杯", "time": "08:00", "idem": "form-1"}
    assert c.post("/day/2026-11-20/meals", data=form, headers=h).headers["location"].endswith("msg=added")
    again = c.post("/day/2026-11-20/meals", data={**form, "text": "パン"}, headers=h)  # same form, other text
    assert again.headers["location"].endswith("msg=invalid")
    [view] = logs.list_day(user_id=1, day=None)
    r = c.post(f"/day/2026-11-20/meals/{view.id}/edit", data={"text": "ご飯 1杯", "was": "ご飯 1杯", "time": "09:30"},
               headers=h)
    assert r.headers["location"].endswith("msg=saved")
    [edited] = logs.list_day(user_id=1, day=None)
    assert edited.items == view.items and edited.version == 2 and edited.eaten_at.hour == 0  # 09:30 JST


def test_the_legend_says_which_kind_of_estimate_each_badge_is(web: dict[str, Any]) -> None:
    """An estimate from a family name, a known dish with unknown words or a vague amount is explained as
    that, never as "not in the table" (v2's tags, in P1 where every log has its v2 record)."""
    c, admin = web["client"], {"Authorization": f"Bearer {web['admin']}"}
    for flag in ("NORMALIZE_V2_SHADOW", "DUAL_WRITE_V2"):
        r = c.put(f"/admin/flags/{flag}", json={"value": "on", "why": "test"}, headers=admin)
        assert r.status_code == 200, r.text
    h = {"Authorization": f"Bearer {web['en']}"}
    for text in ("カレー", "chiken salad", "ご飯 少し"):
        r = c.post("/logs", json={"text": text, "eaten_at": "2026-11-20T12:00:00+09:00"}, headers=h)
        assert r.status_code == 201, r.text
    page = c.get("/day/2026-11-20", headers=h).text
    legend = page[page.index('<aside class="legend">'):page.index("</aside>")]
    assert "a name for several dishes" in legend and "with words it does not" in legend
    assert "the amount could not be read" in legend
    assert "not in the table" not in legend and "recognised" not in legend  # no such item on this day
    assert 'title="a name for several dishes' in page  # the badge itself says why
    assert '<span class="names">カレー</span>: a name for several dishes' in legend  # and names its items

    ja = {"Authorization": f"Bearer {web['ja']}"}
    r = c.post("/logs", json={"text": "謎の食べ物", "eaten_at": "2026-11-20T12:00:00+09:00"}, headers=ja)
    assert r.status_code == 201, r.text
    page = c.get("/day/2026-11-20", headers=ja).text
    assert "複数の料理" not in page  # another user's estimates are not on this page
