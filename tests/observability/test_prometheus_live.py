"""A real Prometheus scrapes a real meallog with the repo's recording rules; the weekly pull and the
threshold script then run against it (runbook §6). Slow: starts `prometheus` (Debian package)."""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import yaml

from meallog.app import Services, build_services, create_app
from meallog.observability.simulate import thresholds_script
from meallog.settings import Settings
from meallog.store.db import make_engine, make_sessionmaker, session_scope
from meallog.store.migrate import upgrade
from meallog.users import add_user
from tests.serving import free_port, serve

from .conftest import PROM_DIR, REPO

pytestmark = [
    pytest.mark.slow,
]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ADMIN_TOKEN = "admin-secret"
# Meals whose v2 result differs from legacy (unknown foods logged at 0 kcal by legacy, alcohol, set meals).
BREACHING_MEALS = (
    "謎の郷土料理",
    "ビール 500ml",
    "唐揚げ定食",
    "grandma's casserole",
    "カレーライス 1皿",
    "ご飯 1杯と味噌汁、焼き鮭 1切れ",
    "2 eggs, toast with butter, black coffee",
    "ジビエ丼",
)
T = TypeVar("T")


def binary(name: str) -> str:
    """Path of an external binary; missing fails under CI=true and skips elsewhere."""
    path = shutil.which(name)
    if path is None:
        hint = "apt-get install -y --no-install-recommends prometheus prometheus-alertmanager"
        if IN_CI:
            pytest.fail(f"{name} is required in CI: {hint}")
        pytest.skip(f"{name} not installed ({hint})")
    return path


@contextmanager
def process(args: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run a binary for the duration of the block; stopped by its own PID (TERM, then KILL)."""
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def wait_for(probe: Callable[[], T | None], *, timeout: float, what: str, log: Path | None = None) -> T:
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = probe()
        except httpx.HTTPError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}\n{tail}")
        time.sleep(0.2)


def fast_recording_rules(tmp: Path) -> Path:
    """The repo's recording rules, unchanged except evaluated every second instead of every minute."""
    doc = yaml.safe_load((PROM_DIR / "shadow-diff-recording-rules.yml").read_text())
    for group in doc["groups"]:
        group["interval"] = "1s"
    path = tmp / "recording-rules.yml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def prometheus_config(
    tmp: Path, *, app_url: str, rule_files: list[Path], alertmanager: str | None = None
) -> Path:
    config: dict[str, Any] = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s", "scrape_timeout": "1s"},
        "rule_files": [str(p) for p in rule_files],
        "scrape_configs": [
            {
                "job_name": "meallog",
                "metrics_path": "/metrics",
                "static_configs": [{"targets": [app_url.removeprefix("http://")]}],
            }
        ],
    }
    if alertmanager:
        config["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": [alertmanager]}]}]}
    path = tmp / "prometheus.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@dataclass
class Prometheus:
    url: str
    log: Path

    def query(self, expr: str) -> list[dict[str, Any]]:
        r = httpx.get(f"{self.url}/api/v1/query", params={"query": expr}, timeout=5)
        r.raise_for_status()
        body = r.json()
        assert body["status"] == "success", body
        return list(body["data"]["result"])

    def wait_up(self) -> None:
        # The first scrape lands after ~6 s (a fixed 5 s discovery tick in 2.42): poll, never sleep.
        wait_for(
            lambda: [s for s in self.query('up{job="meallog"}') if s["value"][1] == "1"],
            timeout=15,
            what="the first scrape of meallog (up == 1)",
            log=self.log,
        )


@contextmanager
def prometheus(tmp: Path, config: Path) -> Iterator[Prometheus]:
    port = free_port()
    data = tmp / "prom-data"
    data.mkdir()
    log = tmp / "prometheus.log"
    args = [
        binary("prometheus"),
        f"--config.file={config}",
        f"--storage.tsdb.path={data}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--rules.alert.resend-delay=1s",
        "--log.level=warn",
    ]
    with process(args, log):
        prom = Prometheus(f"http://127.0.0.1:{port}", log)
        wait_for(
            lambda: httpx.get(f"{prom.url}/-/ready", timeout=2).status_code == 200,
            timeout=10,
            what="Prometheus /-/ready",
            log=log,
        )
        yield prom


@dataclass
class App:
    url: str
    services: Services
    token: str

    def log_meals(self, texts: tuple[str, ...]) -> None:
        """POST /logs as a client would, then let the worker run the shadow jobs (diffs -> metrics)."""
        with httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=10
        ) as c:
            for text in texts:
                r = c.post("/logs", json={"text": text})
                assert r.status_code == 201, r.text
        self.services.worker.drain()

    def phase(self) -> str:
        r = httpx.get(
            f"{self.url}/admin/phase", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=5
        )
        assert r.status_code == 200, r.text
        return str(r.json()["phase"])


