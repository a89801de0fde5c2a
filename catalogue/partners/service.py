"""Partners and venues. A partner sees only itself and its own venues; anything else is 404."""

from __future__ import annotations

from sqlmodel import Session, col, select

from catalogue.auth import sessions
from catalogue.db import get_or_404, unique_or_conflict
from catalogue.errors import InvalidInput, NotFound
from catalogue.models import Partner, Role, User, Venue
from catalogue.models.partners import (
    PartnerCreate,
    PartnerPublic,
    PartnerStatus,
    PartnerUpdate,
    VenueCreate,
    VenuePublic,
)


def own_partner(user: User) -> int | None:
    """The partner a caller is confined to, or None for staff."""
    return user.partner_id if user.role == Role.partner else None


def _save(session: Session, row: Partner | Venue, what: str) -> None:
    session.add(row)
    with unique_or_conflict(session, f"a {what} with slug {row.slug!r} already exists"):
        session.commit()
    session.refresh(row)


def get_partner(session: Session, partner_id: int) -> Partner:
    return get_or_404(session, Partner, partner_id, "partner")


def list_partners(session: Session, user: User) -> list[PartnerPublic]:
    statement = select(Partner).order_by(col(Partner.name))
    if (own := own_partner(user)) is not None:
        statement = statement.where(Partner.id == own)
    return [PartnerPublic(**p.model_dump()) for p in session.exec(statement)]


def create_partner(session: Session, data: PartnerCreate) -> PartnerPublic:
    partner = Partner(**data.model_dump())
    _save(session, partner, "partner")
    return PartnerPublic(**partner.model_dump())


def update_partner(session: Session, partner_id: int, data: PartnerUpdate) -> PartnerPublic:
    """Suspend a partner (its users' tokens and pages are refused, its links answer 404, and its
    users' page sessions end) or make it active again (tokens work again; pages need a new
    sign-in)."""
    partner = get_partner(session, partner_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for key, value in changes.items():
        setattr(partner, key, value)
    session.add(partner)
    if partner.status == PartnerStatus.suspended:
        sessions.revoke_for_partner(session, partner_id)
    session.commit()
    session.refresh(partner)
    return PartnerPublic(**partner.model_dump())


def read_partner(session: Session, user: User, partner_id: int) -> PartnerPublic:
    own = own_partner(user)
    if own is not None and own != partner_id:
        raise NotFound(f"partner {partner_id} not found")
    return PartnerPublic(**get_partner(session, partner_id).model_dump())


def list_venues(session: Session, user: User, country: str | None) -> list[VenuePublic]:
    statement = select(Venue).order_by(col(Venue.country), col(Venue.city), col(Venue.name))
    if (own := own_partner(user)) is not None:
        statement = statement.where(Venue.partner_id == own)
    if country:
        statement = statement.where(Venue.country == country.upper())
    return [VenuePublic(**v.model_dump()) for v in session.exec(statement)]


def create_venue(session: Session, data: VenueCreate) -> VenuePublic:
    if session.get(Partner, data.partner_id) is None:
        raise InvalidInput(f"partner_id: partner {data.partner_id} does not exist")
    venue = Venue(**data.model_dump())
    _save(session, venue, "venue")
    return VenuePublic(**venue.model_dump())


def read_venue(session: Session, user: User, venue_id: int) -> VenuePublic:
    venue = session.get(Venue, venue_id)
    own = own_partner(user)
    if venue is None or (own is not None and venue.partner_id != own):
        raise NotFound(f"venue {venue_id} not found")
    return VenuePublic(**venue.model_dump())


def venues_in(session: Session, countries: list[str]) -> list[Venue]:
    return list(
        session.exec(
            select(Venue).where(col(Venue.country).in_(countries)).order_by(col(Venue.name))
        ).all()
    )
