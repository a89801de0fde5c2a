"""GET /titles totals: exact where counting is cheap, estimated above that unless exact=true."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, text

from catalogue import search
from catalogue.models import Title, TitleSearch
from catalogue.models.titles import EXACT_TOTAL_UP_TO
from catalogue.titles.totals import COUNTED_UP_TO, SAMPLE_IDS
from tests.conftest import Actors, Database

# More ids than an estimate samples, so that the estimate is one and not a full count.
COUNT = SAMPLE_IDS + 2_000


@pytest.fixture
def large_catalogue(database: Database) -> dict[str, int]:
    """COUNT titles written in bulk, as an import would: every third a documentary, one in
    fifty with the word "lantern" in its title, every other one with "river" in its synopsis."""
    titles, documents = [], []
    expected = {"documentary": 0, "drama": 0, "lantern": 0, "river": 0}
    for i in range(1, COUNT + 1):
        kind = "documentary" if i % 3 == 0 else "drama"
        name = f"Lanterns {i}" if i % 50 == 0 else f"Title {i}"
        expected[kind] += 1
        expected["lantern"] += i % 50 == 0
        expected["river"] += i % 2 == 0
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
        synopsis = "A river runs through it." if i % 2 == 0 else "Hills."
        document = search.title_document(name, "en", [("en", name, synopsis)])
        documents.append({"title_id": i, "titles": document.titles, "synopses": document.synopses})
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


def test_a_search_matching_many_titles_is_estimated_within_what_its_words_match(
    client: TestClient, actors: Actors, large_catalogue: dict[str, int]
) -> None:
    assert large_catalogue["river"] > COUNTED_UP_TO  # too many to read each one to count
    truth = sum(1 for i in range(6, COUNT + 1, 6))  # documentaries with "river"
    estimated = page(client, actors, q="river", kind="documentary")
    assert estimated["total_is_estimate"] is True
    assert isinstance(estimated["total"], int)
    assert abs(estimated["total"] - truth) <= truth * 0.1
    exact = page(client, actors, q="river", kind="documentary", exact="true")
    assert (exact["total"], exact["total_is_estimate"]) == (truth, False)
    assert exact["items"] == estimated["items"]


def test_a_page_holding_the_last_match_has_the_exact_total(
    client: TestClient, actors: Actors, large_catalogue: dict[str, int]
) -> None:
    truth = large_catalogue["river"]
    last = page(client, actors, q="river", offset=truth - 3, limit=10)
    assert len(last["items"]) == 3  # type: ignore[arg-type]
    assert (last["total"], last["total_is_estimate"]) == (truth, False)
    listed = page(client, actors, kind="drama", offset=large_catalogue["drama"] - 1, limit=5)
    assert (listed["total"], listed["total_is_estimate"]) == (large_catalogue["drama"], False)
    beyond = page(client, actors, kind="drama", offset=large_catalogue["drama"] + 5, limit=5)
    assert beyond["items"] == []
    assert beyond["total_is_estimate"] is True  # counted from a sample, as any large list
    assert beyond["total"] < large_catalogue["drama"] + 5


def test_a_tag_filter_reads_the_tag_index_alone(database: Database) -> None:
    """The tag filter and its count find title ids in the index, not one table row per tagged
    title (5,000 random reads for a tag of a million titles)."""
    if database.kind != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    with database.engine.connect() as connection:
        plan = connection.execute(
            text("EXPLAIN QUERY PLAN SELECT title_id FROM title_tag WHERE tag = 'noir'")
        ).all()
    assert "COVERING INDEX ix_title_tag_tag_title" in " ".join(row[-1] for row in plan)
