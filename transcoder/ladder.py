"""Planning the renditions of one source, and the one-decode FFmpeg graph that makes them.

The whole ladder, the delivery MP4s and every audio rendition come out of ONE FFmpeg process: the
picture is decoded once and `split` into every rung. This is the only module that uses
ffmpeg-python (unmaintained since 2019), so replacing it touches one file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import ffmpeg

from transcoder.hdr import HdrStatic
from transcoder.profiles import AudioProfile, Ladder, Rung

# Output layout inside a rendition set; the master playlist and the pipeline rely on it.
MASTER_PLAYLIST = "master.m3u8"
DASH_MANIFEST = "manifest.mpd"
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
    layout: str | None = None
    """FFmpeg's channel layout name as probed ("mono", "5.1(side)", ...); None when unknown."""


# Layouts with a centre, an LFE and surrounds, as FFmpeg names them: these get a 5.1 rendition.
# Only the probed layout counts: six channels without one may be six mono stems, not 5.1.
SURROUND_LAYOUTS = frozenset(
    {"5.1", "5.1(side)", "6.1", "6.1(back)", "7.1", "7.1(wide)", "7.1(wide-side)",
     "5.1.2", "5.1.4", "7.1.2", "7.1.4", "7.1(top)"}
)  # fmt: skip
_LAYOUT_CHANNELS = {"mono": 1, "stereo": 2, "5.1": 6}


@dataclass(frozen=True)
class AudioOutput:
    """One encoded form of a source track: its main ("mono" or "stereo") or its "5.1" form."""

    track: AudioTrack
    layout: str

    @property
    def channels(self) -> int:
        return _LAYOUT_CHANNELS[self.layout]

    @property
    def surround(self) -> bool:
        return self.layout == "5.1"


def audio_outputs(track: AudioTrack, profile: AudioProfile) -> tuple[AudioOutput, ...]:
    """Every player gets the main form (mono dialogue stays mono, all else becomes stereo, or
    mono if the ladder says so); a surround master (5.1, 7.1, ...) also gets 5.1."""
    mono = track.layout == "mono" or profile.channels == 1
    main = AudioOutput(track, "mono" if mono else "stereo")
    if track.layout in SURROUND_LAYOUTS:
        return main, AudioOutput(track, "5.1")
    return (main,)


@dataclass(frozen=True)
class SourcePicture:
    """The facts about a source's picture that decide the renditions' geometry and timing."""

    width: int
    height: int
    sample_aspect: Fraction
    rotation: int
    frame_rate: Fraction
    interlaced: bool
    hdr: str | None = None
    """"PQ" or "HLG": the H.264 ladder is tone-mapped to SDR BT.709 for every player, and an
    HEVC Main 10 ladder keeps the HDR picture for HDR screens."""


@dataclass(frozen=True)
class PlannedRung:
    rung: Rung
    width: int
    height: int
    crf: float | None = None
    """Per-title encoding's constant quality for this rung, under the rung's peak and buffer
    (capped CRF); None: the rung's own average bitrate."""


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
    sound: tuple[AudioOutput, ...] = ()
    """Every audio rendition, track by track, each track's main form first."""
    tonemap: bool = False
    hdr: str | None = None
    """The master's HDR transfer ("PQ" or "HLG") when `hdr_rungs` keep it."""
    hdr_rungs: tuple[PlannedRung, ...] = ()
    """The HEVC Main 10 ladder of an HDR master: the SDR rungs' sizes and rates, HDR kept."""
    hdr_static: HdrStatic | None = None
    """A PQ master's mastering display and light level, carried into `hdr_rungs`."""
    package_top: bool = False
    """The top rung is the master's own picture, stream-copied (`transcoder.inspec`)."""
    package_delivery: bool = False
    """So is the delivery MP4's picture."""


def display_size(picture: SourcePicture) -> tuple[int, int]:
    """Width and height as shown: sample aspect applied to the width, then rotation."""
    if picture.width <= 0 or picture.height <= 0:
        raise PlanError(f"picture size {picture.width}x{picture.height} is not a picture")
    sar = picture.sample_aspect if picture.sample_aspect > 0 else Fraction(1)
    # Rounded down: a 1279x719 source is shown at 1278x718, never a line above its own size.
    width = _even_below(picture.width * sar)
    height = _even_below(Fraction(picture.height))
    if picture.rotation % 180 == 90:
        return height, width
    if picture.rotation % 90:
        raise PlanError(f"rotation {picture.rotation} is not a multiple of 90 degrees")
    return width, height


