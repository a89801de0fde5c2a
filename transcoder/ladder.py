"""Planning the renditions of one source, and the one-decode FFmpeg graph that makes them.

The whole ladder, the delivery MP4s and every audio rendition come out of ONE FFmpeg process: the
picture is decoded once and `split` into every rung. This is the only module that uses
ffmpeg-python (unmaintained since 2019), so replacing it touches one file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import ffmpeg

from transcoder.profiles import Ladder, Rung

# Output layout inside a rendition set; the master playlist and the pipeline rely on it.
MASTER_PLAYLIST = "master.m3u8"
MEDIA_PLAYLIST = "index.m3u8"
INIT_SEGMENT = "init.mp4"
SEGMENT_PATTERN = "seg_%05d.m4s"
DELIVERY_VIDEO = "delivery/video.mp4"
DELIVERY_AUDIO = "delivery/audio.m4a"


class PlanError(ValueError):
    """The source cannot be planned into renditions (no picture, absurd geometry or rate)."""


@dataclass(frozen=True)
class AudioTrack:
    """An audio stream of the source: ``position`` counts audio streams only (FFmpeg ``a:N``)."""

    position: int
    language: str | None
    channels: int
    title: str | None = None


@dataclass(frozen=True)
class SourcePicture:
    """The facts about a source's picture that decide the renditions' geometry and timing."""

    width: int
    height: int
    sample_aspect: Fraction
    rotation: int
    frame_rate: Fraction
    interlaced: bool
    hdr: bool = False
    """PQ or HLG transfer: tone-mapped to SDR BT.709, since every rung is 8-bit H.264."""


@dataclass(frozen=True)
class PlannedRung:
    rung: Rung
    width: int
    height: int


@dataclass(frozen=True)
class RenditionPlan:
    rungs: tuple[PlannedRung, ...]
    delivery_width: int
    delivery_height: int
    frame_rate: Fraction
    gop_frames: int
    segment_seconds: int
    deinterlace: bool
    audio: tuple[AudioTrack, ...]
    tonemap: bool = False


def display_size(picture: SourcePicture) -> tuple[int, int]:
    """Width and height as shown: sample aspect applied to the width, then rotation."""
    if picture.width <= 0 or picture.height <= 0:
        raise PlanError(f"picture size {picture.width}x{picture.height} is not a picture")
    sar = picture.sample_aspect if picture.sample_aspect > 0 else Fraction(1)
    width = _even(picture.width * sar)
    height = _even(Fraction(picture.height))
    if picture.rotation % 180 == 90:
        return height, width
    if picture.rotation % 90:
        raise PlanError(f"rotation {picture.rotation} is not a multiple of 90 degrees")
    return width, height


def _even(value: Fraction) -> int:
    return max(2, 2 * round(value / 2))


def fit_short_side(display: tuple[int, int], short: int) -> tuple[int, int]:
    """Size with the given short side and the display aspect; sizes are even for 4:2:0."""
    width, height = display
    if width >= height:
        return _even(Fraction(short * width, height)), short
    return short, _even(Fraction(short * height, width))


def output_frame_rate(source: Fraction, max_fps: float) -> Fraction:
    """Constant output rate: the source's, halved until it fits under the cap (50 -> 25)."""
    if source <= 0 or source > 1000:
        raise PlanError(f"frame rate {float(source):g} is not usable")
    rate = source
    while rate > max_fps:
        rate /= 2
    return rate


def plan_renditions(
    picture: SourcePicture, audio: Sequence[AudioTrack], ladder: Ladder
) -> RenditionPlan:
    """Choose the rungs for this source: never above its own size, always at least one."""
    display = display_size(picture)
    short_side = min(display)
    kept = [r for r in ladder.rungs if r.height <= short_side]
    if not kept:
        # A source smaller than every rung gets the smallest rung's settings at its own size.
        smallest = min(ladder.rungs, key=lambda r: r.height)
        kept = [Rung(smallest.name, short_side - short_side % 2, *_rates(smallest))]
    rungs = tuple(PlannedRung(r, *fit_short_side(display, r.height)) for r in kept)
    delivery = fit_short_side(display, min(ladder.delivery.height, short_side - short_side % 2))
    rate = output_frame_rate(picture.frame_rate, ladder.max_fps)
    return RenditionPlan(
        rungs=rungs,
        delivery_width=delivery[0],
        delivery_height=delivery[1],
        frame_rate=rate,
        gop_frames=max(1, math.ceil(rate * ladder.segment_seconds)),
        segment_seconds=ladder.segment_seconds,
        deinterlace=picture.interlaced,
        audio=tuple(audio),
        tonemap=picture.hdr,
    )


