"""Whether a user may still act: every credential (API token, page session, download link) asks
this one question, so disabling a user or suspending a partner refuses them all at once."""

from __future__ import annotations

from sqlmodel import Session, select

from catalogue.models import Partner, PartnerStatus, Role, User


def user_in_good_standing(session: Session, user_id: int) -> User | None:
    """The user, or None when it is gone, disabled, or a partner's user whose partner is gone or
    suspended."""
    # One query for the user and its partner: this runs on every authenticated request.
    found = session.exec(
        select(User, Partner)
        .outerjoin(Partner, Partner.id == User.partner_id)  # type: ignore[arg-type]
        .where(User.id == user_id)
    ).first()
    if found is None:
        return None
    user, partner = found
    return user if stands(user, partner) else None


def stands(user: User | None, partner: Partner | None) -> bool:
    """`user` (with `partner`, the row its partner_id names, if any) is in good standing."""
    if user is None or not user.is_active:
        return False
    if user.role == Role.partner or user.partner_id is not None:
        return partner is not None and partner.status == PartnerStatus.active
    return True
