"""The catalogue (search and filters, as GET /titles) and a title's page with its player."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from catalogue.campaigns import service as campaigns
from catalogue.deps import PathId, SessionDep, SettingsDep
from catalogue.media import renditions as media
from catalogue.models import Role, TitleKind, TitleStatus
from catalogue.models.titles import TitlePublic
from catalogue.rights import access
from catalogue.rights import store as rights_store
from catalogue.routing import Router
from catalogue.subtitles import tracks
from catalogue.titles import service
from catalogue.titles.filters import FilterProblems, TitleSort, from_form
from catalogue.web import views
from catalogue.web.pages import PREFIX, STATIC, AnyPage, PageRoute, language_of, render

router = Router(route_class=PageRoute, include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home() -> Response:
    return RedirectResponse(f"{PREFIX}/", status_code=307)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    # Browsers and tools ask the site's root for it whatever the pages link to.
    return FileResponse(
        STATIC / "favicon.ico",
        media_type="image/x-icon",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get(f"{PREFIX}/", response_class=HTMLResponse)
def catalogue_page(
    request: Request, session: SessionDep, settings: SettingsDep, user: AnyPage
) -> HTMLResponse:
    """The same filters as GET /titles, from a form: a blank or unusable value is no filter, and
    filters that do not hold together are named on the page, not answered with a 422."""
    filters = from_form(request.query_params)
    problems: list[str] = []
    items: list[TitlePublic] = []
    total, estimated = 0, False
    try:
        page = service.list_page(session, user, filters, settings)
        items, total, estimated = page.items, page.total, page.total_is_estimate
    except FilterProblems as refused:
        problems = refused.problems
    renditions = media.by_title(session, [t.id for t in items])
    posters = {title_id: views.media_url(r, r.poster_key) for title_id, r in renditions.items()}
    lang = language_of(request, user)
    return render(
        request,
        "catalogue.html",
        user,
        items=items,
        texts={t.id: views.in_language(t, lang) for t in items},
        posters=posters,
        total=total,
        total_is_estimate=estimated,
        offset=filters.offset,
        page_size=settings.page_size_default,
        problems=problems,
        query=dict(request.query_params),
        kinds=list(TitleKind),
        statuses=list(TitleStatus) if user.role != Role.partner else [],
        sorts=[s.value for s in TitleSort],
        campaign_names=campaigns.names(session),
    )


@router.get(f"{PREFIX}/titles/{{title_id}}", response_class=HTMLResponse)
def title_page(
    request: Request, session: SessionDep, user: AnyPage, title_id: PathId
) -> HTMLResponse:
    row = access.visible_title(session, user, title_id)
    title = service.to_public(session, [row])[0]
    series = None
    if title.parent_id is not None:
        series = service.read(session, user, title.parent_id)
    episodes = service.to_public(session, service.episodes_of(session, user, row))
    subtitle_tracks = (
        [tracks.to_public(t) for t in tracks.list_tracks(session, user, row)]
        if views.may_see_media(user)
        else []
    )
    lang = language_of(request, user)
    assets = media.masters_of(session, title_id) if views.may_see_media(user) else []
    playable = next((a for a in assets if a.rendition and a.asset.kind == "main"), None) or next(
        (a for a in assets if a.rendition), None
    )
    rendition = playable.rendition if playable else None
    poster = media.by_title(session, [title_id]).get(title_id)
    return render(
        request,
        "title.html",
        user,
        title=title,
        text=views.in_language(title, lang),
        series=series,
        episodes=episodes,
        episode_texts={e.id: views.in_language(e, lang) for e in episodes},
        assets=assets,
        untagged={view.asset.id for view in assets if views.untagged_audio(view.asset.technical)},
        playable=playable,
        rendition=rendition,
        files=media.files_of(session, rendition) if rendition else [],
        master_url=views.media_url(rendition, rendition.master_playlist_key) if rendition else None,
        storyboard_url=views.media_url(rendition, rendition.storyboard_vtt_key)
        if rendition
        else None,
        poster_url=views.media_url(poster, poster.poster_key) if poster else None,
        audio_languages=views.stream_languages(playable.asset.technical, "audio")
        if playable
        else [],
        subtitle_tracks=subtitle_tracks,
        windows=rights_store.of_title(session, title_id) if user.role != Role.partner else [],
        subtitle_languages=sorted({t.language for t in subtitle_tracks if t.status == "published"}),
        campaign_names=campaigns.names(session),
    )
