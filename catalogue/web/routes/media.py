"""Rendition files for the pages' player and pictures: HLS playlists, segments, poster, storyboard.

Only files recorded in the asset's rendition set are served (never an arbitrary storage key).
Staff see every file; partners only the poster of a title they may see, until licensed previews
come with signed links."""

from __future__ import annotations

import mimetypes

from fastapi.responses import RedirectResponse, Response, StreamingResponse

from catalogue.deps import PathId, SessionDep, StorageDep
from catalogue.errors import NotFound, page_message
from catalogue.media import renditions
from catalogue.rights import access
from catalogue.routing import Router
from catalogue.web import views
from catalogue.web.pages import PREFIX, AnyPage, PageRoute

router = Router(prefix=f"{PREFIX}/media", route_class=PageRoute, include_in_schema=False)

_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".vtt": "text/vtt; charset=utf-8",
    ".jpg": "image/jpeg",
}


def _type(path: str) -> str:
    suffix = path[path.rfind(".") :].lower() if "." in path else ""
    return _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


@router.get("/{asset_id}/{path:path}", response_model=None)
def rendition_file(
    session: SessionDep, storage: StorageDep, user: AnyPage, asset_id: PathId, path: str
) -> Response:
    rendition, file, _asset = renditions.find_file(session, asset_id, path)
    if not views.may_see_media(user) and (
        file.key != rendition.poster_key or not access.may_see_asset(session, user, asset_id)
    ):
        # Exactly the answer find_file gives for a missing asset or file: a partner must not
        # tell an unlicensed title's poster from one that does not exist.
        raise NotFound(page_message("no_rendition_file", asset=asset_id, path=path))
    url = storage.presigned_url(file.key, expires_s=600)
    if url:
        return RedirectResponse(url, status_code=307)
    return StreamingResponse(
        storage.iter_bytes(file.key),
        media_type=_type(path),
        headers={"Content-Length": str(file.size), "Cache-Control": "private, max-age=300"},
    )