def _even(value: Fraction) -> int:
    return max(2, 2 * round(value / 2))


def _even_below(value: Fraction) -> int:
    return max(2, 2 * math.floor(value / 2))


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
        kept = [
            Rung(
                smallest.name, short_side - short_side % 2, *_rates(smallest),
                target_vmaf=smallest.target_vmaf,
            )
        ]  # fmt: skip
    own = source_rung(short_side, ladder)
    if own is not None:
        kept.insert(0, own)
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
        sound=tuple(out for track in audio for out in audio_outputs(track, ladder.audio)),
        tonemap=picture.hdr is not None,
        hdr=picture.hdr,
        hdr_rungs=rungs if picture.hdr else (),
    )


SOURCE_RUNG_MARGIN = Fraction(11, 10)
"""A source rung is added only when the source's short side is at least 10% above the rung
below: a 722-line master is served well by its 720p rung, a 576-line one is not by 480p."""


def source_rung(short_side: int, ladder: Ladder) -> Rung | None:
    """A rung at the source's own (display) size when it falls between two ladder rungs, so a
    PAL 576-line or a 1279x719 master is not served at 480p at best. Its bitrates are the rung
    below's, scaled by the pixel count, and never above the rung above's."""
    height = short_side - short_side % 2
    below = [r for r in ladder.rungs if r.height <= height]
    above = [r for r in ladder.rungs if r.height > height]
    if not below or not above:
        return None
    lower = max(below, key=lambda r: r.height)
    upper = min(above, key=lambda r: r.height)
    if height < lower.height * SOURCE_RUNG_MARGIN:
        return None
    area = Fraction(height, lower.height) ** 2
    video, maxrate, bufsize = (
        min(math.ceil(mine * area), theirs)
        for mine, theirs in (
            (lower.video_kbps, upper.video_kbps),
            (lower.maxrate_kbps, upper.maxrate_kbps),
            (lower.bufsize_kbps, upper.bufsize_kbps),
        )
    )
    names = {r.name for r in ladder.rungs}
    name = f"{height}p" if f"{height}p" not in names else f"{height}p-source"
    # The top rung, scored at its own size: the quality target of the rung it stands in for.
    return Rung(name, height, video, maxrate, bufsize, upper.h264_profile, upper.target_vmaf)


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


def hdr_rung_dir(planned: PlannedRung) -> str:
    return f"{planned.rung.name}_hdr"


def audio_dir(output: AudioOutput) -> str:
    suffix = "_51" if output.surround else ""
    return f"audio_{output.track.position}{suffix}"


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


HDR_TRANSFERS = {"PQ": "smpte2084", "HLG": "arib-std-b67"}


