"""Web pages: sign-in at `/`, the day view `/day/{date}`, the ops page `/ops`. Thin: resolve who is
asking, call `services.logs` / the migration procedures, render a template.

Auth: a signed session cookie (HttpOnly, SameSite=Lax) set by signing in with a token, or
`Authorization: Bearer` (scripts, tests). Every cookie-authenticated POST carries a CSRF token.
`?view=legacy|adapter` (admin only) renders the day from the legacy records or from adapter(v2).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError

from meallog.api.auth import hash_token, user_for_token
from meallog.errors import Conflict, Forbidden, InvalidInput, LogNotFound, NotDeleted, Unauthorized
from meallog.logs.schemas import LogCreate, LogUpdate
from meallog.migration.adapter_cache import adapt
from meallog.migration.service import invalidate_adapter_cache
from meallog.store.db import session_scope
from meallog.store.models import User
from meallog.web import i18n
from meallog.web.ops import JST, ops_page
from meallog.web.pages import WebUser, day_page, eaten_at_of
from meallog.web.read import VIEWS, Adapt, notes_for, read_day
from meallog.web.session import COOKIE, MAX_AGE_S, Signer, WebSession

HERE = Path(__file__).resolve().parent
ADMIN_HEADER = "X-Meallog-Admin"
OPS_ACTIONS = ("step-back", "invalidate-cache")


@dataclass
class WebState:
    signer: Signer
    templates: Environment
    adapter: Adapt = adapt  # tests pass a deliberately broken twin here


def install(app: FastAPI, *, adapter: Adapt = adapt) -> None:
    """Mount the pages and their static assets on `app` (called by the app factory)."""
    settings = app.state.services.settings
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(num=i18n.num, grams=i18n.grams, long_date=i18n.long_date, jst=JST, flag_value=flag_value,
                       idem=lambda: secrets.token_urlsafe(12))
    # Without MEALLOG_WEB_SECRET sessions last as long as the process (fine for one replica).
    app.state.web = WebState(signer=Signer(settings.web_secret or secrets.token_hex(32)), templates=env,
                             adapter=adapter)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


router = APIRouter(include_in_schema=False)


def flag_value(name: str, value: Any) -> str:
    """on / off for switches, "10 %" for the dual read share, the mode otherwise."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g} %"
    return str(value)


# ---- who is asking ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Visitor:
    session: WebSession
    user: WebUser | None = None
    admin: bool = False
    bearer: bool = False  # header auth: no ambient authority, so no CSRF token needed
    new_cookie: bool = False  # no valid session cookie came: the response sets a fresh one


def _svc(request: Request) -> Any:
    return request.app.state.services


def _web(request: Request) -> WebState:
    return request.app.state.web  # type: ignore[no-any-return]


def _web_user(u: User) -> WebUser:
    return WebUser(id=u.id, name=u.name, locale=i18n.locale_of(u.locale), time_zone=u.time_zone)


def _is_admin_token(request: Request, token: str) -> bool:
    admin = _svc(request).settings.admin_token
    return bool(admin) and secrets.compare_digest(token.encode(), admin.encode())


def visitor(request: Request) -> Visitor:
    svc, web = _svc(request), _web(request)
    now = svc.clock.now()
    auth = request.headers.get("authorization", "")
    admin_header = request.headers.get(ADMIN_HEADER.lower(), "")
    if auth.lower().startswith("bearer "):
        token = auth[7:].strip()
        session = WebSession.anonymous(now=now)
        if _is_admin_token(request, token):
            return Visitor(session=session, admin=True, bearer=True)
        with session_scope(svc.sessions) as s:
            bearer_user = _web_user(user_for_token(s, token))
        return Visitor(session=session, user=bearer_user, bearer=True,
                       admin=bool(admin_header) and _is_admin_token(request, admin_header))
    stored = web.signer.loads(request.cookies.get(COOKIE), now=now)
    if stored is None:
        return Visitor(session=WebSession.anonymous(now=now), new_cookie=True)
    user: WebUser | None = None
    if stored.user_id is not None:
        with session_scope(svc.sessions) as s:
            row = s.get(User, stored.user_id)
            if row is not None and hash_token_prefix(row.token_hash) == stored.token_hash:
                user = _web_user(row)
    return Visitor(session=stored, user=user, admin=stored.admin)


def hash_token_prefix(token_hash: str) -> str:
    return token_hash[:16]


Who = Annotated[Visitor, Depends(visitor)]


