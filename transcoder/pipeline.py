"""One master in, a published, verified rendition set out.

probe -> plan -> loudness first pass -> ONE FFmpeg process for the HLS ladder, the audio renditions
and the delivery MP4s -> storyboard and poster -> every output probed -> master playlist written
from measured figures, last. The outputs are written once, into the caller's folder: the service
publishes from there (storage moves or uploads them, the master playlist last).
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import langcodes
import webvtt
from babel import Locale, UnknownLocaleError

from transcoder.chunks import CHUNKS_DIR, FetchChunk, transcode_chunked
from transcoder.config import TranscoderConfig
from transcoder.dash import DashAdaptationSet, DashRepresentation, track_timeline, write_mpd
from transcoder.errors import BinaryNotFound, FFmpegFailed, MediaCancelled, MediaRejected
from transcoder.hdr import read_hdr_static
from transcoder.hls import (
    AudioRendition,
    Bitrate,
    Variant,
    avc1_codec,
    hvc1_codec,
    measure_media_playlist,
    mp4a_codec,
    write_master_playlist,
)
from transcoder.inspec import gop_facts, packaging_refusals
from transcoder.ladder import (
    DASH_MANIFEST,
    DELIVERY_AUDIO,
    DELIVERY_VIDEO,
    HDR_TRANSFERS,
    INIT_SEGMENT,
    MASTER_PLAYLIST,
    MEDIA_PLAYLIST,
    AudioTrack,
    LoudnormPass,
    PlannedRung,
    RenditionPlan,
    SourcePicture,
    audio_dir,
    build_graph,
    delivery_maxrate_kbps,
    hdr_rung_dir,
    plan_renditions,
    rung_dir,
)
from transcoder.loudness import Loudness, first_pass, measure_output
from transcoder.mp4 import is_faststart
from transcoder.pertitle import tuned_plan
from transcoder.probe import MediaInfo, VideoStream, probe
from transcoder.profiles import DEFAULT_LADDER, Ladder
from transcoder.quality import RungQuality, measure_vmaf
from transcoder.run import CancelCheck, ProgressCallback, run_ffmpeg, run_ffprobe
from transcoder.thumbnails import make_poster, make_storyboard
from transcoder.validate import rejection

AUDIO_GROUP = "audio"
_MP4_FORMATS = ("mov,mp4,m4a,3gp,3g2,mj2",)
_HLS_FORMATS = ("hls", *_MP4_FORMATS)
_IMAGE_FORMATS = ("image2", "jpeg_pipe")
# Share of the overall progress each stage reports (the single encode dominates).
_STAGES = {"loudness": 0.10, "encode": 0.78, "images": 0.07, "verify": 0.05}


@dataclass(frozen=True)
class OutputFile:
    path: str
    """Relative to the rendition set's directory, with '/' separators."""
    size: int
    sha256: str


@dataclass(frozen=True)
class ProbedRendition:
    """What ffprobe says one produced rendition holds (not what we asked for)."""

    path: str
    kind: str
    """"hls-video", "hls-audio", "mp4", "m4a"."""
    duration: float
    video_codec: str | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: Fraction | None = None
    color_transfer: str | None = None
    audio_codec: str | None = None
    audio_profile: str | None = None
    audio_tracks: int = 0
    audio_channels: int | None = None
    """Of the first sound track, from its decoder configuration (the MP4 sample entry's own
    channel count says 2 even for mono AAC)."""
    language: str | None = None


