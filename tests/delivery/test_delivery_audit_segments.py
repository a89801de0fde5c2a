"""HLS segment fetches are audited in aggregate (per link, per stream, per hour) and written in
batches; playlists and other downloads stay one row each; totals and quotas are unchanged."""

from __future__ import annotations

from collections import Counter

from _delivery_fixtures import Deliver
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from catalogue.app import create_app
from catalogue.delivery import audit
from catalogue.models import AuditEvent, AuditFetchHour
from catalogue.settings import Settings
from tests.conftest import Actors, Database

VIEWING = 60  # segment requests of one simulated viewing


def _rows(database: Database) -> tuple[int, int]:
    with Session(database.engine) as session:
        events = session.exec(select(func.count()).select_from(AuditEvent)).one()
        hours = session.exec(select(func.count()).select_from(AuditFetchHour)).one()
    return int(events), int(hours)


def _watch(client: TestClient, actors: Actors, asset_id: int) -> tuple[int, int, int, Counter[str]]:
    """Fetch the playlists once and segments `VIEWING` times (a long viewing of a short clip):
    returns (segment bytes, other requests, other bytes, requests per segment folder)."""
    issued = client.post(f"/assets/{asset_id}/links", headers=actors.partner).json()
    base = "/" + issued["base_url"].split("://", 1)[1].split("/", 1)[1]
    segments = sorted(p for p in issued["files"] if p.endswith(".m4s"))
    others = [p for p in issued["files"] if p.endswith(".m3u8")]
    assert segments and others
    segment_bytes, per_folder = 0, Counter[str]()
    for turn in range(VIEWING):
        path = segments[turn % len(segments)]
        answer = client.get(base + path)
        assert answer.status_code == 200
        segment_bytes += len(answer.content)
        per_folder[path.rsplit("/", 1)[0]] += 1
    other_bytes = sum(len(client.get(base + p).content) for p in others)
    return segment_bytes, len(others), other_bytes, per_folder


def test_a_viewing_writes_a_row_per_stream_and_hour_with_the_same_totals(
    client: TestClient, app: FastAPI, actors: Actors, deliver: Deliver, database: Database
) -> None:
    item = deliver("Steppe", ["KZ"])
    before = _rows(database)
    segment_bytes, other_requests, other_bytes, per_folder = _watch(client, actors, item.asset_id)

    report = client.get("/audit/segments", headers=actors.admin)
    assert report.status_code == 200, report.text
    rows = report.json()
    assert sum(r["requests"] for r in rows) == VIEWING
    assert sum(r["bytes"] for r in rows) == segment_bytes
    assert {r["target"].rstrip("/").rsplit("/", 1)[1]: r["requests"] for r in rows} == {
        folder.rsplit("/", 1)[-1]: count for folder, count in per_folder.items()
    }
    assert {r["partner_id"] for r in rows} == {actors.partner_id}
    assert len({r["link"] for r in rows}) == 1

    events, hours = _rows(database)
    written = (events - before[0]) + (hours - before[1])
    assert hours - before[1] == len(per_folder)
    assert written <= other_requests + 1 + len(per_folder)  # +1: the link issued
    assert (hours - before[1]) * 10 < VIEWING  # segment rows: one per stream, not per fetch
    fetches = client.get("/audit", params={"action": "fetch"}, headers=actors.admin).json()
    assert len(fetches) == other_requests and not any(f["target"].endswith(".m4s") for f in fetches)
    with Session(database.engine) as session:
        tally = audit.tally_of(app, database.engine)
        assert audit.bytes_today(session, tally, actors.partner_id) == segment_bytes + other_bytes


def test_segment_sums_count_against_the_byte_quota_before_they_are_written(
    client: TestClient, actors: Actors, deliver: Deliver, app: FastAPI
) -> None:
    item = deliver("Steppe", ["KZ"])
    segment_bytes, _, other_bytes, _ = _watch(client, actors, item.asset_id)
    settings = app.state.settings
    app.state.settings = settings.model_copy(
        update={"delivery_daily_byte_quota": segment_bytes + other_bytes}
    )
    issued = client.post(f"/assets/{item.asset_id}/links", headers=actors.partner).json()
    over = client.get("/" + issued["master_playlist_url"].split("://", 1)[1].split("/", 1)[1])
    assert over.status_code == 429 and "quota" in over.json()["detail"]


def test_the_batch_is_written_at_shutdown(
    settings: Settings, actors: Actors, deliver: Deliver, database: Database
) -> None:
    item = deliver("Steppe", ["KZ"])
    hourly = settings.model_copy(update={"audit_flush_interval_s": 3600})  # no timer flush here
    with TestClient(create_app(hourly, database.engine)) as client:
        _watch(client, actors, item.asset_id)
        assert _rows(database)[1] == 0  # still in this process's batch
    with Session(database.engine) as session:
        total = session.exec(select(func.sum(AuditFetchHour.requests))).one()
    assert total == VIEWING


def test_two_processes_add_to_the_same_hour_row(
    database: Database, actors: Actors, session: Session
) -> None:
    # Two API nodes: two tallies over the same database, merged by upsert.
    nodes = [audit.SegmentTally(database.engine) for _ in range(2)]
    for node in nodes:
        node.add("ab" * 16, actors.partner_id, "renditions/1/hls/v0/", 1000)
        node.add("ab" * 16, actors.partner_id, "renditions/1/hls/v0/", 500)
    assert [node.flush() for node in nodes] == [1, 1]
    rows = session.exec(select(AuditFetchHour)).all()
    assert [(r.requests, r.bytes) for r in rows] == [(4, 3000)]
