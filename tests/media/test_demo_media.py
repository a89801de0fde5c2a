"""Demo media: generated masters go through the real probe and transcode jobs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from catalogue import demo
from catalogue.media.demo import ingest_demo_media
from catalogue.models import Asset, Job, JobStatus, RenditionSet
from catalogue.worker import run_until_idle
from tests.support.jobs import job_settings
from tests.support.ladder import write_tiny_ladder

pytestmark = pytest.mark.slow


def test_demo_titles_get_masters_then_renditions_once(
    database, session: Session, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings = job_settings(database.settings, transcode_ladder=write_tiny_ladder(tmp_path))
    demo.load(session)
    created = ingest_demo_media(session, settings, limit=2, seconds=2.0)
    assert len(created) == 2

    outcomes = run_until_idle(database.engine, settings)
    kinds = [session.get(Job, job_id).kind for job_id, _ in outcomes]  # type: ignore[union-attr]
    assert sorted(kinds) == ["probe_asset"] * 2 + ["transcode_asset"] * 2
    assert all(status is JobStatus.succeeded for _, status in outcomes)
    assets = session.exec(select(Asset).where(Asset.id.in_(created))).all()  # type: ignore[union-attr]
    assert {a.state for a in assets} == {"ready"}
    sets = session.exec(select(RenditionSet)).all()
    assert sorted(s.asset_id for s in sets) == sorted(created)
    assert all(s.poster_key.endswith(".jpg") for s in sets)

    # Titles that have media are skipped: a second run picks other titles, never the same.
    again = ingest_demo_media(session, settings, limit=2, seconds=2.0)
    titles = {session.get(Asset, a).title_id for a in created}  # type: ignore[union-attr]
    assert titles.isdisjoint(session.get(Asset, a).title_id for a in again)  # type: ignore[union-attr]
