"""HTTP routes of the meal log. Thin: auth, one transaction per request, the facade does the work."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse

from meallog.api.auth import bearer
from meallog.api.problems import responses
from meallog.errors import InvalidInput
from meallog.logs.schemas import DayOut, IsoDate, LogCreate, LogOut, LogUpdate
from meallog.logs.service import ReplayedBody

router = APIRouter(tags=["logs"], responses=responses(401, 422, 500))
BODY = responses(400, 413)

LogId = Annotated[int, Path(ge=1, le=2**62, description="log id")]


def _services(request: Request) -> Any:
    return request.app.state.services


def _user_id(request: Request, authorization: Annotated[str | None, Header()] = None) -> int:
    """The token's user, from the user cache (a query only on a miss, in its own short transaction)."""
    return int(_services(request).users.by_token(bearer(authorization)).id)


UserId = Annotated[int, Depends(_user_id)]


@router.post("/logs", status_code=201, response_model=LogOut, responses={**BODY, **responses(409, 503)})
def create_log(
    request: Request,
    payload: LogCreate,
    user_id: UserId,
    idempotency_key: Annotated[str | None, Header(
        min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$",
        description="Any 1-255 visible ASCII characters; a replay answers the first response with "
                    "`Idempotent-Replayed: true`")] = None,
) -> JSONResponse:
    svc = _services(request)
    if idempotency_key is not None and not idempotency_key.strip():
        raise InvalidInput("Idempotency-Key must not be blank", field="Idempotency-Key")
    status, body = svc.logs.create(user_id=user_id, payload=payload, idempotency_key=idempotency_key)
    replayed = {"Idempotent-Replayed": "true"} if isinstance(body, ReplayedBody) else None
    return JSONResponse(body, status_code=status, headers=replayed)


@router.get("/logs", response_model=list[LogOut])
def list_logs(
    request: Request,
    user_id: UserId,
    date_: Annotated[IsoDate | None, Query(alias="date", description="YYYY-MM-DD in the user's zone")] = None,
    include_deleted: bool = False,
) -> JSONResponse:
    svc = _services(request)
    views = svc.logs.list_day(user_id=user_id, day=date_, include_deleted=include_deleted)
    return JSONResponse([v.to_json() for v in views])


@router.get("/logs/{log_id}", response_model=LogOut, responses=responses(404))
def get_log(request: Request, log_id: LogId, user_id: UserId) -> JSONResponse:
    return JSONResponse(_services(request).logs.get(user_id=user_id, log_id=log_id).to_json())


@router.patch("/logs/{log_id}", response_model=LogOut, responses={**BODY, **responses(404, 503)})
def patch_log(request: Request, log_id: LogId, payload: LogUpdate, user_id: UserId) -> JSONResponse:
    if payload.text is None and payload.eaten_at is None and payload.meal_type is None:
        raise InvalidInput("nothing to change: give text, eaten_at or meal_type", field="body")
    view = _services(request).logs.update(user_id=user_id, log_id=log_id, payload=payload)
    return JSONResponse(view.to_json())


@router.delete("/logs/{log_id}", response_model=LogOut, responses=responses(404))
def delete_log(request: Request, log_id: LogId, user_id: UserId) -> JSONResponse:
    return JSONResponse(_services(request).logs.delete(user_id=user_id, log_id=log_id).to_json())


@router.post("/logs/{log_id}/restore", response_model=LogOut, responses=responses(404, 409))
def restore_log(request: Request, log_id: LogId, user_id: UserId) -> JSONResponse:
    """Runbook §7: restore a soft-deleted log. 404 unknown or foreign id, 409 when not deleted."""
    return JSONResponse(_services(request).logs.restore(user_id=user_id, log_id=log_id).to_json())


@router.get("/days/{day}", response_model=DayOut)
def get_day(request: Request, day: Annotated[IsoDate, Path(description="YYYY-MM-DD in the user's zone")],
            user_id: UserId) -> JSONResponse:
    svc = _services(request)
    return JSONResponse(svc.logs.day(user_id=user_id, day=day))


def iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None
