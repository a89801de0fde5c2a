"""The partner catalogue's content, the delivery manifest (checked with the real `sha256sum -c`
over files fetched through a signed link), and EBUCore metadata."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

from _delivery_fixtures import Deliver
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.delivery.ebucore import DC, EBUCORE
from catalogue.models import Title, TitleLocalization
from tests.conftest import Actors

NS = {"ebucore": EBUCORE, "dc": DC}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_partner_catalogue_lists_renditions_and_languages(
    client: TestClient, actors: Actors, deliver: Deliver
) -> None:
    item = deliver("Steppe", ["KZ"])
    catalogue = client.get("/partner/catalogue", headers=actors.partner).json()
    assert catalogue["countries"] == ["KZ"] and [i["title_id"] for i in catalogue["items"]] == [
        item.title_id
    ]
    entry = catalogue["items"][0]
    assert entry["windows"][0]["media_right"] == "public_screening"
    (renditions,) = entry["renditions"]
    assert renditions["asset_id"] == item.asset_id and renditions["formats"] == ["hls", "mp4"]
    assert renditions["variants"] and renditions["total_bytes"] > 0
    assert entry["audio_languages"] == ["en", "fr"]  # from the master's tagged tracks
    # a period in the future: only windows that reach it count
    later = client.get(
        "/partner/catalogue",
        params={"from": "2999-01-01", "to": "2999-12-31"},
        headers=actors.partner,
    )
    assert [i["title_id"] for i in later.json()["items"]] == [item.title_id]
    # staff look through a partner's eyes, and must say whose
    assert client.get("/partner/catalogue", headers=actors.admin).status_code == 422
    staff = client.get(
        "/partner/catalogue", params={"partner_id": actors.partner_b_id}, headers=actors.admin
    )
    assert staff.json()["items"] == []


def test_manifest_checksums_verify_with_sha256sum(
    client: TestClient, actors: Actors, deliver: Deliver, tmp_path: Path
) -> None:
    item = deliver("Steppe", ["KZ"])
    manifest = client.get(f"/titles/{item.title_id}/manifest", headers=actors.partner).json()
    assert manifest["partner_id"] == actors.partner_id and manifest["total_bytes"] == sum(
        f["size"] for f in manifest["files"]
    )
    (asset,) = manifest["assets"]
    assert (
        asset["loudness"]["integrated_lufs"] is not None
        and asset["master_playlist"] == f"{item.asset_id}/master.m3u8"
    )
    sums = client.get(f"/titles/{item.title_id}/manifest.sha256", headers=actors.partner).text
    assert len(sums.splitlines()) == len(manifest["files"])
    link = client.post(f"/assets/{item.asset_id}/links", headers=actors.partner).json()
    for path, url in link["files"].items():
        target = tmp_path / str(item.asset_id) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(client.get("/" + url.split("://", 1)[1].split("/", 1)[1]).content)
    (tmp_path / "SHA256SUMS").write_text(sums)
    sha256sum = shutil.which("sha256sum")
    assert sha256sum is not None
    checked = subprocess.run(
        [sha256sum, "-c", "--strict", "SHA256SUMS"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == len(manifest["files"])
    # and a changed byte is caught
    first = tmp_path / manifest["files"][0]["path"]
    first.write_bytes(b"x" + first.read_bytes()[1:])
    assert (
        subprocess.run(
            [sha256sum, "-c", "--quiet", "SHA256SUMS"],
            cwd=tmp_path,
            capture_output=True,
            timeout=60,
        ).returncode
        == 1
    )


def test_ebucore_describes_the_title(
    client: TestClient, actors: Actors, deliver: Deliver, session: Session
) -> None:
    item = deliver("Steppe", ["KZ"])
    title = session.get(Title, item.title_id)
    assert title is not None
    title.eidr_title_id = "10.5240/7791-8534-2C23-9030-8610-5"
    title.runtime_minutes = 52
    session.add_all([
        title,
        TitleLocalization(title_id=item.title_id, language="ru", title="Степь", synopsis="Ветер над степью."),
        TitleLocalization(title_id=item.title_id, language="kk", title="Дала", synopsis=""),
    ])  # fmt: skip
    session.commit()
    response = client.get(f"/titles/{item.title_id}/ebucore.xml", headers=actors.partner)
    assert response.status_code == 200 and response.headers["content-type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{EBUCORE}}}ebuCoreMain"
    core = root.find("ebucore:coreMetadata", NS)
    assert core is not None
    assert core.findtext("ebucore:title/dc:title", namespaces=NS) == "Steppe"
    alternatives = {
        t.get(XML_LANG): t.text for t in core.findall("ebucore:alternativeTitle/dc:title", NS)
    }
    assert alternatives == {"kk": "Дала", "ru": "Степь"}
    assert [d.text for d in core.findall("ebucore:description/dc:description", NS)] == [
        "Ветер над степью."
    ]
    assert core.findtext("ebucore:language/dc:language", namespaces=NS) == "zh-Hans"
    eidr = core.find("ebucore:identifier[@typeLabel='EIDR']/dc:identifier", NS)
    assert eidr is not None and eidr.text == "10.5240/7791-8534-2C23-9030-8610-5"
    assert core.find("ebucore:date/ebucore:created", NS).get("startYear") == "2024"  # type: ignore[union-attr]
    assert core.find("ebucore:type/ebucore:genre", NS).get("typeLabel") == "documentary"  # type: ignore[union-attr]
    assert (
        core.findtext("ebucore:format/ebucore:duration/ebucore:normalPlayTime", namespaces=NS)
        == "PT52M"
    )
