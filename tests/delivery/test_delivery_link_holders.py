"""A download link is only as good as whom it was issued to: it stops working when its user is
disabled or its partner suspended (issue 13, item 2), and answers 404, like a link that is not
there."""

from __future__ import annotations

from _delivery_fixtures import Deliver
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from catalogue.models import User
from tests.conftest import Actors


def _link(client: TestClient, headers: dict[str, str], asset_id: int) -> str:
    response = client.post(f"/assets/{asset_id}/links", headers=headers)
    assert response.status_code == 201, response.text
    return "/" + response.json()["master_playlist_url"].split("://", 1)[1].split("/", 1)[1]


def _colleague(client: TestClient, actors: Actors) -> dict[str, str]:
    """A second user of the first partner, with a token."""
    body = {"username": "partner_two", "role": "partner", "partner_id": actors.partner_id}
    created = client.post("/users", json=body, headers=actors.admin)
    assert created.status_code == 201, created.text
    issued = client.post(
        f"/users/{created.json()['id']}/tokens", json={"name": "t"}, headers=actors.admin
    )
    return {"Authorization": f"Bearer {issued.json()['token']}"}


def test_links_of_a_disabled_user_stop_working(
    client: TestClient, actors: Actors, deliver: Deliver, session: Session
) -> None:
    item = deliver("Steppe", ["KZ"])
    colleague = _colleague(client, actors)
    mine, theirs = (
        _link(client, actors.partner, item.asset_id),
        _link(client, colleague, item.asset_id),
    )
    assert client.get(mine).status_code == 200 and client.get(theirs).status_code == 200
    user = session.exec(select(User).where(User.username == "partner")).one()
    disabled = client.patch(f"/users/{user.id}", json={"is_active": False}, headers=actors.admin)
    assert disabled.status_code == 200
    refused = client.get(mine)
    assert refused.status_code == 404 and refused.json()["detail"] == "not found"
    assert client.get(theirs).status_code == 200  # the same partner's other user keeps theirs


def test_links_of_a_suspended_partner_stop_working(
    client: TestClient, actors: Actors, deliver: Deliver
) -> None:
    item = deliver("Steppe", ["KZ", "FR"])
    mine, other = (
        _link(client, actors.partner, item.asset_id),
        _link(client, actors.partner_b, item.asset_id),
    )
    suspended = client.patch(
        f"/partners/{actors.partner_id}", json={"status": "suspended"}, headers=actors.admin
    )
    assert suspended.status_code == 200, suspended.text
    refused = client.get(mine)
    assert refused.status_code == 404 and refused.json()["detail"] == "not found"
    assert client.get(other).status_code == 200  # another partner's link is untouched
    assert client.post(f"/assets/{item.asset_id}/links", headers=actors.partner).status_code == 401
