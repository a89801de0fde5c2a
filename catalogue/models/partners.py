"""Partner organisations abroad and their venues."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, StringConstraints, field_serializer
from sqlalchemy import JSON, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from catalogue.models.campaigns import Name, Slug
from catalogue.models.patch import PatchModel
from catalogue.models.types import UTCDateTime, str_enum, utcnow
from catalogue.validation import CountryCode, Id, LanguageTag, UniqueList


class PartnerKind(StrEnum):
    broadcaster = "broadcaster"
    cinema = "cinema"
    festival = "festival"
    cultural_centre = "cultural_centre"
    broadcasting_union = "broadcasting_union"


def _time_zone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError(f"{value!r} is not an IANA time zone (e.g. 'Asia/Almaty', 'Europe/Paris')")
    return value


TimeZone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_time_zone)]


class VenueKind(StrEnum):
    """What a venue is, which decides the rights it needs (a cinema: public screenings)."""

    cinema = "cinema"
    festival = "festival"
    cultural_centre = "cultural_centre"
    broadcaster = "broadcaster"


class PartnerStatus(StrEnum):
    """A suspended partner's users are refused (tokens and pages) and its links stop working;
    both ways are allowed, so suspension can be lifted."""

    active = "active"
    suspended = "suspended"


class Equipment(StrEnum):
    hls = "hls"
    mp4 = "mp4"
    burned_in = "burned_in"


Weekday = Annotated[int, Field(ge=0, le=6, description="Monday = 0")]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
City = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class Contact(SQLModel):
    model_config = {"extra": "forbid"}

    name: Name
    email: Email
    role: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)] = ""


class PartnerBase(SQLModel):
    slug: Slug = Field(sa_type=String(80), unique=True, index=True)
    name: Name = Field(sa_type=String(200))
    kind: PartnerKind = Field(sa_type=str_enum(PartnerKind, 32))
    countries: Annotated[list[CountryCode], UniqueList] = Field(
        default_factory=list, max_length=250, sa_column=Column(JSON, nullable=False)
    )
    languages: Annotated[list[LanguageTag], UniqueList] = Field(
        default_factory=list, max_length=50, sa_column=Column(JSON, nullable=False)
    )
    contact_email: Email | None = Field(default=None, sa_type=String(200))


class Partner(PartnerBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Stored as the validated contacts' fields (a JSON column takes no models).
    contacts: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, default=list)
    )
    status: PartnerStatus = Field(
        default=PartnerStatus.active, sa_type=str_enum(PartnerStatus, 16), index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PartnerCreate(PartnerBase):
    model_config = {"extra": "forbid"}

    contacts: list[Contact] = Field(default_factory=list, max_length=20)


class PartnerUpdate(PatchModel):
    """An administrator's change to a partner: suspend it (its users and links are refused) or
    make it active again."""

    status: PartnerStatus | None = None


class VenueBase(SQLModel):
    """A venue's place, calendar and audience. Its equipment and blackout dates are typed on input
    (`VenueCreate`) and stored as JSON strings (`Venue`)."""

    slug: Slug = Field(sa_type=String(80), unique=True, index=True)
    partner_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("partner.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    name: Name = Field(sa_type=String(200))
    city: City = Field(sa_type=String(120))
    country: CountryCode = Field(sa_type=String(2), index=True)
    time_zone: TimeZone = Field(sa_type=String(64))
    capacity: Annotated[int, Field(ge=1, le=200_000)] | None = Field(
        default=None, description="seats: larger venues weigh more in tour plans"
    )
    kind: VenueKind | None = Field(
        default=None,
        sa_type=str_enum(VenueKind, 32),
        description="cinema, festival, cultural_centre or broadcaster; empty: its partner's kind",
    )
    open_weekdays: Annotated[list[Weekday], UniqueList] = Field(
        default_factory=lambda: list(range(7)),
        max_length=7,
        sa_column=Column(JSON, nullable=False),
    )
    languages: Annotated[list[LanguageTag], UniqueList] = Field(
        default_factory=list,
        max_length=20,
        description="its audience's languages",
        sa_column=Column(JSON, nullable=False),
    )
    tier: Annotated[int, Field(ge=1, le=5)] = 1


class Venue(VenueBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Screening equipment and calendar (read by the tour planner and the partner catalogue).
    equipment: list[str] = Field(
        default_factory=lambda: ["hls", "mp4"], sa_column=Column(JSON, nullable=False)
    )
    blackout_dates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class VenueCreate(VenueBase):
    model_config = {"extra": "forbid"}

    partner_id: Id

    equipment: Annotated[list[Equipment], UniqueList] = Field(
        default_factory=lambda: [Equipment.hls, Equipment.mp4],
        description="renditions the venue can play: hls, mp4, burned_in (subtitles in the picture)",
    )
    blackout_dates: Annotated[list[date], UniqueList] = Field(default_factory=list, max_length=366)

    @field_serializer("blackout_dates")
    def _iso_dates(self, value: list[date]) -> list[str]:
        # Stored in a JSON column, which takes strings, not dates.
        return [d.isoformat() for d in value]


class PartnerPublic(SQLModel):
    id: int
    slug: str
    name: str
    kind: PartnerKind
    countries: list[str]
    languages: list[str]
    contact_email: str | None
    contacts: list[Contact]
    status: PartnerStatus
    created_at: datetime


class VenuePublic(SQLModel):
    id: int
    slug: str
    partner_id: int
    name: str
    city: str
    country: str
    time_zone: str
    capacity: int | None
    kind: VenueKind | None
    equipment: list[Equipment]
    open_weekdays: list[int]
    blackout_dates: list[date]
    languages: list[str]
    tier: int
    created_at: datetime
