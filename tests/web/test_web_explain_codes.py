"""The pages read stored English texts back to the code and figures that wrote them: every
template of the transcoder's rejection reasons, the job engine's errors, the planner's violations
and the errors pages show must come back whole, and each code (and each kind of file a reason
names) must have a sentence to say it with, translated in every shipped language."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
from pydantic import TypeAdapter, ValidationError

from catalogue.errors import PAGE_MESSAGES
from catalogue.jobs.failures import JOB_ERRORS
from catalogue.planner.validator import VIOLATIONS
from catalogue.validation import CountryCode, EidrId, LanguageTag, Tag, UniqueList
from catalogue.web import explain, i18n
from transcoder.validate import KINDS, REJECTIONS

TABLES = [REJECTIONS, JOB_ERRORS, VIOLATIONS, PAGE_MESSAGES]
TABLE_NAMES = ["rejections", "job errors", "violations", "page errors"]
# Said in `explain.violation` itself, with plural forms or a choice of words.
SAID_IN_CODE = {"per_venue", "no_track"}


def _filled(template: str) -> tuple[str, dict[str, str]]:
    params = {
        name: "42" if name in explain.ONE_WORD else f"<{name}: a; b (c)>"
        for name in re.findall(r"\{(\w+)\}", template)
    }
    return template.format(**params), params


@pytest.mark.parametrize("table", TABLES, ids=TABLE_NAMES)
def test_web_every_stored_template_reads_back_to_its_code(table: dict[str, str]) -> None:
    for code, template in table.items():
        text, params = _filled(template)
        assert explain.read(table, text) == (code, params), code


def test_web_every_code_has_a_sentence() -> None:
    assert set(explain.REJECTION_SENTENCES) == set(REJECTIONS)
    assert set(explain.VIOLATION_SENTENCES) | SAID_IN_CODE == set(VIOLATIONS)
    assert set(explain.ERROR_SENTENCES) == set(PAGE_MESSAGES)
    rules = {"unknown", "region", "period", "rights", "language", "media", "calendar", "time",
             "capacity", "gap", "copies", "pinned", "must_screen", "edit"}  # fmt: skip
    assert set(explain.RULE_NAMES) == rules


@pytest.mark.parametrize("language", i18n.LANGUAGES[1:])
def test_web_every_sentence_of_the_tables_is_translated(language: str) -> None:
    """The sentences the tables say (and the kinds of file and rule names) each have a
    translation: none falls back to English."""
    sentences = [
        *explain.REJECTION_SENTENCES.values(),
        *explain.VIOLATION_SENTENCES.values(),
        *explain.ERROR_SENTENCES.values(),
        *explain.STATUS_SENTENCES.values(),
        *explain.RULE_NAMES.values(),
        *explain.KIND_NAMES.values(),
    ]
    known = i18n.translations(language)._catalog  # type: ignore[attr-defined]
    missing = sorted({s for s in sentences if s not in known})
    assert missing == [], missing
    translations = i18n.translations(language)
    for kind in KINDS:  # "PNG image" and the like through their family's sentence
        named = explain.kind_name(kind, translations)
        assert named != kind and named != explain.kind_name(kind, i18n.translations("en")), kind


def test_web_violations_read_back_from_the_validators_own_details() -> None:
    """Each stored detail is said by its own sentence; one the table does not know falls back
    to a general sentence with the English kept as the technical detail."""
    fmt, en = i18n.Formatter("en"), i18n.translations("en")
    names = explain.Names({7: "Hutong Days"}, {3: "Arman Hall 1"})
    closed = {
        "rule": "calendar",
        "detail": VIOLATIONS["closed_weekday"].format(venue="3", weekday="Monday"),
    }
    pin = "Pin(title_id='7', venue_id='3', day=datetime.date(2027, 3, 1))"
    missing = {"rule": "pinned", "detail": VIOLATIONS["pin_missing"].format(pin=pin)}
    twice = {"rule": "capacity", "detail": VIOLATIONS["per_venue"].format(count=2)}
    said = [explain.violation(v, en, fmt, names).sentence for v in (closed, missing, twice)]
    assert said == [
        "Arman Hall 1 is closed on that day of the week (Monday).",
        "The pinned or published screening of Hutong Days at Arman Hall 1 on Mar 1, 2027 is missing.",
        "The title is screened more than 2 times at this venue.",
    ]  # fmt: skip
    unknown = explain.violation({"rule": "x", "detail": "something new"}, en, fmt, names)
    assert unknown.detail == "something new"


@pytest.mark.parametrize(
    ("kind", "value", "sentence"),
    [
        (LanguageTag, "not a tag!", "not a tag! is not a language code"),
        (CountryCode, "ZZ", "ZZ is not a country code"),
        (EidrId, "10.5240/XYZ", "10.5240/XYZ is not an EIDR ID"),
        (EidrId, "10.5240/7791-8534-2C23-9030-8610-4", "has a wrong check character"),
        (Tag, "", "A tag is 1 to 64 characters long."),
        (Annotated[list[str], UniqueList], ["kk", "kk"], "kk is listed twice."),
    ],
)
def test_web_each_validator_of_ours_has_its_own_sentence(
    kind: object, value: object, sentence: str
) -> None:
    """The catalogue's validators raise ValueError (pydantic's type `value_error`): the pages
    tell them apart by their wording, so a changed wording must fail here, not fall back."""
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(kind).validate_python(value)
    [item] = refused.value.errors()
    said = explain.form_problem(item, i18n.translations("en"), i18n.Formatter("en"))
    assert sentence in said, said
