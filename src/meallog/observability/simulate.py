"""Simulated shadow-diff baseline: seeded traffic through the real pipelines, then the IQR summary.

Contract: ``simulate(config)`` drives users' meals (Asia/Tokyo meal times, Japanese and English
texts, unknown foods, edits, deletes) through the real write path (offline provider -> legacy, P0
shadow job -> v2 normalize -> diff) on a throwaway SQLite database with a ``FrozenClock``, reads
``meal_log_shadow_diff_{abs,rel}_bucket`` off the process's own ``Metrics`` registry every ``step``
(what Prometheus would scrape), evaluates the 1d recording rules (``histogram_quantile`` over the
1d increase) and writes the pull document ``scripts/prometheus/pull_shadow_metrics.sh`` would
have produced. ``summarize(...)`` then runs ``scripts/prometheus/compute_shadow_thresholds.py`` on
it: the summary CSV is that script's output, and the weekly summaries are its output per week.
The same config gives byte-identical files.
"""

from __future__ import annotations

import bisect
import csv
import importlib.util
import io
import json
import math
import random
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from meallog.nutrition.types import FIELDS

TOKYO = ZoneInfo("Asia/Tokyo")
QUANTILES = ("p50", "p90", "p95")
METRICS = ("abs", "rel")
DEFAULT_END = date(2025, 9, 20)  # the runbook's simulated baseline date; pinned so a seed reproduces it
PULL_PREFIX = "pull_demo_"
SUMMARY_PREFIX = "baseline_summary_"
WEEKLY_PREFIX = "weekly_summary_"
WEEKLY_COLUMNS = ("week_start", "env", "metric", "field", "unit", "n", "p50", "p90", "p95", "q1", "q3", "iqr",
                  "recommended", "snapped", "status")  # fmt: skip


# -- traffic model -----------------------------------------------------------------------------------

# (template, choices for {n}); one line is one food phrase the user might type.
JA: Mapping[str, Sequence[tuple[str, Sequence[str]]]] = {
    "breakfast": [
        ("ご飯 {n}杯", ("1", "1", "0.5")),
        ("味噌汁", ()),
        ("納豆 1パック", ()),
        ("焼き鮭 {n}切れ", ("1", "1", "2")),
        ("トースト {n}枚", ("1", "1", "2")),
        ("目玉焼き", ()),
        ("卵 {n}個", ("1", "2")),
        ("牛乳 {n}ml", ("200", "150", "250")),
        ("ヨーグルト {n}g", ("100", "80", "150")),
        ("バナナ {n}本", ("1", "1", "2")),
        ("コーヒー", ()),
        ("コーンフレーク {n}g", ("40", "50")),
    ],
    "lunch": [
        ("カレーライス 1皿", ()),
        ("唐揚げ定食", ()),
        ("ラーメン {n}", ("1杯", "大盛り")),
        ("牛丼 {n}", ("1杯", "並", "大盛り")),
        ("うどん 1玉", ()),
        ("おにぎり {n}個", ("1", "2", "3")),
        ("ハンバーガー 1個", ()),
        ("フライドポテト", ()),
        ("ご飯 {n}杯", ("1", "1", "2")),
        ("唐揚げ {n}個", ("3", "4", "5")),
        ("緑茶", ()),
    ],
    "dinner": [
        ("ご飯 {n}杯", ("1", "1", "2", "0.5")),
        ("味噌汁", ()),
        ("豚こま {n}g", ("100", "150")),
        ("鶏むね肉 {n}g", ("120", "150", "200")),
        ("焼き鮭 1切れ", ()),
        ("キャベツ {n}g", ("50", "100")),
        ("トマト {n}個", ("1", "0.5")),
        ("豆腐 {n}丁", ("0.5", "1")),
        ("ビール {n}ml", ("350", "500")),
        ("唐揚げ {n}個", ("4", "6")),
        ("カレーライス 1皿", ()),
    ],
    "snack": [
        ("バナナ 1本", ()),
        ("ヨーグルト 100g", ()),
        ("コーヒー", ()),
        ("おにぎり 1個", ()),
        ("コーラ {n}ml", ("350", "500")),
        ("緑茶", ()),
        ("牛乳 1杯", ()),
    ],
}
EN: Mapping[str, Sequence[tuple[str, Sequence[str]]]] = {
    "breakfast": [
        ("{n} eggs", ("2", "2", "3")),
        ("toast with butter", ()),
        ("black coffee", ()),
        ("{n} slices of toast", ("1", "2")),
        ("oatmeal {n}g", ("40", "60")),
        ("a banana", ()),
        ("orange juice {n} ml", ("200", "250")),
        ("plain yogurt 150 g", ()),
        ("a cup of milk", ()),
    ],
    "lunch": [
        ("a cheeseburger", ()),
        ("french fries", ()),
        ("caesar salad", ()),
        ("a bowl of rice", ()),
        ("grilled salmon {n}g", ("100", "150")),
        ("spaghetti {n} g", ("200", "250")),
        ("chicken breast 150 g", ()),
        ("cola 350 ml", ()),
    ],
    "dinner": [
        ("chicken breast {n} g", ("150", "200")),
        ("{n} bowls of rice", ("1", "2")),
        ("miso soup", ()),
        ("beer {n} ml", ("350", "500")),
        ("curry rice", ()),
        ("tofu 150 g", ()),
        ("pork 100 g", ()),
    ],
    "snack": [
        ("a banana", ()),
        ("black coffee", ()),
        ("an apple", ()),
        ("a glass of milk", ()),
        ("yogurt 100g", ()),
    ],
}
UNKNOWN_JA = (
    "謎の郷土料理",
    "ドラゴンフルーツスムージー",
    "おばあちゃんの煮物",
    "限定スイーツ 1個",
    "ジビエ丼",
)
UNKNOWN_EN = ("grandma's casserole", "mystery smoothie bowl", "kombucha 1 bottle", "protein bar from the gym",
              "street food skewer")  # fmt: skip

