"""What the pages show, gathered from the services and tables: posters, a title's media, its jobs.

Queries only; no HTML. Visibility comes from the same service functions as the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from catalogue.models import Asset, AssetState, Campaign, Job, RenditionSet, RightsWindow, User
from catalogue.models.renditions import RenditionFile
from catalogue.models.rights import WindowPublic
from catalogue.models.titles import LocalizationPublic, TitlePublic
from catalogue.rights import store
from catalogue.web import i18n

MEDIA = "/web/media"
ASSET_JOB_KINDS = ("probe_asset", "transcode_asset")


def relative(rendition: RenditionSet, key: str) -> str:
    return key.removeprefix(rendition.prefix.rstrip("/") + "/")


def media_url(rendition: RenditionSet, key: str) -> str:
    return f"{MEDIA}/{rendition.asset_id}/{relative(rendition, key)}"


def in_language(title: TitlePublic, language: str) -> LocalizationPublic | None:
    """The title's text in the viewer's language, else in English (the partners' common second
    language), else in its original language, else any."""
    by_language = {i18n.supported(loc.language): loc for loc in title.localizations}
    return (
        by_language.get(language)
        or by_language.get(i18n.DEFAULT)
        or by_language.get(i18n.supported(title.original_language))
        or (title.localizations[0] if title.localizations else None)
    )


def renditions_by_title(session: Session, title_ids: Sequence[int]) -> dict[int, RenditionSet]:
    """Each title's playable rendition set: its newest main asset's (else newest of any kind)."""
    if not title_ids:
        return {}
    rows = session.exec(
        select(Asset, RenditionSet)
        .join(RenditionSet, col(RenditionSet.asset_id) == Asset.id)
        .where(col(Asset.title_id).in_(title_ids), Asset.state == AssetState.ready)
        .order_by(col(Asset.id))
    ).all()
    found: dict[int, RenditionSet] = {}
    for asset, rendition in rows:
        if asset.kind == "main" or asset.title_id not in found:
            found[asset.title_id] = rendition
    return found


def campaign_names(session: Session) -> dict[str, str]:
    return {c.slug: c.name for c in session.exec(select(Campaign)).all()}


@dataclass
class AssetView:
    asset: Asset
    jobs: list[Job] = field(default_factory=list)
    rendition: RenditionSet | None = None


def assets_of(session: Session, title_id: int) -> list[AssetView]:
    """A title's assets with their probe and transcode jobs and renditions (staff pages)."""
    assets = session.exec(
        select(Asset).where(Asset.title_id == title_id).order_by(col(Asset.id).desc())
    ).all()
    views = {a.id: AssetView(a) for a in assets if a.id is not None}
    if not views:
        return []
    for rendition in session.exec(
        select(RenditionSet).where(col(RenditionSet.asset_id).in_(views))
    ).all():
        views[rendition.asset_id].rendition = rendition
    # Jobs name their asset in the payload (JSON): read the recent asset jobs and match here.
    for job in session.exec(
        select(Job)
        .where(col(Job.kind).in_(ASSET_JOB_KINDS))
        .order_by(col(Job.id).desc())
        .limit(500)
    ).all():
        asset_id = job.payload.get("asset_id")
        if asset_id in views:
            views[asset_id].jobs.append(job)
    return list(views.values())


def rendition_files(session: Session, rendition: RenditionSet) -> list[RenditionFile]:
    return list(
        session.exec(
            select(RenditionFile)
            .where(RenditionFile.rendition_set_id == rendition.id)
            .order_by(col(RenditionFile.path))
        ).all()
    )


def stream_languages(technical: dict[str, Any] | None, kind: str) -> list[str]:
    """Languages of the master's streams of one kind ("audio", "subtitle"), as probed."""
    streams = (technical or {}).get("streams") or []
    return sorted({s.get("language") or "und" for s in streams if s.get("kind") == kind})


def may_see_media(user: User) -> bool:
    # As the renditions API: partners see posters only until licensed previews arrive.
    return user.role != "partner"


def rights_windows(session: Session, title_id: int) -> list[WindowPublic]:
    """A title's rights windows as GET /titles/{id}/rights gives them (staff pages only)."""
    rows = session.exec(
        select(RightsWindow).where(RightsWindow.title_id == title_id).order_by(col(RightsWindow.id))
    ).all()
    return store.to_public(session, rows)
