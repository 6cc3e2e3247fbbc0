"""The golden pairs through the real tables: a legacy row holding NAME.legacy.json and a v2 row
holding NAME.v2.json read back, by the web page's two reads, as the same day (needs a database)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine, select

from meallog.store.db import make_sessionmaker, session_scope
from meallog.store.models import User
from meallog.web.read import read_day
from tests.golden.test_adapter_golden import PAIRS
from tests.visual.fixture_days import PIPELINE, Meal, add_meal, golden

DAY = date(2026, 11, 16)


def test_every_golden_pair_reads_the_same_from_legacy_and_adapter(engine: Engine, add_user: Callable[..., str]
                                                                    ) -> None:
    add_user("golden")
    sessions = make_sessionmaker(engine)
    with session_scope(sessions) as s:
        user = s.scalars(select(User).where(User.name == "golden")).one()
        ids = {add_meal(s, user, DAY, Meal(pair, "lunch", f"{8 + i // 6:02d}:{(i * 9) % 60:02d}")): pair
               for i, pair in enumerate(PAIRS)}
    with session_scope(sessions) as s:
        user = s.scalars(select(User).where(User.name == "golden")).one()
        legacy = read_day(s, user=user, day=DAY, view="legacy", pipeline_version=PIPELINE)
        adapted = read_day(s, user=user, day=DAY, view="adapter", pipeline_version=PIPELINE)
    assert [v.id for v in legacy] == [v.id for v in adapted] and len(legacy) == len(PAIRS)
    for lv, av in zip(legacy, adapted, strict=True):
        expected = golden(ids[lv.id])[0]
        assert (lv.items, lv.totals) == (expected["items"], expected["totals"]), ids[lv.id]
        assert (av.items, av.totals) == (expected["items"], expected["totals"]), ids[lv.id]
        assert (lv.source, av.source) == ("legacy", "adapter")
