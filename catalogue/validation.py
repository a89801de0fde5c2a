"""Validators for the identifiers a broadcaster's catalogue carries: BCP 47, ISO 3166, EIDR."""

from __future__ import annotations

import re
from typing import Annotated

import langcodes
import pycountry
from pydantic import AfterValidator, Field, StringConstraints
from stdnum.iso7064 import mod_37_36

MAX_ID = 2**31 - 1
"""The largest row id: primary keys are INTEGER columns (32-bit on PostgreSQL), so a larger id
in a path, query or body is refused by the schema rather than by the database with a 500."""

_EIDR = re.compile(
    r"^10\.5240/([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-F]{4})-([0-9A-Z])$"
)


def language_tag(value: str) -> str:
    """A well-formed, registered BCP 47 tag in its canonical case (``zh-hans`` -> ``zh-Hans``)."""
    if not isinstance(value, str) or not langcodes.tag_is_valid(value.strip()):
        raise ValueError(
            f"{value!r} is not a valid BCP 47 language tag; use e.g. 'en', 'zh-Hans', 'kk', 'ru', 'es-419'"
        )
    return langcodes.standardize_tag(value.strip())


def country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 country code, upper case."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(
            f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. 'CN', 'KZ', 'FR')"
        )
    return code


def eidr_id(value: str) -> str:
    """An EIDR content ID ``10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C`` whose check character is right."""
    normalised = value.strip().upper()
    match = _EIDR.match(normalised)
    if not match:
        raise ValueError(
            f"{value!r} is not an EIDR ID; expected 10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C (hex groups)"
        )
    *groups, check = match.groups()
    expected = mod_37_36.calc_check_digit("".join(groups))
    if check != expected:
        raise ValueError(f"EIDR ID {value!r} has check character {check!r}; expected {expected!r}")
    return normalised


def _no_duplicates(values: list[str]) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{value!r} is listed twice")
        seen.add(value)
    return values


def _tag(value: str) -> str:
    cleaned = " ".join(value.split()).lower()
    if not cleaned or len(cleaned) > 64:
        raise ValueError("a tag is 1 to 64 characters")
    return cleaned


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A row id in a request body."""
# Each bound is the length of the columns the value is stored in (RFC 5646 advises 35 for tags),
# so a value the schema accepts always fits (tests/api/test_api_column_lengths.py).
LanguageTag = Annotated[str, StringConstraints(max_length=35), AfterValidator(language_tag)]
CountryCode = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2), AfterValidator(country_code)
]
EidrId = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=34), AfterValidator(eidr_id)
]
Tag = Annotated[str, AfterValidator(_tag)]
UniqueList = AfterValidator(_no_duplicates)
