"""The end of a visual regression run: `meallog visual record --passed|--failed --report PATH`
(runbook §8), so the Diff-Gate sees the run and a failed one pages and steps back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def record_command(*, passed: bool, report: Path) -> list[str]:
    meallog = Path(sys.executable).with_name("meallog")
    return [str(meallog), "visual", "record", "--passed" if passed else "--failed", "--report",
            str(report.resolve())]


def record_run(*, passed: bool, report: Path) -> int:
    """Run the command with this process's environment (DATABASE_URL, METRIC_ENV, paging URLs)."""
    return subprocess.run(record_command(passed=passed, report=report), check=False).returncode
