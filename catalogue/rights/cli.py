"""`catalogue rights ...`: avails import/export and availability from the shell (registered by
catalogue.cli)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from catalogue.db import make_engine
from catalogue.errors import InvalidInput
from catalogue.models.rights import MediaRight
from catalogue.rights import avails, service
from catalogue.rights.availability import Query
from catalogue.rights_core.periods import Period
from catalogue.rights_core.windows import Match
from catalogue.settings import get_settings
from catalogue.validation import country_code

rights_app = typer.Typer(no_args_is_help=True, help="Rights windows: avails sheets, availability.")
console = Console()


def _session() -> Session:
    return Session(make_engine(get_settings()))


def _format(path: Path) -> avails.FileFormat:
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in {f.value for f in avails.FileFormat}:
        raise InvalidInput(f"{path.name}: name the sheet .csv or .xlsx")
    return avails.FileFormat(suffix)


@rights_app.command("import")
def import_sheet(
    sheet: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=".csv or .xlsx")],
    partial: Annotated[
        bool, typer.Option(help="import the good rows of a file with errors")
    ] = False,
) -> None:
    """Import an avails sheet; a file with errors imports nothing unless --partial."""
    limits = avails.SheetLimits.of(get_settings())
    with _session() as session:
        report = avails.import_sheet(
            session, sheet.read_bytes(), _format(sheet), limits, partial=partial
        )
    for problem in report.errors:
        console.print(f"[yellow]row {problem.row}[/] {problem.column or ''}: {problem.message}")
    for warning in report.warnings:
        console.print(f"[dim]row {warning.row}[/] {warning.column or ''}: {warning.message}")
    console.print(
        f"{report.rows} rows: {report.created} created, {report.updated} updated, "
        f"{report.skipped} skipped"
    )
    if report.errors and not partial:
        raise InvalidInput(
            f"{len(report.errors)} bad row(s): nothing imported; fix them, or pass --partial"
        )


@rights_app.command("export")
def export_sheet(
    output: Annotated[Path, typer.Argument(help="avails.csv or avails.xlsx")],
    layout: Annotated[
        avails.Layout,
        typer.Option(help="catalogue: one window per row; ema: EMA Avails workbook (.xlsx)"),
    ] = avails.Layout.catalogue,
) -> None:
    """Write every rights window to an avails sheet (CSV or XLSX, by the file's name)."""
    with _session() as session:
        output.write_bytes(avails.export(session, _format(output), layout))
    console.print(f"wrote {output}")


@rights_app.command("availability")
def availability(
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2, e.g. KZ")] = None,
    region: Annotated[str | None, typer.Option(help="UN M49 region, e.g. 'Central Asia'")] = None,
    start: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD; default today")] = None,
    end: Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD; default --from")] = None,
    match: Match = Match.covers,
    right: Annotated[list[MediaRight] | None, typer.Option()] = None,
    language: str | None = None,
) -> None:
    """Which published titles may be screened there over the period, and why not."""
    if (country is None) == (region is None):
        raise InvalidInput("give exactly one of --country KZ or --region 'Central Asia'")
    try:
        countries = frozenset({country_code(country)}) if country else service.region(region or "")
        first = date.fromisoformat(start) if start else service.today()
        period = Period(first, date.fromisoformat(end) if end else first)
    except ValueError as error:
        raise InvalidInput(str(error)) from None
    query = Query(countries, period, match, media_rights=frozenset(right or ()), language=language)
    with _session() as session:
        page = service.availability_page(session, query, None)
    table = Table("title", "available in", "why not")
    for item in page.items:
        reasons = "; ".join(sorted({f"{r.code}: {r.detail}" for r in item.reasons})[:3])
        table.add_row(item.original_title, ", ".join(item.countries) or "-", reasons)
    console.print(table)
