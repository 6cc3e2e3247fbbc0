"""`meallog ops partitions|archive|vacuum|cleanup|retention|status` and `meallog shadow restore-archive`.

Each job command runs the job now under its cross-process lock, exactly as the scheduler would, prints
what it did as JSON and exits 1 when the job failed (another instance holding the lock is not a
failure: exit 0, outcome "skipped"). `--dry-run` prints what the job would do and changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

ops_app = typer.Typer(help="Shadow data operations (runbook §5): partitions, archive, retention, VACUUM, cleanup.",
                      no_args_is_help=True)
out = Console()
err = Console(stderr=True)
DRY_RUN = typer.Option(False, "--dry-run", help="say exactly what the job would do; change nothing")


def _scheduler() -> Any:
    from meallog.app import build_services
    from meallog.ops.scheduler import OpsScheduler
    from meallog.settings import Settings
    from meallog.store.migrate import upgrade

    settings = Settings().model_copy(update={"run_worker": False, "run_scheduler": False})
    services = build_services(settings, snapshot_ttl_s=0.0)
    upgrade(services.engine)
    return OpsScheduler(sessions=services.sessions, clock=services.clock, metrics=services.metrics,
                        archive_url=settings.archive_url, s3_endpoint_url=settings.archive_s3_endpoint_url)


def _run(job: str, dry_run: bool) -> None:
    result = _scheduler().run_result(job, dry_run=dry_run)
    typer.echo(json.dumps(result.as_dict(), default=str, ensure_ascii=False))
    if result.outcome == "error":
        err.print(f"error: ops job {job} failed: {result.detail.get('error')}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)


@ops_app.command("partitions")
def partitions(dry_run: bool = DRY_RUN) -> None:
    """Create the current and next two months' partitions (PostgreSQL); report DEFAULT partition rows."""
    _run("partitions", dry_run)


@ops_app.command("archive")
def archive(dry_run: bool = DRY_RUN) -> None:
    """Archive each closed, not yet archived month to ARCHIVE_URL as Parquet; read back and verify."""
    _run("archive", dry_run)


@ops_app.command("vacuum")
def vacuum(dry_run: bool = DRY_RUN) -> None:
    """VACUUM (ANALYZE) the shadow tables (SQLite: VACUUM and ANALYZE)."""
    _run("vacuum", dry_run)


@ops_app.command("cleanup")
def cleanup(dry_run: bool = DRY_RUN) -> None:
    """Delete ingest_requests older than 90 days, in short batches."""
    _run("cleanup_ingest_requests", dry_run)


@ops_app.command("retention")
def retention(dry_run: bool = DRY_RUN,
              release: str = typer.Option(None, "--release", metavar="YYYY-MM",
                                          help="end the restore hold of this month (both tables) and run "
                                               "nothing else; the next retention run may drop it")) -> None:
    """Drop months 90 days past P3 whose archive verifies now and that no restore holds (DETACH, then DROP)."""
    if release is None:
        _run("retention", dry_run)
        return
    from meallog.ops.partitions import Month
    from meallog.ops.retention import release_hold
    from meallog.store.db import session_scope

    try:
        m = Month.parse(release)
    except ValueError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from exc
    with session_scope(_scheduler().sessions) as s:
        released = release_hold(s, m)
        if dry_run:
            s.rollback()
    typer.echo(json.dumps({"released": released, "month": str(m), "dry_run": dry_run}))


@ops_app.command("status")
def status(as_json: bool = typer.Option(False, "--json")) -> None:
    """Each job's last run, last success and next run; DEFAULT partition rows; archived months."""
    from sqlalchemy import select

    from meallog.ops.partitions import default_rows
    from meallog.ops.scheduler import SCHEDULE, last_success
    from meallog.store.db import session_scope
    from meallog.store.models import ArchiveManifest, OpsJobRun

    sched = _scheduler()
    now = sched.clock.now()
    nxt = sched.next_runs(now)
    rows: list[dict[str, Any]] = []
    with session_scope(sched.sessions) as s:
        for job in SCHEDULE:
            last = s.scalars(select(OpsJobRun).where(OpsJobRun.job == job)
                             .order_by(OpsJobRun.started_at.desc(), OpsJobRun.id.desc()).limit(1)).first()
            ok = last_success(s, job)
            rows.append({"job": job, "last_run": last.started_at.isoformat() if last else None,
                         "last_outcome": last.outcome if last else None, "last_success": ok.isoformat() if ok else None,
                         "next_run": nxt[job].isoformat() if nxt.get(job) else None})
        defaults = default_rows(s)
        archived = [{"table": m.table_name, "month": m.period, "rows": m.rows, "verified": m.verified_at is not None}
                    for m in s.scalars(select(ArchiveManifest).order_by(ArchiveManifest.table_name,
                                                                        ArchiveManifest.period))]
    report = {"jobs": rows, "default_partition_rows": defaults, "archives": archived, "archive_url": sched.archive_url}
    if as_json:
        typer.echo(json.dumps(report))
        return
    table = Table(title="ops jobs (times in Asia/Tokyo for next run)")
    for col in ("job", "last run", "outcome", "last success", "next run"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["job"], r["last_run"] or "-", r["last_outcome"] or "-", r["last_success"] or "-",
                      r["next_run"] or "-")
    out.print(table)
    out.print(f"DEFAULT partition rows: {defaults}; archived months: {len(archived)} at {sched.archive_url}")


def restore_archive(month: str = typer.Argument(..., help="YYYY-MM (a JST month)"),
                    table: str = typer.Option(None, "--table", help="meal_logs_v2_shadow or diffs (default both)"),
                    hold_days: int = typer.Option(30, "--hold-days", min=0,
                                                  help="days retention keeps the restored month "
                                                       "(`meallog ops retention --release MONTH` ends it early)"),
                    ) -> None:
    """Load an archived month back into the shadow tables (idempotent: rows already there are kept) and
    hold it against retention for --hold-days."""
    from datetime import timedelta

    from meallog.ops.partitions import Month
    from meallog.ops.retention import restore_month
    from meallog.store.db import session_scope
    from meallog.store.models import PARTITIONED

    try:
        m = Month.parse(month)
    except ValueError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from exc
    sched = _scheduler()
    store = sched.store()
    for name in [table] if table else list(PARTITIONED):
        try:
            with session_scope(sched.sessions) as s:
                r = restore_month(s, store, name, m, now=sched.clock.now(), hold=timedelta(days=hold_days))
        except Exception as exc:
            err.print(f"error: restore of {name} {m} failed: {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from exc
        typer.echo(json.dumps({"table": r.table, "month": r.month, "archived_rows": r.archived_rows,
                               "inserted": r.inserted, "already_present": r.already_present,
                               "held_until": r.held_until.isoformat() if r.held_until else None}))


def register(app: typer.Typer) -> None:
    app.add_typer(ops_app, name="ops")
    # `shadow` is a group of meallog.cli.migration_ops; add restore-archive to it where it exists.
    for group in app.registered_groups:
        if group.name == "shadow" and group.typer_instance is not None:
            group.typer_instance.command("restore-archive")(restore_archive)
            return
    shadow = typer.Typer(help="Shadow data.", no_args_is_help=True)
    shadow.command("restore-archive")(restore_archive)
    app.add_typer(shadow, name="shadow")
