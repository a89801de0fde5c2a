"""A delivery manifest per title and partner: every file with its size and SHA-256 (laid out as
`<asset id>/<path>`, the way a partner mirrors the links), languages and loudness; and the same
list as a checksum file `sha256sum -c` accepts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from catalogue.delivery import catalogue as partner_catalogue
from catalogue.delivery import ebucore
from catalogue.delivery.links import files_of
from catalogue.media.languages import subtitle_languages
from catalogue.models import Partner, Title, TitleLocalization, User
from catalogue.models.delivery import DeliveryManifest, ManifestFile
from catalogue.models.types import utcnow
from catalogue.rights import access


def checksum_file(files: Iterable[ManifestFile]) -> str:
    """GNU coreutils format: '<hex>  <path>' per line (two spaces: binary-safe text mode)."""
    return "".join(f"{f.sha256}  {f.path}\n" for f in files)


def build(session: Session, title: Title, partner: Partner | None) -> DeliveryManifest:
    assert title.id is not None
    sets = partner_catalogue.renditions(session, [title.id]).get(title.id, [])
    subtitles = subtitle_languages(session, [title.id])[title.id]
    files: list[ManifestFile] = []
    assets: list[dict[str, Any]] = []
    audio: set[str] = set()
    for asset, row in sets:
        listed = files_of(session, row)
        files.extend(
            ManifestFile(path=f"{asset.id}/{f.path}", size=f.size, sha256=f.sha256) for f in listed
        )
        audio.update(partner_catalogue.audio_languages(row))
        assets.append(
            {
                "asset_id": asset.id,
                "kind": asset.kind,
                "duration_s": row.duration_s,
                "master_playlist": f"{asset.id}/{row.master_playlist_key.removeprefix(row.prefix + '/')}",
                "dash_manifest": (
                    f"{asset.id}/{row.dash_manifest_key.removeprefix(row.prefix + '/')}"
                    if row.dash_manifest_key
                    else None  # sets made before DASH manifests
                ),
                "delivery_video": f"{asset.id}/{row.delivery_video_key.removeprefix(row.prefix + '/')}",
                "audio_languages": partner_catalogue.audio_languages(row),
                "loudness": {
                    "integrated_lufs": row.loudness_integrated_lufs,
                    "true_peak_dbtp": row.loudness_true_peak_dbtp,
                    "range_lu": row.loudness_range_lu,
                },
                "files": len(listed),
                "bytes": sum(f.size for f in listed),
            }
        )
    return DeliveryManifest(
        title_id=title.id,
        partner_id=partner.id if partner and partner.id else 0,
        generated_at=utcnow(),
        original_title=title.original_title,
        eidr_title_id=title.eidr_title_id,
        assets=assets,
        files=files,
        audio_languages=sorted(audio),
        subtitle_languages=subtitles,
        total_bytes=sum(f.size for f in files),
    )


def description(session: Session, title: Title) -> ebucore.Description:
    assert title.id is not None
    localizations = session.exec(
        select(TitleLocalization)
        .where(TitleLocalization.title_id == title.id)
        .order_by(col(TitleLocalization.language))
    ).all()
    return ebucore.Description(
        title_id=title.id,
        original_title=title.original_title,
        original_language=title.original_language,
        kind=title.kind,
        localizations=[
            ebucore.Localized(loc.language, loc.title, loc.synopsis) for loc in localizations
        ],
        genres=title.genres,
        production_year=title.production_year,
        eidr_title_id=title.eidr_title_id,
        eidr_edit_id=title.eidr_edit_id,
        runtime_minutes=title.runtime_minutes,
    )


def as_seen_by(
    session: Session, user: User, title_id: int, partner_id: int | None
) -> DeliveryManifest:
    """A title the caller may see; for a partner (or staff naming one) only what it may fetch."""
    title = access.visible_title(session, user, title_id)
    partner = (
        partner_catalogue.partner_for(session, user, partner_id)
        if access.is_partner(user) or partner_id
        else None
    )
    return build(session, title, partner)


def ebucore_xml(session: Session, user: User, title_id: int) -> bytes:
    return ebucore.to_xml(description(session, access.visible_title(session, user, title_id)))