@dataclass(frozen=True)
class LadderOutput:
    directory: Path
    master_playlist: str
    dash_manifest: str
    """The MPEG-DASH manifest over the same segments as the HLS master playlist."""
    files: tuple[OutputFile, ...]
    variants: tuple[Variant, ...]
    audio_renditions: tuple[AudioRendition, ...]
    """Kept with the variants so subtitle groups can be added later without re-encoding."""
    renditions: tuple[ProbedRendition, ...]
    delivery_video: str
    delivery_audio: str | None
    poster: str
    storyboard_vtt: str
    storyboard_sprites: tuple[str, ...]
    source_loudness: tuple[Loudness, ...]
    """Per source audio track, from the loudnorm first pass."""
    output_loudness: Loudness | None
    """Measured on the delivered sound (EBU R128, ebur128)."""
    duration: float
    commands: tuple[tuple[str, ...], ...]
    """Every FFmpeg command run, in order (for audit, and the overhead benchmark)."""
    packaged: tuple[str, ...] = ()
    """Outputs whose picture is the master's own, stream-copied: the top rung's directory name
    and/or the delivery MP4's path."""
    packaging_refusals: tuple[str, ...] = ()
    """Why the top rung was encoded rather than packaged (empty when packaged)."""
    quality: tuple[RungQuality, ...] = ()
    """VMAF of each H.264 rung against the master, on sampled windows (empty: not measured)."""
    quality_error: str | None = None
    """Why scoring failed: a good ladder is still published, unscored."""


def source_picture(video: VideoStream) -> SourcePicture:
    # For variable frame rate the average is the honest constant rate to convert to.
    rate = video.avg_frame_rate if video.variable_frame_rate else video.frame_rate
    rate = rate or video.avg_frame_rate
    if rate is None:
        raise MediaRejected([rejection("no_frame_rate")])
    return SourcePicture(
        width=video.width,
        height=video.height,
        sample_aspect=video.sar or Fraction(1),
        rotation=video.rotation,
        frame_rate=rate,
        interlaced=video.interlaced,
        hdr=video.hdr,
    )


def audio_tracks(info: MediaInfo) -> tuple[AudioTrack, ...]:
    return tuple(
        AudioTrack(
            position=n,
            language=s.language,
            channels=s.channels,
            title=s.title,
            layout=s.channel_layout,
        )
        for n, s in enumerate(info.audio_streams)
    )


def _checked_source(cfg: TranscoderConfig, info: MediaInfo) -> tuple[VideoStream, float]:
    video = info.video
    reasons = []
    if video is None:
        reasons.append(rejection("no_picture"))
    elif not (0 < max(video.width, video.height) <= max(cfg.max_width, cfg.max_height)):
        reasons.append(rejection("size_out_of_range", size=f"{video.width}x{video.height}"))
    if not info.duration or info.duration <= 0:
        reasons.append(rejection("duration_missing"))
    elif info.duration > cfg.max_duration_s:
        reasons.append(rejection("longer_than", seconds=f"{cfg.max_duration_s:g}"))
    if reasons or video is None or info.duration is None:
        raise MediaRejected(reasons)
    return video, info.duration


def hls_language(tag: str | None) -> str | None:
    """The shortest BCP 47 form HLS wants ("fra" -> "fr"); None when unknown or undetermined."""
    if not tag:
        return None
    try:
        standard = str(langcodes.standardize_tag(tag))
    except ValueError:  # langcodes' LanguageTagError included
        return None
    return None if standard == "und" else standard


def language_name(tag: str | None, position: int) -> str:
    """English name for the player's menu, or "Audio N" when the track has no known language."""
    standard = hls_language(tag)
    if standard:
        with contextlib.suppress(UnknownLocaleError, ValueError):
            return str(Locale.parse(standard, sep="-").get_display_name("en"))
    return f"Audio {position + 1}"


class _Progress:
    def __init__(self, callback: ProgressCallback | None) -> None:
        self.callback = callback
        self.done = 0.0

    def stage(self, name: str, parts: int = 1) -> Callable[[float], None]:
        weight = _STAGES[name] / parts
        start = self.done
        self.done += weight

        def report(fraction: float) -> None:
            if self.callback is not None:
                self.callback(min(1.0, start + weight * fraction))

        return report


def _check_cancel(cancel: CancelCheck | None) -> None:
    if cancel is None:
        return
    if cancel.is_set() if isinstance(cancel, threading.Event) else cancel():
        raise MediaCancelled("transcode cancelled")


