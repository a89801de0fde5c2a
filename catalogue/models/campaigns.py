"""Campaigns and collections ("Close-Up China", "Spring Festival 2025", ...)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import StringConstraints, model_validator
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlmodel import Field, SQLModel

from catalogue.models.patch import CLEARS, PatchModel
from catalogue.models.types import UTCDateTime, utcnow

Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]


class _Dates(SQLModel):
    @model_validator(mode="after")
    def _ordered(self) -> _Dates:
        starts, ends = getattr(self, "starts_on", None), getattr(self, "ends_on", None)
        if starts and ends and ends < starts:
            raise ValueError("ends_on is before starts_on")
        return self


class CampaignBase(_Dates):
    slug: Slug = Field(
        sa_type=String(80),
        unique=True,
        index=True,
        description="lower-case words joined by hyphens, e.g. close-up-china",
    )
    name: Name = Field(sa_type=String(200))
    description: Description = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    starts_on: date | None = None
    ends_on: date | None = None


class Campaign(CampaignBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TitleCampaign(SQLModel, table=True):
    __tablename__ = "title_campaign"

    title_id: int = Field(
        sa_column=Column(Integer, ForeignKey("title.id", ondelete="CASCADE"), primary_key=True)
    )
    campaign_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


class CampaignCreate(CampaignBase):
    model_config = {"extra": "forbid"}


class CampaignUpdate(PatchModel, _Dates):
    name: Name | None = None
    description: Description | None = None
    starts_on: Annotated[date | None, CLEARS] = None
    ends_on: Annotated[date | None, CLEARS] = None


class CampaignPublic(SQLModel):
    id: int
    slug: str
    name: str
    description: str
    starts_on: date | None
    ends_on: date | None
    title_count: int
    created_at: datetime
