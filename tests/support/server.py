"""Real uvicorn servers on 127.0.0.1: one in a thread over an app object (`serving`), and one in
a subprocess over the application factory, which a test may kill -9 and restart (`ServerProcess`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import httpx
import uvicorn
from starlette.types import ASGIApp

from catalogue.settings import Settings


@contextmanager
def serving(app: ASGIApp, *, lifespan: Literal["on", "off"] = "on") -> Iterator[str]:
    """`app` served from a thread; yields its base URL and stops it on exit. With `lifespan`
    off the app's start-up (job pool, sweeper) does not run."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan=lifespan)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """The application factory under uvicorn in a child process, configured through the
    environment from `settings`; restarted on the same port by calling `start` again."""

    def __init__(
        self, settings: Settings, log: Path, *, port: int | None = None, jobs: bool = False
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = {
            **os.environ,
            "CATALOGUE_DATA_DIR": str(settings.data_dir),
            "CATALOGUE_JOB_POOL_ENABLED": "true" if jobs else "false",
            "CATALOGUE_LOG_LEVEL": "WARNING",
        }
        if settings.database_url:
            self.env["CATALOGUE_DATABASE_URL"] = settings.database_url
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        command = [sys.executable, "-m", "uvicorn", "catalogue.app:create_app", "--factory",
                   "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]  # fmt: skip
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(command, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 120  # imports alone take seconds on a busy CI machine
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("server did not start in 120 s")

    def kill(self) -> None:
        """kill -9: no shutdown, no flush, no cleanup."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