def transcode(
    cfg: TranscoderConfig,
    master: Path,
    out_dir: Path,
    ladder: Ladder = DEFAULT_LADDER,
    *,
    on_progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    chunk_seconds: float | None = None,
    fetch_chunk: FetchChunk | None = None,
) -> LadderOutput:
    """Make every rendition of ``master`` in ``out_dir``, the master playlist last.

    With ``chunk_seconds``, a master longer than that is encoded in chunks joined afterwards
    (`transcoder.chunks`); the set has the same structure either way. With ``fetch_chunk``
    too, the chunks' pictures were encoded elsewhere (other workers) and are fetched instead.

    ``out_dir`` is the transcoder's own folder: whatever is in it is removed first (a killed
    run's files, or an earlier set), so running it again leaves an identical set of files; a
    failed or cancelled run removes it. Its content is complete only once this returns: publish
    from it, never read it while it runs.
    """
    out_dir = out_dir.resolve()
    if out_dir.exists():
        # Not ignore_errors: if something still writes into it, say so instead of failing later
        # with a puzzling "file exists" (the caller gives each run a fresh folder).
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    try:
        result = _produce(
            cfg,
            master,
            out_dir,
            ladder,
            _Progress(on_progress),
            cancel,
            chunk_seconds,
            fetch_chunk,
        )
        _check_cancel(cancel)
    except BaseException:
        shutil.rmtree(out_dir, ignore_errors=True)  # a failed or cancelled run leaves nothing
        raise
    if on_progress is not None:
        on_progress(1.0)
    return result


def _produce(
    cfg: TranscoderConfig,
    master: Path,
    work: Path,
    ladder: Ladder,
    progress: _Progress,
    cancel: CancelCheck | None,
    chunk_seconds: float | None,
    fetch_chunk: FetchChunk | None = None,
) -> LadderOutput:
    info = probe(cfg, master, cancel=cancel)
    video, duration = _checked_source(cfg, info)
    plan = plan_renditions(source_picture(video), audio_tracks(info), ladder)
    refusals: tuple[str, ...] = ("chunked encoding encodes every rung",)
    if chunk_seconds is None or duration <= chunk_seconds:
        plan, refusals = _packaging(cfg, master, info, video, plan, ladder, cancel)
    else:
        plan = replace(plan, hdr_rungs=())  # chunks are H.264 only: HDR masters get SDR
    if plan.hdr == "PQ" and plan.hdr_rungs:
        plan = replace(plan, hdr_static=read_hdr_static(cfg, master, video, cancel=cancel))
    if ladder.per_title:
        plan = tuned_plan(cfg, master, plan, ladder, duration, cancel=cancel)
    commands: list[tuple[str, ...]] = []

    source_loudness, loudnorm = _loudness_first_pass(
        cfg, master, plan, ladder, progress, cancel, commands
    )
    _check_cancel(cancel)
    commands += _encode(
        cfg, master, work, plan, ladder, loudnorm, duration, chunk_seconds,
        progress.stage("encode"), cancel, fetch_chunk,
    )  # fmt: skip
    display = (plan.rungs[0].width, plan.rungs[0].height)
    images = progress.stage("images")
    board = make_storyboard(
        cfg, master, work, duration=duration, display=display,
        board=ladder.storyboard, cancel=cancel,
    )  # fmt: skip
    images(0.7)
    poster = make_poster(
        cfg, master, work, frames=board.frames, duration=duration, display=display,
        board=ladder.storyboard, cancel=cancel,
    )  # fmt: skip
    images(1.0)
    commands += [board.argv, poster.argv]

    verify = progress.stage("verify")
    renditions = _probe_outputs(cfg, work, plan, _expected_durations(info, plan), cancel)
    _check_images(cfg, work, (poster.path, *board.sprites), board.vtt, cancel)
    output_loudness = None
    if plan.audio:
        output_loudness = measure_output(cfg, work / DELIVERY_AUDIO, cancel=cancel)
    quality: tuple[RungQuality, ...] = ()
    quality_error = None
    if cfg.measure_quality:
        folders = [rung_dir(p) for p in plan.rungs]
        try:
            quality = measure_vmaf(cfg, master, work, plan, folders, cancel=cancel)
        except (FFmpegFailed, BinaryNotFound) as exc:
            quality_error = str(exc)
    variants, audio = _playlist_entries(work, plan, renditions)
    mpd = write_mpd(
        _dash_adaptation_sets(work, variants, audio),
        duration=duration, min_buffer=2 * plan.segment_seconds,
    )  # fmt: skip
    (work / DASH_MANIFEST).write_text(mpd, encoding="utf-8")
    # Written last: a reader who finds the master playlist finds everything it names.
    (work / MASTER_PLAYLIST).write_text(write_master_playlist(variants, audio), encoding="utf-8")
    verify(1.0)
    return LadderOutput(
        directory=work,
        master_playlist=MASTER_PLAYLIST,
        dash_manifest=DASH_MANIFEST,
        files=_inventory(work),
        variants=variants,
        audio_renditions=audio,
        renditions=renditions,
        delivery_video=DELIVERY_VIDEO,
        delivery_audio=DELIVERY_AUDIO if plan.audio else None,
        poster=poster.path,
        storyboard_vtt=board.vtt,
        storyboard_sprites=board.sprites,
        source_loudness=source_loudness,
        output_loudness=output_loudness,
        duration=duration,
        commands=tuple(commands),
        packaged=(
            *([rung_dir(plan.rungs[0])] if plan.package_top else []),
            *([DELIVERY_VIDEO] if plan.package_delivery else []),
        ),
        packaging_refusals=refusals,
        quality=quality,
        quality_error=quality_error,
    )


