"""Issuing download links for an asset's renditions, and checking them when bytes are fetched."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from catalogue.auth.standing import stands
from catalogue.delivery import audit, signing
from catalogue.delivery.signing import Grant, LinkInvalid
from catalogue.errors import NotFound, page_message
from catalogue.models import (
    Asset,
    Partner,
    PartnerStatus,
    RenditionFile,
    RenditionSet,
    Title,
    User,
)
from catalogue.models.delivery import AuditAction, LinkPublic
from catalogue.rights import access
from catalogue.rights_core.periods import Period
from catalogue.settings import Settings
from catalogue.storage import InvalidKey, Storage, check_key


def rendition_set(session: Session, asset_id: int) -> RenditionSet:
    row = session.exec(select(RenditionSet).where(RenditionSet.asset_id == asset_id)).first()
    if row is None:
        raise NotFound(page_message("no_renditions", asset=asset_id))
    return row


def files_of(session: Session, row: RenditionSet) -> list[RenditionFile]:
    return list(
        session.exec(
            select(RenditionFile)
            .where(RenditionFile.rendition_set_id == row.id)
            .order_by(col(RenditionFile.path))
        ).all()
    )


def signing_key(settings: Settings) -> bytes:
    """The key every signed link (/d/ and /p/) is signed with."""
    return settings.signing_keys()[0]  # the first key signs; verify accepts any of them


def relative(row: RenditionSet, key: str) -> str:
    return key.removeprefix(row.prefix.rstrip("/") + "/")


def issue(
    session: Session,
    settings: Settings,
    storage: Storage,
    user: User,
    asset_id: int,
    lifetime_s: int | None,
    base_url: str,
) -> LinkPublic:
    partner = access.partner_of(session, user)
    assert partner.id is not None
    access.visible_asset(session, user, asset_id)
    row = rendition_set(session, asset_id)
    audit.check_link_quota(session, settings, partner.id)
    lifetime = lifetime_s or settings.delivery_link_ttl_s
    expires = int(time.time()) + lifetime
    grant = Grant(partner.id, row.prefix.rstrip("/"), expires, user_id=user.id)
    token = signing.sign(signing_key(settings), grant)
    base = f"{base_url.rstrip('/')}/d/{token}/"
    files = {}
    for file in files_of(session, row):
        presigned = storage.presigned_url(file.key, expires_s=lifetime)
        files[file.path] = presigned or base + file.path
    audit.record(
        session.get_bind(),  # type: ignore[arg-type]
        action=AuditAction.link_issued,
        target=f"asset:{asset_id}",
        status_code=201,
        partner_id=partner.id,
        user_id=user.id,
        detail=f"expires {datetime.fromtimestamp(expires, UTC).isoformat()}",
    )
    return LinkPublic(
        asset_id=asset_id,
        expires_at=datetime.fromtimestamp(expires, UTC),
        base_url=base,
        master_playlist_url=base + relative(row, row.master_playlist_key),
        dash_manifest_url=(
            base + relative(row, row.dash_manifest_key) if row.dash_manifest_key else None
        ),
        delivery_video_url=base + relative(row, row.delivery_video_key),
        files=files,
    )


def resolve(session: Session, settings: Settings, token: str, path: str) -> tuple[Grant, str]:
    """The grant and storage key behind /d/{token}/{path}; raises unless the link is genuine,
    unexpired, the path stays inside its folder, the partner is active and still licensed today
    and the user it was issued to is still in good standing (disabled or moved: 404)."""
    grant = signing.verify(settings.signing_keys(), token, time.time())
    try:
        key = check_key(f"{grant.prefix}/{path}")
    except InvalidKey:
        raise LinkInvalid("not found") from None
    _check_licensed(session, _grant_partner(session, grant), _FOLDER_LICENSED, prefix=grant.prefix)
    return grant, key


def still_licensed(session: Session, grant: Grant, title_id: int) -> Partner:
    """The grant's partner, if it is active, the user the link was issued to is still in good
    standing, and the title is licensed to it today; LinkInvalid (404) otherwise."""
    partner = _grant_partner(session, grant)
    _check_licensed(session, partner, _TITLE_LICENSED, title_id=title_id)
    return partner


# Built once: these run on every file a link serves (see access.LICENSED).
_FOLDER_LICENSED = (  # the folder belongs to an asset of a licensed title
    select(Title.id)
    .join(Asset, col(Asset.title_id) == col(Title.id))
    .join(RenditionSet, col(RenditionSet.asset_id) == col(Asset.id))
    .where(col(RenditionSet.prefix) == bindparam("prefix"), access.LICENSED)
)
_TITLE_LICENSED = select(Title.id).where(col(Title.id) == bindparam("title_id"), access.LICENSED)


def _check_licensed(
    session: Session, partner: Partner, statement: SelectOfScalar[Any], **params: Any
) -> None:
    """LinkInvalid unless `statement` finds a title licensed to the partner today."""
    params.update(access.licensed_params(partner, Period.on(access.today())))
    if session.execute(statement, params).first() is None:
        raise LinkInvalid("not found")


def _grant_partner(session: Session, grant: Grant) -> Partner:
    """The grant's partner if it is active and the user the link was issued to (if any) is still
    in good standing and still that partner's; LinkInvalid otherwise. One query: this runs on
    every segment a player fetches."""
    if grant.user_id is None:
        partner = session.get(Partner, grant.partner_id)
        if partner is None or partner.status != PartnerStatus.active:
            raise LinkInvalid("not found")
        return partner
    found = session.execute(
        _HOLDER, {"user_id": grant.user_id, "partner_id": grant.partner_id}
    ).first()
    if found is None or not stands(*found):
        raise LinkInvalid("not found")
    return found[1]


_HOLDER = (  # a link's user with its partner, when that is the partner the link was issued to
    select(User, Partner)
    .join(Partner, col(Partner.id) == col(User.partner_id))
    .where(col(User.id) == bindparam("user_id"), col(Partner.id) == bindparam("partner_id"))
)
