"""Why candidates the rules allowed are not in the plan: capacity or copies taken by other
screenings (named), or not chosen (a plan stopped by its time limit)."""

from collections import defaultdict

from catalogue.planner.eligibility import Candidate
from catalogue.planner.instance import Instance
from catalogue.planner.occupancy import Occupancy
from catalogue.planner.plan import Reason, ReasonCode, Screening

MAX_EVIDENCE = 20


def _blockers(
    occ: Occupancy,
    cand: Candidate,
    ids_at: dict[str, list[tuple[int, str]]],
    ids_of_title: dict[str, list[tuple[int, str]]],
) -> tuple[str, set[str]]:
    """('addable' | 'capacity' | 'copy', screening ids in the way) for one candidate."""
    venue_ids = {sid for _, sid in ids_at.get(cand.venue_id, [])}
    if occ.ruled_out(cand):
        mine = {sid for _, sid in ids_of_title.get(cand.title_id, [])}
        return "capacity", venue_ids | mine
    copy_only = False
    copies = occ.instance.copy_counts.get(cand.title_id)
    for day in cand.days:
        if occ.fits(cand, day):
            return "addable", set()
        if copies is not None:
            unlimited = occ.fits_ignoring_copies(cand, day)
            copy_only = copy_only or unlimited
    if copy_only:
        return "copy", {sid for _, sid in ids_of_title.get(cand.title_id, [])}
    days = set(cand.days)
    near = {sid for d, sid in ids_at.get(cand.venue_id, []) if d in days}
    return "capacity", near or venue_ids


def explain(
    instance: Instance, occ: Occupancy, screenings: tuple[Screening, ...]
) -> tuple[Reason, ...]:
    period = instance.problem.period
    ids_at: dict[str, list[tuple[int, str]]] = defaultdict(list)
    ids_of_title: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for s in screenings:
        ids_at[s.venue_id].append((period.index(s.day), s.id))
        ids_of_title[s.title_id].append((period.index(s.day), s.id))
    screened = {(s.title_id, instance.venues[s.venue_id].country) for s in screenings}
    by_pair: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for cand in instance.candidates:
        if (cand.title_id, cand.country) not in screened:
            by_pair[(cand.title_id, cand.country)].append(cand)
    reasons = []
    for (title_id, country), cands in sorted(by_pair.items()):
        kinds: set[str] = set()
        ids: set[str] = set()
        for cand in cands:
            kind, found = _blockers(occ, cand, ids_at, ids_of_title)
            kinds.add(kind)
            ids |= found
        if "addable" in kinds:
            code, detail = ReasonCode.NOT_CHOSEN, "allowed and free, but not chosen in time"
        elif "copy" in kinds:
            code, detail = ReasonCode.COPY_IN_USE, "every copy is screening or travelling"
        else:
            code, detail = ReasonCode.CAPACITY_TAKEN, "venue days and caps taken"
        evidence = {
            "screenings": tuple(sorted(ids)[:MAX_EVIDENCE]),
            "venues": tuple(sorted({c.venue_id for c in cands})),
        }
        reasons.append(Reason(code, title_id, country, detail, evidence))
    return tuple(reasons) + _rollup(instance, screenings, reasons)


def _rollup(
    instance: Instance, screenings: tuple[Screening, ...], pair_reasons: list[Reason]
) -> tuple[Reason, ...]:
    """Titles and countries with candidates but no screening at all."""
    seen_titles = {s.title_id for s in screenings}
    seen_countries = {instance.venues[s.venue_id].country for s in screenings}
    out = []
    for title_id in sorted({c.title_id for c in instance.candidates} - seen_titles):
        mine = [r for r in pair_reasons if r.title_id == title_id]
        out.append(_merge(mine, title_id, None))
    for country in sorted({c.country for c in instance.candidates} - seen_countries):
        mine = [r for r in pair_reasons if r.country == country]
        out.append(_merge(mine, None, country))
    return tuple(out)


def _merge(mine: list[Reason], title_id: str | None, country: str | None) -> Reason:
    order = (ReasonCode.NOT_CHOSEN, ReasonCode.COPY_IN_USE, ReasonCode.CAPACITY_TAKEN)
    code = next(c for c in order if any(r.code is c for r in mine))
    ids = sorted({sid for r in mine for sid in r.evidence.get("screenings", ())})
    return Reason(
        code,
        title_id,
        country,
        "no screening: " + "; ".join(sorted({r.detail for r in mine})),
        {"screenings": tuple(ids[:MAX_EVIDENCE])},
    )
