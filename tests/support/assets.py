"""A master as ingest leaves it: probed, accepted and in storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session

from catalogue.handlers import AFTER_READY
from catalogue.media.probe import mark_ready
from catalogue.models import Asset, AssetKind, AssetState, Title, TitleKind
from catalogue.settings import Settings
from catalogue.storage import make_storage


def ready_asset(
    session: Session,
    settings: Settings,
    master: Path,
    *,
    title_id: int | None = None,
    technical: dict[str, Any] | None = None,
) -> Asset:
    """A ready main asset of `title_id` (or of a new title) whose master is in storage, made
    ready as the probe does: its transcode (and the product's follow-ups) queued."""
    if title_id is None:
        title = Title(kind=TitleKind.drama, original_title="Steppe Wind", original_language="kk")
        session.add(title)
        session.flush()
        title_id = title.id
    asset = Asset(
        title_id=title_id,  # type: ignore[arg-type]
        kind=AssetKind.main,
        state=AssetState.uploaded,
        original_filename=master.name,
        size=master.stat().st_size,
    )
    session.add(asset)
    session.flush()
    key = f"assets/{asset.id}/master{master.suffix}"
    make_storage(settings).put_file(master, key)
    asset.storage_key = key
    asset.technical = technical
    asset.state = AssetState.probing  # as the probe job leaves it, then accepts it
    mark_ready(session, asset, then=AFTER_READY)
    session.commit()
    session.refresh(asset)
    return asset
