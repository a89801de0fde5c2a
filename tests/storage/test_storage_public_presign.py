"""Presigned URLs are signed for the S3 server's public name (what partners' browsers resolve),
while the service keeps moving bytes over the internal endpoint."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx

from catalogue.settings import Settings
from catalogue.storage import S3Storage, make_storage
from tests.support.s3 import s3_endpoint, s3_settings  # noqa: F401  (s3_endpoint: a fixture)


def _public_name(internal: str) -> str:
    """The same server under another host name: `localhost` where the service uses 127.0.0.1."""
    parts = urlsplit(internal)
    assert parts.hostname == "127.0.0.1"
    return f"http://localhost:{parts.port}"


def test_presigned_urls_name_the_public_host_and_fetch_the_object(
    tmp_path: Path,
    s3_endpoint: str,  # noqa: F811
) -> None:
    internal = s3_settings(Settings(data_dir=tmp_path, _env_file=None), s3_endpoint)  # type: ignore[call-arg]
    public = _public_name(s3_endpoint)
    storage = make_storage(internal.model_copy(update={"s3_public_endpoint_url": public}))
    assert isinstance(storage, S3Storage)
    storage.put_bytes(b"segment bytes", "renditions/1/hls/seg_0001.ts")

    url = storage.presigned_url("renditions/1/hls/seg_0001.ts", expires_s=300)

    assert url is not None and url.startswith(public + "/")
    assert storage.client.meta.endpoint_url == s3_endpoint  # bytes still go the internal way
    answer = httpx.get(url)
    assert answer.status_code == 200 and answer.content == b"segment bytes"


def test_without_a_public_endpoint_urls_name_the_internal_one(
    tmp_path: Path,
    s3_endpoint: str,  # noqa: F811
) -> None:
    settings = s3_settings(Settings(data_dir=tmp_path, _env_file=None), s3_endpoint)  # type: ignore[call-arg]
    storage = make_storage(settings)
    storage.put_bytes(b"x", "a/b.txt")
    url = storage.presigned_url("a/b.txt")
    assert url is not None and url.startswith(s3_endpoint + "/")
