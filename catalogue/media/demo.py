"""Demo media: a generated master per demo title, ingested like an upload (stored, then the
probe_asset job), so the probe and transcode jobs give a newcomer real renditions, posters and
progress to look at. Called by `catalogue demo` (the lead wires it in)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from sqlmodel import Session, col, select

from catalogue.media.config import work_dir
from catalogue.media.probe import enqueue_probe
from catalogue.models import Asset, AssetState, Title
from catalogue.models.assets import AssetKind
from catalogue.settings import Settings
from catalogue.storage import Storage, make_storage
from catalogue.storage.keys import asset_prefix
from transcoder import testmedia

# Short, small masters: the whole demo transcodes in about a minute on two cores.
DEMO_SECONDS = 8.0
DEMO_SIZE = (640, 360)


def ingest_demo_media(
    session: Session,
    settings: Settings,
    *,
    limit: int = 3,
    seconds: float = DEMO_SECONDS,
    title_text: bool = True,
) -> list[int]:
    """Give the first ``limit`` top-level titles without media a generated master; returns the
    new asset ids (none when every title has one: running it again adds nothing)."""
    with_media = select(Asset.title_id)
    titles = session.exec(
        select(Title)
        .where(col(Title.parent_id).is_(None), col(Title.id).not_in(with_media))
        .order_by(col(Title.id))
        .limit(limit)
    ).all()
    storage = make_storage(settings)
    created: list[int] = []
    with tempfile.TemporaryDirectory(dir=_temp_root(settings)) as tmp:
        for n, title in enumerate(titles):
            clip = testmedia.generate_demo_clip(
                Path(tmp) / f"demo-{title.id}.mp4",
                title_text=title.original_title if title_text else None,
                seconds=seconds,
                width=DEMO_SIZE[0],
                height=DEMO_SIZE[1],
                tone_hz=330 + 110 * n,
            )
            created.append(_ingest(session, storage, title, clip))
    return created


def _temp_root(settings: Settings) -> Path:
    root = work_dir(settings) / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _ingest(session: Session, storage: Storage, title: Title, clip: Path) -> int:
    asset = Asset(
        title_id=title.id,  # type: ignore[arg-type]
        kind=AssetKind.main,
        state=AssetState.uploaded,
        original_filename=f"{title.original_title}.mp4"[:255],
        size=clip.stat().st_size,
        sha256=_sha256(clip),
    )
    session.add(asset)
    session.flush()
    assert asset.id is not None
    key = f"{asset_prefix(asset.id)}/demo/master.mp4"
    storage.put_file(clip, key)
    asset.storage_key = key
    session.add(asset)
    enqueue_probe(session, asset.id)
    session.commit()
    return asset.id


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
