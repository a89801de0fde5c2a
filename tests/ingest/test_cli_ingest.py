"""`catalogue ingest` as an editor runs it: a subprocess uploading to a real server, which probes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Actors, Database
from tests.support.server import ServerProcess


@pytest.fixture
def server(
    database: Database, client: TestClient, actors: Actors, tmp_path: Path
) -> Iterator[ServerProcess]:
    running = ServerProcess(database.settings, tmp_path / "server.log", jobs=True).start()
    yield running
    running.stop()


def _ingest(
    server: ServerProcess, actors: Actors, path: Path, title_id: int, home: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CATALOGUE_DATA_DIR": str(home),
           "CATALOGUE_TOKEN": actors.editor["Authorization"].removeprefix("Bearer "), "COLUMNS": "200"}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "catalogue.cli", "ingest", str(path), "--title", str(title_id),
         "--server", server.url, "--wait", "60", *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_ingest_uploads_and_prints_the_probe_result(
    server: ServerProcess, actors: Actors, title_id: int, masters: dict[str, Path], tmp_path: Path
) -> None:
    done = _ingest(server, actors, masters["prores_mov"], title_id, tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert "uploaded as asset" in done.stdout
    assert "ready" in done.stdout
    assert "video:prores" in done.stdout


def test_ingest_of_a_rejected_file_says_why_and_fails(
    server: ServerProcess, actors: Actors, title_id: int, hostile: dict[str, Path], tmp_path: Path
) -> None:
    done = _ingest(
        server, actors, hostile["zip_as_mp4"], title_id, tmp_path / "home", "--kind", "trailer"
    )
    assert done.returncode == 1
    assert "rejected: not a video file: ZIP archive" in done.stderr
    assert "Traceback" not in done.stderr
