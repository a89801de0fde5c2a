"""Avails sheets: CSV and XLSX export, import back without duplicates, row-level errors,
nothing imported from a bad file unless partial=true."""

from __future__ import annotations

import csv
import io

from _rights_factories import grant, published_title
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from tests.conftest import Actors

HEADER = "TitleID,LicenseType,Territory,TerritoryExclude,Start,End,SubtitleLanguages,Partner,Exclusive,Holdback,ContractID"


def post_sheet(client: TestClient, actors: Actors, body: bytes, **params: str) -> dict:  # type: ignore[type-arg]
    response = client.post("/rights/import", content=body, params=params, headers=actors.programmer)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_csv_import_creates_windows(client: TestClient, actors: Actors) -> None:
    title = published_title(
        client, actors, "丝路回响", eidr_title_id="10.5240/7791-8534-2C23-9030-8610-5"
    )
    eidr = "10.5240/7791-8534-2C23-9030-8610-5"
    sheet = (
        "TitleID,EIDR,LicenseType,Territory,TerritoryExclude,Start,End,SubtitleLanguages,Partner,Exclusive,Holdback\n"
        f"{title},,public_screening,Central Asia,,2025-01-01,2025-12-31,ru;kk,almaty-film-centre,yes,free_tv:2026-06-01\n"
        f",{eidr},festival,world,CN;Europe,2025-03-01,,,,no,\n"
    )
    report = post_sheet(client, actors, sheet.encode())
    assert report == {
        "rows": 2,
        "created": 2,
        "updated": 0,
        "skipped": 0,
        "errors": [],
        "warnings": [],
    }
    windows = client.get(f"/titles/{title}/rights", headers=actors.admin).json()
    first, second = windows
    assert first["countries"] == ["KG", "KZ", "TJ", "TM", "UZ"] and first["exclusive"]
    assert first["partner_id"] == actors.partner_id and first["holdbacks"] == [
        {"media_right": "free_tv", "until": "2026-06-01"}
    ]
    assert (
        second["ends_on"] is None
        and "CN" not in second["countries"]
        and "FR" not in second["countries"]
    )


def test_a_bad_file_imports_nothing_and_names_every_bad_row(
    client: TestClient, actors: Actors
) -> None:
    title = published_title(client, actors, "T")
    sheet = (
        f"{HEADER}\n"
        f"{title},public_screening,KZ,,2025-01-01,,,,no,,\n"
        f"{title},cinema,KZ,,2025-01-01,,,,no,,\n"
        f"{title},public_screening,Central Asa,,2025-01-01,,,,no,,\n"
        f"{title},public_screening,KZ,,2025-13-01,,,,no,,\n"
        f"999,public_screening,KZ,,2025-01-01,,,,no,,\n"
        f"{title},public_screening,KZ,,2025-01-01,,,nobody,no,,\n"
        f"{title},public_screening,KZ,,2025-01-01,,,,maybe,,\n"
        f"{title},free_tv,UZ,,2025-01-01,,,almaty-film-centre,yes,,\n"
        f"{title},free_tv,Central Asia,,2025-01-01,,,,no,,\n"
    )
    report = post_sheet(client, actors, sheet.encode())
    assert report["created"] == 0 and report["skipped"] == 9
    by_row = {e["row"]: (e["column"], e["message"]) for e in report["errors"]}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 10]
    assert by_row[3][0] == "LicenseType"
    assert by_row[4] == (
        None,
        "unknown region or country 'Central Asa'; close matches: central asia, central america, western asia",
    )
    assert by_row[5] == ("Start", "'2025-13-01' is not a date; write YYYY-MM-DD")
    assert by_row[6] == ("TitleID", "no title with id 999")
    assert by_row[7][0] == "Partner" and by_row[8][0] == "Exclusive"
    assert by_row[10][0] == "Exclusive" and "row 9" in by_row[10][1]
    assert client.get("/rights/windows", headers=actors.admin).json() == []
    partial = post_sheet(client, actors, sheet.encode(), partial="true")
    assert partial["created"] == 2 and partial["skipped"] == 7


def test_whole_file_problems_are_one_clear_answer(client: TestClient, actors: Actors) -> None:
    for body, params, text in [
        (b"", {}, "empty"),
        (b"TitleID,Licence,Territory,Start\n1,x,KZ,2025-01-01\n", {}, "unknown column(s) Licence"),
        (b"TitleID,Territory\n", {}, "missing column(s) LicenseType, Start"),
        (b"\xff\xfe not utf8", {}, "not UTF-8"),
        (b"PK not a workbook", {"format": "xlsx"}, "not an XLSX workbook"),
    ]:
        response = client.post(
            "/rights/import", content=body, params=params, headers=actors.programmer
        )
        assert response.status_code == 422 and text in response.text, (body, response.text)


def test_export_then_import_round_trips_without_duplicates(
    client: TestClient, actors: Actors
) -> None:
    title = published_title(client, actors, "刺桐港灯火")
    grant(
        client,
        actors,
        title,
        ["Central Asia"],
        ends_on="2026-01-31",
        subtitle_languages=["ru"],
        contract_ref="C-9",
        holdbacks=[{"media_right": "free_tv", "until": "2026-06-01"}],
    )
    grant(
        client,
        actors,
        title,
        ["world"],
        excluded_territories=["CN"],
        media_right="festival",
        partner_id=actors.partner_b_id,
        exclusive=True,
    )
    before = client.get("/rights/windows", headers=actors.admin).json()
    exported = client.get("/rights/export", params={"format": "xlsx"}, headers=actors.admin)
    assert exported.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][:5] == ("WindowID", "TitleID", "EIDR", "Title", "LicenseType") and len(rows) == 3
    report = post_sheet(client, actors, exported.content, format="xlsx")
    assert (report["created"], report["updated"], report["errors"]) == (0, 2, [])
    after = client.get("/rights/windows", headers=actors.admin).json()
    assert [{k: v for k, v in w.items() if k != "updated_at"} for w in after] == [
        {k: v for k, v in w.items() if k != "updated_at"} for w in before
    ]
    text = client.get("/rights/export", headers=actors.admin).text
    table = list(csv.DictReader(io.StringIO(text)))
    assert table[0]["Territory"] == "Central Asia" and table[0]["Holdback"] == "free_tv:2026-06-01"
    assert table[1]["Partner"] == "lumiere-paris" and table[1]["Exclusive"] == "yes"


def test_xlsx_with_real_date_cells_imports(client: TestClient, actors: Actors) -> None:
    from datetime import datetime

    title = published_title(client, actors, "T")
    book = Workbook()
    sheet = book.active
    sheet.append(["Title", "LicenseType", "Territory", "Start", "End"])  # type: ignore[union-attr]
    sheet.append(["T", "free_tv", "KZ; UZ", datetime(2025, 1, 1), datetime(2025, 6, 30)])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    report = post_sheet(client, actors, buffer.getvalue(), format="xlsx")
    assert report["created"] == 1, report
    window = client.get(f"/titles/{title}/rights", headers=actors.admin).json()[0]
    assert (window["starts_on"], window["ends_on"], window["countries"]) == (
        "2025-01-01",
        "2025-06-30",
        ["KZ", "UZ"],
    )
