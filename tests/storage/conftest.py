"""Both storage back-ends, the S3 one against moto's S3-protocol server over real HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from catalogue.settings import Settings, StorageBackend
from catalogue.storage import Storage, make_storage


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_settings(endpoint: str, data_dir: Path) -> Settings:
    """Settings for a fresh bucket on the test S3 server (created here)."""
    settings = Settings(
        data_dir=data_dir,
        storage_backend=StorageBackend.s3,
        s3_endpoint_url=endpoint,
        s3_bucket=f"test-{uuid.uuid4().hex[:12]}",
        s3_access_key_id="testing",
        s3_secret_access_key="testing",
        _env_file=None,  # type: ignore[call-arg]
    )
    from catalogue.storage import s3_client

    s3_client(settings).create_bucket(Bucket=settings.s3_bucket)  # type: ignore[attr-defined]
    return settings


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return make_storage(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    endpoint = request.getfixturevalue("s3_endpoint")
    return make_storage(s3_settings(endpoint, tmp_path))