def _packaging(
    cfg: TranscoderConfig,
    master: Path,
    info: MediaInfo,
    video: VideoStream,
    plan: RenditionPlan,
    ladder: Ladder,
    cancel: CancelCheck | None,
) -> tuple[RenditionPlan, tuple[str, ...]]:
    """The plan with the top rung (and the delivery picture, when it has the same size and
    the master fits its cap) packaged from a master already in spec, and why not if not."""
    top = plan.rungs[0]
    first = next(s for s in info.streams if isinstance(s, VideoStream))
    facts = gop_facts(cfg, master, video, cancel=cancel)

    def refusals(size: tuple[int, int], max_kbps: int) -> tuple[str, ...]:
        return tuple(
            packaging_refusals(
                video, facts, size=size, frame_rate=plan.frame_rate,
                gop_frames=plan.gop_frames, max_kbps=max_kbps, first_video=first is video,
            )
        )  # fmt: skip

    top_refusals = refusals((top.width, top.height), top.rung.maxrate_kbps)
    if top_refusals:
        return plan, top_refusals
    delivery_size = (plan.delivery_width, plan.delivery_height)
    delivery = not refusals(delivery_size, delivery_maxrate_kbps(ladder))
    return replace(plan, package_top=True, package_delivery=delivery), ()


def _encode(
    cfg: TranscoderConfig,
    master: Path,
    work: Path,
    plan: RenditionPlan,
    ladder: Ladder,
    loudnorm: dict[int, LoudnormPass],
    duration: float,
    chunk_seconds: float | None,
    on_progress: ProgressCallback,
    cancel: CancelCheck | None,
    fetch_chunk: FetchChunk | None = None,
) -> list[tuple[str, ...]]:
    """Every HLS rendition and delivery file, in one process or chunk by chunk."""
    if chunk_seconds is not None and duration > chunk_seconds:
        commands = transcode_chunked(
            cfg, master, plan, ladder, work, chunk_seconds, duration=duration,
            loudnorm=loudnorm, on_progress=on_progress, cancel=cancel, fetch=fetch_chunk,
        )  # fmt: skip
        shutil.rmtree(work / CHUNKS_DIR)
        return list(commands)
    graph = build_graph(master, plan, ladder, work, loudnorm=loudnorm)
    encoded = run_ffmpeg(
        cfg, graph, inputs=[master], duration=duration, on_progress=on_progress, cancel=cancel
    )
    return [encoded.argv]


