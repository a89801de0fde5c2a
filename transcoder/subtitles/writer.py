"""Normalised output: a `Track` as WebVTT or SRT text."""

from __future__ import annotations

from transcoder.subtitles.model import Track
from transcoder.subtitles.srt import write_srt
from transcoder.subtitles.vtt import write_vtt


def to_webvtt(track: Track) -> str:
    return write_vtt(track.cues)


def to_srt(track: Track) -> str:
    return write_srt(track.cues)
