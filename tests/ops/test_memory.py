"""The archive's memory stays flat however large the month: peak RSS of a fresh process, small vs large.

The default suite compares 10k with 50k rows; MEALLOG_TEST_ARCHIVE_1M=1 compares 10k with 1M rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bench.ops_archive import REPO, archive_run, peak_rss_kib, seed_pg

LARGE = 1_000_000 if os.environ.get("MEALLOG_TEST_ARCHIVE_1M") == "1" else 50_000


@pytest.mark.parametrize("db_url", ["pg"], indirect=True)
def test_peak_rss_is_flat_between_10k_and_a_large_month(db_url: str, tmp_path: Path) -> None:
    pg_url = db_url
    seed_pg(pg_url, 10_000, month="2026-09")
    seed_pg(pg_url, LARGE, month="2026-10")
    small = archive_run(pg_url, str(tmp_path / "small"), "meal_logs_v2_shadow", "2026-09")
    large = archive_run(pg_url, str(tmp_path / "large"), "meal_logs_v2_shadow", "2026-10")
    assert (small["rows"], large["rows"]) == (10_000, LARGE)
    grown_mib = (large["peak_rss_kib"] - small["peak_rss_kib"]) / 1024
    print(f"peak RSS {small['peak_rss_kib'] / 1024:.0f} MiB at 10k rows, {large['peak_rss_kib'] / 1024:.0f} MiB at "
          f"{LARGE} rows (+{grown_mib:.0f} MiB)")
    assert grown_mib < 32, (small, large)  # Arrow's 32-block CSV read-ahead once made it +50-80 MiB at 1M


def test_peak_rss_is_the_archive_process_own_not_its_parent() -> None:
    """A child forked from a large parent reports its own peak: `ru_maxrss` on Linux would carry the
    parent's 400 MiB into it (seen: every archive run in `make bench` printed 831 MiB)."""
    ballast = bytearray(400 * 1024 * 1024)  # touched, so resident
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    assert peak_rss_kib() > 400 * 1024
    code = "from bench.ops_archive import peak_rss_kib; print(peak_rss_kib())"
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(REPO)}, check=True,
                         capture_output=True, text=True, timeout=60)
    del ballast
    assert int(out.stdout.strip()) < 200 * 1024, out.stdout
