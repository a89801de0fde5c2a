"""Reading and writing titles: the catalogue page, workflow, episodes. What a caller may see is
`rights.access`'s rule; the filters and their SQL are in `titles.filters`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    bindparam,
    delete,
    func,
    literal_column,
    null,
    sql,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import CompoundSelect, Select
from sqlmodel import Session, col, select

from catalogue import search
from catalogue.db import unique_or_conflict
from catalogue.errors import Conflict, InvalidInput
from catalogue.media import languages as media_languages
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
    TitlePage,
    TitlePublic,
    TitleUpdate,
)
from catalogue.models.types import utcnow
from catalogue.rights import access
from catalogue.settings import Settings
from catalogue.storage import Storage
from catalogue.storage.keys import asset_prefix, renditions_prefix, subtitles_prefix
from catalogue.titles import filters as filters_sql
from catalogue.titles import totals
from catalogue.titles.filters import TitleFilters, checked
from catalogue.titles.totals import Total

# --- listing ---------------------------------------------------------------------------------


def list_titles(
    session: Session, user: User, filters: TitleFilters, limit: int
) -> tuple[list[Title], Total]:
    """Rows of one page of top-level titles, and how many match in all."""
    visible = access.title_clause(session, user)
    rows = _page(session, filters_sql.statements(session, visible, filters), limit, filters.offset)
    seen = filters.offset + len(rows)
    if len(rows) < limit and (rows or filters.offset == 0):
        return rows, Total(seen, estimate=False)  # the page holds the last match
    total = totals.total(
        session,
        filters_sql.matching(session, visible, filters),
        filters_sql.matching(session, visible, filters, sampled=True),
        filters_sql.upper_bounds(session, filters),
        exact=filters.exact,
        at_least=seen if rows else 0,  # no rows: the offset is past the last match
    )
    return rows, total


def _page(session: Session, statements: list[Select[Any]], limit: int, offset: int) -> list[Title]:
    """`limit` rows from `offset` of the statements read one after the other."""
    rows: list[Title] = []
    for statement in statements:
        found = session.execute(statement.limit(limit - len(rows)).offset(offset)).scalars().all()
        rows.extend(found)
        if len(rows) == limit:
            break
        # the page starts in the next statement: skip what is left of the offset there
        skipped = (
            0
            if found
            else session.execute(
                select(func.count()).select_from(statement.order_by(None).subquery())
            ).scalar_one()
        )
        offset = 0 if found else offset - skipped
    return rows


def list_page(session: Session, user: User, filters: TitleFilters, settings: Settings) -> TitlePage:
    """One page of the catalogue, as GET /titles and the catalogue page show it. Filters that do
    not hold together raise FilterProblems; a page larger than allowed, InvalidInput."""
    page_size = filters.limit or settings.page_size_default
    if page_size > settings.page_size_max:
        raise InvalidInput(f"limit: at most {settings.page_size_max} per page; use offset for more")
    rows, total = list_titles(session, user, checked(filters), page_size)
    return TitlePage(
        items=to_public(session, rows),
        total=total.count,
        total_is_estimate=total.estimate,
        limit=page_size,
        offset=filters.offset,
    )


def episodes_of(session: Session, user: User, series: Title) -> list[Title]:
    statement = (
        select(Title)
        .where(Title.parent_id == series.id, access.title_clause(session, user))
        .order_by(Title.season_number, Title.episode_number, Title.id)  # type: ignore[arg-type]
    )
    return list(session.exec(statement).all())


def published(session: Session) -> list[Title]:
    """Published top-level titles by original title: what a tour may screen."""
    statement = (
        select(Title)
        .where(Title.status == TitleStatus.published, col(Title.parent_id).is_(None))
        .order_by(col(Title.original_title))
    )
    return list(session.exec(statement).all())


def names(session: Session, title_ids: Iterable[int]) -> dict[int, str]:
    """Original titles by id."""
    rows = session.exec(select(Title.id, Title.original_title).where(col(Title.id).in_(title_ids)))
    return {title_id: name for title_id, name in rows if title_id is not None}


# --- public shape ----------------------------------------------------------------------------


def to_public(session: Session, titles: Sequence[Title]) -> list[TitlePublic]:
    """The API shape of many titles with three queries, not six per title."""
    ids = [t.id for t in titles if t.id is not None]
    if not ids:
        return []
    localizations: dict[int, list[LocalizationPublic]] = defaultdict(list)
    tags: dict[int, list[str]] = defaultdict(list)
    campaigns: dict[int, list[str]] = defaultdict(list)
    episodes: dict[int, int] = {}
    for title_id, part, key, text, synopsis in session.execute(_RELATED_ROWS, {"ids": ids}):
        if part == "localization":
            localizations[title_id].append(
                LocalizationPublic(language=key, title=text, synopsis=synopsis)
            )
        elif part == "tag":
            tags[title_id].append(key)
        elif part == "campaign":
            campaigns[title_id].append(key)
        else:
            episodes[title_id] = int(key)
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
                localizations=locs,
                tags=tags[title.id],
                campaigns=campaigns[title.id],
                languages=languages,
                subtitle_languages=subtitled.get(title.id, []),
                audio_languages=voiced.get(title.id, []),
                episode_count=episodes.get(title.id, 0),
            )
        )
    return result


# Localizations, tags, campaigns and episode counts of the titles `ids` as one union, built once:
# a round trip and a statement built per part were most of a title page's cost. Rows of
# (title id, part, key, title, synopsis), each part in the order the page lists it.
_IDS = bindparam("ids", type_=Integer, expanding=True)
_NONE = null().cast(String)
_RELATED_ROWS: CompoundSelect[*tuple[Any, ...]] = union_all(
    sql.select(
        col(TitleLocalization.title_id),
        literal_column("'localization'"),
        col(TitleLocalization.language),
        col(TitleLocalization.title),
        col(TitleLocalization.synopsis),
    ).where(col(TitleLocalization.title_id).in_(_IDS)),
    sql.select(
        col(TitleTag.title_id), literal_column("'tag'"), col(TitleTag.tag), _NONE, _NONE
    ).where(col(TitleTag.title_id).in_(_IDS)),
    sql.select(
        col(TitleCampaign.title_id),
        literal_column("'campaign'"),
        col(Campaign.slug),
        _NONE,
        _NONE,
    )
    .join(Campaign, col(Campaign.id) == col(TitleCampaign.campaign_id))
    .where(col(TitleCampaign.title_id).in_(_IDS)),
    sql.select(
        col(Title.parent_id),
        literal_column("'episodes'"),
        func.count().cast(String),
        _NONE,
        _NONE,
    )
    .where(col(Title.parent_id).in_(_IDS))
    .group_by(col(Title.parent_id)),
).order_by(literal_column("2"), literal_column("3"))


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
        session.exec(delete(TitleLocalization).where(col(TitleLocalization.title_id) == title.id))
        session.add_all(
            TitleLocalization(
                title_id=title.id, language=loc.language, title=loc.title, synopsis=loc.synopsis
            )
            for loc in localizations
        )
    if tags is not None:
        session.exec(delete(TitleTag).where(col(TitleTag.title_id) == title.id))
        session.add_all(TitleTag(title_id=title.id, tag=tag) for tag in tags)
    if campaigns is not None:
        found = session.exec(select(Campaign).where(Campaign.slug.in_(campaigns))).all()  # type: ignore[attr-defined]
        missing = sorted(set(campaigns) - {c.slug for c in found})
        if missing:
            raise InvalidInput(f"campaigns: unknown campaign slug(s) {', '.join(missing)}")
        session.exec(delete(TitleCampaign).where(col(TitleCampaign.title_id) == title.id))
        session.add_all(TitleCampaign(title_id=title.id, campaign_id=c.id) for c in found if c.id)
    session.flush()
    _refresh_search_document(session, title)


def _refresh_search_document(session: Session, title: Title) -> None:
    localizations = session.exec(
        select(TitleLocalization).where(TitleLocalization.title_id == title.id)
    )
    document = search.title_document(
        title.original_title,
        title.original_language,
        ((loc.language, loc.title, loc.synopsis) for loc in localizations),
    )
    row = session.get(TitleSearch, title.id)
    if row is None:
        row = TitleSearch(title_id=title.id)  # type: ignore[arg-type]
    elif (row.titles, row.synopses) == (document.titles, document.synopses):
        return
    row.titles, row.synopses = document.titles, document.synopses
    session.add(row)


def _flush(session: Session, title: Title) -> None:
    with unique_or_conflict(session, lambda error: _duplicate_message(error, title)):
        session.flush()


def _commit(session: Session, title: Title) -> None:
    try:
        with unique_or_conflict(session, lambda error: _duplicate_message(error, title)):
            session.commit()
    except Exception:  # any other failure leaves nothing half-written in the session either
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


# --- what the routes call: scoped to what the caller may see, answered in the public shape ----


def read(session: Session, user: User, title_id: int) -> TitlePublic:
    return to_public(session, [access.visible_title(session, user, title_id)])[0]


def create(session: Session, data: TitleCreate) -> TitlePublic:
    return to_public(session, [create_title(session, data, parent=None)])[0]


def update(session: Session, user: User, title_id: int, data: TitleUpdate) -> TitlePublic:
    title = update_title(session, access.visible_title(session, user, title_id), data)
    return to_public(session, [title])[0]


def set_status(session: Session, user: User, title_id: int, target: TitleStatus) -> TitlePublic:
    title = change_status(session, access.visible_title(session, user, title_id), target)
    return to_public(session, [title])[0]


def remove(session: Session, storage: Storage, user: User, title_id: int) -> None:
    prefixes = delete_title(session, access.visible_title(session, user, title_id))
    # Rows first, then bytes: a failure in between leaves unreferenced bytes, never a dangling row.
    for prefix in prefixes:
        storage.delete_prefix(prefix)


def episodes(session: Session, user: User, title_id: int) -> list[TitlePublic]:
    series = access.visible_title(session, user, title_id)
    return to_public(session, episodes_of(session, user, series))


def add_episode(session: Session, user: User, title_id: int, data: EpisodeCreate) -> TitlePublic:
    series = access.visible_title(session, user, title_id)
    if series.kind == TitleKind.promo:
        raise InvalidInput("promos have no episodes")
    return to_public(session, [create_title(session, data, parent=series)])[0]
