from datetime import date

import pytest

from catalogue.errors import InvalidInput
from catalogue.rights_core.periods import Period
from catalogue.tours import selection


def test_a_year_is_the_whole_calendar_year() -> None:
    assert selection.period(2026, None, None) == Period.year(2026)


def test_an_inverted_period_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="before it starts"):
        selection.period(None, date(2026, 3, 1), date(2026, 2, 1))
