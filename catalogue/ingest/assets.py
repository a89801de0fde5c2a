"""Reading and deleting assets. Partners see none for now (renditions of licensed titles, later)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from catalogue.errors import NotFound, page_message
from catalogue.ingest.uploads import Ingest
from catalogue.models import Asset, AssetState, Role, Upload, User
from catalogue.models.assets import AssetPublic
from catalogue.rights import access
from catalogue.storage.keys import asset_prefix, renditions_prefix


def _may_see_assets(user: User) -> bool:
    return user.role != Role.partner


def list_for_title(session: Session, user: User, title_id: int) -> list[Asset]:
    access.visible_title(session, user, title_id)
    if not _may_see_assets(user):
        raise NotFound(page_message("not_found", what="title", ident=title_id))
    return list(
        session.exec(select(Asset).where(Asset.title_id == title_id).order_by(col(Asset.id))).all()
    )


def get_visible(session: Session, user: User, asset_id: int) -> Asset:
    asset = session.get(Asset, asset_id) if _may_see_assets(user) else None
    if asset is None:
        raise NotFound(page_message("not_found", what="asset", ident=asset_id))
    return asset


def delete(session: Session, ingest: Ingest, asset: Asset) -> None:
    """Remove the row (with its uploads), then the bytes: a failure between the two leaves
    unreferenced bytes, never a record pointing at nothing."""
    asset_id = asset.id
    assert asset_id is not None  # a row read from the database
    uploads = session.exec(select(Upload).where(Upload.asset_id == asset_id)).all()
    unfinished = [u.id for u in uploads if u.completed_at is None]
    for upload in uploads:
        session.delete(upload)
    session.flush()  # before the asset: the database would cascade to them, and the ORM not know
    session.delete(asset)
    session.commit()
    for upload_id in unfinished:
        ingest.staging.remove(upload_id)
    ingest.storage.delete_prefix(asset_prefix(asset_id))
    ingest.storage.delete_prefix(renditions_prefix(asset_id))


def to_public(session: Session, assets: Sequence[Asset]) -> list[AssetPublic]:
    ids = [a.id for a in assets if a.state == AssetState.uploading]
    offsets = dict(
        session.exec(
            select(Upload.asset_id, Upload.offset).where(col(Upload.asset_id).in_(ids))
        ).all()
        if ids
        else []
    )
    return [
        AssetPublic.model_validate(
            asset,
            update={
                "uploaded_bytes": offsets.get(asset.id or 0, 0)
                if asset.state == AssetState.uploading
                else asset.size
            },
        )
        for asset in assets
    ]
