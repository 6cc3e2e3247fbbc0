"""The CLI an on-call relies on: which database, no implicit migrations, secrets that do not block a
rollback, history, rollout, reasons, exit codes, help, 80-column tables, Ctrl-C."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from sqlalchemy import Engine, func, select
from typer.main import get_command
from typer.testing import CliRunner

from meallog.cli.main import app as cli
from meallog.errors import EXIT_CODES
from meallog.store.db import make_engine, normalize_url, session_scope
from meallog.store.migrate import upgrade
from meallog.store.models import FlagAudit, MealLog, NpsSample

ROOT = Path(__file__).resolve().parents[2]
NO_SECRETS = {"GEMINI_API_KEY": "", "GOOGLE_API_KEY": ""}
# Every command that reads or changes migration state (and none of serve, db upgrade, users add).
STATE_COMMANDS = [
    ["phase", "status"], ["phase", "history"], ["flags", "list"], ["flags", "audit"], ["rollout"], ["gate"],
    ["diffs"], ["mismatches"], ["reconcile"], ["backfill"], ["shadow", "ignore", "list"],
    ["flags", "set", "NORMALIZE_V2_SHADOW", "on", "--why", "x"], ["phase", "rollback", "--why", "x"],
    ["nps", "record", "5"], ["adapter", "invalidate"], ["worker", "--once"],
]


def run(args: list[str], env: dict[str, str | None], **kw: Any) -> Any:
    return CliRunner().invoke(cli, args, env={**NO_SECRETS, **env}, **kw)


@pytest.mark.parametrize("args", STATE_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_missing_database_is_named_never_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   args: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    r = run(args, {"DATABASE_URL": None}, catch_exceptions=False)
    assert r.exit_code == 5, r.output
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "meallog db upgrade" in lines[0] and "var/meallog.sqlite3" in lines[0], r.output
    assert not (tmp_path / "var").exists()


def test_an_outdated_schema_says_what_to_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine, "0001")
    engine.dispose()
    r = run(["phase", "status"], {"DATABASE_URL": url})
    assert r.exit_code == 5 and "revision 0001" in r.output and "meallog db upgrade" in r.output, r.output
    assert run(["db", "upgrade"], {"DATABASE_URL": url}).exit_code == 0
    assert run(["phase", "status"], {"DATABASE_URL": url}).exit_code == 0


def test_commands_name_their_database_without_password(db_url: str) -> None:
    from meallog.store.migrate import database_label

    assert database_label("postgresql+psycopg://u:s3cret@db.example:5432/meallog") == \
        "postgresql+psycopg://u@db.example:5432/meallog"
    shown = database_label(normalize_url(db_url))
    human = run(["phase", "status"], {"DATABASE_URL": db_url})
    assert human.exit_code == 0 and human.output.splitlines()[0] == f"database: {shown}", human.output
    for args in (["phase", "status"], ["flags", "list"], ["phase", "history"], ["rollout"], ["gate"],
                 ["diffs"], ["mismatches"], ["flags", "audit"]):
        r = run([*args, "--json"], {"DATABASE_URL": db_url})
        assert r.exit_code in (0, 2), (args, r.output)
        assert json.loads(r.output)["database"] == shown, args


def test_a_missing_ai_key_does_not_block_a_rollback(db_url: str) -> None:
    env = {"DATABASE_URL": db_url, "AI_PROVIDER": "gemini"}
    assert run(["flags", "set", "NORMALIZE_V2_SHADOW", "on", "--why", "start P0"], env).exit_code == 0
    listed = run(["flags", "list"], env)
    assert listed.exit_code == 0 and "Traceback" not in listed.output, listed.output
    back = run(["phase", "rollback", "--why", "drill"], env)
    assert back.exit_code == 0 and "P0 -> OFF" in back.output, back.output


def test_serve_without_the_ai_key_fails_in_one_line(tmp_path: Path) -> None:
    r = run(["serve", "--port", "1"], {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "AI_PROVIDER": "gemini"})
    assert r.exit_code == 2, r.output
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "GEMINI_API_KEY" in lines[0] and "Traceback" not in r.output


def test_parse_honours_ai_provider() -> None:
    refused = run(["parse", "ご飯 1杯", "--json"], {"AI_PROVIDER": "gemini"})
    assert refused.exit_code == 2 and "GEMINI_API_KEY" in refused.output, refused.output
    ok = run(["parse", "ご飯 1杯", "--json"], {"AI_PROVIDER": "offline"})
    assert ok.exit_code == 0 and json.loads(ok.output)["v2"]["provider"] == "offline"


def test_every_change_needs_a_reason(db_url: str, engine: Engine) -> None:
    env = {"DATABASE_URL": db_url}
    for args in (["flags", "set", "NORMALIZE_V2_SHADOW", "on"], ["flags", "unset", "NORMALIZE_V2_SHADOW"],
                 ["phase", "advance"], ["phase", "rollback"]):
        r = run(args, env)
        assert r.exit_code == 2 and "--why" in r.output, (args, r.output)
    blank = run(["flags", "set", "NORMALIZE_V2_SHADOW", "on", "--why", "  "], env)
    assert blank.exit_code == 2 and "why" in blank.output
    assert run(["flags", "set", "NORMALIZE_V2_SHADOW", "on", "--why", "start P0"], env).exit_code == 0
    with session_scope(engine) as s:
        assert [a.why for a in s.scalars(select(FlagAudit))] == ["start P0"]


def test_phase_history_and_rollout(db_url: str, add_user: Callable[..., str]) -> None:
    env = {"DATABASE_URL": db_url}
    for _ in range(20):
        add_user(f"u{_}")
    for name, value in (("NORMALIZE_V2_SHADOW", "on"), ("DUAL_WRITE_V2", "on"), ("DUAL_READ_V2", "10"),
                        ("DUAL_READ_V2", "50")):
        assert run(["flags", "set", name, value, "--why", f"ramp {name}"], env).exit_code == 0
    assert run(["phase", "rollback", "--why", "3am page"], env).exit_code == 0
    hist_out = run(["phase", "history", "--json"], env).output
    hist = json.loads(hist_out)["events"]
    assert [(e["from"], e["to"], e["cause"]) for e in hist] == [
        ("P2", "P1", "manual"), ("P1", "P2", "manual"), ("P0", "P1", "manual"), ("OFF", "P0", "manual")]
    assert hist[0]["reason"] == "3am page" and set(hist[0]["checks"]) == {"metrics_smoke", "shadow_diff_check"}
    text = run(["phase", "history"], env, terminal_width=80)
    assert "3am page" in text.output and "P2 -> P1" in text.output

    for value in ("10", "50"):  # the §8 ramp again
        assert run(["flags", "set", "DUAL_READ_V2", value, "--why", "back to P2"], env).exit_code == 0
    share = json.loads(run(["rollout", "--json"], env).output)
    assert share["dual_read_percent"] == 50 and share["users"] == 20 and 0 < share["users_in_share"] < 20
    from meallog.migration.rollout import in_rollout
    from meallog.settings import Settings

    seed = Settings().migration_seed
    for uid in (1, 2, 3):
        one = json.loads(run(["rollout", "--user", str(uid), "--json"], env).output)["user"]
        assert one["in_share"] is in_rollout(seed, uid, 50)
    assert run(["rollout", "--user", "999"], env).exit_code == 2


def test_exit_codes_are_one_table_in_help_and_runbook() -> None:
    help_text = run(["--help"], {}, terminal_width=100).output
    runbook = (ROOT / "docs" / "ops" / "RUNBOOK.md").read_text()
    assert 4 in dict(EXIT_CODES)
    for code, meaning in EXIT_CODES:
        assert f"{code}: {meaning}" in " ".join(help_text.split()), code
        assert f"| {code} | {meaning} |" in runbook, code


def _commands(group: click.Command, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = [(prefix, group)]
    if isinstance(group, click.Group):
        for name, sub in group.commands.items():
            out += _commands(sub, f"{prefix} {name}".strip())
    return out


def test_every_option_has_help_and_on_off_options_can_be_turned_off() -> None:
    command = get_command(cli)
    for path, cmd in _commands(command):
        for p in cmd.params:
            if isinstance(p, click.Option) and p.name != "help":
                assert p.help, f"meallog {path} {p.opts[0]} has no help"
                if p.is_flag and p.default is True:
                    assert p.secondary_opts, f"meallog {path} {p.opts[0]} is on by default with no --no- form"


def test_flags_set_help_lists_the_flag_names() -> None:
    from meallog.migration.flags import SPECS

    out = run(["flags", "set", "--help"], {}, terminal_width=80).output
    for name in SPECS:
        assert name in out, name


def test_tables_are_readable_at_80_columns(db_url: str) -> None:
    env = {"DATABASE_URL": db_url, "COLUMNS": "80"}
    for name, value in (("NORMALIZE_V2_SHADOW", "on"), ("DUAL_WRITE_V2", "on")):
        run(["flags", "set", name, value, "--why", "a long reason " * 8], env)
    run(["phase", "rollback", "--why", "page: MealLogShadowDiffBreachBurst in prod"], env)
    stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
    for args in (["phase", "status"], ["phase", "history"], ["flags", "audit"], ["diffs", "--since", "1d"]):
        r = run(args, env, terminal_width=80)
        assert r.exit_code == 0, (args, r.output)
        for line in r.output.splitlines()[1:]:  # the first is `database: URL`, never cut
            assert len(line) <= 80, (args, line)
        if args[-1] in ("history", "audit"):
            assert len(stamp.findall(r.output)) >= 2, r.output


def test_ctrl_c_says_how_to_resume(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import meallog.migration.backfill as bf

    def interrupted(*_a: Any, **_k: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(bf, "backfill", interrupted)
    monkeypatch.setattr(bf, "reconcile", interrupted)
    env = {"DATABASE_URL": db_url}
    r = run(["backfill"], env)
    assert r.exit_code == 130 and "run `meallog backfill` again to resume" in r.output, r.output
    r = run(["reconcile", "--fix"], env)
    assert r.exit_code == 130 and "meallog reconcile --fix` again" in r.output, r.output


def test_reconcile_summarises_by_kind_and_lists_at_most_limit(db_url: str, engine: Engine, clock: Any) -> None:
    from tests.migration.test_backfill import seed_logs

    seed_logs(engine, clock, 5)
    r = run(["reconcile", "--limit", "2"], {"DATABASE_URL": db_url, "COLUMNS": "80"})
    assert r.exit_code == 1, r.output
    assert re.search(r"missing\s+0\s+5\s+0", r.output), r.output  # kind, legacy, v2, fixed
    assert len(re.findall(r"^  log \d+: v2 missing", r.output, re.M)) == 2 and "3 more" in r.output


@pytest.mark.parametrize("score", ["101", "-100.5", "nan", "inf"])
def test_nps_outside_the_scale_is_refused(db_url: str, engine: Engine, score: str) -> None:
    r = run(["nps", "record", "--", score], {"DATABASE_URL": db_url})
    assert r.exit_code == 2 and "-100..100" in r.output, r.output
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(NpsSample)) == 0
        assert s.scalar(select(func.count()).select_from(MealLog)) == 0


def test_gate_prints_blocking_apart_from_notes(db_url: str) -> None:
    r = run(["gate", "--phase", "P1"], {"DATABASE_URL": db_url})
    assert r.exit_code == 1, r.output
    assert "blocking:" in r.output and "IQR baseline" in r.output.split("blocking:")[1]
    data = json.loads(run(["gate", "--phase", "P1", "--json"], {"DATABASE_URL": db_url}).output)
    assert data["blocking"] and all(b in data["reasons"] for b in data["blocking"])
