"""Delivery to partners: the partner catalogue, signed download links and the bytes behind them,
delivery manifests (JSON, sha256sum, EBUCore), webhooks, and the audit log.

A partner sees only what is licensed to it now; anything else answers 404, whatever the id."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response, status
from fastapi.responses import PlainTextResponse, RedirectResponse, StreamingResponse

from catalogue.api.responses import ErrorMessage, errors
from catalogue.auth.guards import Admin, Allow, AnyUser
from catalogue.delivery import audit, links, manifest, package, subscriptions
from catalogue.delivery import catalogue as partner_catalogue
from catalogue.delivery.ranges import DeliveryFileResponse, media_type, served_bytes
from catalogue.deps import PathId, QueryId, SessionDep, SettingsDep, StorageDep, id_query
from catalogue.errors import CatalogueError, InvalidInput, NotFound
from catalogue.models import Role, User
from catalogue.models.delivery import (
    AuditAction,
    AuditEventPublic,
    AuditFetchHourPublic,
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
from catalogue.rights_core.periods import Period
from catalogue.routing import Router
from catalogue.settings import DeliveryOffload
from catalogue.storage import LocalStorage

router = Router(tags=["delivery"])

PartnerUser = Annotated[User, Depends(Allow(Role.partner))]
WebhookUser = Annotated[User, Depends(Allow(Role.admin, Role.partner))]
_QUOTA: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorMessage, "description": "Daily quota reached; the message says which"}
}


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
    partner_id: Annotated[int | None, id_query("staff only: the partner's view")] = None,
) -> PartnerCatalogue:
    """Titles licensed to the partner (an active window covering its territory now, or at some
    point of the requested period), with windows, renditions and audio/subtitle languages."""
    return partner_catalogue.as_seen_by(session, user, partner_id, _period(starts_on, ends_on))


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
    storage: StorageDep,
    user: PartnerUser,
    asset_id: PathId,
    body: LinkCreate | None = None,
) -> LinkPublic:
    """A time-limited link to an asset's renditions for the calling partner: the HLS master
    playlist (segments and subtitles resolve under the same signed prefix), the MP4, every file.
    Local storage: `/d/{token}/{path}` served with HTTP Range; object storage: presigned URLs."""
    base = settings.delivery_public_url or str(request.base_url)
    lifetime = body.expires_in_s if body else None
    with _refusal_audited(request, user, f"link asset:{asset_id}"):
        return links.issue(session, settings, storage, user, asset_id, lifetime, base)


@router.api_route("/d/{token}/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
def download(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    token: str,
    path: str,
) -> Response:
    """Bytes behind a signed link. The token is the credential (players cannot send headers)."""
    engine = request.app.state.engine
    tally = audit.tally_of(request.app, engine)
    target = f"{path}"
    try:
        grant, key = links.resolve(session, settings, token, path)
        target = key
        if not storage.exists(key):
            raise NotFound("not found")
        wanted = served_bytes(request.headers.get("range"), storage.size(key))
        audit.check_byte_quota(session, settings, tally, grant.partner_id, wanted)
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
    audit.record_fetch(
        tally,
        token=token,
        key=key,
        partner_id=grant.partner_id,
        size=0 if request.method == "HEAD" else wanted,
        detail=request.headers.get("range", ""),
    )
    if isinstance(storage, LocalStorage):
        if settings.delivery_offload is DeliveryOffload.nginx:
            # nginx sends the file (Range, sendfile) from its internal location: no byte
            # passes through Python.
            accel = {"X-Accel-Redirect": settings.delivery_internal_location + key}
            return Response(headers=accel, media_type=media_type(key))
        return DeliveryFileResponse(storage.path(key), media_type=media_type(key))
    if key.endswith((".m3u8", ".mpd")):
        # Playlists and DASH manifests (a few KiB) come through here so that players resolve
        # their relative URIs under /d/{token}/, not against a presigned URL whose signature
        # covers one object only.
        return Response(b"".join(storage.iter_bytes(key)), media_type=media_type(key))
    remaining = max(1, grant.expires_at - int(time.time()))
    url = storage.presigned_url(key, expires_s=remaining)
    assert url is not None
    return RedirectResponse(url, status_code=status.HTTP_307_TEMPORARY_REDIRECT)


@router.post(
    "/titles/{title_id}/package",
    response_model=package.PackagePublic,
    status_code=status.HTTP_201_CREATED,
    responses={**errors(404), **_QUOTA},
)
def create_package_links(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    user: PartnerUser,
    title_id: PathId,
) -> package.PackagePublic:
    """Time-limited links to the title's delivery package for the calling partner: each file
    (MP4, audio, sidecar subtitles, manifest.json, manifest.sha256) as an attachment with its size
    and SHA-256, and all of them as one ZIP streamed from storage."""
    base = settings.delivery_public_url or str(request.base_url)
    with _refusal_audited(request, user, f"package title:{title_id}"):
        return package.issue(session, settings, storage, user, title_id, base)


@router.api_route("/p/{token}/{name:path}", methods=["GET", "HEAD"], include_in_schema=False)
def download_package(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    token: str,
    name: str,
) -> Response:
    """A package file, or the whole package as a ZIP, as an attachment behind a signed link."""
    engine = request.app.state.engine
    tally = audit.tally_of(request.app, engine)
    try:
        grant, files = package.resolve(session, settings, storage, token)
        stored = None  # a local file answers Range requests: big downloads resume
        offloaded = None  # object storage sends a stored file itself
        if name == package.ZIP_NAME:
            zipped = package.zipped(storage, files)
            size, body = len(zipped), iter(zipped)
        else:
            file = package.find(files, name)
            size, body = file.size, package.file_bytes(storage, file)
            offloaded = package.offloaded_url(storage, grant, file)
            if isinstance(storage, LocalStorage) and file.key is not None:
                stored = storage.path(file.key)
                size = served_bytes(request.headers.get("range"), file.size)
        audit.check_byte_quota(session, settings, tally, grant.partner_id, size)
    except CatalogueError as refused:
        audit.record(
            engine,
            action=AuditAction.refused,
            target=f"package {name}",
            status_code=refused.status_code,
            partner_id=None,
            detail=refused.message,
        )
        raise
    audit.record(
        engine,
        action=AuditAction.fetch,
        target=f"{grant.prefix}/{name}",
        status_code=200,
        partner_id=grant.partner_id,
        size=0 if request.method == "HEAD" else size,
    )
    if offloaded is not None:
        return RedirectResponse(offloaded, status_code=status.HTTP_307_TEMPORARY_REDIRECT)
    filename = name.rsplit("/", 1)[-1]
    kind = "application/zip" if name == package.ZIP_NAME else media_type(name)
    if stored is not None:
        return DeliveryFileResponse(
            stored, media_type=kind, filename=filename, content_disposition_type="attachment"
        )
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Content-Length": str(size),
    }
    if request.method == "HEAD":
        return Response(headers=headers, media_type=kind)
    return StreamingResponse(body, media_type=kind, headers=headers)


@router.get("/titles/{title_id}/manifest", response_model=DeliveryManifest, responses=errors(404))
def read_manifest(
    request: Request,
    session: SessionDep,
    user: AnyUser,
    title_id: PathId,
    partner_id: QueryId = None,
) -> DeliveryManifest:
    """Every file of the title's renditions with size and SHA-256, languages and loudness."""
    result = manifest.as_seen_by(session, user, title_id, partner_id)
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
    response_class=Response,  # PlainTextResponse would document the JSON errors as text/plain
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                     "description": "`sha256sum -c` input; paths are <asset id>/<path>"},
               **errors(404)},
)  # fmt: skip
def read_checksums(
    session: SessionDep, user: AnyUser, title_id: PathId, partner_id: QueryId = None
) -> PlainTextResponse:
    body = manifest.checksum_file(manifest.as_seen_by(session, user, title_id, partner_id).files)
    return PlainTextResponse(body)


