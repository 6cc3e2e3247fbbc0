"""`meallog parse TEXT`: legacy and v2 nutrition of one meal text, side by side (or as JSON)."""

from __future__ import annotations

import json
import os
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from meallog.nutrition.dto import NutritionV1, RecordV2


def parse_command(
    text: str = typer.Argument(..., help="Meal text, e.g. 'ご飯 1杯と味噌汁' or '2 eggs and toast'"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object {legacy, v2}"),
    locale: str | None = typer.Option(None, "--locale", help="ja or en (default: detected from the text)"),
    never_zero: str = typer.Option("safe", "--never-zero", help="NEVER_ZERO_MODE: off, safe or strict"),
    atwater_scale: bool = typer.Option(False, "--atwater-scale/--no-atwater-scale", help="scale"),
    set_proposals: bool = typer.Option(True, "--set-proposals/--no-set-proposals", help="SET_PROPOSAL_UI"),
    provider_name: str | None = typer.Option(None, "--provider",
                                             help="offline or gemini (default: AI_PROVIDER, else offline)"),
) -> None:
    """Parse TEXT with the provider and show legacy vs v2 items, grams, statuses, why each matched, tags."""
    from meallog.app import build_provider_from
    from meallog.errors import MeallogError
    from meallog.nutrition.legacy import compute_legacy
    from meallog.nutrition.normalize_v2 import V2Options, normalize
    from meallog.settings import Settings

    if locale not in (None, "ja", "en"):
        raise typer.BadParameter("--locale must be ja or en")
    if never_zero not in ("off", "safe", "strict"):
        raise typer.BadParameter("--never-zero must be off, safe or strict")
    if provider_name not in (None, "offline", "gemini"):
        raise typer.BadParameter("--provider must be offline or gemini")
    settings = Settings()
    if provider_name is not None:
        settings = settings.model_copy(update={"ai_provider": provider_name})
    try:
        provider = build_provider_from(settings)
    except MeallogError as exc:
        Console(stderr=True).print(f"error: {exc.detail}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from exc
    parsed = provider.parse(text, locale=locale)
    legacy = compute_legacy(parsed)
    options = V2Options(never_zero_mode=never_zero, atwater_simple_scale=atwater_scale,  # type: ignore[arg-type]
                        set_proposal_ui=set_proposals, locale=locale)
    record = normalize(parsed, options=options,
                       pipeline_version=os.environ.get("SHADOW_PIPELINE_VERSION", "v2-dev"))
    if as_json:
        typer.echo(json.dumps(side_by_side(legacy, record), ensure_ascii=False))
        return
    render(Console(width=max(Console().width, 140)), text, legacy, record)


def side_by_side(legacy: NutritionV1, record: RecordV2) -> dict[str, Any]:
    """The --json object: {"legacy": {totals, items}, "v2": {totals, items, proposals, ...}}."""
    v2_items = [
        {
            "name": i.name, "food_id": i.food_id, "quantity": i.quantity, "unit": i.unit, "grams": i.grams,
            "status": i.status, "tags": list(i.tags), "confidence": i.confidence, "kcal": i.kcal,
            "protein_g": i.protein_g, "fat_g": i.fat_g, "carbs_g": i.carbs_g, "alcohol_g": i.alcohol_g,
            "energy_basis": i.energy_basis, "source": i.source, "source_id": i.source_id, "match": i.match,
        }
        for i in record.items
    ]
    return {
        "legacy": {"totals": legacy.totals.model_dump(), "items": [i.model_dump() for i in legacy.items]},
        "v2": {
            "totals": record.totals.model_dump(),
            "items": v2_items,
            "proposals": [p.model_dump() for p in record.proposals],
            "locale": record.locale,
            "provider": record.provider,
            "model": record.model,
            "pipeline_version": record.pipeline_version,
            "table_version": record.table_version,
        },
    }


def _n(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def render(console: Console, text: str, legacy: NutritionV1, record: RecordV2) -> None:
    table = Table(title=f"{text}  ({record.locale}, {record.provider}/{record.model})", show_lines=False)
    for col in ("item", "g legacy", "g v2", "kcal legacy", "kcal v2", "P", "F", "C", "status", "why", "tags"):
        table.add_column(col, justify="right" if col[0] in "gkPFC" else "left")
    for lg, v2 in zip(legacy.items, record.items, strict=True):
        table.add_row(
            v2.name if v2.name == lg.name else f"{lg.name} → {v2.name}",
            _n(lg.grams), _n(v2.grams), _n(lg.kcal, 0), _n(v2.kcal, 0),
            f"{_n(lg.protein_g)}/{_n(v2.protein_g)}", f"{_n(lg.fat_g)}/{_n(v2.fat_g)}",
            f"{_n(lg.carbs_g)}/{_n(v2.carbs_g)}", v2.status, v2.match or "", ", ".join(v2.tags),
        )
    lt, vt = legacy.totals, record.totals
    table.add_section()
    table.add_row("total", "", "", _n(lt.kcal, 0), _n(vt.kcal, 0), f"{_n(lt.protein_g)}/{_n(vt.protein_g)}",
                  f"{_n(lt.fat_g)}/{_n(vt.fat_g)}", f"{_n(lt.carbs_g)}/{_n(vt.carbs_g)}", "", "", "")
    console.print(table)
    for p in record.proposals:
        parts = ", ".join(f"{c.name} {c.grams:g} g" for c in p.components)
        console.print(f"set proposal for {p.name}: {parts}")


def register(app: typer.Typer) -> None:
    app.command("parse")(parse_command)
