"""All tables, imported here so that Alembic and the app see one metadata."""

from catalogue.models.accounts import ApiToken, Role, User, WebSession
from catalogue.models.assets import Asset, AssetKind, AssetState, Upload
from catalogue.models.campaigns import Campaign, TitleCampaign
from catalogue.models.chunks import ChunkedTranscode, TranscodeChunk
from catalogue.models.delivery import AuditEvent, AuditFetchHour, Webhook, WebhookDelivery
from catalogue.models.jobs import Job, JobStatus
from catalogue.models.partners import Partner, PartnerKind, PartnerStatus, Venue
from catalogue.models.renditions import RenditionFile, RenditionSet
from catalogue.models.rights import RightsWindow, RightsWindowCountry
from catalogue.models.subtitles import (
    AssetAudioLanguage,
    SubtitleBurnIn,
    SubtitleRevision,
    SubtitleTrack,
)
from catalogue.models.titles import (
    Title,
    TitleKind,
    TitleLocalization,
    TitleSearch,
    TitleStatus,
    TitleTag,
)
from catalogue.models.tours import TourCopies, TourPlan, TourReason, TourRequest, TourScreening

__all__ = [
    "ApiToken",
    "Asset",
    "AssetAudioLanguage",
    "AssetKind",
    "AssetState",
    "AuditEvent",
    "AuditFetchHour",
    "Campaign",
    "ChunkedTranscode",
    "Job",
    "JobStatus",
    "Partner",
    "PartnerKind",
    "PartnerStatus",
    "RenditionFile",
    "RenditionSet",
    "RightsWindow",
    "RightsWindowCountry",
    "Role",
    "SubtitleBurnIn",
    "SubtitleRevision",
    "SubtitleTrack",
    "Title",
    "TitleCampaign",
    "TitleKind",
    "TitleLocalization",
    "TitleSearch",
    "TitleStatus",
    "TitleTag",
    "TourCopies",
    "TourPlan",
    "TourReason",
    "TourRequest",
    "TourScreening",
    "TranscodeChunk",
    "Upload",
    "User",
    "Venue",
    "WebSession",
    "Webhook",
    "WebhookDelivery",
]
