"""Settings for tests that drive jobs explicitly: pool off, short leases, no backoff wait."""

from __future__ import annotations

from catalogue.settings import Settings


def job_settings(base: Settings, **overrides: object) -> Settings:
    values = {
        "job_pool_enabled": False,
        "job_lease_s": 1.5,
        "job_heartbeat_s": 0.2,
        "job_poll_s": 0.1,
        "job_backoff_base_s": 0.0,
        **overrides,
    }
    return Settings(**{**base.model_dump(), **values}, _env_file=None)  # type: ignore[call-arg]
