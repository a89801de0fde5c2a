"""Delivery to partners: the partner catalogue, signed download links and the bytes behind them,
delivery manifests (JSON, sha256sum, EBUCore), webhooks, and the audit log.

A partner sees only what is licensed to it now; anything else answers 404, whatever the id."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import PlainTextResponse, RedirectResponse
from sqlmodel import Session, col, select

from catalogue.api.deps import Admin, Allow, AnyUser, SessionDep, SettingsDep
from catalogue.api.responses import ErrorMessage, errors
from catalogue.delivery import audit, links, manifest, webhooks
from catalogue.delivery import catalogue as partner_catalogue
from catalogue.delivery.ebucore import to_xml
from catalogue.delivery.ranges import DeliveryFileResponse, media_type, served_bytes
from catalogue.errors import CatalogueError, InvalidInput, NotFound
from catalogue.ingest import ingest_of
from catalogue.models import AuditEvent, Partner, Role, User, Webhook, WebhookDelivery
from catalogue.models.delivery import (
    AuditAction,
    AuditEventPublic,
    DeliveryManifest,
    LinkCreate,
    LinkPublic,
    PartnerCatalogue,
    WebhookCreate,
    WebhookDeliveryPublic,
    WebhookIssued,
    WebhookPublic,
)
from catalogue.rights import access
from catalogue.rights.windows import Period
from catalogue.storage import LocalStorage

router = APIRouter(tags=["delivery"])

PartnerUser = Annotated[User, Depends(Allow(Role.partner))]
WebhookUser = Annotated[User, Depends(Allow(Role.admin, Role.partner))]
_QUOTA: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorMessage, "description": "Daily quota reached; the message says which"}
}


def _partner_for(session: Session, user: User, partner_id: int | None) -> Partner:
    """A partner asks for itself; staff name the partner they look through the eyes of."""
    if access.is_partner(user):
        return access.partner_of(session, user)
    if partner_id is None:
        raise InvalidInput("partner_id: staff name the partner whose view they want")
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise NotFound(f"partner {partner_id} not found")
    return partner


def _period(starts_on: date | None, ends_on: date | None) -> Period:
    start = starts_on or access.today()
    try:
        return Period(start, ends_on or start)
    except ValueError as error:
        raise InvalidInput(f"to: {error}") from None


@router.get("/partner/catalogue", response_model=PartnerCatalogue, responses=errors(404))
def read_partner_catalogue(
    session: SessionDep,
    user: AnyUser,
    starts_on: Annotated[date | None, Query(alias="from", description="default: today")] = None,
    ends_on: Annotated[date | None, Query(alias="to")] = None,
    partner_id: Annotated[int | None, Query(description="staff only: the partner's view")] = None,
) -> PartnerCatalogue:
    """Titles licensed to the partner (an active window covering its territory now, or at some
    point of the requested period), with windows, renditions and audio/subtitle languages."""
    partner = _partner_for(session, user, partner_id)
    return partner_catalogue.build(session, partner, _period(starts_on, ends_on))


@router.post(
    "/assets/{asset_id}/links",
    response_model=LinkPublic,
    status_code=status.HTTP_201_CREATED,
    responses={**errors(404), **_QUOTA},
)
def create_link(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: PartnerUser,
    asset_id: int,
    body: LinkCreate | None = None,
) -> LinkPublic:
    """A time-limited link to an asset's renditions for the calling partner: the HLS master
    playlist (segments and subtitles resolve under the same signed prefix), the MP4, every file.
    Local storage: `/d/{token}/{path}` served with HTTP Range; object storage: presigned URLs."""
    base = settings.delivery_public_url or str(request.base_url)
    storage = ingest_of(request.app).storage
    lifetime = body.expires_in_s if body else None
    try:
        return links.issue(session, settings, storage, user, asset_id, lifetime, base)
    except CatalogueError as refused:
        audit.record(
            request.app.state.engine,
            action=AuditAction.refused,
            target=f"link asset:{asset_id}",
            status_code=refused.status_code,
            partner_id=user.partner_id,
            user_id=user.id,
            detail=refused.message,
        )
        raise


@router.api_route("/d/{token}/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
def download(
    request: Request, session: SessionDep, settings: SettingsDep, token: str, path: str
) -> Response:
    """Bytes behind a signed link. The token is the credential (players cannot send headers)."""
    engine = request.app.state.engine
    target = f"{path}"
    try:
        grant, key = links.resolve(session, settings, token, path)
        target = key
        storage = ingest_of(request.app).storage
        if not storage.exists(key):
            raise NotFound("not found")
        wanted = served_bytes(request.headers.get("range"), storage.size(key))
        audit.check_byte_quota(session, settings, grant.partner_id, wanted)
    except CatalogueError as refused:
        audit.record(
            engine,
            action=AuditAction.refused,
            target=target,
            status_code=refused.status_code,
            partner_id=None,
            detail=refused.message,
        )
        raise
    audit.record(
        engine,
        action=AuditAction.fetch,
        target=key,
        status_code=200,
        partner_id=grant.partner_id,
        size=0 if request.method == "HEAD" else wanted,
        detail=request.headers.get("range", ""),
    )
    if isinstance(storage, LocalStorage):
        return DeliveryFileResponse(storage.path(key), media_type=media_type(key))
    if key.endswith(".m3u8"):
        # Playlists (a few KiB) come through here so that players resolve their relative URIs
        # under /d/{token}/, not against a presigned URL whose signature covers one object only.
        return Response(b"".join(storage.iter_bytes(key)), media_type=media_type(key))
    remaining = max(1, grant.expires_at - int(time.time()))
    url = storage.presigned_url(key, expires_s=remaining)
    assert url is not None
    return RedirectResponse(url, status_code=status.HTTP_307_TEMPORARY_REDIRECT)


def _manifest(
    session: Session, user: User, title_id: int, partner_id: int | None
) -> DeliveryManifest:
    title = access.visible_title(session, user, title_id)
    partner = (
        _partner_for(session, user, partner_id) if access.is_partner(user) or partner_id else None
    )
    return manifest.build(session, title, partner)


@router.get("/titles/{title_id}/manifest", response_model=DeliveryManifest, responses=errors(404))
def read_manifest(
    request: Request,
    session: SessionDep,
    user: AnyUser,
    title_id: int,
    partner_id: int | None = None,
) -> DeliveryManifest:
    """Every file of the title's renditions with size and SHA-256, languages and loudness."""
    result = _manifest(session, user, title_id, partner_id)
    audit.record(
        request.app.state.engine,
        action=AuditAction.manifest,
        target=f"title:{title_id}",
        status_code=200,
        partner_id=user.partner_id,
        user_id=user.id,
    )
    return result


