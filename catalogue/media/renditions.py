"""Reading what the media workflow produced: an asset's rendition set and files, each title's
playable set, and a title's masters with their media jobs (for the API and the pages alike)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from catalogue.errors import NotFound, page_message
from catalogue.media import chunked, probe, transcode
from catalogue.models import Asset, AssetState, Job, JobStatus, RenditionSet
from catalogue.models.assets import AssetKind
from catalogue.models.renditions import RenditionFile

MEDIA_JOB_KINDS = (probe.KIND, transcode.KIND, chunked.CHUNK, chunked.JOIN)
_ENDED = (JobStatus.failed, JobStatus.cancelled)


def of_asset(session: Session, asset_id: int) -> RenditionSet:
    """The asset's published set; NotFound says whether the asset or its renditions are missing."""
    if session.get(Asset, asset_id) is None:
        raise NotFound(page_message("no_asset", ident=asset_id))
    row = session.exec(select(RenditionSet).where(RenditionSet.asset_id == asset_id)).first()
    if row is None:
        raise NotFound(
            page_message(
                "no_renditions_see_job", asset=asset_id, jobs=f"/jobs?kind={transcode.KIND}"
            )
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
        raise NotFound(page_message("no_rendition_file", asset=asset_id, path=path))
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


@dataclass(frozen=True)
class Making:
    """How far the making of a master's renditions is: its transcode job, or, for a long master
    transcoded in chunks, its chunk jobs and their join summed up as one."""

    status: JobStatus
    progress: float  # percent, 0-100
    error: str | None = None


# A chunked run's share of its progress before the join (which encodes the sound and checks).
_CHUNKS_SHARE = 80.0


@dataclass
class MasterView:
    asset: Asset
    jobs: list[Job] = field(default_factory=list)  # newest first
    rendition: RenditionSet | None = None

    def making(self) -> Making | None:
        """The newest transcode's state; None before one is queued. A chunked run's transcode
        job only plans, so the chunks and the join say how far it is: running until the join
        ends, failed as soon as one of them has failed for good."""
        job = next((j for j in self.jobs if j.kind == transcode.KIND), None)
        if job is None:
            return None
        run_id = (job.result or {}).get("chunked_transcode_id")
        if job.status != JobStatus.succeeded or run_id is None:
            return Making(job.status, job.progress, job.error)
        parts = [j for j in self.jobs if j.payload.get("run_id") == run_id]
        failed = next((j for j in parts if j.status in _ENDED), None)
        if failed is not None:
            return Making(failed.status, failed.progress, failed.error)
        join = next((j for j in parts if j.kind == chunked.JOIN), None)
        if join is not None:
            share = _CHUNKS_SHARE + (100 - _CHUNKS_SHARE) * join.progress / 100
            status = JobStatus.running if join.status == JobStatus.queued else join.status
            return Making(status, share, join.error)
        chunks = [j for j in parts if j.kind == chunked.CHUNK]
        done = sum(100.0 if j.status == JobStatus.succeeded else j.progress for j in chunks)
        total = max(int((job.result or {}).get("chunks") or 0), len(chunks), 1)
        return Making(JobStatus.running, _CHUNKS_SHARE * done / (100 * total))


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
