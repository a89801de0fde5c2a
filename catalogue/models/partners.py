"""Partner organisations abroad and their venues."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, ConfigDict, StringConstraints, field_serializer
from sqlalchemy import JSON, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from catalogue.models.campaigns import Name, Slug
from catalogue.models.types import UTCDateTime, utcnow
from catalogue.validation import CountryCode, LanguageTag, UniqueList


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


TimeZone = Annotated[str, AfterValidator(_time_zone)]


class Partner(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_type=String(80), unique=True, index=True)
    name: str = Field(sa_type=String(200))
    kind: str = Field(sa_type=String(32))
    countries: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    contact_email: str | None = Field(default=None, sa_type=String(200))
    contacts: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, default=list)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Venue(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_type=String(80), unique=True, index=True)
    partner_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("partner.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    name: str = Field(sa_type=String(200))
    city: str = Field(sa_type=String(120))
    country: str = Field(sa_type=String(2), index=True)
    time_zone: str = Field(sa_type=String(64))
    capacity: int | None = None
    # Screening equipment and calendar (read by the tour planner and the partner catalogue).
    equipment: list[str] = Field(
        default_factory=lambda: ["hls", "mp4"], sa_column=Column(JSON, nullable=False)
    )
    open_weekdays: list[int] = Field(
        default_factory=lambda: list(range(7)), sa_column=Column(JSON, nullable=False)
    )
    blackout_dates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tier: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Equipment(StrEnum):
    hls = "hls"
    mp4 = "mp4"
    burned_in = "burned_in"


Weekday = Annotated[int, Field(ge=0, le=6, description="Monday = 0")]


class Contact(SQLModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    ]
    role: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)] = ""


class PartnerCreate(SQLModel):
    model_config = ConfigDict(extra="forbid")

    slug: Slug
    name: Name
    kind: PartnerKind
    countries: Annotated[list[CountryCode], UniqueList] = Field(
        default_factory=list, max_length=250
    )
    languages: Annotated[list[LanguageTag], UniqueList] = Field(default_factory=list, max_length=50)
    contact_email: (
        Annotated[
            str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
        ]
        | None
    ) = None
    contacts: list[Contact] = Field(default_factory=list, max_length=20)


class PartnerPublic(SQLModel):
    id: int
    slug: str
    name: str
    kind: PartnerKind
    countries: list[str]
    languages: list[str]
    contact_email: str | None
    contacts: list[Contact]
    created_at: datetime


class VenueCreate(SQLModel):
    model_config = ConfigDict(extra="forbid")

    slug: Slug
    partner_id: int
    name: Name
    city: Name
    country: CountryCode
    time_zone: TimeZone
    capacity: Annotated[int, Field(ge=1, le=200_000)] | None = None
    equipment: Annotated[list[Equipment], UniqueList] = Field(
        default_factory=lambda: [Equipment.hls, Equipment.mp4],
        description="renditions the venue can play: hls, mp4, burned_in (subtitles in the picture)",
    )
    open_weekdays: Annotated[list[Weekday], UniqueList] = Field(
        default_factory=lambda: list(range(7)), max_length=7
    )
    blackout_dates: Annotated[list[date], UniqueList] = Field(
        default_factory=list, max_length=366
    )
    languages: Annotated[list[LanguageTag], UniqueList] = Field(
        default_factory=list, max_length=20, description="its audience's languages"
    )
    tier: Annotated[int, Field(ge=1, le=5)] = 1

    @field_serializer("blackout_dates")
    def _iso_dates(self, value: list[date]) -> list[str]:
        # Stored in a JSON column, which takes strings, not dates.
        return [d.isoformat() for d in value]


class VenuePublic(SQLModel):
    id: int
    slug: str
    partner_id: int
    name: str
    city: str
    country: str
    time_zone: str
    capacity: int | None
    equipment: list[Equipment]
    open_weekdays: list[int]
    blackout_dates: list[date]
    languages: list[str]
    tier: int
    created_at: datetime