# meal -> (probability on weekdays, mean local time in minutes, sd minutes); weekends shift later.
MEALS: Mapping[str, tuple[float, int, int]] = {
    "breakfast": (0.75, 7 * 60 + 30, 40),
    "lunch": (0.9, 12 * 60 + 30, 35),
    "dinner": (0.9, 19 * 60 + 30, 60),
    "snack": (0.35, 15 * 60 + 30, 120),
}


@dataclass(frozen=True, slots=True)
class EnvProfile:
    """How one environment's traffic differs: share of users, English share, unknown foods, edits."""

    env: str
    user_share: float = 1.0
    en_share: float = 0.3
    unknown_rate: float = 0.04
    edit_rate: float = 0.08
    delete_rate: float = 0.03


PROFILES: Mapping[str, EnvProfile] = {
    "prod": EnvProfile("prod"),
    "stg": EnvProfile(
        "stg", user_share=0.5, en_share=0.45, unknown_rate=0.08, edit_rate=0.15, delete_rate=0.06
    ),
    "dev": EnvProfile(
        "dev", user_share=0.25, en_share=0.5, unknown_rate=0.12, edit_rate=0.2, delete_rate=0.1
    ),
    "local": EnvProfile(
        "local", user_share=0.25, en_share=0.5, unknown_rate=0.12, edit_rate=0.2, delete_rate=0.1
    ),
}


@dataclass(frozen=True, slots=True)
class SimConfig:
    days: int
    seed: int
    users: int = 12
    envs: tuple[str, ...] = ("prod", "stg")
    end: date = DEFAULT_END
    step: timedelta = timedelta(hours=1)
    window: timedelta = timedelta(days=1)
    min_samples: int = 100

    def __post_init__(self) -> None:
        if self.days < 2:
            raise ValueError("--days must be at least 2 (one day fills the 1d window)")
        if self.users < 1:
            raise ValueError("--users must be at least 1")
        if self.window % self.step or self.step <= timedelta(0):
            raise ValueError("the step must divide the 1d window")
        unknown = [e for e in self.envs if e not in PROFILES]
        if unknown or not self.envs:
            raise ValueError(f"unknown env(s) {unknown}; expected some of {', '.join(PROFILES)}")

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time(0), tzinfo=UTC)

    @property
    def start_at(self) -> datetime:
        return self.end_at - timedelta(days=self.days)

    @property
    def stamp(self) -> str:
        return self.end.strftime("%Y%m%d")


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime
    seq: int
    kind: str  # create | edit | delete
    user: int
    text: str = ""
    meal_type: str | None = None
    ref: int = -1  # seq of the create event an edit/delete applies to


