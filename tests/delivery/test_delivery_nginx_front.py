"""nginx as deployed (deploy/nginx.conf.template, the file scripts/cluster.sh and docker-compose.yml
use) in front of a real API server with CATALOGUE_DELIVERY_OFFLOAD=nginx: the partner's download
is sent by nginx from the internal location the way nginx sends a file it serves directly, by
sendfile on a corked connection (tcp_nopush). nginx's debug log (Debian builds it with debug)
shows what it did on the connection."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from _delivery_fixtures import Deliver
from fastapi.testclient import TestClient

from catalogue.settings import DeliveryOffload, Settings
from tests.conftest import Actors
from tests.support.server import free_port

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf.template"
INTERNAL = "/_media/"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"delivery_offload": DeliveryOffload.nginx, "delivery_internal_location": INTERNAL}
    )


def _nginx_binary() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(found).exists(), "nginx is not installed: apt-get install nginx-light"
    return found


@pytest.fixture
def front(server: str, settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """nginx from the deployed template before `server`; its URL and its debug log."""
    work = tmp_path / "nginx"
    work.mkdir()
    port = free_port()
    api = server.removeprefix("http://")
    values = {"API1": api, "API2": api, "LISTEN": f"127.0.0.1:{port}",
              "MEDIA_ROOT": str(settings.media_root), "INTERNAL_LOCATION": INTERNAL}  # fmt: skip
    site = TEMPLATE.read_text()
    for name, value in values.items():
        site = site.replace("${CATALOGUE_NGINX_" + name + "}", value)
    (work / "site.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""
    temp = " ".join(f"{kind}_temp_path {work / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    (work / "nginx.conf").write_text(
        f"{user} worker_processes 1; pid {work}/nginx.pid; error_log {work}/debug.log debug;\n"
        f"events {{ worker_connections 64; }}\n"
        f"http {{ access_log off; {temp} include {work}/site.conf; }}\n"
    )
    command = [_nginx_binary(), "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"]  # fmt: skip
    with (work / "stderr.log").open("wb") as stderr:
        proc = subprocess.Popen(command, stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, (work / "stderr.log").read_text()
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "nginx did not answer in 30 s"
                time.sleep(0.1)
        yield url, work / "debug.log"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_download_through_nginx_goes_out_by_sendfile_on_a_corked_connection(
    client: TestClient, actors: Actors, deliver: Deliver, settings: Settings,
    front: tuple[str, Path],
) -> None:  # fmt: skip
    url, log = front
    item = deliver("Steppe", ["KZ"])
    issued = client.post(f"/assets/{item.asset_id}/links", headers=actors.partner).json()
    path = issued["delivery_video_url"].split("://", 1)[1].split("/", 1)[1]
    key = (
        f"{item.prefix.rstrip('/')}/{issued['delivery_video_url'].removeprefix(issued['base_url'])}"
    )
    before = log.stat().st_size
    video = httpx.get(f"{url}/{path}", timeout=30)
    assert video.status_code == 200
    assert video.content == (settings.media_root / key).read_bytes()
    with log.open("rb") as debug:
        debug.seek(before)
        done = debug.read().decode(errors="replace")
    assert "sendfile: @0" in done, "nginx did not send the file by sendfile"
    # Without tcp_nopush the file went out in more, smaller segments, at about 0.75x the speed of
    # nginx serving it directly (bench/download_bench.py).
    assert "tcp_nopush" in done, "nginx sent the file on a connection it did not cork"
