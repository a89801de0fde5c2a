"""HDR10 static metadata: a PQ master's mastering-display colour volume (SMPTE ST 2086) and
content light level (CTA-861.3), read from ffprobe's side data and carried into the HEVC HDR
rungs the way x265 writes them (`master-display`, `max-cll`: SEI messages in every IDR access
unit), so an HDR screen maps the picture as the grading monitor showed it.

The container may carry them for the stream (MP4 `mdcv`/`clli`, Matroska colour elements) or
only the bitstream (HEVC SEI, seen on the first decoded frame): both are read, the stream's
first. `from_side_data` is pure; `read_hdr_static` runs ffprobe on the first frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from transcoder.config import TranscoderConfig
from transcoder.probe import VideoStream
from transcoder.run import CancelCheck, MediaPath, run_ffprobe

MASTERING = "Mastering display metadata"
LIGHT_LEVEL = "Content light level metadata"
_CHROMA = 50000  # x265 (and HEVC SEI) chromaticity unit: 0.00002
_LUMINANCE = 10000  # x265 (and HEVC SEI) luminance unit: 0.0001 cd/m2


@dataclass(frozen=True)
class HdrStatic:
    master_display: str | None = None
    """x265's ``G(x,y)B(x,y)R(x,y)WP(x,y)L(max,min)``."""
    max_cll: str | None = None
    """x265's ``MaxCLL,MaxFALL`` in cd/m2."""

    def x265_params(self) -> str:
        """``hdr10=1`` and the values this master has, for ``-x265-params``."""
        params = ["hdr10=1"]
        if self.master_display:
            params.append(f"master-display={self.master_display}")
        if self.max_cll:
            params.append(f"max-cll={self.max_cll}")
        return ":".join(params)


def _units(value: Any, scale: int) -> int | None:
    """ffprobe writes these as "34000/50000" (or a plain number): in ``1/scale`` units."""
    try:
        ratio = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None
    return round(ratio * scale) if ratio >= 0 else None


def _master_display(entry: Mapping[str, Any]) -> str | None:
    points = []
    for name in ("green", "blue", "red", "white_point"):
        x = _units(entry.get(f"{name}_x"), _CHROMA)
        y = _units(entry.get(f"{name}_y"), _CHROMA)
        if x is None or y is None:
            return None  # ffprobe lists luminance alone when primaries are absent
        points.append(f"{'WP' if name == 'white_point' else name[0].upper()}({x},{y})")
    high = _units(entry.get("max_luminance"), _LUMINANCE)
    low = _units(entry.get("min_luminance"), _LUMINANCE)
    if high is None or low is None or not 0 <= low < high:
        return None
    return "".join(points) + f"L({high},{low})"


def _max_cll(entry: Mapping[str, Any]) -> str | None:
    content, average = _units(entry.get("max_content"), 1), _units(entry.get("max_average"), 1)
    if content is None or average is None or not 0 < content <= 65535 or average > content:
        return None
    return f"{content},{average}"


def from_side_data(entries: Iterable[Mapping[str, Any]]) -> HdrStatic | None:
    """The first usable mastering display and light level among ffprobe side-data entries;
    None when there is neither."""
    display = light = None
    for entry in entries:
        kind = entry.get("side_data_type")
        if kind == MASTERING and display is None:
            display = _master_display(entry)
        elif kind == LIGHT_LEVEL and light is None:
            light = _max_cll(entry)
    if display is None and light is None:
        return None
    return HdrStatic(display, light)


def read_hdr_static(
    cfg: TranscoderConfig, path: MediaPath, video: VideoStream, *, cancel: CancelCheck | None = None
) -> HdrStatic | None:
    """The master's HDR10 static metadata: the stream's side data, then its first frame's."""
    data = run_ffprobe(
        cfg,
        path,
        args=(
            "-select_streams", str(video.index), "-read_intervals", "%+#1",
            "-show_streams", "-show_frames",
        ),
        cancel=cancel,
    )  # fmt: skip
    lists = [s.get("side_data_list") for s in data.get("streams") or []]
    lists += [f.get("side_data_list") for f in data.get("frames") or []]
    return from_side_data(e for found in lists if isinstance(found, list) for e in found
                          if isinstance(e, dict))  # fmt: skip
