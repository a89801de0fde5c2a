"""The tus 1.0 resumable upload protocol: headers, named errors and parsing (pure).

Spec: https://tus.io/protocols/resumable-upload. Extensions served: creation,
creation-with-upload, termination, expiration, checksum (sha1, sha256).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from catalogue.errors import CatalogueError, Conflict, page_message

VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,termination,expiration,checksum"
CHECKSUMS: dict[str, Callable[[], Any]] = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
# Headers a browser client (tus-js-client) must be allowed to read.
EXPOSED_HEADERS = (
    "Location, Tus-Resumable, Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires, "
    "Catalogue-Asset-Id"
)

_INTEGER = re.compile(r"[0-9]{1,19}")
_METADATA_KEY = re.compile(r"[^\s,]+")


class TusError(CatalogueError):
    status_code = 400


class UnsupportedVersion(TusError):
    status_code = 412


class WrongContentType(TusError):
    status_code = 415


class TooLarge(TusError):
    status_code = 413


class OffsetMismatch(Conflict):
    pass


class UploadLocked(TusError):
    status_code = 423


class UploadGone(TusError):
    status_code = 410


class ChecksumMismatch(TusError):
    status_code = 460


def require_version(value: str | None) -> None:
    if value != VERSION:
        raise UnsupportedVersion(page_message("tus_version", version=VERSION, got=repr(value)))


def require_offset_content_type(value: str | None) -> None:
    if (value or "").split(";")[0].strip().lower() != OFFSET_CONTENT_TYPE:
        raise WrongContentType(
            page_message("tus_content_type", expected=OFFSET_CONTENT_TYPE, got=repr(value))
        )


def parse_integer(name: str, value: str | None) -> int:
    """A non-negative integer header (Upload-Length, Upload-Offset)."""
    if value is None or not _INTEGER.fullmatch(value.strip()):
        raise TusError(page_message("tus_integer", header=name, got=repr(value)))
    return int(value)


def parse_metadata(value: str | None) -> dict[str, str]:
    """``Upload-Metadata: key base64value,key2 base64value2`` -> {key: decoded UTF-8 text}."""
    result: dict[str, str] = {}
    for pair in (value or "").split(","):
        if not pair.strip():
            continue
        key, _, encoded = pair.strip().partition(" ")
        if not _METADATA_KEY.fullmatch(key) or key in result:
            raise TusError(page_message("tus_metadata_key", key=repr(key)))
        try:
            result[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise TusError(page_message("tus_metadata_encoding", key=repr(key))) from None
    return result


def encode_metadata(metadata: dict[str, str]) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode('ascii')}"
        for key, value in metadata.items()
    )


def parse_checksum(value: str) -> tuple[str, bytes]:
    """``Upload-Checksum: sha1 <base64 digest>`` -> (algorithm, digest)."""
    algorithm, _, encoded = value.strip().partition(" ")
    if algorithm not in CHECKSUMS:
        raise TusError(
            page_message(
                "tus_checksum_algorithm", algorithm=repr(algorithm), algorithms=", ".join(CHECKSUMS)
            )
        )
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        raise TusError(page_message("tus_checksum_encoding")) from None
    if len(digest) != CHECKSUMS[algorithm]().digest_size:
        raise TusError(page_message("tus_checksum_length", algorithm=algorithm))
    return algorithm, digest


def http_date(moment: datetime) -> str:
    """RFC 9110 date, as Upload-Expires wants: ``Wed, 25 Jun 2025 16:00:00 GMT``."""
    return format_datetime(moment, usegmt=True)
