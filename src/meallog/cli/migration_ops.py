"""On-call migration commands: gate, backfill, reconcile, diffs and the `shadow` group (runbook §7).

`register(app)` adds them to the `meallog` Typer app. Each command builds its settings and engine,
migrates the schema, owns one transaction per unit of work, and maps `MeallogError` to its exit code
with a one-line message on stderr. Importing this module does nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from meallog.cli.common import database_of, errors, print_header
from meallog.cli.common import table as narrow_table
from meallog.errors import InvalidInput
from meallog.settings import Settings

INTERRUPTED = 130
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86_400, "w": 604_800}


def parse_duration(text: str) -> timedelta:
    """`15m`, `2h`, `7d`, `90s`, `1w` -> timedelta."""
    m = _DURATION.match(text)
    if not m:
        raise InvalidInput(f"cannot read duration {text!r} (use e.g. 15m, 2h, 7d)", field="since")
    return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2).lower()])


_errors = errors


@dataclass(frozen=True, slots=True)
class Ctx:
    settings: Settings
    sessions: sessionmaker[Session]
    database: str

    def now(self) -> datetime:
        from meallog.clock import SystemClock

        return SystemClock().now()

    def options(self, s: Session) -> Any:
        from meallog.migration.flags import FlagStore
        from meallog.migration.paths import v2_options

        return v2_options(FlagStore(self.settings).snapshot(s))


@contextmanager
def _db(*, header: bool = True) -> Iterator[Ctx]:
    """The existing, current schema (never created or migrated here); prints the `database:` header."""
    from meallog.store.db import make_sessionmaker
    from meallog.store.migrate import open_database

    settings = Settings()
    engine = open_database(settings.database_url)
    if header:
        print_header(engine)
    try:
        yield Ctx(settings=settings, sessions=make_sessionmaker(engine), database=database_of(engine))
    finally:
        engine.dispose()


def _out() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _fmt(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}"


# ---- gate -----------------------------------------------------------------------------------------
@_errors
def gate(
    phase: str | None = typer.Option(
        None, "--phase", help="phase to advance to (P0-P3); default: the next one"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
    window_days: int | None = typer.Option(None, "--window-days", help="days of diffs to judge (default 7)"),
    min_samples: int | None = typer.Option(None, "--min-samples", help="fewer judged diffs: inconclusive"),
) -> None:
    """Diff-Gate: go (exit 0), no-go (exit 1) or inconclusive (exit 2) for the next phase."""
    from meallog.migration.fence import stored_phase
    from meallog.migration.flags import FlagStore
    from meallog.migration.gate import GateConfig, evaluate
    from meallog.migration.phases import Phase, next_phase
    from meallog.store.db import session_scope

    with _db(header=not as_json) as ctx, session_scope(ctx.sessions) as s:
        current = stored_phase(s) or FlagStore(ctx.settings).snapshot(s).phase
        if phase is None:
            target = next_phase(current)
            if target is None:
                raise InvalidInput("already in P3: there is no next phase to judge", field="phase")
        else:
            try:
                target = Phase(phase.upper())
            except ValueError:
                raise InvalidInput(f"unknown phase {phase!r} (P0, P1, P2, P3)", field="phase") from None
        config = GateConfig.from_settings(ctx.settings, window_days=window_days, min_samples=min_samples)
        result = evaluate(s, target=target, now=ctx.now(), config=config)
    if as_json:
        _echo_json({"database": ctx.database, "current": current.value, **result.to_json()})
    else:
        _print_gate(current.value, result)
    raise typer.Exit(result.exit_code)


def _print_gate(current: str, result: Any) -> None:
    out = _out()
    color = {"go": "green", "no_go": "red", "inconclusive": "yellow"}[result.outcome]
    out.print(f"Diff-Gate {current} -> {result.target.value}: [bold {color}]{result.outcome.upper()}[/]")
    if result.blocking:
        out.print("blocking:" if result.outcome != "go" else "blocking: none")
        for reason in result.blocking:
            out.print(f"  - {reason}", markup=False)
    for reason in result.info:
        out.print(f"  note: {reason}", markup=False)
    st = result.stats
    if "p95_abs" not in st:
        return
    out.print(
        f"diffs {st['total']} in {st['window_days']}d for {st['pipeline_version']}: judged {st['judged']}, "
        f"ignored {st['ignored']}, accepted_change {st['accepted_change']}; breaches {st['breaches']} "
        f"({st['breach_rate']:.1%}); unknown {st['unknown_rate']:.1%}"
    )
    table = Table("field", "P95 abs", "floor", "excess", "P95 rel", "limit")
    for f, p95 in st["p95_abs"].items():
        limit = st["thresholds"]["kcal_abs"] if f == "kcal" else st["thresholds"]["macro_abs"]
        table.add_row(
            f,
            _fmt(p95),
            _fmt(st["noise_floor"][f]["abs"]),
            _fmt(st["excess_p95_abs"][f]),
            f"{st['p95_rel'][f]:.1%}",
            f"{limit:g}",
        )
    out.print(table)


# ---- backfill / reconcile -------------------------------------------------------------------------
@_errors
def backfill_cmd(
    batch: int = typer.Option(500, "--batch", min=1, help="logs per transaction"),
    restart: bool = typer.Option(False, "--restart", help="start again from the first log"),
) -> None:
    """Create v2 records for existing legacy logs (resumable: safe to stop and rerun)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from meallog.migration.backfill import backfill, read_cursor, remaining
    from meallog.store.db import session_scope

    with _db() as ctx:
        with session_scope(ctx.sessions) as s:
            total = remaining(s, cursor=0 if restart else read_cursor(s))
        columns = (TextColumn("backfill"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
            task = bar.add_task("backfill", total=total)

            def tick(p: Any) -> None:
                bar.update(task, completed=p.scanned, total=p.scanned + p.remaining)

            try:
                report = backfill(
                    ctx.sessions,
                    batch=batch,
                    pipeline_version=ctx.settings.shadow_pipeline_version,
                    options_from_flags=ctx.options,
                    now=ctx.now,
                    progress=tick,
                    restart=restart,
                )
            except KeyboardInterrupt:
                bar.stop()
                with session_scope(ctx.sessions) as s:
                    cursor = read_cursor(s)
                Console(stderr=True).print(
                    f"interrupted: every finished batch is kept (cursor at log {cursor}); run `meallog backfill` "
                    f"again to resume from there", highlight=False, soft_wrap=True)
                raise typer.Exit(INTERRUPTED) from None
    typer.echo(
        f"backfill {ctx.settings.shadow_pipeline_version}: scanned {report.scanned} in {report.batches} "
        f"batch(es), created {report.created}, refreshed {report.refreshed}, skipped {report.skipped}; "
        f"cursor {report.start_cursor} -> {report.cursor}"
    )


@_errors
def reconcile_cmd(
    fix: bool = typer.Option(False, "--fix", help="repair what is found"),
    limit: int = typer.Option(20, "--limit", min=0, help="most problem rows to list (the summary counts all)"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON (every problem)"),
) -> None:
    """Find v2 records that are missing, stale or disagree with legacy; --fix repairs them.

    Prints a summary by kind, then at most --limit rows. Exits 1 when problems are found and left unfixed."""
    from meallog.migration.backfill import reconcile
    from meallog.migration.fence import stored_phase
    from meallog.migration.flags import FlagStore
    from meallog.store.db import session_scope

    try:
        with _db(header=not as_json) as ctx, session_scope(ctx.sessions) as s:
            report = reconcile(
                s,
                pipeline_version=ctx.settings.shadow_pipeline_version,
                options=ctx.options(s),
                fix=fix,
                now=ctx.now(),
                phase=stored_phase(s) or FlagStore(ctx.settings).snapshot(s).phase,
            )
    except KeyboardInterrupt:
        Console(stderr=True).print(
            "interrupted: reconcile runs in one transaction, so nothing was changed; run "
            f"`meallog reconcile{' --fix' if fix else ''}` again (it starts over and is safe to repeat)",
            highlight=False, soft_wrap=True)
        raise typer.Exit(INTERRUPTED) from None
    if as_json:
        _echo_json({"database": ctx.database, **report.to_json()})
    else:
        out = _out()
        counts = ", ".join(f"{k} {v}" for k, v in report.counts.items())
        out.print(f"reconcile: checked {report.checked}; pending back-write (P3) {report.pending_back_write}; "
                  f"fixed {report.fixed}")
        t = narrow_table("kind", "legacy", "v2", "fixed", title="by kind")
        for kind in report.counts:
            t.add_row(kind, str(report.by_store["legacy"][kind]), str(report.by_store["v2"][kind]),
                      str(sum(1 for i in report.issues if i.kind == kind and i.fixed)))
        out.print(t)
        out.print(counts, markup=False)
        for issue in report.issues[:limit]:
            out.print(f"  log {issue.log_id}: {issue.store} {issue.kind}: {issue.detail}"
                      f"{' [fixed]' if issue.fixed else ''}",
                      markup=False, soft_wrap=True)
        if len(report.issues) > limit:
            out.print(f"  ... {len(report.issues) - limit} more (--limit N, or --json for all)")
    if report.unfixed:
        raise typer.Exit(1)


# ---- diffs ----------------------------------------------------------------------------------------
@_errors
def diffs_cmd(
    since: str = typer.Option("15m", "--since", help="how far back: 15m, 2h, 7d"),
    breach_only: bool = typer.Option(False, "--breach-only", help="only diffs that breached"),
    limit: int = typer.Option(50, "--limit", min=1, help="most rows to show (newest first)"),
    as_json: bool = typer.Option(False, "--json", help="print rows as JSON"),
) -> None:
    """Recent shadow diffs (`SELECT ... FROM diffs WHERE ts > now()-interval '15 min'`)."""
    from meallog.nutrition.types import FIELDS
    from meallog.store.db import session_scope
    from meallog.store.models import Diff

    window = parse_duration(since)
    with _db(header=not as_json) as ctx, session_scope(ctx.sessions) as s:
        stmt = select(Diff).where(Diff.ts > ctx.now() - window)
        if breach_only:
            stmt = stmt.where(Diff.breach.is_(True))
        rows = list(s.scalars(stmt.order_by(Diff.ts.desc(), Diff.id.desc()).limit(limit)))
    if as_json:
        _echo_json({"database": ctx.database, "rows": [
                {
                    "id": r.id,
                    "ts": r.ts.isoformat(),
                    "log_id": r.log_id,
                    "log_version": r.log_version,
                    "user_id": r.user_id,
                    "pipeline_version": r.pipeline_version,
                    **{f"{f}_{k}": getattr(r, f"{f}_{k}") for f in FIELDS for k in ("abs", "rel")},
                    "breach": r.breach,
                    "breach_fields": [x for x in r.breach_fields.split(",") if x],
                    "unknown_kinds": [x for x in r.unknown_kinds.split(",") if x],
                    "ignore_rule_id": r.ignore_rule_id,
                    "triage": r.triage,
                    "triage_note": r.triage_note,
                }
                for r in rows
            ]})
        return
    table = narrow_table(
        "id",
        "ts (UTC)",
        "log",
        "user",
        "kcal",
        "P g",
        "F g",
        "C g",
        "breach",
        "ignore",
        "triage",
        title=f"diffs in the last {since}" + (" (breaches only)" if breach_only else ""),
        keep=("id", "ts (UTC)", "log"),
    )
    for r in rows:
        cells = [f"{getattr(r, f'{f}_abs'):g} ({getattr(r, f'{f}_rel'):.0%})" for f in FIELDS]
        table.add_row(
            str(r.id),
            r.ts.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            f"{r.log_id} v{r.log_version}",
            str(r.user_id),
            *cells,
            r.breach_fields or "-",
            f"#{r.ignore_rule_id}" if r.ignore_rule_id is not None else "-",
            r.triage or "-",
        )
    out = _out()
    out.print(table)
    out.print(f"{len(rows)} row(s)" + (f" (limit {limit})" if len(rows) == limit else ""))


@_errors
def mismatches_cmd(
    since: str = typer.Option("1d", "--since", help="how far back: 15m, 2h, 7d"),
    kind: str | None = typer.Option(None, "--kind", help="structural (bugs, they page) or nutrition (expected)"),
    limit: int = typer.Option(50, "--limit", min=1, help="most rows to show (newest first)"),
    as_json: bool = typer.Option(False, "--json", help="print rows as JSON (with `database`)"),
) -> None:
    """Dual-read mismatches (P2 adapter vs legacy), once per log version: structural ones are bugs."""
    from sqlalchemy import func

    from meallog.migration.read_mismatch import KINDS
    from meallog.store.db import session_scope
    from meallog.store.models import ReadMismatch

    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"--kind takes {' or '.join(KINDS)}, not {kind!r}", field="kind")
    window = parse_duration(since)
    with _db(header=not as_json) as ctx, session_scope(ctx.sessions) as s:
        since_ts = ctx.now() - window
        stmt = select(ReadMismatch).where(ReadMismatch.ts > since_ts)
        if kind:
            stmt = stmt.where(ReadMismatch.kind == kind)
        rows = list(s.scalars(stmt.order_by(ReadMismatch.ts.desc(), ReadMismatch.id.desc()).limit(limit)))
        by_kind: dict[str, int] = {k: int(n) for k, n in s.execute(
            select(ReadMismatch.kind, func.count()).where(ReadMismatch.ts > since_ts).group_by(ReadMismatch.kind))}
    data = [{"id": r.id, "ts": r.ts.isoformat(), "log_id": r.log_id, "log_version": r.log_version,
             "user_id": r.user_id, "kind": r.kind, "fields": list(r.fields)} for r in rows]
    if as_json:
        _echo_json({"database": ctx.database, "counts": {k: by_kind.get(k, 0) for k in KINDS}, "rows": data})
        return
    out = _out()
    out.print(f"read mismatches in the last {since}: " + ", ".join(f"{k} {by_kind.get(k, 0)}" for k in KINDS))
    t = narrow_table("id", "ts (UTC)", "log", "user", "kind", "fields", keep=("id", "ts (UTC)", "log"))
    for r in rows:
        t.add_row(str(r.id), r.ts.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), f"{r.log_id} v{r.log_version}",
                  str(r.user_id), r.kind, ", ".join(r.fields))
    out.print(t)
    if by_kind.get("structural"):
        out.print("structural mismatches are adapter bugs: roll back (`meallog phase rollback --why ...`) "
                  "and file them with the rows above", soft_wrap=True)


# ---- shadow group ---------------------------------------------------------------------------------
@_errors
def shadow_calibrate(
    sample: int = typer.Option(500, "--sample", min=1, help="how many recent legacy logs to run"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON (with `database`)"),
) -> None:
    """Measure the A/A noise floor (legacy vs legacy, v2 vs v2) that the Diff-Gate subtracts."""
    from meallog.migration.calibrate import calibrate
    from meallog.store.db import session_scope

    with _db(header=not as_json) as ctx, session_scope(ctx.sessions) as s:
        report = calibrate(
            s,
            sample=sample,
            now=ctx.now(),
            options=ctx.options(s),
            pipeline_version=ctx.settings.shadow_pipeline_version,
        )
    if as_json:
        _echo_json({"database": ctx.database, **report.to_json()})
        return
    if not report.samples:
        typer.echo("calibrate: no legacy logs to sample; nothing recorded")
        return
    table = Table(
        "kind",
        "field",
        "floor abs (P95)",
        "floor rel (P95)",
        title=f"A/A noise floor over {report.samples} log(s)",
    )
    for f in report.floors:
        table.add_row(f.kind, f.field, f"{f.floor_abs:g}", f"{f.floor_rel:.2%}")
    _out().print(table)
    if report.failed:
        typer.echo(f"{report.failed} log(s) could not be computed and were left out")


@_errors
def shadow_replay(
    log_id: int = typer.Argument(..., help="the log to recompute"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON (with `database`)"),
) -> None:
    """Recompute one log through legacy and v2 from its stored provider result (writes nothing)."""
    from meallog.migration.triage import replay
    from meallog.store.db import session_scope

    with _db(header=not as_json) as ctx, session_scope(ctx.sessions) as s:
        r = replay(s, log_id, options=ctx.options(s), pipeline_version=ctx.settings.shadow_pipeline_version)
        s.rollback()  # a replay never writes
    if as_json:
        _echo_json({"database": ctx.database, **r.to_json()})
        return
    out = _out()
    out.print(f"log {r.log_id} v{r.log_version}: {r.text}")
    table = Table("field", "stored", "legacy", "v2", "abs", "rel", "breach")
    for f, d in r.diffs.items():
        table.add_row(
            f,
            f"{r.stored_totals[f]:g}",
            f"{d.legacy:g}",
            f"{d.v2:g}",
            f"{d.abs:g}",
            f"{d.rel:.1%}",
            "yes" if f in r.breached else "",
        )
    out.print(table)
    if r.unknown:
        out.print(f"unknown: {', '.join(r.unknown)}")


@_errors
def shadow_triage(
    diff_id: int = typer.Argument(..., help="diff row id (see `meallog diffs`)"),
    verdict: str = typer.Argument(..., help="v2_bug, legacy_bug or accepted_change"),
    note: str | None = typer.Option(None, "--note", help="why"),
) -> None:
    """Record a verdict on a diff; accepted_change leaves it out of the Diff-Gate."""
    from meallog.migration.triage import mark
    from meallog.store.db import session_scope

    with _db() as ctx, session_scope(ctx.sessions) as s:
        row = mark(s, diff_id, verdict, note)
        log_id = row.log_id
    typer.echo(f"diff {diff_id} (log {log_id}) triaged {verdict}")


@_errors
def shadow_retry(
    job: list[int] | None = typer.Option(None, "--job", help="only these dead-letter job ids"),
) -> None:
    """Replay dead letters: move them back to pending with a fresh attempt budget."""
    from meallog.migration.outbox import retry_dead
    from meallog.store.db import session_scope

    with _db() as ctx, session_scope(ctx.sessions) as s:
        n = retry_dead(s, now=ctx.now(), job_ids=job or None)
    typer.echo(f"{n} dead-letter job(s) back to pending")


@_errors
def ignore_add(
    field: str = typer.Option(..., "--field", help="kcal, protein_g, fat_g, carbs_g or *"),
    predicate: str = typer.Option(..., "--predicate", help="e.g. 'abs < 10', 'text ~ ビール and rel <= 0.3'"),
    reason: str = typer.Option(..., "--reason", help="why these diffs are expected (kept with the rule)"),
    owner: str = typer.Option(..., "--owner", help="who answers for the rule"),
    expires: str = typer.Option(..., "--expires", help="last day the rule applies (YYYY-MM-DD)"),
) -> None:
    """Add an ignore rule (the Diff-Gate leaves matching diffs out; they are still stored and shown)."""
    from meallog.migration.triage import add_rule
    from meallog.store.db import session_scope

    try:
        expires_on = date.fromisoformat(expires)
    except ValueError:
        raise InvalidInput(f"--expires takes YYYY-MM-DD, not {expires!r}", field="expires") from None
    with _db() as ctx, session_scope(ctx.sessions) as s:
        rule = add_rule(
            s,
            field=field,
            predicate=predicate,
            reason=reason,
            owner=owner,
            expires_on=expires_on,
            now=ctx.now(),
        )
        rule_id = rule.id
    typer.echo(f"ignore rule #{rule_id} added ({field}: {predicate}) until {expires_on}")


@_errors
def ignore_list(
    show_all: bool = typer.Option(False, "--all", help="include expired rules"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON (with `database`)"),
) -> None:
    """List ignore rules (live ones unless --all)."""
    from meallog.migration.triage import list_rules
    from meallog.store.db import session_scope

    with _db(header=not as_json) as ctx, session_scope(ctx.sessions) as s:
        today = ctx.now().date()
        rules = list_rules(s, today=None if show_all else today)
    if as_json:
        _echo_json({"database": ctx.database, "rules": [
                {
                    "id": r.id,
                    "field": r.field,
                    "predicate": r.predicate,
                    "reason": r.reason,
                    "owner": r.owner,
                    "expires_on": r.expires_on.isoformat(),
                    "live": r.expires_on >= today,
                }
                for r in rules
            ]})
        return
    table = Table("id", "field", "predicate", "reason", "owner", "expires", title="ignore rules")
    for r in rules:
        table.add_row(
            f"#{r.id}",
            r.field,
            r.predicate,
            r.reason,
            r.owner,
            r.expires_on.isoformat() + ("" if r.expires_on >= today else " (expired)"),
        )
    _out().print(table)


@_errors
def ignore_expire(rule_id: int = typer.Argument(..., help="rule id")) -> None:
    """Expire an ignore rule now (it stays on record)."""
    from meallog.migration.triage import expire_rule
    from meallog.store.db import session_scope

    with _db() as ctx, session_scope(ctx.sessions) as s:
        rule = expire_rule(s, rule_id, today=ctx.now().date())
        until = rule.expires_on
    typer.echo(f"ignore rule #{rule_id} expired (last day {until})")


def register(app: typer.Typer) -> None:
    """Add gate, backfill, reconcile, diffs and the `shadow` group to the `meallog` app."""
    app.command("gate")(gate)
    app.command("backfill")(backfill_cmd)
    app.command("reconcile")(reconcile_cmd)
    app.command("diffs")(diffs_cmd)
    app.command("mismatches")(mismatches_cmd)
    shadow = typer.Typer(
        help="Shadow data: calibration, replay, triage, ignore rules, dead letters.", no_args_is_help=True
    )
    shadow.command("calibrate")(shadow_calibrate)
    shadow.command("replay")(shadow_replay)
    shadow.command("triage")(shadow_triage)
    shadow.command("retry")(shadow_retry)
    ignore = typer.Typer(help="Ignore rules for the Diff-Gate.", no_args_is_help=True)
    ignore.command("add")(ignore_add)
    ignore.command("list")(ignore_list)
    ignore.command("expire")(ignore_expire)
    shadow.add_typer(ignore, name="ignore")
    app.add_typer(shadow, name="shadow")
