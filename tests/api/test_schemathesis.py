"""A bounded, fixed-seed schemathesis run over the whole OpenAPI document: every check clean.

Positive and negative cases for every operation, all of schemathesis's checks: no 5xx, every status
and content type documented, responses match their schemas, schema-invalid requests refused and
schema-valid ones accepted, 405s name the allowed methods. (schemathesis' pytest plugin does not run
under pytest 9, so the operations are driven through Hypothesis here.)
"""

from __future__ import annotations

import collections
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from meallog.api.auth import hash_token
from meallog.app import build_services, create_app
from meallog.clock import FrozenClock
from meallog.settings import Settings
from meallog.store.db import make_engine, session_scope
from meallog.store.models import User

EXAMPLES = 20  # per operation and mode: about 550 cases, ~30 s on 2 cores
# One bearer token that is both a user's and the admin token, so every operation is reachable.
TOKEN = "ml_schemathesis-token-0123456789"
# Which values PUT /admin/flags/{name} takes depends on the flag in the path (on/off, 0-100, a mode):
# the schema lists every form, the description says which suits which, and a mismatch is a 422.
EXCLUDED = {"PUT /admin/flags/{name}": [positive_data_acceptance]}

_OFFSET = st.one_of(st.just(""), st.just("Z"), st.integers(-12 * 60, 14 * 60).map(
    lambda m: ("+" if m >= 0 else "-") + f"{abs(m) // 60:02d}:{abs(m) % 60:02d}"))
# date-time values inside the documented eaten_at range (the schema's pattern), so Hypothesis need not filter
DATE_TIMES = st.builds(lambda d, z: d.isoformat() + z,
                       st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31, 23, 59, 59)),
                       _OFFSET)


def _run(op: Any, mode: GenerationMode, cases: collections.Counter[str]) -> None:
    excluded = EXCLUDED.get(op.label)

    @given(case=op.as_strategy(mode))
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        cases[mode.value] += 1
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {TOKEN}"}
        case.call_and_validate(excluded_checks=excluded)

    check()


def test_api_conforms_to_its_openapi_document(tmp_path: Path, sqlite_template: Path, clock: FrozenClock) -> None:
    schemathesis.openapi.format("date-time", DATE_TIMES)
    target = tmp_path / "meallog.sqlite3"
    shutil.copyfile(sqlite_template, target)
    engine = make_engine(f"sqlite:///{target}")
    cfg = Settings.model_validate({"database_url": f"sqlite:///{target}", "admin_token": TOKEN,
                                   "run_worker": False, "run_scheduler": False})
    with session_scope(engine) as s:
        s.add(User(name="fuzz", token_hash=hash_token(TOKEN), time_zone="Asia/Tokyo", locale="ja",
                   created_at=clock.now()))
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", create_app(cfg, services=build_services(cfg, engine=engine, clock=clock)))
    cases = collections.Counter[str]()
    failures: collections.Counter[str] = collections.Counter()
    first: dict[str, str] = {}
    try:
        for result in schema.get_all_operations():
            op = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    _run(op, mode, cases)
                except Unsatisfiable:  # e.g. no way to make a request to GET /healthz schema-invalid
                    continue
                except Exception as exc:  # a schemathesis FailureGroup: count it per check, show the first
                    for sub in getattr(exc, "exceptions", [exc]):
                        key = f"{op.label} ({mode.value}): {getattr(sub, 'title', type(sub).__name__)}"
                        failures[key] += 1
                        first.setdefault(key, str(exc)[:1500])
    finally:
        engine.dispose()
    total = sum(cases.values())
    print(f"schemathesis: {total} cases ({dict(cases)}), {sum(failures.values())} failures")
    assert total > 300
    assert not failures, "\n\n".join(f"{k}\n{first[k]}" for k in failures)
