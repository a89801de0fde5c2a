"""Rendition profiles as data: the HLS ladder, delivery MP4s, storyboard and loudness targets.

A ladder is plain data so operations can change it from a JSON or TOML file without code.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar


class ProfileError(ValueError):
    """A ladder file or dictionary does not describe a valid ladder."""


@dataclass(frozen=True)
class Rung:
    """One HLS variant. ``height`` is the short side, so portrait sources get the same ladder."""

    name: str
    height: int
    video_kbps: int
    maxrate_kbps: int
    bufsize_kbps: int
    h264_profile: str = "high"
    target_vmaf: float | None = None
    """Per-title encoding's quality target for this rung: VMAF against the master, scored at
    the top rung's size. The rung is then encoded at the CRF that reaches it, under the peak
    and buffer above (capped CRF), or at its fixed bitrate if the cap decides anyway."""


@dataclass(frozen=True)
class LoudnessTarget:
    """EBU R128 target for two-pass ``loudnorm`` (LUFS, dBTP, LU)."""

    integrated: float = -23.0
    true_peak: float = -1.0
    lra: float = 20.0


BROADCAST_LOUDNESS = LoudnessTarget(integrated=-23.0, true_peak=-1.0, lra=20.0)
ONLINE_LOUDNESS = LoudnessTarget(integrated=-16.0, true_peak=-1.0, lra=11.0)


@dataclass(frozen=True)
class AudioProfile:
    kbps: int = 128
    sample_rate: int = 48000
    channels: int = 2
    """The main form of every track: 2 (stereo, mono dialogue staying mono) or 1 (all mono)."""
    surround_kbps: int = 384
    """The 5.1 rendition of a surround master (AAC-LC, six channels)."""


@dataclass(frozen=True)
class DeliveryProfile:
    """Progressive MP4 renditions: one high-bitrate picture+sound file and one sound-only file."""

    height: int = 1080
    video_kbps: int = 8000
    audio_kbps: int = 192
    h264_profile: str = "high"
    surround_kbps: int = 512


@dataclass(frozen=True)
class StoryboardProfile:
    tile_width: int = 160
    columns: int = 10
    rows: int = 10
    min_interval_seconds: float = 2.0
    poster_max_width: int = 1280


@dataclass(frozen=True)
class Ladder:
    name: str
    rungs: tuple[Rung, ...]
    segment_seconds: int = 4
    max_fps: float = 60.0
    preset: str = "veryfast"
    audio: AudioProfile = field(default_factory=AudioProfile)
    loudness: LoudnessTarget = BROADCAST_LOUDNESS
    delivery: DeliveryProfile = field(default_factory=DeliveryProfile)
    storyboard: StoryboardProfile = field(default_factory=StoryboardProfile)
    per_title: bool = False
    """Choose each rung's constant quality for its `target_vmaf` from quick probe encodes of
    sampled windows, checked before the real encode (`transcoder.pertitle`), capped at the
    rung's own peak."""

    def __post_init__(self) -> None:
        validate_ladder(self)


