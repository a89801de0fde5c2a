"""The demo's rights: the Almaty cinema sees what is licensed for Central Asia, the Paris cinema
what is licensed for France; loading twice changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from catalogue import demo
from catalogue.models import RightsWindow
from catalogue.rights.demo import load_rights
from tests.conftest import Actors


def test_demo_partners_see_their_territories_titles(
    client: TestClient, actors: Actors, session: Session
) -> None:
    demo.load(session)  # the actors' partners are the demo's almaty-film-centre and lumiere-paris
    windows = len(session.exec(select(RightsWindow.id)).all())
    assert windows == 10
    assert load_rights(session, demo.ASSETS) == 0

    def seen(headers: dict[str, str]) -> set[str]:
        items = client.get("/partner/catalogue", headers=headers).json()["items"]
        return {
            i["original_title"]
            for i in items
            if i["kind"] != "promo" and "集" not in i["original_title"]
        }

    almaty = seen(actors.partner)
    paris = seen(actors.partner_b)
    assert {"丝路回响", "2025年春节联欢晚会", "胡同里的早晨"} <= almaty
    assert almaty.isdisjoint(
        {"雪豹守护者", "刺桐港灯火", "筑梦天宫"}
    )  # Europe only, expired here, draft
    assert paris == {"雪豹守护者", "刺桐港灯火"}
    availability = client.get(
        "/availability", params={"region": "Central Asia", "right": "free_tv", "from": "2027-01-01", "to": "2027-03-31"},
        headers=actors.programmer,
    ).json()  # fmt: skip
    echoes = next(i for i in availability["items"] if i["original_title"] == "丝路回响")
    assert not echoes["available"] and {r["code"] for r in echoes["reasons"]} == {"holdback"}
