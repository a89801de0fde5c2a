"""Rights windows: which media right a title is licensed for, where, when, in which languages and
to whom (modelled on EMA/MovieLabs Avails). Only `active` windows grant anything."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints, model_validator
from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from catalogue.models.types import UTCDateTime, str_enum, utcnow
from catalogue.validation import Id, LanguageTag, UniqueList


class MediaRight(StrEnum):
    public_screening = "public_screening"
    festival = "festival"
    non_theatrical = "non_theatrical"
    free_tv = "free_tv"
    pay_tv = "pay_tv"
    online_geoblocked = "online_geoblocked"
    svod = "svod"
    avod = "avod"


class WindowStatus(StrEnum):
    draft = "draft"
    active = "active"
    suspended = "suspended"
    terminated = "terminated"


TerritorySpec = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)
]
ContractRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class RightsWindowBase(SQLModel):
    """The terms of a window, as an editor writes them; the title and the holdbacks' stored form
    are set by the table and the inputs below."""

    media_right: MediaRight = Field(sa_type=str_enum(MediaRight, 32), index=True)
    # As written by the editor ("Central Asia", "FR", "world"); resolved into rights_window_country.
    territories: Annotated[list[TerritorySpec], UniqueList] = Field(
        min_length=1,
        max_length=250,
        description="ISO 3166 codes, UN M49 regions ('Central Asia', '143') or 'world'",
        sa_column=Column(JSON, nullable=False),
    )
    excluded_territories: Annotated[list[TerritorySpec], UniqueList] = Field(
        default_factory=list,
        max_length=250,
        description="'world' except these",
        sa_column=Column(JSON, nullable=False),
    )
    starts_on: date = Field(sa_column=Column(Date, nullable=False, index=True))
    ends_on: date | None = Field(
        default=None,
        description="inclusive; none: open ended",
        sa_column=Column(Date, nullable=True, index=True),
    )
    subtitle_languages: Annotated[list[LanguageTag], UniqueList] = Field(
        default_factory=list,
        max_length=50,
        description="licensed subtitle languages; empty: any",
        sa_column=Column(JSON, nullable=False),
    )
    audio_languages: Annotated[list[LanguageTag], UniqueList] = Field(
        default_factory=list,
        max_length=50,
        description="licensed dub languages; empty: any",
        sa_column=Column(JSON, nullable=False),
    )
    partner_id: int | None = Field(
        default=None,
        description="licensed to this partner only; none: any partner there",
        sa_column=Column(Integer, ForeignKey("partner.id", ondelete="CASCADE"), index=True),
    )
    exclusive: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    contract_ref: ContractRef | None = Field(default=None, sa_type=String(100), index=True)
    status: WindowStatus = Field(
        default=WindowStatus.active, sa_type=str_enum(WindowStatus, 16), index=True
    )


class RightsWindow(RightsWindowBase, table=True):
    __tablename__ = "rights_window"

    id: int | None = Field(default=None, primary_key=True)
    title_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("title.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    # The validated `Holdback`s' fields (a JSON column takes no models).
    holdbacks: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RightsWindowCountry(SQLModel, table=True):
    """The window's territories resolved to ISO 3166-1 alpha-2 codes, so SQL can ask 'covers KZ'."""

    __tablename__ = "rights_window_country"

    window_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("rights_window.id", ondelete="CASCADE"), primary_key=True
        )
    )
    country: str = Field(sa_column=Column(String(2), primary_key=True, index=True))


# --- API models -------------------------------------------------------------------------------


class Holdback(SQLModel):
    """While this window exists, `media_right` may not be exploited in its territories before
    `until` (e.g. no free TV before the theatrical run has had six months)."""

    model_config = {"extra": "forbid"}

    media_right: MediaRight
    until: date


class WindowFields(RightsWindowBase):
    """What a window's create and update inputs share."""

    model_config = {"extra": "forbid"}

    holdbacks: list[Holdback] = Field(default_factory=list, max_length=20)
    partner_id: Id | None = Field(
        default=None, description="licensed to this partner only; none: any partner there"
    )

    @model_validator(mode="after")
    def _consistent(self) -> WindowFields:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError(f"ends_on {self.ends_on} is before starts_on {self.starts_on}")
        if self.exclusive and self.partner_id is None:
            raise ValueError("an exclusive window names its partner: set partner_id")
        return self


class WindowCreate(WindowFields):
    title_id: Id


class WindowUpdate(WindowFields):
    """A full replacement of the window's terms (the title stays)."""


class WindowPublic(SQLModel):
    id: int
    title_id: int
    media_right: MediaRight
    territories: list[str]
    excluded_territories: list[str]
    countries: list[str] = Field(description="the territories resolved to ISO 3166-1 alpha-2")
    starts_on: date
    ends_on: date | None
    subtitle_languages: list[str]
    audio_languages: list[str]
    partner_id: int | None
    exclusive: bool
    holdbacks: list[Holdback]
    contract_ref: str | None
    status: WindowStatus
    created_at: datetime
    updated_at: datetime


class ReasonPublic(SQLModel):
    code: str = Field(
        description="no_rights, inactive, other_media, licensed_to_other_partner, "
        "exclusive_to_other_partner, language_not_licensed, holdback, outside_period, too_short"
    )
    country: str
    detail: str
    window_ids: list[int]


class AvailabilityItem(SQLModel):
    title_id: int
    original_title: str
    available: bool
    countries: list[str] = Field(description="where it may be screened over the period")
    window_ids: list[int]
    reasons: list[ReasonPublic] = Field(description="why not, for each other country")


class AvailabilityPage(SQLModel):
    countries: list[str]
    starts_on: date
    ends_on: date
    match: str
    items: list[AvailabilityItem]


class RowError(SQLModel):
    row: int = Field(description="1-based row in the sheet, the header being row 1")
    column: str | None
    message: str


class ImportReport(SQLModel):
    rows: int
    created: int
    updated: int
    skipped: int
    errors: list[RowError]
    warnings: list[RowError] = Field(
        default_factory=list,
        description="what was read but not imported: columns that are not in the layout, and "
        "EMA Avails columns the catalogue does not keep",
    )
