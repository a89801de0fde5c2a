"""Per title: the languages of its published subtitles and of its ready masters' sound."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, or_
from sqlalchemy.sql import Select
from sqlmodel import Session, select

from catalogue.models import Asset, AssetAudioLanguage, AssetState, SubtitleTrack
from catalogue.models.subtitles import TrackStatus


def subtitle_languages(session: Session, title_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for title_id, language in session.exec(
        select(SubtitleTrack.title_id, SubtitleTrack.language).where(
            SubtitleTrack.title_id.in_(title_ids),  # type: ignore[attr-defined]
            SubtitleTrack.status == TrackStatus.published,
        )
    ):
        found[title_id].add(language)
    return {title_id: sorted(languages) for title_id, languages in found.items()}


def audio_languages(session: Session, title_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for title_id, language in session.exec(
        select(Asset.title_id, AssetAudioLanguage.language)
        .join(AssetAudioLanguage, AssetAudioLanguage.asset_id == Asset.id)  # type: ignore[arg-type]
        .where(Asset.title_id.in_(title_ids), Asset.state == AssetState.ready)  # type: ignore[attr-defined]
    ):
        found[title_id].add(language)
    return {title_id: sorted(languages) for title_id, languages in found.items()}


def _matches(column: ColumnElement[str], language: str) -> ColumnElement[bool]:
    return or_(column == language, column.like(f"{language}-%"))


def titles_with_language(language: str) -> Select[tuple[int]]:
    """Ids of titles with published subtitles or ready sound in `language` ('zh' finds 'zh-Hans')."""
    subtitled = select(SubtitleTrack.title_id).where(
        SubtitleTrack.status == TrackStatus.published,
        _matches(SubtitleTrack.language, language),  # type: ignore[arg-type]
    )
    voiced = (
        select(Asset.title_id)
        .join(AssetAudioLanguage, AssetAudioLanguage.asset_id == Asset.id)  # type: ignore[arg-type]
        .where(Asset.state == AssetState.ready, _matches(AssetAudioLanguage.language, language))  # type: ignore[arg-type]
    )
    return subtitled.union(voiced)  # type: ignore[return-value]
