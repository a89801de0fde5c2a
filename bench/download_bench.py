"""Partner download throughput through the API against a plain static file server.

A rendition file of --size bytes (1 GiB by default) is generated and registered as the delivery
MP4 of a title licensed to a partner. The catalogue runs as a real uvicorn subprocess on local
storage; the partner asks for a signed link and downloads the file through it. nginx (Debian's
nginx-light, installed when absent) serves the same file from its own config on 127.0.0.1. Both
are fetched by the same client (curl, output to /dev/null), each round led by another server,
after one warm-up fetch each (the file is in the page cache for all). The result is the median
of the per-round ratios measured in this run, and the API process's peak RSS (the file is
streamed, never held in memory). Target: API >= 0.5x nginx.

The deployed form is measured too: a second API process with CATALOGUE_DELIVERY_OFFLOAD=nginx
behind nginx configured from deploy/nginx.conf.template (the cluster's own config). The API checks
the link and answers X-Accel-Redirect; nginx sends the bytes. Target: >= 0.9x nginx direct.

    uv run python bench/download_bench.py [--size 1G] [--rounds 6]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
from sqlmodel import Session

from catalogue import migrate
from catalogue.accounts import service as accounts
from catalogue.db import make_engine
from catalogue.models import Asset, AssetState, Partner, RenditionFile, RenditionSet, Role, Title
from catalogue.models.accounts import UserCreate
from catalogue.models.partners import PartnerKind
from catalogue.models.rights import WindowCreate
from catalogue.models.titles import TitleKind, TitleStatus
from catalogue.rights import store
from catalogue.settings import Settings

PATH = "delivery/video.mp4"
TEMPLATE = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf.template"
UNITS = {"K": 1024, "M": 1024**2, "G": 1024**3}


def parse_size(text: str) -> int:
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    if text and text[-1] in UNITS:
        return int(float(text[:-1]) * UNITS[text[-1]])
    return int(text)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_file(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    block = os.urandom(1024 * 1024)
    with path.open("wb") as out:
        left = size
        while left > 0:
            out.write(block[: min(left, len(block))])
            left -= min(left, len(block))


def seed(settings: Settings, size: int) -> str:
    """A licensed title with one ready asset whose rendition set holds the big file; a token."""
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with Session(engine) as session:
        partner = Partner(slug="bench", name="Bench", kind=PartnerKind.cinema, countries=["KZ"])
        title = Title(
            kind=TitleKind.drama,
            original_title="Bench",
            original_language="kk",
            status=TitleStatus.published,
        )
        session.add_all([partner, title])
        session.flush()
        asset = Asset(title_id=title.id, kind="main", state=AssetState.ready,  # type: ignore[arg-type]
                      original_filename="bench.mov", size=size, storage_key="assets/bench/master.mov")  # fmt: skip
        session.add(asset)
        session.flush()
        prefix = f"renditions/{asset.id}"
        rendition = RenditionSet(asset_id=asset.id, prefix=prefix, master_playlist_key=f"{prefix}/master.m3u8",  # type: ignore[arg-type]
                                 delivery_video_key=f"{prefix}/{PATH}", poster_key=f"{prefix}/poster.jpg",
                                 storyboard_vtt_key=f"{prefix}/storyboard.vtt", duration_s=1.0, total_bytes=size)  # fmt: skip
        session.add(rendition)
        session.flush()
        assert rendition.id is not None
        session.add(
            RenditionFile(
                rendition_set_id=rendition.id,
                path=PATH,
                key=f"{prefix}/{PATH}",
                size=size,
                sha256="0" * 64,
            )
        )  # type: ignore[arg-type]
        store.save(session, WindowCreate(title_id=title.id, media_right="public_screening", territories=["KZ"],  # type: ignore[arg-type]
                                         starts_on=date(2000, 1, 1)), title.id)  # type: ignore[arg-type]  # fmt: skip
        session.commit()
        user = accounts.create_user(
            session, UserCreate(username="bench", role=Role.partner, partner_id=partner.id)
        )
        token = accounts.issue_token(session, user, "bench", None).token
        asset_id = asset.id
    engine.dispose()
    write_file(settings.media_root / prefix / PATH, size)
    return f"{asset_id}:{token}"


def start_api(
    data_dir: Path, port: int, log: Path, offload: str = "none"
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CATALOGUE_DATA_DIR": str(data_dir), "CATALOGUE_JOB_POOL_ENABLED": "false",
           "CATALOGUE_LOG_LEVEL": "WARNING", "CATALOGUE_DELIVERY_OFFLOAD": offload}  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "catalogue.app:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    proc = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    wait_for(f"http://127.0.0.1:{port}/healthz", proc)
    return proc


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found:
        return found
    print("nginx is absent: installing Debian's nginx-light", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "nginx-light"], check=True, env=env, timeout=600)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def start_nginx(root: Path, work: Path, port: int) -> subprocess.Popen[bytes]:
    work.mkdir(parents=True, exist_ok=True)
    conf = work / "nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(f"""
{user}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi; uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    types {{ video/mp4 mp4; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
""")
    proc = subprocess.Popen([nginx_binary(), "-c", str(conf), "-p", str(work), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=(work / "stderr.log").open("wb"))  # fmt: skip
    wait_for(f"http://127.0.0.1:{port}/", proc, ok=(200, 403, 404))
    return proc


def start_front(media_root: Path, work: Path, port: int, api_port: int) -> subprocess.Popen[bytes]:
    """nginx in front of the API as deployed: deploy/nginx.conf.template with this run's values."""
    work.mkdir(parents=True, exist_ok=True)
    values = {"API1": f"127.0.0.1:{api_port}", "API2": f"127.0.0.1:{api_port}",
              "LISTEN": f"127.0.0.1:{port}", "MEDIA_ROOT": str(media_root),
              "INTERNAL_LOCATION": "/_media/"}  # fmt: skip
    site = TEMPLATE.read_text()
    for name, value in values.items():
        site = site.replace("${CATALOGUE_NGINX_" + name + "}", value)
    (work / "site.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""
    (work / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi; uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    include {work}/site.conf;
}}
""")
    proc = subprocess.Popen([nginx_binary(), "-c", str(work / "nginx.conf"), "-p", str(work), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=(work / "stderr.log").open("wb"))  # fmt: skip
    wait_for(f"http://127.0.0.1:{port}/healthz", proc)
    return proc


def wait_for(url: str, proc: subprocess.Popen[bytes], ok: tuple[int, ...] = (200,)) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code in ok:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer in 60 s")


def fetch(url: str, headers: tuple[str, ...] = ()) -> tuple[float, int]:
    """Seconds and bytes for one download with curl to /dev/null."""
    args = [a for h in headers for a in ("-H", h)]
    started = time.perf_counter()
    done = subprocess.run(["curl", "-sS", "--fail", "-o", "/dev/null", "-w", "%{size_download}", *args, url],
                          capture_output=True, text=True, timeout=3600, check=True)  # fmt: skip
    return time.perf_counter() - started, int(done.stdout)


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def curl_cpu_seconds() -> float:
    """CPU seconds of the finished curl runs so far (the only children this script waits for)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def worker_of(master: subprocess.Popen[bytes]) -> int:
    """The pid of an nginx's one worker process."""
    return int(Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()[0])


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="1G", help="file size: 1G, 256M, ... (default 1G)")
    parser.add_argument(
        "--rounds", type=int, default=6, help="rounds (default 6: each server leads twice)"
    )
    args = parser.parse_args()
    size = parse_size(args.size)
    base = Path(tempfile.mkdtemp(prefix="download-bench-"))
    api = nginx = offloading = front = None
    try:
        settings = Settings(data_dir=base / "data", _env_file=None)  # type: ignore[call-arg]
        asset_id, token = seed(settings, size).split(":", 1)
        api_port, nginx_port = free_port(), free_port()
        api = start_api(settings.data_dir, api_port, base / "api.log")
        nginx = start_nginx(settings.media_root, base / "nginx", nginx_port)
        offload_port, front_port = free_port(), free_port()
        offloading = start_api(settings.data_dir, offload_port, base / "api-offload.log", "nginx")
        front = start_front(settings.media_root, base / "front", front_port, offload_port)
        issued = httpx.post(f"http://127.0.0.1:{api_port}/assets/{asset_id}/links",
                            headers={"Authorization": f"Bearer {token}"}, timeout=30)  # fmt: skip
        issued.raise_for_status()
        api_url = issued.json()["delivery_video_url"]
        static_url = f"http://127.0.0.1:{nginx_port}/renditions/{asset_id}/{PATH}"
        front_url = f"http://127.0.0.1:{front_port}/" + api_url.split("/", 3)[3]
        rss_before = peak_rss_mib(api.pid)
        for url in (api_url, static_url, front_url):  # warm the page cache and the servers
            fetch(url)
        results: dict[str, list[float]] = {"api": [], "nginx": [], "offload": []}
        # CPU seconds of the sending process and of curl per download: unlike the speed, they
        # hardly move with whatever else runs on the machine.
        senders = {"nginx": worker_of(nginx), "api": api.pid, "offload": worker_of(front)}
        cpu: dict[str, list[tuple[float, float]]] = {name: [] for name in senders}
        servers = [("nginx", static_url), ("api", api_url), ("offload", front_url)]
        load_before = os.getloadavg()[0]
        for turn in range(args.rounds):
            # Each round starts with another server: none is always the one right after the
            # Python download (both cores busy) or always first on a cache just read.
            for name, url in servers[turn % 3 :] + servers[: turn % 3]:
                sender, client = cpu_seconds(senders[name]), curl_cpu_seconds()
                seconds, got = fetch(url)
                assert got == size, f"{name}: {got} bytes, expected {size}"
                results[name].append(size / seconds / 1024**2)
                cpu[name].append((cpu_seconds(senders[name]) - sender, curl_cpu_seconds() - client))
        half = size // 2
        seconds, got = fetch(api_url, (f"Range: bytes={half}-",))
        assert got == size - half
        resumed = got / seconds / 1024**2
        rss_after = peak_rss_mib(api.pid)
    finally:
        for proc in (api, nginx, offloading, front):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)
    api_mb, nginx_mb = statistics.median(results["api"]), statistics.median(results["nginx"])
    # Each round fetches from both servers back to back: its ratio is the least disturbed by
    # whatever else the machine is doing.
    paired = [a / n for a, n in zip(results["api"], results["nginx"], strict=True)]
    print(f"file: {size / 1024**2:.0f} MiB, {args.rounds} rounds, curl to /dev/null over loopback")
    print(
        f"nginx (sendfile):        median {nginx_mb:8.1f} MiB/s  {[round(x) for x in results['nginx']]}"
    )
    print(
        f"API via signed link:     median {api_mb:8.1f} MiB/s  {[round(x) for x in results['api']]}"
    )
    print(f"API resumed (Range 2nd half): {resumed:8.1f} MiB/s")
    print(f"API peak RSS: {rss_before:.0f} MiB before, {rss_after:.0f} MiB after the downloads")
    print(f"ratio of medians API / nginx: {api_mb / nginx_mb:.2f}x")
    print(f"per-round ratios: {[round(r, 2) for r in paired]}")
    print(
        f"ratio API / nginx (median of rounds): {statistics.median(paired):.2f}x (target >= 0.5x)"
    )
    offload_mb = statistics.median(results["offload"])
    offloaded = [o / n for o, n in zip(results["offload"], results["nginx"], strict=True)]
    print(
        f"nginx + X-Accel (API authorises): median {offload_mb:8.1f} MiB/s  "
        f"{[round(x) for x in results['offload']]}"
    )
    print(
        f"ratio nginx+X-Accel / nginx (median of rounds): {statistics.median(offloaded):.2f}x "
        f"(target >= 0.9x); per round {[round(r, 2) for r in offloaded]}, "
        f"spread {min(offloaded):.2f}-{max(offloaded):.2f}"
    )
    gib = size / 1024**3
    for name, label in (("nginx", "nginx"), ("offload", "nginx + X-Accel"), ("api", "API")):
        sending = statistics.median(c[0] for c in cpu[name]) / gib
        receiving = statistics.median(c[1] for c in cpu[name]) / gib
        print(f"CPU per GiB, {label}: sender {sending:.2f} s, curl {receiving:.2f} s (medians)")
    print(
        f"load average (1 min) before / after the rounds: {load_before:.1f} / "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
