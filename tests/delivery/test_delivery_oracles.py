"""No existence oracles: a partner asking for another partner's object gets exactly the answer it
gets for an id that does not exist (same status, same body once numbers are blanked), on every
route with an id in its path, the pages included; and counts only count what it may see."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from _delivery_fixtures import Deliver
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from test_delivery_access_matrix import TOKEN_ROUTES, partner_b_objects, routes_with_ids

from catalogue.auth import cookies
from catalogue.models import (
    Campaign,
    RenditionFile,
    RenditionSet,
    RightsWindow,
    TitleCampaign,
)
from tests.conftest import Actors

MISSING = 987654


def shape(response: Any) -> tuple[int, Any]:
    """Status and body with every number blanked: what may differ between two ids is the id."""

    def blank(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: blank(v) for k, v in value.items()}
        if isinstance(value, list):
            return [blank(v) for v in value]
        if isinstance(value, str):
            return re.sub(r"\d+", "#", value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return "#"
        return value

    if response.headers.get("content-type", "").startswith("application/json"):
        return response.status_code, blank(response.json())
    return response.status_code, blank(response.text)


@pytest.fixture
def pages(app: FastAPI, actors: Actors) -> Iterator[TestClient]:
    """Partner A signed in to the pages (its own cookie jar), sending the CSRF header."""
    # https: the session cookie is Secure, as it is for a partner on the internet
    with TestClient(
        app, base_url="https://testserver", raise_server_exceptions=False, follow_redirects=False
    ) as browser:
        token = actors.partner["Authorization"].split(" ", 1)[1]
        signed_in = browser.post(
            "/web/sign-in",
            data={"token": token},
            headers={"Origin": "https://testserver"},
        )
        assert signed_in.status_code == 303, signed_in.text
        secret = browser.cookies[cookies.COOKIE_NAME]
        browser.headers.update(
            {
                "Origin": "https://testserver",
                cookies.CSRF_HEADER: cookies.csrf_token(cookies.CookieSession(secret)),
            }
        )
        yield browser


def _poster_path(session: Session, asset_id: int) -> str:
    rendition = session.exec(select(RenditionSet).where(RenditionSet.asset_id == asset_id)).one()
    return session.exec(
        select(RenditionFile.path).where(
            RenditionFile.rendition_set_id == rendition.id,
            RenditionFile.key == rendition.poster_key,
        )
    ).one()


def test_an_unlicensed_titles_poster_answers_like_a_missing_asset(
    pages: TestClient, deliver: Deliver, session: Session
) -> None:
    mine, only_b = deliver("Almaty only", ["KZ"]), deliver("Paris only", ["FR"])
    poster = _poster_path(session, only_b.asset_id)
    assert pages.get(f"/web/media/{mine.asset_id}/{poster}").status_code == 200
    other = pages.get(f"/web/media/{only_b.asset_id}/{poster}")
    missing = pages.get(f"/web/media/{MISSING}/{poster}")
    assert other.status_code == 404
    assert shape(other) == shape(missing)
    assert f"title {only_b.title_id}" not in other.text


def test_campaign_title_counts_count_only_what_the_partner_may_see(
    client: TestClient, actors: Actors, deliver: Deliver, session: Session
) -> None:
    campaign = Campaign(slug="close-up-asia", name="Close-up Asia")
    session.add(campaign)
    session.commit()
    titles = [deliver("Almaty only", ["KZ"]), deliver("Paris", ["FR"]), deliver("Tokyo", ["JP"])]
    session.add_all(TitleCampaign(title_id=t.title_id, campaign_id=campaign.id) for t in titles)  # type: ignore[arg-type]
    session.commit()

    def counts(headers: dict[str, str]) -> tuple[int, int]:
        listed = client.get("/campaigns", headers=headers).json()
        one = client.get(f"/campaigns/{campaign.id}", headers=headers).json()
        return listed[0]["title_count"], one["title_count"]

    assert counts(actors.admin) == (3, 3)
    assert counts(actors.partner) == (1, 1)
    assert counts(actors.partner_b) == (1, 1)


def test_rights_routes_answer_partners_404_like_a_missing_window(
    client: TestClient, actors: Actors, deliver: Deliver, session: Session
) -> None:
    item = deliver("Paris only", ["FR"])
    window_id = session.exec(
        select(RightsWindow.id).where(RightsWindow.title_id == item.title_id)
    ).one()
    for method, url, missing_url in [
        ("GET", f"/rights/windows/{window_id}", f"/rights/windows/{MISSING}"),
        ("PUT", f"/rights/windows/{window_id}", f"/rights/windows/{MISSING}"),
        ("DELETE", f"/rights/windows/{window_id}", f"/rights/windows/{MISSING}"),
        ("GET", f"/titles/{item.title_id}/rights", f"/titles/{MISSING}/rights"),
        ("GET", f"/titles/{item.title_id}", f"/titles/{MISSING}"),
    ]:
        other = client.request(method, url, headers=actors.partner, json={})
        missing = client.request(method, missing_url, headers=actors.partner, json={})
        assert other.status_code == 404, (method, url, other.text)
        assert shape(other) == shape(missing), (method, url)
    for url in ("/rights/windows", "/rights/export"):
        assert client.get(url, headers=actors.partner).status_code == 404, url
    assert client.get(f"/rights/windows/{window_id}", headers=actors.admin).status_code == 200
    assert client.post("/rights/windows", json={}, headers=actors.editor).status_code == 403


def test_every_route_answers_another_partners_object_like_a_missing_one(
    app: FastAPI,
    client: TestClient,
    pages: TestClient,
    actors: Actors,
    deliver: Deliver,
    session: Session,
) -> None:
    only_b, others = partner_b_objects(client, actors, deliver, session)
    others["path"] = _poster_path(session, only_b.asset_id)
    missing = {k: MISSING for k in others} | {"upload_id": "f" * 32, "path": others["path"]}
    # Campaigns are shared by every partner: there is no "another partner's" campaign.
    shared = {"campaign_id"}
    checked, problems = 0, []
    for method, path, _route in routes_with_ids(app):
        names = re.findall(r"{(\w+)(?::\w+)?}", path)
        if path in TOKEN_ROUTES or set(names) & shared:
            continue
        assert all(n in others for n in names), f"{method} {path}: give the test an object"

        def url(ids: dict[str, Any], path: str = path) -> str:
            return re.sub(r"{(\w+)(?::\w+)?}", lambda m: str(ids[m.group(1)]), path)

        if path.startswith("/web/"):
            answers = [pages.request(method, url(ids)) for ids in (others, missing)]
        else:
            answers = [
                client.request(method, url(ids), headers=actors.partner, json={})
                for ids in (others, missing)
            ]
        checked += 1
        if answers[0].status_code < 400 or shape(answers[0]) != shape(answers[1]):
            problems.append(
                f"{method} {path}: {answers[0].status_code} {answers[0].text[:100]!r} "
                f"vs missing {answers[1].status_code} {answers[1].text[:100]!r}"
            )
    assert problems == []
    assert checked >= 50