@dataclass
class EnvRun:
    """One environment's simulated traffic and the bucket counts sampled every step."""

    env: str
    counts: dict[str, int] = field(default_factory=dict)
    # (metric, field) -> le bounds (ascending, +Inf last);
    # snapshots[i]: (metric, field) -> cumulative bucket counts at times[i]
    bounds: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    times: list[datetime] = field(default_factory=list)
    snapshots: list[dict[tuple[str, str], list[float]]] = field(default_factory=list)


def _phrase(rng: random.Random, menu: Sequence[tuple[str, Sequence[str]]]) -> str:
    template, choices = menu[rng.randrange(len(menu))]
    return template.format(n=choices[rng.randrange(len(choices))]) if choices else template


def meal_text(rng: random.Random, *, meal: str, en: bool, unknown_rate: float) -> str:
    """One user's meal text: one to three phrases, sometimes with a food no table knows."""
    menu = (EN if en else JA)[meal]
    n = 1 if meal == "snack" else rng.choice((1, 2, 2, 3))
    parts: list[str] = []
    while len(parts) < n:
        p = _phrase(rng, menu)
        if p not in parts:
            parts.append(p)
    if rng.random() < unknown_rate:
        unknown = UNKNOWN_EN if en else UNKNOWN_JA
        parts[rng.randrange(len(parts))] = unknown[rng.randrange(len(unknown))]
    if en:
        return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return rng.choice(("と", "、", " ")).join(parts)


def plan(config: SimConfig, profile: EnvProfile, rng: random.Random) -> tuple[list[bool], list[Event]]:
    """Users' languages and every create/edit/delete in [start, end), in time order."""
    n_users = max(1, round(config.users * profile.user_share))
    english = [rng.random() < profile.en_share for _ in range(n_users)]
    events: list[Event] = []
    seq = 0
    first = config.start_at.astimezone(TOKYO).date()
    last = config.end_at.astimezone(TOKYO).date()
    day = first
    while day <= last:
        weekend = day.weekday() >= 5
        for user in range(n_users):
            for meal, (p, mean, sd) in MEALS.items():
                if rng.random() >= p * (0.85 if weekend and meal == "breakfast" else 1.0):
                    continue
                minutes = rng.gauss(mean + (60 if weekend else 0), sd)
                minutes = min(max(minutes, 5 * 60), 24 * 60 - 1)
                local = datetime.combine(day, time(0), tzinfo=TOKYO) + timedelta(minutes=minutes)
                at = local.astimezone(UTC).replace(microsecond=0)
                text = meal_text(rng, meal=meal, en=english[user], unknown_rate=profile.unknown_rate)
                r = rng.random()
                follow: Event | None = None
                if r < profile.edit_rate:
                    new_text = meal_text(rng, meal=meal, en=english[user], unknown_rate=profile.unknown_rate)
                    edit_at = at + timedelta(minutes=rng.randint(2, 90))
                    follow = Event(edit_at, seq + 1, "edit", user, new_text,
                                   ref=seq)  # fmt: skip
                elif r < profile.edit_rate + profile.delete_rate:
                    follow = Event(
                        at + timedelta(minutes=rng.randint(1, 240)), seq + 1, "delete", user, ref=seq
                    )
                if config.start_at <= at < config.end_at:
                    events.append(Event(at, seq, "create", user, text, meal))
                    if follow is not None and follow.at < config.end_at:
                        events.append(follow)
                seq += 2
        day += timedelta(days=1)
    events.sort(key=lambda e: (e.at, e.seq))
    return english, events


# -- running the pipelines -----------------------------------------------------------------------------


def _buckets(registry: Any) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """(metric, field) -> [(le, cumulative count)] of the shadow diff histograms, as a scrape sees them."""
    out: dict[tuple[str, str], list[tuple[float, float]]] = {}
    names = ["meal_log_shadow_diff_abs_bucket", "meal_log_shadow_diff_rel_bucket"]
    for family in registry.restricted_registry(names).collect():
        metric = family.name.rsplit("_", 1)[1]
        for sample in family.samples:
            if sample.name.endswith("_bucket"):
                out.setdefault((metric, sample.labels["field"]), []).append(
                    (float(sample.labels["le"]), float(sample.value))
                )
    for pairs in out.values():
        pairs.sort()
    return out


