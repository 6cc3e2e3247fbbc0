"""compute_shadow_thresholds.py on synthetic baselines; pull_shadow_metrics.sh against a fake Prometheus."""

from __future__ import annotations

import importlib.util
import io
import json
import math
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from .conftest import PROM_DIR, REPO

SCRIPTS = REPO / "scripts" / "prometheus"
ALERTS = PROM_DIR / "shadow-diff-alerts.yml"

spec = importlib.util.spec_from_file_location("cst", SCRIPTS / "compute_shadow_thresholds.py")
assert spec and spec.loader
cst = importlib.util.module_from_spec(spec)
sys.modules["cst"] = cst  # dataclasses look their module up while the class is built
spec.loader.exec_module(cst)


def series(metric: str, field: str, env: str, values: list[float], q: str = "p95", w: str = "1d") -> dict:
    return {
        "metric": {
            "__name__": f"env_field:meal_log_shadow_diff_{metric}:{q}_{w}",
            "env": env,
            "field": field,
        },
        "values": [[1_700_000_000 + 3600 * i, repr(v)] for i, v in enumerate(values)],
    }


def pulled(*items: dict) -> dict:
    return {"prom_url": "http://x", "series": {"any": {"status": "success", "data": {"result": list(items)}}}}


def baseline(center: float, spread: float, n: int = 336) -> list[float]:
    """Deterministic values 2 weeks x hourly: a triangle wave around center."""
    return [center + spread * (((i * 7) % 21) - 10) / 10 for i in range(n)]


@pytest.fixture
def alerts(tmp_path: Path) -> Path:
    p = tmp_path / "alerts.yml"
    shutil.copy(ALERTS, p)
    return p


def run(args: list[str]) -> tuple[int, str]:
    buf = io.StringIO()
    return cst.main(args, out=buf), buf.getvalue()


def test_quantile_type7_matches_known_values() -> None:
    xs = [1.0, 2.0, 3.0, 4.0]
    assert cst.quantile7(xs, 0.5) == 2.5
    assert cst.quantile7(xs, 0.25) == 1.75
    assert cst.quantile7(xs, 0.75) == 3.25
    assert cst.quantile7([7.0], 0.9) == 7.0
    assert cst.quantile7(list(map(float, range(11))), 0.1) == 1.0


def test_analyse_statistics_and_bounds() -> None:
    xs = [float(x) for x in range(1, 101)]  # 1..100
    rows = cst.analyse(
        {("prod", "abs", "kcal"): xs},
        {("abs", "kcal"): 80.0},
        min_samples=50,
        clamps={"kcal": (0.0, 1000.0), "g": (0, 1), "ratio": (0, 1)},
    )
    (r,) = rows
    assert (r.median, r.q1, r.q3) == (50.5, 25.75, 75.25)
    assert r.iqr == 49.5
    assert r.recommended == 50.5 + 1.5 * 49.5  # 124.75
    assert r.tukey == 75.25 + 1.5 * 49.5
    assert r.mad == 25.0
    assert math.isclose(r.mad_bound, 50.5 + 3 * 1.4826 * 25.0)
    assert r.snapped == 160.0  # next bucket bound above 124.75
    assert r.status == "looser"


def test_clamps_and_min_samples() -> None:
    rows = cst.analyse(
        {("prod", "abs", "protein_g"): [0.1] * 200, ("dev", "abs", "fat_g"): [30.0] * 10},
        {("abs", "protein_g"): 15.0, ("abs", "fat_g"): 15.0},
        min_samples=100,
        clamps={"kcal": (20.0, 200.0), "g": (5.0, 40.0), "ratio": (0.05, 0.5)},
    )
    by = {(r.env, r.field): r for r in rows}
    assert by[("prod", "protein_g")].clamped == 5.0 and by[("prod", "protein_g")].snapped == 5.0
    assert by[("prod", "protein_g")].status == "tighter"
    assert by[("dev", "fat_g")].snapped is None and "too few" in by[("dev", "fat_g")].status


def test_current_thresholds_read_from_alert_file() -> None:
    cur = cst.current_thresholds(ALERTS.read_text())
    assert cur[("abs", "kcal")] == 80.0
    assert cur[("abs", "protein_g")] == cur[("abs", "fat_g")] == cur[("abs", "carbs_g")] == 15.0
    assert all(cur[("rel", f)] == 0.18 for f in ("kcal", "protein_g", "fat_g", "carbs_g"))


def test_table_and_csv_summary(tmp_path: Path, alerts: Path) -> None:
    data = tmp_path / "pull.json"
    data.write_text(json.dumps(pulled(series("abs", "kcal", "prod", baseline(40, 10)),
                                      series("rel", "kcal", "prod", baseline(0.08, 0.02)))))  # fmt: skip
    csv_path = tmp_path / "summary.csv"
    rc, out = run([str(data), "--alerts", str(alerts), "--csv", str(csv_path)])
    assert rc == 0
    assert "recommended" in out and "tukey_fence" in out and "mad_bound" in out
    lines = csv_path.read_text().splitlines()
    assert lines[0].startswith(
        "env,metric,field,unit,n,median,q1,q3,iqr,mad,recommended,tukey_fence,mad_bound"
    )
    assert len(lines) == 3
    assert alerts.read_text() == ALERTS.read_text()  # no --write, no change


