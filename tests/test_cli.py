"""The `catalogue` command, run as an operator would: a real process, real database file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server import free_port


def run(
    data_dir: Path, *args: str, input_text: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "CATALOGUE_DATA_DIR": str(data_dir),
        "COLUMNS": "200",
        **(env or {}),
    }
    environment.pop("CATALOGUE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "catalogue.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        input=input_text,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo")
    result = run(data_dir, "demo", "--no-serve", "--no-media")
    assert result.returncode == 0, result.stderr
    return data_dir


def test_demo_loads_catalogue_and_prints_tokens(demo_dir: Path) -> None:
    result = run(demo_dir, "demo", "--no-serve", "--no-media")  # second run: idempotent
    assert result.returncode == 0, result.stderr
    assert "9 titles, 3 campaigns, 9 partners, 9 venues" in result.stdout
    assert result.stdout.count("cat_") == 5


def test_titles_search_from_cli(demo_dir: Path) -> None:
    result = run(demo_dir, "titles", "--q", "雪豹")
    assert result.returncode == 0, result.stderr
    assert "雪豹守护者" in result.stdout and "1 titles" in result.stdout


def test_users_create_token_list_revoke(demo_dir: Path) -> None:
    created = run(demo_dir, "users", "create", "oti-user", "--role", "partner", "--partner", "oti")
    assert created.returncode == 0, created.stderr
    assert "token (shown once): cat_" in created.stdout
    issued = run(demo_dir, "users", "token", "oti-user", "--name", "second", "--days", "3")
    assert issued.returncode == 0 and "cat_" in issued.stdout
    token_id = issued.stdout.split()[1]
    listed = run(demo_dir, "users", "tokens", "oti-user")
    assert "second" in listed.stdout and "cat_" in listed.stdout  # prefixes only
    assert run(demo_dir, "users", "revoke", token_id).returncode == 0
    assert "oti-user" in run(demo_dir, "users", "list").stdout
    assert run(demo_dir, "users", "disable", "oti-user").returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["users", "create", "x1", "--role", "partner", "--partner", "nope"],
            "no partner with slug 'nope'",
        ),
        (["users", "create", "demo-admin", "--role", "admin"], "already exists"),
        (["users", "create", "y1", "--role", "partner"], "partner_id is required"),
        (["users", "token", "ghost"], "user 'ghost' not found"),
        (["users", "revoke", "99999"], "token 99999 not found"),
        (["users", "create", "!", "--role", "admin"], "username"),
    ],
)
def test_errors_are_one_line_and_nonzero(demo_dir: Path, args: list[str], message: str) -> None:
    result = run(demo_dir, *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_usage_error_exits_2(demo_dir: Path) -> None:
    result = run(demo_dir, "users", "create", "z", "--role", "wizard")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_db_commands(tmp_path: Path) -> None:
    assert "up to date" not in run(tmp_path, "db", "current").stdout
    assert run(tmp_path, "db", "upgrade").returncode == 0
    assert "up to date" in run(tmp_path, "db", "current").stdout
    assert run(tmp_path, "db", "downgrade", "base").returncode == 0
    assert "revision none" in run(tmp_path, "db", "current").stdout


def test_production_refuses_default_secret(tmp_path: Path) -> None:
    result = run(tmp_path, "config", env={"CATALOGUE_ENVIRONMENT": "production"})
    assert result.returncode == 1
    assert "production mode needs CATALOGUE_SECRET_KEYS" in result.stderr
    ok = run(
        tmp_path,
        "config",
        env={"CATALOGUE_ENVIRONMENT": "production", "CATALOGUE_SECRET_KEYS": "s" * 40},
    )
    assert ok.returncode == 0 and "********" in ok.stdout and "s" * 40 not in ok.stdout


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        "users",
        "list",
        env={"CATALOGUE_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"},
    )
    assert result.returncode == 1 and "database unavailable" in result.stderr


def test_demo_serves_the_api_with_the_demo_catalogue(tmp_path: Path) -> None:
    port = free_port()
    environment = {**os.environ, "CATALOGUE_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    environment.pop("CATALOGUE_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "catalogue.cli", "demo", "--no-media", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )
    try:
        assert server.stdout is not None
        token = None
        for line in server.stdout:
            if line.strip().startswith("demo-programmer"):
                token = line.split()[-1]
            if "Serving the catalogue" in line:
                break
        assert token, "the demo printed no token"
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}
        ) as client:
            for _ in range(100):
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            titles = client.get("/titles", params={"q": "Silk Road"}).json()
            assert [t["original_title"] for t in titles["items"]] == ["丝路回响"]
            assert client.get("/readyz").status_code == 200
    finally:
        server.terminate()
        server.wait(20)
        if server.stdout:
            server.stdout.close()


@pytest.mark.slow
def test_demo_ingests_and_transcodes_its_media(tmp_path: Path) -> None:
    result = run(tmp_path, "demo", "--no-serve")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 new masters generated and ingested" in result.stdout
    assert "12 new tracks published" in result.stdout
    assert "failed" not in result.stdout
    playlists = list((tmp_path / "media").rglob("master.m3u8"))
    assert len(playlists) == 7
    # the published subtitles were delivered into the ladders, and the tours have screenings
    assert sum("TYPE=SUBTITLES" in p.read_text() for p in playlists) == 5
    tours = [line for line in result.stdout.splitlines() if line.startswith("tour ")]
    assert len(tours) == 2 and all("objective 0" not in line for line in tours), tours
    again = run(tmp_path, "demo", "--no-serve")
    assert "0 new masters" in again.stdout and "0 new tracks" in again.stdout
