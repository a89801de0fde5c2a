"""Upload throughput through tus versus writing the same bytes to the same disk, and the server's
peak memory. A real uvicorn server in a subprocess on 127.0.0.1, a real tus client (tuspy).

    uv run python bench/upload_bench.py --dir DIR                     # 2 GiB, 3 rounds
    uv run python bench/upload_bench.py --size 256M --chunk 32M --checksum

Targets (issue 14): tus throughput >= 0.8x of a direct write; server peak RSS < 200 MB whatever
the size. Both sides write into the same directory (--dir), so to the same disk, and both make
the bytes durable the same way: the server `fdatasync`s each PATCH before its offset counts, so
the direct write is the server's own disk work without HTTP, tus and hashing (1 MiB writes,
writeback started every 4 MiB, `fdatasync` every --chunk bytes). A write left in the page cache
is printed for information: it measures memory, not the disk.

Each round runs both sides in alternating order, each after `sync` and a pause (--settle), so
that neither inherits the other's dirty pages or its recently used memory; the result is the
median of the rounds' ratios. The CPU per GiB of each side is printed too: it moves less than
the ratio with whatever else uses the disk and the cores.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import signal
import socket
import statistics
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
from catalogue.api.routes.uploads import FLUSH_BYTES
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


def cached_write(source: Path, target: Path) -> float:
    """Seconds to copy `source` to `target` in 1 MiB writes, left in the page cache."""
    started = time.perf_counter()
    with source.open("rb") as src, target.open("wb") as out:
        while data := src.read(BLOCK):
            out.write(data)
    return time.perf_counter() - started


def durable_write(source: Path, target: Path, chunk: int) -> float:
    """Seconds to write `source` to `target` as the server stages a tus upload, minus HTTP, tus and
    hashing: 1 MiB writes, writeback started every FLUSH_BYTES (what `StagedPatch.write` asks of
    the kernel), `fdatasync` at the end of every `chunk` (each PATCH is durable before it counts)."""
    started = time.perf_counter()
    with source.open("rb") as src, target.open("wb") as out:
        fd, advised, written = out.fileno(), 0, 0
        while data := src.read(BLOCK):
            out.write(data)
            written += len(data)
            if written - advised >= FLUSH_BYTES:
                out.flush()
                os.posix_fadvise(fd, advised, written - advised, os.POSIX_FADV_DONTNEED)
                advised = written
            if written % chunk == 0:
                out.flush()
                os.fdatasync(fd)
        out.flush()
        os.fdatasync(fd)
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


def own_cpu_s() -> float:
    """User and system CPU seconds of this process (the tus client, the direct write) so far."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def upload(
    port: int, token: str, title_id: int, source: Path, chunk: int, checksum: bool
) -> tuple[float, str]:
    """Seconds for one tus upload of `source`, and the SHA-256 the server stored."""
    headers = {"Authorization": f"Bearer {token}"}
    uploader = TusClient(f"http://127.0.0.1:{port}/uploads", headers=headers).uploader(
        file_path=str(source), chunk_size=chunk, upload_checksum=checksum,
        metadata={"title_id": str(title_id), "kind": "main", "filename": "bench.mov"},
    )  # fmt: skip
    started = time.perf_counter()
    uploader.upload()
    seconds = time.perf_counter() - started
    assert uploader.url is not None, "the upload was not created"
    head = httpx.head(uploader.url, headers={**headers, "Tus-Resumable": "1.0.0"})
    asset = httpx.get(
        f"http://127.0.0.1:{port}/assets/{head.headers['Catalogue-Asset-Id']}", headers=headers
    ).json()
    return seconds, str(asset["sha256"])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while data := src.read(16 * BLOCK):
            digest.update(data)
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="2G", help="bytes to upload, e.g. 2G, 256M (default 2G)")
    parser.add_argument("--chunk", default="64M", help="tus PATCH size (default 64M)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both sides (default 3)")
    parser.add_argument(
        "--settle", type=float, default=10, help="seconds of pause before each side (default 10)"
    )
    parser.add_argument(
        "--checksum", action="store_true", help="send Upload-Checksum (sha1) per chunk"
    )
    parser.add_argument(
        "--dir", type=Path, default=None, help="data directory (default: a temp dir)"
    )
    args = parser.parse_args()
    size, chunk = parse_size(args.size), parse_size(args.chunk)

    data_dir = Path(tempfile.mkdtemp(prefix="upload-bench-", dir=args.dir))
    direct: list[tuple[float, float]] = []  # (seconds, CPU seconds) per round
    tus: list[tuple[float, float]] = []
    try:
        source = data_dir / "source.bin"
        make_source(source, size)
        expected = sha256_of(source)
        token, title_id = prepare(data_dir)
        target = data_dir / "direct.bin"
        cached_s = cached_write(source, target)
        target.unlink()  # before the sync: its dirty pages go with it, unwritten
        os.sync()

        port = free_port()
        server = start_server(data_dir, port)
        load_before = os.getloadavg()[0]
        try:
            idle_rss = rss_mb(server.pid, "VmRSS")
            # A small upload first, so that the rounds do not pay for the server's first request.
            warm = data_dir / "warm.bin"
            make_source(warm, 4 * BLOCK)
            assert upload(port, token, title_id, warm, chunk, args.checksum)[1] == sha256_of(warm)
            cpu_before = cpu_s(server.pid)
            for turn in range(args.rounds):
                for side in ["direct", "tus"] if turn % 2 == 0 else ["tus", "direct"]:
                    # This machine hands freed memory back to its host within seconds, and the
                    # first writes into it afterwards are several times slower (a durable write
                    # right after another: ~2,000 MiB/s; after a 10 s pause: ~350 MiB/s). Both
                    # sides start from the same settled state.
                    os.sync()
                    time.sleep(args.settle)
                    used = own_cpu_s() + (cpu_s(server.pid) if side == "tus" else 0)
                    if side == "direct":
                        seconds = durable_write(source, target, chunk)
                        target.unlink()
                    else:
                        seconds, stored = upload(
                            port, token, title_id, source, chunk, args.checksum
                        )
                        assert stored == expected, "stored SHA-256 differs from the source's"
                        shutil.rmtree(data_dir / "media" / "assets")  # the stored masters
                    used = own_cpu_s() + (cpu_s(server.pid) if side == "tus" else 0) - used
                    (direct if side == "direct" else tus).append((seconds, used))
            peak_rss = rss_mb(server.pid, "VmHWM")
            server_cpu_s = cpu_s(server.pid) - cpu_before
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    mib, gib = size / BLOCK, size / UNITS["G"]
    ratios = [d[0] / t[0] for d, t in zip(direct, tus, strict=True)]
    direct_s, tus_s = (statistics.median(x[0] for x in side) for side in (direct, tus))
    checksum = "sha1" if args.checksum else "off"
    print(
        f"size                 {mib:,.0f} MiB, tus chunk {chunk // BLOCK} MiB, checksum {checksum}, {args.rounds} rounds, {args.settle:.0f} s pause before each side"
    )
    print(f"page-cache write     {mib / cached_s:8.1f} MiB/s  (no fsync; memory, not the disk)")
    print(
        f"direct write         {mib / direct_s:8.1f} MiB/s  (median; per round {[round(mib / d[0]) for d in direct]})"
    )
    print(
        f"tus upload           {mib / tus_s:8.1f} MiB/s  (median; per round {[round(mib / t[0]) for t in tus]}), SHA-256 verified"
    )
    print(
        f"ratio tus/direct     {statistics.median(ratios):8.2f}   (median of rounds; target >= 0.80); per round {[round(r, 2) for r in ratios]}"
    )
    print(
        f"CPU per GiB          {statistics.median(d[1] for d in direct) / gib:8.2f} s direct, {statistics.median(t[1] for t in tus) / gib:.2f} s tus (server and client)"
    )
    print(
        f"machine load average {load_before:8.1f}   before the rounds, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} CPUs"
    )
    print(f"server RSS idle      {idle_rss:8.1f} MB")
    print(f"server RSS peak      {peak_rss:8.1f} MB   (target < 200 MB)")
    print(
        f"server CPU           {server_cpu_s / (args.rounds * size / UNITS['G']):8.2f} s per GiB received"
    )


if __name__ == "__main__":
    main()
