"""Small real clips, made with the real FFmpeg through the hardened `run_ffmpeg`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from transcoder.config import TranscoderConfig
from transcoder.run import run_ffmpeg

CLIP_CFG = TranscoderConfig(ffmpeg_timeout_s=120, probe_timeout_s=30)


def make_clip(
    path: Path,
    *,
    size: tuple[int, int] = (640, 360),
    rate: str = "25",
    seconds: float = 3.0,
    colour: str | None = None,
    languages: Sequence[str | None] = ("eng",),
    volumes_db: Sequence[float] | None = None,
    sar: str | None = None,
    rotation: int | None = None,
    interlaced: bool = False,
    black_lead_seconds: float = 0.0,
    gop: int = 25,
    audio_seconds: float | None = None,
    layouts: Sequence[str] | None = None,
    video_args: Sequence[str] = (),
) -> Path:
    """A clip with a moving test picture (or a flat `colour`, e.g. "0x204060", which compresses
    the same in every encode) and one sine tone per audio track (different pitches).

    ``layouts`` gives each track's FFmpeg channel layout ("stereo", "5.1", "7.1"; default: the
    tone's own, mono), written into the file as a real layout;
    ``video_args`` replace the default ultrafast x264 settings."""
    w, h = size
    source = f"color=c={colour}:" if colour else "testsrc2="
    video = f"{source}size={w}x{h}:rate={rate}:duration={seconds}"
    if black_lead_seconds:
        video += f",drawbox=c=black:t=fill:enable='lt(t,{black_lead_seconds})'"
    if sar:
        video += f",setsar={sar}"
    args: list[str] = ["-f", "lavfi", "-i", video]
    volumes = list(volumes_db or [0.0] * len(languages))
    for n, _ in enumerate(languages):
        length = seconds if audio_seconds is None else audio_seconds
        tone = f"sine=frequency={330 + 110 * n}:sample_rate=48000:duration={length}"
        layout = f",aformat=channel_layouts={layouts[n]}" if layouts else ""
        args += ["-f", "lavfi", "-i", f"{tone},volume={volumes[n]}dB{layout}"]
    args += ["-map", "0:v"]
    for n, language in enumerate(languages):
        args += ["-map", f"{n + 1}:a"]
        if language:
            args += [f"-metadata:s:a:{n}", f"language={language}"]
    args += list(video_args) or [
        "-c:v", "libx264", "-preset", "ultrafast", "-g", str(gop), "-pix_fmt", "yuv420p",
    ]  # fmt: skip
    if interlaced:
        args += ["-flags", "+ildct+ilme", "-field_order", "tt"]
    args += ["-c:a", "aac", "-b:a", "96k"]
    if audio_seconds is None:
        args.append("-shortest")
    own = [a for i, a in enumerate(args) if i and args[i - 1] == "-i"]
    target = path if rotation is None else path.with_suffix(".unrotated.mp4")
    run_ffmpeg(CLIP_CFG, [*args, "-y", str(target)], inputs=[], own_inputs=own)
    if rotation is not None:
        run_ffmpeg(
            CLIP_CFG,
            ["-display_rotation", str(rotation), "-i", str(target), "-c", "copy", "-y", str(path)],
            inputs=[],
            own_inputs=[str(target)],
        )
        target.unlink()
    return path


def make_pal_anamorphic_interlaced(path: Path, *, seconds: float = 1.0) -> Path:
    """An SD PAL archive master: 720x576 with SAR 16:15 (display 768x576), interlaced
    top field first, 25 fps, stereo."""
    return make_clip(path, size=(720, 576), sar="16/15", interlaced=True, seconds=seconds)


def make_in_spec_h264(
    path: Path, *, size: tuple[int, int], gop: int, kbps: int, seconds: float = 2.0
) -> Path:
    """A master already in delivery spec: H.264 High 8-bit 4:2:0, closed GOPs of exactly
    ``gop`` frames without scene-cut keyframes, capped at ``kbps``."""
    return make_clip(
        path,
        size=size,
        seconds=seconds,
        video_args=(
            "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high",
            "-pix_fmt", "yuv420p", "-g", str(gop), "-keyint_min", str(gop),
            "-sc_threshold", "0", "-flags", "+cgop", "-b:v", f"{kbps * 3 // 4}k",
            "-maxrate", f"{kbps * 3 // 4}k", "-bufsize", f"{kbps // 2}k",
        ),
    )  # fmt: skip
