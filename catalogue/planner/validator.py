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

# Every violation's detail, by code: the English text the API returns and the plan stores is
# the template filled in, so a reader (the pages) can take a stored detail back to its code and
# parameters and say it in another language. Codes are unique; the rule is stored beside them.
VIOLATIONS: dict[str, str] = {
    "unknown": "title or venue not in the problem",
    "outside_tour": "{country} is not in the tour",
    "outside_period": "{day} is outside the period",
    "no_rights": "no active window fits the country, date, media, partner, language",
    "not_local_language": "{language} is not a language of {country}",
    "no_track": "title has no {mode} in {language}",
    "burned_in_other_language": "burned-in subtitles are in another language",
    "rendition_not_ready": "rendition {rendition} not ready before {day}",
    "cannot_play": "{venue} cannot play {rendition}",
    "closed_weekday": "{venue} is closed on {weekday}s",
    "blackout": "{day} is a blackout date of {venue}",
    "holiday": "{day} is a public holiday in {country}",
    "not_a_slot": "start time or zone is not one of the venue's slots",
    "per_venue": "title screened more than {count} time(s) per venue",
    "once_per_city": "title screened more than once per city",
    "once_per_country": "title screened more than once per country",
    "day_full": "{venue} has too many screenings on {day}",
    "year_cap": "{venue} exceeds its cap for {year}",
    "week_cap": "more screenings in 7 days than the weekly cap",
    "gap": "screenings of {title} closer than the minimum gap",
    "no_copy": "no valid copy of {title} assigned",
    "copy_late": "copy {copy} cannot arrive from {venue} in time",
    "pin_missing": "pinned or published {pin} is missing",
    "request_unmet": "request {request} is not met",
    "no_such_screening": "no such screening in the plan",
}


def said(code: str, **params: object) -> str:
    return VIOLATIONS[code].format(**params)


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


def _check_one(problem: Problem, s: Screening) -> list[tuple[str, str]]:
    """(rule, detail) failures of one screening on its own."""
    titles = {t.id: t for t in problem.titles}
    venues = {v.id: v for v in problem.venues}
    if s.title_id not in titles or s.venue_id not in venues:
        return [("unknown", said("unknown"))]
    title, venue, rules = titles[s.title_id], venues[s.venue_id], problem.rules
    lang = normalise_language(s.language)
    out = []
    if venue.country not in problem.countries:
        out.append(("region", said("outside_tour", country=venue.country)))
    if not problem.period.start <= s.day <= problem.period.end:
        out.append(("period", said("outside_period", day=s.day)))
    if rules.rights and not _rights_ok(problem, s, venue):
        out.append(("rights", said("no_rights")))
    if rules.language:
        local = country_languages(venue.country, rules.min_language_share) | {
            normalise_language(x) for x in venue.languages
        }
        if lang not in local:
            out.append(
                ("language", said("not_local_language", language=lang, country=venue.country))
            )
    tracks = title.audio_languages if s.mode == "audio" else title.subtitle_languages
    burned = s.rendition == f"burned_in:{s.language}" or (
        s.rendition.startswith("burned_in:")
        and normalise_language(s.rendition.split(":", 1)[1]) == lang
    )
    if lang not in {normalise_language(x) for x in tracks} and not burned:
        out.append(("language", said("no_track", mode=s.mode, language=lang)))
    if s.rendition.startswith("burned_in:") and not burned:
        out.append(("media", said("burned_in_other_language")))
    if rules.media:
        ready = title.renditions.get(s.rendition)
        if ready is None or ready + timedelta(days=rules.rendition_lead_days) > s.day:
            out.append(("media", said("rendition_not_ready", rendition=s.rendition, day=s.day)))
        if s.rendition.split(":", 1)[0] not in venue.equipment:
            out.append(("media", said("cannot_play", venue=venue.id, rendition=s.rendition)))
    if rules.calendar:
        if s.day.weekday() not in venue.open_weekdays:
            out.append(("calendar", said("closed_weekday", venue=venue.id, weekday=f"{s.day:%A}")))
        if s.day in venue.blackout_dates:
            out.append(("calendar", said("blackout", day=s.day, venue=venue.id)))
        if rules.holidays is HolidayPolicy.AVOID and _is_holiday(venue.country, s.day):
            out.append(("calendar", said("holiday", day=s.day, country=venue.country)))
    starts = {
        (
            datetime.combine(s.day, venue.start_time) + timedelta(minutes=k * venue.slot_minutes)
        ).time()
        for k in range(venue.slots_per_day)
    }
    if s.timezone != venue.timezone or s.start_time not in starts:
        out.append(("time", said("not_a_slot")))
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
            flag("capacity", group, said("per_venue", count=rules.per_venue))
        if kind in ("city", "country") and len(group) > 1:
            flag("capacity", group, said(f"once_per_{kind}"))
        if kind == "day":
            venue = venues[key[1]]
            times = Counter(s.start_time for s in group)
            if len(group) > venue.slots_per_day or max(times.values()) > 1:
                flag("capacity", group, said("day_full", venue=venue.id, day=key[2]))
        cap = rules.max_per_venue_year
        if kind == "year" and cap is not None and len(group) > cap:
            flag("capacity", group, said("year_cap", venue=key[1], year=key[2]))
    if rules.max_per_venue_week is not None:
        by_venue: dict[str, list[Screening]] = defaultdict(list)
        for s in known:
            by_venue[s.venue_id].append(s)
        for mine in by_venue.values():
            mine.sort(key=lambda s: s.day)
            for i, s in enumerate(mine):
                window = [x for x in mine[i:] if (x.day - s.day).days < 7]
                if len(window) > rules.max_per_venue_week:
                    flag("capacity", window, said("week_cap"))
    by_title: dict[str, list[Screening]] = defaultdict(list)
    for s in known:
        by_title[s.title_id].append(s)
    for title_id, mine in by_title.items():
        mine.sort(key=lambda s: s.day)
        if rules.min_gap_days > 0:
            for a, b in itertools.pairwise(mine):
                if (b.day - a.day).days < rules.min_gap_days:
                    flag("gap", [a, b], said("gap", title=title_id))
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
            out.append(Violation("copies", s.id, said("no_copy", title=title_id)))
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
                        said("copy_late", copy=copy, venue=a.venue_id),
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
            out.append(Violation("pinned", None, said("pin_missing", pin=pin)))
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
            out.append(Violation("must_screen", None, said("request_unmet", request=req.id)))
    return out


def check_plan(problem: Problem, plan: Plan) -> list[Violation]:
    """Every rule the plan breaks; [] for a valid plan."""
    out = [
        Violation(rule, s.id, detail)
        for s in plan.screenings
        for rule, detail in _check_one(problem, s)
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
            return [Violation("edit", edit.screening_id, said("no_such_screening"))]
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
