"""Ingest fixtures: a title to upload to, tus requests through the app, generated media."""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass
from inspect import signature
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from catalogue.worker import run_until_idle
from tests.conftest import Actors, Database
from transcoder import testmedia
from transcoder.config import TranscoderConfig

TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = {"Content-Type": "application/offset+octet-stream"}
CANARY_TEXT = "CANARY-sibling-asset-bytes-must-never-be-read"


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def sha1_header(data: bytes, algorithm: str = "sha1") -> str:
    digest = hashlib.new(algorithm, data).digest()
    return f"{algorithm} {base64.b64encode(digest).decode()}"


@dataclass
class Started:
    url: str
    asset_id: int


def start_upload(
    client: TestClient,
    headers: dict[str, str],
    length: int,
    title_id: int,
    *,
    kind: str = "main",
    filename: str = "master.mp4",
) -> Started:
    response = client.post(
        "/uploads",
        headers={
            **headers,
            **TUS,
            "Upload-Length": str(length),
            "Upload-Metadata": metadata(title_id=str(title_id), kind=kind, filename=filename),
        },
    )
    assert response.status_code == 201, response.text
    return Started(response.headers["Location"], int(response.headers["Catalogue-Asset-Id"]))


def upload_bytes(
    client: TestClient,
    headers: dict[str, str],
    data: bytes,
    title_id: int,
    *,
    kind: str = "main",
    filename: str = "master.mp4",
    chunk: int = 256 * 1024,
) -> Started:
    """A whole file through the tus endpoint in `chunk`-sized PATCHes, each with a checksum."""
    started = start_upload(client, headers, len(data), title_id, kind=kind, filename=filename)
    offset = 0
    while offset < len(data) or not data:
        piece = data[offset : offset + chunk]
        response = client.patch(
            started.url,
            content=piece,
            headers={
                **headers,
                **TUS,
                **OCTETS,
                "Upload-Offset": str(offset),
                "Upload-Checksum": sha1_header(piece),
            },
        )
        assert response.status_code == 204, response.text
        offset = int(response.headers["Upload-Offset"])
        if not data:
            break
    return started


def settle(
    client: TestClient, headers: dict[str, str], database: Database, asset_id: int
) -> dict[str, object]:
    """Run queued jobs (or wait for the embedded pool) until the asset is ready or rejected."""
    deadline = time.monotonic() + 60
    while True:
        run_until_idle(database.engine, database.settings)
        asset: dict[str, object] = client.get(f"/assets/{asset_id}", headers=headers).json()
        if asset["state"] in ("ready", "rejected") or time.monotonic() > deadline:
            return asset
        time.sleep(0.05)


@pytest.fixture
def title_id(client: TestClient, actors: Actors) -> int:
    response = client.post(
        "/titles",
        headers=actors.editor,
        json={"kind": "drama", "original_title": "Көшпенділер", "original_language": "kk"},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.fixture(scope="session")
def media_cfg() -> TranscoderConfig:
    return TranscoderConfig(probe_timeout_s=30, ffmpeg_timeout_s=120)


@pytest.fixture(scope="session")
def masters(
    tmp_path_factory: pytest.TempPathFactory, media_cfg: TranscoderConfig
) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("masters")
    return {name: make(directory, cfg=media_cfg) for name, make in testmedia.REAL_WORLD.items()}


@pytest.fixture(scope="session")
def hostile(
    tmp_path_factory: pytest.TempPathFactory, media_cfg: TranscoderConfig
) -> dict[str, Path]:
    """Hostile files that are regular files (a FIFO cannot be uploaded: it has no bytes)."""
    directory = tmp_path_factory.mktemp("hostile")
    return {
        name: make(directory, cfg=media_cfg)
        if "cfg" in signature(make).parameters
        else make(directory)
        for name, make in testmedia.HOSTILE.items()
        if name != "fifo_as_mp4"
    }
