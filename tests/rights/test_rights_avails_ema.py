"""EMA Avails workbooks: a distributor's file (written here from the EMA v1.7 template's own
columns, banner and comment rows included) imports without editing; unknown and unused columns
are reported; the EMA export imports back into the same windows."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from _rights_factories import grant, published_title
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select
from test_rights_cli import run

from catalogue import demo, migrate
from catalogue.db import make_engine
from catalogue.models import Title
from catalogue.models.titles import TitleKind, TitleStatus
from catalogue.settings import Settings
from tests.conftest import Actors

# The template's columns as published (EMA Avails v1.7: 54 on the Movies tab, 66 on TV), kept
# here apart from the code under test so that a slip there cannot pass unseen.
TEMPLATE_MOVIES = [
    "DisplayName",
    "AssetLanguage",
    "Territory",
    "WorkType",
    "EntryType",
    "TitleInternalAlias",
    "TitleDisplayUnlimited",
    "LocalizationType",
    "CompanyDisplayCredit",
    "LicenseType",
    "LicenseRightsDescription",
    "FormatProfile",
    "HDR",
    "WCG",
    "HFR",
    "Start",
    "End",
    "PriceType",
    "PriceValue",
    "PriceCurrency",
    "SRP",
    "Description",
    "OtherTerms",
    "OtherInstructions",
    "TitleID",
    "EditID",
    "ContentID",
    "AvailID",
    "UV_ID",
    "DMA_ID",
    "ReportingID",
    "Metadata",
    "ALID",
    "SuppressionLiftDate",
    "SpecialPreOrderFulfillDate",
    "AnnounceDate",
    "ReleaseYear",
    "ReleaseHistoryOriginal",
    "ReleaseHistoryPhysicalHV",
    "ExceptionFlag",
    "RatingSystem",
    "RatingValue",
    "RatingReason",
    "RentalDuration",
    "WatchDuration",
    "CaptionIncluded",
    "CaptionExemption",
    "Any",
    "ContractID",
    "ServiceProvider",
    "TotalRunTime",
    "HoldbackLanguage",
    "AllowedLanguages",
    "BundleALIDs",
]
TEMPLATE_TV = [
    "DisplayName",
    "AssetLanguage",
    "Territory",
    "WorkType",
    "EntryType",
    "SeriesTitleInternalAlias",
    "SeriesTitleDisplayUnlimited",
    "SeasonNumber",
    "EpisodeNumber",
    "LocalizationType",
    "EpisodeTitleInternalAlias",
    "EpisodeTitleDisplayUnlimited",
    "SeasonTitleInternalAlias",
    "SeasonTitleDisplayUnlimited",
    "EpisodeCount",
    "SeasonCount",
    "SeriesID",
    "SeasonID",
    "EpisodeID",
    "ALID",
    "CompanyDisplayCredit",
    "LicenseType",
    "LicenseRightsDescription",
    "FormatProfile",
    "HDR",
    "WCG",
    "HFR",
    "NGAudio",
    "Start",
    "End",
    "SpecialPreOrderFulfillDate",
    "PriceType",
    "PriceValue",
    "PriceCurrency",
    "SRP",
    "Description",
    "OtherTerms",
    "OtherInstructions",
    "SeriesContentID",
    "SeasonContentID",
    "EpisodeContentID",
    "AvailID",
    "UV_ID",
    "DMA_ID",
    "ReportingID",
    "Metadata",
    "SuppressionLiftDate",
    "AnnounceDate",
    "ReleaseYear",
    "ReleaseHistoryOriginal",
    "ReleaseHistoryPhysicalHV",
    "ExceptionFlag",
    "RatingSystem",
    "RatingValue",
    "RatingReason",
    "RentalDuration",
    "WatchDuration",
    "FixedEndDate",
    "CaptionIncluded",
    "CaptionExemption",
    "Any",
    "ContractID",
    "ServiceProvider",
    "TotalRunTime",
    "HoldbackLanguage",
    "AllowedLanguages",
]
EIDR = "10.5240/7791-8534-2C23-9030-8610-5"


def _row(columns: list[str], **cells: Any) -> list[Any]:
    assert set(cells) <= set(columns), set(cells) - set(columns)
    return [cells.get(name, "") for name in columns]


def _workbook(movies: list[list[Any]], tv: list[list[Any]], extra: str | None = None) -> bytes:
    """A workbook laid out as the template: a banner row, the header row, a comment row."""
    book = Workbook()
    for sheet, columns, rows in (
        (book.active, TEMPLATE_MOVIES, movies),
        (book.create_sheet("TV"), TEMPLATE_TV, tv),
    ):
        assert sheet is not None
        if sheet.title != "TV":
            sheet.title = "Movies"
        sheet.append(["EMA Avails v1.7 (distributor export)"])
        sheet.append([*columns, *([extra] if extra else [])])
        sheet.append(["// one row per territory"])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(client: TestClient, actors: Actors, body: bytes) -> dict[str, Any]:
    response = client.post(
        "/rights/import", content=body, params={"format": "xlsx"}, headers=actors.programmer
    )
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def _series_with_episode(client: TestClient, actors: Actors) -> tuple[int, int]:
    series = published_title(client, actors, "Дала хикаялары")
    response = client.post(
        f"/titles/{series}/episodes",
        json={"original_title": "Бірінші", "original_language": "kk",
              "season_number": 1, "episode_number": 2},
        headers=actors.editor,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return series, int(response.json()["id"])


def test_a_distributors_workbook_imports_as_it_comes(client: TestClient, actors: Actors) -> None:
    film = published_title(client, actors, "Silk Road Echo", eidr_title_id=EIDR)
    other = published_title(client, actors, "Steppe Wind")
    _, episode = _series_with_episode(client, actors)
    movie_rows = [
        _row(TEMPLATE_MOVIES, DisplayName="Distributor", Territory=country, WorkType="Movie",
             EntryType="Full Extract", TitleInternalAlias="Silk Road Echo", LicenseType="SVOD",
             FormatProfile="HD", Start="2025-01-01", End="2025-12-31", PriceType="Tier",
             PriceValue="3", ContentID="urn:eidr:10.5240:7791-8534-2C23-9030-8610-5",
             AvailID="D-001", ContractID="C-77", ServiceProvider="almaty-film-centre")
        for country in ("KZ", "UZ")
    ]  # fmt: skip
    movie_rows.append(
        _row(TEMPLATE_MOVIES, DisplayName="Distributor", Territory="KG", WorkType="Movie",
             EntryType="Full Extract", TitleInternalAlias="Steppe Wind", LicenseType="Free TV",
             LocalizationType="sub", AllowedLanguages="ru, ky", Start="2025-03-01", End="Open",
             RatingSystem="MPAA", RatingValue="PG",
             ContentID="md:cid:org:steppe-pictures:42")
    )  # fmt: skip
    tv_rows = [
        _row(TEMPLATE_TV, DisplayName="Distributor", Territory="KZ", WorkType="Episode",
             EntryType="Full Extract", SeriesTitleInternalAlias="Дала хикаялары", SeasonNumber=1,
             EpisodeNumber=2, LicenseType="AVOD", Start="2025-06-01", End="2026-05-31")
    ]  # fmt: skip
    report = _import(client, actors, _workbook(movie_rows, tv_rows, extra="Notes"))
    assert (report["rows"], report["created"], report["errors"]) == (4, 3, [])
    warned = {(w["column"], "not an EMA Avails column" in w["message"]) for w in report["warnings"]}
    assert warned == {("Notes", True), ("PriceType", False), ("PriceValue", False),
                      ("RatingSystem", False), ("RatingValue", False), ("FormatProfile", False)}  # fmt: skip

    (svod,) = client.get(f"/titles/{film}/rights", headers=actors.admin).json()
    assert (svod["media_right"], svod["countries"], svod["starts_on"], svod["ends_on"]) == (
        "svod",
        ["KZ", "UZ"],
        "2025-01-01",
        "2025-12-31",
    )
    assert svod["partner_id"] == actors.partner_id and svod["contract_ref"] == "C-77"
    (free_tv,) = client.get(f"/titles/{other}/rights", headers=actors.admin).json()
    assert (free_tv["media_right"], free_tv["ends_on"], free_tv["subtitle_languages"]) == (
        "free_tv",
        None,
        ["ru", "ky"],
    )
    (avod,) = client.get(f"/titles/{episode}/rights", headers=actors.admin).json()
    assert (avod["media_right"], avod["countries"]) == ("avod", ["KZ"])


def _windows(client: TestClient, actors: Actors, titles: list[int]) -> list[dict[str, Any]]:
    kept = ("id", "media_right", "countries", "starts_on", "ends_on", "subtitle_languages",
            "audio_languages", "partner_id", "exclusive", "holdbacks", "contract_ref", "status")  # fmt: skip
    return [
        {key: window[key] for key in kept}
        for title in titles
        for window in client.get(f"/titles/{title}/rights", headers=actors.admin).json()
    ]


def test_the_ema_export_has_the_template_tabs_and_imports_back_unchanged(
    client: TestClient, actors: Actors
) -> None:
    film = published_title(client, actors, "Silk Road Echo", eidr_title_id=EIDR)
    series, episode = _series_with_episode(client, actors)
    grant(client, actors, film, ["Central Asia"], excluded_territories=["TM"],
          media_right="svod", exclusive=True, partner_id=actors.partner_id,
          holdbacks=[{"media_right": "free_tv", "until": "2026-06-01"}],
          subtitle_languages=["ru", "kk"], audio_languages=["ru"], contract_ref="C-1")  # fmt: skip
    grant(client, actors, film, ["FR"], media_right="festival", ends_on="2025-12-31")
    grant(client, actors, series, ["KZ"], media_right="pay_tv")
    grant(client, actors, episode, ["KZ", "KG"], media_right="avod")
    before = _windows(client, actors, [film, series, episode])

    response = client.get(
        "/rights/export", params={"format": "xlsx", "layout": "ema"}, headers=actors.programmer
    )
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Movies", "TV"]
    movies = [list(r) for r in book["Movies"].iter_rows(values_only=True)]
    tv = [list(r) for r in book["TV"].iter_rows(values_only=True)]
    assert movies[0] == TEMPLATE_MOVIES and tv[0] == TEMPLATE_TV
    territory = TEMPLATE_MOVIES.index("Territory")
    assert sorted(row[territory] for row in movies[1:]) == ["FR", "KG", "KZ", "TJ", "UZ"]
    work_types = sorted(row[TEMPLATE_TV.index("WorkType")] for row in tv[1:])
    assert work_types == ["Episode", "Episode", "Season"]
    license_types = {row[TEMPLATE_MOVIES.index("LicenseType")] for row in movies[1:]}
    assert license_types == {"SVOD", "festival"}

    report = _import(client, actors, response.content)
    assert (report["created"], report["updated"], report["errors"]) == (0, 4, [])
    assert _windows(client, actors, [film, series, episode]) == before


def test_rows_the_catalogue_cannot_take_are_named_and_nothing_is_imported(
    client: TestClient, actors: Actors
) -> None:
    published_title(client, actors, "Silk Road Echo")
    good = {"DisplayName": "D", "Territory": "KZ", "WorkType": "Movie",
            "TitleInternalAlias": "Silk Road Echo", "LicenseType": "SVOD", "Start": "2025-01-01"}  # fmt: skip
    rows = [
        _row(TEMPLATE_MOVIES, **good),
        _row(TEMPLATE_MOVIES, **{**good, "LicenseType": "EST"}),
        _row(TEMPLATE_MOVIES, **{**good, "WorkType": "Trailer"}),
        _row(TEMPLATE_MOVIES, **{**good, "EntryType": "Full Delete"}),
        _row(TEMPLATE_MOVIES, **{**good, "TitleInternalAlias": "Nobody"}),
        _row(TEMPLATE_MOVIES, **{**good, "Start": "01/02/2025"}),
    ]
    report = _import(client, actors, _workbook(rows, []))
    assert report["created"] == 0
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (5, "LicenseType"), (6, "WorkType"), (7, "EntryType"), (8, "TitleInternalAlias"),
        (9, "Start"),
    ]  # fmt: skip
    assert "no sale or rental" in report["errors"][0]["message"]


def test_an_ema_csv_imports_and_the_ema_export_needs_xlsx(
    client: TestClient, actors: Actors
) -> None:
    film = published_title(client, actors, "Silk Road Echo")
    header = ",".join(TEMPLATE_MOVIES)
    line = ",".join(
        _row(TEMPLATE_MOVIES, DisplayName="D", Territory="KZ", WorkType="Movie",
             TitleInternalAlias="Silk Road Echo", LicenseType="AVOD", Start="2025-01-01")
    )  # fmt: skip
    response = client.post(
        "/rights/import", content=f"{header}\n{line}\n".encode(), headers=actors.programmer
    )
    assert response.status_code == 200 and response.json()["created"] == 1, response.text
    assert (
        client.get(f"/titles/{film}/rights", headers=actors.admin).json()[0]["media_right"]
        == "avod"
    )
    refused = client.get(
        "/rights/export", params={"format": "csv", "layout": "ema"}, headers=actors.programmer
    )
    assert refused.status_code == 422 and "format=xlsx" in refused.json()["detail"]


SAMPLE = Path(__file__).parents[2] / "assets" / "avails" / "ema-avails-sample.xlsx"


@pytest.mark.slow
def test_the_sample_workbook_imports_into_the_demo_and_round_trips(
    client: TestClient, actors: Actors, session: Session
) -> None:
    demo.load(session)
    titles = [t.id for t in session.exec(select(Title)).all() if t.id is not None]
    before = _windows(client, actors, titles)
    report = _import(client, actors, SAMPLE.read_bytes())
    assert (report["rows"], report["created"], report["errors"]) == (5, 4, [])
    assert {w["column"] for w in report["warnings"]} == {"FormatProfile", "PriceType", "PriceValue"}
    imported = [w for w in _windows(client, actors, titles) if w not in before]
    assert sorted((w["media_right"], tuple(w["countries"])) for w in imported) == [
        ("avod", ("UZ",)), ("free_tv", ("TJ",)), ("pay_tv", ("KZ",)), ("svod", ("KG", "KZ")),
    ]  # fmt: skip

    exported = client.get(
        "/rights/export", params={"format": "xlsx", "layout": "ema"}, headers=actors.programmer
    )
    after_import = _windows(client, actors, titles)
    again = _import(client, actors, exported.content)
    assert (again["created"], again["updated"], again["errors"]) == (0, len(after_import), [])
    assert _windows(client, actors, titles) == after_import


@pytest.mark.slow
def test_the_cli_imports_an_ema_sheet_with_its_warnings_and_exports_the_workbook(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with Session(engine) as session:
        session.add(Title(kind=TitleKind.documentary, original_title="丝路回响",
                          original_language="zh-Hans", status=TitleStatus.published))  # fmt: skip
        session.commit()
    engine.dispose()
    sheet = tmp_path / "avails.csv"
    row = _row(TEMPLATE_MOVIES, DisplayName="D", Territory="KZ", WorkType="Movie",
               TitleInternalAlias="丝路回响", LicenseType="Pay TV", Start="2025-01-01")  # fmt: skip
    sheet.write_text(f"{','.join(TEMPLATE_MOVIES)},Notes\n{','.join(row)},call Aigerim\n")
    imported = run(tmp_path, "import", str(sheet))
    assert imported.returncode == 0, imported.stderr
    assert "1 rows: 1 created" in imported.stdout
    assert "Notes is not an EMA Avails column" in imported.stdout
    workbook = tmp_path / "out.xlsx"
    exported = run(tmp_path, "export", str(workbook), "--layout", "ema")
    assert exported.returncode == 0, exported.stderr
    book = load_workbook(workbook, read_only=True)
    assert book.sheetnames == ["Movies", "TV"]
    rows = list(book["Movies"].iter_rows(values_only=True))
    assert rows[1][TEMPLATE_MOVIES.index("LicenseType")] == "Pay TV"
