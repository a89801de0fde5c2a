"""Delivery to partners: webhook subscriptions and their delivery attempts, and the audit log of
who fetched (or was refused) what."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, AnyHttpUrl, UrlConstraints
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from catalogue.models.types import UTCDateTime, str_enum, utcnow
from catalogue.validation import UniqueList


class WebhookEvent(StrEnum):
    rendition_ready = "rendition.ready"
    subtitle_ready = "subtitle.ready"


class Webhook(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("partner.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    url: str = Field(sa_type=String(500))
    # The signing secret has to be readable to sign; it is shown to the partner once.
    secret: str = Field(sa_type=String(100))
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, default=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebhookDelivery(SQLModel, table=True):
    """One attempt to deliver one event to one webhook."""

    __tablename__ = "webhook_delivery"

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("webhook.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    event_id: str = Field(sa_type=String(40), index=True)
    event: WebhookEvent = Field(sa_type=str_enum(WebhookEvent, 40))
    attempt: int
    status_code: int | None = None
    ok: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    duration_ms: int | None = None
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditAction(StrEnum):
    link_issued = "link_issued"
    fetch = "fetch"
    manifest = "manifest"
    refused = "refused"
    # Sign-in (pages) and bearer-token authentication: `target` says which credential.
    sign_in_failed = "sign_in_failed"
    sign_in_limited = "sign_in_limited"


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    user_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user.id", ondelete="SET NULL"))
    )
    partner_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("partner.id", ondelete="SET NULL"), index=True),
    )
    action: AuditAction = Field(sa_type=str_enum(AuditAction, 32), index=True)
    target: str = Field(sa_type=String(400), description="what was asked for")
    status_code: int
    bytes: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class AuditFetchHour(SQLModel, table=True):
    """HLS segment fetches summed per link, per rendition stream (the segments' folder) and per
    hour: one row where a viewing would write one per segment. Written in batches, merged by
    upsert (several API nodes add to the same row)."""

    __tablename__ = "audit_fetch_hour"
    __table_args__ = (UniqueConstraint("hour", "link", "target", name="uq_audit_fetch_hour"),)

    id: int | None = Field(default=None, primary_key=True)
    hour: datetime = Field(sa_type=UTCDateTime, index=True, description="start of the UTC hour")
    link: str = Field(sa_type=String(32), description="the link (a hash of its token)")
    # No foreign key: a batch must never fail because a partner was deleted since its fetches.
    partner_id: int | None = Field(default=None, sa_column=Column(Integer, index=True))
    target: str = Field(sa_type=String(400), description="the segments' folder (one stream)")
    requests: int
    bytes: int = Field(sa_column=Column(BigInteger, nullable=False))


# --- API models -------------------------------------------------------------------------------


class LinkCreate(SQLModel):
    model_config = {"extra": "forbid"}

    expires_in_s: Annotated[int, Field(ge=60, le=7 * 86400)] | None = Field(
        default=None, description="lifetime; default: settings.delivery_link_ttl_s"
    )


class LinkPublic(SQLModel):
    asset_id: int
    expires_at: datetime
    base_url: str = Field(description="append a file's path (e.g. master.m3u8) to fetch it")
    master_playlist_url: str
    dash_manifest_url: str | None = Field(
        description="MPEG-DASH manifest over the same segments (null: set made before DASH)"
    )
    delivery_video_url: str
    files: dict[str, str] = Field(description="path -> URL (S3: a presigned URL per file)")


WEBHOOK_URL_MAX = 500  # the column's length


def _fits_column(url: AnyHttpUrl) -> AnyHttpUrl:
    # The URL is stored normalised, and percent-encoding can make it six times longer.
    if len(str(url)) > WEBHOOK_URL_MAX:
        raise ValueError(
            f"the URL is {len(str(url))} characters once percent-encoded; "
            f"use at most {WEBHOOK_URL_MAX}"
        )
    return url


WebhookUrl = Annotated[
    AnyHttpUrl, UrlConstraints(max_length=WEBHOOK_URL_MAX), AfterValidator(_fits_column)
]


class WebhookCreate(SQLModel):
    model_config = {"extra": "forbid"}

    url: WebhookUrl
    events: Annotated[list[WebhookEvent], UniqueList] = Field(
        default_factory=lambda: list(WebhookEvent), min_length=1
    )


class WebhookPublic(SQLModel):
    id: int
    partner_id: int
    url: str
    events: list[str]
    active: bool
    created_at: datetime


class WebhookIssued(WebhookPublic):
    secret: str = Field(description="signs every delivery (Catalogue-Signature); shown once")


class WebhookDeliveryPublic(SQLModel):
    id: int
    webhook_id: int
    event_id: str
    event: WebhookEvent
    attempt: int
    status_code: int | None
    ok: bool
    error: str | None
    duration_ms: int | None
    at: datetime


class AuditFetchHourPublic(SQLModel):
    hour: datetime
    link: str
    partner_id: int | None
    target: str
    requests: int
    bytes: int


class AuditEventPublic(SQLModel):
    id: int
    at: datetime
    user_id: int | None
    partner_id: int | None
    action: AuditAction
    target: str
    status_code: int
    bytes: int | None
    detail: str


class CatalogueWindow(SQLModel):
    media_right: str
    starts_on: date
    ends_on: date | None
    subtitle_languages: list[str]
    audio_languages: list[str]
    exclusive: bool


class CatalogueRenditions(SQLModel):
    asset_id: int
    kind: str
    duration_s: float
    formats: list[str] = Field(description="'hls', 'mp4'")
    variants: list[dict[str, Any]]
    audio_languages: list[str]
    subtitle_languages: list[str]
    total_bytes: int


class CatalogueEntry(SQLModel):
    title_id: int
    kind: str
    original_title: str
    original_language: str
    localized_titles: dict[str, str]
    production_year: int | None
    runtime_minutes: int | None
    eidr_title_id: str | None
    windows: list[CatalogueWindow]
    renditions: list[CatalogueRenditions]
    audio_languages: list[str]
    subtitle_languages: list[str]


class PartnerCatalogue(SQLModel):
    partner_id: int
    countries: list[str]
    starts_on: date
    ends_on: date
    items: list[CatalogueEntry]


class ManifestFile(SQLModel):
    path: str
    size: int
    sha256: str


class DeliveryManifest(SQLModel):
    title_id: int
    partner_id: int
    generated_at: datetime
    original_title: str
    eidr_title_id: str | None
    assets: list[dict[str, Any]]
    files: list[ManifestFile]
    audio_languages: list[str]
    subtitle_languages: list[str]
    total_bytes: int
