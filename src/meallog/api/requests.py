"""Per-request context (pure ASGI): a request id, one access log line, metrics, and the last-resort 500.

Every request gets an id (a sane incoming `X-Request-ID`, else a new one), echoed in the response
header and bound to every log line of the request. An exception nothing else handled becomes a 500
`application/problem+json` carrying the same id, logged once as one JSON line. The access line has
method, route template, status, duration and request id: never headers, query strings or tokens.
"""

from __future__ import annotations

import re
import time
import traceback
import uuid
from collections.abc import Callable, MutableMapping
from typing import Any

import structlog

from meallog.api.problems import problem

log = structlog.get_logger("meallog.http")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"

Observe = Callable[[str, str, int, float], None]  # (route template, method, status, seconds)


def request_id_of(scope: dict[str, Any]) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _SANE_ID.match(text):
                return text
    return uuid.uuid4().hex


class RequestContext:
    def __init__(self, app: Any, *, observe: Observe | None = None) -> None:
        self.app = app
        self.observe = observe

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: MutableMapping[str, Any]) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = int(message["status"])
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=rid):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception as exc:
                # the traceback as one string field: cheap on the event loop, one JSON line whatever the renderer
                log.error("unhandled error", error=f"{type(exc).__name__}: {exc}",
                          traceback="".join(traceback.format_exception(exc)))
                if response_started:
                    raise
                response = problem(500, "Internal Server Error",
                                   f"unexpected error; quote request id {rid} when reporting it", request_id=rid)
                await response(scope, receive, send_with_id)
            finally:
                route = scope.get("route")
                template = getattr(route, "path", None) or "unmatched"
                elapsed = time.perf_counter() - started
                if self.observe is not None:
                    self.observe(template, scope.get("method", ""), status, elapsed)
                log.info("request", method=scope.get("method", ""), route=template, status=status,
                         ms=round(elapsed * 1000, 1))
