"""An asset's renditions (staff only; partners get 404, as for jobs)."""

from __future__ import annotations

from catalogue.api.responses import errors
from catalogue.api.routes.jobs import JobViewer
from catalogue.deps import PathId, SessionDep
from catalogue.media import renditions
from catalogue.models.renditions import (
    LoudnessPublic,
    RenditionFilePublic,
    RenditionsPublic,
    VariantPublic,
)
from catalogue.routing import Router

router = Router(prefix="/assets", tags=["renditions"])


@router.get("/{asset_id}/renditions", response_model=RenditionsPublic, responses=errors(404))
def read_renditions(session: SessionDep, user: JobViewer, asset_id: PathId) -> RenditionsPublic:
    """The published rendition set: HLS master playlist and variants, delivery MP4/M4A, poster,
    storyboard, loudness, and every file's size and SHA-256."""
    row = renditions.of_asset(session, asset_id)
    files = renditions.files_of(session, row)
    return RenditionsPublic(
        asset_id=asset_id,
        job_id=row.job_id,
        master_playlist_key=row.master_playlist_key,
        dash_manifest_key=row.dash_manifest_key,
        variants=[VariantPublic(**v) for v in row.variants],
        audio_renditions=row.audio_renditions,
        delivery_video_key=row.delivery_video_key,
        delivery_audio_key=row.delivery_audio_key,
        poster_key=row.poster_key,
        storyboard_vtt_key=row.storyboard_vtt_key,
        storyboard_sprite_keys=row.storyboard_sprite_keys,
        duration_s=row.duration_s,
        loudness=LoudnessPublic(
            integrated_lufs=row.loudness_integrated_lufs,
            true_peak_dbtp=row.loudness_true_peak_dbtp,
            range_lu=row.loudness_range_lu,
        ),
        source_loudness=row.source_loudness,
        total_bytes=row.total_bytes,
        files=[RenditionFilePublic.model_validate(f, from_attributes=True) for f in files],
        updated_at=row.updated_at,
    )
