"""Every route with an id in its path, enumerated from the application itself: partner A asks for
objects only partner B may see and gets 404 (403 where its role may not call the route at all),
never the object. A new route without an access rule fails here. Then the matrix of titles
licensed to A, B, both, neither, and expired, through every partner-facing read."""

from __future__ import annotations

import re
from typing import Any

from _delivery_fixtures import Deliver, Delivered
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from catalogue.auth import cookies, sessions
from catalogue.auth.guards import Allow
from catalogue.models import Job, RightsWindow, Role, User
from catalogue.settings import Settings
from tests.conftest import Actors

# Routes whose credential is not a user but the signed link itself: rendition links
# (tests/delivery/test_delivery_links.py) and delivery packages (test_delivery_package.py).
TOKEN_ROUTES = {"/d/{token}/{path:path}", "/p/{token}/{name:path}"}
SRT = b"1\n00:00:00,500 --> 00:00:01,500\nHello\n"


def _guards(dependant: Dependant) -> list[Allow]:
    found = [d.call for d in dependant.dependencies if isinstance(d.call, Allow)]
    for sub in dependant.dependencies:
        found.extend(_guards(sub))
    return found


def routes_with_ids(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and "{" in route.path:
            found.extend((method, route.path, route) for method in sorted(route.methods or ()))
    return found


def partner_b_objects(
    client: TestClient, actors: Actors, deliver: Deliver, session: Session
) -> tuple[Delivered, dict[str, Any]]:
    """One object of every kind that only partner B may see (partner A has a title of its own),
    by the path parameter that names it."""
    only_b = deliver("Paris only", ["FR"])
    deliver("Almaty only", ["KZ"])
    track = client.post(
        f"/titles/{only_b.title_id}/subtitles",
        files={"file": ("fr.srt", SRT, "application/x-subrip")},
        data={"language": "fr"},
        headers=actors.editor,
    )
    assert track.status_code == 201, track.text
    hook = client.post(
        "/partner/webhooks", json={"url": "http://127.0.0.1:9/hook"}, headers=actors.partner_b
    )
    assert hook.status_code == 201, hook.text
    venue = client.post(
        "/venues",
        json={"slug": "salle-b", "partner_id": actors.partner_b_id, "name": "Salle", "city": "Paris",
              "country": "FR", "time_zone": "Europe/Paris"},
        headers=actors.programmer,
    )  # fmt: skip
    assert venue.status_code == 201, venue.text
    user_b = session.exec(select(User).where(User.username == "partner_b")).one()
    return only_b, {
        "title_id": only_b.title_id,
        "asset_id": only_b.asset_id,
        "track_id": track.json()["id"],
        "window_id": session.exec(
            select(RightsWindow.id).where(RightsWindow.title_id == only_b.title_id)
        ).one(),
        "webhook_id": hook.json()["id"],
        "partner_id": actors.partner_b_id,
        "venue_id": venue.json()["id"],
        "user_id": user_b.id,
        "token_id": 1,
        "job_id": session.exec(select(Job.id).order_by(col(Job.id))).first(),
        "plan_id": 1,
        "upload_id": "0" * 32,
    }


def test_routes_are_enumerated(app: FastAPI) -> None:
    # FastAPI 0.165 wraps included routers: `app.routes` alone holds no APIRoute at all.
    assert not [r for r in app.routes if isinstance(r, APIRoute) and "{" in r.path]
    paths = {path for _, path, _ in routes_with_ids(app)}
    assert {
        "/titles/{title_id}",
        "/assets/{asset_id}/links",
        "/rights/windows/{window_id}",
    } <= paths


def test_partner_a_never_reaches_what_only_partner_b_may_see(
    app: FastAPI,
    client: TestClient,
    actors: Actors,
    deliver: Deliver,
    session: Session,
    settings: Settings,
) -> None:
    only_b, ids = partner_b_objects(client, actors, deliver, session)
    user_a = session.exec(select(User).where(User.username == "partner")).one()
    ids |= {
        "campaign_id": 1,
        "plan_id": 1,  # plans do not exist for partners: 404 whether or not plan 1 does
        "path": "master.m3u8",
    }
    secret = sessions.start(
        session, user_a, api_token_id=None, client_address=None, user_agent=None
    )
    cookie = {cookies.COOKIE_NAME: secret}
    checked, problems = 0, []
    for method, path, route in routes_with_ids(app):
        if path in TOKEN_ROUTES:
            continue
        names = re.findall(r"{(\w+)(?::\w+)?}", path)
        unknown = [n for n in names if n not in ids]
        assert not unknown, f"{method} {path}: give the matrix an object for {unknown}"
        url = re.sub(r"{(\w+)(?::\w+)?}", lambda m: str(ids[m.group(1)]), path)
        guards = _guards(route.dependant)
        if path.startswith("/web/"):
            response = client.request(method, url, cookies=cookie)
            expected = {404}
        else:
            response = client.request(method, url, headers=actors.partner, json={})
            partner_allowed = all(Role.partner in g.roles for g in guards)
            hidden = any(Role.partner in g.hide_from for g in guards)
            assert guards, f"{method} {path} declares no role guard"
            expected = {404} if partner_allowed or hidden else {403}
        checked += 1
        if response.status_code not in expected:
            problems.append(f"{method} {path}: {response.status_code} {response.text[:120]}")
    assert problems == []
    assert checked >= 50
    # the ids are real: partner B does reach its own objects
    for url in (f"/titles/{only_b.title_id}", f"/titles/{only_b.title_id}/manifest",
                f"/partner/webhooks/{ids['webhook_id']}/deliveries", f"/partners/{actors.partner_b_id}"):  # fmt: skip
        assert client.get(url, headers=actors.partner_b).status_code == 200, url
    assert (
        client.post(f"/assets/{only_b.asset_id}/links", headers=actors.partner_b).status_code == 201
    )


def test_matrix_of_titles_licensed_to_one_both_neither_or_expired(
    client: TestClient, actors: Actors, deliver: Deliver
) -> None:
    titles = {
        "a": deliver("A", ["KZ"]),
        "b": deliver("B", ["FR"]),
        "both": deliver("Both", ["KZ", "FR"]),
        "neither": deliver("Neither", ["JP"]),
        "expired": deliver("Expired", ["KZ", "FR"], ends_on="2001-12-31"),
        "a-only-partner": deliver(
            "Licensed to partner A by name", ["KZ", "FR"], partner_id=actors.partner_id
        ),
    }
    sees = {
        "partner": {"a", "both", "a-only-partner"},
        "partner_b": {"b", "both"},
    }
    for who, visible in sees.items():
        headers = getattr(actors, who)
        listed = {
            i["title_id"] for i in client.get("/partner/catalogue", headers=headers).json()["items"]
        }
        assert listed == {titles[k].title_id for k in visible}, who
        for key, item in titles.items():
            expected = 200 if key in visible else 404
            for url in (f"/titles/{item.title_id}", f"/titles/{item.title_id}/manifest",
                        f"/titles/{item.title_id}/ebucore.xml", f"/titles/{item.title_id}/manifest.sha256"):  # fmt: skip
                assert client.get(url, headers=headers).status_code == expected, (who, key, url)
            link = client.post(f"/assets/{item.asset_id}/links", headers=headers)
            assert link.status_code == (201 if key in visible else 404), (who, key)
