"""References for POST /logs on the same stack (FastAPI + uvicorn + SQLAlchemy + psycopg), run by
`bench/http_pg.py`:

- `POST /logs`: the framework's ceiling, the same token lookup, one INSERT and a JSON answer, and
  nothing else;
- `POST /peer/off/logs`: the same plus the offline parse and the legacy computation (what OFF computes);
- `POST /peer/p0/logs`: the peer, the same with v2 run inline as a `laboratory` Experiment (GitHub
  Scientist's pattern: control = legacy, candidate = v2, compared and published in the request,
  the control's answer returned). Its ratio to `/peer/off/logs` is what the inline pattern costs a
  user, against which our outbox's P0 / OFF is read.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import laboratory
from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from meallog.api.auth import bearer, hash_token
from meallog.nutrition.legacy import compute_legacy
from meallog.nutrition.normalize_v2 import V2Options, normalize
from meallog.providers.offline import OfflineProvider
from meallog.store.db import make_engine

DDL = ("CREATE TABLE IF NOT EXISTS bench_bare (id bigserial PRIMARY KEY, user_id bigint, text text, "
       "totals json, created_at timestamptz)")


class Body(BaseModel):
    text: str


class Shadow(laboratory.Experiment):  # type: ignore[misc]
    """The Scientist pattern: compare the candidate's totals with the control's, publish the outcome."""

    mismatches = 0

    def compare(self, control: Any, candidate: Any) -> bool:
        return bool(abs(control.value["kcal"] - candidate.value["kcal"]) < 80)

    def publish(self, result: Any) -> None:
        Shadow.mismatches += not result.match


def create() -> FastAPI:
    engine = make_engine(os.environ["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text(DDL))
    provider, options = OfflineProvider(), V2Options()
    app = FastAPI()

    def store(authorization: str | None, body: str, totals: dict[str, float] | None) -> JSONResponse:
        token = bearer(authorization)
        now = datetime.now(UTC)
        with engine.begin() as conn:
            user = conn.execute(text("SELECT id FROM users WHERE token_hash = :h"), {"h": hash_token(token)}).scalar()
            if user is None:
                raise HTTPException(401)
            log_id = conn.execute(text("INSERT INTO bench_bare (user_id, text, totals, created_at) "
                                       "VALUES (:u, :t, CAST(:j AS json), :c) RETURNING id"),
                                  {"u": user, "t": body, "j": None if totals is None else _json(totals),
                                   "c": now}).scalar_one()
        return JSONResponse({"id": log_id, "text": body, "totals": totals, "created_at": now.isoformat()},
                            status_code=201)

    @app.post("/logs", status_code=201)
    def bare(payload: Body, authorization: str | None = Header(default=None)) -> JSONResponse:
        # a sync endpoint, like meallog's: it runs in the same threadpool
        return store(authorization, payload.text, None)

    @app.post("/peer/off/logs", status_code=201)
    def peer_off(payload: Body, authorization: str | None = Header(default=None)) -> JSONResponse:
        parsed = provider.parse(payload.text)
        return store(authorization, payload.text, compute_legacy(parsed).totals.model_dump())

    @app.post("/peer/p0/logs", status_code=201)
    def peer_p0(payload: Body, authorization: str | None = Header(default=None)) -> JSONResponse:
        parsed = provider.parse(payload.text)
        experiment = Shadow(name="nutrition-v2")
        experiment.control(lambda: compute_legacy(parsed).totals.model_dump())
        experiment.candidate(lambda: normalize(parsed, options=options, pipeline_version="peer").totals.model_dump())
        return store(authorization, payload.text, experiment.conduct())

    return app


def _json(totals: dict[str, float]) -> str:
    import json

    return json.dumps(totals)
