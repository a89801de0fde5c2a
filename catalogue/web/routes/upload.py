"""Uploading masters to a title: resumable (tus) with live probing and transcoding progress."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from catalogue.deps import PathId, SessionDep, SettingsDep
from catalogue.media import renditions
from catalogue.models import AssetKind
from catalogue.models.subtitles import SubtitleKind
from catalogue.rights import access
from catalogue.routing import Router
from catalogue.subtitles import tracks
from catalogue.titles import service
from catalogue.web import views
from catalogue.web.pages import PREFIX, EditorPage, PageRoute, language_of, render

router = Router(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


@router.get("/titles/{title_id}/upload", response_class=HTMLResponse)
def upload_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: EditorPage, title_id: PathId
) -> HTMLResponse:
    row = access.visible_title(session, user, title_id)
    title = service.to_public(session, [row])[0]
    return render(
        request,
        "upload.html",
        user,
        title=title,
        text=views.in_language(title, language_of(request, user)),
        kinds=list(AssetKind),
        **_masters(session, title_id),
        max_bytes=settings.upload_max_bytes,
        subtitle_tracks=[tracks.to_public(t) for t in tracks.list_tracks(session, user, row)],
        subtitle_kinds=list(SubtitleKind),
        subtitle_max_bytes=settings.subtitle_max_bytes,
    )


@router.get("/titles/{title_id}/masters", response_class=HTMLResponse)
def masters_fragment(
    request: Request, session: SessionDep, user: EditorPage, title_id: PathId
) -> HTMLResponse:
    """The upload page's list of masters alone: the page swaps it in while one is in progress."""
    row = access.visible_title(session, user, title_id)
    return render(request, "_masters.html", user, title=row, **_masters(session, title_id))


def _masters(session: Session, title_id: int) -> dict[str, Any]:
    assets = renditions.masters_of(session, title_id)
    return {"assets": assets, "in_progress": any(views.in_progress(a) for a in assets)}
