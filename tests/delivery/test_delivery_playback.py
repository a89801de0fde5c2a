"""A real player's view: FFmpeg opens the HLS master playlist through a signed link on a real
uvicorn server (127.0.0.1), follows the relative URIs to variant playlists and segments under the
signed prefix, and decodes the whole programme."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from _delivery_fixtures import Deliver
from fastapi import FastAPI

from tests.conftest import Actors
from transcoder.binaries import ffmpeg_path
from transcoder.config import TranscoderConfig


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started
    port = running.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


def test_ffmpeg_plays_hls_through_a_signed_link(
    server: str, actors: Actors, deliver: Deliver
) -> None:
    item = deliver("Steppe", ["KZ"])
    issued = httpx.post(
        f"{server}/assets/{item.asset_id}/links", headers=actors.partner, timeout=30
    )
    assert issued.status_code == 201, issued.text
    master = issued.json()["master_playlist_url"]
    assert master.startswith(server + "/d/")
    played = subprocess.run(
        [ffmpeg_path(TranscoderConfig()), "-v", "error", "-protocol_whitelist", "http,tcp,https,tls,crypto",
         "-i", master, "-map", "0:v:0", "-map", "0:a:0", "-f", "null", "-"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert played.returncode == 0, played.stderr[-2000:]
    # the same URL with a tampered token plays nothing
    token = master.split("/d/")[1].split("/")[0]
    broken = master.replace(token, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    refused = subprocess.run(
        [ffmpeg_path(TranscoderConfig()), "-v", "error", "-protocol_whitelist", "http,tcp", "-i", broken, "-f", "null", "-"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode != 0 and "404" in refused.stderr
