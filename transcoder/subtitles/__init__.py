"""Subtitles: read (SRT, WebVTT, SSA/ASS, TTML), check, retime, write WebVTT/SRT, deliver in HLS."""

from transcoder.subtitles.encoding import DecodedText, decode_subtitle_bytes
from transcoder.subtitles.errors import (
    HlsSubtitleError,
    InvalidCueError,
    SubtitleEncodingError,
    SubtitleError,
    SubtitleParseError,
    TimingError,
)
from transcoder.subtitles.hls import (
    HlsSubtitles,
    SubtitleRenditionEntry,
    segment_track,
    subtitle_media_entries,
    subtitle_media_entry,
    uniform_segment_durations,
    write_hls_subtitles,
)
from transcoder.subtitles.model import (
    Cue,
    Placement,
    ReadingNote,
    ReadingNoteKind,
    SubtitleFormat,
    Track,
)
from transcoder.subtitles.qc import (
    Finding,
    FindingCode,
    QCReport,
    QCThresholds,
    Severity,
    qc,
)
from transcoder.subtitles.reader import detect_format, read_subtitle_file, read_subtitles
from transcoder.subtitles.timing import FrameRate, ShiftResult, convert_frame_rate, shift
from transcoder.subtitles.writer import to_srt, to_webvtt

__all__ = [
    "Cue",
    "DecodedText",
    "Finding",
    "FindingCode",
    "FrameRate",
    "HlsSubtitleError",
    "HlsSubtitles",
    "InvalidCueError",
    "Placement",
    "QCReport",
    "QCThresholds",
    "ReadingNote",
    "ReadingNoteKind",
    "Severity",
    "ShiftResult",
    "SubtitleEncodingError",
    "SubtitleError",
    "SubtitleFormat",
    "SubtitleParseError",
    "SubtitleRenditionEntry",
    "TimingError",
    "Track",
    "convert_frame_rate",
    "decode_subtitle_bytes",
    "detect_format",
    "qc",
    "read_subtitle_file",
    "read_subtitles",
    "segment_track",
    "shift",
    "subtitle_media_entries",
    "subtitle_media_entry",
    "to_srt",
    "to_webvtt",
    "uniform_segment_durations",
    "write_hls_subtitles",
]
