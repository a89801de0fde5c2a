"""Rules that need no solver: for each (title, venue), the days it may be screened and in
which language and rendition, or the first rule that rules it out, with its evidence."""

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from itertools import chain

from catalogue.planner.calendar_days import days_between, open_days
from catalogue.planner.languages import country_languages, normalise_language, official_languages
from catalogue.planner.plan import RULE_ORDER, Reason, ReasonCode
from catalogue.planner.problem import (
    BURNED_IN,
    SOFT_RENDITIONS,
    Problem,
    RightStatus,
    RightsWindow,
    Rules,
    Title,
    Venue,
)
from catalogue.rights_core.periods import Period


@dataclass(frozen=True)
class Offer:
    language: str
    mode: str  # "audio" or "subtitles"
    rendition: str


@dataclass(frozen=True)
class Segment:
    first: int
    last: int
    offer: Offer


@dataclass(frozen=True)
class Candidate:
    """A (title, venue) pair that passed every rule on at least one day."""

    title_id: str
    venue_id: str
    country: str
    days: tuple[int, ...]
    segments: tuple[Segment, ...]  # sorted, disjoint; every day lies in one

    def offer_on(self, day: int) -> Offer:
        starts = [s.first for s in self.segments]
        segment = self.segments[bisect_right(starts, day) - 1]
        return segment.offer


@dataclass(frozen=True)
class Eligibility:
    candidates: tuple[Candidate, ...]
    blocked: Mapping[tuple[str, str], Reason]  # (title, venue) -> first rule failed
    pair_reasons: tuple[Reason, ...]  # (title, country) pairs with no candidate
    title_reasons: tuple[Reason, ...]  # titles with no candidate anywhere
    country_reasons: tuple[Reason, ...]  # countries with no candidate for any title


def local_languages(venue: Venue, rules: Rules) -> frozenset[str]:
    own = {normalise_language(lang) for lang in venue.languages}
    return country_languages(venue.country, rules.min_language_share) | own


def title_languages(title: Title) -> frozenset[str]:
    burned = {key.split(":", 1)[1] for key in title.renditions if key.startswith(BURNED_IN + ":")}
    tags = title.subtitle_languages | title.audio_languages | burned
    return frozenset(normalise_language(tag) for tag in tags)


def _rights_windows(
    problem: Problem, title: Title, venue: Venue, windows: tuple[RightsWindow, ...]
) -> tuple[list[RightsWindow], Reason | None]:
    rules = problem.rules
    if not rules.rights:
        return [RightsWindow("*", title.id, "*", frozenset(), problem.period.start)], None
    fits = rules.media_rights.get(venue.kind, frozenset())
    in_country = [w for w in windows if venue.country in w.territories]
    usable = [
        w
        for w in in_country
        if w.status is RightStatus.ACTIVE
        and w.media_right in fits
        and w.exclusive_partner in (None, venue.partner_id)
    ]
    if usable:
        return usable, None
    if not in_country:
        detail = f"no rights window for {venue.country}"
    else:
        detail = (
            f"windows for {venue.country} are inactive, for other media than "
            f"{sorted(fits)} ({venue.kind.value}), or exclusive to another partner"
        )
    evidence = {
        "windows": tuple(
            f"{w.id}:{w.media_right}:{w.status.value}:{w.exclusive_partner or '-'}"
            for w in in_country
        ),
        "media_rights_for_venue": tuple(sorted(fits)),
    }
    return [], Reason(ReasonCode.NO_RIGHTS, title.id, venue.country, detail, evidence)


def _spans(windows: list[RightsWindow], period: Period) -> list[tuple[int, int, frozenset[str]]]:
    spans = []
    for w in windows:
        first = max(w.start, period.start)
        last = min(w.end or period.end, period.end)
        if first <= last:
            langs = frozenset(normalise_language(lang) for lang in w.languages)
            spans.append((period.index(first), period.index(last), langs))
    return spans