def _loudness_first_pass(
    cfg: TranscoderConfig,
    master: Path,
    plan: RenditionPlan,
    ladder: Ladder,
    progress: _Progress,
    cancel: CancelCheck | None,
    commands: list[tuple[str, ...]],
) -> tuple[tuple[Loudness, ...], dict[int, LoudnormPass]]:
    measured: list[Loudness] = []
    passes: dict[int, LoudnormPass] = {}
    for track in plan.audio:
        report = progress.stage("loudness", parts=len(plan.audio))
        measurement = first_pass(cfg, master, track.position, ladder.loudness, cancel=cancel)
        commands.append(measurement.argv)
        measured.append(measurement.loudness)
        if measurement.normalise is not None:
            passes[track.position] = measurement.normalise
        report(1.0)
    if not plan.audio:
        progress.stage("loudness")(1.0)
    return tuple(measured), passes


def _expected_durations(info: MediaInfo, plan: RenditionPlan) -> dict[str, float]:
    """How long each rendition should last: as long as its source stream (a sound track may
    well end before the picture), falling back to the container's duration."""
    whole = info.duration or 0.0
    video = info.video.duration if info.video is not None and info.video.duration else whole
    sounds = [s.duration or whole for s in info.audio_streams]
    expected = {f"{folder}/{MEDIA_PLAYLIST}": video for _, folder in _video_folders(plan)}
    for output in plan.sound:
        expected[f"{audio_dir(output)}/{MEDIA_PLAYLIST}"] = sounds[output.track.position]
    expected[DELIVERY_VIDEO] = max([video, *sounds])
    if sounds:
        expected[DELIVERY_AUDIO] = sounds[0]
    return expected


def _video_folders(plan: RenditionPlan) -> list[tuple[PlannedRung, str]]:
    """Every video rendition with its folder: the H.264 rungs, then the HDR HEVC ones."""
    return [
        *((p, rung_dir(p)) for p in plan.rungs),
        *((p, hdr_rung_dir(p)) for p in plan.hdr_rungs),
    ]


def _probe_outputs(
    cfg: TranscoderConfig,
    work: Path,
    plan: RenditionPlan,
    expected: Mapping[str, float],
    cancel: CancelCheck | None,
) -> tuple[ProbedRendition, ...]:
    """Probe every rendition; each must last as long as the source stream it comes from."""
    # One frame of slack per side plus AAC priming; a rendition shorter than that lost media.
    tolerance = max(2 / float(plan.frame_rate) + 0.1, plan.segment_seconds * 0.05)
    found = []
    hdr = {hdr_rung_dir(p) for p in plan.hdr_rungs}
    for planned, folder in _video_folders(plan):
        path = f"{folder}/{MEDIA_PLAYLIST}"
        facts = _probe(cfg, work, path, "hls-video", _HLS_FORMATS, cancel)
        if (facts.width, facts.height) != (planned.width, planned.height):
            raise FFmpegFailed(f"{path} is {facts.width}x{facts.height}, not as planned")
        if folder in hdr and facts.color_transfer != HDR_TRANSFERS[plan.hdr or ""]:
            raise FFmpegFailed(f"{path} lost its HDR transfer ({facts.color_transfer})")
        found.append(facts)
    for output in plan.sound:
        path = f"{audio_dir(output)}/{MEDIA_PLAYLIST}"
        found.append(_probe(cfg, work, path, "hls-audio", _HLS_FORMATS, cancel))
    found.append(_probe(cfg, work, DELIVERY_VIDEO, "mp4", _MP4_FORMATS, cancel))
    if plan.audio:
        found.append(_probe(cfg, work, DELIVERY_AUDIO, "m4a", _MP4_FORMATS, cancel))
        if found[-1].audio_tracks != 1:
            raise FFmpegFailed(f"{DELIVERY_AUDIO} does not hold exactly one sound track")
    for facts in found:
        if abs(facts.duration - expected[facts.path]) > tolerance:
            raise FFmpegFailed(
                f"{facts.path} lasts {facts.duration:.3f} s, its source {expected[facts.path]:.3f} s"
            )
    delivery = found[-2] if plan.audio else found[-1]
    if delivery.audio_tracks != len(plan.sound):
        raise FFmpegFailed(f"{DELIVERY_VIDEO} lost sound tracks")
    for name in (DELIVERY_VIDEO, DELIVERY_AUDIO if plan.audio else None):
        if name is not None and not is_faststart(work / name):
            raise FFmpegFailed(f"{name} has its index after the media (no faststart)")
    return tuple(found)


