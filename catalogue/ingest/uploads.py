"""The upload service behind the tus routes: create, append, complete, terminate, expire.

The database row holds the committed offset and the lease of the request writing the upload
(`leases`), so any API node sharing the staging directory may take any PATCH. The staged file may
hold more bytes only while a request is running (or after a crash mid-request): they are cut
back to the committed offset at the next PATCH, so a row never claims bytes that are not there
and never misses bytes it counts.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from catalogue.errors import InvalidInput, NotFound, page_message
from catalogue.ingest import leases
from catalogue.ingest.filenames import sanitize_filename, storage_extension
from catalogue.ingest.staging import StagedPatch, StagingArea
from catalogue.ingest.tus import (
    ChecksumMismatch,
    OffsetMismatch,
    TooLarge,
    TusError,
    UploadGone,
    UploadLocked,
)
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
            raise TusError(page_message("upload_no_title_id"))
        if not 1 <= int(raw_title) <= MAX_ID:
            raise TusError(page_message("upload_title_id_range", title=raw_title, max=MAX_ID))
        kind = metadata.get("kind", AssetKind.main).strip()
        if kind not in AssetKind.__members__:
            raise InvalidInput(page_message("upload_kind", kind=repr(kind), kinds=KINDS))
        filename = metadata.get("filename") or metadata.get("name") or ""
        return cls(int(raw_title), AssetKind(kind), sanitize_filename(filename))

    def as_metadata(self) -> dict[str, str]:
        return {"title_id": str(self.title_id), "kind": self.kind, "filename": self.filename}


def create_upload(
    session: Session, ingest: Ingest, user: User, length: int, wanted: UploadRequest
) -> Upload:
    limit = ingest.settings.upload_max_bytes
    if length > limit:
        raise TooLarge(page_message("upload_too_large", length=length, limit=limit))
    if session.get(Title, wanted.title_id) is None:
        raise InvalidInput(page_message("upload_no_title", title=wanted.title_id))
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
        raise NotFound(page_message("no_upload", upload=upload_id))
    if upload.completed_at is None:
        if upload.expires_at <= utcnow():
            raise UploadGone(page_message("upload_expired", upload=upload_id))
        if upload.master_key is not None:  # all bytes counted; the completion did not finish
            with contextlib.suppress(UploadLocked):  # another request is finishing it now
                finish_if_whole(session, ingest, upload)
            return upload
        staged = ingest.staging.committed_size(upload.id)
        if staged < upload.offset:  # bytes lost with the machine: resume from what is there
            upload.offset = staged
            session.add(upload)
            session.commit()
    return upload


@dataclass
class OpenPatch:
    """A PATCH under way: the upload's lease (`token`) and the bytes staged so far."""

    upload_id: str
    token: str
    staged: StagedPatch
    room: int  # bytes left of Upload-Length when it started


def begin_patch(
    session: Session,
    ingest: Ingest,
    upload_id: str,
    offset: int,
    content_length: int | None,
    checksum: tuple[str, bytes] | None,
) -> OpenPatch:
    """Take the upload's lease and open its staged file at `offset` (any node may do this).
    Raises `UploadLocked` while another request holds the lease."""
    upload = _upload(session, upload_id)
    if upload.completed_at is not None or offset != upload.offset:
        raise _offset_mismatch(offset, upload)
    if content_length is not None and offset + content_length > upload.length:
        raise TooLarge(
            page_message(
                "upload_chunk_too_large", sent=content_length, offset=offset, length=upload.length
            )
        )
    token = leases.claim(session, upload.id, ingest.settings.upload_lease_s)
    try:
        session.refresh(upload)
        if upload.offset != offset:  # another node committed between our read and our claim
            raise _offset_mismatch(offset, upload)
        staged = ingest.staging.open_patch(upload.id, offset, checksum)
    except BaseException:
        leases.give_back(_engine(session), upload.id, token)
        raise
    return OpenPatch(upload.id, token, staged, upload.length - offset)


def _offset_mismatch(offset: int, upload: Upload) -> OffsetMismatch:
    return OffsetMismatch(page_message("offset_mismatch", offset=offset, expected=upload.offset))


def renew(engine: Engine, ingest: Ingest, patch: OpenPatch) -> None:
    """Keep the lease while the body streams; raises `UploadLocked` once it is lost."""
    if not leases.renew(engine, patch.upload_id, patch.token, ingest.settings.upload_lease_s):
        raise UploadLocked(page_message("lease_lost_streaming"))


def abandon(engine: Engine, ingest: Ingest, patch: OpenPatch) -> None:
    """Forget the request's bytes and give the lease back (the body failed or was refused).
    Only while the lease is still ours: otherwise the file is another request's to write."""
    try:
        if leases.renew(engine, patch.upload_id, patch.token, ingest.settings.upload_lease_s):
            patch.staged.discard()
            leases.give_back(engine, patch.upload_id, patch.token)
    finally:
        patch.staged.close()


