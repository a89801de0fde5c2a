"""Partner organisations and their venues. A partner sees only itself and its own venues."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from catalogue.api.deps import Admin, AnyUser, Programmer, SessionDep
from catalogue.api.responses import errors
from catalogue.errors import Conflict, InvalidInput, NotFound
from catalogue.models import Partner, Role, User, Venue
from catalogue.models.partners import PartnerCreate, PartnerPublic, VenueCreate, VenuePublic

router = APIRouter(tags=["partners"])


def _own(user: User) -> int | None:
    """The partner a caller is confined to, or None for staff."""
    return user.partner_id if user.role == Role.partner else None


def _save(session: Session, row: Partner | Venue, what: str) -> None:
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"a {what} with slug {row.slug!r} already exists") from None
    session.refresh(row)


@router.get("/partners", response_model=list[PartnerPublic], responses=errors())
def list_partners(session: SessionDep, user: AnyUser) -> list[PartnerPublic]:
    statement = select(Partner).order_by(Partner.name)
    if (own := _own(user)) is not None:
        statement = statement.where(Partner.id == own)
    return [PartnerPublic(**p.model_dump()) for p in session.exec(statement)]


@router.post(
    "/partners",
    response_model=PartnerPublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors(409),
)
def create_partner(session: SessionDep, user: Admin, body: PartnerCreate) -> PartnerPublic:
    partner = Partner(**body.model_dump())
    _save(session, partner, "partner")
    return PartnerPublic(**partner.model_dump())


@router.get("/partners/{partner_id}", response_model=PartnerPublic, responses=errors(404))
def read_partner(session: SessionDep, user: AnyUser, partner_id: int) -> PartnerPublic:
    partner = session.get(Partner, partner_id)
    own = _own(user)
    if partner is None or (own is not None and own != partner_id):
        raise NotFound(f"partner {partner_id} not found")
    return PartnerPublic(**partner.model_dump())


@router.get("/venues", response_model=list[VenuePublic], responses=errors())
def list_venues(
    session: SessionDep, user: AnyUser, country: str | None = None
) -> list[VenuePublic]:
    statement = select(Venue).order_by(Venue.country, Venue.city, Venue.name)
    if (own := _own(user)) is not None:
        statement = statement.where(Venue.partner_id == own)
    if country:
        statement = statement.where(Venue.country == country.upper())
    return [VenuePublic(**v.model_dump()) for v in session.exec(statement)]


@router.post(
    "/venues",
    response_model=VenuePublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors(409),
)
def create_venue(session: SessionDep, user: Programmer, body: VenueCreate) -> VenuePublic:
    if session.get(Partner, body.partner_id) is None:
        raise InvalidInput(f"partner_id: partner {body.partner_id} does not exist")
    venue = Venue(**body.model_dump())
    _save(session, venue, "venue")
    return VenuePublic(**venue.model_dump())


@router.get("/venues/{venue_id}", response_model=VenuePublic, responses=errors(404))
def read_venue(session: SessionDep, user: AnyUser, venue_id: int) -> VenuePublic:
    venue = session.get(Venue, venue_id)
    own = _own(user)
    if venue is None or (own is not None and venue.partner_id != own):
        raise NotFound(f"venue {venue_id} not found")
    return VenuePublic(**venue.model_dump())
