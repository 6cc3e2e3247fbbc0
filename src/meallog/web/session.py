"""Web sessions in a signed cookie (stdlib HMAC-SHA256): no table. CSRF tokens derive from the session.

The cookie holds the user id, a prefix of the user's token hash (a re-issued token ends old sessions),
the admin bit, a random nonce and the issue time. Forms carry `hmac(secret, "csrf:" + nonce)`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

COOKIE = "meallog_session"
MAX_AGE_S = 30 * 24 * 3600


@dataclass(frozen=True, slots=True)
class WebSession:
    nonce: str
    issued_at: int
    user_id: int | None = None
    token_hash: str = ""  # first 16 hex digits of the user's token hash
    admin: bool = False

    @classmethod
    def anonymous(cls, *, now: datetime) -> WebSession:
        return cls(nonce=secrets.token_urlsafe(16), issued_at=int(now.timestamp()))

    def signed_in(self, *, user_id: int | None = None, token_hash: str = "", admin: bool | None = None,
                  now: datetime) -> WebSession:
        """A new nonce on every sign-in, so a CSRF token seen before sign-in is worthless after it."""
        return replace(self, nonce=secrets.token_urlsafe(16), issued_at=int(now.timestamp()),
                       user_id=self.user_id if user_id is None else user_id,
                       token_hash=token_hash or self.token_hash, admin=self.admin if admin is None else admin)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(("meallog-web:" + secret).encode()).digest()

    def _mac(self, msg: str) -> str:
        return _b64(hmac.new(self._key, msg.encode(), hashlib.sha256).digest())

    def dumps(self, session: WebSession) -> str:
        body = _b64(json.dumps({"n": session.nonce, "t": session.issued_at, "u": session.user_id,
                                "h": session.token_hash, "a": session.admin}, separators=(",", ":")).encode())
        return f"{body}.{self._mac(body)}"

    def loads(self, value: str | None, *, now: datetime) -> WebSession | None:
        """The session in a cookie value, or None when it is missing, forged, malformed or expired."""
        if not value or "." not in value:
            return None
        body, mac = value.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            data: dict[str, Any] = json.loads(_unb64(body))
            session = WebSession(nonce=str(data["n"]), issued_at=int(data["t"]),
                                 user_id=None if data["u"] is None else int(data["u"]),
                                 token_hash=str(data["h"]), admin=bool(data["a"]))
        except (ValueError, KeyError, TypeError):
            return None
        if now.timestamp() - session.issued_at > MAX_AGE_S:
            return None
        return session

    def csrf(self, session: WebSession) -> str:
        return self._mac("csrf:" + session.nonce)

    def check_csrf(self, session: WebSession | None, token: str | None) -> bool:
        return session is not None and bool(token) and hmac.compare_digest(self.csrf(session), token or "")