def test_write_tightens_shows_diff_and_stays_valid(tmp_path: Path, alerts: Path) -> None:
    data = tmp_path / "pull.json"
    data.write_text(json.dumps(pulled(series("abs", "kcal", "prod", baseline(40, 10)),
                                      series("abs", "kcal", "stg", baseline(150, 10)),
                                      series("rel", "fat_g", "prod", baseline(0.08, 0.02)))))  # fmt: skip
    rc, out = run([str(data), "--alerts", str(alerts), "--write"])
    assert rc == 0, out
    removed = [x for x in out.splitlines() if x.startswith("-") and not x.startswith("---")]
    added = [x for x in out.splitlines() if x.startswith("+") and not x.startswith("+++")]
    assert any('field="kcal", le="80.0"' in x for x in removed)
    assert any('field="kcal", le="60.0"' in x for x in added)
    new = alerts.read_text()
    cur = cst.current_thresholds(new)
    assert cur[("abs", "kcal")] == 60.0  # median 40 + 1.5 IQR = 55 -> bucket 60
    assert cur[("rel", "fat_g")] == 0.12
    assert cur[("abs", "protein_g")] == 15.0 and cur[("rel", "kcal")] == 0.18
    assert 'threshold: "60 kcal"' in new and 'threshold: "12 %"' in new
    yaml.safe_load(new)
    if shutil.which("promtool"):
        proc = subprocess.run(["promtool", "check", "rules", "--lint=all", "--lint-fatal", str(alerts)],
                              capture_output=True, text=True)  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_loosening_needs_allow_loosen(tmp_path: Path, alerts: Path) -> None:
    data = tmp_path / "pull.json"
    data.write_text(json.dumps(pulled(series("abs", "kcal", "prod", baseline(100, 10)))))
    rc, _ = run([str(data), "--alerts", str(alerts), "--write"])
    assert rc == 2
    assert alerts.read_text() == ALERTS.read_text()
    rc, out = run([str(data), "--alerts", str(alerts), "--write", "--allow-loosen"])
    assert rc == 0, out
    assert cst.current_thresholds(alerts.read_text())[("abs", "kcal")] == 120.0


def test_bad_input_exits_1(tmp_path: Path, alerts: Path) -> None:
    data = tmp_path / "empty.json"
    data.write_text(json.dumps(pulled()))
    assert run([str(data), "--alerts", str(alerts)])[0] == 1


# -- pull_shadow_metrics.sh --------------------------------------------------------------------------


class FakeProm(BaseHTTPRequestHandler):
    queries: list[dict[str, list[str]]] = []

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        q = parse_qs(url.query)
        FakeProm.queries.append(q)
        name = q["query"][0].split("{")[0]
        body = {
            "status": "success",
            "data": {
                "resultType": "matrix",
                "result": [
                    {
                        "metric": {"__name__": name, "env": "prod", "field": "kcal"},
                        "values": [[int(q["start"][0]), "42"], [int(q["end"][0]), "44"]],
                    }
                ],
            },  # fmt: skip
        }
        raw = json.dumps(body).encode()
        self.send_response(200 if url.path == "/api/v1/query_range" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_prom() -> Iterator[str]:
    FakeProm.queries = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="needs curl and jq")
def test_pull_script_queries_recording_rules(fake_prom: str, tmp_path: Path) -> None:
    out = tmp_path / "pull.json"
    env = {**os.environ, "PROM_URL": fake_prom, "END": "1700000000"}
    proc = subprocess.run(["bash", str(SCRIPTS / "pull_shadow_metrics.sh"), "-p", "14d", "-s", "1h",
                           "-e", "prod", "-o", str(out)], env=env, capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert doc["start"] == 1700000000 - 14 * 86400 and doc["step"] == 3600 and doc["env"] == "prod"
    assert "env_field:meal_log_shadow_diff_abs:p95_1d" in doc["series"]
    assert all(q["query"][0].endswith('{env="prod"}') for q in FakeProm.queries)
    assert {q["step"][0] for q in FakeProm.queries} == {"3600"}
    # the output feeds the threshold script directly
    loaded = cst.load_series([str(out)], "p95", "1d")
    assert loaded[("prod", "abs", "kcal")] == [42.0, 44.0]


def test_pull_script_needs_prom_url() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PROM_URL"}
    proc = subprocess.run(["bash", str(SCRIPTS / "pull_shadow_metrics.sh")], env=env,
                          capture_output=True, text=True, timeout=30)  # fmt: skip
    assert proc.returncode != 0 and "PROM_URL" in proc.stderr
