"""The pages read stored English texts back to the code and figures that wrote them: every
template of the transcoder's rejection reasons and of the job engine's errors must come back
whole, and each rejection code must have a sentence to say it with."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
from pydantic import TypeAdapter, ValidationError

from catalogue.jobs.failures import JOB_ERRORS
from catalogue.validation import CountryCode, EidrId, LanguageTag, Tag, UniqueList
from catalogue.web import explain, i18n
from transcoder.validate import REJECTIONS


def _filled(template: str) -> tuple[str, dict[str, str]]:
    params = {name: f"<{name}: a; b (c)>" for name in re.findall(r"\{(\w+)\}", template)}
    return template.format(**params), params


@pytest.mark.parametrize("table", [REJECTIONS, JOB_ERRORS], ids=["rejections", "job errors"])
def test_web_every_stored_template_reads_back_to_its_code(table: dict[str, str]) -> None:
    for code, template in table.items():
        text, params = _filled(template)
        assert explain.read(table, text) == (code, params), code


def test_web_every_rejection_code_has_a_sentence() -> None:
    assert set(explain.REJECTION_SENTENCES) == set(REJECTIONS)


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
