"""A small, realistic tour instance built through the API: titles with published subtitles,
rights windows for Central Asia and Europe, venues with equipment and opening days."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.models import Asset, RenditionSet, TourPlan
from catalogue.planner import check_plan
from catalogue.tours import store
from catalogue.tours.inputs import Inputs, build_problem
from tests.conftest import Actors

SRT = b"1\n00:00:01,000 --> 00:00:03,000\nHello\n\n2\n00:00:04,000 --> 00:00:06,000\nAgain\n"
CLOSED_MONDAYS = [1, 2, 3, 4, 5, 6]

PlanFn = Callable[..., dict[str, Any]]


def assert_valid(session: Session, plan_id: int) -> None:
    """The stored plan passes the planner's independent validator."""
    row = session.get(TourPlan, plan_id)
    assert row is not None
    session.refresh(row)
    problem = build_problem(session, Inputs.of(row), row)
    assert check_plan(problem, store.planner_plan(session, row)) == []


@dataclass
class Tour:
    harbour: int  # drama: ru, kk, es subtitles; rights Central Asia + Europe
    leopard: int  # documentary: ru subtitles; rights Central Asia only
    unlicensed: int  # ru subtitles, no rights anywhere
    untranscoded: int  # rights and subtitles, but no rendition yet
    almaty: int
    astana: int
    madrid: int
    paris: int


def _title(client: TestClient, actors: Actors, name: str, kind: str) -> int:
    body = {"kind": kind, "original_title": name, "original_language": "zh-Hans"}
    created = client.post("/titles", json=body, headers=actors.editor)
    assert created.status_code == 201, created.text
    title_id: int = created.json()["id"]
    published = client.post(
        f"/titles/{title_id}/status", json={"status": "published"}, headers=actors.editor
    )
    assert published.status_code == 200, published.text
    return title_id


def _subtitles(client: TestClient, actors: Actors, title_id: int, *languages: str) -> None:
    for language in languages:
        track = client.post(
            f"/titles/{title_id}/subtitles",
            files={"file": (f"{language}.srt", SRT, "application/x-subrip")},
            data={"language": language},
            headers=actors.editor,
        )
        assert track.status_code == 201, track.text
        published = client.post(
            f"/titles/{title_id}/subtitles/{track.json()['id']}/status",
            json={"status": "published"},
            headers=actors.editor,
        )
        assert published.status_code == 200, published.text


def _rights(client: TestClient, actors: Actors, title_id: int, territories: list[str]) -> None:
    body = {
        "title_id": title_id,
        "media_right": "public_screening",
        "territories": territories,
        "starts_on": "2024-06-01",
        "ends_on": "2026-12-31",
    }
    response = client.post("/rights/windows", json=body, headers=actors.programmer)
    assert response.status_code == 201, response.text


def _transcoded(session: Session, title_id: int) -> None:
    """A main master with its rendition set, as a finished transcode leaves them (the transcode
    itself is tested elsewhere; planning reads only these rows)."""
    asset = Asset(title_id=title_id, kind="main", state="ready", original_filename="m.mov", size=1)
    session.add(asset)
    session.flush()
    made = datetime(2025, 1, 10, tzinfo=UTC)
    session.add(
        RenditionSet(
            asset_id=asset.id or 0,
            prefix=f"renditions/{asset.id}",
            master_playlist_key="master.m3u8",
            delivery_video_key="delivery.mp4",
            poster_key="poster.jpg",
            storyboard_vtt_key="storyboard.vtt",
            duration_s=6.0,
            total_bytes=1,
            created_at=made,
            updated_at=made,
        )
    )
    session.commit()


def _venue(client: TestClient, actors: Actors, slug: str, partner_id: int, **fields: object) -> int:
    body = {"slug": slug, "partner_id": partner_id, "name": slug.title(), **fields}
    response = client.post("/venues", json=body, headers=actors.programmer)
    assert response.status_code == 201, response.text
    venue_id: int = response.json()["id"]
    return venue_id


def build_tour(client: TestClient, actors: Actors, session: Session) -> Tour:
    harbour = _title(client, actors, "Harbour Lights of Quanzhou", "drama")
    leopard = _title(client, actors, "Guardians of the Snow Leopard", "documentary")
    unlicensed = _title(client, actors, "Road to Tiangong", "documentary")
    untranscoded = _title(client, actors, "Echoes of the Silk Road", "documentary")
    _subtitles(client, actors, harbour, "ru", "kk", "es")
    _subtitles(client, actors, leopard, "ru")
    _subtitles(client, actors, unlicensed, "ru")
    _subtitles(client, actors, untranscoded, "ru")
    _rights(client, actors, harbour, ["Central Asia", "Europe"])
    _rights(client, actors, leopard, ["Central Asia"])
    _rights(client, actors, untranscoded, ["Central Asia"])
    for title_id in (harbour, leopard, unlicensed):
        _transcoded(session, title_id)
    a, b = actors.partner_id, actors.partner_b_id
    kz = {"country": "KZ", "time_zone": "Asia/Almaty", "open_weekdays": CLOSED_MONDAYS}
    return Tour(
        harbour=harbour,
        leopard=leopard,
        unlicensed=unlicensed,
        untranscoded=untranscoded,
        almaty=_venue(client, actors, "almaty-arman", a, city="Almaty", **kz),
        astana=_venue(client, actors, "astana-screen", a, city="Astana", **kz),
        madrid=_venue(
            client,
            actors,
            "madrid-cineteca",
            b,
            city="Madrid",
            country="ES",
            time_zone="Europe/Madrid",
            equipment=["mp4"],
        ),
        paris=_venue(
            client,
            actors,
            "paris-lumiere",
            b,
            city="Paris",
            country="FR",
            time_zone="Europe/Paris",
            blackout_dates=["2025-03-14"],
        ),
    )
