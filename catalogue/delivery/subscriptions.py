"""A partner's webhook subscriptions and their delivery log (the sending is in `webhooks`).
Admins see every partner's; a partner only its own, and another's answers 404."""

from __future__ import annotations

from sqlmodel import Session, col, select

from catalogue.delivery import targets, webhooks
from catalogue.errors import NotFound, page_message
from catalogue.models import Partner, User, Webhook, WebhookDelivery
from catalogue.models.delivery import (
    WebhookCreate,
    WebhookDeliveryPublic,
    WebhookIssued,
    WebhookPublic,
)
from catalogue.rights import access
from catalogue.settings import Settings

DELIVERIES_SHOWN = 200


def subscribe(
    session: Session, settings: Settings, user: User, data: WebhookCreate
) -> WebhookIssued:
    partner = access.partner_of(session, user)
    targets.check_target(str(data.url), settings.webhook_allow_private_addresses)
    hook = Webhook(
        partner_id=partner.id,  # type: ignore[arg-type]
        url=str(data.url),
        secret=webhooks.new_secret(),
        events=[e.value for e in data.events],
    )
    session.add(hook)
    session.commit()
    session.refresh(hook)
    return WebhookIssued.model_validate(hook, from_attributes=True)


def of_partner(session: Session, partner: Partner) -> list[Webhook]:
    return list(
        session.exec(
            select(Webhook).where(Webhook.partner_id == partner.id).order_by(col(Webhook.id))
        ).all()
    )


def visible_to(session: Session, user: User) -> list[WebhookPublic]:
    statement = select(Webhook).order_by(col(Webhook.id))
    if access.is_partner(user):
        statement = statement.where(Webhook.partner_id == user.partner_id)
    return [WebhookPublic.model_validate(h, from_attributes=True) for h in session.exec(statement)]


def _own(session: Session, user: User, webhook_id: int) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None or (access.is_partner(user) and hook.partner_id != user.partner_id):
        raise NotFound(page_message("not_found", what="webhook", ident=webhook_id))
    return hook


def unsubscribe(session: Session, user: User, webhook_id: int) -> None:
    session.delete(_own(session, user, webhook_id))
    session.commit()


def deliveries(session: Session, user: User, webhook_id: int) -> list[WebhookDeliveryPublic]:
    """Every delivery attempt, newest first."""
    hook = _own(session, user, webhook_id)
    rows = session.exec(
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == hook.id)
        .order_by(col(WebhookDelivery.id).desc())
        .limit(DELIVERIES_SHOWN)
    ).all()
    return [WebhookDeliveryPublic.model_validate(r, from_attributes=True) for r in rows]
