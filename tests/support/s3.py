"""moto's S3-protocol server over real HTTP, and settings for a fresh bucket on it. A conftest
that needs the server imports the `s3_endpoint` fixture from here."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer
from pydantic import SecretStr

from catalogue.settings import Settings, StorageBackend
from catalogue.storage import s3_client


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_settings(base: Settings, endpoint: str) -> Settings:
    """`base` storing in a fresh bucket (created here) on the test S3 server at `endpoint`."""
    settings = base.model_copy(
        update={
            "storage_backend": StorageBackend.s3,
            "s3_endpoint_url": endpoint,
            "s3_bucket": f"test-{uuid.uuid4().hex[:12]}",
            "s3_access_key_id": "testing",
            "s3_secret_access_key": SecretStr("testing"),
        }
    )
    s3_client(settings).create_bucket(Bucket=settings.s3_bucket)  # type: ignore[attr-defined]
    return settings
