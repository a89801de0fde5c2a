"""Planning a tour: as a job ("plan_tour", with progress) from the API, in-process from the CLI;
both through `solve`, which reads the inputs, runs the planner, checks and stores the result."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlmodel import Session

from catalogue.errors import InvalidInput
from catalogue.jobs import Handler, JobContext, JobKind, JobResult, PermanentJobError, enqueue
from catalogue.models import Job, TourPlan, User
from catalogue.models.tours import PlanCreate, SolveState
from catalogue.models.types import utcnow
from catalogue.planner import PlannerError, check_plan
from catalogue.settings import Settings
from catalogue.tours import requests, selection, store
from catalogue.tours.inputs import Inputs, build_problem, rules_from

log = logging.getLogger("catalogue.tours")

if TYPE_CHECKING:
    from catalogue.planner.solver import Progress, SolveOptions

KIND = JobKind("plan_tour")

ProgressFn = Callable[["Progress"], None]


def options(settings: Settings) -> SolveOptions:
    # The solver (OR-Tools, pandas: ~100 MB, seconds to import) loads only when a tour is planned,
    # not in every API process and worker.
    from catalogue.planner.solver import SolveOptions

    return SolveOptions(
        time_limit=settings.tours_time_limit_s,
        num_workers=settings.tours_workers,
        gap_limit=settings.tours_gap_limit,
    )


def new_plan(session: Session, data: PlanCreate, user: User | None) -> TourPlan:
    """Check and store a plan's inputs (the planning itself is `request` or `solve`)."""
    countries = selection.countries(data.region)
    period = selection.period(data.year, data.starts_on, data.ends_on)
    title_ids = selection.title_ids(session, data.titles)
    venue_ids = selection.venue_ids(session, data.venue_ids)
    rules = data.rules.model_dump(exclude_none=True)
    weights = data.weights.model_dump(exclude_none=True)
    try:
        rules_from(rules)
    except ValueError as error:
        raise InvalidInput(f"rules: {error}") from None
    label = data.name or f"{', '.join(data.region)} {period.start}..{period.end}"
    plan = TourPlan(
        name=label,
        regions=list(data.region),
        countries=sorted(countries),
        starts_on=period.start,
        ends_on=period.end,
        title_ids=title_ids,
        selection=data.titles.model_dump(mode="json", exclude_defaults=True),
        venue_ids=venue_ids,
        rules=rules,
        weights=weights,
        created_by=user.id if user else None,
    )
    session.add(plan)
    session.flush()
    requests.replace_copies(session, plan, data.copies)
    requests.replace_requests(session, plan, data.must_screen)
    return plan


def request(session: Session, plan: TourPlan, user: User | None) -> Job:
    """Queue a (re-)plan; the plan shows `pending` until the job has stored its result."""
    assert plan.id is not None
    payload = {"plan_id": plan.id, "user_id": user.id if user else None}
    job = enqueue(session, KIND, HANDLER, payload)
    plan.solve_status = SolveState.pending
    plan.job_id = job.id
    plan.updated_at = utcnow()
    session.add(plan)
    session.commit()
    session.refresh(job)
    return job


def solve(
    session: Session, plan: TourPlan, settings: Settings, progress: ProgressFn | None = None
) -> TourPlan:
    """Plan (keeping pinned and published screenings, preferring the previous version's),
    check the result with the independent validator, store it."""
    problem = build_problem(session, Inputs.of(plan), plan)
    try:
        from catalogue.planner.solver import plan_tour

        result = plan_tour(problem, options(settings), progress)
    except PlannerError as error:
        plan.solve_status = SolveState.failed
        plan.error = str(error)
        session.add(plan)
        session.commit()
        raise
    store.save_result(session, plan, result)
    violations = check_plan(problem, result)
    if violations:  # a planner bug: kept visible on the plan rather than hidden
        log.error("plan %s breaks %d rules: %s", plan.id, len(violations), violations[:3])
    plan.violations = store.violations_json(violations)
    session.add(plan)
    session.commit()
    session.refresh(plan)
    return plan


# Job messages are whole sentences without figures, so the pages can translate them (the figures
# are on the plan's page): the same strings are in the gettext catalogues.
READING = "Reading the titles, rights, subtitles, renditions and venues."
SEARCHING = "Looking for a better plan."
DONE = {
    SolveState.OPTIMAL: "Done: the best plan under the rules was found.",
    SolveState.FEASIBLE: "Done: a good plan was found in the time allowed.",
    SolveState.GREEDY: "Done: a quick plan was made; time ran out before a better one.",
    SolveState.INFEASIBLE: "Done: no plan keeps every pinned and required screening.",
}
JOB_MESSAGES = (READING, SEARCHING, *DONE.values())


def plan_tour_job(ctx: JobContext) -> JobResult:
    plan_id = int(ctx.payload["plan_id"])

    def report(p: Progress) -> None:
        ctx.progress(0.05 + 0.9 * p.fraction, SEARCHING)

    with ctx.session() as session:
        plan = session.get(TourPlan, plan_id)
        if plan is None:
            raise PermanentJobError(f"plan {plan_id} no longer exists")
        ctx.progress(0.05, READING)
        try:
            plan = solve(session, plan, ctx.settings, report)
        except PlannerError as error:
            raise PermanentJobError(f"plan {plan_id}: {error}") from None
        ctx.progress(1.0, DONE.get(SolveState(plan.solve_status), DONE[SolveState.FEASIBLE]))
        return {"plan_id": plan_id, "status": plan.solve_status, "objective": plan.objective}


HANDLER = Handler(plan_tour_job, timeout_s=3600, max_attempts=2)
