"""Documented error answers, so the OpenAPI document lists what each route can return."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

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
