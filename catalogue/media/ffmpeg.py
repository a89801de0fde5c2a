"""The FFmpeg the service runs: refused at start (`catalogue serve`, the app's lifespan,
`catalogue worker`) when missing, older than the minimum release or lacking a library the
product needs; reported by `/readyz` and `catalogue config`."""

from __future__ import annotations

from catalogue.errors import CatalogueError
from catalogue.settings import Settings
from transcoder.build import FFmpegBuild, require_supported
from transcoder.config import TranscoderConfig
from transcoder.errors import BinaryNotFound, MediaError


class FFmpegUnusable(CatalogueError):
    """No FFmpeg the product accepts: the message says what was found and how to fix it."""

    status_code = 503


def require_ffmpeg(settings: Settings) -> FFmpegBuild:
    """The FFmpeg build the settings resolve to, or `FFmpegUnusable`."""
    # Only the paths: building the full transcoder config would create work folders.
    cfg = TranscoderConfig(ffmpeg_path=settings.ffmpeg_path, ffprobe_path=settings.ffprobe_path)
    try:
        return require_supported(cfg)
    except BinaryNotFound as error:  # also UnsupportedFFmpeg: missing, too old, lacking libs
        raise FFmpegUnusable(str(error)) from None
    except MediaError as error:  # `-version` crashed or hung
        raise FFmpegUnusable(f"cannot ask FFmpeg its version: {error}") from None
