"""Webhooks: a partner is told when a new rendition set or subtitle track of a title licensed to it
is ready. Payloads are signed like Mux's (`Catalogue-Signature: t=<unix>,v1=<hex>`, HMAC-SHA256
of "<t>.<body>" with the webhook's secret); deliveries run as jobs, retried with the job
system's backoff, and every attempt is recorded.

Events are noticed where they happen, in the same transaction: whoever writes a rendition set or
publishes a subtitle track (the transcode job, the subtitle service, an import) queues an
`announce_delivery_event` job, which fans out one `deliver_webhook` job per subscribed webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from typing import Any

import httpx
from sqlmodel import Session, col, select

from catalogue.delivery import targets
from catalogue.delivery.targets import WebhookTargetRefused
from catalogue.jobs import (
    Handler,
    JobContext,
    JobKind,
    JobResult,
    PermanentJobError,
    TransientJobError,
    enqueue,
)
from catalogue.models import Asset, Partner, Title, Webhook, WebhookDelivery
from catalogue.models.delivery import WebhookEvent
from catalogue.models.subtitles import SubtitleTrack
from catalogue.models.types import utcnow
from catalogue.rights import access
from catalogue.rights_core.periods import Period

SIGNATURE_HEADER = "Catalogue-Signature"
ANNOUNCE = JobKind("announce_delivery_event")
DELIVER = JobKind("deliver_webhook")
MAX_ATTEMPTS = 8
TOLERANCE_S = 300


# --- signatures (pure) ------------------------------------------------------------------------


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    secret: str, body: bytes, header: str, now: float, tolerance_s: int = TOLERANCE_S
) -> bool:
    """What a receiver does: recompute, compare in constant time, refuse stale timestamps."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = signature_header(secret, body, timestamp).split("v1=", 1)[1]
    return abs(now - timestamp) <= tolerance_s and hmac.compare_digest(
        expected, parts.get("v1", "")
    )


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


# --- announcing events (the producers call these in their own transaction) ---------------------


def _anyone_listening(session: Session) -> bool:
    # No webhook anywhere (most installations, most tests): no announce jobs at all.
    return (
        session.exec(select(Webhook.id).where(col(Webhook.active).is_(True)).limit(1)).first()
        is not None
    )


def _announce(session: Session, item: dict[str, Any]) -> None:
    if _anyone_listening(session):
        enqueue(session, ANNOUNCE, ANNOUNCE_HANDLER, {**item, "event_id": uuid.uuid4().hex})


def announce_rendition_ready(session: Session, asset_id: int) -> None:
    """A rendition set was published or changed (its transcode, or its subtitle groups)."""
    _announce(session, {"event": WebhookEvent.rendition_ready.value, "asset_id": asset_id})


def announce_subtitle_ready(session: Session, track: SubtitleTrack) -> None:
    """A track was published, or a published track got a new revision."""
    _announce(
        session,
        {
            "event": WebhookEvent.subtitle_ready.value,
            "title_id": track.title_id,
            "track_id": track.id,
            "language": track.language,
        },
    )


# --- jobs -------------------------------------------------------------------------------------


def _payload(session: Session, item: dict[str, Any]) -> dict[str, Any] | None:
    if item["event"] == WebhookEvent.rendition_ready:
        asset = session.get(Asset, item["asset_id"])
        if asset is None:
            return None
        title_id = asset.title_id
        data: dict[str, Any] = {"title_id": title_id, "asset_id": asset.id, "kind": asset.kind}
    else:
        title_id = item["title_id"]
        data = {"title_id": title_id, "track_id": item["track_id"], "language": item["language"]}
    title = session.get(Title, title_id)
    if title is None:
        return None
    data["original_title"] = title.original_title
    return {
        "id": item["event_id"],
        "type": item["event"],
        "created_at": utcnow().isoformat(),
        "data": data,
    }


def announce(ctx: JobContext) -> JobResult:
    """One delivery job per active webhook, subscribed to the event, of a partner licensed now."""
    queued = 0
    with ctx.session() as session:
        payload = _payload(session, ctx.payload)
        if payload is None:
            return {"queued": 0}
        title_id = payload["data"]["title_id"]
        hooks = session.exec(select(Webhook).where(col(Webhook.active).is_(True))).all()
        for hook in hooks:
            partner = session.get(Partner, hook.partner_id)
            if partner is None or payload["type"] not in hook.events:
                continue
            licensed = session.exec(
                select(Title.id).where(
                    Title.id == title_id,
                    access.licensed_clause(partner, Period.on(access.today())),
                )
            ).first()
            if licensed is None:
                continue
            enqueue(
                session,
                DELIVER,
                DELIVER_HANDLER,
                {"webhook_id": hook.id, "body": payload},
                dedupe_key=f"webhook:{payload['id']}:{hook.id}",
            )
            queued += 1
        session.commit()
    return {"queued": queued}


def _record(ctx: JobContext, hook_id: int, payload: dict[str, Any], **fields: Any) -> None:
    with ctx.session() as session:
        session.add(
            WebhookDelivery(
                webhook_id=hook_id,
                event_id=payload["id"],
                event=payload["type"],
                attempt=ctx.attempt,
                **fields,
            )
        )
        session.commit()


def deliver(ctx: JobContext) -> JobResult:
    hook_id = int(ctx.payload["webhook_id"])
    payload = ctx.payload["body"]
    with ctx.session() as session:
        hook = session.get(Webhook, hook_id)
        if hook is None or not hook.active:
            return {"skipped": "webhook removed or disabled"}
        url, secret = hook.url, hook.secret
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    try:
        # Resolved once here and checked; the client connects to this very address.
        target = targets.resolve_target(
            url, allow_private=ctx.settings.webhook_allow_private_addresses
        )
    except WebhookTargetRefused as refused:
        _record(ctx, hook_id, payload, error=refused.message)
        raise PermanentJobError(refused.message) from None
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "screening-catalogue-webhooks/1",
        SIGNATURE_HEADER: signature_header(secret, body, int(time.time())),
        "Catalogue-Event-Id": payload["id"],
    }
    started = time.monotonic()
    try:
        with httpx.Client(
            transport=targets.PinnedTransport(target),
            timeout=ctx.settings.webhook_timeout_s,
            follow_redirects=False,  # a redirect could point anywhere: it is a failed delivery
        ) as http:
            response = http.post(url, content=body, headers=headers)
    except httpx.HTTPError as error:
        _record(
            ctx, hook_id, payload, error=f"{type(error).__name__}: {error}",
            duration_ms=int((time.monotonic() - started) * 1000),
        )  # fmt: skip
        raise TransientJobError(f"webhook {hook_id}: {type(error).__name__}: {error}") from None
    elapsed = int((time.monotonic() - started) * 1000)
    ok = 200 <= response.status_code < 300
    _record(
        ctx, hook_id, payload, status_code=response.status_code, ok=ok, duration_ms=elapsed,
        error=None if ok else response.text[:500],
    )  # fmt: skip
    if not ok:
        raise TransientJobError(f"webhook {hook_id} answered {response.status_code}")
    return {"status_code": response.status_code}


ANNOUNCE_HANDLER = Handler(announce, timeout_s=120, max_attempts=3)
DELIVER_HANDLER = Handler(deliver, timeout_s=120, max_attempts=MAX_ATTEMPTS)