def run_env(config: SimConfig, env: str, workdir: Path) -> EnvRun:
    """Drive one env's planned traffic through build_services (P0) and sample the buckets each step."""
    from meallog.app import build_services
    from meallog.clock import FrozenClock
    from meallog.errors import InvalidInput
    from meallog.logs.schemas import LogCreate, LogUpdate
    from meallog.settings import Settings
    from meallog.store.db import make_engine, session_scope
    from meallog.store.migrate import upgrade
    from meallog.users import add_user

    profile = PROFILES[env]
    rng = random.Random(f"meallog-simulate:{config.seed}:{env}")
    english, events = plan(config, profile, rng)
    url = f"sqlite:///{workdir / f'simulate-{env}.sqlite3'}"
    settings = Settings.model_validate({"database_url": url, "metric_env": env, "ai_provider": "offline",
                                        "normalize_v2_shadow": True, "run_worker": False,
                                        "run_scheduler": False})  # fmt: skip
    engine = make_engine(url)
    try:
        upgrade(engine)
        clock = FrozenClock(config.start_at)
        # Flags never change during a simulation: load the snapshot once, outside any transaction.
        services = build_services(settings, engine=engine, clock=clock, snapshot_ttl_s=float("inf"))
        services.migration.snapshots.get()
        with session_scope(services.sessions) as s:
            user_ids = [add_user(s, name=f"sim-{env}-{i}", now=clock.now(), locale="en" if en else "ja")[0].id
                        for i, en in enumerate(english)]  # fmt: skip
        run = EnvRun(
            env=env,
            counts={"users": len(user_ids), "create": 0, "edit": 0, "delete": 0, "skipped": 0, "refused": 0},
        )
        logs: dict[int, int] = {}  # create seq -> log id
        deleted: set[int] = set()
        queue = iter(events)
        pending = next(queue, None)
        at = config.start_at
        services.worker.drain()

        def sample() -> None:  # what a scrape at `at` sees
            snap = _buckets(services.metrics.registry)
            if not run.bounds:
                run.bounds = {k: [le for le, _ in v] for k, v in snap.items()}
            run.times.append(at)
            run.snapshots.append({k: [c for _, c in v] for k, v in snap.items()})

        sample()
        while at < config.end_at:
            at = at + config.step
            busy = pending is not None and pending.at < at
            while pending is not None and pending.at < at:
                ev = pending
                pending = next(queue, None)
                clock.advance(max(timedelta(0), ev.at - clock.now()))
                uid = user_ids[ev.user]
                if ev.kind == "create":
                    payload = LogCreate.model_validate(
                        {"text": ev.text, "eaten_at": ev.at, "meal_type": ev.meal_type}
                    )
                    try:
                        _, body = services.logs.create(user_id=uid, idempotency_key=None, payload=payload)
                    except InvalidInput:  # the API answers 422 (e.g. an absurd quantity): nothing stored
                        run.counts["refused"] += 1
                        continue
                    logs[ev.seq] = int(body["id"])
                elif ev.ref in logs and logs[ev.ref] not in deleted:
                    log_id = logs[ev.ref]
                    if ev.kind == "edit":
                        try:
                            services.logs.update(user_id=uid, log_id=log_id, payload=LogUpdate(text=ev.text))
                        except InvalidInput:
                            run.counts["refused"] += 1
                            continue
                    else:
                        services.logs.delete(user_id=uid, log_id=log_id)
                        deleted.add(log_id)
                else:
                    run.counts["skipped"] += 1
                    continue
                run.counts[ev.kind] += 1
            clock.advance(at - clock.now())
            if busy:  # no writes in this step: no shadow jobs to run
                services.worker.drain()
            sample()
        run.counts["unknown_items"] = int(sum(
            services.metrics.registry.get_sample_value("meal_log_unknown_total", {
                "env": env, **_common(services.metrics), "kind": k}) or 0
            for k in ("unknown_food", "unknown_unit", "unknown_portion")))  # fmt: skip
        run.counts["breaches"] = int(sum(
            services.metrics.registry.get_sample_value("meal_log_shadow_diff_breach_total", {
                "env": env, **_common(services.metrics), "field": f}) or 0 for f in FIELDS))  # fmt: skip
        services.worker.stop()
        return run
    finally:
        engine.dispose()


def _common(metrics: Any) -> dict[str, str]:
    labels = metrics.labels
    return {"shadow_version": labels.shadow_version, "ai_provider": labels.ai_provider, "model": labels.model,
            "app_version": labels.app_version}  # fmt: skip


# -- the recording rules, evaluated on the samples ------------------------------------------------------


