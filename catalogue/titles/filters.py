"""The title filters, defined once: GET /titles takes them as query parameters and the catalogue
page from its form; both list through `titles.service.list_page`. Also the SQL they become."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    column,
    false,
    func,
    literal_column,
    not_,
    or_,
    table,
)
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from catalogue import search
from catalogue.errors import InvalidInput
from catalogue.media import languages as media_languages
from catalogue.models import (
    Campaign,
    Title,
    TitleCampaign,
    TitleKind,
    TitleLocalization,
    TitleSearch,
    TitleStatus,
    TitleTag,
)
from catalogue.rights_core.language_sql import in_family_clause
from catalogue.settings import Settings
from catalogue.validation import language_tag

YEAR_MIN, YEAR_MAX = 1888, 2100


class TitleSort(StrEnum):
    # `title` shadows str.title(): a member named for the column it sorts by is worth it.
    relevance = "relevance"
    title = "title"  # type: ignore[assignment]
    title_desc = "-title"
    year = "year"
    year_desc = "-year"
    created = "created"
    created_desc = "-created"
    updated = "updated"
    updated_desc = "-updated"


class TitleFilters(BaseModel):
    """What to list: filters, search, order and page. A FastAPI query model
    (`Annotated[TitleFilters, Query()]`): each field is one query parameter."""

    model_config = ConfigDict(frozen=True)

    q: str | None = Field(
        None, max_length=200, description="full-text search over titles and synopses, any language"
    )
    kind: TitleKind | None = None
    status: TitleStatus | None = None
    year_from: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX)
    year_to: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX)
    language: str | None = Field(None, description="BCP 47 tag; 'zh' also finds 'zh-Hans'")
    campaign: str | None = Field(None, max_length=80, description="campaign slug")
    tag: str | None = Field(None, max_length=64)
    sort: TitleSort | None = Field(None, description="default: relevance with q, else -updated")
    limit: int | None = Field(
        None,
        ge=1,
        # Documented here, enforced by the service with a message that says how to page on.
        json_schema_extra={"maximum": Settings.model_fields["page_size_max"].default},
        description="page size (at most CATALOGUE_PAGE_SIZE_MAX)",
    )
    offset: int = Field(0, ge=0, le=1_000_000)
    exact: bool = Field(
        False,
        description="count every match for `total`; by default a large total is an estimate "
        "(`total_is_estimate`, see `total`), which keeps large lists fast",
    )

    def order(self) -> TitleSort:
        return self.sort or (TitleSort.relevance if self.q else TitleSort.updated_desc)


class FilterProblems(InvalidInput):
    """Filters that passed the schema but not together (years reversed, a malformed language
    tag). The API answers the first; the page names them all."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0])
        self.problems = problems


def checked(filters: TitleFilters) -> TitleFilters:
    """The filters with the language tag in canonical form, or FilterProblems."""
    problems: list[str] = []
    if filters.year_from and filters.year_to and filters.year_from > filters.year_to:
        problems.append("year_from is after year_to")
    language = filters.language
    if language is not None:
        try:
            language = language_tag(language)
        except ValueError as error:
            problems.append(f"language: {error}")
    if problems:
        raise FilterProblems(problems)
    return filters.model_copy(update={"language": language})


def from_form(params: Mapping[str, str]) -> TitleFilters:
    """The catalogue page's form: a field left blank, or holding a value GET /titles would refuse
    with 422, is no filter. The page shows no page-size field, so `limit` is not read."""
    values: dict[str, Any] = {}
    for name in TitleFilters.model_fields:
        value = (params.get(name) or "").strip()
        if value and name != "limit":
            values[name] = value
    while True:
        try:
            return TitleFilters.model_validate(values)
        except ValidationError as error:
            refused = {str(problem["loc"][0]) for problem in error.errors() if problem["loc"]}
            if not refused & values.keys():
                raise
            for name in refused:
                values.pop(name, None)


# --- the SQL ----------------------------------------------------------------------------------

