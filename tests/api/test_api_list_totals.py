"""GET /titles totals: exact up to EXACT_TOTAL_UP_TO matches, estimated above unless exact=true."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from catalogue import search
from catalogue.models import Title, TitleSearch
from catalogue.models.titles import EXACT_TOTAL_UP_TO
from catalogue.titles.totals import SAMPLE_IDS
from tests.conftest import Actors, Database

# More ids than an estimate samples, so that the estimate is one and not a full count.
COUNT = SAMPLE_IDS + 2_000


@pytest.fixture
def large_catalogue(database: Database) -> dict[str, int]:
    """COUNT titles written in bulk, as an import would: every third a documentary, one in
    fifty with the word "lantern" in its title."""
    titles, documents = [], []
    expected = {"documentary": 0, "drama": 0, "lantern": 0}
    for i in range(1, COUNT + 1):
        kind = "documentary" if i % 3 == 0 else "drama"
        name = f"Lanterns {i}" if i % 50 == 0 else f"Title {i}"
        expected[kind] += 1
        expected["lantern"] += i % 50 == 0
        titles.append(
            {
                "id": i,
                "kind": kind,
                "status": "draft",
                "original_title": name,
                "original_language": "en",
                "production_year": 1990 + i % 30,
                "genres": [],
                "themes": [],
                "countries_of_origin": [],
            }
        )
        if i % 50 == 0:
            document = search.title_document(name, "en", [])
            documents.append({"title_id": i, "titles": document.titles, "synopses": ""})
    with database.engine.begin() as connection:
        connection.execute(insert(Title), titles)
        connection.execute(insert(TitleSearch), documents)
    return expected


def page(client: TestClient, actors: Actors, **params: str | int) -> dict[str, object]:
    response = client.get("/titles", params=params, headers=actors.admin)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_large_total_is_an_estimate_unless_asked_for_exactly(
    client: TestClient, actors: Actors, large_catalogue: dict[str, int]
) -> None:
    truth = large_catalogue["drama"]
    assert truth > EXACT_TOTAL_UP_TO
    estimated = page(client, actors, kind="drama", limit=5)
    assert estimated["total_is_estimate"] is True
    assert isinstance(estimated["total"], int)
    assert abs(estimated["total"] - truth) <= truth * 0.1
    exact = page(client, actors, kind="drama", limit=5, exact="true")
    assert (exact["total"], exact["total_is_estimate"]) == (truth, False)
    assert exact["items"] == estimated["items"]

    # up to the threshold a total is counted, searched or filtered
    assert large_catalogue["lantern"] < EXACT_TOTAL_UP_TO
    searched = page(client, actors, q="lantern")  # stemmed: finds "Lanterns"
    assert (searched["total"], searched["total_is_estimate"]) == (
        large_catalogue["lantern"],
        False,
    )
    one_year = page(client, actors, kind="documentary", year_from=2000, year_to=2000)
    assert one_year["total_is_estimate"] is False
    assert one_year["total"] == sum(1 for i in range(3, COUNT + 1, 3) if 1990 + i % 30 == 2000)


def test_the_api_schema_documents_estimated_totals(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/titles"]["get"]["parameters"]}
    assert "estimate" in parameters["exact"]["description"]
    page_schema = schema["components"]["schemas"]["TitlePage"]["properties"]
    assert "total_is_estimate" in page_schema
    assert "exact=true" in page_schema["total"]["description"]
