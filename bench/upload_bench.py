"""Upload throughput through tus versus writing the same bytes to the same disk, and the server's
peak memory. A real uvicorn server in a subprocess on 127.0.0.1, a real tus client (tuspy).

    uv run python bench/upload_bench.py              # 2 GiB
    uv run python bench/upload_bench.py --size 256M --chunk 32M --checksum

Targets (issue 14): tus throughput >= 0.8x of a direct write; server peak RSS < 200 MB whatever
the size. Both sides write into the same directory (--dir), so to the same disk. The server's CPU
per GiB is printed too: the ratio moves with whatever else uses the disk and the cores.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine
from sqlmodel import Session
from tusclient.client import TusClient

from catalogue import migrate
from catalogue.accounts import service as accounts
from catalogue.models import Role, Title, TitleKind
from catalogue.models.accounts import UserCreate

BLOCK = 1024 * 1024
UNITS = {"K": 1024, "M": 1024**2, "G": 1024**3}


def parse_size(text: str) -> int:
    unit = UNITS.get(text[-1].upper())
    return int(float(text[:-1]) * unit) if unit else int(text)


def make_source(path: Path, size: int) -> None:
    """Incompressible-looking bytes without paying os.urandom for all of them: a random 16 MiB
    pool, each MiB stamped with its index (no two blocks alike, no sparse holes)."""
    pool = os.urandom(16 * BLOCK)
    with path.open("wb") as out:
        for index in range(0, size, BLOCK):
            start = (index // BLOCK * 7919 * 4096) % (15 * BLOCK)
            block = index.to_bytes(8, "big") + pool[start + 8 : start + BLOCK]
            out.write(block[: min(BLOCK, size - index)])


def direct_write(source: Path, target: Path) -> float:
    """Seconds to copy `source` to `target` in 1 MiB writes (what the server does, minus HTTP)."""
    started = time.perf_counter()
    with source.open("rb") as src, target.open("wb") as out:
        while data := src.read(BLOCK):
            out.write(data)
    return time.perf_counter() - started


def prepare(data_dir: Path) -> tuple[str, int]:
    engine = create_engine(f"sqlite:///{data_dir / 'catalogue.db'}")
    migrate.upgrade(engine)
    with Session(engine) as session:
        user = accounts.create_user(session, UserCreate(username="bench", role=Role.editor))
        token = accounts.issue_token(session, user, "bench", None).token
        title = Title(kind=TitleKind.documentary, original_title="Bench", original_language="en")
        session.add(title)
        session.commit()
        assert title.id is not None
        title_id = title.id
    engine.dispose()
    return token, title_id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CATALOGUE_DATA_DIR": str(data_dir), "CATALOGUE_JOB_POOL_ENABLED": "false",
           "CATALOGUE_LOG_LEVEL": "WARNING"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "catalogue.app:create_app", "--factory",
         "--http", "httptools", "--loop", "uvloop",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def rss_mb(pid: int, field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="2G", help="bytes to upload, e.g. 2G, 256M (default 2G)")
    parser.add_argument("--chunk", default="64M", help="tus PATCH size (default 64M)")
    parser.add_argument(
        "--checksum", action="store_true", help="send Upload-Checksum (sha1) per chunk"
    )
    parser.add_argument(
        "--dir", type=Path, default=None, help="data directory (default: a temp dir)"
    )
    args = parser.parse_args()
    size, chunk = parse_size(args.size), parse_size(args.chunk)

    data_dir = Path(tempfile.mkdtemp(prefix="upload-bench-", dir=args.dir))
    try:
        source = data_dir / "source.bin"
        make_source(source, size)
        token, title_id = prepare(data_dir)
        os.sync()
        direct_s = direct_write(source, data_dir / "direct.bin")
        (data_dir / "direct.bin").unlink()
        os.sync()

        port = free_port()
        server = start_server(data_dir, port)
        try:
            idle_rss = rss_mb(server.pid, "VmRSS")
            cpu_before = cpu_s(server.pid)
            headers = {"Authorization": f"Bearer {token}"}
            uploader = TusClient(f"http://127.0.0.1:{port}/uploads", headers=headers).uploader(
                file_path=str(source), chunk_size=chunk, upload_checksum=args.checksum,
                metadata={"title_id": str(title_id), "kind": "main", "filename": "bench.mov"},
            )  # fmt: skip
            started = time.perf_counter()
            uploader.upload()
            tus_s = time.perf_counter() - started
            peak_rss = rss_mb(server.pid, "VmHWM")
            server_cpu_s = cpu_s(server.pid) - cpu_before
            assert uploader.url is not None, "the upload was not created"
            head = httpx.head(uploader.url, headers={**headers, "Tus-Resumable": "1.0.0"})
            asset = httpx.get(
                f"http://127.0.0.1:{port}/assets/{head.headers['Catalogue-Asset-Id']}",
                headers=headers,
            ).json()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        digest = hashlib.sha256()
        with source.open("rb") as src:
            while data := src.read(16 * BLOCK):
                digest.update(data)
        assert asset["sha256"] == digest.hexdigest(), "stored SHA-256 differs from the source's"
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    mib = size / BLOCK
    print(
        f"size                 {mib:,.0f} MiB, tus chunk {chunk // BLOCK} MiB, checksum {'sha1' if args.checksum else 'off'}"
    )
    print(f"direct write         {mib / direct_s:8.1f} MiB/s  ({direct_s:.2f} s)")
    print(f"tus upload           {mib / tus_s:8.1f} MiB/s  ({tus_s:.2f} s), SHA-256 verified")
    print(f"ratio tus/direct     {direct_s / tus_s:8.2f}   (target >= 0.80)")
    print(f"machine load average {os.getloadavg()[0]:8.1f}   on {os.cpu_count()} CPUs")
    print(f"server RSS idle      {idle_rss:8.1f} MB")
    print(f"server RSS peak      {peak_rss:8.1f} MB   (target < 200 MB)")
    print(f"server CPU           {server_cpu_s / (size / UNITS['G']):8.2f} s per GiB received")


if __name__ == "__main__":
    main()