_FTS = table("title_fts", column("rowid"))
# Within a tier (see `statements`), a word in a title weighs as much as ten in a synopsis: bm25
# column weights on SQLite; on PostgreSQL titles are weight A, synopses B ({D, C, B, A}).
TITLE_WEIGHT, SYNOPSIS_WEIGHT = 10.0, 1.0
_TS_WEIGHTS = "{0.1, 0.1, 0.1, 1.0}"


def _sqlite(session: Session) -> bool:
    return bool(session.get_bind().dialect.name == "sqlite")


class _Tier(Enum):
    """Which matches of a search: all, those with every word in a title, or the others."""

    every = "every"
    titles = "titles"
    others = "others"


def _id_in(ids: Select[Any], sampled: bool) -> ColumnElement[bool]:
    """Title.id in `ids`. For a sampled count `+ 0` keeps the database from reading titles
    through the list (every match, thousands of random reads for a common word or tag): it then
    reads the sample's id ranges and looks each id up in the list."""
    return (col(Title.id) + 0 if sampled else col(Title.id)).in_(ids)


def _fts_match(terms: list[search.Term], tier: _Tier) -> ColumnElement[bool]:
    expression = search.fts5_query(terms)
    if tier is _Tier.titles:
        expression = f"{{titles}} : ({expression})"
    elif tier is _Tier.others:
        expression = f"({expression}) NOT ({{titles}} : ({expression}))"
    return literal_column("title_fts").op("MATCH")(bindparam("fts", expression))


def _tsquery(terms: list[search.Term]) -> ColumnElement[Any]:
    return func.to_tsquery("simple", bindparam("tsq", search.tsquery(terms)))


_VECTOR: ColumnElement[Any] = literal_column("title_search.search_vector")


def _searched(
    session: Session,
    query: Select[Any],
    terms: list[search.Term],
    tier: _Tier,
    ranked: bool,
    sampled: bool = False,
) -> tuple[Select[Any], Any]:
    """`query` narrowed to the titles of `tier` that match `terms`, and the relevance order (or
    None)."""
    if _sqlite(session):
        match = _fts_match(terms, tier)
        if not ranked:
            return query.where(_id_in(select(_FTS.c.rowid).where(match), sampled)), None
        score = func.bm25(literal_column("title_fts"), TITLE_WEIGHT, SYNOPSIS_WEIGHT)
        matched = select(_FTS.c.rowid, score.label("score")).where(match).subquery("matched")
        return query.join(matched, col(Title.id) == matched.c.rowid), matched.c.score
    vector, tsq = _VECTOR, _tsquery(terms)
    in_titles = vector.op("@@")(
        func.to_tsquery("simple", bindparam("tsq_titles", search.tsquery(terms, weight="A")))
    )
    condition = {
        _Tier.every: vector.op("@@")(tsq),
        _Tier.titles: in_titles,
        _Tier.others: and_(vector.op("@@")(tsq), not_(in_titles)),
    }[tier]
    query = query.join(TitleSearch, col(TitleSearch.title_id) == col(Title.id)).where(condition)
    weights: ColumnElement[Any] = literal_column(f"'{_TS_WEIGHTS}'::float4[]")
    return query, (-func.ts_rank_cd(weights, vector, tsq) if ranked else None)


def _language_match(language: str) -> ColumnElement[bool]:
    # EXISTS probes the (title_id, language) index per candidate title; an IN list would first
    # materialise every title in that language, which is most of a large catalogue.
    localized = (
        select(TitleLocalization.id)
        .where(
            TitleLocalization.title_id == Title.id,
            in_family_clause(TitleLocalization.language, language),
        )
        .exists()
    )
    return or_(
        in_family_clause(Title.original_language, language),
        localized,
        Title.id.in_(media_languages.titles_with_language(language)),  # type: ignore[union-attr]
    )


