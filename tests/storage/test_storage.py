"""One behaviour suite for every storage back-end (local disk, S3 over HTTP)."""

from __future__ import annotations

import hashlib
import os
import urllib.request
from pathlib import Path

import pytest

from catalogue.settings import Settings
from catalogue.storage import (
    InvalidKey,
    LocalStorage,
    ObjectNotFound,
    S3Storage,
    Storage,
    make_storage,
)
from tests.support.s3 import s3_settings


def _file(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_put_then_read_whole_and_ranges(storage: Storage, tmp_path: Path) -> None:
    data = os.urandom(300_000)
    storage.put_file(_file(tmp_path / "in.bin", data), "assets/1/master.mov")
    assert storage.size("assets/1/master.mov") == len(data)
    assert storage.exists("assets/1/master.mov")
    assert b"".join(storage.iter_bytes("assets/1/master.mov", chunk_size=65536)) == data
    assert b"".join(storage.iter_bytes("assets/1/master.mov", 1000, 2000)) == data[1000:2000]
    assert b"".join(storage.iter_bytes("assets/1/master.mov", 299_990)) == data[299_990:]


def test_put_with_move_consumes_the_source(storage: Storage, tmp_path: Path) -> None:
    source = _file(tmp_path / "staged", b"master bytes")
    storage.put_file(source, "assets/2/master.mxf", move=True)
    assert not source.exists()
    assert b"".join(storage.iter_bytes("assets/2/master.mxf")) == b"master bytes"


def test_put_replaces_an_existing_object(storage: Storage, tmp_path: Path) -> None:
    storage.put_file(_file(tmp_path / "a", b"old"), "k/obj")
    storage.put_file(_file(tmp_path / "b", b"newer"), "k/obj")
    assert b"".join(storage.iter_bytes("k/obj")) == b"newer"


def test_missing_objects_are_named(storage: Storage) -> None:
    assert not storage.exists("nothing/here")
    with pytest.raises(ObjectNotFound, match="nothing/here"):
        storage.size("nothing/here")
    with pytest.raises(ObjectNotFound):
        b"".join(storage.iter_bytes("nothing/here"))
    with pytest.raises(ObjectNotFound), storage.local_copy("nothing/here"):
        pass


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs/key", "a//b", "a/../../b", "", ".work/x"])
def test_keys_that_could_escape_are_refused(storage: Storage, tmp_path: Path, key: str) -> None:
    with pytest.raises(InvalidKey):
        storage.put_file(_file(tmp_path / "x", b"x"), key)


def test_local_copy_is_a_readable_local_file(storage: Storage, tmp_path: Path) -> None:
    data = os.urandom(10_000)
    storage.put_file(_file(tmp_path / "in", data), "assets/3/master.mp4")
    with storage.local_copy("assets/3/master.mp4") as local:
        assert local.is_file()
        assert local.read_bytes() == data
        seen = local
    if isinstance(storage, S3Storage):
        assert not seen.exists()  # the temp copy goes with the block


def test_publish_lists_and_replaces_a_folder(storage: Storage, tmp_path: Path) -> None:
    first = tmp_path / "v1"
    _file(first / "master.m3u8", b"#EXTM3U v1")
    _file(first / "720p" / "seg0.m4s", b"a" * 100)
    _file(first / "720p" / "old.m4s", b"b" * 10)
    keys = storage.publish(first, "renditions/5/hls", last=["master.m3u8"])
    assert keys[-1] == "renditions/5/hls/master.m3u8"
    assert [(o.key, o.size) for o in storage.list("renditions/5/hls")] == [
        ("renditions/5/hls/720p/old.m4s", 10),
        ("renditions/5/hls/720p/seg0.m4s", 100),
        ("renditions/5/hls/master.m3u8", 10),
    ]
    second = tmp_path / "v2"
    _file(second / "master.m3u8", b"#EXTM3U v2")
    _file(second / "720p" / "seg0.m4s", b"c" * 50)
    storage.publish(second, "renditions/5/hls", last=["master.m3u8"])
    assert [o.key for o in storage.list("renditions/5/hls/")] == [
        "renditions/5/hls/720p/seg0.m4s",
        "renditions/5/hls/master.m3u8",
    ]
    assert b"".join(storage.iter_bytes("renditions/5/hls/master.m3u8")) == b"#EXTM3U v2"


def test_publish_refuses_a_missing_last_file(storage: Storage, tmp_path: Path) -> None:
    _file(tmp_path / "out" / "seg.ts", b"x")
    with pytest.raises(FileNotFoundError, match=r"master\.m3u8"):
        storage.publish(tmp_path / "out", "renditions/9", last=["master.m3u8"])
    assert storage.list("renditions/9") == []


def test_delete_and_delete_prefix(storage: Storage, tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        storage.put_file(_file(tmp_path / name, b"x"), f"assets/7/{name}")
    storage.put_file(_file(tmp_path / "other", b"y"), "assets/70/keep")
    storage.delete("assets/7/a")
    storage.delete("assets/7/a")  # absent: no error
    assert storage.delete_prefix("assets/7") == 2
    assert storage.list("assets/7") == []
    assert [o.key for o in storage.list("assets")] == ["assets/70/keep"]
    assert storage.delete_prefix("assets/7") == 0


def test_presigned_url_serves_the_object_over_http(storage: Storage, tmp_path: Path) -> None:
    storage.put_file(_file(tmp_path / "in", b"signed bytes"), "assets/8/poster.jpg")
    url = storage.presigned_url("assets/8/poster.jpg", expires_s=60)
    if isinstance(storage, LocalStorage):
        assert url is None  # the app serves local bytes itself
        return
    assert url is not None and "Signature" in url
    with urllib.request.urlopen(url) as response:
        assert response.read() == b"signed bytes"


def test_large_objects_go_up_in_multipart_parts(s3_endpoint: str, tmp_path: Path) -> None:
    from boto3.s3.transfer import TransferConfig

    local = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    storage = make_storage(s3_settings(local, s3_endpoint))
    assert isinstance(storage, S3Storage)
    part = 5 * 1024 * 1024  # S3's smallest part
    storage.transfer = TransferConfig(multipart_threshold=part, multipart_chunksize=part)
    data = os.urandom(2 * part + 123)
    storage.put_file(_file(tmp_path / "big", data), "assets/9/master.mov")
    head = storage.client.head_object(Bucket=storage.bucket, Key="assets/9/master.mov")
    assert head["ETag"].strip('"').endswith("-3")  # a multipart upload's ETag counts its parts
    digest = hashlib.sha256(b"".join(storage.iter_bytes("assets/9/master.mov"))).hexdigest()
    assert digest == hashlib.sha256(data).hexdigest()
