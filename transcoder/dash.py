"""An MPEG-DASH manifest (MPD) over the very fMP4 segments of the HLS ladder: one set of segments,
two manifests.

The HLS muxer already writes CMAF-style files: one ``init.mp4`` (ftyp + moov) and numbered
``seg_NNNNN.m4s`` (moof + mdat) per rendition. The MPD names them with a SegmentTemplate
(``$Number%05d$`` from 0) and a SegmentTimeline read from each segment's ``tfdt`` box, so the
times a DASH player computes are the ones in the files. `write_mpd` is pure; `track_timeline`
reads the files.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import m3u8

MPD_NAMESPACE = "urn:mpeg:dash:schema:mpd:2011"
LIVE_PROFILE = "urn:mpeg:dash:profile:isoff-live:2011"
CHANNEL_SCHEME = "urn:mpeg:dash:23003:3:audio_channel_configuration:2011"
ROLE_SCHEME = "urn:mpeg:dash:role:2011"
HDR_SCHEME = "urn:mpeg:mpegB:cicp:TransferCharacteristics"
_SEGMENT = re.compile(r"seg_(\d{5})\.m4s")


class DashError(ValueError):
    """The renditions cannot be described by a DASH manifest as they are."""


@dataclass(frozen=True)
class Timeline:
    timescale: int
    segments: tuple[tuple[int, int], ...]
    """(start, duration) of every segment, in ``timescale`` units."""


@dataclass(frozen=True)
class DashRepresentation:
    id: str
    directory: str
    """Relative to the manifest: the rendition's folder, holding init.mp4 and seg_NNNNN.m4s."""
    codecs: str
    bandwidth: int
    timeline: Timeline
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None
    channels: int | None = None


@dataclass(frozen=True)
class DashAdaptationSet:
    content_type: str
    """"video" or "audio"."""
    representations: tuple[DashRepresentation, ...]
    language: str | None = None
    label: str | None = None
    main: bool = False
    transfer: int | None = None
    """CICP transfer characteristics of an HDR picture: 16 (PQ) or 18 (HLG)."""


@dataclass(frozen=True)
class DashTextTrack:
    """A WebVTT subtitle track as a sidecar: one whole file, not segmented."""

    id: str
    url: str
    """Relative to the manifest."""
    language: str
    bandwidth: int
    """The file's bits over the title's duration (the schema needs one)."""
    label: str | None = None
    forced: bool = False


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) of the ISO BMFF boxes in ``data[start:end]``."""
    end = len(data) if end is None else end
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        header = 8
        if size == 1:
            (size,) = struct.unpack(">Q", data[at + 8 : at + 16])
            header = 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            raise DashError(f"malformed box {kind!r} at {at}")
        yield kind, at + header, at + size
        at += size


def _child(data: bytes, path: Sequence[bytes], start: int = 0, end: int | None = None) -> int:
    """Payload start of the box at ``path`` (e.g. moof/traf/tfdt)."""
    for kind, payload, box_end in _boxes(data, start, end):
        if kind == path[0]:
            return payload if len(path) == 1 else _child(data, path[1:], payload, box_end)
    raise DashError(f"no {b'/'.join(path).decode()} box")


def media_timescale(init: bytes) -> int:
    """The track's media timescale, from moov/trak/mdia/mdhd of an init segment."""
    at = _child(init, (b"moov", b"trak", b"mdia", b"mdhd"))
    version = init[at]
    offset = at + 4 + (16 if version == 1 else 8)
    return int(struct.unpack(">I", init[offset : offset + 4])[0])


def decode_time(segment: bytes) -> int:
    """baseMediaDecodeTime of a media segment's moof/traf/tfdt."""
    at = _child(segment, (b"moof", b"traf", b"tfdt"))
    if segment[at] == 1:
        return int(struct.unpack(">Q", segment[at + 4 : at + 12])[0])
    return int(struct.unpack(">I", segment[at + 4 : at + 8])[0])


def track_timeline(playlist: Path) -> Timeline:
    """The segment timeline of one HLS media playlist's fMP4 rendition: start times from the
    segments, each duration up to the next start; the last one's from its EXTINF."""
    parsed = m3u8.loads(playlist.read_text(encoding="utf-8"))
    names = [s.uri for s in parsed.segments]
    numbers = [_SEGMENT.fullmatch(name or "") for name in names]
    if not names or any(m is None or int(m.group(1)) != n for n, m in enumerate(numbers)):
        raise DashError(f"{playlist} does not list seg_00000.m4s, seg_00001.m4s, ... in order")
    timescale = media_timescale((playlist.parent / "init.mp4").read_bytes())
    # A moof is small: the first 64 KiB of a segment always hold it.
    starts = []
    for name in names:
        with (playlist.parent / name).open("rb") as f:
            starts.append(decode_time(f.read(65536)))
    last = round(parsed.segments[-1].duration * timescale)
    ends = [*starts[1:], starts[-1] + last]
    return Timeline(timescale, tuple((s, e - s) for s, e in zip(starts, ends, strict=True)))


def _duration(seconds: float) -> str:
    return f"PT{seconds:.3f}S"


