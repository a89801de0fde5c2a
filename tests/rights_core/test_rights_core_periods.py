from datetime import date

import pytest

from catalogue.rights_core.periods import Period


def test_a_period_counts_both_ends() -> None:
    assert Period(date(2025, 7, 1), date(2025, 7, 31)).days == 31


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Period(date(2025, 7, 2), date(2025, 7, 1))


def test_on_is_the_one_day_period() -> None:
    day = date(2025, 2, 28)
    assert Period.on(day) == Period(day, day)
    assert Period.on(day).days == 1


def test_year_spans_january_to_december() -> None:
    assert Period.year(2024) == Period(date(2024, 1, 1), date(2024, 12, 31))
    assert Period.year(2024).days == 366


def test_day_and_index_are_inverse() -> None:
    period = Period.year(2025)
    assert period.day(0) == date(2025, 1, 1)
    assert period.day(58) == date(2025, 2, 28)
    assert all(period.index(period.day(i)) == i for i in range(period.days))


def test_a_period_reads_as_a_range() -> None:
    assert str(Period(date(2025, 1, 1), date(2025, 1, 10))) == "2025-01-01..2025-01-10"
