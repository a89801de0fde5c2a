"""Reading what the media workflow produced: an asset's rendition set and files, each title's
playable set, and a title's masters with their media jobs (for the API and the pages alike)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from catalogue.errors import NotFound
from catalogue.media import probe, transcode
from catalogue.models import Asset, AssetState, Job, RenditionSet
from catalogue.models.assets import AssetKind
from catalogue.models.renditions import RenditionFile

MEDIA_JOB_KINDS = (probe.KIND, transcode.KIND)


def of_asset(session: Session, asset_id: int) -> RenditionSet:
    """The asset's published set; NotFound says whether the asset or its renditions are missing."""
    if session.get(Asset, asset_id) is None:
        raise NotFound(f"no asset {asset_id}")
    row = session.exec(select(RenditionSet).where(RenditionSet.asset_id == asset_id)).first()
    if row is None:
        raise NotFound(
            f"asset {asset_id} has no renditions yet; see its transcode job under "
            f"/jobs?kind={transcode.KIND}"
        )
    return row


def files_of(session: Session, rendition: RenditionSet) -> list[RenditionFile]:
    return list(
        session.exec(
            select(RenditionFile)
            .where(RenditionFile.rendition_set_id == rendition.id)
            .order_by(col(RenditionFile.path))
        ).all()
    )


def find_file(
    session: Session, asset_id: int, path: str
) -> tuple[RenditionSet, RenditionFile, Asset]:
    found = session.exec(
        select(RenditionSet, RenditionFile, Asset)
        .join(RenditionFile, col(RenditionFile.rendition_set_id) == RenditionSet.id)
        .join(Asset, col(Asset.id) == RenditionSet.asset_id)
        .where(RenditionSet.asset_id == asset_id, RenditionFile.path == path)
    ).first()
    if found is None:
        raise NotFound(f"asset {asset_id} has no rendition file {path}")
    return found


def by_title(session: Session, title_ids: Sequence[int]) -> dict[int, RenditionSet]:
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
        if asset.kind == AssetKind.main or asset.title_id not in found:
            found[asset.title_id] = rendition
    return found


@dataclass
class MasterView:
    asset: Asset
    jobs: list[Job] = field(default_factory=list)
    rendition: RenditionSet | None = None


def masters_of(session: Session, title_id: int) -> list[MasterView]:
    """A title's assets, newest first, with their probe and transcode jobs and renditions."""
    assets = session.exec(
        select(Asset).where(Asset.title_id == title_id).order_by(col(Asset.id).desc())
    ).all()
    views = {a.id: MasterView(a) for a in assets if a.id is not None}
    if not views:
        return []
    for rendition in session.exec(
        select(RenditionSet).where(col(RenditionSet.asset_id).in_(views))
    ).all():
        views[rendition.asset_id].rendition = rendition
    # Jobs name their asset in the payload (JSON): read the recent media jobs and match here.
    for job in session.exec(
        select(Job)
        .where(col(Job.kind).in_(MEDIA_JOB_KINDS))
        .order_by(col(Job.id).desc())
        .limit(500)
    ).all():
        asset_id = job.payload.get("asset_id")
        if asset_id in views:
            views[asset_id].jobs.append(job)
    return list(views.values())
