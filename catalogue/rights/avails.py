"""Rights windows in and out as avails sheets (CSV or XLSX).

Two layouts. The EMA Avails layout (`ema_avails`: the MovieLabs/EMA template's tabs, columns and
value sets) is what distributors send and expect: an import recognises it by its header row, an
export writes it with layout=ema. The catalogue layout carries every term of a window as it is
kept (regions, exclusions, holdbacks, partner), one window per row: lists in a cell are separated
by ';', holdbacks are `right:YYYY-MM-DD`, and a row with a WindowID updates that window, so an
exported sheet imports back without duplicates.
Every row is checked before anything is written: a file with errors imports nothing unless the
caller asks for the good rows (partial)."""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import defusedxml
from fastapi import Request
from pydantic import ValidationError
from sqlmodel import Session, col, select

from catalogue.errors import CatalogueError, InvalidInput
from catalogue.models import Partner, RightsWindow, Title
from catalogue.models.rights import ImportReport, RowError, WindowCreate
from catalogue.rights import ema_avails as ema
from catalogue.rights import ema_import, store
from catalogue.rights.parsed import Parsed
from catalogue.rights_core.windows import Window
from catalogue.settings import Settings

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = (
    "WindowID",
    "TitleID",
    "EIDR",
    "Title",
    "LicenseType",
    "Territory",
    "TerritoryExclude",
    "Start",
    "End",
    "SubtitleLanguages",
    "AudioLanguages",
    "Partner",
    "Exclusive",
    "Holdback",
    "ContractID",
    "Status",
)
REQUIRED = ("LicenseType", "Territory", "Start")
# pydantic field -> the sheet's column, to name the column in row errors
_FIELD_COLUMN = {
    "media_right": "LicenseType",
    "territories": "Territory",
    "excluded_territories": "TerritoryExclude",
    "starts_on": "Start",
    "ends_on": "End",
    "subtitle_languages": "SubtitleLanguages",
    "audio_languages": "AudioLanguages",
    "partner_id": "Partner",
    "exclusive": "Exclusive",
    "holdbacks": "Holdback",
    "contract_ref": "ContractID",
    "status": "Status",
    "title_id": "TitleID",
}
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}


class FileFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


def media_type(file_format: FileFormat) -> str:
    return "text/csv; charset=utf-8" if file_format is FileFormat.csv else XLSX_TYPE


class RowProblem(Exception):
    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


# --- reading sheets ---------------------------------------------------------------------------


