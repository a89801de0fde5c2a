"""A title's delivery package: each file as an attachment with its size and SHA-256, and all of
them as one ZIP streamed from storage, checked with the real `sha256sum -c` after unzipping."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from _delivery_fixtures import Deliver
from fastapi.testclient import TestClient

from catalogue.delivery import package
from tests.conftest import Actors

SRT = b"1\n00:00:00,200 --> 00:00:01,500\n\xd0\x94\xd0\xbe\xd0\xb1\xd1\x80\xd0\xbe\xd0\xb5 \xd1\x83\xd1\x82\xd1\x80\xd0\xbe.\n"


def _with_subtitles(client: TestClient, actors: Actors, title_id: int) -> None:
    attached = client.post(
        f"/titles/{title_id}/subtitles",
        files={"file": ("steppe.ru.srt", SRT, "application/x-subrip")},
        data={"language": "ru", "kind": "subtitles"},
        headers=actors.editor,
    )
    assert attached.status_code == 201, attached.text
    track = attached.json()["id"]
    published = client.post(
        f"/titles/{title_id}/subtitles/{track}/status",
        json={"status": "published"},
        headers=actors.editor,
    )
    assert published.status_code == 200, published.text


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs GNU coreutils sha256sum")
def test_package_zip_unzips_and_its_manifest_passes_sha256sum(
    client: TestClient, actors: Actors, deliver: Deliver, tmp_path: Path
) -> None:
    item = deliver("Steppe", ["KZ"])
    _with_subtitles(client, actors, item.title_id)
    issued = client.post(f"/titles/{item.title_id}/package", headers=actors.partner)
    assert issued.status_code == 201, issued.text
    body = issued.json()
    names = [f["name"] for f in body["files"]]
    assert names == [
        f"main-{item.asset_id}.mp4",
        f"main-{item.asset_id}.m4a",
        "subtitles/ru.subtitles.vtt",
        "manifest.json",
        "manifest.sha256",
    ]
    assert not any(n.endswith((".m4s", ".m3u8")) for n in names)  # HLS is for preview only

    zipped = tmp_path / "package.zip"
    with client.stream("GET", body["zip_url"]) as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/zip"
        assert response.headers["content-disposition"] == 'attachment; filename="package.zip"'
        assert int(response.headers["content-length"]) == body["zip_size"]
        with zipped.open("wb") as out:
            for chunk in response.iter_bytes():
                out.write(chunk)
    assert zipped.stat().st_size == body["zip_size"]
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(zipped) as archive:
        assert archive.namelist() == names
        archive.extractall(unpacked)
    checked = subprocess.run(
        ["sha256sum", "--strict", "-c", "manifest.sha256"],
        cwd=unpacked, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == 4  # every file but the checksum file itself
    assert "Доброе утро." in (unpacked / "subtitles/ru.subtitles.vtt").read_text()

    # The same files one by one: attachments whose bytes match the listed size and SHA-256.
    for listed in body["files"]:
        one = client.get(listed["url"])
        assert one.status_code == 200
        filename = listed["name"].rsplit("/", 1)[-1]
        assert one.headers["content-disposition"] == f'attachment; filename="{filename}"'
        assert len(one.content) == listed["size"]
        assert hashlib.sha256(one.content).hexdigest() == listed["sha256"]

    video = body["files"][0]
    resumed = client.get(video["url"], headers={"Range": "bytes=100-"})
    assert resumed.status_code == 206  # an interrupted download continues
    assert resumed.headers["content-disposition"].startswith("attachment")
    assert len(resumed.content) == video["size"] - 100

    fetches = client.get("/audit", params={"action": "fetch"}, headers=actors.admin).json()
    assert any(e["target"] == f"package/{item.title_id}/package.zip" for e in fetches)


def test_package_is_only_for_a_licensed_partner_and_its_link(
    client: TestClient, actors: Actors, deliver: Deliver
) -> None:
    item = deliver("Steppe", ["KZ"])
    assert (
        client.post(f"/titles/{item.title_id}/package", headers=actors.partner_b).status_code == 404
    )
    assert client.post(f"/titles/{item.title_id}/package", headers=actors.editor).status_code == 403
    body = client.post(f"/titles/{item.title_id}/package", headers=actors.partner).json()
    token = body["zip_url"].split("/p/")[1].split("/")[0]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/p/{tampered}/package.zip").status_code == 404
    assert client.get(f"/p/{token}/../../etc/passwd").status_code == 404
    assert client.get(f"/p/{token}/renditions/master.m3u8").status_code == 404
    # A /d/ rendition link cannot be made from a package grant, nor the other way round.
    assert client.get(f"/d/{token}/master.m3u8").status_code == 404
    refused = client.get("/audit", params={"action": "refused"}, headers=actors.admin).json()
    assert any(e["target"].startswith("package ") for e in refused)


class _CountingStorage:
    """Records which keys are read, to show the ZIP reads a file only when it reaches it."""

    def __init__(self, data: dict[str, bytes]) -> None:
        self.data, self.opened = data, []  # type: ignore[var-annotated]

    def iter_bytes(self, key: str) -> Iterator[bytes]:
        self.opened.append(key)
        yield self.data[key]


def test_package_zip_is_sized_ahead_and_read_while_sent() -> None:
    blobs = {"a": b"x" * 300_000, "b": b"y" * 300_000}
    files = [
        package.PackageFile(name, len(data), hashlib.sha256(data).hexdigest(), key=name)
        for name, data in blobs.items()
    ]
    storage = _CountingStorage(blobs)
    stream = package.zipped(storage, files)  # type: ignore[arg-type]
    size = len(stream)
    assert size > 600_000 and storage.opened == []  # the length needs no byte of the files
    chunks = iter(stream)
    sent = next(chunks)
    while storage.opened == []:
        sent += next(chunks)
    assert storage.opened == ["a"]  # the second file is untouched while the first is sent
    sent += b"".join(chunks)
    assert len(sent) == size and storage.opened == ["a", "b"]
