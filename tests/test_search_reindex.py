"""Migration 0009 reindexes the titles written before it with the stemming normaliser."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import text

from catalogue import migrate
from catalogue.app import create_app
from tests.conftest import Actors, Database


def test_titles_indexed_before_stemming_are_found_by_other_forms(
    database: Database, actors: Actors
) -> None:
    migrate.downgrade(database.engine, "0008")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO title (id, kind, status, original_title, original_language, "
                "genres, themes, countries_of_origin, created_at, updated_at) VALUES "
                "(7, 'documentary', 'draft', '雪豹守护者', 'zh-Hans', '[]', '[]', '[]', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO title_localization (title_id, language, title, synopsis) VALUES "
                "(7, 'ru', 'Хранители снежного барса', 'Пастухи следят за барсами.')"
            )
        )
        # the document as the normaliser before stemming wrote it
        connection.execute(
            text(
                "INSERT INTO title_search (title_id, document) VALUES "
                "(7, '雪豹 豹守 守护 护者 者 хранители снежного барса пастухи следят за барсами')"
            )
        )
    migrate.upgrade(database.engine)

    with TestClient(create_app(database.settings, database.engine)) as client:
        response = client.get("/titles", params={"q": "снежный барс"}, headers=actors.admin)
        assert response.status_code == 200, response.text
        assert [t["id"] for t in response.json()["items"]] == [7]
