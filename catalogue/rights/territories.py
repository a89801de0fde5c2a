"""Territories as editors write them ("Central Asia", "143", "FR", "world" minus a few) resolved to
ISO 3166-1 alpha-2 sets with the planner's UN M49 table (one table for the whole product)."""

from __future__ import annotations

from collections.abc import Iterable

from catalogue.errors import InvalidInput
from catalogue.planner.errors import UnknownRegion
from catalogue.planner.regions import resolve_region

WORLDWIDE = frozenset({"world", "worldwide", "001"})


def resolve(spec: str) -> frozenset[str]:
    """One territory spec -> countries; raises InvalidInput naming close matches."""
    key = spec.strip()
    try:
        return resolve_region("world" if key.lower() in WORLDWIDE else key)
    except UnknownRegion as error:
        raise InvalidInput(str(error)) from None


def countries(included: Iterable[str], excluded: Iterable[str] = ()) -> frozenset[str]:
    """The union of `included` minus the union of `excluded` ("world except CN, HK")."""
    result: frozenset[str] = frozenset()
    for spec in included:
        result |= resolve(spec)
    for spec in excluded:
        result -= resolve(spec)
    return result