def _hevc_codec_options(plan: RenditionPlan, ladder: Ladder) -> dict[str, Any]:
    """HEVC Main 10 with the HDR colour signalled in the bitstream (VUI) and the container; GOPs
    as the H.264 rungs' (closed, one per segment, IDR on segment starts)."""
    transfer = HDR_TRANSFERS[plan.hdr or ""]
    gop = plan.gop_frames
    colour = f"colorprim=bt2020:transfer={transfer}:colormatrix=bt2020nc"
    static = f":{plan.hdr_static.x265_params()}" if plan.hdr_static else ""
    return {
        "c:v": "libx265",
        "preset": ladder.preset,
        "profile:v": "main10",
        "pix_fmt": "yuv420p10le",
        "tag:v": "hvc1",  # Apple players want the parameter sets in the sample entry
        "color_primaries": "bt2020",
        "color_trc": transfer,
        "colorspace": "bt2020nc",
        "forced-idr": 1,
        "force_key_frames": _video_codec_options(plan, ladder)["force_key_frames"],
        "x265-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:open-gop=0:{colour}"
        f"{static}:log-level=error",
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


def _audio_options(ladder: Ladder, kbps: int) -> dict[str, Any]:
    # No "ac": every sound branch is already converted to its output's layout (aformat).
    return {"c:a": "aac", "b:a": f"{kbps}k", "ar": ladder.audio.sample_rate}


def _kbps(output: AudioOutput, ladder: Ladder, *, delivery: bool) -> int:
    if delivery:
        return ladder.delivery.surround_kbps if output.surround else ladder.delivery.audio_kbps
    return ladder.audio.surround_kbps if output.surround else ladder.audio.kbps


def _delivery_sound_options(plan: RenditionPlan, ladder: Ladder) -> dict[str, Any]:
    """Every sound track of a delivery MP4, each at its own rate, with its language."""
    options: dict[str, Any] = {"c:a": "aac", "ar": ladder.audio.sample_rate}
    for n, output in enumerate(plan.sound):
        options[f"b:a:{n}"] = f"{_kbps(output, ladder, delivery=True)}k"
    options.update(_language_metadata(plan))
    return options


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
    sdr, hdr = _pictures(inp, plan, delivery=delivery)
    pictures = iter(sdr)
    codec = _video_codec_options(plan, ladder)
    outputs = []
    for n, planned in enumerate(plan.rungs):
        directory = out_dir / rung_dir(planned)
        directory.mkdir(parents=True, exist_ok=True)
        hls = _hls_options(plan, directory)
        if n == 0 and plan.package_top:
            stream, options = inp["v:0"], {"c:v": "copy", **hls}
        else:
            stream, options = next(pictures), {**codec, **_rung_rate_options(planned), **hls}
        outputs.append(ffmpeg.output(stream, str(directory / MEDIA_PLAYLIST), **options))
    hevc = _hevc_codec_options(plan, ladder) if plan.hdr_rungs else {}
    for planned, stream in zip(plan.hdr_rungs, hdr, strict=True):
        directory = out_dir / hdr_rung_dir(planned)
        directory.mkdir(parents=True, exist_ok=True)
        options = {**_rung_rate_options(planned), **hevc, **_hls_options(plan, directory)}
        outputs.append(ffmpeg.output(stream, str(directory / MEDIA_PLAYLIST), **options))
    sounds = _sounds(inp, plan, loudnorm, ladder, delivery=delivery)
    outputs += _audio_hls_outputs(plan, ladder, out_dir, sounds.hls)
    if delivery:
        picture = inp["v:0"] if plan.package_delivery else next(pictures)
        outputs.append(
            _delivery_video_output(plan, ladder, out_dir / DELIVERY_VIDEO, picture, sounds)
        )
        if sounds.alone is not None:
            outputs.append(_delivery_audio_output(plan, ladder, out_dir, sounds.alone))
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
    if plan.package_top or plan.package_delivery or plan.hdr_rungs:
        raise PlanError("chunked encoding neither packages nor keeps HDR: plan it without")
    inp = (
        ffmpeg.input(str(source), ss=f"{float(start):.6f}") if start else ffmpeg.input(str(source))
    )
    pictures, _ = _pictures(inp, plan, delivery=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    codec = _video_codec_options(plan, ladder, start=start, first_segment=first_segment)
    limit = {"frames:v": frames} if frames is not None else {}
    outputs = [
        ffmpeg.output(
            stream,
            str(out_dir / f"{rung_dir(planned)}.mp4"),
            **{**codec, **_rung_rate_options(planned), **limit},
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
    sounds = _sounds(inp, plan, loudnorm, ladder, delivery=True)
    outputs = _audio_hls_outputs(plan, ladder, out_dir, sounds.hls)
    options = _delivery_sound_options(plan, ladder)
    outputs.append(ffmpeg.output(*sounds.delivery, str(sound_for_delivery), **options))
    outputs.append(_delivery_audio_output(plan, ladder, out_dir, sounds.alone))
    return ffmpeg.merge_outputs(*outputs).overwrite_output()


def _pictures(inp: Any, plan: RenditionPlan, *, delivery: bool) -> tuple[list[Any], list[Any]]:
    """The decoded picture, made progressive and constant-rate, split and scaled per encoded
    output: the SDR outputs (rungs, then delivery; a packaged one is the master's own picture,
    not decoded for it), tone-mapped if the master is HDR, and the HDR rungs, kept 10-bit."""
    sizes = [(p.width, p.height) for p in plan.rungs[int(plan.package_top) :]]
    if delivery and not plan.package_delivery:
        sizes.append((plan.delivery_width, plan.delivery_height))
    hdr_sizes = [(p.width, p.height) for p in plan.hdr_rungs]
    if not sizes:
        return [], []
    picture = inp["v:0"]
    if plan.deinterlace:
        picture = picture.filter("bwdif", mode="send_frame", parity="auto", deint="all")
    picture = picture.filter("fps", fps=str(plan.frame_rate))
    hdr = None
    if hdr_sizes:
        both = picture.filter_multi_output("split", 2)
        picture, hdr = both[0], both[1].filter("format", "yuv420p10le")
    if plan.tonemap:
        picture = _tonemapped(picture)
    return _scaled(picture, sizes), _scaled(hdr, hdr_sizes) if hdr is not None else []


def _scaled(picture: Any, sizes: list[tuple[int, int]]) -> list[Any]:
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


@dataclass(frozen=True)
class _Sounds:
    hls: list[Any]
    """One branch per `plan.sound` output, in its order."""
    delivery: list[Any]
    """The same, for the delivery MP4 (empty without delivery)."""
    alone: Any | None
    """The first track's main form, for the delivery sound-only file."""


def _sounds(
    inp: Any,
    plan: RenditionPlan,
    loudnorm: Mapping[int, LoudnormPass] | None,
    ladder: Ladder,
    *,
    delivery: bool,
) -> _Sounds:
    """Each track normalised once, split into every output it feeds, each branch converted to
    its output's layout (7.1 to 5.1 and to stereo by FFmpeg's standard downmix matrices)."""
    hls: list[Any] = []
    full: list[Any] = []
    alone = None
    for n, track in enumerate(plan.audio):
        stream = inp[f"a:{track.position}"]
        settings = (loudnorm or {}).get(track.position)
        if settings is not None:
            stream = stream.filter("loudnorm", **_loudnorm_args(settings))
        # loudnorm resamples to 192 kHz internally; bring it back for AAC.
        stream = stream.filter("aresample", ladder.audio.sample_rate)
        outputs = [o for o in plan.sound if o.track == track]
        wanted = len(outputs) * (1 + int(delivery)) + int(delivery and n == 0)
        split = stream.filter_multi_output("asplit", wanted)
        branches = iter([split[k] for k in range(wanted)])
        for output in outputs:
            hls.append(next(branches).filter("aformat", channel_layouts=output.layout))
            if delivery:
                full.append(next(branches).filter("aformat", channel_layouts=output.layout))
        if delivery and n == 0:
            alone = next(branches).filter("aformat", channel_layouts=outputs[0].layout)
    return _Sounds(hls, full, alone)


def _audio_hls_outputs(
    plan: RenditionPlan, ladder: Ladder, out_dir: Path, streams: list[Any]
) -> list[Any]:
    outputs = []
    for output, stream in zip(plan.sound, streams, strict=True):
        directory = out_dir / audio_dir(output)
        directory.mkdir(parents=True, exist_ok=True)
        options = {
            **_audio_options(ladder, _kbps(output, ladder, delivery=False)),
            **_hls_options(plan, directory),
        }
        if output.track.language:
            options["metadata:s:a:0"] = f"language={output.track.language}"
        outputs.append(ffmpeg.output(stream, str(directory / MEDIA_PLAYLIST), **options))
    return outputs


def _language_metadata(plan: RenditionPlan) -> dict[str, str]:
    return {
        f"metadata:s:a:{n}": f"language={output.track.language}"
        for n, output in enumerate(plan.sound)
        if output.track.language
    }


def _rung_rate_options(planned: PlannedRung) -> dict[str, Any]:
    rung = planned.rung
    if planned.crf is not None:
        return {
            "profile:v": rung.h264_profile,
            "crf": f"{planned.crf:.1f}",
            "maxrate": f"{rung.maxrate_kbps}k",
            "bufsize": f"{rung.bufsize_kbps}k",
        }
    return _rate_options(rung.h264_profile, rung.video_kbps, rung.maxrate_kbps, rung.bufsize_kbps)


def delivery_maxrate_kbps(ladder: Ladder) -> int:
    return ladder.delivery.video_kbps * 3 // 2


def _delivery_rate_options(ladder: Ladder) -> dict[str, Any]:
    profile = ladder.delivery
    return _rate_options(
        profile.h264_profile, profile.video_kbps, delivery_maxrate_kbps(ladder),
        profile.video_kbps * 2,
    )  # fmt: skip


def _delivery_video_output(
    plan: RenditionPlan, ladder: Ladder, target: Path, picture: Any, sounds: _Sounds
) -> Any:
    target.parent.mkdir(parents=True, exist_ok=True)
    video: dict[str, Any] = (
        {"c:v": "copy"}
        if plan.package_delivery
        else {**_video_codec_options(plan, ladder), **_delivery_rate_options(ladder)}
    )
    options: dict[str, Any] = {
        **video,
        **_delivery_sound_options(plan, ladder),
        "movflags": "+faststart",
    }
    streams = [picture, *sounds.delivery]
    return ffmpeg.output(*streams, str(target), **options)


def _delivery_audio_output(plan: RenditionPlan, ladder: Ladder, out_dir: Path, stream: Any) -> Any:
    (out_dir / DELIVERY_AUDIO).parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        **_audio_options(ladder, ladder.delivery.audio_kbps),
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


@dataclass(frozen=True)
class VmafSample:
    """One rung's frames of one sampled window, joined into a file, and where its scores go."""

    path: Path
    log: Path


def build_vmaf_graph(
    source: Path,
    plan: RenditionPlan,
    samples: Sequence[VmafSample],
    *,
    start: Fraction,
    seconds: Fraction,
    reference: tuple[int, int],
    every_nth_frame: int = 1,
    threads: int = 2,
) -> Any:
    """VMAF of each sample against the master's same window, both at the ``reference`` size.

    The reference is the picture the rungs were made from (deinterlaced, constant-rate, tone-
    mapped for HDR masters), unscaled but for the reference size: decoded once, split per rung.
    Both sides restart their clocks at the window's start and stop after ``seconds``, so frames
    pair one to one (libvmaf would otherwise score the longer side against a repeated frame).
    """
    width, height = reference
    inp = ffmpeg.input(str(source), ss=f"{float(start):.6f}", t=f"{float(seconds):.6f}")
    picture = inp["v:0"]
    if plan.deinterlace:
        picture = picture.filter("bwdif", mode="send_frame", parity="auto", deint="all")
    picture = picture.filter("fps", fps=str(plan.frame_rate))
    if plan.tonemap:
        picture = _tonemapped(picture)
    picture = (
        picture.filter("setpts", "PTS-STARTPTS")
        .filter("trim", duration=f"{float(seconds):.6f}")
        .filter("scale", width, height, flags="bicubic")
        .filter("format", "yuv420p")
    )
    references = picture.filter_multi_output("split", len(samples))
    outputs = []
    for n, sample in enumerate(samples):
        distorted = (
            # -t: the demuxer stops there, not at the end of the sample's segments
            ffmpeg.input(str(sample.path), t=f"{float(seconds):.6f}")["v:0"]
            .filter("setpts", "PTS-STARTPTS")
            .filter("trim", duration=f"{float(seconds):.6f}")
            .filter("scale", width, height, flags="bicubic")
            .filter("format", "yuv420p")
        )
        scored = ffmpeg.filter(
            [distorted, references[n]], "libvmaf",
            log_fmt="json", log_path=str(sample.log), n_threads=threads,
            n_subsample=every_nth_frame, shortest=1,
        )  # fmt: skip
        outputs.append(ffmpeg.output(scored, "-", f="null"))
    return ffmpeg.merge_outputs(*outputs)


def build_probe_graph(
    source: Path,
    plan: RenditionPlan,
    ladder: Ladder,
    out_dir: Path,
    *,
    crf: int | None,
    start: Fraction,
    seconds: Fraction,
) -> Any:
    """A quick encode of one window of the master at every rung's size (the rung's profile and
    GOPs), ``<rung>.mp4`` each: what per-title encoding measures to choose the rungs' bitrates.
    With a ``crf``, constant quality instead of a bitrate and no peak cap (the cap would flatten
    the curve being measured); without, the rungs' own bitrates, peaks and buffers, as the real
    encode will run (the check of the chosen bitrates)."""
    inp = ffmpeg.input(str(source), ss=f"{float(start):.6f}", t=f"{float(seconds):.6f}")
    pictures, _ = _pictures(inp, replace(plan, package_top=False, hdr_rungs=()), delivery=False)
    out_dir.mkdir(parents=True, exist_ok=True)
    codec = _video_codec_options(plan, ladder)
    outputs = []
    for planned, stream in zip(plan.rungs, pictures, strict=True):
        rate = (
            {"crf": crf, "profile:v": planned.rung.h264_profile}
            if crf is not None
            else _rung_rate_options(planned)
        )
        options = {**codec, **rate}
        outputs.append(ffmpeg.output(stream, str(out_dir / f"{rung_dir(planned)}.mp4"), **options))
    return ffmpeg.merge_outputs(*outputs).overwrite_output()
