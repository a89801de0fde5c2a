"""Partner organisations and their venues. A partner sees only itself and its own venues."""

from __future__ import annotations

from fastapi import status

from catalogue.api.responses import errors
from catalogue.auth.guards import Admin, AnyUser, Programmer
from catalogue.deps import PathId, SessionDep
from catalogue.models.partners import (
    PartnerCreate,
    PartnerPublic,
    PartnerUpdate,
    VenueCreate,
    VenuePublic,
)
from catalogue.partners import service
from catalogue.routing import Router

router = Router(tags=["partners"])


@router.get("/partners", response_model=list[PartnerPublic], responses=errors())
def list_partners(session: SessionDep, user: AnyUser) -> list[PartnerPublic]:
    return service.list_partners(session, user)


@router.post(
    "/partners",
    response_model=PartnerPublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors(409),
)
def create_partner(session: SessionDep, user: Admin, body: PartnerCreate) -> PartnerPublic:
    return service.create_partner(session, body)


@router.get("/partners/{partner_id}", response_model=PartnerPublic, responses=errors(404))
def read_partner(session: SessionDep, user: AnyUser, partner_id: PathId) -> PartnerPublic:
    return service.read_partner(session, user, partner_id)


@router.patch("/partners/{partner_id}", response_model=PartnerPublic, responses=errors(404))
def update_partner(
    session: SessionDep, user: Admin, partner_id: PathId, body: PartnerUpdate
) -> PartnerPublic:
    """Suspend a partner (`{"status": "suspended"}`): its users' tokens are refused (401), their
    page sessions end, and every download link issued to it answers 404. `{"status": "active"}`
    lifts the suspension."""
    return service.update_partner(session, partner_id, body)


@router.get("/venues", response_model=list[VenuePublic], responses=errors())
def list_venues(
    session: SessionDep, user: AnyUser, country: str | None = None
) -> list[VenuePublic]:
    return service.list_venues(session, user, country)


@router.post(
    "/venues",
    response_model=VenuePublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors(409),
)
def create_venue(session: SessionDep, user: Programmer, body: VenueCreate) -> VenuePublic:
    return service.create_venue(session, body)


@router.get("/venues/{venue_id}", response_model=VenuePublic, responses=errors(404))
def read_venue(session: SessionDep, user: AnyUser, venue_id: PathId) -> VenuePublic:
    return service.read_venue(session, user, venue_id)
