"""On-call commands of the migration: flags, phase, worker, adapter cache, NPS, alerts (runbook §2, §3, §7, §8)."""

from __future__ import annotations

import json
import math
import signal
import threading
from typing import Any

import typer
from rich.console import Console

from meallog.cli.common import database_of, errors, open_services, print_header, reason, table, why_option
from meallog.errors import ChecksFailed, InvalidInput, MeallogError
from meallog.migration.flags import SPECS

out = Console()
err = Console(stderr=True)
FLAG_NAMES = ", ".join(SPECS)
ACTOR_HELP = "who made the change (default cli:$USER)"
JSON_HELP = "print the result as JSON (with `database`)"

flags_app = typer.Typer(help="Feature flags (runbook §2): list, set, unset. Every change is audited.",
                        no_args_is_help=True)
phase_app = typer.Typer(help="Migration phases OFF, P0-P3: status, advance, rollback.", no_args_is_help=True)
adapter_app = typer.Typer(help="The v2 -> legacy adapter.", no_args_is_help=True)
visual_app = typer.Typer(help="Visual regression runs (runbook §8); the Diff-Gate needs 14 green days in prod.",
                         no_args_is_help=True)
nps_app = typer.Typer(help="NPS samples: a drop of 3 points below the phase baseline steps back.",
                      no_args_is_help=True)


def _ctx() -> Any:
    """Services on the existing schema (never created or migrated here; exit 5 says what to run)."""
    try:
        return open_services()
    except MeallogError as exc:
        raise _fail(exc) from exc


def _actor(actor: str | None) -> str:
    import getpass

    return actor or f"cli:{getpass.getuser()}"


def _fail(exc: MeallogError) -> typer.Exit:
    err.print(f"error: {exc.detail}", highlight=False, soft_wrap=True)
    return typer.Exit(exc.exit_code)


def _status(services: Any) -> dict[str, Any]:
    from meallog.migration.service import status_report

    return {"database": database_of(services.engine),
            **status_report(services.migration, services.sessions, now=services.clock.now())}


def _print_status(st: dict[str, Any]) -> None:
    out.print(f"database: {st['database']}", highlight=False, soft_wrap=True, markup=False)
    t = table("flag", "value", "source", title=f"phase {st['phase']}  ({st['env']}, pipeline {st['pipeline_version']})",
              keep=("flag",))
    for name, value in st["flags"].items():
        t.add_row(name, str(value), st["sources"][name])
    out.print(t)
    q = st["queue"]
    out.print(f"outbox: {q['pending']} pending, {q['running']} running, {q['dead']} dead letters; "
              f"shadow lag {st['shadow_lag_seconds']} s")


