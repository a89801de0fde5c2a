"""Per title: the languages of its published subtitles and of its ready masters' sound."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Integer, bindparam
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from catalogue.models import Asset, AssetAudioLanguage, AssetState, SubtitleTrack
from catalogue.models.subtitles import TrackStatus
from catalogue.rights_core.language_sql import in_family_clause

# Built once: building a statement (and its cache key) per call cost more than running it on
# a title page (bench/load.py --run cpu).
_IDS = bindparam("ids", type_=Integer, expanding=True)
_SUBTITLED = select(SubtitleTrack.title_id, SubtitleTrack.language).where(
    col(SubtitleTrack.title_id).in_(_IDS), SubtitleTrack.status == TrackStatus.published
)
_VOICED = (
    select(Asset.title_id, AssetAudioLanguage.language)
    .join(AssetAudioLanguage, AssetAudioLanguage.asset_id == Asset.id)  # type: ignore[arg-type]
    .where(col(Asset.title_id).in_(_IDS), Asset.state == AssetState.ready)
)


def subtitle_languages(session: Session, title_ids: Sequence[int]) -> dict[int, list[str]]:
    """Every title asked about -> the languages of its published tracks ([] when none)."""
    found: dict[int, set[str]] = defaultdict(set)
    for title_id, language in session.execute(_SUBTITLED, {"ids": list(title_ids)}):
        found[title_id].add(language)
    return {title_id: sorted(found[title_id]) for title_id in title_ids}


def audio_languages(session: Session, title_ids: Sequence[int]) -> dict[int, list[str]]:
    """Titles with ready sound -> its languages (titles without are left out)."""
    found: dict[int, set[str]] = defaultdict(set)
    for title_id, language in session.execute(_VOICED, {"ids": list(title_ids)}):
        found[title_id].add(language)
    return {title_id: sorted(languages) for title_id, languages in found.items()}


def titles_with_language(language: str) -> Select[tuple[int]]:
    """Ids of titles with published subtitles or ready sound in `language` ('zh' finds 'zh-Hans')."""
    subtitled = select(SubtitleTrack.title_id).where(
        SubtitleTrack.status == TrackStatus.published,
        in_family_clause(SubtitleTrack.language, language),
    )
    voiced = (
        select(Asset.title_id)
        .join(AssetAudioLanguage, AssetAudioLanguage.asset_id == Asset.id)  # type: ignore[arg-type]
        .where(
            Asset.state == AssetState.ready, in_family_clause(AssetAudioLanguage.language, language)
        )
    )
    return subtitled.union(voiced)  # type: ignore[return-value]
