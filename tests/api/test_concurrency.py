"""50 concurrent POST /logs with 10 distinct Idempotency-Keys store exactly 10 logs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import Engine, func, select

from meallog.app import build_services, create_app
from meallog.clock import SystemClock
from meallog.settings import Settings
from meallog.store.db import session_scope
from meallog.store.models import IngestRequest, LogKey, MealLog
from tests.serving import serve


def test_concurrent_idempotent_posts(make_settings: Callable[..., Settings], engine: Engine,
                                     add_user: Callable[..., str]) -> None:
    settings = make_settings()
    services = build_services(settings, engine=engine, clock=SystemClock())
    token = add_user()
    requests = [(f"key-{i % 10}", f"卵 {i % 10 + 1}個") for i in range(50)]

    with serve(create_app(settings, services=services)) as base, httpx.Client(base_url=base, timeout=60) as http:
        def post(req: tuple[str, str]) -> tuple[str, int, int]:
            key, text = req
            r = http.post("/logs", json={"text": text},
                          headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})
            return key, r.status_code, r.json().get("id", -1)

        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(post, requests))

    assert Counter(status for _, status, _ in results) == {201: 50}
    ids_per_key: dict[str, set[int]] = {}
    for key, _, log_id in results:
        ids_per_key.setdefault(key, set()).add(log_id)
    assert all(len(ids) == 1 for ids in ids_per_key.values()), ids_per_key
    assert len({next(iter(v)) for v in ids_per_key.values()}) == 10
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(MealLog)) == 10
        assert s.scalar(select(func.count()).select_from(LogKey)) == 10
        assert s.scalar(select(func.count()).select_from(IngestRequest)) == 10
