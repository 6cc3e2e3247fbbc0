"""The Grafana dashboard is generated, current, filters on $env, and every query parses."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest
import yaml

from meallog.observability.metrics import SERIES_BUDGET

from .conftest import REPO

pytest.importorskip("grafana_foundation_sdk")

GRAFANA = REPO / "observability" / "grafana"
spec = importlib.util.spec_from_file_location("build_dashboard", GRAFANA / "build_dashboard.py")
assert spec and spec.loader
bd = importlib.util.module_from_spec(spec)
sys.modules["build_dashboard"] = bd
spec.loader.exec_module(bd)


def _panels() -> list[dict]:
    return [
        p for p in json.loads((GRAFANA / "meallog-shadow.json").read_text())["panels"] if p["type"] != "row"
    ]


def _exprs() -> list[str]:
    return [t["expr"] for p in _panels() for t in p["targets"]]


def test_committed_json_equals_generated() -> None:
    assert (GRAFANA / "meallog-shadow.json").read_text() == bd.render(), "run build_dashboard.py"
    assert bd.main(["--check"]) == 0


def test_env_template_variable() -> None:
    doc = json.loads((GRAFANA / "meallog-shadow.json").read_text())
    env = next(v for v in doc["templating"]["list"] if v["name"] == "env")
    assert env["type"] == "query" and "env" in env["query"]


def test_every_panel_filters_on_env() -> None:
    assert _panels()
    for p in _panels():
        assert p["targets"], p["title"]
        for t in p["targets"]:
            assert 'env="$env"' in t["expr"], (p["title"], t["expr"])


def test_every_metric_has_a_panel() -> None:
    text = "\n".join(_exprs())
    for name in SERIES_BUDGET:
        base = name.removesuffix("_total")
        assert base in text, f"no panel shows {name}"


def test_every_query_parses(promtool: str, tmp_path) -> None:
    rules = [
        {"record": f"dashboard:check_{i}:expr", "expr": e.replace("$env", "prod")}
        for i, e in enumerate(_exprs())
    ]
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    proc = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
