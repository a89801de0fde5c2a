"""The readiness matrix for a region and period: titles x countries, and for each cell what
is missing before the title can be screened there."""

from __future__ import annotations

from sqlmodel import Session

from catalogue.models.tours import CellPublic, ReadinessPublic
from catalogue.planner import ReasonCode
from catalogue.planner.readiness import readiness as planner_readiness
from catalogue.tours.inputs import Inputs, build_problem

# What an editor has to get, by the planner's first failing rule.
MISSING = {
    ReasonCode.NO_RIGHTS: "rights",
    ReasonCode.WINDOW_OUTSIDE_PERIOD: "rights",
    ReasonCode.NO_LOCAL_LANGUAGE: "subtitles",
    ReasonCode.RENDITION_NOT_READY: "rendition",
    ReasonCode.NO_VENUE_OPEN: "venue",
}


def matrix(session: Session, inputs: Inputs) -> ReadinessPublic:
    problem = build_problem(session, inputs)
    names = {t.id: t.name for t in problem.titles}
    result = planner_readiness(problem)
    return ReadinessPublic(
        countries=list(result.countries),
        starts_on=inputs.period.start,
        ends_on=inputs.period.end,
        title_ids=[int(t) for t in result.titles],
        cells=[
            CellPublic(
                title_id=int(c.title_id),
                title=names[c.title_id],
                country=c.country,
                ready=c.ready,
                missing=MISSING.get(c.missing, "venue") if c.missing else None,
                code=c.missing.value if c.missing else None,
                also_missing=list(dict.fromkeys(MISSING[code] for code in c.also)),
                detail=c.detail,
                venue_ids=[int(v) for v in c.venues],
                subtitles_to_commission=list(c.subtitles_to_commission),
            )
            for c in result.cells
        ],
    )