@router.get(
    "/titles/{title_id}/manifest.sha256",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                     "description": "`sha256sum -c` input; paths are <asset id>/<path>"},
               **errors(404)},
)  # fmt: skip
def read_checksums(
    session: SessionDep, user: AnyUser, title_id: int, partner_id: int | None = None
) -> PlainTextResponse:
    body = manifest.checksum_file(_manifest(session, user, title_id, partner_id).files)
    return PlainTextResponse(body)


@router.get(
    "/titles/{title_id}/ebucore.xml",
    response_class=Response,
    responses={200: {"content": {"application/xml": {"schema": {"type": "string"}}},
                     "description": "EBUCore ebuCoreMain/coreMetadata"},
               **errors(404)},
)  # fmt: skip
def read_ebucore(session: SessionDep, user: AnyUser, title_id: int) -> Response:
    """The title's descriptive metadata as EBUCore XML (urn:ebu:metadata-schema:ebucore)."""
    title = access.visible_title(session, user, title_id)
    return Response(to_xml(manifest.description(session, title)), media_type="application/xml")


# --- webhooks ---------------------------------------------------------------------------------


def _own_webhook(session: Session, user: User, webhook_id: int) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None or (access.is_partner(user) and hook.partner_id != user.partner_id):
        raise NotFound(f"webhook {webhook_id} not found")
    return hook


@router.post(
    "/partner/webhooks",
    response_model=WebhookIssued,
    status_code=status.HTTP_201_CREATED,
    responses=errors(),
)
def create_webhook(
    session: SessionDep, settings: SettingsDep, user: PartnerUser, body: WebhookCreate
) -> WebhookIssued:
    """Be told (signed POST) when a rendition or subtitle track of a licensed title is ready.
    Verify `Catalogue-Signature: t=...,v1=...` = HMAC-SHA256(secret, "<t>.<body>")."""
    partner = access.partner_of(session, user)
    webhooks.check_target(str(body.url), settings)
    hook = Webhook(
        partner_id=partner.id,  # type: ignore[arg-type]
        url=str(body.url),
        secret=webhooks.new_secret(),
        events=[e.value for e in body.events],
    )
    session.add(hook)
    session.commit()
    session.refresh(hook)
    return WebhookIssued.model_validate(hook, from_attributes=True)


@router.get("/partner/webhooks", response_model=list[WebhookPublic], responses=errors())
def list_webhooks(session: SessionDep, user: WebhookUser) -> list[WebhookPublic]:
    statement = select(Webhook).order_by(col(Webhook.id))
    if access.is_partner(user):
        statement = statement.where(Webhook.partner_id == user.partner_id)
    return [WebhookPublic.model_validate(h, from_attributes=True) for h in session.exec(statement)]


@router.delete(
    "/partner/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(404)
)
def delete_webhook(session: SessionDep, user: WebhookUser, webhook_id: int) -> Response:
    session.delete(_own_webhook(session, user, webhook_id))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/partner/webhooks/{webhook_id}/deliveries",
    response_model=list[WebhookDeliveryPublic],
    responses=errors(404),
)
def list_deliveries(
    session: SessionDep, user: WebhookUser, webhook_id: int
) -> list[WebhookDeliveryPublic]:
    """Every delivery attempt, newest first, with the receiver's status code or the error."""
    hook = _own_webhook(session, user, webhook_id)
    rows = session.exec(
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == hook.id)
        .order_by(col(WebhookDelivery.id).desc())
        .limit(200)
    ).all()
    return [WebhookDeliveryPublic.model_validate(r, from_attributes=True) for r in rows]


# --- audit ------------------------------------------------------------------------------------


@router.get("/audit", response_model=list[AuditEventPublic], responses=errors())
def list_audit(
    session: SessionDep,
    user: Admin,
    partner_id: int | None = None,
    action: AuditAction | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEventPublic]:
    """Who fetched or was refused what, when; newest first."""
    statement: Any = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if partner_id is not None:
        statement = statement.where(AuditEvent.partner_id == partner_id)
    if action is not None:
        statement = statement.where(AuditEvent.action == action)
    return [
        AuditEventPublic.model_validate(e, from_attributes=True) for e in session.exec(statement)
    ]
