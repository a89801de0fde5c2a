"""`catalogue plan ...`: plan a tour with a progress bar, or print the readiness matrix
(registered by catalogue.cli)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlmodel import Session

from catalogue.db import make_engine
from catalogue.models.titles import TitleKind
from catalogue.models.tours import PlanCreate, TitleSelection
from catalogue.settings import get_settings

if TYPE_CHECKING:
    from catalogue.planner import Progress as SolveProgress

plan_app = typer.Typer(help="Screening tours: plan one, or see what is missing.")
console = Console()

Region = Annotated[list[str], typer.Option("--region", help="M49 region, continent or ISO code")]
Year = Annotated[int, typer.Option(min=2000, max=2100)]
Titles = Annotated[list[int] | None, typer.Option("--titles", help="title ids (repeat)")]
Kind = Annotated[list[TitleKind] | None, typer.Option("--kind")]
Campaign = Annotated[str | None, typer.Option("--campaign", help="campaign slug")]


def _selection(
    titles: list[int] | None, kind: list[TitleKind] | None, campaign: str | None
) -> TitleSelection:
    return TitleSelection(title_ids=titles or [], kinds=kind or [], campaign=campaign)


@plan_app.callback(invoke_without_command=True)
def plan(
    ctx: typer.Context,
    region: Region = [],  # noqa: B006  (typer reads the default)
    year: Annotated[int | None, typer.Option(min=2000, max=2100)] = None,
    titles: Titles = None,
    kind: Kind = None,
    campaign: Campaign = None,
    name: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Plan a tour in this process (progress bar), then print its summary and left-out reasons."""
    if ctx.invoked_subcommand is not None:
        return
    if not region or year is None:
        raise typer.BadParameter("--region and --year are needed", param_hint="--region/--year")
    settings = get_settings()
    # The solver (OR-Tools, pandas) loads only when a plan is made: every other command starts fast.
    from catalogue.tours import planning, store

    body = PlanCreate(
        name=name, region=region, year=year, titles=_selection(titles, kind, campaign)
    )
    with Session(make_engine(settings)) as session:
        tour = planning.new_plan(session, body, None)
        session.commit()
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[best]}"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console) as bar:
            task = bar.add_task(f"planning {tour.name}", total=1.0, best="")

            def report(p: SolveProgress) -> None:
                bar.update(
                    task, completed=p.fraction, best=f"objective {p.objective}, bound {p.bound:.0f}"
                )

            tour = planning.solve(session, tour, settings, report)
            bar.update(task, completed=1.0)
        public = store.to_public(session, tour)
    console.print(
        f"plan {public.id} {public.name}: {public.solve_status.value}, "
        f"{public.screening_count} screenings, objective {public.objective}, "
        f"bound {public.best_bound}, {public.seconds} s"
    )
    table = Table(
        "day", "time", "zone", "venue", "country", "title", "language", title="screenings"
    )
    for s in public.screenings:
        table.add_row(
            str(s.day),
            s.start_time.strftime("%H:%M"),
            s.time_zone,
            s.venue,
            s.country,
            s.title,
            f"{s.language} {s.mode}",
        )
    console.print(table)
    left = Table("code", "title", "country", "why", title="left out")
    for r in public.left_out:
        left.add_row(r.code, str(r.title_id or ""), r.country or "", r.detail)
    console.print(left)
    console.print(f"plan id: {public.id}")


@plan_app.command("readiness")
def readiness_matrix(
    region: Region,
    year: Year,
    titles: Titles = None,
    kind: Kind = None,
    campaign: Campaign = None,
) -> None:
    """Titles x countries: what is missing (rights, subtitles, rendition, venue) in each cell."""
    from catalogue.tours import readiness, selection
    from catalogue.tours.inputs import Inputs

    with Session(make_engine(get_settings())) as session:
        inputs = Inputs(
            countries=selection.countries(region),
            period=selection.period(year, None, None),
            title_ids=tuple(selection.title_ids(session, _selection(titles, kind, campaign))),
        )
        matrix = readiness.matrix(session, inputs)
    table = Table("title", *matrix.countries, title=f"readiness {', '.join(region)} {year}")
    names = {c.title_id: c.title for c in matrix.cells}
    for title_id in matrix.title_ids:
        cells = {c.country: c for c in matrix.cells if c.title_id == title_id}
        table.add_row(
            f"{title_id} {names[title_id]}",
            *(
                "[green]ready[/]" if cells[c].ready else f"[red]{cells[c].missing}[/]"
                for c in matrix.countries
            ),
        )
    console.print(table)
