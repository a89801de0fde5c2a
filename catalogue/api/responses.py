"""Documented error answers, so the OpenAPI document lists what each route can return."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from catalogue.settings import Settings

# The `limit` cap the document states (`le=`), so a client is never refused a "valid" page size:
# the default of settings.page_size_max; a deployment that lowers it answers 422 above its own.
PAGE_SIZE_CAP: int = Settings.model_fields["page_size_max"].default

_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing, unknown, revoked or expired token",
    403: "The caller's role may not do this",
    404: "Not found (or not visible to the caller)",
    409: "Conflict: a duplicate, or a state that forbids the change",
    413: "Too large",
    422: "Invalid input: the message names the field and the problem",
    429: "Too many failed sign-in attempts: wait for Retry-After seconds",
}


class ErrorMessage(BaseModel):
    detail: str


class ValidationIssue(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationMessage(BaseModel):
    detail: list[ValidationIssue] | str


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=errors(404, 409)``; 401/403/422/429 come with every authenticated route."""
    result: dict[int | str, dict[str, Any]] = {}
    for code in sorted({401, 403, 422, 429, *codes}):
        model = ValidationMessage if code == 422 else ErrorMessage
        result[code] = {"model": model, "description": _DESCRIPTIONS[code]}
    return result


def without_body(responses: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    """The same answers for a HEAD route: status and headers only, as a HEAD answer has no body
    (documenting a JSON body would promise a Content-Type that is never sent)."""
    return {
        code: {key: value for key, value in answer.items() if key not in ("model", "content")}
        for code, answer in responses.items()
    }
