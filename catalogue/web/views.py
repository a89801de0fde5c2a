"""Small view helpers of the pages: media URLs, a title's text in the reader's language, probed
stream languages. The data comes from the services, as for the API."""

from __future__ import annotations

from typing import Any

from catalogue.models import RenditionSet, User
from catalogue.models.titles import LocalizationPublic, TitlePublic
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
    return sorted({s.get("language") or "und" for s in streams if s.get("kind") == kind})


def may_see_media(user: User) -> bool:
    # As the renditions API: partners see posters only until licensed previews arrive.
    return user.role != "partner"
