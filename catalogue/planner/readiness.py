"""The readiness matrix: for a region and period, titles x countries, each cell either
screenable or what is missing, so editors know which rights, subtitles, renditions to get."""

from dataclasses import dataclass

from catalogue.planner.eligibility import evaluate, spoken_languages, title_languages
from catalogue.planner.plan import ReasonCode
from catalogue.planner.problem import Problem


@dataclass(frozen=True)
class Cell:
    title_id: str
    country: str
    ready: bool
    missing: ReasonCode | None  # the decisive rule that fails, as in the plan's reasons
    detail: str
    venues: tuple[str, ...]  # venues where it can be screened
    subtitles_to_commission: tuple[str, ...]  # local languages the title lacks
    also: tuple[ReasonCode, ...] = ()  # the other rules that fail, in rule order


@dataclass(frozen=True)
class ReadinessMatrix:
    titles: tuple[str, ...]
    countries: tuple[str, ...]
    cells: tuple[Cell, ...]

    def cell(self, title_id: str, country: str) -> Cell:
        return next(c for c in self.cells if (c.title_id, c.country) == (title_id, country))


def readiness(problem: Problem) -> ReadinessMatrix:
    """Apply the rules (no capacity, no solver) to every title and country of the region."""
    elig = evaluate(problem)
    ok: dict[tuple[str, str], list[str]] = {}
    for cand in elig.candidates:
        ok.setdefault((cand.title_id, cand.country), []).append(cand.venue_id)
    reasons = {(r.title_id, r.country): r for r in elig.pair_reasons}
    spoken = spoken_languages(problem, problem.tour_venues())
    countries = tuple(sorted(problem.countries))
    cells = []
    for title in problem.titles:
        has = title_languages(title)
        for country in countries:
            local = spoken[country]
            commission = tuple(sorted(local - has)) if not local & has else ()
            venues = ok.get((title.id, country))
            if venues:
                cells.append(Cell(title.id, country, True, None, "", tuple(venues), ()))
            else:
                reason = reasons[(title.id, country)]
                also = tuple(ReasonCode(c) for c in reason.evidence.get("also", ()))
                cells.append(
                    Cell(
                        title.id,
                        country,
                        False,
                        reason.code,
                        reason.detail,
                        (),
                        commission,
                        also,
                    )
                )
    return ReadinessMatrix(tuple(t.id for t in problem.titles), countries, tuple(cells))
