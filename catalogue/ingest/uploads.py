"""The upload service behind the tus routes: create, append, complete, terminate, expire.

The database row holds the committed offset; the staged file may hold more bytes only while a
request is running (or after a crash mid-request): they are cut back to the committed offset at
the next PATCH, so a row never claims bytes that are not there and never misses bytes it counts.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from catalogue.errors import InvalidInput, NotFound
from catalogue.ingest.filenames import sanitize_filename, storage_extension
from catalogue.ingest.staging import StagedPatch, StagingArea
from catalogue.ingest.tus import ChecksumMismatch, OffsetMismatch, TooLarge, TusError, UploadGone
from catalogue.media.probe import enqueue_probe
from catalogue.models import Asset, AssetKind, AssetState, Title, Upload, User
from catalogue.models.assets import move_asset
from catalogue.models.types import utcnow
from catalogue.settings import Settings
from catalogue.storage import Storage
from catalogue.storage.keys import asset_prefix
from catalogue.validation import MAX_ID

log = logging.getLogger("catalogue.ingest")

KINDS = ", ".join(AssetKind)


@dataclass
class Ingest:
    """What the upload routes work with; one per app."""

    settings: Settings
    storage: Storage
    staging: StagingArea

    @property
    def expiry(self) -> timedelta:
        return timedelta(hours=self.settings.upload_expiry_hours)


@dataclass(frozen=True)
class UploadRequest:
    """What Upload-Metadata says the file is: `title_id`, `kind` and `filename` keys."""

    title_id: int
    kind: AssetKind
    filename: str

    @classmethod
    def from_metadata(cls, metadata: dict[str, str]) -> UploadRequest:
        raw_title = metadata.get("title_id", "").strip()
        # ASCII digits only: str.isdigit() also passes '²', which int() refuses.
        if not raw_title or not raw_title.isascii() or not raw_title.isdigit():
            raise TusError(
                "Upload-Metadata must name the title (or episode) the file belongs to: "
                "title_id <base64 of the id, in decimal digits>"
            )
        if not 1 <= int(raw_title) <= MAX_ID:
            raise TusError(
                f"Upload-Metadata title_id {raw_title} is not a title id (1 to {MAX_ID})"
            )
        kind = metadata.get("kind", AssetKind.main).strip()
        if kind not in AssetKind.__members__:
            raise InvalidInput(
                f"Upload-Metadata kind {kind!r} is not an asset kind; use one of {KINDS}"
            )
        filename = metadata.get("filename") or metadata.get("name") or ""
        return cls(int(raw_title), AssetKind(kind), sanitize_filename(filename))

    def as_metadata(self) -> dict[str, str]:
        return {"title_id": str(self.title_id), "kind": self.kind, "filename": self.filename}


def create_upload(
    session: Session, ingest: Ingest, user: User, length: int, wanted: UploadRequest
) -> Upload:
    limit = ingest.settings.upload_max_bytes
    if length > limit:
        raise TooLarge(f"Upload-Length {length} is above this server's limit of {limit} bytes")
    if session.get(Title, wanted.title_id) is None:
        raise InvalidInput(f"Upload-Metadata title_id: there is no title {wanted.title_id}")
    asset = Asset(
        title_id=wanted.title_id,
        kind=wanted.kind,
        original_filename=wanted.filename,
        size=length,
        created_by=user.id,
    )
    session.add(asset)
    session.flush()
    assert asset.id is not None
    upload = Upload(
        id=secrets.token_hex(16),
        asset_id=asset.id,
        created_by=user.id or 0,
        length=length,
        client_metadata=wanted.as_metadata(),
        expires_at=utcnow() + ingest.expiry,
    )
    session.add(upload)
    ingest.staging.create(upload.id)
    try:
        session.commit()
    except BaseException:
        ingest.staging.remove(upload.id)
        raise
    return upload


def get_own(session: Session, ingest: Ingest, user: User, upload_id: str) -> Upload:
    """The caller's upload, its offset repaired to the bytes really staged; 404 for anyone else's."""
    upload = session.exec(
        select(Upload).where(Upload.id == upload_id, Upload.created_by == user.id)
    ).first()
    if upload is None:
        raise NotFound(f"upload {upload_id} not found")
    if upload.completed_at is None:
        if upload.expires_at <= utcnow():
            raise UploadGone(f"upload {upload_id} expired; start a new upload")
        staged = ingest.staging.committed_size(upload.id)
        if staged < upload.offset:  # bytes lost with the machine: resume from what is there
            upload.offset = staged
            session.add(upload)
            session.commit()
    return upload


def begin_patch(
    session: Session,
    ingest: Ingest,
    upload: Upload,
    offset: int,
    content_length: int | None,
    checksum: tuple[str, bytes] | None,
) -> StagedPatch:
    if upload.completed_at is not None or offset != upload.offset:
        raise OffsetMismatch(
            f"Upload-Offset {offset} does not match the upload's offset {upload.offset}; "
            "send HEAD to learn the offset, then resume from there"
        )
    if content_length is not None and offset + content_length > upload.length:
        raise TooLarge(
            f"{content_length} bytes at offset {offset} would pass the declared Upload-Length "
            f"{upload.length}"
        )
    return ingest.staging.open_patch(upload.id, offset, checksum)


def end_patch(
    session: Session, ingest: Ingest, upload: Upload, patch: StagedPatch, *, whole_body: bool
) -> Upload:
    """Commit the request's bytes (or discard them), then complete the upload if it is whole.

    A request cut off mid-body keeps what arrived, as tus asks, unless it carried a checksum:
    a partial chunk cannot be verified."""
    try:
        if patch.checksum is not None and not whole_body:
            patch.discard()
            return upload
        if not patch.checksum_matches():
            patch.discard()
            raise ChecksumMismatch(
                f"the {patch.checksum[0] if patch.checksum else ''} checksum of this chunk does not "
                f"match its bytes; the chunk was discarded, resend it from offset {patch.start}"
            )
        if patch.offset > upload.length:
            patch.discard()
            raise TooLarge(f"the body passes the declared Upload-Length {upload.length}")
        sha256 = patch.keep()
        upload.offset = patch.offset
        upload.expires_at = utcnow() + ingest.expiry
        session.add(upload)
        if upload.offset == upload.length:
            _complete(session, ingest, upload, sha256)
        session.commit()
        return upload
    finally:
        patch.close()


def finish_if_whole(session: Session, ingest: Ingest, upload: Upload) -> None:
    """Complete an upload whose bytes are all staged but whose completion failed before (e.g. the
    object store was down): an empty PATCH at the final offset retries it."""
    if upload.completed_at is None and upload.offset == upload.length:
        patch = ingest.staging.open_patch(upload.id, upload.offset, None)
        try:
            _complete(session, ingest, upload, patch.keep())
            session.commit()
        finally:
            patch.close()


def _complete(session: Session, ingest: Ingest, upload: Upload, sha256: str) -> None:
    asset = session.get(Asset, upload.asset_id)
    assert asset is not None and asset.id is not None
    key = f"{asset_prefix(asset.id)}/{secrets.token_hex(4)}/master{storage_extension(asset.original_filename)}"
    # Move first, then record: a crash in between leaves an unreferenced object (swept by key
    # prefix when the asset is deleted), never a row pointing at missing bytes.
    ingest.storage.put_file(ingest.staging.path(upload.id), key, move=True)
    ingest.staging.hashes.drop(upload.id)
    asset.storage_key = key
    asset.sha256 = sha256
    asset.size = upload.length
    move_asset(asset, AssetState.uploaded)
    upload.completed_at = utcnow()
    session.add_all([asset, upload])
    enqueue_probe(session, asset.id)
    log.info("upload %s complete: asset %s, %d bytes", upload.id, asset.id, upload.length)


def terminate(session: Session, ingest: Ingest, upload: Upload) -> None:
    """tus termination: the staged bytes go; an asset still uploading goes with them."""
    asset = session.get(Asset, upload.asset_id)
    session.delete(upload)
    session.flush()  # before its asset: the database would cascade to it, and the ORM not know
    if asset is not None and asset.state == AssetState.uploading:
        session.delete(asset)
    session.commit()
    ingest.staging.remove(upload.id)


def sweep_expired(session: Session, ingest: Ingest, now: datetime | None = None) -> int:
    """Collect expired uploads: unfinished ones lose their bytes and their `uploading` asset;
    finished ones only their row. Also removes staged files no row knows. Returns rows removed."""
    now = now or utcnow()
    expired = session.exec(select(Upload).where(Upload.expires_at <= now)).all()
    for upload in expired:
        if upload.completed_at is None:
            terminate(session, ingest, upload)
        else:
            session.delete(upload)
            session.commit()
    known = set(session.exec(select(Upload.id)).all())
    for stray in ingest.staging.stray_files(known, ingest.expiry.total_seconds()):
        stray.unlink(missing_ok=True)
    return len(expired)
