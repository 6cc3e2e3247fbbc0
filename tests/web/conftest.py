"""A TestClient app on a fresh SQLite database with a frozen clock and one user per locale."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from meallog.app import create_app
from meallog.store.db import session_scope
from meallog.users import add_user
from tests.visual.conftest import ADMIN, make_services


@pytest.fixture
def web(tmp_path: Path, sqlite_template: Path) -> Iterator[dict[str, Any]]:
    services = make_services(tmp_path / "web.sqlite3", sqlite_template)
    with session_scope(services.sessions) as s:
        _, ja = add_user(s, name="hanako", now=services.clock.now(), locale="ja")
        _, en = add_user(s, name="emma", now=services.clock.now(), locale="en")
    with TestClient(create_app(services=services), follow_redirects=False) as client:
        yield {"client": client, "services": services, "ja": ja, "en": en, "admin": ADMIN}
    services.engine.dispose()


def csrf_of(html: str) -> str:
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def sign_in(client: TestClient, token: str) -> None:
    page = client.get("/")
    r = client.post("/signin", data={"token": token, "csrf": csrf_of(page.text)})
    assert r.status_code == 303, r.text
