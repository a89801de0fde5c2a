import pycountry
import pytest

from catalogue.planner.errors import UnknownRegion
from catalogue.planner.regions import m49_rows, resolve_region

CENTRAL_ASIA = {"KZ", "KG", "TJ", "TM", "UZ"}


def test_central_asia_by_name_and_code() -> None:
    assert resolve_region("Central Asia") == CENTRAL_ASIA
    assert resolve_region("143") == CENTRAL_ASIA
    assert resolve_region("central asia") == CENTRAL_ASIA


def test_latin_america_and_the_caribbean() -> None:
    lac = resolve_region("Latin America and the Caribbean")
    assert {"BR", "MX", "CU", "AR", "JM", "PA", "GF", "PR"} <= lac
    assert not {"US", "CA", "GL", "BM"} & lac
    assert resolve_region("419") == lac


def test_americas_is_latin_america_plus_northern_america() -> None:
    assert resolve_region("Americas") == resolve_region(
        "Latin America and the Caribbean"
    ) | resolve_region("Northern America")


def test_europe_and_its_sub_regions() -> None:
    europe = resolve_region("Europe")
    assert {"RU", "GB", "DE", "FR", "IT", "PL", "IS", "VA"} <= europe
    assert "TR" not in europe  # M49 puts Türkiye in Western Asia
    assert resolve_region("Channel Islands") == {"GG", "JE"}


def test_continent_north_america_spans_three_m49_groups() -> None:
    north = resolve_region("North America")
    assert {"US", "CA", "MX", "CU", "PA"} <= north
    assert "BR" not in north
    assert resolve_region("South America") >= {"BR", "AR", "CL"}


def test_explicit_list_of_countries_and_regions() -> None:
    assert resolve_region(["KZ", "Kyrgyzstan", "UZB", "Western Europe"]) >= {
        "KZ",
        "KG",
        "UZ",
        "FR",
        "DE",
    }


def test_unknown_name_lists_close_matches() -> None:
    with pytest.raises(UnknownRegion) as err:
        resolve_region("Central Asai")
    assert "central asia" in err.value.close_matches
    assert "close matches" in str(err.value)


def test_unknown_code_is_an_error() -> None:
    with pytest.raises(UnknownRegion):
        resolve_region("999")


def test_table_covers_every_iso_country_once() -> None:
    rows = m49_rows()
    iso = {c.alpha_2 for c in pycountry.countries}
    assert sorted(r.iso2 for r in rows) == sorted(iso)
    for r in rows:
        assert r.m49 == pycountry.countries.get(alpha_2=r.iso2).numeric
    assert resolve_region("World") == iso
