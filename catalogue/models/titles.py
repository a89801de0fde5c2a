"""Titles (features, series, episodes, promos), their translations and tags."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from catalogue.models.patch import CLEARS, PatchModel
from catalogue.models.types import UTCDateTime, str_enum, utcnow
from catalogue.validation import CountryCode, EidrId, Id, LanguageTag, Tag, UniqueList


class TitleKind(StrEnum):
    drama = "drama"
    documentary = "documentary"
    promo = "promo"


class TitleStatus(StrEnum):
    draft = "draft"
    published = "published"
    archived = "archived"


# The only place the workflow is defined: from-status -> statuses it may move to.
STATUS_TRANSITIONS: dict[TitleStatus, frozenset[TitleStatus]] = {
    TitleStatus.draft: frozenset({TitleStatus.published}),
    TitleStatus.published: frozenset({TitleStatus.archived, TitleStatus.draft}),
    TitleStatus.archived: frozenset({TitleStatus.draft}),
}

Text500 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Synopsis = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
Year = Annotated[int, Field(ge=1888, le=2100)]  # 1888: the oldest surviving film
Runtime = Annotated[int, Field(ge=1, le=10_000)]


ContentRating = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]
Tags = Annotated[list[Tag], UniqueList]


class TitleBase(SQLModel):
    """What an editor may set on any title; its kind, status, parents and timestamps are set by
    the inputs that may set them, or by the server."""

    original_title: Text500 = Field(sa_type=String(500), index=True)
    original_language: LanguageTag = Field(sa_type=String(35))
    production_year: Year | None = Field(default=None, index=True)
    runtime_minutes: Runtime | None = None
    genres: Tags = Field(
        default_factory=list, max_length=20, sa_column=Column(JSON, nullable=False)
    )
    themes: Tags = Field(
        default_factory=list, max_length=20, sa_column=Column(JSON, nullable=False)
    )
    countries_of_origin: Annotated[list[CountryCode], UniqueList] = Field(
        default_factory=list, max_length=20, sa_column=Column(JSON, nullable=False)
    )
    producer: ShortText | None = Field(default=None, sa_type=String(200))
    content_rating: ContentRating | None = Field(default=None, sa_type=String(50))
    eidr_title_id: EidrId | None = Field(default=None, sa_type=String(40), unique=True)
    eidr_edit_id: EidrId | None = Field(default=None, sa_type=String(40), unique=True)


class Title(TitleBase, table=True):
    __table_args__ = (
        UniqueConstraint("parent_id", "season_number", "episode_number", name="uq_title_episode"),
        # the default listing: top-level titles of a kind, by year
        Index("ix_title_listing", "parent_id", "kind", "production_year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: TitleKind = Field(sa_type=str_enum(TitleKind, 16), index=True)
    status: TitleStatus = Field(
        default=TitleStatus.draft, sa_type=str_enum(TitleStatus, 16), index=True
    )
    parent_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("title.id", ondelete="CASCADE"), index=True),
    )
    season_number: int | None = None
    episode_number: int | None = None
    promotes_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("title.id", ondelete="SET NULL"))
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class TitleSearch(SQLModel, table=True):
    """The normalised, tokenised text (`catalogue.search.title_document`) of a title's every title
    and, apart, every synopsis; the full-text index is built on it, a title hit weighing more.
    Kept out of `title` so that filtered scans over titles read small rows."""

    __tablename__ = "title_search"

    title_id: int = Field(
        sa_column=Column(Integer, ForeignKey("title.id", ondelete="CASCADE"), primary_key=True)
    )
    titles: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    synopses: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class TitleLocalization(SQLModel, table=True):
    __tablename__ = "title_localization"
    __table_args__ = (
        UniqueConstraint("title_id", "language", name="uq_localization_language"),
        # language first: the list filter goes from a language to the titles that have it
        Index("ix_localization_language_title", "language", "title_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title_id: int = Field(
        sa_column=Column(Integer, ForeignKey("title.id", ondelete="CASCADE"), nullable=False)
    )
    language: str = Field(sa_type=String(35))
    title: str = Field(sa_type=String(500))
    synopsis: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class TitleTag(SQLModel, table=True):
    __tablename__ = "title_tag"
    # tag first, with the title id: the tag filter and its count read this index alone
    __table_args__ = (Index("ix_title_tag_tag_title", "tag", "title_id"),)

    title_id: int = Field(
        sa_column=Column(Integer, ForeignKey("title.id", ondelete="CASCADE"), primary_key=True)
    )
    tag: str = Field(sa_column=Column(String(64), primary_key=True))


# --- API models -------------------------------------------------------------------------------


class LocalizationIn(SQLModel):
    model_config = {"extra": "forbid"}

    language: LanguageTag
    title: Text500
    synopsis: Synopsis = ""


class LocalizationPublic(SQLModel):
    language: str
    title: str
    synopsis: str


class _TitleFields(TitleBase):
    """What creating a title or an episode takes: its columns, and its tags, translations and
    campaigns (rows of their own)."""

    model_config = {"extra": "forbid"}

    tags: Tags = Field(default_factory=list, max_length=50)
    localizations: list[LocalizationIn] = Field(default_factory=list, max_length=100)
    campaigns: Annotated[list[str], UniqueList] = Field(
        default_factory=list, max_length=20, description="campaign slugs"
    )


class TitleCreate(_TitleFields):
    kind: TitleKind
    promotes_id: Id | None = Field(default=None, description="for a promo: the title it promotes")


class EpisodeCreate(_TitleFields):
    season_number: Annotated[int, Field(ge=0, le=1000)] = 1
    episode_number: Annotated[int, Field(ge=1, le=100_000)]


class TitleUpdate(PatchModel):
    """Partial update: only the fields sent change; lists sent replace the stored list (`[]`
    empties one; null is refused); null clears only the optional facts marked `CLEARS`."""

    original_title: Text500 | None = None
    original_language: LanguageTag | None = None
    production_year: Annotated[Year | None, CLEARS] = None
    runtime_minutes: Annotated[Runtime | None, CLEARS] = None
    genres: Annotated[list[Tag], UniqueList] | None = Field(default=None, max_length=20)
    themes: Annotated[list[Tag], UniqueList] | None = Field(default=None, max_length=20)
    tags: Annotated[list[Tag], UniqueList] | None = Field(default=None, max_length=50)
    countries_of_origin: Annotated[list[CountryCode], UniqueList] | None = Field(
        default=None, max_length=20
    )
    producer: Annotated[ShortText | None, CLEARS] = None
    content_rating: Annotated[ContentRating | None, CLEARS] = None
    eidr_title_id: Annotated[EidrId | None, CLEARS] = None
    eidr_edit_id: Annotated[EidrId | None, CLEARS] = None
    localizations: list[LocalizationIn] | None = Field(default=None, max_length=100)
    campaigns: Annotated[list[str], UniqueList] | None = Field(default=None, max_length=20)
    promotes_id: Annotated[Id | None, CLEARS] = None
    season_number: Annotated[int, Field(ge=0, le=1000)] | None = None
    episode_number: Annotated[int, Field(ge=1, le=100_000)] | None = None


class StatusChange(SQLModel):
    model_config = {"extra": "forbid"}

    status: TitleStatus


class TitlePublic(SQLModel):
    id: int
    kind: TitleKind
    status: TitleStatus
    parent_id: int | None
    season_number: int | None
    episode_number: int | None
    promotes_id: int | None
    original_title: str
    original_language: str
    production_year: int | None
    runtime_minutes: int | None
    genres: list[str]
    themes: list[str]
    tags: list[str]
    countries_of_origin: list[str]
    producer: str | None
    content_rating: str | None
    eidr_title_id: str | None
    eidr_edit_id: str | None
    localizations: list[LocalizationPublic]
    campaigns: list[str]
    languages: list[str] = Field(description="languages the title is available in")
    subtitle_languages: list[str] = Field(
        default_factory=list, description="languages of the published subtitle tracks"
    )
    audio_languages: list[str] = Field(
        default_factory=list, description="languages of the sound of the ready masters"
    )
    episode_count: int
    created_at: datetime
    updated_at: datetime


# Up to this many matches a list's total is counted; above it, estimated unless asked for exactly.
EXACT_TOTAL_UP_TO = 1_000


class TitlePage(SQLModel):
    items: list[TitlePublic]
    total: int = Field(
        description="how many titles match in all. Exact when the page holds the last match; "
        f"else up to {EXACT_TOTAL_UP_TO:,}, or with `q` or `tag` when the words or the tag "
        f"alone match at most {2 * EXACT_TOTAL_UP_TO:,} titles; else estimated, unless the "
        "request asks for `exact=true` (see `total_is_estimate`)"
    )
    total_is_estimate: bool = Field(
        default=False,
        description="true when `total` is an estimate from a sample of the catalogue",
    )
    limit: int
    offset: int