def _probe(
    cfg: TranscoderConfig,
    work: Path,
    relative: str,
    kind: str,
    formats: tuple[str, ...],
    cancel: CancelCheck | None,
) -> ProbedRendition:
    data = run_ffprobe(
        cfg,
        work / relative,
        formats=formats,
        args=("-show_format", "-show_streams", "-count_packets"),
        cancel=cancel,
    )
    streams = [s for s in data.get("streams", []) if isinstance(s, dict)]
    videos = [s for s in streams if s.get("codec_type") == "video"]
    audios = [s for s in streams if s.get("codec_type") == "audio"]
    if any(int(s.get("nb_read_packets", 0)) == 0 for s in streams) or not streams:
        raise FFmpegFailed(f"{relative} holds an empty stream")
    facts: dict[str, Any] = {}
    if videos:
        v = videos[0]
        num, _, den = str(v.get("r_frame_rate", "0/1")).partition("/")
        facts.update(
            video_codec=v.get("codec_name"),
            width=int(v.get("width", 0)),
            height=int(v.get("height", 0)),
            frame_rate=Fraction(int(num), int(den or 1)) if num.isdigit() else None,
            color_transfer=v.get("color_transfer"),
        )
    if audios:
        language = (audios[0].get("tags") or {}).get("language")
        facts.update(
            audio_codec=audios[0].get("codec_name"),
            audio_profile=audios[0].get("profile"),
            audio_channels=audios[0].get("channels"),
            language=language,
        )
    try:
        length = float(data.get("format", {}).get("duration"))
    except (TypeError, ValueError):
        raise FFmpegFailed(f"{relative} has no duration") from None
    return ProbedRendition(
        path=relative, kind=kind, duration=length, audio_tracks=len(audios), **facts
    )


def _check_images(
    cfg: TranscoderConfig,
    work: Path,
    pictures: tuple[str, ...],
    vtt: str,
    cancel: CancelCheck | None,
) -> None:
    for picture in pictures:
        data = run_ffprobe(cfg, work / picture, formats=_IMAGE_FORMATS, cancel=cancel)
        if not any(s.get("codec_name") == "mjpeg" for s in data.get("streams", [])):
            raise FFmpegFailed(f"{picture} is not a JPEG picture")
    try:
        cues = webvtt.read(str(work / vtt))
    except webvtt.errors.MalformedFileError as exc:
        raise FFmpegFailed(f"{vtt} is not valid WebVTT: {exc}") from None
    if not len(cues):
        raise FFmpegFailed(f"{vtt} has no cues")


