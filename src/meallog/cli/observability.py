"""Observability commands: `meallog simulate` (a seeded shadow-diff baseline) and `meallog verify-deploy`
(runbook §6 post-deploy label check and §8 `/metrics` smoke).

`register(app)` adds them to the `meallog` Typer app. All I/O (HTTP, promtool, files, database) is
here; the checks live in `meallog.observability.verify`, the simulation in
`meallog.observability.simulate`. Importing this module does nothing.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

out = Console()
err = Console(stderr=True)


def simulate(
    days: int = typer.Option(28, min=2, help="simulated days (the baseline needs 2-4 weeks)"),
    seed: int = typer.Option(..., help="random seed; the same seed writes byte-identical files"),
    users: int = typer.Option(12, min=1, help="users in prod (stg gets half)"),
    out_dir: Path = typer.Option(
        Path("var/baselines/simulated"), "--out", help="folder for the CSV and JSON"
    ),
    env: list[str] = typer.Option(["prod", "stg"], "--env", help="env to simulate (repeat for several)"),
    end: str = typer.Option("2025-09-20", help="last day (exclusive, 00:00 UTC) of the simulated period"),
    step: int = typer.Option(3600, min=60, help="seconds between samples of the 1d recording rules"),
    min_samples: int = typer.Option(100, min=1, help="fewest samples for a recommendation"),
    record: bool = typer.Option(
        False, "--record", help="also record the weekly summaries in baseline_summaries (DATABASE_URL)"
    ),
) -> None:
    """Drive seeded traffic through the real pipelines (offline provider, legacy, v2 shadow) and write the
    P50/P90/P95 + IQR baseline summary, like a 2-4 week Prometheus pull (runbook §4, §6)."""
    from meallog.observability.simulate import SimConfig
    from meallog.observability.simulate import simulate as run

    try:
        config = SimConfig(days=days, seed=seed, users=users, envs=tuple(env), end=date.fromisoformat(end),
                           step=timedelta(seconds=step), min_samples=min_samples)  # fmt: skip
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    with err.status(f"simulating {days} days in {', '.join(config.envs)} ..."):
        result = run(config, out_dir)
    counts = Table(title="simulated traffic", show_edge=False)
    for col in ("env", "users", "create", "edit", "delete", "unknown_items", "breaches"):
        counts.add_column(col, justify="left" if col == "env" else "right")
    for name, c in result.counts.items():
        counts.add_row(name, *(str(c.get(k, 0)) for k in ("users", "create", "edit", "delete",
                                                            "unknown_items",
                                                            "breaches")))  # fmt: skip
    out.print(counts)
    out.print(result.table, markup=False, highlight=False, soft_wrap=True)
    out.print(
        f"wrote {result.pull}\nwrote {result.summary}\nwrote {result.weekly} "
        f"({len({r['week_start'] for r in result.weekly_rows})} complete week(s))",
        highlight=False,
    )
    if record:
        from meallog.errors import MeallogError
        from meallog.observability.simulate import command_line, record_weekly
        from meallog.settings import Settings
        from meallog.store.db import make_sessionmaker
        from meallog.store.migrate import database_label, open_database

        try:
            engine = open_database(Settings().database_url)
        except MeallogError as exc:
            err.print(f"[red]error:[/red] {exc.detail}", highlight=False)
            raise typer.Exit(exc.exit_code) from exc
        out.print(f"database: {database_label(engine.url)}", highlight=False)
        try:
            n = record_weekly(make_sessionmaker(engine), result.weekly_rows, now=datetime.now(UTC),
                              source=f"simulated: {command_line(config)}")  # fmt: skip
        finally:
            engine.dispose()
        out.print(f"recorded {n} baseline_summaries row(s) ({engine.dialect.name})", highlight=False)


def verify_deploy(
    url: str = typer.Option(
        ..., envvar="APP_HOST", help="base URL of the deployed API, e.g. http://10.0.0.5:8000"
    ),
    env: str | None = typer.Option(None, "--env", help="expected env label (METRIC_ENV)"),
    shadow_version: str | None = typer.Option(None, help="expected shadow_version (SHADOW_PIPELINE_VERSION)"),
    ai_provider: str | None = typer.Option(None, help="expected ai_provider label"),
    model: str | None = typer.Option(None, help="expected model label"),
    app_version: str | None = typer.Option(None, help="expected app_version label"),
    promtool: bool = typer.Option(
        True, "--promtool/--no-promtool", help="run `promtool check metrics` on the page"
    ),
    timeout: float = typer.Option(10.0, help="seconds per HTTP request"),
) -> None:
    """Post-deploy check (runbook §6) and `/metrics` smoke (§8): exit 0 only when every check passes."""
    import httpx

    from meallog.observability import verify

    base = url.rstrip("/")
    checks: list[verify.Check] = []
    page = ""
    with httpx.Client(timeout=timeout) as client:
        for path in ("/healthz", "/readyz", "/metrics"):
            try:
                r = client.get(base + path)
            except httpx.HTTPError as exc:
                checks.append(verify.check_status(path, None, f"{type(exc).__name__}: {exc}"))
                continue
            checks.append(verify.check_status(path, r.status_code))
            if path == "/metrics" and r.status_code == 200:
                page = r.text
    if page:
        expected = verify.Expected(env=env, shadow_version=shadow_version, ai_provider=ai_provider,
                                   model=model,
                                   app_version=app_version)  # fmt: skip
        checks += verify.check_metrics(page, expected)
        if promtool:
            tool = shutil.which("promtool")
            if tool is None:
                checks.append(verify.check_promtool(None, ""))
            else:
                proc = subprocess.run([tool, "check", "metrics"], input=page.encode(), capture_output=True,
                                      timeout=60)  # fmt: skip
                checks.append(verify.check_promtool(proc.returncode, (proc.stdout + proc.stderr).decode()))
    table = Table(title=f"verify-deploy {base}", show_edge=False)
    table.add_column("check")
    table.add_column("result")
    table.add_column("detail", overflow="fold")
    for c in checks:
        table.add_row(c.name, "[green]PASS[/green]" if c.ok else "[red]FAIL[/red]", c.detail)
    out.print(table)
    if page:
        seen = verify.labels_seen(page)
        labels = ", ".join(f"{k}={'|'.join(v) or '-'}" for k, v in seen.items())
        out.print(f"labels: {labels}; phase: {verify.current_phase(page) or 'unknown'}", highlight=False)
    report = verify.report(checks)
    if report.ok:
        out.print(f"[green]OK[/green]: {verify.summarize(checks)}")
        return
    for c in report.failed:
        err.print(f"[red]FAIL[/red] {c.name}: {c.detail}", highlight=False, markup=True, soft_wrap=True)
    err.print(f"[red]FAILED[/red]: {verify.summarize(checks)}")
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)
    app.command("verify-deploy")(verify_deploy)
