"""Avails sheets that would exhaust the server are refused whole, with a clear answer, and write
nothing: a zip bomb, an XML entity bomb ("billion laughs"), a sheet over the row limit."""

from __future__ import annotations

import io
import zipfile

import openpyxl.xml
import pytest
from _rights_factories import published_title
from fastapi.testclient import TestClient
from openpyxl import Workbook

from tests.conftest import Actors, Database

MAX_ROWS = 5
MAX_UNZIPPED = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
ROW = ["T", "free_tv", "KZ", "2025-01-01", "2025-06-30"]


@pytest.fixture(autouse=True)
def small_limits(database: Database) -> None:
    database.settings.avails_max_rows = MAX_ROWS
    database.settings.avails_max_uncompressed_bytes = MAX_UNZIPPED


@pytest.fixture
def title(client: TestClient, actors: Actors) -> int:
    return published_title(client, actors, "T")


def workbook(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Title", "LicenseType", "Territory", "Start", "End"])
    for day in range(rows):
        sheet.append([*ROW[:3], f"2025-01-{day + 1:02d}", ROW[4]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_sheet(rows: int) -> bytes:
    lines = ["Title,LicenseType,Territory,Start,End"]
    lines += [f"T,free_tv,KZ,2025-01-{day + 1:02d},2025-06-30" for day in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def with_member(xlsx: bytes, name: str, content: bytes) -> bytes:
    """`xlsx` with member `name` replaced (or added) by `content`, deflated."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            if member.filename != name:
                target.writestr(member, source.read(member))
        target.writestr(name, content)
    return out.getvalue()


def padded_sheet(xlsx: bytes, padding: int) -> bytes:
    """The first worksheet with `padding` bytes of XML whitespace inside: valid, and it deflates
    about a thousand to one."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source:
        xml = source.read(SHEET)
    cut = xml.index(b"<sheetData>")
    return with_member(xlsx, SHEET, xml[:cut] + b" " * padding + xml[cut:])


def lying_about_sizes(bomb: bytes) -> bytes:
    """`bomb` with every member's declared uncompressed size (local header and central
    directory) rewritten to 100 bytes: a size check that trusts the headers lets it through."""
    data = bytearray(bomb)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        members = archive.infolist()
    for member in members:
        data[member.header_offset + 22 : member.header_offset + 26] = (100).to_bytes(4, "little")
    central = bytes(data).index(b"PK\x01\x02")
    while (found := bytes(data).find(b"PK\x01\x02", central)) != -1:
        data[found + 24 : found + 28] = (100).to_bytes(4, "little")
        central = found + 4
    return bytes(data)


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE worksheet [
 <!ENTITY a "lollollollollollollollollollol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>Title</t></is></c><c r="B1" t="inlineStr"><is><t>&i;</t></is></c></row>
</sheetData></worksheet>"""


def post(client: TestClient, actors: Actors, body: bytes, file_format: str) -> tuple[int, str]:
    response = client.post(
        "/rights/import", content=body, params={"format": file_format}, headers=actors.programmer
    )
    return response.status_code, response.json().get("detail", response.text)


def rights_of(client: TestClient, actors: Actors, title: int) -> list[object]:
    response = client.get(f"/titles/{title}/rights", headers=actors.admin)
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_sheet_at_the_row_limit_imports(
    client: TestClient, actors: Actors, title: int, file_format: str
) -> None:
    body = csv_sheet(MAX_ROWS) if file_format == "csv" else workbook(MAX_ROWS)
    status, _ = post(client, actors, body, file_format)
    assert status == 200
    assert len(rights_of(client, actors, title)) == MAX_ROWS


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_sheet_over_the_row_limit_is_refused_and_writes_nothing(
    client: TestClient, actors: Actors, title: int, file_format: str
) -> None:
    body = csv_sheet(MAX_ROWS + 1) if file_format == "csv" else workbook(MAX_ROWS + 1)
    status, detail = post(client, actors, body, file_format)
    assert status == 413
    assert f"more than {MAX_ROWS} rows" in detail and "split it" in detail
    assert rights_of(client, actors, title) == []


def test_a_zip_bomb_is_refused_and_writes_nothing(
    client: TestClient, actors: Actors, title: int
) -> None:
    bomb = padded_sheet(workbook(1), 4 * MAX_UNZIPPED)
    assert len(bomb) < 64 * 1024  # small on the wire: only the unzipped size gives it away
    status, detail = post(client, actors, bomb, "xlsx")
    assert status == 413
    assert "unzips to more than 1 MiB" in detail
    assert rights_of(client, actors, title) == []


def test_a_zip_bomb_lying_about_its_sizes_is_refused_and_writes_nothing(
    client: TestClient, actors: Actors, title: int
) -> None:
    bomb = lying_about_sizes(padded_sheet(workbook(1), 4 * MAX_UNZIPPED))
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert sum(m.file_size for m in archive.infolist()) < MAX_UNZIPPED
    status, detail = post(client, actors, bomb, "xlsx")
    assert 400 <= status < 500
    assert "XLSX" in detail or "unzips" in detail
    assert rights_of(client, actors, title) == []


def test_an_xml_entity_bomb_is_refused_and_writes_nothing(
    client: TestClient, actors: Actors, title: int
) -> None:
    bomb = with_member(workbook(1), SHEET, BILLION_LAUGHS)
    status, detail = post(client, actors, bomb, "xlsx")
    assert status == 422
    assert "declares XML entities" in detail
    assert rights_of(client, actors, title) == []
