"""The demo's tours (assets/demo/tours.json), planned in-process so `catalogue demo` shows real
plans. Idempotent: a tour already planned under its name is left alone."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session, select

from catalogue.models import TourPlan
from catalogue.models.tours import PlanCreate
from catalogue.settings import Settings
from catalogue.tours import planning

ASSETS = Path(__file__).resolve().parent.parent.parent / "assets" / "demo"


def plan_demo_tours(session: Session, settings: Settings, assets: Path = ASSETS) -> list[str]:
    """Plan each demo tour not planned yet; one summary line per tour."""
    lines = []
    for raw in json.loads((assets / "tours.json").read_text(encoding="utf-8")):
        body = PlanCreate.model_validate(raw)
        existing = session.exec(select(TourPlan).where(TourPlan.name == body.name)).first()
        if existing is None:
            existing = planning.solve(session, planning.new_plan(session, body, None), settings)
        lines.append(
            f"tour {existing.id} {existing.name}: {existing.solve_status}, objective {existing.objective}"
        )
    return lines