def _rates(rung: Rung) -> tuple[int, int, int, str]:
    return rung.video_kbps, rung.maxrate_kbps, rung.bufsize_kbps, rung.h264_profile


@dataclass(frozen=True)
class LoudnormPass:
    """Second-pass ``loudnorm`` settings for one audio track, from the first-pass measurement."""

    integrated: float
    true_peak: float
    lra: float
    measured_i: float
    measured_tp: float
    measured_lra: float
    measured_thresh: float
    offset: float


def rung_dir(planned: PlannedRung) -> str:
    return planned.rung.name


def audio_dir(track: AudioTrack) -> str:
    return f"audio_{track.position}"


def _video_codec_options(
    plan: RenditionPlan, ladder: Ladder, *, start: Fraction = Fraction(0), first_segment: int = 0
) -> dict[str, Any]:
    # Closed GOPs of exactly one segment, no scene-cut keyframes, IDR forced on segment starts:
    # every rung cuts segments at the same instants, so players can switch between them.
    # A chunk starting at `start` forces them where the whole-master run would.
    seg = plan.segment_seconds
    when = f"gte(t,n_forced*{seg})"
    if start or first_segment:
        when = f"gte(t+{float(start):.6f},(n_forced+{first_segment})*{seg}-0.000001)"
    colour = {"color_primaries": "bt709", "color_trc": "bt709", "colorspace": "bt709"}
    return {
        **(colour if plan.tonemap else {}),
        "c:v": "libx264",
        "preset": ladder.preset,
        "pix_fmt": "yuv420p",
        "g": plan.gop_frames,
        "keyint_min": plan.gop_frames,
        "sc_threshold": 0,
        "flags": "+cgop",
        "force_key_frames": f"expr:{when}",
    }


def _rate_options(profile: str, kbps: int, maxrate: int, bufsize: int) -> dict[str, Any]:
    return {
        "profile:v": profile,
        "b:v": f"{kbps}k",
        "maxrate": f"{maxrate}k",
        "bufsize": f"{bufsize}k",
    }


def _hls_options(plan: RenditionPlan, directory: Path) -> dict[str, Any]:
    return {
        "f": "hls",
        "hls_time": plan.segment_seconds,
        "hls_playlist_type": "vod",
        "hls_segment_type": "fmp4",
        "hls_fmp4_init_filename": INIT_SEGMENT,
        "hls_segment_filename": str(directory / SEGMENT_PATTERN),
        "hls_flags": "independent_segments",
    }


def _audio_options(ladder: Ladder, kbps: int, channels: int) -> dict[str, Any]:
    return {
        "c:a": "aac",
        "b:a": f"{kbps}k",
        "ar": ladder.audio.sample_rate,
        "ac": channels,
    }


def build_graph(
    source: Path,
    plan: RenditionPlan,
    ladder: Ladder,
    out_dir: Path,
    *,
    loudnorm: Mapping[int, LoudnormPass] | None = None,
    delivery: bool = True,
) -> Any:
    """The ffmpeg-python output of the one-process transcode, writing under ``out_dir``.

    ``loudnorm[position]`` normalises that audio track (missing: left as it is). Without
    ``delivery`` only the HLS renditions are made (the benchmark compares ladders alone).
    """
    inp = ffmpeg.input(str(source))
    pictures = _pictures(inp, plan, delivery=delivery)
    codec = _video_codec_options(plan, ladder)
    outputs = []
    for planned, stream in zip(plan.rungs, pictures, strict=False):
        directory = out_dir / rung_dir(planned)
        directory.mkdir(parents=True, exist_ok=True)
        options = {**codec, **_rung_rate_options(planned.rung), **_hls_options(plan, directory)}
        outputs.append(ffmpeg.output(stream, str(directory / MEDIA_PLAYLIST), **options))
    sounds = _sounds(inp, plan, ladder, loudnorm, copies=1 + int(delivery))
    outputs += _audio_hls_outputs(plan, ladder, out_dir, [copies[0] for copies in sounds])
    if delivery:
        outputs.append(
            _delivery_video_output(plan, ladder, out_dir / DELIVERY_VIDEO, pictures[-1], sounds)
        )
        if sounds:
            outputs.append(_delivery_audio_output(plan, ladder, out_dir, sounds[0][-1]))
    return ffmpeg.merge_outputs(*outputs).overwrite_output()


