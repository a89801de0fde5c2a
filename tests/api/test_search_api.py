"""Full-text search through the API, on SQLite FTS5 and PostgreSQL tsvector alike."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Actors

TITLES = [
    (
        "雪豹守护者",
        [
            ("en", "Guardians of the Snow Leopard", "Herders turned rangers follow snow leopards."),
            ("ru", "Хранители снежного барса", "Пастухи, ставшие егерями, следят за барсами."),
            (
                "kk",
                "Қар барысының қорғаушылары",
                "Малшылар қорықшы болып, қар барыстарын бақылайды.",
            ),
        ],
    ),
    (
        "筑梦天宫",
        [
            ("en", "Road to Tiangong", "Engineers and taikonauts on China's space station."),
            ("zh-Hans", "筑梦天宫", "工程师和航天员讲述中国空间站背后十年的努力。"),
            ("ar", "الطريق إلى تيانقونغ", "مهندسونَ وروادُ فضاءٍ يروون عقدًا من العمل."),
        ],
    ),
    (
        "丝路回响",
        [
            (
                "es",
                "Ecos de la Ruta de la Seda",
                "Arqueólogos recorren la Ruta Marítima de la Seda.",
            ),
            ("ar", "أصداء طريق الحرير", "علماء الآثار يتتبعون طريق الحرير البحري."),
        ],
    ),
]


@pytest.fixture
def catalogue(client: TestClient, actors: Actors) -> dict[str, int]:
    ids = {}
    for original, locs in TITLES:
        body = {
            "kind": "documentary",
            "original_title": original,
            "original_language": "zh-Hans",
            "localizations": [{"language": lang, "title": t, "synopsis": s} for lang, t, s in locs],
        }
        response = client.post("/titles", json=body, headers=actors.editor)
        assert response.status_code == 201, response.text
        ids[original] = response.json()["id"]
    return ids


def found(client: TestClient, actors: Actors, q: str, **params: Any) -> list[int]:
    response = client.get("/titles", params={"q": q, **params}, headers=actors.admin)
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("空间站", "筑梦天宫"),  # Chinese, no spaces between words
        ("航天员", "筑梦天宫"),
        ("снежного барса", "雪豹守护者"),  # Russian
        ("ХРАНИТЕЛИ", "雪豹守护者"),  # case
        ("барыстарын", "雪豹守护者"),  # Kazakh
        ("الحرير", "丝路回响"),  # Arabic
        ("مهندسون", "筑梦天宫"),  # Arabic, the document has vowel marks
        ("arqueologos", "丝路回响"),  # diacritics
        ("leopard", "雪豹守护者"),
        ("tiang", "筑梦天宫"),  # prefix of the word being typed
    ],
)
def test_search_finds_words_in_every_script(
    client: TestClient, actors: Actors, catalogue: dict[str, int], query: str, expected: str
) -> None:
    assert found(client, actors, query) == [catalogue[expected]]


def test_search_finds_nothing_for_absent_words(
    client: TestClient, actors: Actors, catalogue: dict[str, int]
) -> None:
    assert found(client, actors, "dinosaur") == []
    assert found(client, actors, "???") == []


def test_search_follows_edits(
    client: TestClient, actors: Actors, catalogue: dict[str, int]
) -> None:
    title_id = catalogue["丝路回响"]
    response = client.patch(
        f"/titles/{title_id}",
        json={"localizations": [{"language": "en", "title": "Echoes of the Maritime Silk Road"}]},
        headers=actors.editor,
    )
    assert response.status_code == 200
    assert found(client, actors, "maritime silk") == [title_id]
    assert found(client, actors, "الحرير") == []
    assert client.delete(f"/titles/{title_id}", headers=actors.editor).status_code == 204
    assert found(client, actors, "maritime") == []


def test_search_combines_with_filters_and_ranks(
    client: TestClient, actors: Actors, catalogue: dict[str, int]
) -> None:
    assert found(client, actors, "space", kind="drama") == []
    assert found(client, actors, "space", language="ar") == [catalogue["筑梦天宫"]]
    page = client.get("/titles", params={"q": "الحرير", "limit": 1}, headers=actors.admin).json()
    assert page["total"] == 1
