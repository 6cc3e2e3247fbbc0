"""RFC 9457 problem details: every error the API returns is `application/problem+json`."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DisconnectionError, OperationalError, PendingRollbackError
from starlette.exceptions import HTTPException as StarletteHTTPException

from meallog.errors import MeallogError

log = structlog.get_logger("meallog.api")

PROBLEM = "application/problem+json"


class FieldError(BaseModel):
    field: str
    message: str
    type: str | None = None


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this API is answered."""

    model_config = ConfigDict(extra="allow")
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None
    request_id: str | None = None


_DESCRIPTIONS = {
    400: "Malformed JSON or body", 401: "Missing or unknown bearer token", 403: "Admin API disabled",
    404: "Not found (or someone else's)", 405: "Method not allowed (see the Allow header)",
    409: "Conflict", 413: "Body over MEALLOG_MAX_BODY_BYTES", 422: "Invalid input: `errors` names each field",
    500: "Unexpected error: quote `request_id`", 503: "A dependency is unavailable; retry",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses: problem+json bodies (see `problem_json_openapi`)."""
    return {code: {"model": Problem, "description": _DESCRIPTIONS[code]} for code in statuses}


def problem_json_openapi(app: FastAPI) -> None:
    """Error responses in the OpenAPI document are `application/problem+json` (as they are on the wire)."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for item in doc.get("paths", {}).values():
            for op in item.values():
                for code, resp in op.get("responses", {}).items():
                    if code.isdigit() and int(code) >= 400:
                        resp["content"] = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        schemas = doc.get("components", {}).get("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def problem(status: int, title: str, detail: str, *, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers or None)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        raw = list(err.get("loc", ()))
        if raw and raw[0] == "header" and len(raw) > 1:  # name a header as clients write it
            raw = ["-".join(w.capitalize() for w in str(raw[1]).split("-")), *raw[2:]]
        elif raw and raw[0] in ("query", "path", "body"):
            raw = raw[1:]
        loc = [str(p) for p in raw]
        out.append({"field": ".".join(loc) or "body", "message": err.get("msg", "invalid"),
                    "type": err.get("type", "value_error")})
    return out


def _rid(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def install(app: FastAPI) -> None:
    @app.exception_handler(MeallogError)
    async def _domain(request: Request, exc: MeallogError) -> JSONResponse:
        field = exc.extra.get("field")
        errors = [{"field": field, "message": exc.detail}] if field else None
        return problem(exc.status, exc.title, exc.detail, errors=errors, request_id=_rid(request))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _field_errors(exc)
        if any(e["type"] in ("json_invalid", "json_type") for e in errors):
            return problem(400, "Malformed JSON", "the request body is not valid JSON", errors=errors,
                           request_id=_rid(request))
        fields = ", ".join(sorted({e["field"] for e in errors}))
        return problem(422, "Invalid input", f"invalid field(s): {fields}", errors=errors, request_id=_rid(request))

    @app.exception_handler(OperationalError)
    @app.exception_handler(DisconnectionError)
    @app.exception_handler(PendingRollbackError)
    async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # The connection was cut (pg_terminate_backend, a failover, a restart) or the server refused one
        # (too many clients): the transaction was rolled back, nothing is half-written, a retry can work.
        # A replay with the same Idempotency-Key answers the first response if the commit did land.
        log.warning("database unavailable", error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
                    request_id=_rid(request))
        return problem(503, "Service Unavailable", "the database is unavailable; retry (with the same "
                       "Idempotency-Key for a POST)", request_id=_rid(request), headers={"Retry-After": "1"})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 400 and "parsing the body" in detail:
            return problem(400, "Malformed body", "the request body is not valid UTF-8 JSON",
                           errors=[{"field": "body", "message": detail}], request_id=_rid(request))
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # Starlette names only the first route's methods; a path may have several
            headers["Allow"] = ", ".join(_allowed(request))
        return problem(exc.status_code, _title(exc.status_code), detail, request_id=_rid(request), headers=headers)


def _allowed(request: Request) -> list[str]:
    """The methods the OpenAPI document lists for the request's path (routes outside it: GET)."""
    import re

    methods: set[str] = set()
    for template, item in request.app.openapi().get("paths", {}).items():
        pattern = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, request.url.path):
            methods |= {m.upper() for m in item}
    methods = methods or {"GET"}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class BodyLimit:
    """Pure ASGI middleware: refuse bodies over `limit` bytes with 413 before the app reads them."""

    def __init__(self, app: Any, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = False
                if too_big:
                    await self._reject(scope, receive, send)
                    return
        seen = 0

        async def limited_receive() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await self._reject(scope, receive, send)

    async def _reject(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        response = problem(413, "Payload too large", f"request body exceeds {self.limit} bytes",
                           errors=[{"field": "body", "message": f"at most {self.limit} bytes"}])
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
