"""The pages read stored English texts back to the code and figures that wrote them: every
template of the transcoder's rejection reasons, the job engine's errors, the planner's violations
and the errors pages show must come back whole, and each code (and each kind of file a reason
names) must have a sentence to say it with, translated in every shipped language."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session, select

from catalogue.db import get_or_404
from catalogue.delivery import links
from catalogue.errors import PAGE_MESSAGES, CatalogueError, NotFound, page_message
from catalogue.ingest import assets, leases, uploads
from catalogue.jobs import service as jobs_service
from catalogue.jobs.failures import JOB_ERRORS
from catalogue.media import renditions
from catalogue.models import AssetKind, Title, User
from catalogue.planner.validator import VIOLATIONS
from catalogue.validation import CountryCode, EidrId, LanguageTag, Tag, UniqueList
from catalogue.web import explain, i18n
from tests.conftest import Actors
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
        *explain.PLAN_STATES.values(),
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


def test_web_page_errors_raised_by_hand_are_the_tables_texts(session: Session) -> None:
    """The services raise their 404s with `page_message`: each reads back to its own code."""
    raisers = {
        "not_found": lambda: get_or_404(session, Title, 999999, "title"),
        "no_job": lambda: jobs_service.get_job(session, 999999),
        "no_asset": lambda: renditions.of_asset(session, 999999),
        "no_rendition_file": lambda: renditions.find_file(session, 999999, "index.m3u8"),
        "no_renditions": lambda: links.rendition_set(session, 999999),
    }
    for code, raiser in raisers.items():
        with pytest.raises(NotFound) as raised:
            raiser()
        found = explain.read(PAGE_MESSAGES, raised.value.message)
        assert found is not None and found[0] == code, (code, raised.value.message)


def test_web_upload_errors_raised_inside_the_service_are_the_tables_texts(
    app: FastAPI, client: TestClient, actors: Actors, session: Session
) -> None:
    """The refusals of an upload no route can provoke on demand (a lease lost mid-body, bytes
    lost with a disk, an upload terminated under a request) are raised with `page_message`."""
    ingest, engine = app.state.ingest, app.state.engine
    body = {"kind": "drama", "original_title": "Көшпенділер", "original_language": "kk"}
    title_id = client.post("/titles", json=body, headers=actors.editor).json()["id"]
    users = {u.username: u for u in session.exec(select(User)).all()}
    wanted = uploads.UploadRequest(title_id, AssetKind.main, "master.mov")
    upload = uploads.create_upload(session, ingest, users["editor"], 10, wanted)
    lost = uploads.create_upload(session, ingest, users["editor"], 10, wanted)
    lost.offset, lost.master_key, lost.sha256 = 10, "assets/lost/master.mov", "0" * 64
    session.add(lost)
    session.commit()
    ingest.staging.remove(lost.id)  # its bytes went with a disk, and never reached storage
    patch = uploads.begin_patch(session, ingest, upload.id, 0, None, None)
    leases.give_back(engine, upload.id, patch.token)  # another request took the upload over
    raisers = {
        "lease_lost_streaming": lambda: uploads.renew(engine, ingest, patch),
        "lease_lost": lambda: leases.commit_offset(session, upload, patch.token, 0, ingest.expiry),
        "upload_terminated": lambda: uploads.begin_patch(session, ingest, "gone", 0, None, None),
        "upload_lost": lambda: uploads.finish_if_whole(session, ingest, lost),
        "not_found": lambda: assets.get_visible(session, users["partner"], 999999),
    }
    try:
        for code, raiser in raisers.items():
            with pytest.raises(CatalogueError) as raised:
                raiser()
            found = explain.read(PAGE_MESSAGES, raised.value.message)
            assert found is not None and found[0] == code, (code, raised.value.message)
    finally:
        patch.staged.close()


def test_web_page_errors_say_plan_states_and_dates_in_the_readers_language() -> None:
    ru, fmt = i18n.translations("ru"), i18n.Formatter("ru")
    refused = page_message(
        "plan_transition", plan=3, state="archived", allowed="draft", to="published"
    )
    outside = page_message(
        "day_outside_plan", day="2028-01-05", starts="2027-01-01", ends="2027-12-31"
    )
    said = [
        explain.catalogue_error(409, refused, ru, fmt),
        explain.catalogue_error(422, outside, ru, fmt),
    ]
    assert [s.sentence for s in said] == [
        "Статус плана — «в архиве»: его нельзя перевести в «опубликовано».",
        "5 янв. 2028\u202fг. — вне дат плана (с 1 янв. 2027\u202fг. по 31 дек. 2027\u202fг.).",
    ]
    assert [s.detail for s in said] == [refused, outside]  # the English beside the sentence


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