_H264_PROFILES = frozenset({"baseline", "main", "high"})
_X264_PRESETS = frozenset(
    {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower"}
)


def validate_ladder(ladder: Ladder) -> None:
    """Raise ProfileError for a ladder FFmpeg would reject or that would give a broken stream."""
    if not ladder.rungs:
        raise ProfileError(f"ladder {ladder.name!r} has no rungs")
    names = [r.name for r in ladder.rungs]
    if len(set(names)) != len(names):
        raise ProfileError(f"ladder {ladder.name!r} has duplicate rung names: {names}")
    for rung in ladder.rungs:
        # Rung names become directory names in the published set.
        if not rung.name or not rung.name.replace("_", "").replace("-", "").isalnum():
            raise ProfileError(f"rung name {rung.name!r} must be letters, digits, '-' or '_'")
        if rung.height < 16 or rung.height % 2:
            raise ProfileError(f"rung {rung.name}: height {rung.height} must be even and >= 16")
        if not 0 < rung.video_kbps <= rung.maxrate_kbps <= rung.bufsize_kbps:
            raise ProfileError(
                f"rung {rung.name}: need 0 < video_kbps <= maxrate_kbps <= bufsize_kbps"
            )
        _check_h264_profile(rung.h264_profile)
        if rung.target_vmaf is not None and not 0 < rung.target_vmaf <= 100:
            raise ProfileError(f"rung {rung.name}: target_vmaf must be in (0, 100]")
    if ladder.per_title and any(r.target_vmaf is None for r in ladder.rungs):
        raise ProfileError("per_title needs a target_vmaf on every rung")
    _check_h264_profile(ladder.delivery.h264_profile)
    if not 1 <= ladder.segment_seconds <= 30:
        raise ProfileError("segment_seconds must be between 1 and 30")
    if not 1 <= ladder.max_fps <= 120:
        raise ProfileError("max_fps must be between 1 and 120")
    if ladder.preset not in _X264_PRESETS:
        raise ProfileError(f"unknown x264 preset {ladder.preset!r}")
    loud = ladder.loudness
    if not (-70 <= loud.integrated <= -5 and -9 <= loud.true_peak <= 0 and 1 <= loud.lra <= 50):
        raise ProfileError(f"loudness target out of loudnorm's range: {loud}")
    if ladder.audio.channels not in (1, 2) or ladder.audio.sample_rate not in (44100, 48000):
        raise ProfileError("audio must be mono or stereo at 44.1 or 48 kHz")
    rates = (ladder.audio.kbps, ladder.audio.surround_kbps, ladder.delivery.audio_kbps,
             ladder.delivery.surround_kbps)  # fmt: skip
    if not all(16 <= kbps <= 1024 for kbps in rates):
        raise ProfileError(f"audio bitrates must be between 16 and 1024 kbit/s, got {rates}")
    board = ladder.storyboard
    if board.tile_width < 16 or board.columns < 1 or board.rows < 1:
        raise ProfileError("storyboard tiles must be at least 16 px wide, one column, one row")
    if board.min_interval_seconds <= 0:
        raise ProfileError("storyboard min_interval_seconds must be positive")


def _check_h264_profile(name: str) -> None:
    if name not in _H264_PROFILES:
        raise ProfileError(f"unknown H.264 profile {name!r}; use one of {sorted(_H264_PROFILES)}")


DEFAULT_LADDER = Ladder(
    name="default",
    rungs=(
        Rung("1080p", 1080, 5000, 5500, 10000, target_vmaf=95),
        Rung("720p", 720, 2800, 3100, 5600, target_vmaf=90),
        Rung("480p", 480, 1400, 1550, 2800, target_vmaf=80),
        Rung("360p", 360, 800, 900, 1600, h264_profile="main", target_vmaf=70),
    ),
)

T = TypeVar("T")


def _build(cls: type[T], data: Any, where: str) -> T:
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: expected a table/object, got {type(data).__name__}")
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(data) - set(known)
    if unknown:
        raise ProfileError(f"{where}: unknown keys {sorted(unknown)}")
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        nested = _NESTED.get((cls.__name__, key))
        if nested is not None:
            kwargs[key] = _build(nested, value, f"{where}.{key}")
        elif key == "rungs" and cls is Ladder:
            if not isinstance(value, list):
                raise ProfileError(f"{where}.rungs: expected a list")
            kwargs[key] = tuple(_build(Rung, r, f"{where}.rungs[{i}]") for i, r in enumerate(value))
        else:
            kwargs[key] = _checked_scalar(value, known[key].type, f"{where}.{key}")
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ProfileError(f"{where}: {exc}") from None


_NESTED: dict[tuple[str, str], type] = {
    ("Ladder", "audio"): AudioProfile,
    ("Ladder", "loudness"): LoudnessTarget,
    ("Ladder", "delivery"): DeliveryProfile,
    ("Ladder", "storyboard"): StoryboardProfile,
}


def _checked_scalar(value: Any, annotation: Any, where: str) -> Any:
    if str(annotation) == "bool":
        if not isinstance(value, bool):
            raise ProfileError(f"{where}: expected true or false, got {value!r}")
        return value
    if str(annotation) == "float | None" and value is None:
        return None
    kinds: dict[str, type | tuple[type, ...]] = {
        "int": int, "float": (int, float), "float | None": (int, float), "str": str,
    }  # fmt: skip
    expected = kinds.get(str(annotation))
    if expected is None:
        return value
    # bool is an int subclass; a "true" bitrate is a typo, not a number.
    matches = isinstance(value, expected)
    if isinstance(value, bool) or not matches:
        raise ProfileError(f"{where}: expected {annotation}, got {value!r}")
    return float(value) if str(annotation).startswith("float") else value


def ladder_from_dict(data: dict[str, Any]) -> Ladder:
    return _build(Ladder, data, "ladder")


def ladder_to_dict(ladder: Ladder) -> dict[str, Any]:
    def convert(obj: Any) -> Any:
        if is_dataclass(obj) and not isinstance(obj, type):
            return {f.name: convert(getattr(obj, f.name)) for f in fields(obj)}
        if isinstance(obj, tuple):
            return [convert(x) for x in obj]
        return obj

    result: dict[str, Any] = convert(ladder)
    return result


def load_ladder(path: Path) -> Ladder:
    """Read a ladder from a ``.json`` or ``.toml`` file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProfileError(f"cannot read ladder file {path}: {exc.strerror}") from None
    try:
        if path.suffix == ".toml":
            data = tomllib.loads(raw.decode("utf-8"))
        elif path.suffix == ".json":
            data = json.loads(raw)
        else:
            raise ProfileError(f"ladder file {path} must end in .json or .toml")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise ProfileError(f"ladder file {path} is not valid {path.suffix[1:]}: {exc}") from None
    return ladder_from_dict(data)
