"""The framework's ceiling for POST /logs: FastAPI + uvicorn + SQLAlchemy + psycopg doing the same
token lookup, one INSERT and a JSON answer, and nothing else (`bench/http_pg.py` runs it)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from meallog.api.auth import bearer, hash_token
from meallog.store.db import make_engine

DDL = ("CREATE TABLE IF NOT EXISTS bench_bare (id bigserial PRIMARY KEY, user_id bigint, text text, "
       "created_at timestamptz)")


class Body(BaseModel):
    text: str


def create() -> FastAPI:
    engine = make_engine(os.environ["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(text(DDL))
    app = FastAPI()

    @app.post("/logs", status_code=201)
    def post(payload: Body, authorization: str | None = Header(default=None)) -> JSONResponse:
        # a sync endpoint, like meallog's: it runs in the same threadpool
        token = bearer(authorization)
        now = datetime.now(UTC)
        with engine.begin() as conn:
            user = conn.execute(text("SELECT id FROM users WHERE token_hash = :h"), {"h": hash_token(token)}).scalar()
            if user is None:
                raise HTTPException(401)
            log_id = conn.execute(text("INSERT INTO bench_bare (user_id, text, created_at) VALUES (:u, :t, :c) "
                                       "RETURNING id"), {"u": user, "t": payload.text, "c": now}).scalar_one()
        return JSONResponse({"id": log_id, "text": payload.text, "created_at": now.isoformat()}, status_code=201)

    return app