def _offers(
    title: Title, venue: Venue, rules: Rules, langs: frozenset[str]
) -> list[tuple[Offer, date | None]]:
    """Playable (language, rendition) offers with their ready dates, best first:
    dubbed audio, then subtitles; a language of the venue's own audience first."""
    own = {normalise_language(lang) for lang in venue.languages}
    offers: list[tuple[Offer, date | None]] = []
    audio = {normalise_language(t) for t in title.audio_languages}
    subs = {normalise_language(t) for t in title.subtitle_languages}
    renditions = dict(title.renditions) if rules.media else {"hls": None}
    for key, ready in sorted(renditions.items()):
        playable_kind = key.split(":", 1)[0]
        if rules.media and playable_kind not in venue.equipment:
            continue
        if key in SOFT_RENDITIONS or not rules.media:
            offers += [(Offer(lang, "audio", key), ready) for lang in sorted(audio & langs)]
            offers += [(Offer(lang, "subtitles", key), ready) for lang in sorted(subs & langs)]
        elif playable_kind == BURNED_IN:
            lang = normalise_language(key.split(":", 1)[1])
            if lang in langs:
                offers.append((Offer(lang, "subtitles", key), ready))
    # The audience's own language first: the venue's, then the country's official ones (English is
    # widely spoken in France, but a Paris audience is served in French when the title has it).
    official = official_languages(venue.country)
    offers.sort(
        key=lambda o: (
            o[0].language not in own,
            o[0].language not in official,
            o[0].mode != "audio",
        )
    )
    return offers


def _segments(
    spans: list[tuple[int, int, frozenset[str]]],
    offers: list[tuple[Offer, date | None]],
    period: Period,
    rules: Rules,
) -> list[Segment]:
    """Each day of each span gets the best offer ready by then and licensed in that span."""
    segments: list[Segment] = []
    for first, last, licensed in spans:
        covered_from = last + 1  # offers start at their ready day: the covered part is a suffix
        for offer, ready in offers:
            if licensed and offer.language not in licensed:
                continue
            if rules.media:
                if ready is None:
                    continue
                start = max(first, period.index(ready) + rules.rendition_lead_days)
            else:
                start = first
            if start < covered_from:
                segments.append(Segment(start, covered_from - 1, offer))
                covered_from = start
    segments.sort(key=lambda s: s.first)
    merged: list[Segment] = []
    for seg in segments:  # overlapping windows: keep the earlier segment's days
        if merged and seg.first <= merged[-1].last:
            if seg.last > merged[-1].last:
                merged.append(Segment(merged[-1].last + 1, seg.last, seg.offer))
            continue
        merged.append(seg)
    return merged


Span = tuple[int, int, frozenset[str]]


def _shared_rules(
    problem: Problem, title: Title, venue: Venue, windows: tuple[RightsWindow, ...]
) -> Reason | tuple[list[Span], list[Segment]]:
    """Rules that depend on the venue only through its country, kind, partner, equipment and
    languages: rights, window in period, language, rendition readiness."""
    rules, period = problem.rules, problem.period
    usable, no_rights = _rights_windows(problem, title, venue, windows)
    if no_rights is not None:
        return no_rights
    spans = _spans(usable, period)
    if not spans:
        return Reason(
            ReasonCode.WINDOW_OUTSIDE_PERIOD,
            title.id,
            venue.country,
            f"rights windows for {venue.country} do not overlap {period.start}..{period.end}",
            {"windows": tuple(f"{w.id}:{w.start}..{w.end or 'open'}" for w in usable)},
        )
    needed = local_languages(venue, rules)
    has = title_languages(title)
    licensed = frozenset().union(*(s[2] for s in spans)) if all(s[2] for s in spans) else None
    langs = has & needed if rules.language else has
    if licensed is not None:
        langs &= licensed
    if not langs:
        return Reason(
            ReasonCode.NO_LOCAL_LANGUAGE,
            title.id,
            venue.country,
            f"no subtitles or audio in a language of {venue.country}",
            {
                "needed": tuple(sorted(needed)),
                "title_has": tuple(sorted(has)),
                "licensed": tuple(sorted(licensed or ())),
            },
        )
    return spans, _segments(spans, _offers(title, venue, rules, langs), period, rules)


