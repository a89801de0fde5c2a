"""QC of a track with the thresholds in settings, against the master's duration when known."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from catalogue.models import Asset, AssetState, RenditionSet, SubtitleTrack
from catalogue.models.assets import SUBTITLED_KINDS
from catalogue.models.subtitles import FindingPublic, QCPublic
from catalogue.models.types import utcnow
from catalogue.settings import Settings
from transcoder.subtitles import Finding, FindingCode, QCThresholds, Severity, Track, qc


def thresholds(settings: Settings) -> QCThresholds:
    try:
        errors = frozenset(FindingCode(code) for code in settings.subtitle_qc_errors)
    except ValueError:
        known = ", ".join(c.value for c in FindingCode)
        raise ValueError(
            f"CATALOGUE_SUBTITLE_QC_ERRORS holds an unknown code; known: {known}"
        ) from None
    return QCThresholds(
        max_cps=settings.subtitle_qc_max_cps,
        max_cps_cjk=settings.subtitle_qc_max_cps_cjk,
        max_line_chars=settings.subtitle_qc_max_line_chars,
        max_line_chars_cjk=settings.subtitle_qc_max_line_chars_cjk,
        max_lines=settings.subtitle_qc_max_lines,
        min_gap_ms=settings.subtitle_qc_min_gap_ms,
        min_duration_ms=settings.subtitle_qc_min_duration_ms,
        max_duration_ms=settings.subtitle_qc_max_duration_ms,
        errors=errors,
    )


def video_duration_ms(session: Session, title_id: int) -> int | None:
    """The duration of the title's newest ready master: rendition set first, else its probe."""
    masters = session.exec(
        select(Asset)
        .where(
            Asset.title_id == title_id,
            Asset.state == AssetState.ready,
            Asset.kind.in_(SUBTITLED_KINDS),  # type: ignore[attr-defined]
        )
        .order_by(Asset.id.desc())  # type: ignore[union-attr]
    ).all()
    for asset in masters:
        rendition = session.exec(
            select(RenditionSet).where(RenditionSet.asset_id == asset.id)
        ).first()
        if rendition is not None and rendition.duration_s > 0:
            return round(rendition.duration_s * 1000)
        duration = (asset.technical or {}).get("duration")
        if isinstance(duration, int | float) and duration > 0:
            return round(duration * 1000)
    return None


def check(track: Track, settings: Settings, duration_ms: int | None) -> list[dict[str, Any]]:
    """The findings as stored on the track row (plain JSON)."""
    report = qc(track, thresholds(settings), video_duration_ms=duration_ms)
    return [
        {
            "code": f.code.value,
            "severity": f.severity.value,
            "cue": f.cue_index,
            "start_ms": _start_ms(track, f),
            "line": f.line,
            "message": f.message,
        }
        for f in report.findings
    ]


def _start_ms(track: Track, finding: Finding) -> int | None:
    # A dropped block has no cue of its own: its index is where it stood, not a cue it was.
    if finding.code is FindingCode.DROPPED_BLOCK or finding.cue_index >= len(track.cues):
        return None
    return track.cues[finding.cue_index].start_ms


def record(row: SubtitleTrack, findings: list[dict[str, Any]], duration_ms: int | None) -> None:
    row.qc_findings = findings
    row.qc_video_duration_ms = duration_ms
    row.qc_checked_at = utcnow()


def blocking(row: SubtitleTrack) -> list[dict[str, Any]]:
    return [f for f in row.qc_findings if f["severity"] == Severity.ERROR.value]


def describe(findings: list[dict[str, Any]], limit: int = 10) -> str:
    """Findings in an editor's words: "cue 3 (00:01:02.500) overlap: starts 200 ms before ..."."""
    parts = [_describe_one(f) for f in findings[:limit]]
    more = len(findings) - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _describe_one(finding: dict[str, Any]) -> str:
    if finding.get("line") is not None and finding["start_ms"] is None:
        return f"{finding['code']}: {finding['message']}"
    return f"cue {finding['cue'] + 1} ({_clock(finding['start_ms'])}) {finding['code']}: {finding['message']}"


def _clock(ms: int | None) -> str:
    if ms is None:
        return "?"
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest / 1000:06.3f}"


def public(row: SubtitleTrack) -> QCPublic:
    findings = [FindingPublic(**f) for f in row.qc_findings]
    errors = sum(1 for f in findings if f.severity == Severity.ERROR.value)
    return QCPublic(
        checked_at=row.qc_checked_at,
        video_duration_ms=row.qc_video_duration_ms,
        publishable=errors == 0,
        errors=errors,
        warnings=len(findings) - errors,
        findings=findings,
    )
