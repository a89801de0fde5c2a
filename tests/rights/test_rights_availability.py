"""The availability core: windows in, answers (and reasons) out, no database."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.rights.availability import Query, ReasonCode, availability, evaluate
from catalogue.rights_core.periods import Period
from catalogue.rights_core.windows import Match, Span, Window, meets, merged

CA = frozenset({"KZ", "KG", "TJ", "TM", "UZ"})
JULY = Period(date(2025, 7, 1), date(2025, 7, 31))


def window(id: int = 1, **fields: object) -> Window:
    values: dict[str, object] = {
        "title_id": 10,
        "media_right": "public_screening",
        "countries": CA,
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2025, 12, 31),
    }
    values.update(fields)
    return Window(id=id, **values)  # type: ignore[arg-type]


def ask(*windows: Window, **fields: object) -> tuple[bool, list[ReasonCode]]:
    values: dict[str, object] = {"countries": frozenset({"KZ"}), "period": JULY}
    values.update(fields)
    answer = evaluate(10, list(windows), Query(**values))  # type: ignore[arg-type]
    return answer.available, [r.code for r in answer.reasons]


@pytest.mark.parametrize(
    ("span", "match", "expected"),
    [
        (Span(date(2025, 6, 1), date(2025, 8, 31)), Match.covers, True),
        (Span(date(2025, 7, 2), date(2025, 8, 31)), Match.covers, False),
        (Span(date(2025, 7, 2), None), Match.overlaps, True),
        (Span(date(2025, 8, 1), None), Match.overlaps, False),
        (Span(date(2025, 7, 15), None), Match.starts_within, True),
        (Span(date(2025, 6, 1), None), Match.starts_within, False),
        (Span(date(2025, 6, 1), date(2025, 7, 10)), Match.ends_within, True),
        (Span(date(2025, 6, 1), None), Match.ends_within, False),
        (Span(date(2025, 6, 1), None), Match.covers, True),
    ],
)
def test_match_modes(span: Span, match: Match, expected: bool) -> None:
    assert meets(span, JULY, match) is expected


def test_min_days_counts_days_inside_the_period() -> None:
    span = Span(date(2025, 7, 25), date(2025, 9, 1))  # 7 days of July
    assert meets(span, JULY, Match.overlaps, min_days=7)
    assert not meets(span, JULY, Match.overlaps, min_days=8)


def test_back_to_back_windows_cover_a_period_together() -> None:
    first = window(1, ends_on=date(2025, 7, 15))
    second = window(2, starts_on=date(2025, 7, 16), ends_on=None)
    assert merged([second.span, first.span]) == [Span(date(2025, 1, 1), None)]
    assert ask(first, second, match=Match.covers) == (True, [])


def test_region_answer_lists_where_and_why_not() -> None:
    kz_only = window(countries=frozenset({"KZ"}))
    answer = evaluate(10, [kz_only], Query(CA, JULY))
    assert answer.available and answer.countries == ("KZ",)
    assert {r.country for r in answer.reasons} == {"KG", "TJ", "TM", "UZ"}
    assert {r.code for r in answer.reasons} == {ReasonCode.no_rights}


@pytest.mark.parametrize(
    ("windows", "query", "code"),
    [
        ([], {}, ReasonCode.no_rights),
        ([window(countries=frozenset({"FR"}))], {}, ReasonCode.no_rights),
        ([window(status="suspended")], {}, ReasonCode.inactive),
        (
            [window(media_right="free_tv")],
            {"media_rights": frozenset({"public_screening"})},
            ReasonCode.other_media,
        ),
        (
            [window(partner_id=2, exclusive=True)],
            {"partner_id": 1},
            ReasonCode.exclusive_to_other_partner,
        ),
        ([window(partner_id=2)], {"partner_id": 1}, ReasonCode.licensed_to_other_partner),
        (
            [window(subtitle_languages=frozenset({"ru"}))],
            {"language": "en"},
            ReasonCode.language_not_licensed,
        ),
        ([window(ends_on=date(2025, 6, 30))], {}, ReasonCode.outside_period),
        ([window(ends_on=date(2025, 7, 3))], {"min_days": 7}, ReasonCode.too_short),
        (
            [
                window(1, media_right="free_tv"),
                window(2, media_right="festival", holdbacks=(("free_tv", date(2025, 9, 1)),)),
            ],
            {"media_rights": frozenset({"free_tv"})},
            ReasonCode.holdback,
        ),
    ],
)
def test_each_refusal_names_its_reason(
    windows: list[Window], query: dict[str, object], code: ReasonCode
) -> None:
    assert ask(*windows, **query) == (False, [code])


def test_language_tags_match_by_prefix_and_empty_means_any() -> None:
    assert ask(window(subtitle_languages=frozenset({"zh-Hans"})), language="zh")[0]
    assert ask(window(audio_languages=frozenset({"ru"})), language="ru")[0]
    assert ask(window(), language="kk")[0]


def test_own_exclusive_window_grants_the_partner() -> None:
    assert ask(window(partner_id=1, exclusive=True), partner_id=1) == (True, [])


def test_holdback_ends_and_the_right_starts() -> None:
    tv = window(1, media_right="free_tv")
    cinema = window(2, holdbacks=(("free_tv", date(2025, 7, 10)),))
    august = Period(date(2025, 8, 1), date(2025, 8, 31))
    assert ask(tv, cinema, period=august, media_rights=frozenset({"free_tv"})) == (True, [])


def test_availability_answers_every_title_in_order() -> None:
    answers = availability(
        [30, 10, 20],
        [window(title_id=10), window(2, title_id=20, status="terminated")],
        Query(frozenset({"KZ"}), JULY),
    )
    assert [(a.title_id, a.available) for a in answers] == [(30, False), (10, True), (20, False)]
    assert answers[2].reasons[0].code is ReasonCode.inactive