def _timeline_element(parent: ElementTree.Element, timeline: Timeline) -> None:
    node = ElementTree.SubElement(parent, "SegmentTimeline")
    runs: list[list[int]] = []  # [start, duration, repeats]
    for start, length in timeline.segments:
        if runs and runs[-1][1] == length and runs[-1][0] + length * (runs[-1][2] + 1) == start:
            runs[-1][2] += 1
        else:
            runs.append([start, length, 0])
    for start, length, repeats in runs:
        attrs = {"t": str(start), "d": str(length)}
        if repeats:
            attrs["r"] = str(repeats)
        ElementTree.SubElement(node, "S", attrs)


def _representation(parent: ElementTree.Element, rep: DashRepresentation) -> None:
    attrs = {"id": rep.id, "bandwidth": str(rep.bandwidth), "codecs": rep.codecs}
    if rep.width and rep.height:
        attrs.update(width=str(rep.width), height=str(rep.height), sar="1:1")
    if rep.frame_rate:
        attrs["frameRate"] = f"{rep.frame_rate:g}"
    node = ElementTree.SubElement(parent, "Representation", attrs)
    if rep.channels is not None:
        ElementTree.SubElement(
            node, "AudioChannelConfiguration",
            {"schemeIdUri": CHANNEL_SCHEME, "value": str(rep.channels)},
        )  # fmt: skip
    template = ElementTree.SubElement(
        node,
        "SegmentTemplate",
        {
            "timescale": str(rep.timeline.timescale),
            "initialization": f"{rep.directory}/init.mp4",
            "media": f"{rep.directory}/seg_$Number%05d$.m4s",
            "startNumber": "0",
        },
    )
    _timeline_element(template, rep.timeline)


def _text_adaptation_set(period: ElementTree.Element, track: DashTextTrack, n: int) -> None:
    tag = period.tag.removesuffix("Period")  # "{namespace}" of a parsed manifest, else ""
    attrs = {"id": str(n), "contentType": "text", "mimeType": "text/vtt", "lang": track.language}
    node = ElementTree.SubElement(period, f"{tag}AdaptationSet", attrs)
    if track.label:
        ElementTree.SubElement(node, f"{tag}Label").text = track.label
    role = "forced-subtitle" if track.forced else "subtitle"
    ElementTree.SubElement(node, f"{tag}Role", {"schemeIdUri": ROLE_SCHEME, "value": role})
    rep = ElementTree.SubElement(
        node, f"{tag}Representation", {"id": track.id, "bandwidth": str(max(1, track.bandwidth))}
    )
    ElementTree.SubElement(rep, f"{tag}BaseURL").text = track.url


def with_text_tracks(mpd: str, tracks: Sequence[DashTextTrack]) -> str:
    """The manifest ``mpd`` (as `write_mpd` wrote it) with exactly ``tracks`` as its subtitle
    adaptation sets: any text sets it had are replaced, every other set is kept as it is."""
    ElementTree.register_namespace("", MPD_NAMESPACE)
    root = ElementTree.fromstring(mpd)
    period = root.find(f"{{{MPD_NAMESPACE}}}Period")
    if period is None:
        raise DashError("the manifest has no Period")
    sets = period.findall(f"{{{MPD_NAMESPACE}}}AdaptationSet")
    for node in sets:
        if node.get("contentType") == "text":
            period.remove(node)
    kept = [int(node.get("id", "0")) for node in sets if node.get("contentType") != "text"]
    for n, track in enumerate(tracks, start=max(kept, default=-1) + 1):
        _text_adaptation_set(period, track, n)
    return _document(root)


def _document(root: ElementTree.Element) -> str:
    body = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def write_mpd(
    adaptation_sets: Sequence[DashAdaptationSet], *, duration: float, min_buffer: float
) -> str:
    """A static (on-demand) MPD of the ISO BMFF live profile. Pure: every figure is given."""
    if not any(a.content_type == "video" for a in adaptation_sets):
        raise DashError("a DASH manifest needs at least one video adaptation set")
    mpd = ElementTree.Element(
        "MPD",
        {
            "xmlns": MPD_NAMESPACE,
            "type": "static",
            "profiles": LIVE_PROFILE,
            "mediaPresentationDuration": _duration(duration),
            "minBufferTime": _duration(min_buffer),
        },
    )
    period = ElementTree.SubElement(mpd, "Period", {"id": "0", "start": "PT0S"})
    for n, adaptation in enumerate(adaptation_sets):
        attrs = {
            "id": str(n),
            "contentType": adaptation.content_type,
            "mimeType": f"{adaptation.content_type}/mp4",
            "segmentAlignment": "true",
            "startWithSAP": "1",
        }
        if adaptation.language:
            attrs["lang"] = adaptation.language
        node = ElementTree.SubElement(period, "AdaptationSet", attrs)
        # Children in the schema's order: properties, Label, Role, then Representations.
        if adaptation.transfer is not None:
            ElementTree.SubElement(
                node, "SupplementalProperty",
                {"schemeIdUri": HDR_SCHEME, "value": str(adaptation.transfer)},
            )  # fmt: skip
        if adaptation.label:
            ElementTree.SubElement(node, "Label").text = adaptation.label
        if adaptation.content_type == "audio":
            role = "main" if adaptation.main else "alternate"
            ElementTree.SubElement(node, "Role", {"schemeIdUri": ROLE_SCHEME, "value": role})
        for rep in adaptation.representations:
            _representation(node, rep)
    return _document(mpd)