def _venue_rules(
    title: Title,
    venue: Venue,
    spans: list[Span],
    segments: list[Segment],
    venue_days: tuple[int, ...],
) -> Candidate | Reason:
    if not any(days_between(venue_days, first, last) for first, last, _ in spans):
        return Reason(
            ReasonCode.NO_VENUE_OPEN,
            title.id,
            venue.country,
            f"{venue.id} is not open on any day of the rights windows",
            {"venues": (venue.id,)},
        )
    days = tuple(chain.from_iterable(days_between(venue_days, s.first, s.last) for s in segments))
    if not days:
        return Reason(
            ReasonCode.RENDITION_NOT_READY,
            title.id,
            venue.country,
            f"no rendition {venue.id} can play is ready in time",
            {
                "renditions": tuple(
                    f"{k}:{v or 'unscheduled'}" for k, v in sorted(title.renditions.items())
                ),
                "equipment": tuple(sorted(venue.equipment)),
                "venues": (venue.id,),
            },
        )
    return Candidate(title.id, venue.id, venue.country, days, tuple(segments))


def check_pair(
    problem: Problem,
    title: Title,
    venue: Venue,
    windows: tuple[RightsWindow, ...],
    venue_days: tuple[int, ...],
) -> Candidate | Reason:
    """Every rule for one (title, venue): a candidate with its days, or the first rule failed."""
    shared = _shared_rules(problem, title, venue, windows)
    if isinstance(shared, Reason):
        return shared
    return _venue_rules(title, venue, *shared, venue_days)


def spoken_languages(problem: Problem, venues: tuple[Venue, ...]) -> dict[str, frozenset[str]]:
    """Per country of the tour: its languages and those of its venues' audiences."""
    share = problem.rules.min_language_share
    spoken = {c: country_languages(c, share) for c in problem.countries}
    for v in venues:
        if v.country in spoken and v.languages:
            own = frozenset(normalise_language(lang) for lang in v.languages)
            spoken[v.country] |= own
    return spoken


def _country_blockers(
    problem: Problem,
    windows: list[RightsWindow],
    title: Title,
    country: str,
    spoken: dict[str, frozenset[str]],
) -> set[ReasonCode]:
    """Rules a (title, country) fails whatever the venue: no active rights window there, no
    language of the country (or of its venues' audiences) among the title's."""
    out = set()
    licensed = any(w.status is RightStatus.ACTIVE and country in w.territories for w in windows)
    if problem.rules.rights and not licensed:
        out.add(ReasonCode.NO_RIGHTS)
    if problem.rules.language and not title_languages(title) & spoken[country]:
        out.add(ReasonCode.NO_LOCAL_LANGUAGE)
    return out


def _with_others(reason: Reason, codes: set[ReasonCode]) -> Reason:
    """The reason, with every other rule that applies as evidence ("also"), in rule order."""
    others = [c.value for c in RULE_ORDER if c in codes and c is not reason.code]
    if not others:
        return reason
    return replace(reason, evidence={**reason.evidence, "also": tuple(others)})


def _no_venue(
    problem: Problem,
    windows: list[RightsWindow],
    title: Title,
    country: str,
    spoken: dict[str, frozenset[str]],
) -> Reason:
    """A country without venues: every rule that fails is listed, the first in rule order
    (rights, then language, then the missing venue) leads."""
    codes = _country_blockers(problem, windows, title, country, spoken)
    codes.add(ReasonCode.NO_VENUE_OPEN)
    lead = next(c for c in RULE_ORDER if c in codes)
    details = {
        ReasonCode.NO_RIGHTS: f"no rights window for {country}",
        ReasonCode.NO_LOCAL_LANGUAGE: f"no subtitles or audio in a language of {country}",
        ReasonCode.NO_VENUE_OPEN: f"no venue in {country}",
    }
    return _with_others(Reason(lead, title.id, country, details[lead]), codes)


def _furthest(reasons: list[Reason]) -> Reason:
    return max(reasons, key=lambda r: RULE_ORDER.index(r.code))


def _pair_reason(
    problem: Problem,
    windows: list[RightsWindow],
    title: Title,
    country: str,
    spoken: dict[str, frozenset[str]],
    found: list[Reason],
) -> Reason:
    """The venue that got furthest leads (what blocks the nearest way to screen the title);
    what stopped the other venues and the country-wide blockers follow."""
    codes = {r.code for r in found} | _country_blockers(problem, windows, title, country, spoken)
    return _with_others(_furthest(found), codes)


