"""Load against a real `catalogue serve` on the demo catalogue: an asyncio client mixing search,
title pages, the partner catalogue, signed-link HLS segment fetches and small tus uploads.

    uv run --frozen python bench/load.py                        # both runs below
    uv run --frozen python bench/load.py --run steady           # (a) 200 clients, ~1 s pauses, 60 s
    uv run --frozen python bench/load.py --run ramp             # (b) 10 -> 400 clients, no pauses
    uv run --frozen python bench/load.py --run cpu              # server CPU per request, by kind
    uv run --frozen python bench/load.py --serve-arg=--workers --serve-arg=2   # two API processes
    uv run --frozen python bench/load.py --clients 20 --duration 5 --ramp-to 40 --ramp-duration 6

The demo data (the demo catalogue, its first masters transcoded, demo tokens) is prepared once in
--data-dir through the same functions as `catalogue demo` and reused by later runs. A client that
is refused (503) waits the Retry-After it is given, as a well-behaved client does.

Prints, per run: requests, errors (any answer but 2xx and 503-with-Retry-After, or a transport
error), timeouts, refusals, p50/p95/p99 per kind, the server's peak RSS; for the ramp the
throughput at each step and the plateau's requests per second. Targets: (a) 0 errors, p95 < 250 ms;
(b) 0 timeouts, every refusal a 503 with Retry-After, throughput plateaus instead of collapsing.
Exits 1 on any error or timeout.

The clients speak HTTP/1.1 over plain asyncio streams (`Connections`), not httpx: the generator
shares the machine with the server, and httpx spent about 2.5 ms of CPU per request (a third of
what the server spent), CPU taken from the server it measures; this one spends a fraction of that.
httpx still does the set-up (`discover`).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
from sqlmodel import Session

from catalogue import demo, migrate
from catalogue.db import make_engine
from catalogue.media.demo import ingest_demo_media
from catalogue.settings import Settings
from catalogue.worker import run_until_idle

DEFAULT_DATA_DIR = Path("/tmp/catalogue-load-demo")
DATABASE = "catalogue.db"  # the default SQLite database in the data folder
PRISTINE = "catalogue.prepared.db"
SEARCH_WORDS = ["silk", "festival", "snow", "leopard", "harbour", "road", "丝路", "утро", "gala"]
UPLOAD_BYTES = 32 * 1024
REQUEST_TIMEOUT_S = 30.0
HEX_ID = re.compile(r"[0-9a-f]{16,}")  # request and upload ids: errors are grouped without them
# Weights of the mix: mostly reads, a few uploads.
MIX = {"search": 30, "title": 25, "partner_catalogue": 15, "hls_segment": 25, "upload": 5}


# --- the demo data and the server ---------------------------------------------------------------


@dataclass
class Demo:
    tokens: dict[str, str]
    title_ids: list[int]
    segment_urls: list[str]  # paths under /d/{token}/, from the partner's signed links


def prepare(data_dir: Path, masters: int, seconds: float, ladder: Path | None) -> None:
    """The demo catalogue, `masters` generated masters transcoded (with `ladder`, default the
    product's), and the demo tokens."""
    settings = Settings(data_dir=data_dir, transcode_ladder=ladder, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with Session(engine) as session:
        demo.load(session)
        ingest_demo_media(session, settings, limit=masters, seconds=seconds, title_text=False)
    run_until_idle(engine, settings)
    with Session(engine) as session:
        tokens = {name: secret for name, _role, secret in demo.issue_demo_tokens(session)}
    engine.dispose()  # the last connection closed: the WAL is folded into the database file
    (data_dir / "load-tokens.json").write_text(json.dumps(tokens))
    shutil.copyfile(data_dir / DATABASE, data_dir / PRISTINE)


def restore(data_dir: Path) -> None:
    """The database as prepared: each run's uploads (rejected assets, a few thousand a run) would
    otherwise pile up under one title, and every later run would measure a larger catalogue."""
    for leftover in ("-wal", "-shm"):
        (data_dir / (DATABASE + leftover)).unlink(missing_ok=True)
    shutil.copyfile(data_dir / PRISTINE, data_dir / DATABASE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def catalogue_command() -> list[str]:
    script = Path(sys.executable).with_name("catalogue")
    return [str(script)] if script.exists() else [sys.executable, "-m", "catalogue.cli"]


def start_server(data_dir: Path, port: int, extra: list[str], log: Path) -> subprocess.Popen[bytes]:
    # CATALOGUE_* settings of the caller apply (e.g. CATALOGUE_REQUEST_CONCURRENCY), but the
    # demo's data folder and its SQLite database are the ones served.
    env = {k: v for k, v in os.environ.items() if k != "CATALOGUE_DATABASE_URL"}
    env.update(CATALOGUE_DATA_DIR=str(data_dir), CATALOGUE_LOG_LEVEL="WARNING")
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [*catalogue_command(), "serve", "--port", str(port), *extra],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit("the server did not start in 120 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def process_tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return pids


def python_processes(pid: int) -> list[int]:
    """The server's process and its worker processes, without the FFmpeg its jobs run."""
    found = []
    for each in process_tree(pid):
        try:
            program = Path(f"/proc/{each}/cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        if b"ffmpeg" not in program and b"ffprobe" not in program:
            found.append(each)
    return found


def cpu_seconds(pid: int, *, children: bool = False) -> float:
    """User and system CPU time of the server's Python processes (FFmpeg children aside), or
    with `children` that of the FFmpeg and ffprobe runs they have finished."""
    ticks = 0
    for each in python_processes(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += (
            int(fields[13]) + int(fields[14]) if children else int(fields[11]) + int(fields[12])
        )
    return ticks / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """VmHWM of the server's process (and the largest of its worker processes, if any)."""
    peaks = []
    for each in python_processes(pid):
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks, default=0.0)


async def discover(base: str, tokens: dict[str, str]) -> Demo:
    """What the clients will ask for: title ids, and segment URLs from signed links."""
    editor = {"Authorization": f"Bearer {tokens['demo-editor']}"}
    partner = {"Authorization": f"Bearer {tokens['partner-almaty']}"}
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S) as http:
        page = (await http.get("/titles?page_size=100", headers=editor)).json()
        title_ids = [t["id"] for t in page["items"]]
        segments: list[str] = []
        for title_id in title_ids:
            assets = (await http.get(f"/titles/{title_id}/assets", headers=editor)).json()
            for asset in assets:
                if asset["state"] != "ready":  # the uploads of earlier runs, rejected
                    continue
                link = await http.post(f"/assets/{asset['id']}/links", headers=partner)
                if link.status_code != 201:  # not licensed to this partner
                    continue
                files = link.json()["files"]
                segments += [url for path, url in files.items() if path.endswith((".m4s", ".ts"))]
    if not title_ids or not segments:
        raise SystemExit("the demo has no titles or no segments the partner may fetch")
    return Demo(tokens, title_ids, [httpx.URL(u).path for u in segments])


# --- the clients ---------------------------------------------------------------------------------


class TransportError(Exception):
    """The connection failed or the answer was not HTTP/1.1 as expected."""


@dataclass
class Answer:
    status_code: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


# A connection idle for 2 s is not reused: uvicorn closes idle ones after 5 s, and a request
# sent on one as it closes fails without the server having seen it.
IDLE_REUSE_S = 2.0


class Connections:
    """Keep-alive HTTP/1.1 connections to one server, one request at a time on each."""

    def __init__(self, base: str) -> None:
        url = httpx.URL(base)
        self.host, self.port = url.host, url.port or 80
        self._idle: list[tuple[float, asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def request(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> Answer:
        reader, writer = await self._connection()
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body or method in ("POST", "PATCH", "PUT"):
            lines.append(f"Content-Length: {len(body)}")
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            answer = await self._read(reader)
        except BaseException:
            writer.close()
            raise
        if answer.headers.get("connection", "").lower() == "close":
            writer.close()
        else:
            self._idle.append((time.monotonic(), reader, writer))
        return answer

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        now = time.monotonic()
        while self._idle:
            since, reader, writer = self._idle.pop()
            if now - since < IDLE_REUSE_S and not reader.at_eof():
                return reader, writer
            writer.close()
        try:
            return await asyncio.open_connection(self.host, self.port)
        except OSError as error:
            raise TransportError(f"connect: {error}") from error

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> Answer:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            headers: dict[str, str] = {}
            for line in header_lines:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            if headers.get("transfer-encoding", "").lower() == "chunked":
                parts = []
                while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                    parts.append(await reader.readexactly(size + 2))
                await reader.readuntil(b"\r\n")  # no trailers are sent
                body = b"".join(part[:-2] for part in parts)
            else:
                body = await reader.readexactly(int(headers.get("content-length", "0")))
            return Answer(int(status_line.split(" ", 2)[1]), headers, body)
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as error:
            raise TransportError(f"{type(error).__name__}: {error}") from error

    def close(self) -> None:
        for _since, _reader, writer in self._idle:
            writer.close()
        self._idle.clear()


@dataclass
class Sample:
    kind: str
    at: float  # seconds since the run began, when the answer came
    latency_s: float
    outcome: str  # ok, refused (503 + Retry-After), error, timeout
    detail: str = ""


@dataclass
class Recorder:
    started: float = field(default_factory=time.monotonic)
    samples: list[Sample] = field(default_factory=list)

    def add(self, kind: str, began: float, outcome: str, detail: str = "") -> None:
        now = time.monotonic()
        self.samples.append(Sample(kind, now - self.started, now - began, outcome, detail))


class Client:
    """One simulated user: picks a request from MIX, waits `pause` (about) between requests."""

    def __init__(
        self, http: Connections, demo_data: Demo, rec: Recorder, rng: random.Random
    ) -> None:
        self.http, self.demo, self.rec, self.rng = http, demo_data, rec, rng
        tokens = demo_data.tokens
        self.programmer = {"Authorization": f"Bearer {tokens['demo-programmer']}"}
        self.editor = {"Authorization": f"Bearer {tokens['demo-editor']}", "Tus-Resumable": "1.0.0"}
        self.partner = {"Authorization": f"Bearer {tokens['partner-almaty']}"}
        self.actions: dict[str, Callable[[], Awaitable[float]]] = {
            "search": self.search,
            "title": self.title,
            "partner_catalogue": self.partner_catalogue,
            "hls_segment": self.hls_segment,
            "upload": self.upload,
        }

    async def run(self, until: float, pause_s: float) -> None:
        if pause_s:
            await asyncio.sleep(self.rng.uniform(0, pause_s))  # no thundering herd at start
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < until:
            [kind] = self.rng.choices(kinds, weights)
            backoff = await self.actions[kind]()
            wait = max(backoff, self.rng.uniform(0.5, 1.5) * pause_s)
            if wait:
                await asyncio.sleep(wait)

    async def call(
        self,
        kind: str,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: bytes = b"",
    ) -> tuple[float, Answer | None]:
        """One request; returns (seconds to back off, the answer if it was a success)."""
        began = time.monotonic()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_S):
                response = await self.http.request(method, target, headers, body)
        except TimeoutError:
            self.rec.add(kind, began, "timeout", "no answer in time")
            return 0.0, None
        except TransportError as error:
            self.rec.add(kind, began, "error", str(error))
            return 0.0, None
        if response.is_success:
            self.rec.add(kind, began, "ok")
            return 0.0, response
        retry_after = response.headers.get("Retry-After", "")
        if response.status_code == 503 and retry_after.isdigit():
            self.rec.add(kind, began, "refused")
            return float(retry_after), None
        self.rec.add(kind, began, "error", f"{response.status_code} {response.text[:200]}")
        return 0.0, None

    async def search(self) -> float:
        word = self.rng.choice(SEARCH_WORDS)
        return (
            await self.call("search", "GET", "/titles?" + urlencode({"q": word}), self.programmer)
        )[0]

    async def title(self) -> float:
        title_id = self.rng.choice(self.demo.title_ids)
        return (await self.call("title", "GET", f"/titles/{title_id}", self.programmer))[0]

    async def partner_catalogue(self) -> float:
        return (await self.call("partner_catalogue", "GET", "/partner/catalogue", self.partner))[0]

    async def hls_segment(self) -> float:
        url = self.rng.choice(self.demo.segment_urls)
        return (await self.call("hls_segment", "GET", url, {}))[0]

    async def upload(self) -> float:
        """A small tus upload: creation, then one PATCH with all its bytes (not media: the
        probe rejects it at once, so no transcode competes with the load)."""
        meta = f"title_id {base64.b64encode(str(self.demo.title_ids[0]).encode()).decode()}," \
               f"filename {base64.b64encode(b'load.mp4').decode()}"  # fmt: skip
        headers = {**self.editor, "Upload-Length": str(UPLOAD_BYTES), "Upload-Metadata": meta}
        backoff, created = await self.call("upload_create", "POST", "/uploads", headers)
        if created is None:
            return backoff
        patch_headers = {**self.editor, "Upload-Offset": "0",
                         "Content-Type": "application/offset+octet-stream"}  # fmt: skip
        body = self.rng.randbytes(UPLOAD_BYTES)
        location = httpx.URL(created.headers["location"]).path
        return (await self.call("upload_patch", "PATCH", location, patch_headers, body))[0]


async def steady(
    base: str, demo_data: Demo, clients: int, pause_s: float, duration_s: float
) -> Recorder:
    rec = Recorder()
    until = rec.started + duration_s
    http = Connections(base)
    try:
        rngs = [random.Random(n) for n in range(clients)]
        await asyncio.gather(*(Client(http, demo_data, rec, r).run(until, pause_s) for r in rngs))
    finally:
        http.close()
    return rec


async def ramp(
    base: str, demo_data: Demo, start: int, end: int, steps: int, duration_s: float
) -> tuple[Recorder, list[int]]:
    """No pauses; every step adds clients until `end` run at once."""
    rec = Recorder()
    until = rec.started + duration_s
    counts = [round(start + (end - start) * n / max(1, steps - 1)) for n in range(steps)]
    http = Connections(base)
    try:
        tasks: list[asyncio.Task[None]] = []
        for n, count in enumerate(counts):
            while len(tasks) < count:
                client = Client(http, demo_data, rec, random.Random(len(tasks)))
                tasks.append(asyncio.create_task(client.run(until, 0.0)))
            await asyncio.sleep(
                max(0.0, rec.started + duration_s * (n + 1) / steps - time.monotonic())
            )
        await asyncio.gather(*tasks)
    finally:
        http.close()
    return rec, counts


# --- the report ----------------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def summarise(rec: Recorder, duration_s: float) -> dict[str, int]:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in rec.samples:
        by_kind[sample.kind].append(sample)
    print(f"{'kind':<18}{'requests':>9}{'ok':>8}{'503+RA':>8}{'errors':>8}{'timeouts':>9}"
          f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")  # fmt: skip
    totals: dict[str, int] = defaultdict(int)
    for kind in [*sorted(by_kind), "all"]:
        samples = rec.samples if kind == "all" else by_kind[kind]
        counts = {
            o: sum(1 for s in samples if s.outcome == o)
            for o in ("ok", "refused", "error", "timeout")
        }
        served = sorted(s.latency_s * 1000 for s in samples if s.outcome == "ok")
        print(f"{kind:<18}{len(samples):>9}{counts['ok']:>8}{counts['refused']:>8}{counts['error']:>8}"
              f"{counts['timeout']:>9}{percentile(served, 0.5):>9.0f}{percentile(served, 0.95):>9.0f}"
              f"{percentile(served, 0.99):>9.0f}")  # fmt: skip
        if kind == "all":
            totals.update(counts, requests=len(samples))
    details: dict[str, int] = defaultdict(int)
    for sample in rec.samples:
        if sample.outcome in ("error", "timeout"):
            details[f"{sample.kind}: {HEX_ID.sub('…', sample.detail)}"] += 1
    for detail, count in sorted(details.items(), key=lambda d: -d[1])[:10]:
        print(f"  {count} x {detail}")
    print(f"throughput: {totals['ok'] / duration_s:.1f} served requests/s over {duration_s:.0f} s")
    return totals


def ramp_steps(rec: Recorder, counts: list[int], duration_s: float) -> float:
    """Throughput per step and the plateau's requests per second (the mean of the steps from the
    first that reaches 90% of the best one)."""
    step_s = duration_s / len(counts)
    print(f"{'clients':>8}{'served/s':>10}{'503/s':>8}{'p95 ms':>9}")
    rates = []
    for n, count in enumerate(counts):
        inside = [s for s in rec.samples if n * step_s <= s.at < (n + 1) * step_s]
        served = sorted(s.latency_s * 1000 for s in inside if s.outcome == "ok")
        refused = sum(1 for s in inside if s.outcome == "refused")
        rates.append(len(served) / step_s)
        print(
            f"{count:>8}{rates[-1]:>10.1f}{refused / step_s:>8.1f}{percentile(served, 0.95):>9.0f}"
        )
    best = max(rates)
    first = next(n for n, rate in enumerate(rates) if rate >= 0.9 * best)
    plateau = sum(rates[first:]) / len(rates[first:])
    collapsed = rates[-1] < 0.7 * best
    print(f"plateau: {plateau:.1f} requests/s from {counts[first]} clients on; "
          f"at {counts[-1]} clients {rates[-1]:.1f}/s ({'collapsed' if collapsed else 'holds'})")  # fmt: skip
    return plateau


async def cpu_per_kind(base: str, demo_data: Demo, pid: int, requests: int) -> None:
    """Server CPU per request of each kind, one request at a time: a figure the other users of
    a shared machine disturb far less than the latency under load."""
    rec = Recorder()
    http = Connections(base)
    client = Client(http, demo_data, rec, random.Random(0))
    print(f"{'kind':<18}{'CPU ms/request':>15}")
    try:
        for kind, action in client.actions.items():
            for _ in range(10):  # warm up
                await action()
            await asyncio.sleep(0.5)
            before = cpu_seconds(pid)
            for _ in range(requests):
                await action()
            await asyncio.sleep(1.0)  # an upload's probe job runs in the server: count it
            sent = requests * (2 if kind == "upload" else 1)
            print(f"{kind:<18}{(cpu_seconds(pid) - before) * 1000 / sent:>15.2f}")
    finally:
        http.close()
    failed = [s for s in rec.samples if s.outcome != "ok"]
    if failed:
        raise SystemExit(f"{len(failed)} requests failed, e.g. {failed[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--run",
        choices=["steady", "ramp", "both", "cpu"],
        default="both",
        help="cpu: server CPU per request of each kind, sequential requests",
    )
    parser.add_argument("--cpu-requests", type=int, default=200, help="cpu run: per kind")
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="demo data, prepared once"
    )
    parser.add_argument(
        "--masters", type=int, default=3, help="demo masters to transcode when preparing"
    )
    parser.add_argument("--master-seconds", type=float, default=4.0)
    parser.add_argument(
        "--ladder", type=Path, help="ladder file for preparing (default: the product's)"
    )
    parser.add_argument(
        "--url", help="load a server already running (its tokens in --data-dir); default: start one"
    )
    parser.add_argument("--server-pid", type=int, help="with --url: whose peak RSS to report")
    parser.add_argument(
        "--port", type=int, default=0, help="the server's port (default: a free one)"
    )
    parser.add_argument(
        "--serve-arg", action="append", default=[], help="extra `catalogue serve` argument"
    )
    parser.add_argument("--clients", type=int, default=200, help="steady run: clients")
    parser.add_argument(
        "--pause",
        type=float,
        default=1.0,
        help="steady run: seconds between a client's requests (about)",
    )
    parser.add_argument("--duration", type=float, default=60.0, help="steady run: seconds")
    parser.add_argument("--ramp-from", type=int, default=10)
    parser.add_argument("--ramp-to", type=int, default=400)
    parser.add_argument("--ramp-steps", type=int, default=8)
    parser.add_argument("--ramp-duration", type=float, default=120.0, help="ramp: seconds")
    args = parser.parse_args()

    if not (args.data_dir / PRISTINE).exists():
        shutil.rmtree(args.data_dir, ignore_errors=True)
        args.data_dir.mkdir(parents=True)
        print(f"preparing the demo in {args.data_dir} ...", flush=True)
        began = time.monotonic()
        prepare(args.data_dir, args.masters, args.master_seconds, args.ladder)
        print(f"prepared in {time.monotonic() - began:.0f} s", flush=True)
    tokens = json.loads((args.data_dir / "load-tokens.json").read_text())
    if not args.url:
        restore(args.data_dir)
    port = args.port or free_port()
    base = args.url or f"http://127.0.0.1:{port}"
    server = (
        None
        if args.url
        else start_server(args.data_dir, port, args.serve_arg, args.data_dir / "load-server.log")
    )
    pid = args.server_pid or (server.pid if server else None)

    def report_server(cpu_before: tuple[float, float], served: int) -> None:
        if pid is None:
            print("server: no pid, no RSS or CPU figures (give --server-pid)")
            return
        cpu_ms = (cpu_seconds(pid) - cpu_before[0]) * 1000 / max(1, served)
        media_ms = (cpu_seconds(pid, children=True) - cpu_before[1]) * 1000 / max(1, served)
        print(f"server peak RSS: {peak_rss_mb(pid):.0f} MB; server CPU {cpu_ms:.1f} ms per served "
              f"request, and {media_ms:.1f} ms in the ffprobe runs of its upload jobs; machine "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip

    def cpu_now() -> tuple[float, float]:
        return (cpu_seconds(pid), cpu_seconds(pid, children=True)) if pid else (0.0, 0.0)

    failed = False
    try:
        demo_data = asyncio.run(discover(base, tokens))
        print(f"demo: {len(demo_data.title_ids)} titles, {len(demo_data.segment_urls)} segments "
              f"on signed links; server pid {pid}")  # fmt: skip
        if args.run == "cpu":
            if pid is None:
                raise SystemExit("the cpu run needs the server's pid (give --server-pid)")
            print(f"\n(cpu) {args.cpu_requests} sequential requests per kind")
            asyncio.run(cpu_per_kind(base, demo_data, pid, args.cpu_requests))
        if args.run in ("steady", "both"):
            print(
                f"\n(a) steady: {args.clients} clients, ~{args.pause:g} s pauses, {args.duration:g} s"
            )
            cpu = cpu_now()
            rec = asyncio.run(steady(base, demo_data, args.clients, args.pause, args.duration))
            totals = summarise(rec, args.duration)
            failed |= bool(totals["error"] or totals["timeout"])
            report_server(cpu, totals["ok"])
        if args.run in ("ramp", "both"):
            print(
                f"\n(b) ramp: {args.ramp_from} -> {args.ramp_to} clients, no pauses, {args.ramp_duration:g} s"
            )
            cpu = cpu_now()
            rec, counts = asyncio.run(ramp(base, demo_data, args.ramp_from, args.ramp_to,
                                           args.ramp_steps, args.ramp_duration))  # fmt: skip
            totals = summarise(rec, args.ramp_duration)
            ramp_steps(rec, counts, args.ramp_duration)
            failed |= bool(totals["error"] or totals["timeout"])
            report_server(cpu, totals["ok"])
    finally:
        if server:
            stop_server(server)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
