"""A title's delivery package for a partner: the MP4 and audio of each licensed asset, the
published subtitles as sidecar WebVTT files, and a manifest (JSON, and `manifest.sha256` that
`sha256sum -c` accepts). Offered as separate attachments and as one ZIP streamed from storage
(stored, not compressed: video does not shrink), both behind a signed link checked like the
rendition links. With object storage each stored attachment is a redirect to a presigned URL;
the ZIP always streams through the app."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select
from zipstream import ZIP_STORED, ZipStream

from catalogue.delivery import audit, links, signing
from catalogue.delivery import catalogue as partner_catalogue
from catalogue.delivery.signing import Grant, LinkInvalid
from catalogue.errors import NotFound, page_message
from catalogue.models import SubtitleTrack, Title, User
from catalogue.models.delivery import AuditAction
from catalogue.models.subtitles import TrackStatus
from catalogue.rights import access
from catalogue.settings import Settings
from catalogue.storage import Storage

ZIP_NAME = "package.zip"
MANIFEST_JSON = "manifest.json"
CHECKSUMS = "manifest.sha256"
_PREFIX = "package/"  # a grant's prefix: never a rendition folder, so /d/ links cannot use it


@dataclass(frozen=True)
class PackageFile:
    name: str  # path inside the package
    size: int
    sha256: str
    key: str | None = None  # storage key; None for the manifests, made here
    data: bytes | None = None


class PackageFilePublic(BaseModel):
    name: str
    size: int
    sha256: str
    url: str


class PackagePublic(BaseModel):
    title_id: int
    expires_at: datetime
    zip_url: str
    zip_size: int
    files: list[PackageFilePublic]


def _media(session: Session, storage: Storage, title: Title) -> list[PackageFile]:
    assert title.id is not None
    found: list[PackageFile] = []
    for asset, row in partner_catalogue.renditions(session, [title.id]).get(title.id, []):
        recorded = {f.key: f for f in links.files_of(session, row)}
        wanted = [(row.delivery_video_key, "mp4"), (row.delivery_audio_key, "m4a")]
        for key, extension in wanted:
            file = recorded.get(key or "")
            if file is not None:
                found.append(
                    PackageFile(f"{asset.kind}-{asset.id}.{extension}", file.size, file.sha256, key)
                )
    tracks = session.exec(
        select(SubtitleTrack)
        .where(SubtitleTrack.title_id == title.id, SubtitleTrack.status == TrackStatus.published)
        .order_by(col(SubtitleTrack.language), col(SubtitleTrack.kind))
    ).all()
    for track in tracks:
        text = storage.read_bytes(track.vtt_key)  # small: hashed here, not recorded anywhere
        name = f"subtitles/{track.language}.{track.kind}.vtt"
        found.append(PackageFile(name, len(text), hashlib.sha256(text).hexdigest(), track.vtt_key))
    return found


def _made(name: str, data: bytes) -> PackageFile:
    return PackageFile(name, len(data), hashlib.sha256(data).hexdigest(), data=data)


def contents(session: Session, storage: Storage, title: Title) -> list[PackageFile]:
    """The package's files; the manifests last, the checksum file covering every other file."""
    media = _media(session, storage, title)
    if not media:
        raise NotFound(page_message("no_video_for_delivery", title=title.id))
    described = {
        "title_id": title.id,
        "original_title": title.original_title,
        "original_language": title.original_language,
        "eidr_title_id": title.eidr_title_id,
        "files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in media],
    }
    manifest = _made(MANIFEST_JSON, json.dumps(described, ensure_ascii=False, indent=2).encode())
    listed = [*media, manifest]
    checksums = _made(CHECKSUMS, "".join(f"{f.sha256}  {f.name}\n" for f in listed).encode())
    return [*listed, checksums]


def file_bytes(storage: Storage, file: PackageFile) -> Iterator[bytes]:
    # A generator: storage is opened when the ZIP (or the response) reaches this file, not before.
    if file.data is not None:
        yield file.data
        return
    assert file.key is not None
    yield from storage.iter_bytes(file.key)


def zipped(storage: Storage, files: list[PackageFile]) -> ZipStream:
    """The ZIP, sized ahead (Content-Length) and read from storage only while it is sent."""
    stream = ZipStream(compress_type=ZIP_STORED, sized=True)
    for file in files:
        stream.add(file_bytes(storage, file), file.name, size=file.size)
    return stream


def issue(
    session: Session,
    settings: Settings,
    storage: Storage,
    user: User,
    title_id: int,
    base_url: str,
) -> PackagePublic:
    """Signed links to the package of a title licensed to the calling partner today."""
    partner = access.partner_of(session, user)
    assert partner.id is not None
    title = access.visible_title(session, user, title_id)
    files = contents(session, storage, title)
    audit.check_link_quota(session, settings, partner.id)
    expires = int(time.time()) + settings.delivery_link_ttl_s
    grant = Grant(partner.id, f"{_PREFIX}{title_id}", expires, user_id=user.id)
    token = signing.sign(links.signing_key(settings), grant)
    base = f"{base_url.rstrip('/')}/p/{token}/"
    audit.record(
        session.get_bind(),  # type: ignore[arg-type]
        action=AuditAction.link_issued,
        target=f"package:title:{title_id}",
        status_code=201,
        partner_id=partner.id,
        user_id=user.id,
        detail=f"expires {datetime.fromtimestamp(expires, UTC).isoformat()}",
    )
    return PackagePublic(
        title_id=title_id,
        expires_at=datetime.fromtimestamp(expires, UTC),
        zip_url=base + ZIP_NAME,
        zip_size=len(zipped(storage, files)),
        files=[PackageFilePublic(name=f.name, size=f.size, sha256=f.sha256, url=base + f.name)
               for f in files],
    )  # fmt: skip


def resolve(
    session: Session, settings: Settings, storage: Storage, token: str
) -> tuple[Grant, list[PackageFile]]:
    """The grant behind /p/{token}/... and the package's files, checked as rendition links are:
    genuine, unexpired, partner active, holder in good standing, title licensed today."""
    grant = signing.verify(settings.signing_keys(), token, time.time())
    title_id = grant.prefix.removeprefix(_PREFIX)
    if not grant.prefix.startswith(_PREFIX) or not title_id.isdigit():
        raise LinkInvalid("not found")
    links.still_licensed(session, grant, int(title_id))
    title = session.get(Title, int(title_id))
    if title is None:
        raise LinkInvalid("not found")
    return grant, contents(session, storage, title)


def offloaded_url(storage: Storage, grant: Grant, file: PackageFile) -> str | None:
    """Where object storage hands out a stored file itself (a presigned URL, valid while the
    link is, answering as an attachment), so its bytes never pass through Python; None for
    local storage and for the manifests, which are made here."""
    if file.key is None:
        return None
    remaining = max(1, grant.expires_at - int(time.time()))
    return storage.presigned_url(
        file.key, expires_s=remaining, download_as=file.name.rsplit("/", 1)[-1]
    )


def find(files: list[PackageFile], name: str) -> PackageFile:
    file = next((f for f in files if f.name == name), None)
    if file is None:
        raise LinkInvalid("not found")
    return file
