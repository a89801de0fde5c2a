"""`catalogue serve --workers N`: N API processes on one port (a Python process serves about one
core's worth of requests), all stopped with the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server import free_port


def _workers(pid: int) -> list[int]:
    """The server's worker processes (multiprocessing's resource tracker aside)."""
    children = [int(c) for t in Path(f"/proc/{pid}/task").glob("*/children") for c in t.read_text().split()]  # fmt: skip
    return [c for c in children if b"spawn_main" in _cmdline(c)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # it has just exited
        return b""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_serve_with_two_workers_answers_from_two_processes_and_stops_them(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CATALOGUE_")}
    env.update(CATALOGUE_DATA_DIR=str(tmp_path), CATALOGUE_JOB_POOL_ENABLED="false")
    command = [
        sys.executable,
        "-m",
        "catalogue.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
    ]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180  # imports take long on a busy machine
        while len(_workers(server.pid)) < 2 or not _healthy(port):
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"not serving with 2 workers:\n{log.read_text()}"
            time.sleep(0.2)
        workers = _workers(server.pid)
        assert len(workers) == 2
        # Each process parses HTTP with httptools and runs on uvloop (C), not h11 and asyncio.
        for worker in workers:
            maps = Path(f"/proc/{worker}/maps").read_text()
            assert "/httptools/parser/parser." in maps and "/uvloop/loop." in maps, worker
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            assert [http.get("/healthz").status_code for _ in range(10)] == [200] * 10
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    assert not [w for w in workers if _alive(w)]


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False
