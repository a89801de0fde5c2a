"""Campaigns and collections."""

from __future__ import annotations

from fastapi import Response, status

from catalogue.api.responses import errors
from catalogue.auth.guards import AnyUser, Editor
from catalogue.campaigns import service
from catalogue.deps import PathId, SessionDep
from catalogue.models.campaigns import CampaignCreate, CampaignPublic, CampaignUpdate
from catalogue.routing import Router

router = Router(prefix="/campaigns", tags=["campaigns"])


@router.get("", response_model=list[CampaignPublic], responses=errors())
def list_campaigns(session: SessionDep, user: AnyUser) -> list[CampaignPublic]:
    return service.list_all(session, user)


@router.post(
    "", response_model=CampaignPublic, status_code=status.HTTP_201_CREATED, responses=errors(409)
)
def create_campaign(session: SessionDep, user: Editor, body: CampaignCreate) -> CampaignPublic:
    return service.create(session, body)


@router.get("/{campaign_id}", response_model=CampaignPublic, responses=errors(404))
def read_campaign(session: SessionDep, user: AnyUser, campaign_id: PathId) -> CampaignPublic:
    return service.read(session, campaign_id, user)


@router.patch("/{campaign_id}", response_model=CampaignPublic, responses=errors(404))
def update_campaign(
    session: SessionDep, user: Editor, campaign_id: PathId, body: CampaignUpdate
) -> CampaignPublic:
    return service.update(session, campaign_id, body)


@router.delete("/{campaign_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(404))
def delete_campaign(session: SessionDep, user: Editor, campaign_id: PathId) -> Response:
    """Delete a campaign; its titles stay, they just leave the campaign."""
    service.delete(session, campaign_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
