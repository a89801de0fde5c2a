"""The FFmpeg the service runs: refused at start when unsupported, reported by `/readyz` and
`catalogue config` (issue 13, item 9)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from catalogue.app import create_app
from catalogue.media.ffmpeg import FFmpegUnusable
from tests.conftest import Database
from tests.support.ffmpeg import old_ffmpeg
from transcoder.build import require_supported
from transcoder.config import TranscoderConfig


def _cli(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CATALOGUE_DATA_DIR": str(data_dir), "COLUMNS": "400", **env}
    environment.pop("CATALOGUE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "catalogue.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_readyz_reports_the_ffmpeg_version_and_libraries(client: TestClient) -> None:
    installed = require_supported(TranscoderConfig())
    response = client.get("/readyz")
    assert response.status_code == 200
    ffmpeg = response.json()["ffmpeg"]
    assert ffmpeg["status"] == "ok" and ffmpeg["version"] == installed.version
    assert ffmpeg["libraries"]["libx264"] is True and "libvmaf" in ffmpeg["libraries"]
    assert ffmpeg["licence"] == installed.licence
    # Public endpoint: the version, not where the binary lives or its whole configuration.
    assert "path" not in ffmpeg and "configuration" not in ffmpeg


def test_readyz_is_unavailable_on_an_ffmpeg_below_the_minimum(
    client: TestClient, database: Database, tmp_path: Path
) -> None:
    database.settings.ffmpeg_path = old_ffmpeg(tmp_path / "old")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["database"] == "ok"
    assert "older than 5.1" in body["ffmpeg"]["status"]


def test_the_service_refuses_to_start_on_an_ffmpeg_below_the_minimum(
    database: Database, tmp_path: Path
) -> None:
    settings = database.settings.model_copy(update={"ffmpeg_path": old_ffmpeg(tmp_path / "old")})
    app = create_app(settings, database.engine)
    refused = pytest.raises(FFmpegUnusable, match=r"4\.4\.2-0ubuntu0\.22\.04\.1 .* older than 5\.1")
    with refused, TestClient(app):
        pass


@pytest.mark.parametrize("command", [["serve", "--no-migrate"], ["worker", "--until-idle"]])
def test_serve_and_worker_refuse_an_old_ffmpeg_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    result = _cli(tmp_path, *command, CATALOGUE_FFMPEG_PATH=old_ffmpeg(tmp_path / "old"))
    assert result.returncode == 1
    assert "error:" in result.stderr and "older than 5.1" in result.stderr
    assert "apt-get install ffmpeg" in result.stderr and "Traceback" not in result.stderr


def test_serve_without_any_ffmpeg_says_how_to_install_it(tmp_path: Path) -> None:
    result = _cli(tmp_path, "serve", "--no-migrate", PATH=str(tmp_path / "empty"))
    assert result.returncode == 1
    assert "ffmpeg not found" in result.stderr and "apt-get install ffmpeg" in result.stderr


def test_config_shows_the_ffmpeg_build(tmp_path: Path) -> None:
    installed = require_supported(TranscoderConfig())
    result = _cli(tmp_path, "config")
    assert result.returncode == 0, result.stderr
    assert installed.version in result.stdout and installed.path in result.stdout
    assert "libx264 yes" in result.stdout and "libvmaf" in result.stdout
    assert "--enable-libx264" in result.stdout


def test_config_still_prints_when_ffmpeg_is_unusable(tmp_path: Path) -> None:
    result = _cli(tmp_path, "config", CATALOGUE_FFMPEG_PATH=str(tmp_path / "nope"))
    assert result.returncode == 0, result.stderr
    assert "UNUSABLE" in result.stdout and "CATALOGUE_DATA_DIR" in result.stdout
