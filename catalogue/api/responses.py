"""Documented error answers, so the OpenAPI document lists what each route can return."""

from __future__ import annotations

import re
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


# --- OpenAPI links: which later calls take the id an answer gives (clients and stateful fuzzing) ---


def with_links(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with an OpenAPI link on every creation's answer (a POST's 201 or 202) that
    gives an id another operation takes in its path: `POST /titles` -> `GET /titles/{title_id}` (from its `id`), `POST /plans`
    -> `GET /jobs/{job_id}` (from its `job_id`). An id a link cannot take from the answer comes
    from the request's own path (`POST /titles/{title_id}/subtitles` -> its tracks)."""
    operations = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    schemas = document.get("components", {}).get("schemas", {})
    for path, method, operation in operations:
        if method != "post":
            continue
        for answer in _id_answers(operation, schemas):
            properties, links = answer
            for target_path, _, target in operations:
                parameters = _link_parameters(path, properties, target_path)
                if parameters:
                    links[target["operationId"]] = {
                        "operationId": target["operationId"],
                        "parameters": parameters,
                    }
    return document


def _id_answers(
    operation: dict[str, Any], schemas: dict[str, Any]
) -> list[tuple[set[str], dict[str, Any]]]:
    """(the answer's property names, its links to fill) for each creation's JSON object answer."""
    found = []
    for code, answer in operation.get("responses", {}).items():
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        if "$ref" in schema:
            schema = schemas.get(schema["$ref"].rsplit("/", 1)[1], {})
        properties = set(schema.get("properties", {}))
        gives_an_id = any(name == "id" or name.endswith("_id") for name in properties)
        if code in ("201", "202") and gives_an_id:
            found.append((properties, answer.setdefault("links", {})))
    return found


def _path_parameters(path: str) -> list[str]:
    return re.findall(r"{([^}]+)}", path)


def _link_parameters(source: str, properties: set[str], target: str) -> dict[str, str]:
    """How `target`'s path parameters come from an answer of `source` (its properties) and the
    request's own path; empty when some cannot, or when none comes from the answer."""
    own = set(_path_parameters(source))
    # The id right below the source's path (POST /titles -> /titles/{title_id}) is the answer's id.
    below = re.match(re.escape(source) + r"/{([^}]+)}(?:[/.]|$)", target)
    parameters = {}
    for name in _path_parameters(target):
        if name in properties:
            parameters[name] = f"$response.body#/{name}"
        elif below and name == below.group(1) and "id" in properties:
            parameters[name] = "$response.body#/id"
        elif name in own and target.startswith(source):
            parameters[name] = f"$request.path.{name}"
        else:
            return {}
    from_answer = any(value.startswith("$response") for value in parameters.values())
    return parameters if from_answer else {}


def with_body_errors(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with the 400 FastAPI answers on every operation that takes a body, when the
    body cannot be read at all (bytes that are not UTF-8): it happens before any route runs."""
    for methods in document["paths"].values():
        for operation in methods.values():
            if "requestBody" in operation:
                operation["responses"].setdefault(
                    "400",
                    {
                        "description": "The body cannot be read (e.g. it is not UTF-8)",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorMessage"}
                            }
                        },
                    },
                )
    return document