async def read_body(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise CatalogueTooLarge(f"the sheet is over {limit // (1024 * 1024)} MiB; split it")
        chunks.append(chunk)
    return b"".join(chunks)


class CatalogueTooLarge(CatalogueError):
    status_code = 413


@dataclass(frozen=True)
class SheetLimits:
    """What one sheet may hold: rows (the header aside), and bytes once an XLSX is unzipped (the
    request's size limit only bounds the compressed file, and XLSX compresses about 100 to 1)."""

    max_rows: int
    max_uncompressed_bytes: int

    @classmethod
    def of(cls, settings: Settings) -> SheetLimits:
        return cls(settings.avails_max_rows, settings.avails_max_uncompressed_bytes)


def read_sheets(
    body: bytes, file_format: FileFormat, limits: SheetLimits
) -> Iterator[tuple[str, Iterator[list[Any]]]]:
    """(tab name, rows) for each tab, streamed (never all in memory; a CSV is one tab named "");
    raises CatalogueTooLarge at the first row past `limits.max_rows` in a tab, before the caller
    has written anything. Read each tab's rows before asking for the next tab."""
    if not body.strip():
        raise InvalidInput("the sheet is empty; send the CSV or XLSX file as the request body")
    if file_format is FileFormat.csv:
        yield "", _capped(_csv_rows(body), limits.max_rows)
        return
    for name, rows in _xlsx_sheets(body, limits):
        yield name, _capped(rows, limits.max_rows)


def _capped(rows: Iterator[list[Any]], max_rows: int) -> Iterator[list[Any]]:
    for number, row in enumerate(rows):
        if number > max_rows:  # row 0 is the header
            raise CatalogueTooLarge(
                f"the sheet has more than {max_rows} rows; split it into files of at most "
                f"{max_rows} rows each"
            )
        yield row


def _csv_rows(body: bytes) -> Iterator[list[Any]]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the CSV is not UTF-8; save it as 'CSV UTF-8'") from None
    try:
        yield from csv.reader(io.StringIO(text))
    except csv.Error as error:
        raise InvalidInput(f"the CSV cannot be read ({error}); save it as 'CSV UTF-8'") from None


def check_unzipped_size(body: bytes, limit: int) -> None:
    """Refuse a zip bomb: the members' declared sizes, then the bytes they really unzip to (a
    member may lie about its size), must stay within `limit`."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            members = archive.infolist()
            declared = sum(member.file_size for member in members)
            if declared > limit:
                raise _too_big_unzipped(limit)
            unzipped = 0
            for member in members:
                with archive.open(member) as data:
                    while chunk := data.read(1024 * 1024):
                        unzipped += len(chunk)
                        if unzipped > limit:
                            raise _too_big_unzipped(limit)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        raise _not_xlsx() from None


def _too_big_unzipped(limit: int) -> CatalogueTooLarge:
    return CatalogueTooLarge(
        f"the workbook unzips to more than {limit // (1024 * 1024)} MiB; an avails sheet is far "
        "smaller: split it, or save it again from a spreadsheet program"
    )


def _not_xlsx() -> InvalidInput:
    return InvalidInput(
        "not an XLSX workbook; send format=csv for a CSV file, or save the sheet as .xlsx"
    )


def _xlsx_sheets(body: bytes, limits: SheetLimits) -> Iterator[tuple[str, Iterator[list[Any]]]]:
    import openpyxl.xml
    from openpyxl import load_workbook

    # openpyxl parses with defusedxml when it is installed: entity expansion ("billion laughs")
    # and external entities are refused. Never parse a client's workbook without it.
    if not openpyxl.xml.DEFUSEDXML:
        raise RuntimeError("defusedxml is not installed: refusing to parse XLSX workbooks")
    check_unzipped_size(body, limits.max_uncompressed_bytes)
    try:
        book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except (defusedxml.DefusedXmlException, zipfile.BadZipFile, KeyError, ValueError, OSError,
            SyntaxError) as error:  # fmt: skip
        # openpyxl wraps what the XML parser raised in a ValueError
        raise _unsafe_xml() if _caused_by_unsafe_xml(error) else _not_xlsx() from None
    try:
        if not book.worksheets:
            raise InvalidInput("the workbook has no sheet")
        # The active tab first: a one-tab catalogue sheet is read from it.
        active = book.active
        ordered = [active] + [s for s in book.worksheets if s is not active]
        for sheet in ordered:
            yield str(sheet.title), _sheet_rows(sheet)
    finally:
        book.close()


def _sheet_rows(sheet: Any) -> Iterator[list[Any]]:
    try:
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except defusedxml.DefusedXmlException:
        raise _unsafe_xml() from None
    except (zipfile.BadZipFile, ValueError, SyntaxError):
        raise _not_xlsx() from None


def _caused_by_unsafe_xml(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, defusedxml.DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def _unsafe_xml() -> InvalidInput:
    return InvalidInput(
        "the workbook declares XML entities (a spreadsheet program never writes them, an entity "
        "expansion attack does); save the sheet again as .xlsx from a spreadsheet program"
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _list(value: Any) -> list[str]:
    return [part.strip() for part in _text(value).split(";") if part.strip()]


def _date(value: Any, column: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RowProblem(column, f"{text!r} is not a date; write YYYY-MM-DD") from None


def _bool(value: Any, column: str) -> bool:
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RowProblem(column, f"{text!r} is not yes or no")


def _holdbacks(value: Any) -> list[dict[str, Any]]:
    result = []
    for part in _list(value):
        right, _, until = part.partition(":")
        if not until:
            raise RowProblem(
                "Holdback", f"{part!r}: write media_right:YYYY-MM-DD (free_tv:2026-01-01)"
            )
        result.append({"media_right": right.strip(), "until": _date(until.strip(), "Holdback")})
    return result


# --- rows -> windows --------------------------------------------------------------------------


@dataclass
class Lookups:
    titles_by_id: dict[int, Title]
    titles_by_eidr: dict[str, Title]
    titles_by_name: dict[str, list[Title]]
    partners: dict[str, Partner]

    @classmethod
    def load(cls, session: Session) -> Lookups:
        titles = session.exec(select(Title)).all()
        by_name: dict[str, list[Title]] = {}
        for title in titles:
            by_name.setdefault(title.original_title, []).append(title)
        return cls(
            titles_by_id={t.id: t for t in titles if t.id is not None},
            titles_by_eidr={t.eidr_title_id: t for t in titles if t.eidr_title_id},
            titles_by_name=by_name,
            partners={p.slug: p for p in session.exec(select(Partner)).all()},
        )


def _title(cells: dict[str, Any], lookups: Lookups) -> Title:
    if raw := _text(cells.get("TitleID")):
        if not raw.isdigit() or int(raw) not in lookups.titles_by_id:
            raise RowProblem("TitleID", f"no title with id {raw}")
        return lookups.titles_by_id[int(raw)]
    if raw := _text(cells.get("EIDR")).upper():
        if raw not in lookups.titles_by_eidr:
            raise RowProblem("EIDR", f"no title with EIDR {raw}")
        return lookups.titles_by_eidr[raw]
    if raw := _text(cells.get("Title")):
        found = lookups.titles_by_name.get(raw, [])
        if len(found) != 1:
            problem = "no title is" if not found else f"{len(found)} titles are"
            raise RowProblem("Title", f"{problem} called {raw!r}; give TitleID or EIDR")
        return found[0]
    raise RowProblem("TitleID", "name the title: TitleID, EIDR or Title")


def parse_row(cells: dict[str, Any], lookups: Lookups) -> tuple[int | None, WindowCreate]:
    """One sheet row -> (WindowID or None, a validated window); raises RowProblem."""
    title = _title(cells, lookups)
    partner_id = None
    if slug := _text(cells.get("Partner")):
        if slug not in lookups.partners:
            raise RowProblem("Partner", f"no partner with slug {slug!r}")
        partner_id = lookups.partners[slug].id
    window_id = None
    if raw := _text(cells.get("WindowID")):
        if not raw.isdigit():
            raise RowProblem("WindowID", f"{raw!r} is not a window id")
        window_id = int(raw)
    fields: dict[str, Any] = {
        "title_id": title.id,
        "media_right": _text(cells.get("LicenseType")),
        "territories": _list(cells.get("Territory")),
        "excluded_territories": _list(cells.get("TerritoryExclude")),
        "starts_on": _date(cells.get("Start"), "Start"),
        "ends_on": _date(cells.get("End"), "End"),
        "subtitle_languages": _list(cells.get("SubtitleLanguages")),
        "audio_languages": _list(cells.get("AudioLanguages")),
        "partner_id": partner_id,
        "exclusive": _bool(cells.get("Exclusive"), "Exclusive"),
        "holdbacks": _holdbacks(cells.get("Holdback")),
        "contract_ref": _text(cells.get("ContractID")) or None,
    }
    if status := _text(cells.get("Status")):
        fields["status"] = status
    try:
        return window_id, WindowCreate.model_validate(fields)
    except ValidationError as error:
        issue = error.errors()[0]
        field = str(issue["loc"][0]) if issue["loc"] else None
        raise RowProblem(_FIELD_COLUMN.get(field or "", field), issue["msg"]) from None


def _header(row: list[Any]) -> list[str]:
    names = [_text(cell) for cell in row]
    known = {c.lower(): c for c in COLUMNS}
    unknown = [n for n in names if n and n.lower() not in known]
    if unknown:
        raise InvalidInput(
            f"row 1: unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}"
        )
    header = [known.get(n.lower(), "") for n in names]
    missing = [c for c in REQUIRED if c not in header]
    if missing or not {"TitleID", "EIDR", "Title"} & set(header):
        needed = [*missing, *([] if {"TitleID", "EIDR", "Title"} & set(header) else ["TitleID"])]
        raise InvalidInput(f"row 1: missing column(s) {', '.join(needed)}")
    return header


def _records(first: list[Any], rows: Iterator[list[Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    header = _header(first)
    for number, row in enumerate(rows, start=2):
        if all(_text(cell) == "" for cell in row):
            continue
        yield number, {name: cell for name, cell in zip(header, row, strict=False) if name}


def _catalogue_layout(first: list[Any], rows: Iterator[list[Any]], session: Session) -> Parsed:
    parsed, lookups = Parsed(), Lookups.load(session)
    for number, cells in _records(first, rows):
        parsed.rows += 1
        try:
            window_id, data = parse_row(cells, lookups)
            parsed.windows.append((number, window_id, data))
        except RowProblem as problem:
            parsed.problems.append(
                RowError(row=number, column=problem.column, message=problem.message)
            )
    return parsed


def parse_sheets(sheets: Iterator[tuple[str, Iterator[list[Any]]]], session: Session) -> Parsed:
    """The layout is told by the first tab: its name (Movies, TV) or a header row starting with
    DisplayName make it an EMA Avails workbook; otherwise it is the catalogue's layout."""
    name, rows = next(sheets)
    head = list(itertools.islice(rows, 10))
    if not head:
        raise InvalidInput("the sheet has no rows; the first row names the columns")
    is_ema = ema.tab_of(name) is not None or any(
        row and ema.cell_text(row[0]) == "DisplayName" for row in head
    )
    rows = itertools.chain(head, rows)
    if not is_ema:
        return _catalogue_layout(next(rows), rows, session)
    return ema_import.parse(itertools.chain([(name, rows)], sheets), session)


def import_sheet(
    session: Session,
    body: bytes,
    file_format: FileFormat,
    limits: SheetLimits,
    *,
    partial: bool = False,
) -> ImportReport:
    """Every row is read and checked before the first is written: a sheet over a limit, or one
    with bad rows (unless `partial`), writes nothing."""
    parsed = parse_sheets(read_sheets(body, file_format, limits), session)
    accepted: list[tuple[int | None, WindowCreate]] = []
    problems = list(parsed.problems)
    planned: list[Window] = store.load_windows(session)
    for number, window_id, data in parsed.windows:
        try:
            planned = _plan(session, planned, window_id, data, -number)
            accepted.append((window_id, data))
        except RowProblem as problem:
            problems.append(RowError(row=number, column=problem.column, message=problem.message))
        except CatalogueError as error:
            problems.append(RowError(row=number, column=None, message=error.message))
    count = parsed.rows
    if problems and not partial:
        return ImportReport(
            rows=count, created=0, updated=0, skipped=count, errors=problems,
            warnings=parsed.warnings,
        )  # fmt: skip
    created = updated = 0
    for window_id, data in accepted:
        row = session.get(RightsWindow, window_id) if window_id is not None else None
        store.save(session, data, data.title_id, row)
        created, updated = (created, updated + 1) if row is not None else (created + 1, updated)
    session.commit()
    return ImportReport(
        rows=count,
        created=created,
        updated=updated,
        skipped=len(problems),
        errors=problems,
        warnings=parsed.warnings,
    )


def _plan(
    session: Session, planned: list[Window], window_id: int | None, data: WindowCreate, temp_id: int
) -> list[Window]:
    """The windows as they will be once this row is written; raises if the row cannot be."""
    if window_id is not None:
        existing = session.get(RightsWindow, window_id)
        if existing is None:
            raise RowProblem(
                "WindowID", f"no rights window {window_id}; leave WindowID empty to add one"
            )
        if existing.title_id != data.title_id:
            raise RowProblem("TitleID", f"window {window_id} belongs to title {existing.title_id}")
    countries = store.check(session, data, data.title_id)
    window = store.planned_window(
        window_id if window_id is not None else temp_id, data.title_id, data, countries
    )
    clashes = store.exclusivity_conflicts(window, planned)
    if clashes:
        other, shared = clashes[0]
        where = f"window {other.id}" if other.id > 0 else f"row {-other.id}"
        raise RowProblem(
            "Exclusive",
            f"overlaps {where} ({other.media_right}, {other.span}) in "
            f"{', '.join(sorted(shared)[:10])}, and one of them is exclusive to another partner",
        )
    return [w for w in planned if w.id != window.id] + [window]


# --- windows -> sheet -------------------------------------------------------------------------


def export_rows(session: Session) -> list[list[Any]]:
    rows = session.exec(
        select(RightsWindow).order_by(col(RightsWindow.title_id), col(RightsWindow.id))
    ).all()
    titles = {t.id: t for t in session.exec(select(Title)).all()}
    partners = {p.id: p.slug for p in session.exec(select(Partner)).all()}
    table: list[list[Any]] = [list(COLUMNS)]
    for row in rows:
        title = titles[row.title_id]
        table.append(
            [
                row.id,
                row.title_id,
                title.eidr_title_id or "",
                title.original_title,
                row.media_right,
                "; ".join(row.territories),
                "; ".join(row.excluded_territories),
                row.starts_on.isoformat(),
                row.ends_on.isoformat() if row.ends_on else "",
                "; ".join(row.subtitle_languages),
                "; ".join(row.audio_languages),
                partners.get(row.partner_id, "") if row.partner_id else "",
                "yes" if row.exclusive else "no",
                "; ".join(f"{h['media_right']}:{h['until']}" for h in row.holdbacks),
                row.contract_ref or "",
                row.status,
            ]
        )
    return table


class Layout(StrEnum):
    catalogue = "catalogue"
    ema = "ema"


def export(session: Session, file_format: FileFormat, layout: Layout = Layout.catalogue) -> bytes:
    if layout is Layout.ema:
        if file_format is not FileFormat.xlsx:
            raise InvalidInput(
                "format: the EMA Avails layout has two tabs (Movies, TV); ask for format=xlsx"
            )
        return _workbook(ema_import.export_tabs(session))
    table = export_rows(session)
    if file_format is FileFormat.csv:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(table)
        return out.getvalue().encode("utf-8")
    return _workbook({"Avails": table})


def _workbook(tabs: dict[str, list[list[Any]]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, table in tabs.items():
        sheet = book.create_sheet(name)
        for line in table:
            sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
