"""An independent check of a plan against the problem. It re-derives every rule from the
inputs and shares no code with the rules, greedy planner or CP-SAT model (only the data
lookups: country languages and tag normalisation), so a bug in one is caught by the other."""

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import holidays

from catalogue.planner.languages import country_languages, normalise_language
from catalogue.planner.plan import Plan, ReasonCode, Screening
from catalogue.planner.problem import HolidayPolicy, Pin, Problem, RightStatus, Venue


@dataclass(frozen=True)
class Violation:
    rule: str
    screening_id: str | None
    detail: str
    related: tuple[str, ...] = ()


def _is_holiday(country: str, day: date) -> bool:
    try:
        return day in holidays.country_holidays(country, years=day.year)
    except NotImplementedError:
        return False


def _rights_ok(problem: Problem, s: Screening, venue: Venue) -> bool:
    lang = normalise_language(s.language)
    for w in problem.rights:
        if (
            w.title_id == s.title_id
            and w.status is RightStatus.ACTIVE
            and venue.country in w.territories
            and w.start <= s.day <= (w.end or date.max)
            and w.media_right in problem.rules.media_rights.get(venue.kind, ())
            and w.exclusive_partner in (None, venue.partner_id)
            and (not w.languages or lang in {normalise_language(x) for x in w.languages})
        ):
            return True
    return False


def _check_one(problem: Problem, s: Screening) -> list[str]:
    """(rule: detail) failures of one screening on its own."""
    titles = {t.id: t for t in problem.titles}
    venues = {v.id: v for v in problem.venues}
    if s.title_id not in titles or s.venue_id not in venues:
        return ["unknown: title or venue not in the problem"]
    title, venue, rules = titles[s.title_id], venues[s.venue_id], problem.rules
    lang = normalise_language(s.language)
    out = []
    if venue.country not in problem.countries:
        out.append(f"region: {venue.country} is not in the tour")
    if not problem.period.start <= s.day <= problem.period.end:
        out.append(f"period: {s.day} is outside the period")
    if rules.rights and not _rights_ok(problem, s, venue):
        out.append("rights: no active window fits the country, date, media, partner, language")
    if rules.language:
        local = country_languages(venue.country, rules.min_language_share) | {
            normalise_language(x) for x in venue.languages
        }
        if lang not in local:
            out.append(f"language: {lang} is not a language of {venue.country}")
    tracks = title.audio_languages if s.mode == "audio" else title.subtitle_languages
    burned = s.rendition == f"burned_in:{s.language}" or (
        s.rendition.startswith("burned_in:")
        and normalise_language(s.rendition.split(":", 1)[1]) == lang
    )
    if lang not in {normalise_language(x) for x in tracks} and not burned:
        out.append(f"language: title has no {s.mode} in {lang}")
    if s.rendition.startswith("burned_in:") and not burned:
        out.append("media: burned-in subtitles are in another language")
    if rules.media:
        ready = title.renditions.get(s.rendition)
        if ready is None or ready + timedelta(days=rules.rendition_lead_days) > s.day:
            out.append(f"media: rendition {s.rendition} not ready before {s.day}")
        if s.rendition.split(":", 1)[0] not in venue.equipment:
            out.append(f"media: {venue.id} cannot play {s.rendition}")
    if rules.calendar:
        if s.day.weekday() not in venue.open_weekdays:
            out.append(f"calendar: {venue.id} is closed on {s.day:%A}s")
        if s.day in venue.blackout_dates:
            out.append(f"calendar: {s.day} is a blackout date of {venue.id}")
        if rules.holidays is HolidayPolicy.AVOID and _is_holiday(venue.country, s.day):
            out.append(f"calendar: {s.day} is a public holiday in {venue.country}")
    starts = {
        (
            datetime.combine(s.day, venue.start_time) + timedelta(minutes=k * venue.slot_minutes)
        ).time()
        for k in range(venue.slots_per_day)
    }
    if s.timezone != venue.timezone or s.start_time not in starts:
        out.append("time: start time or zone is not one of the venue's slots")
    return out


def _check_together(problem: Problem, plan: Plan) -> list[Violation]:
    rules = problem.rules
    venues = {v.id: v for v in problem.venues}
    known = [s for s in plan.screenings if s.venue_id in venues]
    out: list[Violation] = []

    def flag(rule: str, group: list[Screening], detail: str) -> None:
        out.append(Violation(rule, group[-1].id, detail, tuple(x.id for x in group[:-1])))

    groups: dict[tuple[str, ...], list[Screening]] = defaultdict(list)
    for s in known:
        v = venues[s.venue_id]
        groups[("pair", s.title_id, s.venue_id)].append(s)
        groups[("day", s.venue_id, s.day.isoformat())].append(s)
        groups[("year", s.venue_id, str(s.day.year))].append(s)
        if rules.once_per_city:
            groups[("city", s.title_id, v.country, v.city)].append(s)
        if rules.once_per_country:
            groups[("country", s.title_id, v.country)].append(s)
    for key, group in groups.items():
        kind = key[0]
        if kind == "pair" and (
            len(group) > rules.per_venue or len({s.day for s in group}) < len(group)
        ):
            flag("capacity", group, f"title screened more than {rules.per_venue} time(s) per venue")
        if kind in ("city", "country") and len(group) > 1:
            flag("capacity", group, f"title screened more than once per {kind}")
        if kind == "day":
            venue = venues[key[1]]
            times = Counter(s.start_time for s in group)
            if len(group) > venue.slots_per_day or max(times.values()) > 1:
                flag("capacity", group, f"{venue.id} has too many screenings on {key[2]}")
        cap = rules.max_per_venue_year
        if kind == "year" and cap is not None and len(group) > cap:
            flag("capacity", group, f"{key[1]} exceeds its cap for {key[2]}")
    if rules.max_per_venue_week is not None:
        by_venue: dict[str, list[Screening]] = defaultdict(list)
        for s in known:
            by_venue[s.venue_id].append(s)
        for mine in by_venue.values():
            mine.sort(key=lambda s: s.day)
            for i, s in enumerate(mine):
                window = [x for x in mine[i:] if (x.day - s.day).days < 7]
                if len(window) > rules.max_per_venue_week:
                    flag("capacity", window, "more screenings in 7 days than the weekly cap")
    by_title: dict[str, list[Screening]] = defaultdict(list)
    for s in known:
        by_title[s.title_id].append(s)
    for title_id, mine in by_title.items():
        mine.sort(key=lambda s: s.day)
        if rules.min_gap_days > 0:
            for a, b in itertools.pairwise(mine):
                if (b.day - a.day).days < rules.min_gap_days:
                    flag("gap", [a, b], f"screenings of {title_id} closer than the minimum gap")
        out += _check_copies(problem, title_id, mine, venues)
    return out