def _playlist_entries(
    work: Path, plan: RenditionPlan, renditions: tuple[ProbedRendition, ...]
) -> tuple[tuple[Variant, ...], tuple[AudioRendition, ...]]:
    by_path = {r.path: r for r in renditions}
    audio: list[AudioRendition] = []
    audio_rate = Bitrate(0, 0)
    audio_codec: str | None = None
    names: set[str] = set()
    for n, output in enumerate(plan.sound):
        track = output.track
        path = f"{audio_dir(output)}/{MEDIA_PLAYLIST}"
        facts = by_path[path]
        measured = measure_media_playlist(work / path)
        audio_rate = Bitrate(
            max(audio_rate.peak, measured.peak), max(audio_rate.average, measured.average)
        )
        audio_codec = mp4a_codec(facts.audio_profile or "")
        # Titles come from the uploaded file: no quotes or line breaks in a playlist attribute.
        title = " ".join((track.title or "").replace('"', "'").split())
        name = title or language_name(track.language, track.position)
        if output.surround:
            name = f"{name} 5.1"
        if name in names:
            name = f"{name} ({track.position + 1})"
        names.add(name)
        if facts.audio_channels != output.channels:
            raise FFmpegFailed(f"{path} has {facts.audio_channels} channels, not {output.channels}")
        audio.append(
            AudioRendition(
                group_id=AUDIO_GROUP,
                name=name,
                language=hls_language(track.language),
                uri=path,
                channels=output.channels,
                default=n == 0,
            )
        )
    variants = []
    hdr = {hdr_rung_dir(p) for p in plan.hdr_rungs}
    for planned, folder in _video_folders(plan):
        path = f"{folder}/{MEDIA_PLAYLIST}"
        facts = by_path[path]
        rate = measure_media_playlist(work / path) + audio_rate
        init = (work / folder / INIT_SEGMENT).read_bytes()
        video_codec = hvc1_codec(init) if folder in hdr else avc1_codec(init)
        codecs = (video_codec, *([audio_codec] if audio_codec else []))
        # Marked only in an HDR master's playlist, where players must tell the ladders apart.
        video_range = (plan.hdr if folder in hdr else "SDR") if plan.hdr_rungs else None
        variants.append(
            Variant(
                uri=path,
                bandwidth=rate.peak,
                average_bandwidth=rate.average,
                codecs=codecs,
                width=facts.width or planned.width,
                height=facts.height or planned.height,
                frame_rate=float(facts.frame_rate or plan.frame_rate),
                audio_group=AUDIO_GROUP if audio else None,
                video_range=video_range,
            )
        )
    return tuple(variants), tuple(audio)


# CICP transfer characteristics (ISO/IEC 23091-2) for DASH's HDR signalling.
DASH_TRANSFERS = {"PQ": 16, "HLG": 18}


def _dash_adaptation_sets(
    work: Path, variants: tuple[Variant, ...], audio: tuple[AudioRendition, ...]
) -> list[DashAdaptationSet]:
    """One video set of the H.264 rungs (and one of an HDR master's HEVC rungs); one audio set
    per audio rendition (a player must not switch between languages or between stereo and 5.1
    by bandwidth)."""

    def representation(uri: str, codecs: str, **extra: Any) -> DashRepresentation:
        directory = uri.rsplit("/", 1)[0]
        return DashRepresentation(
            id=directory, directory=directory, codecs=codecs,
            bandwidth=measure_media_playlist(work / uri).peak,
            timeline=track_timeline(work / uri), **extra,
        )  # fmt: skip

    def ladder(video_range: str | None) -> tuple[DashRepresentation, ...]:
        return tuple(
            representation(
                v.uri, v.codecs[0], width=v.width, height=v.height, frame_rate=v.frame_rate
            )
            for v in variants
            if v.video_range in (video_range, None)
        )

    sets = [DashAdaptationSet("video", ladder("SDR"))]
    ranges = {r for v in variants if (r := v.video_range) is not None and r != "SDR"}
    sets += [
        DashAdaptationSet("video", ladder(r), transfer=DASH_TRANSFERS[r]) for r in sorted(ranges)
    ]
    audio_codec = variants[0].codecs[-1] if audio else ""
    for a in audio:
        rep = representation(a.uri, audio_codec, channels=a.channels)
        sets.append(DashAdaptationSet("audio", (rep,), a.language, a.name, main=a.default))
    return sets


def _inventory(root: Path) -> tuple[OutputFile, ...]:
    files = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        files.append(
            OutputFile(
                path=path.relative_to(root).as_posix(),
                size=path.stat().st_size,
                sha256=digest.hexdigest(),
            )
        )
    return tuple(files)
