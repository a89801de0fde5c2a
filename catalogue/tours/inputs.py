"""The planner's Problem, read from the catalogue: titles with their published subtitles, audio
languages and renditions, rights windows (holdbacks applied), venues with their calendars, and
the plan's own pinned and published screenings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, time

from sqlmodel import Session, col, select

from catalogue.models import (
    Asset,
    AssetAudioLanguage,
    Campaign,
    Partner,
    RenditionSet,
    SubtitleBurnIn,
    SubtitleTrack,
    Title,
    TitleCampaign,
    TourPlan,
    TourScreening,
    Venue,
)
from catalogue.models.assets import AssetKind, AssetState
from catalogue.models.subtitles import SubtitleKind, TrackStatus
from catalogue.models.tours import ScreeningState
from catalogue.planner import (
    HolidayPolicy,
    Pin,
    PreviousScreening,
    Problem,
    RightStatus,
    Rules,
    VenueKind,
    Weights,
)
from catalogue.planner import RightsWindow as PlanWindow
from catalogue.planner import Title as PlanTitle
from catalogue.planner import Venue as PlanVenue
from catalogue.rights.store import load_windows
from catalogue.rights_core.holdbacks import held_back_start
from catalogue.rights_core.periods import Period
from catalogue.rights_core.windows import Window
from catalogue.tours import requests

VENUE_KINDS = {
    "cinema": VenueKind.CINEMA,
    "festival": VenueKind.FESTIVAL,
    "cultural_centre": VenueKind.CULTURAL_CENTRE,
    "broadcaster": VenueKind.BROADCASTER,
    "broadcasting_union": VenueKind.BROADCASTER,
}
# Subtitles an audience reads; forced narratives alone do not make a title understandable.
READABLE = (SubtitleKind.subtitles, SubtitleKind.captions)


@dataclass(frozen=True)
class Inputs:
    """What a plan is planned from, independent of how it is stored."""

    countries: frozenset[str]
    period: Period
    title_ids: tuple[int, ...]
    venue_ids: tuple[int, ...] = ()  # empty: every venue in the countries
    rules: Rules = field(default_factory=Rules)
    weights: Weights = field(default_factory=Weights)

    @classmethod
    def of(cls, plan: TourPlan) -> Inputs:
        return cls(
            countries=frozenset(plan.countries),
            period=Period(plan.starts_on, plan.ends_on),
            title_ids=tuple(plan.title_ids),
            venue_ids=tuple(plan.venue_ids),
            rules=rules_from(plan.rules),
            weights=weights_from(plan.weights),
        )


def rules_from(overrides: dict[str, object]) -> Rules:
    values = dict(overrides)
    if "holidays" in values:
        values["holidays"] = HolidayPolicy(str(values["holidays"]))
    return replace(Rules(), **values)  # type: ignore[arg-type]


def weights_from(overrides: dict[str, object]) -> Weights:
    known = {f.name for f in fields(Weights)}
    return replace(Weights(), **{k: v for k, v in overrides.items() if k in known})  # type: ignore[arg-type]


def _earliest(found: dict[tuple[int, str], date], key: tuple[int, str], day: date) -> None:
    if key not in found or day < found[key]:
        found[key] = day


def _renditions(session: Session, ids: list[int]) -> dict[int, dict[str, date | None]]:
    """Per title: 'hls' and 'mp4' from its main masters' rendition sets (ready on the day the set
    was made; None while a ready master waits for its transcode), 'burned_in:<lang>' from
    burn-ins."""
    ready: dict[tuple[int, str], date] = {}
    waiting: set[int] = set()
    rows = session.exec(
        select(Asset.title_id, Asset.state, RenditionSet.created_at)
        .join(RenditionSet, col(RenditionSet.asset_id) == col(Asset.id), isouter=True)
        .where(col(Asset.title_id).in_(ids), Asset.kind == AssetKind.main)
    ).all()
    for title_id, state, made in rows:
        if made is not None:
            for key in ("hls", "mp4"):
                _earliest(ready, (title_id, key), made.date())
        elif state == AssetState.ready:
            waiting.add(title_id)
    burned = session.exec(
        select(SubtitleTrack.title_id, SubtitleTrack.language, SubtitleBurnIn.created_at)
        .join(SubtitleBurnIn, col(SubtitleBurnIn.track_id) == col(SubtitleTrack.id))
        .where(col(SubtitleTrack.title_id).in_(ids))
    ).all()
    for title_id, language, made in burned:
        _earliest(ready, (title_id, f"burned_in:{language}"), made.date())
    out: dict[int, dict[str, date | None]] = defaultdict(dict)
    for title_id in waiting:
        out[title_id].update({"hls": None, "mp4": None})
    for (title_id, key), day in ready.items():
        out[title_id][key] = day
    return out


def load_titles(session: Session, ids: Sequence[int], period: Period) -> tuple[PlanTitle, ...]:
    wanted = list(ids)
    rows = session.exec(select(Title).where(col(Title.id).in_(wanted))).all()
    subtitles: dict[int, set[str]] = defaultdict(set)
    for title_id, language in session.exec(
        select(SubtitleTrack.title_id, SubtitleTrack.language).where(
            col(SubtitleTrack.title_id).in_(wanted),
            SubtitleTrack.status == TrackStatus.published,
            col(SubtitleTrack.kind).in_(READABLE),
        )
    ):
        subtitles[title_id].add(language)
    audio: dict[int, set[str]] = defaultdict(set)
    for title_id, language in session.exec(
        select(Asset.title_id, AssetAudioLanguage.language)
        .join(AssetAudioLanguage, col(AssetAudioLanguage.asset_id) == col(Asset.id))
        .where(col(Asset.title_id).in_(wanted), Asset.state == AssetState.ready)
    ):
        audio[title_id].add(language)
    campaigns: dict[int, list[Campaign]] = defaultdict(list)
    for title_id, campaign in session.exec(
        select(TitleCampaign.title_id, Campaign)
        .join(Campaign, col(Campaign.id) == col(TitleCampaign.campaign_id))
        .where(col(TitleCampaign.title_id).in_(wanted))
    ):
        campaigns[title_id].append(campaign)
    renditions = _renditions(session, wanted)
    out = []
    for row in sorted(rows, key=lambda r: wanted.index(r.id or 0)):
        assert row.id is not None
        # A campaign that opens inside the tour is the moment to premiere the title.
        openings = [
            c.starts_on
            for c in campaigns[row.id]
            if c.starts_on and period.start <= c.starts_on <= period.end
        ]
        out.append(
            PlanTitle(
                id=str(row.id),
                name=row.original_title,
                kind=row.kind,
                campaign_keys=frozenset(c.slug for c in campaigns[row.id]),
                subtitle_languages=frozenset(subtitles[row.id]),
                audio_languages=frozenset({row.original_language, *audio[row.id]}),
                renditions=dict(renditions.get(row.id, {})),
                key_date=min(openings, default=None),
            )
        )
    return tuple(out)


def load_rights(
    session: Session, title_ids: Sequence[int], countries: frozenset[str]
) -> tuple[PlanWindow, ...]:
    windows = load_windows(session, title_ids)
    by_title: dict[int, list[Window]] = defaultdict(list)
    for w in windows:
        by_title[w.title_id].append(w)
    out = []
    for w in windows:
        starts: dict[date, set[str]] = defaultdict(set)
        for country in w.countries & countries:
            starts[held_back_start(w, country, by_title[w.title_id])].add(country)
        for n, (start, where) in enumerate(sorted(starts.items())):
            if w.ends_on is not None and start > w.ends_on:
                continue  # held back past its end: grants nothing there
            out.append(
                PlanWindow(
                    id=str(w.id) if n == 0 else f"{w.id}:{n}",
                    title_id=str(w.title_id),
                    media_right=w.media_right,
                    territories=frozenset(where),
                    start=start,
                    end=w.ends_on,
                    languages=w.languages(),
                    exclusive_partner=str(w.partner_id) if w.partner_id is not None else None,
                    status=RightStatus.ACTIVE if w.active else RightStatus.INACTIVE,
                )
            )
    return tuple(out)


def to_plan_venue(venue: Venue, partner_kind: str | None) -> PlanVenue:
    """The venue's own kind, else its partner's (a cinema of a broadcasting union is a cinema
    once it says so)."""
    kind = VENUE_KINDS[venue.kind] if venue.kind else VENUE_KINDS.get(partner_kind or "")
    return PlanVenue(
        id=str(venue.id),
        partner_id=str(venue.partner_id),
        name=venue.name,
        city=venue.city,
        country=venue.country,
        timezone=venue.time_zone,
        tier=venue.tier,
        seats=venue.capacity or 0,
        kind=kind or VenueKind.CINEMA,
        equipment=frozenset(venue.equipment),
        open_weekdays=frozenset(venue.open_weekdays),
        blackout_dates=frozenset(date.fromisoformat(d) for d in venue.blackout_dates),
        languages=frozenset(venue.languages),
        start_time=time(19, 0),
    )


def load_venues(
    session: Session, countries: frozenset[str], venue_ids: Sequence[int] = ()
) -> tuple[PlanVenue, ...]:
    statement = (
        select(Venue, Partner.kind)
        .join(Partner, col(Partner.id) == col(Venue.partner_id))
        .order_by(col(Venue.id))
    )
    if venue_ids:
        statement = statement.where(col(Venue.id).in_(list(venue_ids)))
    else:
        statement = statement.where(col(Venue.country).in_(sorted(countries)))
    return tuple(to_plan_venue(v, kind) for v, kind in session.exec(statement))


def build_problem(
    session: Session,
    inputs: Inputs,
    plan: TourPlan | None = None,
    extra_venue_ids: Iterable[int] = (),
) -> Problem:
    """The Problem for `inputs`; with `plan`, its pinned screenings are pins and all its live
    screenings are the previous version (those partners have been shown are kept, the rest
    preferably)."""
    pins: list[Pin] = []
    previous: list[PreviousScreening] = []
    used_venues: set[int] = set(extra_venue_ids)
    if plan is not None and plan.id is not None:
        for s in session.exec(
            select(TourScreening).where(
                TourScreening.plan_id == plan.id, TourScreening.state != ScreeningState.cancelled
            )
        ):
            used_venues.add(s.venue_id)
            if s.pinned:
                pins.append(Pin(str(s.title_id), str(s.venue_id), s.day))
            previous.append(
                PreviousScreening(
                    str(s.title_id),
                    str(s.venue_id),
                    s.day,
                    published=s.announced_at is not None,
                )
            )
    copies, must_screen = (
        requests.planner_inputs(session, plan.id) if plan is not None and plan.id else ((), ())
    )
    venues = load_venues(session, inputs.countries, inputs.venue_ids)
    known = {v.id for v in venues}
    missing = sorted(i for i in used_venues if str(i) not in known)
    if missing:  # screenings an editor forced elsewhere: the validator must see their venues
        venues += load_venues(session, frozenset(), missing)
    return Problem(
        countries=inputs.countries,
        period=inputs.period,
        titles=load_titles(session, inputs.title_ids, inputs.period),
        rights=load_rights(session, inputs.title_ids, inputs.countries),
        venues=venues,
        pins=tuple(dict.fromkeys(pins)),
        previous=tuple(previous),
        copies=copies,
        must_screen=must_screen,
        rules=inputs.rules,
        weights=inputs.weights,
        plan_id=f"plan-{plan.id}" if plan is not None else "readiness",
    )
