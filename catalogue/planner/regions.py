"""Resolve a region (UN M49 region, sub-region, intermediate region, continent or ISO list)
to a set of ISO 3166-1 alpha-2 countries, from the M49 table shipped in data/m49.csv."""

import csv
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pycountry

from catalogue.planner.errors import UnknownRegion

WORLD_CODE = "001"


@dataclass(frozen=True)
class M49Row:
    iso2: str
    m49: str
    region_code: str
    region: str
    sub_region_code: str
    sub_region: str
    intermediate_region_code: str
    intermediate_region: str


@cache
def m49_rows() -> tuple[M49Row, ...]:
    text = resources.files("catalogue.planner").joinpath("data/m49.csv").read_text("utf-8")
    return tuple(
        M49Row(
            iso2=r["iso2"],
            m49=r["m49"],
            region_code=r["region_code"],
            region=r["region"],
            sub_region_code=r["sub_region_code"],
            sub_region=r["sub_region"],
            intermediate_region_code=r["intermediate_region_code"],
            intermediate_region=r["intermediate_region"],
        )
        for r in csv.DictReader(text.splitlines())
    )


@cache
def _groups() -> dict[str, frozenset[str]]:
    """Every name and code (lower-cased names, zero-padded codes) -> its countries."""
    members: dict[str, set[str]] = {}
    for row in m49_rows():
        pairs = (
            (row.region_code, row.region),
            (row.sub_region_code, row.sub_region),
            (row.intermediate_region_code, row.intermediate_region),
        )
        for code, name in pairs:
            if code:
                members.setdefault(code, set()).add(row.iso2)
                members.setdefault(name.lower(), set()).add(row.iso2)
    members[WORLD_CODE] = {row.iso2 for row in m49_rows()}
    members["world"] = members[WORLD_CODE]
    groups = {key: frozenset(value) for key, value in members.items()}
    # Continents in the everyday (seven-continent) sense, built from M49 groups:
    # M49 itself has "Americas" but no North/South America split at region level.
    groups["north america"] = (
        groups["northern america"] | groups["central america"] | groups["caribbean"]
    )
    groups["antarctica"] = frozenset({"AQ"})
    return groups


def _country(token: str) -> str | None:
    token = token.strip()
    if len(token) == 2 and token.isalpha():
        found = pycountry.countries.get(alpha_2=token.upper())
    elif len(token) == 3 and token.isalpha():
        found = pycountry.countries.get(alpha_3=token.upper())
    else:
        found = None
    return found.alpha_2 if found is not None else None


def _close_matches(spec: str) -> tuple[str, ...]:
    names = [n for n in _groups() if not n.isdigit()]
    names += [c.name.lower() for c in pycountry.countries]
    return tuple(difflib.get_close_matches(spec.lower(), names, n=5, cutoff=0.6))


def resolve_region(spec: str | Iterable[str]) -> frozenset[str]:
    """One region spec, or an explicit list of countries/regions, -> ISO alpha-2 codes.

    A string is an M49 name or code ("Central Asia", "143", "Latin America and the Caribbean"),
    a continent ("North America"), or an ISO 3166 alpha-2/alpha-3 code. A list is the union
    of its members. Raises UnknownRegion with close matches for anything unknown.
    """
    if not isinstance(spec, str):
        result: frozenset[str] = frozenset()
        for item in spec:
            result |= resolve_region(item)
        return result
    key = spec.strip()
    groups = _groups()
    if key.isdigit():
        found = groups.get(key.zfill(3))
        if found is None:
            raise UnknownRegion(spec, ())
        return found
    if key.lower() in groups:
        return groups[key.lower()]
    country = _country(key)
    if country is not None:
        return frozenset({country})
    try:
        return frozenset({pycountry.countries.lookup(key).alpha_2})
    except LookupError:
        raise UnknownRegion(spec, _close_matches(key)) from None
