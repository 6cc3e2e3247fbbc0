"""Runbook §3/§4 end to end: a real Prometheus fires a (fast copy of a) pager alert, a real Alertmanager
delivers it to meallog's webhook `POST /admin/alerts`, and the phase steps back P1 -> P0.
Slow: starts `prometheus` and `prometheus-alertmanager` (Debian packages)."""

from __future__ import annotations

import copy
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import select

from meallog.store.db import session_scope
from meallog.store.models import AlertReceipt, PhaseEvent
from tests import pg
from tests.serving import free_port

from .conftest import PROM_DIR
from .test_prometheus_live import (
    ADMIN_TOKEN,
    BREACHING_MEALS,
    binary,
    fast_recording_rules,
    meallog,
    process,
    prometheus,
    prometheus_config,
    wait_for,
)

pytestmark = [
    pytest.mark.slow,
]

ALERT = "MealLogShadowDiffBreachBurst"


def fast_alert_rules(tmp: Path) -> tuple[Path, dict[str, Any]]:
    """A copy of the real MealLogShadowDiffBreachBurst rule that fires on the first breach, at once."""
    doc = yaml.safe_load((PROM_DIR / "shadow-diff-alerts.yml").read_text())
    rule = next(r for g in doc["groups"] for r in g["rules"] if r.get("alert") == ALERT)
    fast = copy.deepcopy(rule)
    assert fast["expr"].strip().endswith("> 5"), fast["expr"]
    fast["expr"] = fast["expr"].strip().removesuffix("> 5") + "> 0"
    fast["for"] = "0s"
    assert fast["labels"]["severity"] == "page"  # what /admin/alerts acts on
    path = tmp / "fast-alerts.yml"
    path.write_text(
        yaml.safe_dump({"groups": [{"name": "meallog-test-fast", "interval": "1s", "rules": [fast]}]})
    )
    return path, fast


def alertmanager_config(tmp: Path, *, webhook: str) -> Path:
    config = {
        "route": {
            "receiver": "meallog-rollback",
            "group_by": ["alertname", "env", "field"],
            "group_wait": "0s",
            "group_interval": "1s",
            "repeat_interval": "1h",
        },
        "receivers": [
            {
                "name": "meallog-rollback",
                "webhook_configs": [
                    {
                        "url": webhook,
                        "send_resolved": False,
                        "http_config": {"authorization": {"type": "Bearer", "credentials": ADMIN_TOKEN}},
                    }
                ],
            }
        ],
    }
    path = tmp / "alertmanager.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database. Not SQLite: the rollback's post-checks open a second session while the
    step-back transaction holds SQLite's write lock, so each webhook call there waits out busy_timeout
    (30 s) and Alertmanager gives up after 10 s (reported to the migration owner)."""
    with pg.fresh_database(pg_admin_url) as url:
        yield url


def test_pager_alert_reaches_the_webhook_and_steps_back_one_phase(tmp_path: Path, pg_url: str) -> None:
    started = time.monotonic()
    rules, fast = fast_alert_rules(tmp_path)
    flags = {"metric_env": "prod", "normalize_v2_shadow": True, "dual_write_v2": True}
    with meallog(tmp_path, database_url=pg_url, **flags) as app:
        assert app.phase() == "P1"
        am_port = free_port()
        am_config = alertmanager_config(tmp_path, webhook=f"{app.url}/admin/alerts")
        if shutil.which("amtool"):  # ships with prometheus-alertmanager; checks the config we wrote
            check = subprocess.run(
                ["amtool", "check-config", str(am_config)], capture_output=True, text=True, timeout=30
            )
            assert check.returncode == 0, check.stdout + check.stderr
        am_data = tmp_path / "am-data"
        am_data.mkdir()
        am_log = tmp_path / "alertmanager.log"
        am_args = [
            binary("prometheus-alertmanager"),
            f"--config.file={am_config}",
            f"--storage.path={am_data}",
            f"--web.listen-address=127.0.0.1:{am_port}",
            "--cluster.listen-address=",
            "--log.level=warn",
        ]
        with process(am_args, am_log):
            am = f"http://127.0.0.1:{am_port}"
            wait_for(
                lambda: httpx.get(f"{am}/-/ready", timeout=2).status_code == 200,
                timeout=10,
                what="Alertmanager /-/ready",
                log=am_log,
            )
            config = prometheus_config(
                tmp_path,
                app_url=app.url,
                alertmanager=f"127.0.0.1:{am_port}",
                rule_files=[fast_recording_rules(tmp_path), rules],
            )
            with prometheus(tmp_path, config) as prom:
                prom.wait_up()
                assert prom.query(f'ALERTS{{alertname="{ALERT}"}}') == []  # quiet before any breach
                app.log_meals(BREACHING_MEALS)

                firing = wait_for(
                    lambda: prom.query(f'ALERTS{{alertname="{ALERT}",alertstate="firing"}}'),
                    timeout=10,
                    what=f"{ALERT} firing in Prometheus",
                    log=prom.log,
                )
                assert firing[0]["metric"]["severity"] == "page" and firing[0]["metric"]["env"] == "prod"
                wait_for(
                    lambda: app.phase() == "P0",
                    timeout=15,
                    what="the webhook stepping P1 back to P0",
                    log=am_log,
                )

                alerts = httpx.get(f"{am}/api/v2/alerts", timeout=5).json()
                assert any(a["labels"]["alertname"] == ALERT for a in alerts)

        with session_scope(app.services.sessions) as s:
            receipts = s.scalars(select(AlertReceipt)).all()
            events = s.scalars(select(PhaseEvent).order_by(PhaseEvent.id)).all()
            assert receipts and all(r.alertname == ALERT for r in receipts)
            back = [e for e in events if e.cause == "alert"]
            # One step back per rollback window: later groups (other fields) are rate-limited, not stacked.
            assert [(e.from_phase, e.to_phase, e.actor) for e in back] == [("P1", "P0", "alertmanager")]
            assert ALERT in (back[0].reason or "")
        assert app.phase() == "P0"
    assert fast["for"] == "0s"
    assert time.monotonic() - started < 30
