"""Every QC finding, its severity, and what blocks publishing."""

from transcoder.subtitles import (
    Cue,
    FindingCode,
    QCThresholds,
    Severity,
    SubtitleFormat,
    Track,
    qc,
)


def track(*cues: Cue) -> Track:
    return Track(cues=cues, source_format=SubtitleFormat.SRT)


def codes(report_track: Track, **kwargs: object) -> list[tuple[int, FindingCode]]:
    report = qc(report_track, **kwargs)  # type: ignore[arg-type]
    return [(f.cue_index, f.code) for f in report.findings]


GOOD = Cue(1000, 3000, ("A calm line.",))


def test_clean_track_has_no_findings() -> None:
    report = qc(track(GOOD, Cue(3500, 5500, ("Another one.",))), video_duration_ms=10_000)
    assert report.findings == ()
    assert report.publishable


def test_overlap_is_an_error_that_blocks_publishing() -> None:
    report = qc(track(GOOD, Cue(2500, 4500, ("Too early.",))))
    assert [(f.cue_index, f.code, f.severity) for f in report.findings] == [
        (1, FindingCode.OVERLAP, Severity.ERROR)
    ]
    assert not report.publishable


def test_overlap_is_found_even_when_cues_are_out_of_order() -> None:
    assert codes(track(Cue(2500, 4500, ("Later.",)), GOOD)) == [(0, FindingCode.OVERLAP)]


def test_cue_past_the_end_of_the_video() -> None:
    assert codes(track(GOOD), video_duration_ms=2000) == [(0, FindingCode.PAST_VIDEO_END)]


def test_zero_and_negative_durations() -> None:
    found = codes(track(Cue(1000, 1000, ("Zero",)), Cue(5000, 4000, ("Back",))))
    assert found.count((0, FindingCode.NON_POSITIVE_DURATION)) == 1
    assert (1, FindingCode.NON_POSITIVE_DURATION) in found


def test_reading_speed_above_17_cps() -> None:
    text = "This line is much too long to read in a single second."
    assert codes(track(Cue(0, 1000, (text[:40],)))) == [(0, FindingCode.READING_SPEED)]


def test_cjk_reading_speed_uses_its_own_limit() -> None:
    # 12 characters in 1.2 s: 10 cps, fine for Latin text, too fast for Chinese.
    found = codes(track(Cue(0, 1200, ("我们明天在电影节见面吧。",))))
    assert found == [(0, FindingCode.READING_SPEED)]


def test_line_too_long() -> None:
    line = "x" * 43
    assert codes(track(Cue(0, 6000, (line,)))) == [(0, FindingCode.LINE_TOO_LONG)]


def test_cjk_line_too_long_at_16_characters() -> None:
    line = "你好欢迎来到电影节我们明天见面吧再见"  # 18 characters
    assert (0, FindingCode.LINE_TOO_LONG) in codes(track(Cue(0, 7000, (line,))))


def test_too_many_lines() -> None:
    assert codes(track(Cue(0, 6000, ("One", "Two", "Three")))) == [(0, FindingCode.TOO_MANY_LINES)]


def test_gap_under_two_frames_is_a_warning_and_touching_cues_are_fine() -> None:
    report = qc(track(GOOD, Cue(3040, 5000, ("Near.",)), Cue(5000, 7000, ("Touching.",))))
    assert [(f.cue_index, f.code, f.severity) for f in report.findings] == [
        (1, FindingCode.SHORT_GAP, Severity.WARNING)
    ]
    assert report.publishable


def test_empty_cue() -> None:
    assert codes(track(Cue(0, 2000, ()))) == [(0, FindingCode.EMPTY_CUE)]


def test_too_short_and_too_long() -> None:
    found = codes(track(Cue(0, 500, ("Hi",)), Cue(1000, 9000, ("Lingering",))))
    assert found == [(0, FindingCode.TOO_SHORT), (1, FindingCode.TOO_LONG)]


def test_tags_do_not_count_as_characters() -> None:
    line = "<i>" + "x" * 42 + "</i>"
    assert codes(track(Cue(0, 6000, (line,)))) == []


def test_thresholds_are_configurable_including_what_is_an_error() -> None:
    strict = QCThresholds(max_cps=5, errors=frozenset({FindingCode.READING_SPEED}))
    report = qc(track(GOOD), strict)
    assert [(f.code, f.severity) for f in report.findings] == [
        (FindingCode.READING_SPEED, Severity.ERROR)
    ]
    assert report.errors == report.findings
    assert report.warnings == ()