@contextmanager
def meallog(tmp: Path, *, database_url: str | None = None, **overrides: Any) -> Iterator[App]:
    """A real meallog on a loopback port: its own database (SQLite unless given), flags, one user."""
    url = database_url or f"sqlite:///{tmp / 'meallog.sqlite3'}"
    settings = Settings.model_validate(
        {
            "database_url": url,
            "admin_token": ADMIN_TOKEN,
            "run_worker": False,
            "run_scheduler": False,
            "ai_provider": "offline",
            **overrides,
        }
    )
    engine = make_engine(url)
    upgrade(engine)
    # Flags change only through this process's admin API, which invalidates the cache itself.
    services = build_services(settings, engine=engine, snapshot_ttl_s=3600.0)
    services.migration.snapshots.get()
    with session_scope(make_sessionmaker(engine)) as s:
        _, token = add_user(s, name="alice", now=services.clock.now())
    services.worker.refresh_gauges()
    try:
        with serve(create_app(settings, services=services)) as base:
            yield App(base, services, token)
    finally:
        services.worker.stop()
        engine.dispose()


def test_recording_rules_pull_and_thresholds_against_a_real_prometheus(tmp_path: Path) -> None:
    started = time.monotonic()
    with meallog(tmp_path, metric_env="stg", normalize_v2_shadow=True) as app:
        assert app.phase() == "P0"
        config = prometheus_config(tmp_path, app_url=app.url, rule_files=[fast_recording_rules(tmp_path)])
        with prometheus(tmp_path, config) as prom:
            prom.wait_up()
            app.log_meals(BREACHING_MEALS)

            breaches = wait_for(
                lambda: prom.query('env_field:meal_log_shadow_diff_breach:increase15m{env="stg"} > 0'),
                timeout=10,
                what="the breach recording rule",
                log=prom.log,
            )
            assert {s["metric"]["env"] for s in breaches} == {"stg"}
            assert set(breaches[0]["metric"]) == {"__name__", "env", "field"}  # sum by (env, field)
            p95 = wait_for(
                lambda: prom.query('env_field:meal_log_shadow_diff_abs:p95_1d{env="stg",field="kcal"} >= 0'),
                timeout=10,
                what="the daily P95 rule",
                log=prom.log,
            )
            assert math.isfinite(float(p95[0]["value"][1]))
            time.sleep(3)  # a few more evaluations, so the pull holds several samples

            pull = tmp_path / "pull.json"
            env = {**os.environ, "PROM_URL": prom.url}
            proc = subprocess.run(
                [
                    "bash",
                    str(REPO / "scripts/prometheus/pull_shadow_metrics.sh"),
                    "-p",
                    "120",
                    "-s",
                    "1",
                    "-e",
                    "stg",
                    "-o",
                    str(pull),
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert proc.returncode == 0, proc.stderr
            doc = json.loads(pull.read_text())
            assert doc["env"] == "stg" and doc["prom_url"] == prom.url
            kcal = [
                item
                for item in doc["series"]["env_field:meal_log_shadow_diff_abs:p95_1d"]["data"]["result"]
                if item["metric"]["field"] == "kcal"
            ]
            assert kcal and len(kcal[0]["values"]) >= 3

            page = httpx.get(f"{app.url}/metrics", timeout=5).text

    script = thresholds_script()
    printed = io.StringIO()
    out_csv = tmp_path / "summary.csv"
    code = script.main([str(pull), "--min-samples", "3", "--csv", str(out_csv)], out=printed)
    assert code == 0, printed.getvalue()
    rows = {(r[0], r[1], r[2]): r for r in (line.split(",") for line in out_csv.read_text().splitlines()[1:])}
    row = rows[("stg", "abs", "kcal")]
    n, median, status = int(row[4]), float(row[5]), row[-1]
    assert n >= 3 and median > 0, row
    assert status in ("tighter", "looser", "unchanged"), row
    assert "recommended = median + 1.5 x IQR" in printed.getvalue()

    promtool = binary("promtool")
    check = subprocess.run(
        [promtool, "check", "metrics"], input=page, capture_output=True, text=True, timeout=30
    )
    assert check.returncode == 0 and not (check.stdout + check.stderr).strip(), check.stdout + check.stderr
    assert "meal_log_shadow_diff_abs_bucket{" in page
    assert time.monotonic() - started < 30