def histogram_quantile(q: float, bounds: Sequence[float], counts: Sequence[float]) -> float:
    """Prometheus' histogram_quantile over cumulative bucket counts (upper bounds ascending, +Inf last)."""
    if len(bounds) < 2 or not math.isinf(bounds[-1]):
        return math.nan
    cum = list(counts)
    for i in range(1, len(cum)):  # Prometheus coalesces non-monotonic buckets the same way
        cum[i] = max(cum[i], cum[i - 1])
    total = cum[-1]
    if total <= 0:
        return math.nan
    rank = q * total
    b = bisect.bisect_left(cum, rank)
    if b == len(bounds) - 1:
        return bounds[-2]
    if b == 0 and bounds[0] <= 0:
        return bounds[0]
    start, end, count = 0.0, bounds[b], cum[b]
    if b > 0:
        start = bounds[b - 1]
        count -= cum[b - 1]
        rank -= cum[b - 1]
    return start + (end - start) * (rank / count)


def _value(v: float) -> str:
    return "NaN" if math.isnan(v) else repr(round(v, 6) + 0.0)


def pull_document(config: SimConfig, runs: Sequence[EnvRun]) -> dict[str, Any]:
    """The JSON pull_shadow_metrics.sh would have written: p50/p90/p95 of the 1d increase, every step."""
    lag = config.window // config.step
    results: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        for metric in METRICS:
            for f in FIELDS:
                bounds = run.bounds[(metric, f)]
                for qname in QUANTILES:
                    q = int(qname[1:]) / 100
                    values = []
                    for i in range(lag, len(run.times)):
                        now, then = run.snapshots[i][(metric, f)], run.snapshots[i - lag][(metric, f)]
                        inc = [a - b for a, b in zip(now, then, strict=True)]
                        values.append(
                            [int(run.times[i].timestamp()), _value(histogram_quantile(q, bounds, inc))]
                        )
                    name = f"env_field:meal_log_shadow_diff_{metric}:{qname}_1d"
                    results.setdefault(name, []).append(
                        {"metric": {"__name__": name, "env": run.env, "field": f}, "values": values}
                    )
    first = runs[0].times[lag] if runs and len(runs[0].times) > lag else config.end_at
    return {
        "prom_url": "simulated",
        "start": int(first.timestamp()),
        "end": int(config.end_at.timestamp()),
        "step": int(config.step.total_seconds()),
        "env": None,
        "simulation": {"command": command_line(config), "envs": {r.env: r.counts for r in runs}},
        "series": {
            k: {"status": "success", "data": {"resultType": "matrix", "result": v}}
            for k, v in sorted(results.items())
        },  # fmt: skip
    }


def command_line(config: SimConfig) -> str:
    envs = "".join(f" --env {e}" for e in config.envs)
    return (f"meallog simulate --days {config.days} --seed {config.seed} --users {config.users}{envs} "
            f"--end {config.end.isoformat()} --step {int(config.step.total_seconds())}s "
            f"--min-samples {config.min_samples}")  # fmt: skip


# -- summaries with compute_shadow_thresholds.py ---------------------------------------------------------


def thresholds_script() -> ModuleType:
    """scripts/prometheus/compute_shadow_thresholds.py of this checkout, imported as a module."""
    path = Path(__file__).resolve().parents[3] / "scripts" / "prometheus" / "compute_shadow_thresholds.py"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run from a meallog checkout (editable install)")
    name = "meallog_compute_shadow_thresholds"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def run_thresholds(pull: Path, *, quantile: str, min_samples: int) -> tuple[str, list[dict[str, str]], str]:
    """(CSV text, its rows, the printed table) of compute_shadow_thresholds.py over one pull file."""
    script = thresholds_script()
    with tempfile.TemporaryDirectory(prefix="meallog-thresholds-") as tmp:
        out_csv = Path(tmp) / "summary.csv"
        printed = io.StringIO()
        args = [str(pull), "--quantile", quantile, "--window", "1d", "--min-samples", str(min_samples)]
        code = script.main([*args,
                            "--csv", str(out_csv)], out=printed)  # fmt: skip
        if code != 0:
            raise RuntimeError(f"compute_shadow_thresholds.py exited {code} on {pull}")
        text = out_csv.read_text()
    lines = printed.getvalue().splitlines(True)
    table = "".join(line for line in lines if not line.startswith("CSV summary"))
    return text, list(csv.DictReader(io.StringIO(text))), table.rstrip() + "\n"


