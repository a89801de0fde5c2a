"""The delivery audit log (who fetched or was refused what, when) and per-partner daily quotas.
Failed and rate-limited sign-ins land in the same log, written by `catalogue.auth.ratelimit`
(the auth core sits below this package and cannot call `record`).

Entries are written in a session of their own: a refusal is recorded even though the request's
own transaction is rolled back."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from catalogue.errors import CatalogueError
from catalogue.models import AuditEvent
from catalogue.models.delivery import AuditAction, AuditEventPublic
from catalogue.models.types import utcnow
from catalogue.settings import Settings


class QuotaExceeded(CatalogueError):
    status_code = 429


def record(
    engine: Engine,
    *,
    action: AuditAction,
    target: str,
    status_code: int,
    partner_id: int | None,
    user_id: int | None = None,
    size: int | None = None,
    detail: str = "",
) -> None:
    with Session(engine) as session:
        session.add(
            AuditEvent(
                action=action,
                target=target[:400],
                status_code=status_code,
                partner_id=partner_id,
                user_id=user_id,
                bytes=size,
                detail=detail,
            )
        )
        session.commit()


def _since_midnight() -> datetime:
    now = utcnow()
    return datetime.combine(now.date(), time(), tzinfo=now.tzinfo)


def links_today(session: Session, partner_id: int) -> int:
    return int(
        session.exec(
            select(func.count()).where(
                AuditEvent.partner_id == partner_id,
                AuditEvent.action == AuditAction.link_issued,
                col(AuditEvent.at) >= _since_midnight(),
            )
        ).one()
    )


def bytes_today(session: Session, partner_id: int) -> int:
    total = session.exec(
        select(func.coalesce(func.sum(AuditEvent.bytes), 0)).where(
            AuditEvent.partner_id == partner_id,
            AuditEvent.action == AuditAction.fetch,
            col(AuditEvent.at) >= _since_midnight(),
        )
    ).one()
    return int(total or 0)


def check_link_quota(session: Session, settings: Settings, partner_id: int) -> None:
    cap = settings.delivery_daily_link_quota
    if cap is not None and links_today(session, partner_id) >= cap:
        raise QuotaExceeded(
            f"daily download-link quota reached ({cap} links per UTC day); "
            "reuse a link you already have (they last hours) or try again tomorrow"
        )


def check_byte_quota(session: Session, settings: Settings, partner_id: int, wanted: int) -> None:
    cap = settings.delivery_daily_byte_quota
    if cap is None:
        return
    used = bytes_today(session, partner_id)
    if used + wanted > cap:
        raise QuotaExceeded(
            f"daily download quota reached: {used} of {cap} bytes used today (UTC), this file "
            f"needs {wanted}; downloads resume from where they stopped tomorrow (HTTP Range)"
        )


def events(
    session: Session, partner_id: int | None, action: AuditAction | None, limit: int
) -> list[AuditEventPublic]:
    """Newest first."""
    statement = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if partner_id is not None:
        statement = statement.where(AuditEvent.partner_id == partner_id)
    if action is not None:
        statement = statement.where(AuditEvent.action == action)
    return [
        AuditEventPublic.model_validate(e, from_attributes=True) for e in session.exec(statement)
    ]
