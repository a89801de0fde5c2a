"""Rights windows, availability ("what may be screened there, and why not"), avails import/export.

Staff read rights; admins and programmers change them. Partners get 404 here: rights terms
between the broadcaster and other partners are not theirs to read."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from catalogue.api.responses import errors
from catalogue.auth.guards import STAFF, Allow
from catalogue.deps import PathId, QueryId, SessionDep, SettingsDep
from catalogue.errors import InvalidInput
from catalogue.models import Role, User
from catalogue.models.rights import (
    AvailabilityPage,
    ImportReport,
    MediaRight,
    WindowCreate,
    WindowPublic,
    WindowStatus,
    WindowUpdate,
)
from catalogue.rights import avails, store
from catalogue.rights import service as rights_service
from catalogue.rights.availability import Query as AvailabilityQuery
from catalogue.rights_core.periods import Period
from catalogue.rights_core.windows import Match
from catalogue.routing import Router
from catalogue.validation import country_code, language_tag

router = Router(tags=["rights"])

# Partners meet 404 here, as on every other route whose objects are not theirs (403 would tell
# them that a window exists); editors, who are staff, still get 403 on the writes.
RightsReader = Annotated[User, Depends(Allow(*STAFF, hide_from=[Role.partner]))]
RightsWriter = Annotated[
    User, Depends(Allow(Role.admin, Role.programmer, hide_from=[Role.partner]))
]

MAX_IMPORT_BYTES = 20 * 1024 * 1024


@router.get("/rights/windows", response_model=list[WindowPublic], responses=errors(404))
def list_windows(
    session: SessionDep,
    user: RightsReader,
    title_id: QueryId = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
    window_status: Annotated[WindowStatus | None, Query(alias="status")] = None,
    contract_ref: Annotated[str | None, Query(max_length=100)] = None,
) -> list[WindowPublic]:
    code = _country(country) if country else None
    rows = store.find(session, title_id, code, window_status, contract_ref)
    return store.to_public(session, rows)


@router.post(
    "/rights/windows",
    response_model=WindowPublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors(404, 409),
)
def create_window(session: SessionDep, user: RightsWriter, body: WindowCreate) -> WindowPublic:
    """Grant a media right on a title for territories, dates and languages (409 when it would
    overlap an exclusive grant to someone else)."""
    return store.to_public(session, [store.create(session, body)])[0]


@router.get("/rights/windows/{window_id}", response_model=WindowPublic, responses=errors(404))
def read_window(session: SessionDep, user: RightsReader, window_id: PathId) -> WindowPublic:
    return store.to_public(session, [store.get(session, window_id)])[0]


@router.put("/rights/windows/{window_id}", response_model=WindowPublic, responses=errors(404, 409))
def replace_window(
    session: SessionDep, user: RightsWriter, window_id: PathId, body: WindowUpdate
) -> WindowPublic:
    """Replace a window's terms (e.g. set status to `terminated`)."""
    return store.to_public(session, [store.replace(session, window_id, body)])[0]


@router.delete(
    "/rights/windows/{window_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(404)
)
def delete_window(session: SessionDep, user: RightsWriter, window_id: PathId) -> Response:
    store.delete_window(session, store.get(session, window_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/titles/{title_id}/rights", response_model=list[WindowPublic], responses=errors(404))
def title_windows(session: SessionDep, user: RightsReader, title_id: PathId) -> list[WindowPublic]:
    return store.of_title(session, title_id)


@router.get("/availability", response_model=AvailabilityPage, responses=errors(404))
def availability(
    session: SessionDep,
    user: RightsReader,
    country: Annotated[str | None, Query(max_length=2, description="ISO 3166-1 alpha-2")] = None,
    region: Annotated[
        str | None, Query(max_length=80, description="UN M49 name or code, e.g. 'Central Asia'")
    ] = None,
    starts_on: Annotated[date | None, Query(alias="from")] = None,
    ends_on: Annotated[date | None, Query(alias="to")] = None,
    match: Match = Match.covers,
    min_days: Annotated[int, Query(ge=0, le=3660)] = 0,
    right: Annotated[list[MediaRight] | None, Query()] = None,
    language: Annotated[str | None, Query(max_length=35)] = None,
    partner_id: QueryId = None,
    available: Annotated[
        bool | None, Query(description="only titles that are (not) available")
    ] = None,
) -> AvailabilityPage:
    """Which published titles may be screened in a country or region over a period; for each
    that may not, why (no rights there, window outside the period, language not licensed,
    exclusive to another partner, holdback, ...)."""
    if (country is None) == (region is None):
        raise InvalidInput("give exactly one of country=KZ or region=Central Asia")
    countries = frozenset({_country(country)}) if country else rights_service.region(region or "")
    start = starts_on or rights_service.today()
    try:
        period = Period(start, ends_on or start)
    except ValueError as error:
        raise InvalidInput(f"to: {error}") from None
    if language is not None:
        try:
            language = language_tag(language)
        except ValueError as error:
            raise InvalidInput(f"language: {error}") from None
    query = AvailabilityQuery(
        countries=countries,
        period=period,
        match=match,
        min_days=min_days,
        media_rights=frozenset(right or ()),
        language=language,
        partner_id=partner_id,
    )
    return rights_service.availability_page(session, query, available)


@router.get(
    "/rights/export",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                avails.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
            "description": "every window in the chosen layout",
        },
        **errors(404, 422),
    },
)
def export_windows(
    session: SessionDep,
    user: RightsReader,
    file_format: Annotated[avails.FileFormat, Query(alias="format")] = avails.FileFormat.csv,
    layout: Annotated[
        avails.Layout,
        Query(
            description="catalogue: one window per row, every term; ema: the EMA Avails "
            "workbook (Movies and TV tabs, one territory per row; format=xlsx)"
        ),
    ] = avails.Layout.catalogue,
) -> Response:
    """Rights windows as an avails sheet (CSV or XLSX); either layout imports back."""
    body = avails.export(session, file_format, layout)
    return Response(
        body,
        media_type=avails.media_type(file_format),
        headers={"Content-Disposition": f'attachment; filename="avails.{file_format.value}"'},
    )


@router.post("/rights/import", response_model=ImportReport, responses=errors(404, 413))
async def import_windows(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: RightsWriter,
    file_format: Annotated[avails.FileFormat, Query(alias="format")] = avails.FileFormat.csv,
    partial: Annotated[
        bool, Query(description="import the good rows of a file that has errors")
    ] = False,
) -> ImportReport:
    """Import an avails sheet sent as the request body (CSV or XLSX), in the catalogue layout or
    as an EMA Avails workbook (told by its header row). A file with errors imports nothing (the
    report lists every bad row) unless partial=true; columns read but not kept are warnings. A
    sheet over the row limit, or an XLSX that unzips past its limit, is refused whole (413)."""
    body = await avails.read_body(request, MAX_IMPORT_BYTES)
    limits = avails.SheetLimits.of(settings)
    return await run_in_threadpool(
        avails.import_sheet, session, body, file_format, limits, partial=partial
    )


def _country(value: str) -> str:
    try:
        return country_code(value)
    except ValueError as error:
        raise InvalidInput(f"country: {error}") from None
