"""Inputs of the tour planner: plain frozen data, no database rows."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum

from catalogue.rights_core.periods import Period


class VenueKind(StrEnum):
    CINEMA = "cinema"
    FESTIVAL = "festival"
    CULTURAL_CENTRE = "cultural_centre"
    BROADCASTER = "broadcaster"


class RightStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class HolidayPolicy(StrEnum):
    IGNORE = "ignore"
    AVOID = "avoid"  # no screening on a public holiday or transferred day off
    PREFER = "prefer"  # allowed, and rewarded by Weights.holiday


DEFAULT_MEDIA_RIGHTS: Mapping[VenueKind, frozenset[str]] = {
    VenueKind.CINEMA: frozenset({"public_screening"}),
    VenueKind.FESTIVAL: frozenset({"festival", "public_screening"}),
    VenueKind.CULTURAL_CENTRE: frozenset({"public_screening"}),
    VenueKind.BROADCASTER: frozenset({"free_tv", "pay_tv"}),
}

# Rendition keys: "hls" and "mp4" carry every subtitle and audio track of the title;
# "burned_in:<lang>" carries one burned-in subtitle language.
SOFT_RENDITIONS = ("hls", "mp4")
BURNED_IN = "burned_in"


@dataclass(frozen=True)
class Title:
    id: str
    name: str
    kind: str = "drama"
    priority: int = 1
    campaign_keys: frozenset[str] = frozenset()
    subtitle_languages: frozenset[str] = frozenset()
    audio_languages: frozenset[str] = frozenset()
    # rendition key -> ready date; None means ordered but not scheduled (not ready).
    renditions: Mapping[str, date | None] = field(default_factory=dict)
    key_date: date | None = None  # premiere wanted near this date (e.g. Spring Festival)


@dataclass(frozen=True)
class RightsWindow:
    id: str
    title_id: str
    media_right: str
    territories: frozenset[str]
    start: date
    end: date | None = None  # None: open-ended
    languages: frozenset[str] = frozenset()  # empty: any language
    exclusive_partner: str | None = None
    status: RightStatus = RightStatus.ACTIVE


@dataclass(frozen=True)
class Venue:
    id: str
    partner_id: str
    name: str
    city: str
    country: str
    timezone: str
    tier: int = 1
    seats: int = 0  # 0: unknown
    kind: VenueKind = VenueKind.CINEMA
    equipment: frozenset[str] = frozenset({"hls", "mp4"})
    open_weekdays: frozenset[int] = frozenset(range(7))  # Monday = 0
    blackout_dates: frozenset[date] = frozenset()
    languages: frozenset[str] = frozenset()  # languages of its own audience, added to the country's
    start_time: time = time(19, 0)
    slots_per_day: int = 1
    slot_minutes: int = 180


@dataclass(frozen=True)
class Copies:
    """A title travels as a limited number of physical copies."""

    title_id: str
    count: int


@dataclass(frozen=True)
class Pin:
    """A screening fixed by an editor, or already published: kept as it is on re-plan."""

    title_id: str
    venue_id: str
    day: date


@dataclass(frozen=True)
class MustScreen:
    """A request: the title is screened at least once in the country (or at the venue),
    optionally between two dates."""

    id: str
    title_id: str
    country: str | None = None
    venue_id: str | None = None
    earliest: date | None = None
    latest: date | None = None


@dataclass(frozen=True)
class Rules:
    rights: bool = True
    language: bool = True
    media: bool = True
    calendar: bool = True
    holidays: HolidayPolicy = HolidayPolicy.AVOID
    min_language_share: float = 20.0  # percent of population
    rendition_lead_days: int = 1  # a rendition must be ready this many days before the date
    media_rights: Mapping[VenueKind, frozenset[str]] = field(
        default_factory=lambda: dict(DEFAULT_MEDIA_RIGHTS)
    )
    per_venue: int = 1  # screenings of one title at one venue (on different days)
    max_per_venue_week: int | None = None  # in any 7 consecutive days
    max_per_venue_year: int | None = None  # per calendar year
    once_per_city: bool = False
    once_per_country: bool = False
    min_gap_days: int = 0  # days between two screenings of the same title anywhere; 0: none
    default_shipping_days: int = 7  # between two countries, unless shipping_days says otherwise
    shipping_days: Mapping[frozenset[str], int] = field(default_factory=dict)

    def shipping(self, from_country: str, to_country: str) -> int:
        if from_country == to_country:
            return 0
        return self.shipping_days.get(
            frozenset({from_country, to_country}), self.default_shipping_days
        )


@dataclass(frozen=True)
class Weights:
    priority: int = 10
    tier: int = 5
    audience: int = 2  # per 100 seats of the venue (the audience a screening can reach)
    country_coverage: int = 50
    title_coverage: int = 50
    spread: int = 5  # per (country, spread bucket) with at least one screening
    key_date: int = 40  # per screening within key_date_window days of the title's key date
    key_date_window: int = 7
    holiday: int = 3  # per screening on a holiday when HolidayPolicy.PREFER
    keep: int = 30  # per screening of the previous plan kept on the same day
    spread_buckets: int = 4  # the period is cut into this many equal parts for spread


@dataclass(frozen=True)
class PreviousScreening:
    title_id: str
    venue_id: str
    day: date
    published: bool = False


@dataclass(frozen=True)
class Problem:
    countries: frozenset[str]
    period: Period
    titles: tuple[Title, ...]
    rights: tuple[RightsWindow, ...]
    venues: tuple[Venue, ...]
    copies: tuple[Copies, ...] = ()
    pins: tuple[Pin, ...] = ()
    must_screen: tuple[MustScreen, ...] = ()
    previous: tuple[PreviousScreening, ...] = ()
    rules: Rules = field(default_factory=Rules)
    weights: Weights = field(default_factory=Weights)
    plan_id: str = "plan"

    def tour_venues(self) -> tuple[Venue, ...]:
        return tuple(v for v in self.venues if v.country in self.countries)

    def copies_of(self, title_id: str) -> int | None:
        for c in self.copies:
            if c.title_id == title_id:
                return c.count
        return None

    def fixed(self) -> tuple[Pin, ...]:
        """Pins and published screenings of the previous plan: kept on re-plan."""
        published = tuple(Pin(p.title_id, p.venue_id, p.day) for p in self.previous if p.published)
        return tuple(dict.fromkeys(self.pins + published))
