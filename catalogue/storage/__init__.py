"""Where media bytes live: local disk (embedded form) or S3-compatible object storage (scale-out).

storage = make_storage(settings)
storage.put_file(path, "assets/7/ab12/master.mov", move=True)
with storage.local_copy(key) as local:   # FFmpeg only ever opens local files
    ...
storage.publish(folder, "renditions/7/hls", last=["master.m3u8"])
"""

from __future__ import annotations

from catalogue.settings import Settings, StorageBackend
from catalogue.storage.base import InvalidKey, ObjectInfo, ObjectNotFound, Storage, check_key
from catalogue.storage.local import LocalStorage
from catalogue.storage.s3 import S3Storage


def make_storage(settings: Settings) -> Storage:
    if settings.storage_backend is StorageBackend.local:
        return LocalStorage(settings.media_root)
    public = settings.s3_public_endpoint_url
    return S3Storage(
        s3_client(settings),
        settings.s3_bucket,
        temp_dir=settings.upload_root,
        signer=s3_client(settings, endpoint_url=public) if public else None,
    )


def s3_client(settings: Settings, *, endpoint_url: str | None = None) -> object:
    """A client of the S3 server at `endpoint_url` (default: the internal `s3_endpoint_url`)."""
    import boto3
    from botocore.config import Config

    secret = settings.s3_secret_access_key
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url or settings.s3_endpoint_url,
        region_name=settings.s3_region,
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=secret.get_secret_value() if secret else None,
        # Path-style addressing: MinIO and other S3-compatible servers expect it.
        config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard"}),
    )


__all__ = [
    "InvalidKey",
    "LocalStorage",
    "ObjectInfo",
    "ObjectNotFound",
    "S3Storage",
    "Storage",
    "check_key",
    "make_storage",
    "s3_client",
]
