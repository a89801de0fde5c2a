from datetime import date

from catalogue.rights_core.holdbacks import held_back_span, held_back_start
from catalogue.rights_core.windows import Span, Window

TV = Window(
    id=2,
    title_id=1,
    media_right="free_tv",
    countries=frozenset({"KZ", "UZ"}),
    starts_on=date(2025, 1, 1),
    ends_on=date(2025, 12, 31),
)


def theatrical(**changes: object) -> Window:
    fields: dict[str, object] = {
        "id": 1,
        "title_id": 1,
        "media_right": "public_screening",
        "countries": frozenset({"KZ"}),
        "starts_on": date(2025, 1, 1),
        "holdbacks": (("free_tv", date(2025, 6, 1)),),
    }
    fields.update(changes)
    return Window(**fields)  # type: ignore[arg-type]


def test_a_holdback_pushes_the_start_back_in_its_country() -> None:
    assert held_back_start(TV, "KZ", [theatrical(), TV]) == date(2025, 6, 1)
    assert held_back_start(TV, "UZ", [theatrical(), TV]) == date(2025, 1, 1)


def test_only_active_windows_hold_back() -> None:
    assert held_back_start(TV, "KZ", [theatrical(status="suspended")]) == date(2025, 1, 1)


def test_a_holdback_on_another_media_right_does_not_count() -> None:
    other = theatrical(holdbacks=(("pay_tv", date(2025, 6, 1)),))
    assert held_back_start(TV, "KZ", [other]) == date(2025, 1, 1)


def test_a_window_does_not_hold_itself_back() -> None:
    itself = theatrical(id=TV.id)
    assert held_back_start(TV, "KZ", [itself]) == date(2025, 1, 1)


def test_the_latest_holdback_wins() -> None:
    later = theatrical(id=3, holdbacks=(("free_tv", date(2025, 9, 1)),))
    assert held_back_start(TV, "KZ", [theatrical(), later]) == date(2025, 9, 1)


def test_held_back_span_is_none_once_held_past_the_end() -> None:
    assert held_back_span(TV, "KZ", [theatrical()]) == Span(date(2025, 6, 1), date(2025, 12, 31))
    past = theatrical(holdbacks=(("free_tv", date(2026, 1, 1)),))
    assert held_back_span(TV, "KZ", [past]) is None
