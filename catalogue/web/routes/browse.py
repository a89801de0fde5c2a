"""The catalogue (search and filters, as GET /titles) and a title's page with its player."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from catalogue import titles as service
from catalogue.api.deps import SessionDep, SettingsDep
from catalogue.models import Role, TitleKind, TitleStatus
from catalogue.subtitles import tracks
from catalogue.titles import TitleFilters, TitleSort
from catalogue.validation import language_tag
from catalogue.web import views
from catalogue.web.pages import PREFIX, AnyPage, PageRoute, language_of, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home() -> Response:
    return RedirectResponse(f"{PREFIX}/", status_code=307)


def _number(value: str | None) -> int | None:
    # Empty form fields arrive as "": a filter left blank is no filter.
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


@router.get(f"{PREFIX}/", response_class=HTMLResponse)
def catalogue_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: AnyPage,
    q: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
    year_from: Annotated[str, Query(max_length=4)] = "",
    year_to: Annotated[str, Query(max_length=4)] = "",
    language: Annotated[str, Query(max_length=35)] = "",
    campaign: Annotated[str, Query(max_length=80)] = "",
    tag: Annotated[str, Query(max_length=64)] = "",
    sort: Annotated[str, Query(max_length=20)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> HTMLResponse:
    """The same filters as GET /titles; a wrong value is named on the page, not a 422."""
    problems: list[str] = []
    language_value: str | None = None
    if language.strip():
        try:
            language_value = language_tag(language.strip())
        except ValueError as error:
            problems.append(f"language: {error}")
    first, last = _number(year_from), _number(year_to)
    if first and last and first > last:
        problems.append("year_from is after year_to")
    filters = TitleFilters(
        kind=TitleKind(kind) if kind in TitleKind.__members__ else None,
        status=TitleStatus(status) if status in TitleStatus.__members__ else None,
        year_from=first,
        year_to=last,
        language=language_value,
        campaign=campaign.strip() or None,
        tag=tag.strip() or None,
        q=q.strip() or None,
    )
    chosen = (
        TitleSort(sort)
        if sort in {s.value for s in TitleSort}
        else (TitleSort.relevance if filters.q else TitleSort.updated_desc)
    )
    items, total = [], 0
    if not problems:
        rows, total = service.list_titles(
            session, user, filters, chosen, settings.page_size_default, offset
        )
        items = service.to_public(session, rows)
    renditions = views.renditions_by_title(session, [t.id for t in items])
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
        offset=offset,
        page_size=settings.page_size_default,
        problems=problems,
        query=dict(request.query_params),
        kinds=list(TitleKind),
        statuses=list(TitleStatus) if user.role != Role.partner else [],
        sorts=[s.value for s in TitleSort],
        campaign_names=views.campaign_names(session),
    )


@router.get(f"{PREFIX}/titles/{{title_id}}", response_class=HTMLResponse)
def title_page(request: Request, session: SessionDep, user: AnyPage, title_id: int) -> HTMLResponse:
    row = service.get_visible(session, user, title_id)
    title = service.to_public(session, [row])[0]
    series = None
    if title.parent_id is not None:
        series = service.to_public(session, [service.get_visible(session, user, title.parent_id)])[
            0
        ]
    episodes = service.to_public(session, service.episodes_of(session, user, row))
    subtitle_tracks = (
        [tracks.to_public(t) for t in tracks.list_tracks(session, user, row)]
        if views.may_see_media(user)
        else []
    )
    lang = language_of(request, user)
    assets = views.assets_of(session, title_id) if views.may_see_media(user) else []
    playable = next((a for a in assets if a.rendition and a.asset.kind == "main"), None) or next(
        (a for a in assets if a.rendition), None
    )
    rendition = playable.rendition if playable else None
    poster = views.renditions_by_title(session, [title_id]).get(title_id)
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
        playable=playable,
        rendition=rendition,
        files=views.rendition_files(session, rendition) if rendition else [],
        master_url=views.media_url(rendition, rendition.master_playlist_key) if rendition else None,
        storyboard_url=views.media_url(rendition, rendition.storyboard_vtt_key)
        if rendition
        else None,
        poster_url=views.media_url(poster, poster.poster_key) if poster else None,
        audio_languages=views.stream_languages(playable.asset.technical, "audio")
        if playable
        else [],
        subtitle_tracks=subtitle_tracks,
        windows=views.rights_windows(session, title_id) if user.role != Role.partner else [],
        subtitle_languages=sorted({t.language for t in subtitle_tracks if t.status == "published"}),
        campaign_names=views.campaign_names(session),
    )