@router.get(
    "/titles/{title_id}/ebucore.xml",
    response_class=Response,
    responses={200: {"content": {"application/xml": {"schema": {"type": "string"}}},
                     "description": "EBUCore ebuCoreMain/coreMetadata"},
               **errors(404)},
)  # fmt: skip
def read_ebucore(session: SessionDep, user: AnyUser, title_id: PathId) -> Response:
    """The title's descriptive metadata as EBUCore XML (urn:ebu:metadata-schema:ebucore)."""
    return Response(manifest.ebucore_xml(session, user, title_id), media_type="application/xml")


# --- webhooks ---------------------------------------------------------------------------------


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
    return subscriptions.subscribe(session, settings, user, body)


@router.get("/partner/webhooks", response_model=list[WebhookPublic], responses=errors())
def list_webhooks(session: SessionDep, user: WebhookUser) -> list[WebhookPublic]:
    return subscriptions.visible_to(session, user)


@router.delete(
    "/partner/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(404)
)
def delete_webhook(session: SessionDep, user: WebhookUser, webhook_id: PathId) -> Response:
    subscriptions.unsubscribe(session, user, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/partner/webhooks/{webhook_id}/deliveries",
    response_model=list[WebhookDeliveryPublic],
    responses=errors(404),
)
def list_deliveries(
    session: SessionDep, user: WebhookUser, webhook_id: PathId
) -> list[WebhookDeliveryPublic]:
    """Every delivery attempt, newest first, with the receiver's status code or the error."""
    return subscriptions.deliveries(session, user, webhook_id)


# --- audit ------------------------------------------------------------------------------------


@router.get("/audit", response_model=list[AuditEventPublic], responses=errors())
def list_audit(
    session: SessionDep,
    user: Admin,
    partner_id: QueryId = None,
    action: AuditAction | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEventPublic]:
    """Who fetched or was refused what, when; newest first. HLS segments are not listed one by
    one: see `/audit/segments`."""
    return audit.events(session, partner_id, action, limit)


@router.get("/audit/segments", response_model=list[AuditFetchHourPublic], responses=errors())
def list_segment_fetches(
    request: Request,
    session: SessionDep,
    user: Admin,
    partner_id: QueryId = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditFetchHourPublic]:
    """HLS segment fetches summed per link, stream (segment folder) and UTC hour: requests and
    bytes; newest hour first."""
    tally = audit.tally_of(request.app, request.app.state.engine)
    return audit.segment_fetches(session, tally, partner_id, limit)


@contextmanager
def _refusal_audited(request: Request, user: User, target: str) -> Iterator[None]:
    """A refused request for links goes to the audit log before its error answer."""
    try:
        yield
    except CatalogueError as refused:
        audit.record(
            request.app.state.engine,
            action=AuditAction.refused,
            target=target,
            status_code=refused.status_code,
            partner_id=user.partner_id,
            user_id=user.id,
            detail=refused.message,
        )
        raise