def end_patch(session: Session, ingest: Ingest, patch: OpenPatch, *, whole_body: bool) -> Upload:
    """Commit the request's bytes (or discard them), then complete the upload if it is whole.

    A request cut off mid-body keeps what arrived, as tus asks, unless it carried a checksum:
    a partial chunk cannot be verified. The bytes are on disk before the offset counting them is
    committed, so a node dying at any point loses at most this request's bytes."""
    staged = patch.staged
    if staged.checksum is not None and not whole_body:
        abandon(_engine(session), ingest, patch)
        return _upload(session, patch.upload_id)
    if not staged.checksum_matches():
        abandon(_engine(session), ingest, patch)
        algorithm = staged.checksum[0] if staged.checksum else ""
        raise ChecksumMismatch(
            page_message("checksum_mismatch", algorithm=algorithm, offset=staged.start)
        )
    try:
        upload = _upload(session, patch.upload_id)
        sha256 = staged.make_durable()
        leases.commit_offset(session, upload, patch.token, staged.offset, ingest.expiry)
        if upload.offset == upload.length:
            upload.master_key = _master_key(session, upload)
            upload.sha256 = sha256
            session.add(upload)
        session.commit()
    except UploadLocked:  # the lease is another request's now, and so is the file
        staged.close()
        raise
    except BaseException:
        abandon(_engine(session), ingest, patch)
        raise
    staged.close()
    if upload.offset < upload.length:
        staged.committed()
        return upload
    # The bytes and the master's key are recorded: a completion that fails here (object store
    # down, node killed) is finished by the next HEAD or PATCH (`finish_if_whole`).
    _complete(session, ingest, upload)
    session.commit()
    return upload


def finish_if_whole(session: Session, ingest: Ingest, upload: Upload) -> None:
    """Complete an upload whose bytes are all counted but whose completion did not finish (the
    object store was down, or the node died after moving the master)."""
    if upload.completed_at is not None or upload.master_key is None:
        return
    token = leases.claim(session, upload.id, ingest.settings.upload_lease_s)
    try:
        session.refresh(upload)
        _complete(session, ingest, upload)
        upload.lock_token = upload.locked_until = None
        session.commit()
    except BaseException:
        session.rollback()
        leases.give_back(_engine(session), upload.id, token)
        raise


def _upload(session: Session, upload_id: str) -> Upload:
    upload = session.get(Upload, upload_id)
    if upload is None:
        raise NotFound(page_message("upload_terminated", upload=upload_id))
    return upload


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    assert isinstance(bind, Engine)
    return bind


def _master_key(session: Session, upload: Upload) -> str:
    asset = session.get(Asset, upload.asset_id)
    assert asset is not None and asset.id is not None
    extension = storage_extension(asset.original_filename)
    return f"{asset_prefix(asset.id)}/{secrets.token_hex(4)}/master{extension}"


def _complete(session: Session, ingest: Ingest, upload: Upload) -> None:
    """Move the staged master to its recorded key (unless a killed attempt already did) and
    record the asset as uploaded; the caller commits."""
    asset = session.get(Asset, upload.asset_id)
    assert asset is not None and asset.id is not None
    assert upload.master_key is not None and upload.sha256 is not None
    staged = ingest.staging.path(upload.id)
    if staged.exists():
        ingest.storage.put_file(staged, upload.master_key, move=True)
    elif not ingest.storage.exists(upload.master_key):
        raise UploadGone(page_message("upload_lost", upload=upload.id))
    ingest.staging.hashes.drop(upload.id)
    asset.storage_key = upload.master_key
    asset.sha256 = upload.sha256
    asset.size = upload.length
    move_asset(asset, AssetState.uploaded)
    upload.completed_at = utcnow()
    session.add_all([asset, upload])
    enqueue_probe(session, asset.id)
    log.info("upload %s complete: asset %s, %d bytes", upload.id, asset.id, upload.length)


def terminate(session: Session, ingest: Ingest, upload: Upload) -> None:
    """tus termination: the staged bytes go; an asset still uploading goes with them. An upload
    a PATCH is writing (on any node) is refused with 423."""
    if upload.completed_at is None:
        leases.claim(session, upload.id, ingest.settings.upload_lease_s)
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
    removed = 0
    for upload in expired:
        if upload.completed_at is None:
            try:
                terminate(session, ingest, upload)
            except UploadLocked:  # still being written: not idle after all
                continue
        else:
            session.delete(upload)
            session.commit()
        removed += 1
    known = set(session.exec(select(Upload.id)).all())
    unfinished = select(Upload.id).where(col(Upload.completed_at).is_(None))
    ingest.staging.hashes.keep_only(set(session.exec(unfinished).all()))
    for stray in ingest.staging.stray_files(known, ingest.expiry.total_seconds()):
        stray.unlink(missing_ok=True)
    return removed