def weeks(config: SimConfig) -> Iterator[tuple[date, int, int]]:
    """(week start date, first, last unix time) of each complete week, samples in (first, last]."""
    start = config.start_at
    while start + timedelta(days=7) <= config.end_at:
        yield start.date(), int(start.timestamp()), int((start + timedelta(days=7)).timestamp())
        start += timedelta(days=7)


def week_slice(doc: Mapping[str, Any], first: int, last: int) -> dict[str, Any]:
    series = {}
    for name, response in doc["series"].items():
        result = [{"metric": item["metric"], "values": [v for v in item["values"] if first < v[0] <= last]}
                  for item in response["data"]["result"]]  # fmt: skip
        series[name] = {"status": "success", "data": {"resultType": "matrix", "result": result}}
    return {**doc, "start": first, "end": last, "series": series}


def weekly_rows(config: SimConfig, doc: Mapping[str, Any], workdir: Path) -> list[dict[str, str]]:
    """Per complete week, env, metric and field: medians of the daily P50/P90/P95 and the P95 IQR."""
    rows: list[dict[str, str]] = []
    for week_start, first, last in weeks(config):
        path = workdir / f"week-{week_start.isoformat()}.json"
        path.write_text(json.dumps(week_slice(doc, first, last)))
        by_q = {q: {(r["env"], r["metric"], r["field"]): r for r in run_thresholds(path, quantile=q,
                                                                                    min_samples=1)[1]}
                for q in QUANTILES}  # fmt: skip
        for key, r in by_q["p95"].items():
            rows.append({"week_start": week_start.isoformat(), "env": key[0], "metric": key[1],
                         "field": key[2],
                         "unit": r["unit"], "n": r["n"], "p50": by_q["p50"].get(key, {}).get("median", ""),
                         "p90": by_q["p90"].get(key, {}).get("median", ""), "p95": r["median"], "q1": r["q1"],
                         "q3": r["q3"], "iqr": r["iqr"], "recommended": r["recommended"],
                         "snapped": r["snapped"],
                         "status": r["status"]})  # fmt: skip
    return rows


def weekly_csv(rows: Sequence[Mapping[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, WEEKLY_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


@dataclass(frozen=True, slots=True)
class SimResult:
    pull: Path
    summary: Path
    weekly: Path
    table: str
    weekly_rows: list[dict[str, str]]
    counts: dict[str, dict[str, int]]


def simulate(config: SimConfig, out: Path) -> SimResult:
    """Run every env, write the pull JSON, the summary CSV and the weekly CSV into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="meallog-simulate-") as tmp:
        work = Path(tmp)
        runs = [run_env(config, env, work) for env in config.envs]
        doc = pull_document(config, runs)
        pull = out / f"{PULL_PREFIX}{config.stamp}.json"
        pull.write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True) + "\n")
        summary_text, _, table = run_thresholds(pull, quantile="p95", min_samples=config.min_samples)
        summary = out / f"{SUMMARY_PREFIX}{config.stamp}.csv"
        summary.write_text(summary_text)
        rows = weekly_rows(config, doc, work)
        weekly = out / f"{WEEKLY_PREFIX}{config.stamp}.csv"
        weekly.write_text(weekly_csv(rows))
    return SimResult(pull, summary, weekly, table, rows, {r.env: dict(r.counts) for r in runs})


def record_weekly(sessions: Any, rows: Sequence[Mapping[str, str]], *, now: datetime, source: str) -> int:
    """Upsert the abs-diff weekly rows into ``baseline_summaries`` (one per week, env, field)."""
    from sqlalchemy import delete

    from meallog.store.db import session_scope
    from meallog.store.models import BaselineSummary

    n = 0
    with session_scope(sessions) as s:
        for r in rows:
            if r["metric"] != "abs" or not r["p95"]:
                continue
            week = date.fromisoformat(r["week_start"])
            s.execute(delete(BaselineSummary).where(BaselineSummary.week_start == week,
                                                    BaselineSummary.env == r["env"],
                                                    BaselineSummary.field == r["field"]))  # fmt: skip
            threshold = float(r["snapped"] or r["recommended"])
            s.add(BaselineSummary(week_start=week, env=r["env"], field=r["field"], samples=int(r["n"]),
                                  median=float(r["p95"]), iqr=float(r["iqr"]), threshold=threshold,
                                  recorded_at=now, source=source[:255]))  # fmt: skip
            n += 1
    return n