async def form_of(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (the only kind these pages post)."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


Form = Annotated[dict[str, str], Depends(form_of)]


def _check_csrf(request: Request, who: Visitor, form: dict[str, str]) -> None:
    if not who.bearer and not _web(request).signer.check_csrf(who.session, form.get("csrf")):
        raise Forbidden("the form's CSRF token is missing or stale: reload the page")


def _set_cookie(request: Request, response: Response, session: WebSession) -> None:
    response.set_cookie(COOKIE, _web(request).signer.dumps(session), max_age=MAX_AGE_S, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")


def _render(request: Request, who: Visitor, name: str, *, status: int = 200, locale: str | None = None,
            **ctx: Any) -> HTMLResponse:
    loc = locale or (who.user.locale if who.user else i18n.locale_of(request.headers.get("accept-language")))
    html = _web(request).templates.get_template(name).render(
        t=i18n.STRINGS[loc], locale=loc, who=who, csrf=_web(request).signer.csrf(who.session), **ctx)
    response = HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
    if who.new_cookie:
        _set_cookie(request, response, who.session)
    return response


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ---- sign in -----------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def home(request: Request, who: Who) -> Response:
    if who.user is not None:
        return _redirect("/day")
    if who.admin:
        return _redirect("/ops")
    return _render(request, who, "signin.html")


@router.post("/signin")
def signin(request: Request, who: Who, form: Form) -> Response:
    if not _web(request).signer.check_csrf(who.session, form.get("csrf")):
        return _render(request, who, "signin.html", status=403, error="csrf")
    token, now = form.get("token", "").strip(), _svc(request).clock.now()
    if token and _is_admin_token(request, token):
        response = _redirect("/ops")
        _set_cookie(request, response, who.session.signed_in(admin=True, now=now))
        return response
    try:
        with session_scope(_svc(request).sessions) as s:
            user = user_for_token(s, token) if token else None
            uid, th = (user.id, hash_token_prefix(hash_token(token))) if user else (None, "")
    except Unauthorized:
        uid = None
    if uid is None:
        return _render(request, who, "signin.html", status=401, error="bad_token")
    response = _redirect("/day")
    _set_cookie(request, response, who.session.signed_in(user_id=uid, token_hash=th, now=now))
    return response


@router.post("/signout")
def signout(request: Request, who: Who, form: Form) -> Response:
    _check_csrf(request, who, form)
    response = _redirect("/")
    response.delete_cookie(COOKIE, path="/")
    return response


# ---- the day view ------------------------------------------------------------------------------
def _signed_in(who: Visitor) -> WebUser:
    if who.user is None:
        raise Unauthorized("sign in first", field="Authorization")
    return who.user


@router.get("/day", response_class=HTMLResponse)
def today(request: Request, who: Who) -> Response:
    if who.user is None:
        return _redirect("/")
    jump = request.query_params.get("d")
    if jump:  # the date picker's GET form
        try:
            return _redirect(f"/day/{date.fromisoformat(jump).isoformat()}")
        except ValueError:
            pass
    return _day(request, who, who.user, _svc(request).clock.now().astimezone(who.user.zone).date())


@router.get("/day/{day}", response_class=HTMLResponse)
def day_view(request: Request, who: Who, day: date) -> Response:
    if who.user is None:
        return _redirect("/")
    return _day(request, who, who.user, day)


def _day(request: Request, who: Visitor, user: WebUser, day: date) -> Response:
    svc = _svc(request)
    view = request.query_params.get("view")
    pv = svc.settings.shadow_pipeline_version
    if view is not None and view not in VIEWS:
        raise InvalidInput(f"view must be one of {', '.join(VIEWS)}", field="view")
    if view is not None and not who.admin:
        raise Forbidden(f"?view= is for admins and tests: send {ADMIN_HEADER} or sign in as admin")
    with session_scope(svc.sessions) as s:
        if view is None:
            views = svc.logs.list_day(user_id=user.id, day=day, include_deleted=True)
        else:
            row = s.get(User, user.id)
            assert row is not None
            views = read_day(s, user=row, day=day, view=view, pipeline_version=pv, adapter=_web(request).adapter)
        notes = notes_for(s, views, pipeline_version=pv)
    page = day_page(views, notes, user=user, day=day, now=svc.clock.now(), target_kcal=svc.settings.day_target_kcal)
    msg = request.query_params.get("msg", "")
    return _render(request, who, "day.html", page=page, user=user, msg=msg if msg in MESSAGES else "")


MESSAGES = ("added", "saved", "deleted_msg", "restored", "split", "invalid", "not_found")


def _back(day: date, msg: str) -> RedirectResponse:
    return _redirect(f"/day/{day.isoformat()}?{urlencode({'msg': msg})}")


def _act(request: Request, who: Visitor, form: dict[str, str], day: date, done: str,
         action: Callable[[WebUser], object]) -> Response:
    """Run one form's change for the signed-in user; come back to the day with a message."""
    _check_csrf(request, who, form)
    user = _signed_in(who)
    try:
        action(user)
    except (LogNotFound, NotDeleted):
        return _back(day, "not_found")
    except (ValidationError, InvalidInput, Conflict, ValueError):  # Conflict: a reused Idempotency-Key
        return _back(day, "invalid")
    return _back(day, done)


def _meal_fields(form: dict[str, str], day: date, user: WebUser, now: datetime) -> dict[str, Any]:
    meal_type = form.get("meal_type") or None
    return {"text": form.get("text", ""), "meal_type": meal_type,
            "eaten_at": eaten_at_of(day, form.get("time", "").strip(), meal_type, user=user, now=now)}


@router.post("/day/{day}/meals")
def add_meal(request: Request, who: Who, form: Form, day: date) -> Response:
    svc = _svc(request)

    def run(user: WebUser) -> object:
        payload = LogCreate(**_meal_fields(form, day, user, svc.clock.now()))
        return svc.logs.create(user_id=user.id, payload=payload, idempotency_key=form.get("idem") or None)

    return _act(request, who, form, day, "added", run)


@router.post("/day/{day}/meals/{log_id}/edit")
def edit_meal(request: Request, who: Who, form: Form, day: date, log_id: int) -> Response:
    svc = _svc(request)

    def run(user: WebUser) -> object:
        fields = _meal_fields(form, day, user, svc.clock.now())
        if fields["text"] == form.get("was"):
            del fields["text"]  # unchanged text: no new parse, the items stay as they are
        # a PATCH leaves out what it keeps (null is refused): "Auto" meal type means "keep it"
        return svc.logs.update(user_id=user.id, log_id=log_id,
                               payload=LogUpdate(**{k: v for k, v in fields.items() if v is not None}))

    return _act(request, who, form, day, "saved", run)


@router.post("/day/{day}/meals/{log_id}/split")
def split_meal(request: Request, who: Who, form: Form, day: date, log_id: int) -> Response:
    """Confirm a set-meal proposal: the meal text becomes its components (form field `text`)."""
    logs = _svc(request).logs
    return _act(request, who, form, day, "split", lambda user: logs.update(
        user_id=user.id, log_id=log_id, payload=LogUpdate(text=form.get("text", ""))))


@router.post("/day/{day}/meals/{log_id}/delete")
def delete_meal(request: Request, who: Who, form: Form, day: date, log_id: int) -> Response:
    logs = _svc(request).logs
    return _act(request, who, form, day, "deleted_msg", lambda user: logs.delete(user_id=user.id, log_id=log_id))


@router.post("/day/{day}/meals/{log_id}/restore")
def restore_meal(request: Request, who: Who, form: Form, day: date, log_id: int) -> Response:
    logs = _svc(request).logs
    return _act(request, who, form, day, "restored", lambda user: logs.restore(user_id=user.id, log_id=log_id))


# ---- the ops page ------------------------------------------------------------------------------
def _admin(who: Visitor) -> None:
    if not who.admin:
        raise Forbidden("the ops page is for admins: sign in with the admin token")


@router.get("/ops", response_class=HTMLResponse)
def ops(request: Request, who: Who) -> Response:
    if not who.admin and not who.bearer:
        return _redirect("/")
    _admin(who)
    svc = _svc(request)
    page = ops_page(svc.migration, svc.sessions, now=svc.clock.now())
    done = request.query_params.get("done", "")
    return _render(request, who, "ops.html", locale="en", page=page, done=done if done in OPS_ACTIONS else "")


@router.get("/ops/confirm/{action}", response_class=HTMLResponse)
def ops_confirm(request: Request, who: Who, action: str) -> Response:
    _admin(who)
    if action not in OPS_ACTIONS:
        raise InvalidInput(f"action must be one of {', '.join(OPS_ACTIONS)}", field="action")
    svc = _svc(request)
    page = ops_page(svc.migration, svc.sessions, now=svc.clock.now())
    return _render(request, who, "ops_confirm.html", locale="en", page=page, action=action)


@router.post("/ops/{action}")
def ops_action(request: Request, who: Who, form: Form, action: str) -> Response:
    """Step back one phase or invalidate the adapter cache; each writes its audit row."""
    _admin(who)
    _check_csrf(request, who, form)
    if action not in OPS_ACTIONS:
        raise InvalidInput(f"action must be one of {', '.join(OPS_ACTIONS)}", field="action")
    if form.get("confirm") != action:
        raise InvalidInput(f"confirm by sending confirm={action}", field="confirm")
    svc, m = _svc(request), _svc(request).migration
    why = form.get("why", "").strip()[:2000] or f"{action} from the ops page"
    actor = "web:admin"
    with session_scope(svc.sessions) as s:
        if action == "step-back":
            m.procedure.step_back(s, cause="manual", actor=actor, why=why, now=svc.clock.now())
        else:
            invalidate_adapter_cache(m, s, actor=actor, now=svc.clock.now())
    m.snapshots.invalidate()
    return _redirect(f"/ops?done={action}")