def _check_copies(
    problem: Problem, title_id: str, mine: list[Screening], venues: dict[str, Venue]
) -> list[Violation]:
    count = next((c.count for c in problem.copies if c.title_id == title_id), None)
    if count is None:
        return []
    out = []
    per_copy: dict[int, list[Screening]] = defaultdict(list)
    for s in mine:
        if s.copy is None or not 0 <= s.copy < count:
            out.append(Violation("copies", s.id, f"no valid copy of {title_id} assigned"))
        else:
            per_copy[s.copy].append(s)
    for copy, seq in per_copy.items():
        for a, b in itertools.pairwise(seq):
            ship = problem.rules.shipping(venues[a.venue_id].country, venues[b.venue_id].country)
            if (b.day - a.day).days < 1 + ship:
                out.append(
                    Violation(
                        "copies",
                        b.id,
                        f"copy {copy} cannot arrive from {a.venue_id} in time",
                        (a.id,),
                    )
                )
    return out


def _check_requests(problem: Problem, plan: Plan) -> list[Violation]:
    venues = {v.id: v for v in problem.venues}
    out = []
    for pin in problem.fixed():
        if not any(
            (s.title_id, s.venue_id, s.day) == (pin.title_id, pin.venue_id, pin.day)
            for s in plan.screenings
        ):
            out.append(Violation("pinned", None, f"pinned or published {pin} is missing"))
    explained = {
        rid
        for r in plan.reasons
        if r.code is ReasonCode.MUST_SCREEN_CONFLICT
        for rid in r.evidence.get("requests", ())
    }
    for req in problem.must_screen:
        met = any(
            s.title_id == req.title_id
            and s.venue_id in venues
            and req.venue_id in (None, s.venue_id)
            and req.country in (None, venues[s.venue_id].country)
            and (req.earliest or date.min) <= s.day <= (req.latest or date.max)
            for s in plan.screenings
        )
        if not met and req.id not in explained:
            out.append(Violation("must_screen", None, f"request {req.id} is not met"))
    return out


def check_plan(problem: Problem, plan: Plan) -> list[Violation]:
    """Every rule the plan breaks; [] for a valid plan."""
    out = [
        Violation(rule, s.id, detail.strip())
        for s in plan.screenings
        for rule, detail in (failure.split(":", 1) for failure in _check_one(problem, s))
    ]
    return out + _check_together(problem, plan) + _check_requests(problem, plan)


@dataclass(frozen=True)
class Move:
    screening_id: str
    day: date
    venue_id: str | None = None


@dataclass(frozen=True)
class Add:
    screening: Screening


@dataclass(frozen=True)
class Cancel:
    screening_id: str


@dataclass(frozen=True)
class PinEdit:
    screening_id: str


Edit = Move | Add | Cancel | PinEdit


def check_edit(problem: Problem, plan: Plan, edit: Edit) -> list[Violation]:
    """The violations an edit would introduce (those the plan already had are left out)."""
    before = check_plan(problem, plan)
    by_id = {s.id: s for s in plan.screenings}
    rest = tuple(s for s in plan.screenings if s.id != getattr(edit, "screening_id", None))
    edited_problem = problem
    if isinstance(edit, Add):
        screenings = (*plan.screenings, edit.screening)
    else:
        if edit.screening_id not in by_id:
            return [Violation("edit", edit.screening_id, "no such screening in the plan")]
        old = by_id[edit.screening_id]
        if isinstance(edit, Move):
            venue_id = edit.venue_id or old.venue_id
            venue = next((v for v in problem.venues if v.id == venue_id), None)
            moved = replace(
                old,
                day=edit.day,
                venue_id=venue_id,
                timezone=venue.timezone if venue else old.timezone,
                start_time=venue.start_time if venue else old.start_time,
            )
            screenings = (*rest, moved)
        elif isinstance(edit, Cancel):
            screenings = rest
        else:
            screenings = plan.screenings
            pin = Pin(old.title_id, old.venue_id, old.day)
            edited_problem = replace(problem, pins=(*problem.pins, pin))
    after = check_plan(edited_problem, replace(plan, screenings=screenings))
    old_keys = {(v.rule, v.detail) for v in before}
    return [v for v in after if (v.rule, v.detail) not in old_keys]
