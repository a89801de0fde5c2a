"""Every setting of the service, in one place, read from ``CATALOGUE_*`` variables and ``.env``."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import stat
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, PrivateAttr, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from catalogue.errors import CatalogueError

# Values that were once defaults in the source: anyone can read them, so no key may be one.
PUBLIC_SECRETS = frozenset({"change-me-development-only"})
MIN_SECRET_CHARS = 32
SECRET_KEY_FILE = "secret_key"  # under data_dir: the generated per-install key (development)
_NEW_KEY_HINT = "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"


class SecretKeyFileError(CatalogueError):
    """The generated key file exists but cannot be trusted or read: refuse to start."""


def _read_key_file(path: Path) -> bytes:
    """The key in `path`; FileNotFoundError when there is none yet."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise SecretKeyFileError(
                f"{path} is not a regular file; remove it or set CATALOGUE_SECRET_KEYS"
            )
        if info.st_mode & 0o077:
            raise SecretKeyFileError(
                f"{path} is open to other users (mode {oct(info.st_mode & 0o777)}): anyone who "
                f"reads it can forge sessions and download links; run `chmod 600 {path}` (and "
                "rotate the key if others may have read it) or set CATALOGUE_SECRET_KEYS"
            )
        key = file.read().strip()
    if len(key) < MIN_SECRET_CHARS:
        raise SecretKeyFileError(
            f"{path} holds no usable key; delete it to generate a new one (this signs everyone "
            "out and ends every download link) or set CATALOGUE_SECRET_KEYS"
        )
    return key


def load_or_create_key_file(path: Path) -> bytes:
    """The per-install key in `path`, generated on first use: written to a private temporary
    file (mode 0600) and hard-linked into place, so a concurrent start never sees half a key and
    the first writer wins."""
    try:
        return _read_key_file(path)
    except FileNotFoundError:
        pass
    except OSError as error:  # unreadable, or a symbolic link (O_NOFOLLOW)
        raise SecretKeyFileError(
            f"cannot read {path} ({error.strerror}): it must be a regular file the service's "
            "user owns; fix it or set CATALOGUE_SECRET_KEYS"
        ) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: use theirs
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return _read_key_file(path)


class Environment(StrEnum):
    development = "development"
    production = "production"


class LogFormat(StrEnum):
    text = "text"
    json = "json"


class JobBackend(StrEnum):
    embedded = "embedded"
    celery = "celery"


class StorageBackend(StrEnum):
    local = "local"
    s3 = "s3"


