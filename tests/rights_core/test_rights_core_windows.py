from datetime import date

import pytest

from catalogue.models.rights import WindowStatus
from catalogue.rights_core.periods import Period
from catalogue.rights_core.windows import ACTIVE, Match, Span, Window, meets, merged

JULY = Period(date(2025, 7, 1), date(2025, 7, 31))


def window(**changes: object) -> Window:
    fields: dict[str, object] = {
        "id": 1,
        "title_id": 1,
        "media_right": "public_screening",
        "countries": frozenset({"KZ"}),
        "starts_on": date(2025, 1, 1),
    }
    fields.update(changes)
    return Window(**fields)  # type: ignore[arg-type]


def test_the_core_active_status_is_the_models() -> None:
    assert WindowStatus.active == ACTIVE
    assert window(status=WindowStatus.active).active
    assert not window(status=WindowStatus.suspended).active


def test_overlap_days_counts_the_days_in_common() -> None:
    assert Span(date(2025, 7, 20), date(2025, 8, 10)).overlap_days(JULY) == 12
    assert Span(date(2025, 7, 20), None).overlap_days(JULY) == 12
    assert Span(date(2025, 8, 1), None).overlap_days(JULY) == 0


@pytest.mark.parametrize(
    ("span", "match", "expected"),
    [
        (Span(date(2025, 6, 1), None), Match.covers, True),
        (Span(date(2025, 7, 2), None), Match.covers, False),
        (Span(date(2025, 7, 2), None), Match.overlaps, True),
        (Span(date(2025, 7, 2), None), Match.starts_within, True),
        (Span(date(2025, 6, 1), None), Match.starts_within, False),
        (Span(date(2025, 6, 1), date(2025, 7, 5)), Match.ends_within, True),
        (Span(date(2025, 6, 1), None), Match.ends_within, False),
        (Span(date(2025, 8, 1), None), Match.overlaps, False),
    ],
)
def test_meets_by_match(span: Span, match: Match, expected: bool) -> None:
    assert meets(span, JULY, match) is expected


def test_meets_wants_min_days_in_common() -> None:
    short = Span(date(2025, 7, 25), None)
    assert meets(short, JULY, Match.overlaps, min_days=7)
    assert not meets(short, JULY, Match.overlaps, min_days=8)


def test_back_to_back_spans_merge_into_one() -> None:
    first = Span(date(2025, 1, 1), date(2025, 6, 30))
    second = Span(date(2025, 7, 1), date(2025, 12, 31))
    gap = Span(date(2026, 2, 1), None)
    assert merged([gap, second, first]) == [Span(date(2025, 1, 1), date(2025, 12, 31)), gap]
    assert merged([first, Span(date(2025, 3, 1), None)]) == [Span(date(2025, 1, 1), None)]


def test_a_window_without_languages_licenses_any() -> None:
    assert window().licenses_language("kk")


def test_a_window_licenses_related_languages_only() -> None:
    hans = window(subtitle_languages=frozenset({"zh-Hans"}), audio_languages=frozenset({"ru"}))
    assert hans.licenses_language("zh")
    assert hans.licenses_language("zh-Hans-CN")
    assert hans.licenses_language("ru-RU")
    assert not hans.licenses_language("zh-Hant")
    assert not hans.licenses_language("yue")
