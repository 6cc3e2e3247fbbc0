#!/usr/bin/env python3
"""Recommend shadow diff alert thresholds from a 2-4 week baseline (runbook §6), optionally write them.

Input: JSON from ``pull_shadow_metrics.sh`` (or a raw Prometheus ``/api/v1/query_range`` response) holding
the recorded daily quantiles ``env_field:meal_log_shadow_diff_{abs,rel}:p95_1d`` per env and field.

Per env, metric (abs, rel) and field, over the samples of the period:

* recommended = median + 1.5 x IQR          (the runbook's rule)
* Tukey fence = Q3 + 1.5 x IQR              (shown beside it)
* MAD bound   = median + 3 x 1.4826 x MAD   (robust z = 3; shown beside it)

Quantiles use linear interpolation between order statistics, Hyndman & Fan type 7 (the default of R,
NumPy and Excel's PERCENTILE.INC): h = (n - 1) p, q = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
No NumPy needed. With fewer than ``--min-samples`` finite samples a series gets no recommendation.
The recommendation is clamped to a sane range per unit (``--clamp-*``), then snapped UP to the next
histogram bucket bound, because the alerts read exact bucket shares (le="80.0") and a threshold between
two bounds could only be measured by interpolation.

``--write`` rewrites the rules marked ``managed-by: compute_shadow_thresholds.py`` in the alert file for
one env (``--env``, default prod) after printing a unified diff; the new file is checked with promtool
when promtool is installed. A threshold never loosens silently: raising one needs ``--allow-loosen``.
Exit codes: 0 ok, 1 bad input, 2 refused (loosening without --allow-loosen, or promtool rejected).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_ALERTS = REPO / "observability" / "prometheus" / "shadow-diff-alerts.yml"

try:  # the bucket bounds live with the metrics; fall back to a copy when the package is not importable
    sys.path.insert(0, str(REPO / "src"))
    from meallog.observability.metrics import ABS_BUCKETS, FIELDS, REL_BUCKETS
except ImportError:  # pragma: no cover - exercised only outside the repo
    FIELDS = ("kcal", "protein_g", "fat_g", "carbs_g")
    ABS_BUCKETS = (0.5, 1.0, 2.0, 3.0, 5.0, 7.5, 10.0, 12.5, 15.0, 17.5, 20.0, 25.0, 30.0, 40.0, 50.0,
                   60.0, 70.0, 80.0, 100.0, 120.0, 160.0, 200.0, 300.0, 400.0)  # fmt: skip
    REL_BUCKETS = (0.01, 0.02, 0.05, 0.08, 0.1, 0.12, 0.15, 0.18, 0.2, 0.25, 0.3, 0.4, 0.5, 1.0, 2.0)

SERIES_RE = re.compile(r"^env_field:meal_log_shadow_diff_(abs|rel):(p\d+)_(\w+)$")
MARKER_RE = re.compile(r"# managed-by: compute_shadow_thresholds\.py \(metric=(abs|rel), field=(\w+)\)")
LE_RE = re.compile(r'le="([^"+]+)"')
THRESHOLD_RE = re.compile(r'^(\s+threshold: )"[^"]*"$', re.M)


@dataclass(frozen=True, slots=True)
class Row:
    """One env x metric x field: the baseline statistics and the recommended threshold."""

    env: str
    metric: str
    field: str
    n: int
    median: float
    q1: float
    q3: float
    iqr: float
    mad: float
    recommended: float
    tukey: float
    mad_bound: float
    clamped: float
    snapped: float | None
    current: float | None
    status: str

    def stats(self) -> tuple[float | None, ...]:
        """The numeric columns, in COLUMNS order (median .. current)."""
        return (self.median, self.q1, self.q3, self.iqr, self.mad, self.recommended, self.tukey, self.mad_bound,
                self.clamped, self.snapped, self.current)


def quantile7(sorted_xs: Sequence[float], p: float) -> float:
    """Hyndman & Fan type 7 quantile of an ascending sequence (linear between order statistics)."""
    if not sorted_xs:
        raise ValueError("quantile of no data")
    h = (len(sorted_xs) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(sorted_xs) - 1)
    return sorted_xs[lo] + (h - lo) * (sorted_xs[hi] - sorted_xs[lo])


def unit_of(metric: str, field: str) -> str:
    return "ratio" if metric == "rel" else ("kcal" if field == "kcal" else "g")


def buckets_of(metric: str) -> tuple[float, ...]:
    return tuple(REL_BUCKETS if metric == "rel" else ABS_BUCKETS)


def snap_up(value: float, bounds: Iterable[float]) -> float | None:
    """The smallest bucket bound >= value (None when above every bound)."""
    return next((b for b in sorted(bounds) if b >= value - 1e-12), None)


def load_series(paths: Sequence[str], quantile: str, window: str) -> dict[tuple[str, str, str], list[float]]:
    """(env, metric, field) -> finite sample values of the recorded quantile series."""
    out: dict[tuple[str, str, str], list[float]] = {}
    for path in paths:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
        doc = json.loads(text)
        results: list[dict] = []
        if "series" in doc:  # pull_shadow_metrics.sh: {"series": {record: <query_range response>}}
            for response in doc["series"].values():
                results += response.get("data", {}).get("result", [])
        else:  # one raw /api/v1/query_range response
            results += doc.get("data", {}).get("result", [])
        for item in results:
            labels = item.get("metric", {})
            m = SERIES_RE.match(labels.get("__name__", ""))
            if not m or m.group(2) != quantile or m.group(3) != window:
                continue
            key = (labels.get("env", ""), m.group(1), labels.get("field", ""))
            values = [float(v) for _, v in item.get("values", [])]
            out.setdefault(key, []).extend(v for v in values if math.isfinite(v))
    return out


def current_thresholds(alerts_text: str) -> dict[tuple[str, str], float]:
    """(metric, field) -> the le bound a managed rule reads now."""
    found: dict[tuple[str, str], float] = {}
    for (metric, field), chunk in _managed_chunks(alerts_text).items():
        les = {float(x) for x in LE_RE.findall(alerts_text[chunk[0] : chunk[1]])}
        if len(les) != 1:
            raise ValueError(f"managed rule {metric}/{field} reads {len(les)} thresholds, expected 1")
        found[(metric, field)] = les.pop()
    return found


def _managed_chunks(text: str) -> dict[tuple[str, str], tuple[int, int]]:
    chunks: dict[tuple[str, str], tuple[int, int]] = {}
    markers = list(MARKER_RE.finditer(text))
    for m in markers:
        start = m.end()
        alert_line = text.index("- alert:", start)
        ends = [text.find(s, alert_line + 1) for s in ("\n      - ", "\n      # ", "\n  - name:")]
        end = min((e for e in ends if e != -1), default=len(text))
        chunks[(m.group(1), m.group(2))] = (start, end)
    return chunks


def analyse(
    series: dict[tuple[str, str, str], list[float]],
    current: dict[tuple[str, str], float],
    *,
    min_samples: int,
    clamps: dict[str, tuple[float, float]],
) -> list[Row]:
    rows = []
    for (env, metric, field), values in sorted(series.items()):
        xs = sorted(values)
        n = len(xs)
        cur = current.get((metric, field))
        if n < min_samples:
            nan = float("nan")
            rows.append(
                Row(env, metric, field, n, *(nan,) * 9, None, cur, f"too few samples (< {min_samples})")
            )
            continue
        med, q1, q3 = quantile7(xs, 0.5), quantile7(xs, 0.25), quantile7(xs, 0.75)
        iqr = q3 - q1
        mad = quantile7(sorted(abs(x - med) for x in xs), 0.5)
        rec = med + 1.5 * iqr
        lo, hi = clamps[unit_of(metric, field)]
        clamped = min(max(rec, lo), hi)
        snapped = snap_up(clamped, buckets_of(metric))
        if snapped is None or cur is None:
            status = "no bucket bound" if snapped is None else "not managed"
        elif snapped < cur:
            status = "tighter"
        elif snapped > cur:
            status = "looser"
        else:
            status = "unchanged"
        rows.append(
            Row(
                env,
                metric,
                field,
                n,
                med,
                q1,
                q3,
                iqr,
                mad,
                rec,
                q3 + 1.5 * iqr,
                med + 3 * 1.4826 * mad,
                clamped,
                snapped,
                cur,
                status,
            )  # fmt: skip
        )
    return rows


def fmt(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.4g}"


COLUMNS = ("env", "metric", "field", "unit", "n", "median", "q1", "q3", "iqr", "mad", "recommended",
           "tukey_fence", "mad_bound", "clamped", "snapped", "current", "status")  # fmt: skip


def table(rows: Sequence[Row]) -> str:
    cells = [list(COLUMNS)]
    for r in rows:
        cells.append(
            [r.env, r.metric, r.field, unit_of(r.metric, r.field), str(r.n)]
            + [fmt(v) for v in r.stats()]
            + [r.status]
        )
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(COLUMNS))).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def csv_text(rows: Sequence[Row]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow(
            [r.env, r.metric, r.field, unit_of(r.metric, r.field), r.n]
            + [("" if v is None or math.isnan(v) else round(v, 6)) for v in r.stats()]
            + [r.status]
        )
    return buf.getvalue()


def human(metric: str, field: str, value: float) -> str:
    if metric == "rel":
        return f"{value * 100:g} %"
    return f"{value:g} {'kcal' if field == 'kcal' else 'g'}"


def rewrite(text: str, new: dict[tuple[str, str], float]) -> str:
    """The alert file with the managed rules of ``new`` reading their new bucket bound."""
    chunks = _managed_chunks(text)
    # edit from the end so earlier offsets stay valid
    for key, (start, end) in sorted(chunks.items(), key=lambda kv: -kv[1][0]):
        if key not in new:
            continue
        value = new[key]
        chunk = LE_RE.sub(f'le="{float(value)!r}"', text[start:end])
        chunk = THRESHOLD_RE.sub(lambda m, k=key, v=value: f'{m.group(1)}"{human(k[0], k[1], v)}"', chunk)
        text = text[:start] + chunk + text[end:]
    return text


def promtool_check(text: str) -> tuple[bool, str]:
    promtool = shutil.which("promtool")
    if promtool is None:
        return True, "promtool not installed: file not checked"
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as tmp:
        tmp.write(text)
    proc = subprocess.run([promtool, "check", "rules", "--lint=all", "--lint-fatal", tmp.name],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    Path(tmp.name).unlink()
    return proc.returncode == 0, proc.stdout + proc.stderr


def parse_clamp(text: str) -> tuple[float, float]:
    lo, hi = (float(x) for x in text.split(","))
    if not lo <= hi:
        raise argparse.ArgumentTypeError("clamp is MIN,MAX with MIN <= MAX")
    return lo, hi


def main(argv: Sequence[str] | None = None, *, out=None) -> int:
    out = out or sys.stdout
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", help="JSON files from pull_shadow_metrics.sh ('-' = stdin)")
    ap.add_argument("--quantile", default="p95", help="recorded quantile the alerts bound (default p95)")
    ap.add_argument("--window", default="1d", help="window of the recorded quantile (default 1d)")
    ap.add_argument("--min-samples", type=int, default=100, help="fewest samples for a recommendation")
    ap.add_argument("--clamp-kcal", type=parse_clamp, default=(20.0, 200.0), metavar="MIN,MAX")
    ap.add_argument("--clamp-g", type=parse_clamp, default=(5.0, 40.0), metavar="MIN,MAX")
    ap.add_argument("--clamp-rel", type=parse_clamp, default=(0.05, 0.5), metavar="MIN,MAX")
    ap.add_argument("--alerts", type=Path, default=DEFAULT_ALERTS, help="alert rule file")
    ap.add_argument("--csv", type=Path, help="write the CSV summary here instead of stdout")
    ap.add_argument("--write", action="store_true", help="update the alert file (after showing a diff)")
    ap.add_argument("--env", default="prod", help="env whose recommendation --write applies")
    ap.add_argument("--allow-loosen", action="store_true", help="let --write raise a threshold")
    args = ap.parse_args(argv)

    try:
        series = load_series(args.inputs, args.quantile, args.window)
        alerts_text = args.alerts.read_text()
        current = current_thresholds(alerts_text)
    except (OSError, ValueError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not series:
        print(f"error: no env_field:meal_log_shadow_diff_*:{args.quantile}_{args.window} series in input",
              file=sys.stderr)  # fmt: skip
        return 1
    clamps = {"kcal": args.clamp_kcal, "g": args.clamp_g, "ratio": args.clamp_rel}
    rows = analyse(series, current, min_samples=args.min_samples, clamps=clamps)
    out.write(f"quantile {args.quantile}_{args.window}; recommended = median + 1.5 x IQR (type 7), "
              f"clamped, snapped up to a bucket bound\n\n")  # fmt: skip
    out.write(table(rows))
    summary = csv_text(rows)
    if args.csv:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        args.csv.write_text(summary)
        out.write(f"\nCSV summary written to {args.csv}\n")
    else:
        out.write("\n" + summary)
    if not args.write:
        return 0

    chosen = {(r.metric, r.field): r for r in rows if r.env == args.env and r.snapped is not None}
    chosen = {k: r for k, r in chosen.items() if k in current}
    if not chosen:
        print(f"error: nothing to write for env {args.env!r} (too few samples?)", file=sys.stderr)
        return 1
    looser = [r for r in chosen.values() if r.status == "looser"]
    if looser and not args.allow_loosen:
        for r in looser:
            print(f"refused: {r.metric}/{r.field} would loosen {fmt(r.current)} -> {fmt(r.snapped)}; "
                  "pass --allow-loosen after review", file=sys.stderr)  # fmt: skip
        return 2
    new_text = rewrite(alerts_text, {k: r.snapped for k, r in chosen.items() if r.snapped is not None})
    diff = "".join(difflib.unified_diff(alerts_text.splitlines(True), new_text.splitlines(True),
                                        str(args.alerts), str(args.alerts) + " (new)"))  # fmt: skip
    if not diff:
        out.write("\nthresholds unchanged; nothing written\n")
        return 0
    out.write("\n" + diff)
    ok, report = promtool_check(new_text)
    if not ok:
        print("refused: promtool rejects the rewritten file:\n" + report, file=sys.stderr)
        return 2
    args.alerts.write_text(new_text)
    out.write(f"\nwrote {args.alerts}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
