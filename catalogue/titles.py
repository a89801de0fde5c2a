"""Reading and writing titles: visibility, filters, search, workflow; the routes stay thin."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    column,
    delete,
    func,
    literal_column,
    or_,
    table,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from catalogue import search
from catalogue.errors import Conflict, InvalidInput, NotFound
from catalogue.models import (
    Asset,
    Campaign,
    Title,
    TitleCampaign,
    TitleKind,
    TitleLocalization,
    TitleSearch,
    TitleStatus,
    TitleTag,
    User,
)
from catalogue.models.titles import (
    STATUS_TRANSITIONS,
    EpisodeCreate,
    LocalizationIn,
    LocalizationPublic,
    TitleCreate,
    TitlePublic,
    TitleUpdate,
)
from catalogue.models.types import utcnow
from catalogue.rights import access
from catalogue.storage.keys import asset_prefix, renditions_prefix, subtitles_prefix
from catalogue.subtitles import languages as media_languages


class TitleSort(StrEnum):
    relevance = "relevance"
    title = "title"
    title_desc = "-title"
    year = "year"
    year_desc = "-year"
    created = "created"
    created_desc = "-created"
    updated = "updated"
    updated_desc = "-updated"


@dataclass(frozen=True)
class TitleFilters:
    kind: TitleKind | None = None
    status: TitleStatus | None = None
    year_from: int | None = None
    year_to: int | None = None
    language: str | None = None
    campaign: str | None = None
    tag: str | None = None
    q: str | None = None
    parent_id: int | None = None


def visible(session: Session, user: User) -> ColumnElement[bool]:
    """What a caller may see: staff everything; partners published titles with an active rights
    window covering their territory today (catalogue.rights.access)."""
    return access.title_clause(session, user)


def get_visible(session: Session, user: User, title_id: int) -> Title:
    title = session.exec(select(Title).where(Title.id == title_id, visible(session, user))).first()
    if title is None:
        raise NotFound(f"title {title_id} not found")
    return title


# --- listing and search ----------------------------------------------------------------------

_FTS = table("title_fts", column("rowid"), column("rank"))


def _search_clause(session: Session, query: str) -> tuple[ColumnElement[bool], Any] | None:
    terms = search.query_terms(query)
    if not terms:
        return None
    if session.get_bind().dialect.name == "sqlite":
        matched = (
            select(_FTS.c.rowid, _FTS.c.rank)
            .where(
                literal_column("title_fts").op("MATCH")(bindparam("fts", search.fts5_query(terms)))
            )
            .subquery("matched")
        )
        return Title.id == matched.c.rowid, matched
    tsq = func.to_tsquery("simple", bindparam("tsq", search.tsquery(terms)))
    return literal_column("title_search.search_vector").op("@@")(tsq), tsq


def _tag_family(column: Any, language: str) -> ColumnElement[bool]:
    # 'zh' finds 'zh', 'zh-Hans' and 'zh-Hant'. A range rather than LIKE so that the index is used:
    # every 'zh-...' tag sorts between 'zh-' and 'zh.' ('-' is 0x2D, '.' is 0x2E).
    return or_(column == language, and_(column > f"{language}-", column < f"{language}."))


def _language_match(language: str) -> ColumnElement[bool]:
    # EXISTS probes the (title_id, language) index per candidate title; an IN list would first
    # materialise every title in that language, which is most of a large catalogue.
    localized = (
        select(TitleLocalization.id)
        .where(TitleLocalization.title_id == Title.id, _tag_family(TitleLocalization.language, language))
        .exists()
    )
    return or_(
        _tag_family(Title.original_language, language),
        localized,
        Title.id.in_(media_languages.titles_with_language(language)),  # type: ignore[union-attr]
    )


def _filtered(session: Session, user: User, filters: TitleFilters, sort: TitleSort) -> Select[Any]:
    statement: Select[Any] = select(Title).where(visible(session, user))
    statement = statement.where(
        Title.parent_id == filters.parent_id if filters.parent_id else Title.parent_id.is_(None)  # type: ignore[union-attr]
    )
    if filters.kind:
        statement = statement.where(Title.kind == filters.kind)
    if filters.status:
        statement = statement.where(Title.status == filters.status)
    if filters.year_from is not None:
        statement = statement.where(Title.production_year >= filters.year_from)  # type: ignore[operator]
    if filters.year_to is not None:
        statement = statement.where(Title.production_year <= filters.year_to)  # type: ignore[operator]
    if filters.language:
        statement = statement.where(_language_match(filters.language))
    if filters.tag:
        tagged = select(TitleTag.title_id).where(TitleTag.tag == filters.tag.strip().lower())
        statement = statement.where(Title.id.in_(tagged))  # type: ignore[union-attr]
    if filters.campaign:
        in_campaign = (
            select(TitleCampaign.title_id)
            .join(Campaign, Campaign.id == TitleCampaign.campaign_id)  # type: ignore[arg-type]
            .where(Campaign.slug == filters.campaign)
        )
        statement = statement.where(Title.id.in_(in_campaign))  # type: ignore[union-attr]

    rank: Any = None
    if filters.q:
        clause = _search_clause(session, filters.q)
        if clause is None:
            return statement.where(literal_column("1") == literal_column("0"))
        condition, extra = clause
        if session.get_bind().dialect.name == "sqlite":
            statement = statement.join(extra, condition)
            rank = extra.c.rank  # bm25: lower is better
        else:
            statement = statement.join(TitleSearch, TitleSearch.title_id == Title.id).where(condition)  # type: ignore[arg-type]
            rank = -func.ts_rank(literal_column("title_search.search_vector"), extra)
    return _ordered(statement, sort, rank)


def _ordered(statement: Select[Any], sort: TitleSort, rank: Any) -> Select[Any]:
    columns: dict[str, Any] = {
        "title": Title.original_title,
        "year": Title.production_year,
        "created": Title.created_at,
        "updated": Title.updated_at,
    }
    if sort is TitleSort.relevance:
        key = rank if rank is not None else Title.updated_at.desc()  # type: ignore[attr-defined]
        return statement.order_by(key, Title.id)
    name = sort.value.lstrip("-")
    descending = sort.value.startswith("-")
    key = columns[name].desc() if descending else columns[name].asc()
    # id breaks ties so that pages never repeat or skip a row
    return statement.order_by(key.nulls_last(), Title.id.desc() if descending else Title.id)


def list_titles(
    session: Session, user: User, filters: TitleFilters, sort: TitleSort, limit: int, offset: int
) -> tuple[list[Title], int]:
    statement = _filtered(session, user, filters, sort)
    # Count with the same FROM and WHERE but no columns: no row is read that an index can answer.
    counting = statement.order_by(None).with_only_columns(func.count(), maintain_column_froms=True)
    total = session.exec(counting).one()
    rows = session.exec(statement.limit(limit).offset(offset)).all()
    return list(rows), int(total)


# --- public shape ----------------------------------------------------------------------------


def to_public(session: Session, titles: Sequence[Title]) -> list[TitlePublic]:
    """The API shape of many titles with four queries, not four per title."""
    ids = [t.id for t in titles if t.id is not None]
    if not ids:
        return []
    localizations: dict[int, list[TitleLocalization]] = defaultdict(list)
    for loc in session.exec(
        select(TitleLocalization)
        .where(TitleLocalization.title_id.in_(ids))  # type: ignore[attr-defined]
        .order_by(TitleLocalization.language)
    ):
        localizations[loc.title_id].append(loc)
    tags: dict[int, list[str]] = defaultdict(list)
    for title_id, tag in session.exec(
        select(TitleTag.title_id, TitleTag.tag)
        .where(TitleTag.title_id.in_(ids))
        .order_by(TitleTag.tag)  # type: ignore[attr-defined]
    ):
        tags[title_id].append(tag)
    campaigns: dict[int, list[str]] = defaultdict(list)
    for title_id, slug in session.exec(
        select(TitleCampaign.title_id, Campaign.slug)
        .join(Campaign, Campaign.id == TitleCampaign.campaign_id)  # type: ignore[arg-type]
        .where(TitleCampaign.title_id.in_(ids))  # type: ignore[attr-defined]
        .order_by(Campaign.slug)
    ):
        campaigns[title_id].append(slug)
    episodes = dict(
        session.exec(
            select(Title.parent_id, func.count())
            .where(Title.parent_id.in_(ids))  # type: ignore[union-attr]
            .group_by(Title.parent_id)
        ).all()
    )
    subtitled = media_languages.subtitle_languages(session, ids)
    voiced = media_languages.audio_languages(session, ids)
    result = []
    for title in titles:
        assert title.id is not None
        locs = localizations[title.id]
        languages = sorted({title.original_language, *(loc.language for loc in locs)})
        result.append(
            TitlePublic(
                **title.model_dump(),
                localizations=[
                    LocalizationPublic(
                        language=loc.language, title=loc.title, synopsis=loc.synopsis
                    )
                    for loc in locs
                ],
                tags=tags[title.id],
                campaigns=campaigns[title.id],
                languages=languages,
                subtitle_languages=subtitled.get(title.id, []),
                audio_languages=voiced.get(title.id, []),
                episode_count=episodes.get(title.id, 0),
            )
        )
    return result


# --- writing ---------------------------------------------------------------------------------

_RELATED = {"localizations", "tags", "campaigns"}


def create_title(
    session: Session, data: TitleCreate | EpisodeCreate, parent: Title | None
) -> Title:
    fields = data.model_dump(exclude=_RELATED)
    if parent is not None:
        if parent.parent_id is not None:
            raise InvalidInput("an episode cannot have episodes; add it to the series instead")
        fields["kind"] = parent.kind
        fields["parent_id"] = parent.id
    title = Title(**fields)
    _check_promotes(session, title)
    session.add(title)
    _flush(session, title)
    _replace_related(session, title, data.localizations, data.tags, data.campaigns)
    _commit(session, title)
    return title


def update_title(session: Session, title: Title, data: TitleUpdate) -> Title:
    changes = data.model_dump(exclude_unset=True)
    related = {key: changes.pop(key) for key in list(changes) if key in _RELATED}
    if ("season_number" in changes or "episode_number" in changes) and title.parent_id is None:
        raise InvalidInput("season_number and episode_number apply to episodes only")
    for key, value in changes.items():
        setattr(title, key, value)
    _check_promotes(session, title)
    title.updated_at = utcnow()
    _replace_related(
        session,
        title,
        data.localizations if "localizations" in related else None,
        data.tags if "tags" in related else None,
        data.campaigns if "campaigns" in related else None,
    )
    _commit(session, title)
    return title


def change_status(session: Session, title: Title, target: TitleStatus) -> Title:
    current = TitleStatus(title.status)
    if target not in STATUS_TRANSITIONS[current]:
        allowed = ", ".join(sorted(STATUS_TRANSITIONS[current])) or "none"
        raise Conflict(
            f"a {current} title cannot become {target}; allowed from {current}: {allowed}"
        )
    title.status = target
    title.updated_at = utcnow()
    _commit(session, title)
    return title


def delete_title(session: Session, title: Title) -> list[str]:
    """Delete a title with its episodes; returns the storage prefixes of everything stored for
    them (masters, renditions, subtitles), for the caller to remove once the rows are gone."""
    if title.status == TitleStatus.published:
        raise Conflict("a published title cannot be deleted; archive it first (POST .../status)")
    title_ids = [title.id, *session.exec(select(Title.id).where(Title.parent_id == title.id))]
    asset_ids = session.exec(select(Asset.id).where(col(Asset.title_id).in_(title_ids))).all()
    prefixes = [subtitles_prefix(t) for t in title_ids if t is not None]
    for asset_id in asset_ids:
        assert asset_id is not None
        prefixes += [asset_prefix(asset_id), renditions_prefix(asset_id)]
    session.delete(title)
    session.commit()
    return prefixes


def _check_promotes(session: Session, title: Title) -> None:
    if title.promotes_id is None:
        return
    if title.kind != TitleKind.promo:
        raise InvalidInput("promotes_id is only for promos")
    if title.promotes_id == title.id or session.get(Title, title.promotes_id) is None:
        raise InvalidInput(f"promotes_id: title {title.promotes_id} does not exist")


def _replace_related(
    session: Session,
    title: Title,
    localizations: list[LocalizationIn] | None,
    tags: list[str] | None,
    campaigns: list[str] | None,
) -> None:
    assert title.id is not None
    if localizations is not None:
        languages = [loc.language for loc in localizations]
        if len(set(languages)) != len(languages):
            raise InvalidInput("localizations: each language may appear once")
        session.exec(delete(TitleLocalization).where(TitleLocalization.title_id == title.id))  # type: ignore[call-overload]
        session.add_all(
            TitleLocalization(
                title_id=title.id, language=loc.language, title=loc.title, synopsis=loc.synopsis
            )
            for loc in localizations
        )
    if tags is not None:
        session.exec(delete(TitleTag).where(TitleTag.title_id == title.id))  # type: ignore[call-overload]
        session.add_all(TitleTag(title_id=title.id, tag=tag) for tag in tags)
    if campaigns is not None:
        found = session.exec(select(Campaign).where(Campaign.slug.in_(campaigns))).all()  # type: ignore[attr-defined]
        missing = sorted(set(campaigns) - {c.slug for c in found})
        if missing:
            raise InvalidInput(f"campaigns: unknown campaign slug(s) {', '.join(missing)}")
        session.exec(delete(TitleCampaign).where(TitleCampaign.title_id == title.id))  # type: ignore[call-overload]
        session.add_all(TitleCampaign(title_id=title.id, campaign_id=c.id) for c in found)  # type: ignore[misc]
    session.flush()
    _refresh_search_document(session, title)


def _refresh_search_document(session: Session, title: Title) -> None:
    texts = [title.original_title]
    for loc in session.exec(select(TitleLocalization).where(TitleLocalization.title_id == title.id)):
        texts.extend([loc.title, loc.synopsis])
    document = search.document_tokens(*texts)
    row = session.get(TitleSearch, title.id)
    if row is None:
        session.add(TitleSearch(title_id=title.id, document=document))  # type: ignore[arg-type]
    elif row.document != document:
        row.document = document
        session.add(row)


def _flush(session: Session, title: Title) -> None:
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(_duplicate_message(error, title)) from None


def _commit(session: Session, title: Title) -> None:
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(_duplicate_message(error, title)) from None
    except Exception:
        session.rollback()
        raise
    session.refresh(title)


def _duplicate_message(error: IntegrityError, title: Title) -> str:
    text = str(error.orig).lower()
    if "eidr_title_id" in text:
        return f"another title already has EIDR title ID {title.eidr_title_id}"
    if "eidr_edit_id" in text:
        return f"another title already has EIDR edit ID {title.eidr_edit_id}"
    if "episode" in text or "season_number" in text:
        return f"the series already has season {title.season_number} episode {title.episode_number}"
    return "this title conflicts with an existing one"


def episodes_of(session: Session, user: User, series: Title) -> list[Title]:
    statement = (
        select(Title)
        .where(Title.parent_id == series.id, visible(session, user))
        .order_by(Title.season_number, Title.episode_number, Title.id)  # type: ignore[arg-type]
    )
    return list(session.exec(statement).all())