def build_chunk_graph(
    source: Path,
    plan: RenditionPlan,
    ladder: Ladder,
    out_dir: Path,
    *,
    start: Fraction,
    first_segment: int,
    frames: int | None,
) -> Any:
    """Picture only, from ``start`` for ``frames`` frames (None: to the end), one MP4 per rung
    and one for the delivery picture, named ``<rung>.mp4`` and ``delivery.mp4`` in ``out_dir``.

    ``start`` is the time of the frame that begins segment ``first_segment``; keyframes are
    forced on the master's timeline, so they fall where a single run would put them.
    """
    inp = (
        ffmpeg.input(str(source), ss=f"{float(start):.6f}") if start else ffmpeg.input(str(source))
    )
    pictures = _pictures(inp, plan, delivery=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    codec = _video_codec_options(plan, ladder, start=start, first_segment=first_segment)
    limit = {"frames:v": frames} if frames is not None else {}
    outputs = [
        ffmpeg.output(
            stream,
            str(out_dir / f"{rung_dir(planned)}.mp4"),
            **{**codec, **_rung_rate_options(planned.rung), **limit},
        )
        for planned, stream in zip(plan.rungs, pictures, strict=False)
    ]
    delivery = {**codec, **_delivery_rate_options(ladder), **limit}
    outputs.append(ffmpeg.output(pictures[-1], str(out_dir / "delivery.mp4"), **delivery))
    return ffmpeg.merge_outputs(*outputs).overwrite_output()


def build_audio_graph(
    source: Path,
    plan: RenditionPlan,
    ladder: Ladder,
    out_dir: Path,
    sound_for_delivery: Path,
    *,
    loudnorm: Mapping[int, LoudnormPass] | None = None,
) -> Any:
    """Sound only, whole length (AAC cut into chunks would gain priming gaps and drift): the HLS
    audio renditions, the delivery sound-only file, and every track at delivery quality in
    ``sound_for_delivery`` for muxing with the joined picture."""
    inp = ffmpeg.input(str(source))
    sounds = _sounds(inp, plan, ladder, loudnorm, copies=2)
    outputs = _audio_hls_outputs(plan, ladder, out_dir, [copies[0] for copies in sounds])
    profile = ladder.delivery
    options = {**_audio_options(ladder, profile.audio_kbps, ladder.audio.channels)}
    options.update(_language_metadata(plan))
    outputs.append(
        ffmpeg.output(*(copies[1] for copies in sounds), str(sound_for_delivery), **options)
    )
    outputs.append(_delivery_audio_output(plan, ladder, out_dir, sounds[0][-1]))
    return ffmpeg.merge_outputs(*outputs).overwrite_output()


def _pictures(inp: Any, plan: RenditionPlan, *, delivery: bool) -> list[Any]:
    """The decoded picture, made progressive and constant-rate, split and scaled per output."""
    picture = inp["v:0"]
    if plan.deinterlace:
        picture = picture.filter("bwdif", mode="send_frame", parity="auto", deint="all")
    if plan.tonemap:
        picture = _tonemapped(picture)
    picture = picture.filter("fps", fps=str(plan.frame_rate))
    sizes = [(p.width, p.height) for p in plan.rungs]
    if delivery:
        sizes.append((plan.delivery_width, plan.delivery_height))
    # ffmpeg-python merges identical filters on one stream, so the split must be explicit.
    branches = picture.filter_multi_output("split", len(sizes))
    return [branches[i].filter("scale", w, h).filter("setsar", 1) for i, (w, h) in enumerate(sizes)]


def _tonemapped(picture: Any) -> Any:
    """HDR (PQ or HLG) to SDR BT.709: linear light, Hable curve, back to limited-range 4:2:0."""
    return (
        picture.filter("zscale", t="linear", npl=100)
        .filter("format", "gbrpf32le")
        .filter("zscale", p="bt709")
        .filter("tonemap", tonemap="hable", desat=0)
        .filter("zscale", t="bt709", m="bt709", r="tv")
        .filter("format", "yuv420p")
    )


def _sounds(
    inp: Any,
    plan: RenditionPlan,
    ladder: Ladder,
    loudnorm: Mapping[int, LoudnormPass] | None,
    *,
    copies: int,
) -> list[Any]:
    """Per audio track, ``copies`` normalised copies; the first track gets one more, for the
    delivery sound-only file."""
    sounds = []
    for n, track in enumerate(plan.audio):
        stream = inp[f"a:{track.position}"]
        settings = (loudnorm or {}).get(track.position)
        if settings is not None:
            stream = stream.filter("loudnorm", **_loudnorm_args(settings))
        # loudnorm resamples to 192 kHz internally; bring it back for AAC.
        stream = stream.filter("aresample", ladder.audio.sample_rate)
        wanted = copies + int(copies > 1 and n == 0)
        sounds.append(stream.filter_multi_output("asplit", wanted))
    return sounds


def _audio_hls_outputs(
    plan: RenditionPlan, ladder: Ladder, out_dir: Path, streams: list[Any]
) -> list[Any]:
    outputs = []
    for track, stream in zip(plan.audio, streams, strict=True):
        directory = out_dir / audio_dir(track)
        directory.mkdir(parents=True, exist_ok=True)
        options = {
            **_audio_options(ladder, ladder.audio.kbps, ladder.audio.channels),
            **_hls_options(plan, directory),
        }
        if track.language:
            options["metadata:s:a:0"] = f"language={track.language}"
        outputs.append(ffmpeg.output(stream, str(directory / MEDIA_PLAYLIST), **options))
    return outputs


def _language_metadata(plan: RenditionPlan) -> dict[str, str]:
    return {
        f"metadata:s:a:{n}": f"language={track.language}"
        for n, track in enumerate(plan.audio)
        if track.language
    }


def _rung_rate_options(rung: Rung) -> dict[str, Any]:
    return _rate_options(rung.h264_profile, rung.video_kbps, rung.maxrate_kbps, rung.bufsize_kbps)


def _delivery_rate_options(ladder: Ladder) -> dict[str, Any]:
    profile = ladder.delivery
    return _rate_options(
        profile.h264_profile, profile.video_kbps, profile.video_kbps * 3 // 2,
        profile.video_kbps * 2,
    )  # fmt: skip


def _delivery_video_output(
    plan: RenditionPlan, ladder: Ladder, target: Path, picture: Any, sounds: list[Any]
) -> Any:
    target.parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        **_video_codec_options(plan, ladder),
        **_delivery_rate_options(ladder),
        **_audio_options(ladder, ladder.delivery.audio_kbps, ladder.audio.channels),
        **_language_metadata(plan),
        "movflags": "+faststart",
    }
    streams = [picture, *(copies[1] for copies in sounds)]
    return ffmpeg.output(*streams, str(target), **options)


def _delivery_audio_output(plan: RenditionPlan, ladder: Ladder, out_dir: Path, stream: Any) -> Any:
    (out_dir / DELIVERY_AUDIO).parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        **_audio_options(ladder, ladder.delivery.audio_kbps, ladder.audio.channels),
        "movflags": "+faststart",
    }
    first = plan.audio[0]
    if first.language:
        options["metadata:s:a:0"] = f"language={first.language}"
    return ffmpeg.output(stream, str(out_dir / DELIVERY_AUDIO), **options)


def _loudnorm_args(p: LoudnormPass) -> dict[str, Any]:
    return {
        "I": p.integrated,
        "TP": p.true_peak,
        "LRA": p.lra,
        "measured_I": p.measured_i,
        "measured_TP": p.measured_tp,
        "measured_LRA": p.measured_lra,
        "measured_thresh": p.measured_thresh,
        "offset": p.offset,
        "linear": "true",
    }
