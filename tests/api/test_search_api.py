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
        "絲綢之路上",  # written in traditional characters
        [("zh-Hant", "絲綢之路上的駱駝", "駱駝商隊穿越沙漠。")],
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


def create(client: TestClient, actors: Actors, original: str, synopsis: str = "") -> int:
    body = {
        "kind": "drama",
        "original_title": original,
        "original_language": "en",
        "localizations": [{"language": "en", "title": original, "synopsis": synopsis}],
    }
    response = client.post("/titles", json=body, headers=actors.editor)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


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


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("снежный барс", "雪豹守护者"),  # Russian: the document says "снежного барса"
        ("барсы снежные", "雪豹守护者"),
        ("барысқа", "雪豹守护者"),  # Kazakh: dative of барыс; the document has барысының
        ("барыстың қорғаушылар", "雪豹守护者"),
        ("recorrer la ruta", "丝路回响"),  # Spanish: the document says "recorren"
        ("arqueólogo marítimo", "丝路回响"),
        ("والحرير", "丝路回响"),  # Arabic: "and the silk"; the document has الحرير
        ("والعلماء", "丝路回响"),  # "and the scholars"; the document has علماء
        ("stations", "筑梦天宫"),  # English plural of the document's "station"
        ("engineer station", "筑梦天宫"),
        ("絲綢之路", "絲綢之路上"),  # traditional query, simplified document
        ("丝绸之路", "絲綢之路上"),  # and the other way round
        ("回響", "丝路回响"),  # traditional query, simplified original title
    ],
)
def test_search_finds_other_forms_of_a_word(
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


def test_a_title_hit_ranks_above_synopsis_hits(client: TestClient, actors: Actors) -> None:
    in_title = create(client, actors, "Caravan", "A journey across the desert.")
    in_synopsis = create(
        client, actors, "Across the Sands", "A caravan, then another caravan, then a caravan."
    )
    neither = create(client, actors, "Desert Rain", "Clouds over the dunes.")
    assert found(client, actors, "caravans") == [in_title, in_synopsis]
    assert found(client, actors, "desert") == [neither, in_title]
    # pages run on from the title hits into the synopsis hits
    pages = [found(client, actors, "caravan", limit=1, offset=n) for n in range(3)]
    assert pages == [[in_title], [in_synopsis], []]
    # a sort asked for wins over relevance
    assert found(client, actors, "caravan", sort="title") == [in_synopsis, in_title]


def test_relevance_orders_by_how_often_a_word_occurs(client: TestClient, actors: Actors) -> None:
    once = create(client, actors, "Northern Lights", "A town waits for the lights of winter.")
    often = create(client, actors, "Winter", "Winter comes; winter stays; winter is long.")
    assert found(client, actors, "winters") == [often, once]