class DeliveryOffload(StrEnum):
    none = "none"
    nginx = "nginx"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CATALOGUE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Environment = Environment.development
    data_dir: Path = Field(default=Path("data"), description="Database file, media and temp files")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default is a SQLite file in the data directory. "
        "Scale-out: postgresql+psycopg://user:pass@host/db",
    )
    web_workers: int = Field(
        default=1, ge=1, le=64,
        description="API processes `catalogue serve` runs (a Python process serves about one "
        "core's worth of requests); each has its own request places, connection pool and, "
        "embedded, its own job pool of job_workers threads",
    )  # fmt: skip
    # Overload: requests wait on the event loop for room, then 503 + Retry-After (`overload.py`).
    request_concurrency: int = Field(
        default=32, ge=1, le=1024,
        description="requests using the database at once, per process (keep it below "
        "db_pool_size and FastAPI's 40 worker threads); more wait, then get 503",
    )  # fmt: skip
    request_queue_s: float = Field(
        default=5.0, ge=0, le=60, description="how long a request waits for room before a 503"
    )
    db_pool_size: int = Field(
        default=40, ge=1, le=1024,
        description="database connections kept per process; half as many more open in bursts",
    )  # fmt: skip
    db_pool_timeout_s: float = Field(
        default=5.0, gt=0, le=60, description="wait for a free connection, then 503"
    )
    secret_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="keys signing sessions and download links, comma-separated: the first signs, "
        "all verify (rotation); none: a random key generated into data_dir/secret_key "
        "(not in production)",
    )
    secret_key: SecretStr | None = Field(
        default=None, description="one signing key: the same as CATALOGUE_SECRET_KEYS with one"
    )
    log_format: LogFormat = LogFormat.text
    log_level: str = "INFO"

    host: str = "127.0.0.1"
    port: int = 8000
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="addresses or networks of reverse proxies whose X-Forwarded-Proto and "
        "X-Forwarded-For are believed, comma-separated (e.g. 10.0.0.5,172.18.0.0/16); "
        "none: every request is taken as it arrives",
    )

    page_size_default: int = 20
    page_size_max: int = 100

    ffmpeg_path: str | None = Field(
        default=None,
        description="ffmpeg binary; default: `ffmpeg` on PATH (the system's security-updated "
        "package, e.g. Debian's `ffmpeg`); FFmpeg 5.1 or newer",
    )
    ffprobe_path: str | None = Field(
        default=None, description="ffprobe binary; default: beside ffmpeg_path, else on PATH"
    )
    vmaf_ffmpeg_path: str | None = Field(
        default=None,
        description="ffmpeg with libvmaf, used only to score renditions (VMAF); default: the "
        "static build of the imageio-ffmpeg package (Debian's ffmpeg has no libvmaf)",
    )
    measure_quality: bool = Field(
        default=True, description="score every rung with VMAF on sampled windows of the title"
    )

    _generated_key: bytes | None = PrivateAttr(default=None)

    @field_validator("secret_keys", "trusted_proxies", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"CATALOGUE_TRUSTED_PROXIES entry {entry!r} is not an IP address or network "
                    "(e.g. 10.0.0.5 or 172.18.0.0/16)"
                ) from None
        return value

    @model_validator(mode="after")
    def _check_secret_keys(self) -> Settings:
        if self.secret_key is not None and self.secret_keys:
            raise ValueError(
                "both CATALOGUE_SECRET_KEY and CATALOGUE_SECRET_KEYS are set; keep only "
                "CATALOGUE_SECRET_KEYS=new,old (the first signs, all verify)"
            )
        for key in self._explicit_keys():
            if key in PUBLIC_SECRETS:
                raise ValueError(
                    "a CATALOGUE_SECRET_KEYS entry is a value published in the source: anyone "
                    f"can forge sessions and links with it; generate one with {_NEW_KEY_HINT}"
                )
            if len(key) < MIN_SECRET_CHARS:
                raise ValueError(
                    f"a CATALOGUE_SECRET_KEYS entry has {len(key)} characters; use at least "
                    f"{MIN_SECRET_CHARS} random ones, e.g. {_NEW_KEY_HINT}"
                )
        if self.environment is Environment.production and not self._explicit_keys():
            raise ValueError(
                "production mode needs CATALOGUE_SECRET_KEYS (the generated per-install key "
                "is for development only); set a long random value, e.g. "
                f"{_NEW_KEY_HINT}"
            )
        return self

    def _explicit_keys(self) -> list[str]:
        chosen = self.secret_keys or ([self.secret_key] if self.secret_key else [])
        return [key.get_secret_value() for key in chosen]

    @property
    def secret_key_file(self) -> Path:
        return self.data_dir / SECRET_KEY_FILE

    def signing_keys(self) -> list[bytes]:
        """The keys that sign (the first) and verify (any): those set explicitly, or else the
        per-install key generated into the data directory on first use."""
        explicit = self._explicit_keys()
        if explicit:
            return [key.encode() for key in explicit]
        if self._generated_key is None:
            self._generated_key = load_or_create_key_file(self.secret_key_file)
        return [self._generated_key]

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'catalogue.db').resolve()}"

    def ensure_dirs(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)

    # --- jobs: embedded worker pool (default) or Celery workers with a Redis broker -------------
    job_backend: JobBackend = Field(
        default=JobBackend.embedded,
        description="embedded: a worker pool in the service; celery: `catalogue worker` processes",
    )
    job_pool_enabled: bool = Field(
        default=True, description="start the embedded pool with the API (off: tests drive jobs)"
    )
    job_workers: int = Field(default=2, ge=1, le=64, description="pool threads / Celery processes")
    job_lease_s: float = Field(
        default=60.0,
        gt=0,
        description="a running job whose heartbeat stops for this long is reclaimed",
    )
    job_heartbeat_s: float = Field(default=2.0, gt=0, description="lease renewal and cancel check")
    job_poll_s: float = Field(
        default=1.0, gt=0, description="idle workers look for due jobs this often"
    )
    job_backoff_base_s: float = Field(default=10.0, ge=0, description="first retry delay; doubles")
    job_backoff_max_s: float = Field(default=600.0, ge=0)
    broker_url: str | None = Field(
        default=None, description="Celery broker for job_backend=celery, e.g. redis://host:6379/0"
    )
    transcode_ladder: Path | None = Field(
        default=None, description="ladder file (.json/.toml) for renditions; default: the built-in"
    )
    transcode_chunk_seconds: float | None = Field(
        default=None,
        gt=0,
        description="a master longer than this is transcoded as chunk jobs of about this length "
        "(whole segments) that any worker takes, then joined; None: one job per master. "
        "Per-title ladders are never chunked",
    )

    # --- ingest: resumable uploads (tus), media storage, probing --------------------------------
    storage_backend: StorageBackend = Field(
        default=StorageBackend.local, description="local: under storage_root; s3: S3-compatible"
    )
    storage_root: Path | None = Field(
        default=None, description="local media; default data_dir/media"
    )
    s3_endpoint_url: str | None = Field(
        default=None, description="e.g. http://minio:9000; None: AWS"
    )
    s3_public_endpoint_url: str | None = Field(
        default=None,
        description="where browsers and partners reach the same S3 server (e.g. "
        "https://media.example.org): presigned URLs are signed for this host; None: the "
        "s3_endpoint_url",
    )
    s3_bucket: str = "catalogue"
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    upload_dir: Path | None = Field(
        default=None,
        description="uploads in progress; default data_dir/uploads. Several API nodes: a "
        "directory they all share (any node takes the next PATCH of any upload)",
    )
    upload_lease_s: float = Field(
        default=15.0,
        ge=1,
        le=600,
        description="a PATCH holds its upload for this long, renewed while the body streams; a "
        "node that dies mid-PATCH blocks the upload (423) at most this long",
    )
    upload_max_bytes: int = Field(default=500 * 1024**3, gt=0, description="Tus-Max-Size")
    upload_expiry_hours: float = Field(
        default=72.0,
        gt=0,
        description="an upload idle this long expires and its bytes are collected",
    )
    upload_sweep_interval_s: float = Field(default=900.0, gt=0)
    probe_timeout_s: float = Field(default=30.0, gt=0, description="ffprobe wall-clock limit")
    media_niceness: int = Field(
        default=10, ge=0, le=19,
        description="CPU priority of FFmpeg and ffprobe below the service's (as `nice`; 0: the "
        "same): embedded, media jobs then never make API requests wait for a core",
    )  # fmt: skip

    # --- subtitles: upload cap and QC thresholds (broadcast-style defaults) ---------------------
    subtitle_max_bytes: int = Field(
        default=5 * 1024**2, gt=0, le=20 * 1024**2, description="largest subtitle file accepted"
    )
    subtitle_qc_max_cps: float = Field(default=17.0, gt=0, description="characters per second")
    subtitle_qc_max_cps_cjk: float = Field(default=9.0, gt=0)
    subtitle_qc_max_line_chars: int = Field(default=42, gt=0)
    subtitle_qc_max_line_chars_cjk: int = Field(default=16, gt=0)
    subtitle_qc_max_lines: int = Field(default=2, gt=0)
    subtitle_qc_min_gap_ms: int = Field(default=80, ge=0, description="two frames at 25 fps")
    subtitle_qc_min_duration_ms: int = Field(default=833, ge=0)
    subtitle_qc_max_duration_ms: int = Field(default=7000, gt=0)
    subtitle_qc_errors: list[str] = Field(
        default_factory=lambda: ["overlap", "past_video_end", "non_positive_duration"],
        description="QC finding codes that block publishing; the others are warnings",
    )

    # --- rights and delivery: signed partner links, downloads, quotas, webhooks ------------------
    avails_max_rows: int = Field(
        default=50_000, ge=1, description="rows one avails sheet may hold (the header aside)"
    )
    avails_max_uncompressed_bytes: int = Field(
        default=100 * 1024**2,
        ge=1024,
        description="bytes an avails XLSX may unzip to (zip bombs are refused)",
    )
    delivery_link_ttl_s: int = Field(
        default=6 * 3600, ge=60, le=7 * 86400, description="default lifetime of a download link"
    )
    delivery_public_url: str | None = Field(
        default=None, description="base URL partners reach the service at; default: the request's"
    )
    delivery_offload: DeliveryOffload = Field(
        default=DeliveryOffload.none,
        description="who sends a partner's bytes from local storage. none: the API itself "
        "(embedded form); nginx: the API checks the link and audits, then answers "
        "X-Accel-Redirect to delivery_internal_location and nginx sends the file (see "
        "deploy/nginx.conf). Object storage redirects to a presigned URL either way",
    )
    delivery_internal_location: str = Field(
        default="/_media/",
        pattern=r"^/[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*/$",
        description="nginx's internal location that aliases storage_root (delivery_offload=nginx)",
    )
    delivery_daily_link_quota: int | None = Field(
        default=None, ge=1, description="download links a partner may get per UTC day; none: no cap"
    )
    delivery_daily_byte_quota: int | None = Field(
        default=None, ge=1, description="bytes a partner may download per UTC day; none: no cap"
    )
    audit_flush_interval_s: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="HLS segment fetches are summed per link, stream and hour in each process "
        "and written this often (and at shutdown)",
    )
    webhook_timeout_s: float = Field(default=10.0, gt=0, description="per delivery attempt")
    webhook_allow_private_addresses: bool = Field(
        default=False,
        description="let webhooks target loopback/private addresses (tests, closed networks only)",
    )

    # --- sign-in: failed attempts allowed per client address and per account ---------------------
    rate_limit_storage_url: str = Field(
        default="memory://",
        description="where failed sign-ins are counted: memory:// (this process only) or "
        "redis://host:6379/1 (shared by every API process, scale-out)",
    )
    sign_in_failures_per_address: int = Field(
        default=10,
        ge=1,
        description="failed sign-ins (password, sign-in token, bearer token) one client address "
        "may make per sign_in_address_window_s before every attempt from it answers 429",
    )
    sign_in_address_window_s: int = Field(default=60, ge=1, le=86400)
    sign_in_failures_per_account: int = Field(
        default=5,
        ge=1,
        description="wrong passwords for one user name per sign_in_account_window_s, from any "
        "address, before its password sign-in answers 429 (even to the right password)",
    )
    sign_in_account_window_s: int = Field(default=900, ge=1, le=86400)

    # --- tour planner: how long and how hard a planning job searches -----------------------------
    tours_time_limit_s: float = Field(
        default=20.0, gt=0, le=3600, description="CP-SAT time limit of one planning job"
    )
    tours_workers: int = Field(default=2, ge=1, le=64, description="CP-SAT search workers")
    tours_gap_limit: float = Field(
        default=0.01, ge=0, le=1, description="stop once within this relative gap of the bound"
    )

    @property
    def media_root(self) -> Path:
        return self.storage_root or self.data_dir / "media"

    @property
    def upload_root(self) -> Path:
        return self.upload_dir or self.data_dir / "uploads"


@lru_cache
def get_settings() -> Settings:
    return Settings()
