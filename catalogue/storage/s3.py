"""Media in S3-compatible object storage (MinIO, AWS S3) through boto3.

Large files go up in parallel multipart parts (boto3's transfer manager); a single object PUT or
multipart completion is atomic in S3, so readers never see part of an object.

Two clients when the S3 server has a public name apart from its internal one: `client` moves bytes
over the internal endpoint, `signer` only signs the URLs handed to browsers and partners (a
signature covers the host, so a URL signed for the internal host cannot be rewritten).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from catalogue.storage.base import (
    CHUNK,
    ObjectInfo,
    ObjectNotFound,
    check_key,
    check_prefix,
    files_in_publish_order,
)

PART_SIZE = 64 * 1024 * 1024
_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    def __init__(
        self, client: Any, bucket: str, *, temp_dir: Path | None = None, signer: Any = None
    ) -> None:
        from boto3.s3.transfer import TransferConfig

        self.client = client
        self.signer = signer or client
        self.bucket = bucket
        self.temp_dir = temp_dir
        if temp_dir is not None:
            temp_dir.mkdir(parents=True, exist_ok=True)
        self.transfer = TransferConfig(
            multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE, max_concurrency=4
        )

    def put_file(self, source: Path, key: str, *, move: bool = False) -> None:
        self.client.upload_file(str(source), self.bucket, check_key(key), Config=self.transfer)
        if move:
            source.unlink()

    def put_bytes(self, data: bytes, key: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=check_key(key), Body=data)

    def read_bytes(self, key: str) -> bytes:
        return b"".join(self.iter_bytes(key))

    def publish(
        self, source: Path, prefix: str, *, last: Sequence[str] = (), move: bool = False
    ) -> list[str]:
        prefix = check_prefix(prefix)
        before = {info.key for info in self.list(prefix)}
        keys = []
        for name in files_in_publish_order(source, last):
            key = prefix + name.as_posix()
            self.put_file(source / name, key)
            keys.append(key)
        # Old objects go only after the new set (and its playlist) is complete.
        self._delete_keys(sorted(before - set(keys)))
        if move:
            shutil.rmtree(source)
        return keys

    def iter_bytes(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = CHUNK
    ) -> Iterator[bytes]:
        if end is not None and end <= start:
            return
        byte_range = f"bytes={start}-{'' if end is None else end - 1}"
        try:
            response = self.client.get_object(
                Bucket=self.bucket, Key=check_key(key), Range=byte_range
            )
        except self.client.exceptions.ClientError as error:
            self._raise_missing(error, key)
            raise
        body = response["Body"]
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        folder = Path(tempfile.mkdtemp(prefix="s3copy-", dir=self.temp_dir))
        try:
            path = folder / Path(check_key(key)).name
            try:
                self.client.download_file(self.bucket, key, str(path), Config=self.transfer)
            except self.client.exceptions.ClientError as error:
                self._raise_missing(error, key)
                raise
            yield path
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def size(self, key: str) -> int:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except self.client.exceptions.ClientError as error:
            self._raise_missing(error, key)
            raise
        return int(head["ContentLength"])

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except ObjectNotFound:
            return False
        return True

    def list(self, prefix: str) -> list[ObjectInfo]:
        paginator = self.client.get_paginator("list_objects_v2")
        found = [
            ObjectInfo(item["Key"], int(item["Size"]))
            for page in paginator.paginate(Bucket=self.bucket, Prefix=check_prefix(prefix))
            for item in page.get("Contents", [])
        ]
        return sorted(found, key=lambda info: info.key)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def delete_prefix(self, prefix: str) -> int:
        keys = [info.key for info in self.list(prefix)]
        self._delete_keys(keys)
        return len(keys)

    def presigned_url(
        self, key: str, expires_s: int = 3600, download_as: str | None = None
    ) -> str | None:
        params = {"Bucket": self.bucket, "Key": check_key(key)}
        if download_as is not None:
            # Signed into the URL: the object store sends this header itself. The names are
            # the package's own (ASCII, no quotes).
            params["ResponseContentDisposition"] = f'attachment; filename="{download_as}"'
        url: str = self.signer.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expires_s
        )
        return url

    def _delete_keys(self, keys: Sequence[str]) -> None:
        for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1000 keys
            batch = [{"Key": k} for k in keys[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})

    @staticmethod
    def _raise_missing(error: Any, key: str) -> None:
        if error.response.get("Error", {}).get("Code") in _MISSING:
            raise ObjectNotFound(f"no stored object {key!r}") from None
