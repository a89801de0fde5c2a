"""Whether a user may still act: every credential (API token, page session, download link) asks
this one question, so disabling a user or suspending a partner refuses them all at once."""

from __future__ import annotations

from sqlmodel import Session

from catalogue.models import Partner, PartnerStatus, Role, User


def user_in_good_standing(session: Session, user_id: int) -> User | None:
    """The user, or None when it is gone, disabled, or a partner's user whose partner is gone or
    suspended."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    if user.role == Role.partner or user.partner_id is not None:
        partner = session.get(Partner, user.partner_id) if user.partner_id is not None else None
        if partner is None or partner.status != PartnerStatus.active:
            return None
    return user
