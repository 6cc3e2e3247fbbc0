"""Fixtures for observability tests: promtool lookup, repo paths, a fresh Metrics per test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from meallog.observability.metrics import CommonLabels, Metrics

REPO = Path(__file__).resolve().parents[2]
PROM_DIR = REPO / "observability" / "prometheus"

LABELS = CommonLabels(
    env="prod", shadow_version="v2.0.0", ai_provider="gemini", model="gemini-2.5-flash", app_version="0.1.0"
)


@pytest.fixture
def promtool() -> str:
    """Path of promtool; a missing promtool fails under CI=true and skips elsewhere."""
    path = shutil.which("promtool")
    if path is None:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail("promtool is required in CI: apt-get install -y --no-install-recommends prometheus")
        pytest.skip("promtool not installed")
    return path


@pytest.fixture
def metrics() -> Metrics:
    return Metrics(labels=LABELS, registry=CollectorRegistry())
