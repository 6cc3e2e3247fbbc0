"""Bearer tokens: per-user tokens stored as SHA-256 hashes, and one admin token for /admin/*."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from meallog.errors import Forbidden, Unauthorized
from meallog.store.models import User


def new_token() -> str:
    return "ml_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def bearer(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("missing Authorization: Bearer token", field="Authorization")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("expected Authorization: Bearer <token>", field="Authorization")
    return token.strip()


def user_for_token(s: Session, token: str) -> User:
    user = s.scalars(select(User).where(User.token_hash == hash_token(token))).one_or_none()
    if user is None:
        raise Unauthorized("unknown token", field="Authorization")
    return user


def check_admin(token: str, admin_token: str | None) -> str:
    if not admin_token:
        raise Forbidden("admin API disabled: MEALLOG_ADMIN_TOKEN is not set")
    if not hmac.compare_digest(token.encode(), admin_token.encode()):
        raise Unauthorized("invalid admin token", field="Authorization")
    return "admin"
