"""Which titles may be screened in a territory over a period, and for the others, why not.

Pure: windows in, answers out. Each country is checked in stages (territory, status, media right,
partner, language, holdbacks, period); a refusal names the last stage some window got through."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from catalogue.rights_core.holdbacks import held_back_span
from catalogue.rights_core.periods import Period
from catalogue.rights_core.windows import Match, Window, meets, merged


class ReasonCode(StrEnum):
    no_rights = "no_rights"
    inactive = "inactive"
    other_media = "other_media"
    licensed_to_other_partner = "licensed_to_other_partner"
    exclusive_to_other_partner = "exclusive_to_other_partner"
    language_not_licensed = "language_not_licensed"
    holdback = "holdback"
    outside_period = "outside_period"
    too_short = "too_short"


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    country: str
    detail: str
    window_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Query:
    countries: frozenset[str]
    period: Period
    match: Match = Match.overlaps
    min_days: int = 0
    media_rights: frozenset[str] = frozenset()  # empty: any
    language: str | None = None
    partner_id: int | None = None  # a partner asking: windows of other partners do not count


@dataclass(frozen=True)
class Answer:
    title_id: int
    available: bool
    countries: tuple[str, ...]  # where it may be screened
    window_ids: tuple[int, ...]  # the windows that grant it
    reasons: tuple[Reason, ...] = field(default=())  # for each country where it may not


def _ids(windows: Iterable[Window]) -> tuple[int, ...]:
    return tuple(sorted(w.id for w in windows))


def check_country(
    windows: Sequence[Window], country: str, query: Query
) -> tuple[list[Window], Reason | None]:
    """The windows that grant the query in `country`, or why none does."""
    here = [w for w in windows if country in w.countries]
    if not here:
        return [], Reason(ReasonCode.no_rights, country, f"no rights window covers {country}")
    active = [w for w in here if w.active]
    if not active:
        states = ", ".join(sorted({w.status for w in here}))
        return [], Reason(
            ReasonCode.inactive,
            country,
            f"windows for {country} are not active ({states})",
            _ids(here),
        )
    media = [w for w in active if not query.media_rights or w.media_right in query.media_rights]
    if not media:
        granted = ", ".join(sorted({w.media_right for w in active}))
        wanted = ", ".join(sorted(query.media_rights))
        return [], Reason(
            ReasonCode.other_media,
            country,
            f"windows for {country} grant {granted}, not {wanted}",
            _ids(active),
        )
    ours = media
    if query.partner_id is not None:
        ours = [w for w in media if w.partner_id in (None, query.partner_id)]
        if not ours:
            exclusive = [w for w in media if w.exclusive]
            code = (
                ReasonCode.exclusive_to_other_partner
                if exclusive
                else ReasonCode.licensed_to_other_partner
            )
            holder = ", ".join(str(p) for p in sorted({w.partner_id or 0 for w in media}))
            return [], Reason(
                code,
                country,
                f"the rights in {country} are {code.value.replace('_', ' ')} (partner {holder})",
                _ids(media),
            )
    spoken = ours
    if query.language is not None:
        spoken = [w for w in ours if w.licenses_language(query.language)]
        if not spoken:
            licensed = ", ".join(sorted(set().union(*(w.languages() for w in ours))))
            return [], Reason(
                ReasonCode.language_not_licensed,
                country,
                f"{query.language} is not licensed in {country} (licensed: {licensed})",
                _ids(ours),
            )
    spans = {w.id: held_back_span(w, country, active) for w in spoken}
    usable = [w for w in spoken if spans[w.id] is not None]
    joined = merged(s for s in spans.values() if s is not None)
    if any(meets(span, query.period, query.match, query.min_days) for span in joined):
        granting = [w for w in usable if spans[w.id].overlap_days(query.period) > 0]  # type: ignore[union-attr]
        return granting or usable, None
    if any(
        meets(s, query.period, query.match, query.min_days) for s in merged(w.span for w in spoken)
    ):
        rights = ", ".join(sorted({w.media_right for w in spoken}))
        return [], Reason(
            ReasonCode.holdback,
            country,
            f"a holdback keeps {rights} out of {country} over {query.period}",
            _ids(spoken),
        )
    licensed = "; ".join(str(s) for s in joined) or "none"
    touching = any(span.overlap_days(query.period) > 0 for span in joined)
    if touching and query.min_days and query.match is Match.overlaps:
        return [], Reason(
            ReasonCode.too_short,
            country,
            f"fewer than {query.min_days} licensed days in {country} over {query.period} "
            f"(licensed {licensed})",
            _ids(usable),
        )
    return [], Reason(
        ReasonCode.outside_period,
        country,
        f"licensed {licensed} in {country}, which does not {query.match.value.replace('_', ' ')} "
        f"{query.period}",
        _ids(usable),
    )


def evaluate(title_id: int, windows: Sequence[Window], query: Query) -> Answer:
    granted: set[int] = set()
    countries: list[str] = []
    reasons: list[Reason] = []
    for country in sorted(query.countries):
        usable, reason = check_country(windows, country, query)
        if reason is None:
            countries.append(country)
            granted.update(w.id for w in usable)
        else:
            reasons.append(reason)
    return Answer(
        title_id,
        bool(countries),
        tuple(countries),
        tuple(sorted(granted)),
        tuple(reasons),
    )


def availability(title_ids: Iterable[int], windows: Iterable[Window], query: Query) -> list[Answer]:
    """One answer per title, in the order given."""
    by_title: dict[int, list[Window]] = defaultdict(list)
    for window in windows:
        by_title[window.title_id].append(window)
    return [evaluate(t, by_title.get(t, []), query) for t in title_ids]


def today_query(countries: frozenset[str], on: date, partner_id: int | None) -> Query:
    return Query(countries, Period.on(on), Match.covers, partner_id=partner_id)