@flags_app.command("list")
def flags_list(as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Every flag with its value and source (env default or stored override)."""
    st = _status(_ctx())
    if as_json:
        typer.echo(json.dumps({"database": st["database"], "flags": st["flags"], "sources": st["sources"],
                               "phase": st["phase"]}))
    else:
        _print_status(st)


@flags_app.command("set", help=f"""Set NAME to VALUE: on/off, a percentage 0-100 for DUAL_READ_V2, off/safe/strict
for NEVER_ZERO_MODE. Phase flags change only in order. NAME is one of: {FLAG_NAMES}.""")
def flags_set(name: str = typer.Argument(..., help=f"flag name: {FLAG_NAMES}"),
              value: str = typer.Argument(..., help="on/off, a percentage (DUAL_READ_V2), or a mode"),
              why: str = why_option(),
              force: bool = typer.Option(False, "--force/--no-force",
                                         help="allow a jump in the 10 -> 50 -> 100 ramp (needs --why; audited)"),
              actor: str = typer.Option(None, help=ACTOR_HELP)) -> None:
    from meallog.store.db import session_scope

    services = _ctx()
    print_header(services.engine)
    try:
        with session_scope(services.sessions) as s:
            change = services.migration.control.set_flag(s, name, value, actor=_actor(actor), why=reason(why),
                                                         now=services.clock.now(), forced=force)
    except MeallogError as exc:
        raise _fail(exc) from exc
    msg = f"{name} = {value}; phase {change.before.value} -> {change.after.value}"
    if change.back_written:
        msg += f"; {change.back_written} logs written back to legacy"
    typer.echo(msg)


@flags_app.command("unset")
def flags_unset(name: str = typer.Argument(..., help=f"flag name: {FLAG_NAMES}"), why: str = why_option(),
                actor: str = typer.Option(None, help=ACTOR_HELP)) -> None:
    """Drop the stored override of NAME: the env default applies again."""
    from meallog.store.db import session_scope

    services = _ctx()
    print_header(services.engine)
    try:
        with session_scope(services.sessions) as s:
            change = services.migration.control.unset_flag(s, name, actor=_actor(actor), why=reason(why),
                                                           now=services.clock.now())
    except MeallogError as exc:
        raise _fail(exc) from exc
    typer.echo(f"{name} override removed; phase {change.before.value} -> {change.after.value}")


@flags_app.command("audit")
def flags_audit(limit: int = typer.Option(20, min=1, help="most changes to show (newest first)"),
                as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """The last flag changes: who, when, old, new, why."""
    from meallog.store.db import session_scope

    services = _ctx()
    with session_scope(services.sessions) as s:
        rows = [{"ts": r.ts.isoformat(timespec="seconds"), "flag": r.name, "old": r.old, "new": r.new,
                 "actor": r.actor, "why": r.why or ""} for r in services.migration.flags.audit(s, limit)]
    if as_json:
        typer.echo(json.dumps({"database": database_of(services.engine), "changes": rows}))
        return
    print_header(services.engine)
    t = table("when (UTC)", "flag", "old -> new", "actor", "why", keep=("when (UTC)",))
    for r in rows:
        t.add_row(_when(r["ts"]), r["flag"], f"{r['old']} -> {r['new']}", r["actor"], r["why"])
    out.print(t)


def _when(iso: str) -> str:
    """`2026-11-20 03:00:00` from an ISO timestamp: sortable, 19 columns, never cut."""
    return iso.replace("T", " ")[:19]


@phase_app.command("status")
def phase_status(as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Phase, flags and their sources, outbox depth, dead letters and shadow lag."""
    st = _status(_ctx())
    if as_json:
        typer.echo(json.dumps(st))
    else:
        _print_status(st)


@phase_app.command("advance")
def phase_advance(force: bool = typer.Option(False, "--force", help="advance despite a red gate (audited)"),
                  why: str = why_option(), actor: str = typer.Option(None, help=ACTOR_HELP)) -> None:
    """Turn on the next phase's flag if the Diff-Gate says go (exit 4 when it does not)."""
    from meallog.store.db import session_scope

    services = _ctx()
    print_header(services.engine)
    gate = _gate_check(services)
    try:
        with session_scope(services.sessions) as s:
            change = services.migration.control.advance(s, actor=_actor(actor), why=reason(why),
                                                        now=services.clock.now(), gate=gate, force=force)
    except MeallogError as exc:
        raise _fail(exc) from exc
    typer.echo(f"phase {change.before.value} -> {change.after.value}" + (" (forced)" if force else ""))


def _gate_check(services: Any) -> Any:
    try:
        from meallog.migration.gate import GateConfig, evaluate
    except ImportError:  # the gate module is optional in a minimal install
        return None

    def check(s: Any, target: Any) -> Any:
        return evaluate(s, target=target, now=services.clock.now(), config=GateConfig.from_settings(services.settings))

    return check


@phase_app.command("rollback")
def phase_rollback(why: str = why_option(), actor: str = typer.Option(None, help=ACTOR_HELP),
                   url: str = typer.Option(None, help="deployment to smoke-test /metrics on (default: in-process)")
                   ) -> None:
    """Step back one phase (runbook §3), keep shadow data, run the §8 checks, page SRE."""
    from meallog.migration.service import metrics_smoke_http
    from meallog.store.db import session_scope

    services = _ctx()
    print_header(services.engine)
    proc = services.migration.procedure
    if url:
        proc.checks = {**proc.checks, "metrics_smoke": lambda _s: metrics_smoke_http(url)}
    try:
        with session_scope(services.sessions) as s:
            change = proc.step_back(s, cause="manual", actor=_actor(actor), why=reason(why),
                                    now=services.clock.now())
    except MeallogError as exc:
        raise _fail(exc) from exc
    typer.echo(f"phase {change.before.value} -> {change.after.value}")
    if change.back_written:
        typer.echo(f"{change.back_written} logs written in P3 were written back to legacy")
    checks = change.report.get("checks", {})
    for name, res in checks.items():
        _wrapped(f"  {name}: {'ok' if res['ok'] else 'FAILED'} - {res['detail']}")
    _wrapped(f"  pager: {change.report.get('pager', '')}")
    failed = [name for name, res in checks.items() if not res["ok"]]
    if failed:
        _wrapped(f"next: the step back is done, but {', '.join(failed)} failed: fix it and re-run the check "
                 "(`meallog verify-deploy` for /metrics, `meallog diffs --since 15m` for the shadow diffs); "
                 "page SRE by hand if no pager is configured", indent="  ")
        raise typer.Exit(ChecksFailed.exit_code)


def _wrapped(line: str, *, indent: str = "      ") -> None:
    """One line of the rollback report, wrapped to 80 columns (an on-call terminal)."""
    import textwrap

    typer.echo(textwrap.fill(line, width=80, subsequent_indent=indent, break_on_hyphens=False))


@adapter_app.command("invalidate")
def adapter_invalidate(actor: str = typer.Option(None, help=ACTOR_HELP)) -> None:
    """Invalidate the adapter cache in every process (runbook §8)."""
    from meallog.migration.service import invalidate_adapter_cache
    from meallog.store.db import session_scope

    services = _ctx()
    print_header(services.engine)
    with session_scope(services.sessions) as s:
        gen = invalidate_adapter_cache(services.migration, s, actor=_actor(actor), now=services.clock.now())
    typer.echo(f"adapter cache invalidated (generation {gen})")


def _nps_score(value: float) -> float:
    if not math.isfinite(value) or not -100 <= value <= 100:
        raise typer.BadParameter(f"an NPS score is within -100..100, not {value:g}")
    return value


@nps_app.command("record")
def nps_record(score: float = typer.Argument(..., callback=_nps_score, help="NPS value, -100..100"),
               source: str = typer.Option("cli", help="where the score comes from (survey name ...)")) -> None:
    """Record an NPS value for the current phase; steps back on a 3-point drop below baseline."""
    from meallog.store.db import session_scope

    services = _ctx()
    print_header(services.engine)
    from meallog.migration.rollback import record_nps

    with session_scope(services.sessions) as s:
        d = record_nps(s, score, procedure=services.migration.procedure, now=services.clock.now(), source=source)
    typer.echo(json.dumps(d.to_json()))
    if d.stepped_back:
        typer.echo("NPS dropped 3 points below baseline: stepped back one phase")


@visual_app.command("record")
def visual_record(passed: bool = typer.Option(..., "--passed/--failed", help="the run's verdict"),
                  env: str = typer.Option(None, help="environment the run checked (default METRIC_ENV)"),
                  report: str = typer.Option("", help="where the report and *-diff.png artifacts are kept")) -> None:
    """Record one visual regression run, as the CI job of the visual suite does after each run.

    A failed run pages SRE and, while DUAL_READ_V2 is on, steps back one phase (cause "visual")."""
    from meallog.migration.visual import record_visual_run
    from meallog.store.db import session_scope

    services = _ctx()
    print_header(services.engine)
    try:
        with session_scope(services.sessions) as s:
            outcome = record_visual_run(s, services.migration, passed=passed,
                                        env=env or services.settings.metric_env, report=report,
                                        now=services.clock.now())
    except MeallogError as exc:
        raise _fail(exc) from exc
    typer.echo(f"visual run recorded: {'passed' if passed else 'FAILED'}")
    if outcome.change is not None:
        typer.echo(f"DUAL_READ_V2 was on: stepped back {outcome.change.before.value} -> "
                   f"{outcome.change.after.value} (cause visual); SRE paged")
    elif not passed:
        typer.echo("SRE paged; no rollback step: DUAL_READ_V2 is off (runbook §8)")


def worker(once: bool = typer.Option(False, "--once", help="drain what is due, then exit"),
           batch: int = typer.Option(50, min=1, help="jobs claimed by the first batch (then adapted, 10-500)"),
           lease: float = typer.Option(60.0, help="seconds a claimed job stays leased before others may take it"),
           job_timeout: float = typer.Option(10.0, help="seconds one v2 computation may take")) -> None:
    """Run an outbox worker (shadow and v2 jobs). Several may run against one PostgreSQL."""
    services = _ctx()
    err.print(f"database: {database_of(services.engine)}", highlight=False, markup=False)
    w = services.worker
    w.config.batch, w.config.lease_s, w.config.job_timeout_s = batch, lease, job_timeout
    if services.settings.test_v2_fault:  # TEST ONLY: every v2 raises, hangs or is slow
        from meallog.migration.shadow import faulty_compute

        w.compute = faulty_compute(services.settings.test_v2_fault)
        err.print(f"warning: MEALLOG_TEST_V2_FAULT={services.settings.test_v2_fault}: v2 is made to fail (test only)")
    w.batch = batch
    if once:
        done = w.drain()
        typer.echo(f"{done} jobs done")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    w.start()
    err.print(f"worker {w.worker_id} running; Ctrl-C to stop")
    stop.wait()
    w.stop()


def scheduler(run: str = typer.Option(None, "--run", help="run one job now and exit, e.g. cleanup_ingest_requests")
              ) -> None:
    """Run the ops scheduler (02:45 JST cleanup ...) in the foreground, or one job now."""
    from meallog.ops.scheduler import OpsScheduler

    services = _ctx()
    err.print(f"database: {database_of(services.engine)}", highlight=False, markup=False)
    sched = OpsScheduler(sessions=services.sessions, clock=services.clock, metrics=services.metrics,
                         archive_url=services.settings.archive_url,
                         s3_endpoint_url=services.settings.archive_s3_endpoint_url)
    if run:
        if run not in sched.jobs():
            err.print(f"error: unknown job {run!r} (jobs: {', '.join(sched.jobs())})")
            raise typer.Exit(2)
        typer.echo(json.dumps(sched.run(run)))
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    sched.start()
    stop.wait()
    sched.stop()


@phase_app.command("history")
def phase_history(limit: int = typer.Option(20, min=1, help="most phase changes to show (newest first)"),
                  as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """Every phase change (phase_events): when, from, to, cause, actor, reason and the rollback checks."""
    from sqlalchemy import select

    from meallog.store.db import session_scope
    from meallog.store.models import PhaseEvent

    services = _ctx()
    with session_scope(services.sessions) as s:
        events = [_event_json(e) for e in s.scalars(select(PhaseEvent).order_by(PhaseEvent.id.desc()).limit(limit))]
    if as_json:
        typer.echo(json.dumps({"database": database_of(services.engine), "events": events}))
        return
    print_header(services.engine)
    t = table("when (UTC)", "change", "cause", "actor", "reason / checks", keep=("when (UTC)", "change"))
    for e in events:
        checks = "; ".join(f"{name} {'ok' if c['ok'] else 'FAILED'}" for name, c in e["checks"].items())
        why = (e["reason"] or "-") + (" (forced)" if e["forced"] else "")
        t.add_row(_when(e["ts"]), f"{e['from']} -> {e['to']}", e["cause"], e["actor"],
                  why + (f"\nchecks: {checks}" if checks else ""))
    out.print(t)
    if not events:
        out.print("no phase changes recorded")


def _event_json(e: Any) -> dict[str, Any]:
    report = e.report or {}
    return {"id": e.id, "ts": e.ts.isoformat(timespec="seconds"), "from": e.from_phase, "to": e.to_phase,
            "cause": e.cause, "actor": e.actor, "reason": e.reason, "forced": bool(e.forced),
            "flag": report.get("flag"), "checks": report.get("checks", {})}


@errors
def rollout(user: int = typer.Option(None, "--user", min=1, help="also say whether this user id is in the share"),
            as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """The DUAL_READ_V2 share: percentage, how many users read through the adapter, and one user's bucket."""
    from sqlalchemy import select

    from meallog.migration.rollout import BUCKETS, bucket
    from meallog.store.db import session_scope
    from meallog.store.models import User

    services = _ctx()
    with session_scope(services.sessions) as s:
        snap = services.migration.flags.snapshot(s)
        ids = list(s.scalars(select(User.id)))
        known = user is None or user in ids
    pct = snap.dual_read_percent()
    reading = snap.phase.value in ("P2", "P3")
    inside = sum(1 for uid in ids if snap.reads_through_adapter(uid))
    data: dict[str, Any] = {"database": database_of(services.engine), "phase": snap.phase.value,
                            "dual_read_percent": pct, "users": len(ids), "users_in_share": inside,
                            "adapter_reads_active": reading}
    if user is not None:
        if not known:
            raise InvalidInput(f"no user with id {user}", field="user")
        data["user"] = {"id": user, "bucket": bucket(snap.seed, user), "buckets": BUCKETS,
                        "in_share": snap.reads_through_adapter(user)}
    if as_json:
        typer.echo(json.dumps(data))
        return
    print_header(services.engine)
    out.print(f"phase {snap.phase.value}: DUAL_READ_V2 = {pct:g} % ({snap.sources['DUAL_READ_V2']}); "
              f"{inside} of {len(ids)} user(s) in the share", highlight=False)
    if not reading:
        out.print("reads go through the adapter only in P2 (the share) and P3 (everyone)", highlight=False)
    if user is not None:
        u = data["user"]
        out.print(f"user {user}: bucket {u['bucket']} of {BUCKETS} -> "
                  f"{'IN the share' if u['in_share'] else 'not in the share'}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(flags_app, name="flags")
    app.add_typer(phase_app, name="phase")
    app.add_typer(adapter_app, name="adapter")
    app.add_typer(nps_app, name="nps")
    app.add_typer(visual_app, name="visual")
    app.command("rollout")(rollout)
    app.command("worker")(worker)
    app.command("scheduler")(scheduler)
