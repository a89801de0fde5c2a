"""How many SELECTs the hot reads run (load (a) of issue 12): a statement and a round trip each
were most of their CPU, so a change that brings the old count back fails here, not in a bench."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from _delivery_fixtures import Deliver
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.conftest import Actors, Database


@contextmanager
def selects(database: Database) -> Iterator[list[str]]:
    """The SELECTs run on the engine in the block (the audit tally's writes are not reads)."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", count)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def run_once(database: Database, request: Callable[[], Any]) -> int:
    response = request()  # warm: the sign-in limits and caches of a first request do not count
    assert response.status_code == 200, response.text
    with selects(database) as seen:
        response = request()
    assert response.status_code == 200, response.text
    return len(seen)


def test_a_segment_through_a_signed_link_runs_two_selects(
    client: TestClient, actors: Actors, deliver: Deliver, database: Database
) -> None:
    item = deliver("Steppe", ["KZ"])
    issued = client.post(f"/assets/{item.asset_id}/links", headers=actors.partner).json()
    segment = next(url for path, url in issued["files"].items() if path.endswith((".ts", ".m4s")))
    # the link's user with its partner, then "the folder is a licensed title's" (it was five)
    assert run_once(database, lambda: client.get(path_of(segment))) == 2


def test_a_title_page_runs_one_select_for_localizations_tags_campaigns_and_episodes(
    client: TestClient, actors: Actors, deliver: Deliver, database: Database
) -> None:
    item = deliver("Steppe", ["KZ"])
    page = f"/titles/{item.title_id}"
    # the token, the title, its related rows, its subtitle and audio languages (it was eight)
    assert run_once(database, lambda: client.get(page, headers=actors.programmer)) == 5
    # and the partner, whose licence decides whether it may see the title
    assert run_once(database, lambda: client.get(page, headers=actors.partner)) == 6
