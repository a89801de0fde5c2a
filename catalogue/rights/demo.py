"""Demo rights windows (assets/demo/rights.json), so that the Central Asian cinema sees the titles
licensed for Central Asia and the Paris cinema others. Idempotent: a window is identified by its
title, media right and contract reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from catalogue.errors import InvalidInput
from catalogue.models import Partner, RightsWindow, Title
from catalogue.models.rights import WindowCreate
from catalogue.rights import store


def _titles_by_key(session: Session, assets: Path) -> dict[str, Title]:
    """Demo titles have keys in titles.json; the database knows them by original title."""
    raw: list[dict[str, Any]] = json.loads((assets / "titles.json").read_text(encoding="utf-8"))
    found = {}
    for item in raw:
        title = session.exec(
            select(Title).where(
                Title.original_title == item["original_title"], Title.kind == item["kind"]
            )
        ).first()
        if title is not None:
            found[item["key"]] = title
    return found


def load_rights(session: Session, assets: Path) -> int:
    """Create the demo windows that are missing; returns how many were created."""
    entries: list[dict[str, Any]] = json.loads((assets / "rights.json").read_text(encoding="utf-8"))
    titles = _titles_by_key(session, assets)
    partners = {p.slug: p.id for p in session.exec(select(Partner)).all()}
    created = 0
    for entry in entries:
        fields = {k: v for k, v in entry.items() if k not in {"title", "partner"}}
        title = titles.get(entry["title"])
        if title is None:
            raise InvalidInput(f"rights.json: no demo title {entry['title']!r}")
        if "partner" in entry:
            fields["partner_id"] = partners[entry["partner"]]
        data = WindowCreate.model_validate({**fields, "title_id": title.id})
        exists = session.exec(
            select(RightsWindow.id).where(
                RightsWindow.title_id == title.id,
                RightsWindow.media_right == data.media_right,
                RightsWindow.contract_ref == data.contract_ref,
            )
        ).first()
        if exists is None:
            store.save(session, data, data.title_id)
            created += 1
    session.commit()
    return created
