"""A real player's view: FFmpeg opens the HLS master playlist through a signed link on a real
uvicorn server (127.0.0.1), follows the relative URIs to variant playlists and segments under the
signed prefix, and decodes the whole programme."""

from __future__ import annotations

import httpx
from _delivery_fixtures import Deliver, play

from tests.conftest import Actors


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
    played = play(master)
    assert played.returncode == 0, played.stderr[-2000:]
    # the same URL with a tampered token plays nothing
    token = master.split("/d/")[1].split("/")[0]
    broken = master.replace(token, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    refused = play(broken)
    assert refused.returncode != 0 and "404" in refused.stderr
