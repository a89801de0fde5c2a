"""Delivery fixtures: one real rendition set made once by the transcoder (tiny ladder, 2 s clip),
published into each test's storage for a title licensed to one partner, both, or neither."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from _delivery_fixtures import Deliver, Delivered
from fastapi import FastAPI
from sqlmodel import Session

from catalogue.app import create_app
from catalogue.handlers import AFTER_PUBLISH
from catalogue.media.transcode import record
from catalogue.models import Asset, AssetState, Title, TitleStatus
from catalogue.models.rights import RightsWindow, RightsWindowCountry
from catalogue.settings import Settings
from catalogue.storage import make_storage
from catalogue.storage.keys import renditions_prefix
from tests.conftest import Database
from tests.support.ladder import TINY_LADDER
from tests.support.s3 import s3_endpoint  # noqa: F401  (a fixture)
from tests.support.server import serving
from transcoder import pipeline, testmedia
from transcoder.config import TranscoderConfig


@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> pipeline.LadderOutput:
    folder = tmp_path_factory.mktemp("renditions")
    master = testmedia.multi_language_mkv(folder)
    return pipeline.transcode(TranscoderConfig(), master, folder / "out", TINY_LADDER)


@pytest.fixture
def settings(database: Database) -> Settings:
    return database.settings.model_copy(
        update={"job_pool_enabled": False, "webhook_allow_private_addresses": True}
    )


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings, database.engine)


@pytest.fixture
def deliver(session: Session, settings: Settings, made: pipeline.LadderOutput) -> Deliver:
    """A published title with a ready asset and its renditions in storage, licensed for
    `public_screening` in `territories` (ISO codes) from `starts_on` to `ends_on`."""
    storage = make_storage(settings)

    def make(name: str, territories: list[str], starts_on: str = "2000-01-01", ends_on: str | None = None,
             partner_id: int | None = None) -> Delivered:  # fmt: skip
        from datetime import date

        title = Title(kind="drama", original_title=name, original_language="zh-Hans", status=TitleStatus.published,
                      genres=["documentary"], production_year=2024, eidr_title_id=None)  # fmt: skip
        session.add(title)
        session.flush()
        asset = Asset(title_id=title.id, kind="main", state=AssetState.ready,  # type: ignore[arg-type]
                      original_filename="master.mkv", size=1, storage_key="assets/x/master.mkv")  # fmt: skip
        session.add(asset)
        session.flush()
        assert asset.id is not None and title.id is not None
        if territories:
            window = RightsWindow(title_id=title.id, media_right="public_screening", territories=territories,
                                  starts_on=date.fromisoformat(starts_on), partner_id=partner_id,
                                  ends_on=date.fromisoformat(ends_on) if ends_on else None)  # fmt: skip
            session.add(window)
            session.flush()
            session.add_all(
                RightsWindowCountry(window_id=window.id, country=c) for c in territories
            )  # type: ignore[arg-type]
        prefix = renditions_prefix(asset.id)
        copy = Path(settings.data_dir) / f"made-{asset.id}"
        shutil.copytree(made.directory, copy)
        storage.publish(copy, prefix, last=[made.master_playlist])
        record(session, asset.id, None, prefix, made, then=AFTER_PUBLISH)
        session.commit()
        return Delivered(title.id, asset.id, prefix)

    return make


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    with serving(app, lifespan="off") as url:
        yield url