def _filtered(
    visible: ColumnElement[bool], filters: TitleFilters, sampled: bool = False
) -> Select[Any]:
    query: Select[Any] = select(Title).where(visible, col(Title.parent_id).is_(None))
    if filters.kind:
        query = query.where(col(Title.kind) == filters.kind)
    if filters.status:
        query = query.where(col(Title.status) == filters.status)
    if filters.year_from is not None:
        query = query.where(col(Title.production_year) >= filters.year_from)
    if filters.year_to is not None:
        query = query.where(col(Title.production_year) <= filters.year_to)
    if filters.language:
        query = query.where(_language_match(filters.language))
    if filters.tag:
        tagged = select(TitleTag.title_id).where(TitleTag.tag == filters.tag.strip().lower())
        query = query.where(_id_in(tagged, sampled))
    if filters.campaign:
        in_campaign = (
            select(TitleCampaign.title_id)
            .join(Campaign, Campaign.id == TitleCampaign.campaign_id)  # type: ignore[arg-type]
            .where(Campaign.slug == filters.campaign)
        )
        query = query.where(Title.id.in_(in_campaign))  # type: ignore[union-attr]
    return query


def statements(
    session: Session, visible: ColumnElement[bool], filters: TitleFilters
) -> list[Select[Any]]:
    """Top-level titles the caller may see (`visible`) that pass the filters, in their order: one
    statement, or for a search by relevance two, read in turn: the titles that have every word
    in a title, then the others. So a title hit ranks above a synopsis hit, and a common word
    ranks its title hits only, not every synopsis that has it, to show the first page."""
    query, sort = _filtered(visible, filters), filters.order()
    if not filters.q:
        return [_ordered(query, sort, None)]
    terms = search.query_terms(filters.q)
    if not terms:
        return [query.where(false())]
    if sort is not TitleSort.relevance:
        return [
            _ordered(_searched(session, query, terms, _Tier.every, ranked=False)[0], sort, None)
        ]
    tiers = [_searched(session, query, terms, tier, True) for tier in (_Tier.titles, _Tier.others)]
    return [_ordered(matched, sort, rank) for matched, rank in tiers]


def matching(
    session: Session, visible: ColumnElement[bool], filters: TitleFilters, sampled: bool = False
) -> Select[Any]:
    """The same titles as `statements`, unordered and unranked: what counting them needs.
    `sampled`: for counting a sample of the id space (see `_id_in`)."""
    query = _filtered(visible, filters, sampled)
    if not filters.q:
        return query
    terms = search.query_terms(filters.q)
    if not terms:
        return query.where(false())
    return _searched(session, query, terms, _Tier.every, ranked=False, sampled=sampled)[0]


def upper_bounds(session: Session, filters: TitleFilters) -> list[Select[Any]]:
    """Counts that no list's total exceeds, each read from one index alone: the titles with
    the search words, the titles with the tag. Cheap where counting the list is not: that reads
    each of those titles to check the other filters."""
    bounds: list[Select[Any]] = []
    terms = search.query_terms(filters.q) if filters.q else []
    if terms and _sqlite(session):
        bounds.append(select(func.count()).select_from(_FTS).where(_fts_match(terms, _Tier.every)))
    elif terms:
        matched = _VECTOR.op("@@")(_tsquery(terms))
        bounds.append(select(func.count()).select_from(TitleSearch).where(matched))
    if filters.tag:
        tagged = col(TitleTag.tag) == filters.tag.strip().lower()
        bounds.append(select(func.count()).select_from(TitleTag).where(tagged))
    return bounds


def _ordered(query: Select[Any], sort: TitleSort, rank: Any) -> Select[Any]:
    columns: dict[str, Any] = {
        "title": col(Title.original_title),
        "year": col(Title.production_year),
        "created": col(Title.created_at),
        "updated": col(Title.updated_at),
    }
    if sort is TitleSort.relevance:
        key = rank if rank is not None else col(Title.updated_at).desc()
        return query.order_by(key, col(Title.id))
    name = sort.value.lstrip("-")
    descending = sort.value.startswith("-")
    key = columns[name].desc() if descending else columns[name].asc()
    # id breaks ties so that pages never repeat or skip a row
    return query.order_by(key.nulls_last(), col(Title.id).desc() if descending else col(Title.id))
