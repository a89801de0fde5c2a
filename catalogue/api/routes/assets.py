"""Media assets: masters as uploaded, with what probing found."""

from __future__ import annotations

from fastapi import Response, status

from catalogue.api.responses import errors
from catalogue.auth.guards import AnyUser, Editor
from catalogue.deps import PathId, SessionDep
from catalogue.ingest import IngestDep
from catalogue.ingest import assets as service
from catalogue.models.assets import AssetPublic
from catalogue.routing import Router

router = Router(tags=["assets"])


@router.get("/titles/{title_id}/assets", response_model=list[AssetPublic], responses=errors(404))
def list_assets(session: SessionDep, user: AnyUser, title_id: PathId) -> list[AssetPublic]:
    """A title's (or episode's) assets, uploads in progress included."""
    return service.to_public(session, service.list_for_title(session, user, title_id))


@router.get("/assets/{asset_id}", response_model=AssetPublic, responses=errors(404))
def read_asset(session: SessionDep, user: AnyUser, asset_id: PathId) -> AssetPublic:
    """One asset with its checksum, state, rejection reasons and technical metadata."""
    return service.to_public(session, [service.get_visible(session, user, asset_id)])[0]


@router.delete("/assets/{asset_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(404))
def delete_asset(
    session: SessionDep, ingest: IngestDep, user: Editor, asset_id: PathId
) -> Response:
    """Delete an asset and its stored bytes (an upload in progress is abandoned)."""
    asset = service.get_visible(session, user, asset_id)
    service.delete(session, ingest, asset)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
