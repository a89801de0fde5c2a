"""The API's errors in the reader's language, for the pages' scripts: an API call answers in
English (`detail`), and the script asks here for the sentence the pages would say instead."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request
from pydantic import BaseModel, Field

from catalogue.auth import cookies
from catalogue.routing import Router
from catalogue.web import explain, i18n
from catalogue.web.pages import PREFIX, AnyPage, PageRoute, language_of

router = Router(prefix=PREFIX, route_class=PageRoute, include_in_schema=False)


class ApiError(BaseModel):
    status: int = Field(ge=0, le=599)  # 0: no answer (the network failed)
    detail: str = Field(max_length=2000)


class Said(BaseModel):
    sentence: str
    detail: str | None  # the English, where the sentence says less


@router.post("/explain")
def explain_errors(
    request: Request, user: AnyPage, errors: Annotated[list[ApiError], Field(max_length=100)]
) -> list[Said]:
    cookies.check_script_call(request)
    reader = language_of(request, user)
    translations, fmt = i18n.translations(reader), i18n.Formatter(reader)
    said = [explain.catalogue_error(e.status, e.detail, translations, fmt) for e in errors]
    return [Said(sentence=s.sentence, detail=s.detail) for s in said]
