"""Small view helpers of the pages: media URLs, a title's text in the reader's language, probed
stream languages, whether a master is still changing, and what each job works on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from catalogue.media.renditions import MasterView
from catalogue.models import Asset, AssetState, Job, JobStatus, RenditionSet, Title, User
from catalogue.models.titles import LocalizationPublic, TitlePublic
from catalogue.titles import service as titles
from catalogue.web import i18n

MEDIA = "/web/media"


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


def stream_languages(technical: dict[str, Any] | None, kind: str) -> list[str]:
    """Languages of the master's streams of one kind ("audio", "subtitle"), as probed."""
    streams = (technical or {}).get("streams") or []
    return sorted(
        {s.get("language") or i18n.UNDETERMINED for s in streams if s.get("kind") == kind}
    )


def untagged_audio(technical: dict[str, Any] | None) -> bool:
    """A master with a sound stream whose language nobody tagged: planners cannot count it."""
    return i18n.UNDETERMINED in stream_languages(technical, "audio")


def may_see_media(user: User) -> bool:
    # As the renditions API: partners see posters only until licensed previews arrive.
    return user.role != "partner"


def in_progress(view: MasterView) -> bool:
    """A master still being uploaded, checked or made into renditions: its row will change."""
    if view.rendition is not None or view.asset.state == AssetState.rejected:
        return False
    if view.asset.state != AssetState.ready:
        return True
    making = view.making()
    return making is None or making.status in (JobStatus.queued, JobStatus.running)


@dataclass(frozen=True)
class JobSubject:
    """What a job works on, in words: the title (in the reader's language) and the master's file."""

    title_id: int
    title: str
    file: str | None


def job_subjects(session: Session, jobs: list[Job], language: str) -> dict[int, JobSubject]:
    """By job id, for the jobs whose payload names an asset or a title."""
    asset_ids = {j.payload.get("asset_id") for j in jobs} - {None}
    assets = {
        a.id: a for a in session.exec(select(Asset).where(col(Asset.id).in_(asset_ids))).all()
    }
    title_ids = {a.title_id for a in assets.values()} | (
        {j.payload.get("title_id") for j in jobs} - {None}
    )
    rows = session.exec(select(Title).where(col(Title.id).in_(title_ids))).all()
    named = {}
    for title in titles.to_public(session, rows):
        text = in_language(title, language)
        named[title.id] = text.title if text else title.original_title
    found = {}
    for job in jobs:
        asset = assets.get(job.payload.get("asset_id"))
        title_id = asset.title_id if asset else job.payload.get("title_id")
        if job.id is not None and title_id in named:
            file = asset.original_filename if asset else None
            found[job.id] = JobSubject(title_id, named[title_id], file)
    return found