def evaluate(problem: Problem) -> Eligibility:
    """Apply every rule that needs no solver to every (title, venue) of the tour."""
    venues = problem.tour_venues()
    venue_days = {v.id: open_days(v, problem.period, problem.rules) for v in venues}
    windows: dict[str, list[RightsWindow]] = {}
    for w in problem.rights:
        windows.setdefault(w.title_id, []).append(w)
    candidates: list[Candidate] = []
    blocked: dict[tuple[str, str], Reason] = {}
    per_pair: dict[tuple[str, str], list[Reason]] = {}
    has_candidate: set[tuple[str, str]] = set()
    # Venues alike in everything the shared rules read get the same answer; the partner counts
    # only for titles with an exclusive window. Each venue gets the number of its group once,
    # so the loop over every (title, venue) below indexes a list instead of hashing a key.
    plain_groups = _groups([(v.country, v.kind, None, v.equipment, v.languages) for v in venues])
    partner_groups = _groups(
        [(v.country, v.kind, v.partner_id, v.equipment, v.languages) for v in venues]
    )
    for title in problem.titles:
        title_windows = tuple(windows.get(title.id, ()))
        exclusive = any(w.exclusive_partner for w in title_windows)
        groups = partner_groups if exclusive else plain_groups
        shared: list[Reason | tuple[list[Span], list[Segment]] | None] = [None] * len(venues)
        in_country: dict[str, tuple[RightsWindow, ...]] = {}
        for venue, group in zip(venues, groups, strict=True):
            answer = shared[group]
            if answer is None:
                here = in_country.get(venue.country)
                if here is None:
                    here = tuple(w for w in title_windows if venue.country in w.territories)
                    in_country[venue.country] = here
                answer = shared[group] = _shared_rules(problem, title, venue, here)
            result = (
                answer
                if isinstance(answer, Reason)
                else _venue_rules(title, venue, *answer, venue_days[venue.id])
            )
            if isinstance(result, Candidate):
                candidates.append(result)
                has_candidate.add((title.id, venue.country))
            else:
                blocked[(title.id, venue.id)] = result
                per_pair.setdefault((title.id, venue.country), []).append(result)
    pair_reasons = []
    spoken = spoken_languages(problem, venues)
    for title in problem.titles:
        mine = windows.get(title.id, [])
        for country in sorted(problem.countries):
            if (title.id, country) in has_candidate:
                continue
            found = per_pair.get((title.id, country))
            if found:
                pair_reasons.append(_pair_reason(problem, mine, title, country, spoken, found))
            else:
                pair_reasons.append(_no_venue(problem, mine, title, country, spoken))
    title_reasons = _rollup(pair_reasons, has_candidate, problem, by_title=True)
    country_reasons = _rollup(pair_reasons, has_candidate, problem, by_title=False)
    return Eligibility(
        tuple(candidates), blocked, tuple(pair_reasons), title_reasons, country_reasons
    )


def _groups(keys: list[tuple[object, ...]]) -> list[int]:
    """The number of each key's group, equal keys alike, counted from 0 in order of appearance."""
    numbers: dict[tuple[object, ...], int] = {}
    return [numbers.setdefault(key, len(numbers)) for key in keys]


def _rollup(
    pair_reasons: list[Reason],
    has_candidate: set[tuple[str, str]],
    problem: Problem,
    by_title: bool,
) -> tuple[Reason, ...]:
    keys = [t.id for t in problem.titles] if by_title else sorted(problem.countries)
    covered = {p[0] if by_title else p[1] for p in has_candidate}
    grouped: dict[str | None, list[Reason]] = {}
    for r in pair_reasons:
        grouped.setdefault(r.title_id if by_title else r.country, []).append(r)
    out = []
    for key in keys:
        if key in covered:
            continue
        mine = grouped.get(key, [])
        worst = _furthest(mine) if mine else None
        code = worst.code if worst else ReasonCode.NO_VENUE_OPEN
        evidence = {
            "countries" if by_title else "titles": tuple(
                f"{(r.country if by_title else r.title_id)}:{r.code.value}" for r in mine
            )
        }
        detail = worst.detail if worst else "no venue in the region"
        codes = {r.code for r in mine} | {
            ReasonCode(c) for r in mine for c in r.evidence.get("also", ())
        }
        reason = Reason(
            code, key if by_title else None, None if by_title else key, detail, evidence
        )
        out.append(_with_others(reason, codes))
    return tuple(out)
