"""Every string a client may send fits the column it is stored in: an input model's bound
(`maxLength` in its schema, or its enum's values) is at most the column's length, so PostgreSQL
never refuses a value the API accepted (a 500, found with `Venue.city`: 200 accepted, 120 stored)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import String
from sqlmodel import SQLModel

import catalogue.models  # noqa: F401  (registers every table)
from catalogue.app import create_app
from catalogue.settings import Settings
from tests.conftest import Actors

INPUT_SUFFIXES = ("Create", "Update", "Patch")
# Input models whose table is not named by their prefix.
TABLE_OF = {
    "TokenCreate": "ApiToken",
    "WindowCreate": "RightsWindow",
    "WindowUpdate": "RightsWindow",
    "EpisodeCreate": "Title",
    "PlanCreate": "TourPlan",
}
# Input models that store nothing of their own: what the fields are for.
STORES_NO_ROW = {"LinkCreate": "a signed delivery link's lifetime, kept in the link itself"}


def _subclasses(cls: type) -> Iterator[type]:
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        yield sub
        yield from _subclasses(sub)


def _tables() -> dict[str, type[SQLModel]]:
    return {mapper.class_.__name__: mapper.class_ for mapper in SQLModel._sa_registry.mappers}


def _input_models() -> list[type[BaseModel]]:
    found = {
        cls
        for cls in _subclasses(BaseModel)
        if cls.__module__.startswith("catalogue.models")
        and cls.__name__.endswith(INPUT_SUFFIXES)
        and not getattr(cls, "__table__", None)
    }
    return sorted(found, key=lambda cls: cls.__name__)


def _table_of(model: type[BaseModel], tables: dict[str, type[SQLModel]]) -> type[SQLModel]:
    name = model.__name__
    prefix = next(name.removesuffix(s) for s in INPUT_SUFFIXES if name.endswith(s))
    table = TABLE_OF.get(name, prefix)
    assert table in tables, f"{name}: no table {table!r}; name it in TABLE_OF or STORES_NO_ROW"
    return tables[table]


def _string_bound(schema: dict[str, Any], definitions: dict[str, Any]) -> int | str | None:
    """The longest string the schema lets through: its maxLength, its longest enum value,
    "unbounded", or None when the schema admits no string at all."""
    if "$ref" in schema:
        return _string_bound(definitions[schema["$ref"].rsplit("/", 1)[1]], definitions)
    if "anyOf" in schema:
        bounds = [_string_bound(option, definitions) for option in schema["anyOf"]]
        known = [b for b in bounds if b is not None]
        if "unbounded" in known:
            return "unbounded"
        return max(known, default=None)  # type: ignore[type-var]
    if "enum" in schema and all(isinstance(v, str) for v in schema["enum"]):
        return max(len(v) for v in schema["enum"])
    if "const" in schema and isinstance(schema["const"], str):
        return len(schema["const"])
    if schema.get("type") == "string":
        return schema.get("maxLength", "unbounded")
    return None


def _mismatches(model: type[BaseModel], table: type[SQLModel]) -> list[str]:
    schema = model.model_json_schema(mode="validation")
    definitions = schema.get("$defs", {})
    columns = table.__table__.columns  # type: ignore[attr-defined]
    wrong = []
    for name, field_schema in schema.get("properties", {}).items():
        column = columns.get(name)
        if column is None or not isinstance(column.type, String) or not column.type.length:
            continue
        bound = _string_bound(field_schema, definitions)
        length = column.type.length
        if bound == "unbounded" or (isinstance(bound, int) and bound > length):
            wrong.append(
                f"{model.__name__}.{name}: accepts {bound} characters, "
                f"{table.__name__}.{name} is VARCHAR({length})"
            )
    return wrong


def test_every_input_string_fits_its_column() -> None:
    tables = _tables()
    models = _input_models()
    assert len(models) >= 15, [m.__name__ for m in models]  # the walk finds the input models
    wrong = []
    checked = 0
    for model in models:
        if model.__name__ in STORES_NO_ROW:
            continue
        found = _mismatches(model, _table_of(model, tables))
        wrong += found
        checked += 1
    assert wrong == [], "\n".join(wrong)
    assert checked == len(models) - len(STORES_NO_ROW)


def test_the_walk_catches_a_string_longer_than_its_column() -> None:
    """The check itself: a model accepting 200 characters for a VARCHAR(120) is caught."""
    from sqlmodel import Field

    class Wide(SQLModel):
        city: str = Field(max_length=200)

    class Open(SQLModel):
        city: str | None = None

    from catalogue.models import Venue

    assert _mismatches(Wide, Venue) == [
        "Wide.city: accepts 200 characters, Venue.city is VARCHAR(120)"
    ]
    assert _mismatches(Open, Venue) == [
        "Open.city: accepts unbounded characters, Venue.city is VARCHAR(120)"
    ]


@pytest.fixture
def request_bodies(tmp_path: Any) -> list[type[BaseModel]]:
    app = create_app(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    bodies = set()
    for context in iter_route_contexts(app.routes):
        dependant = getattr(context.route, "dependant", None)
        for param in getattr(dependant, "body_params", []):
            annotation = param.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                bodies.add(annotation)
    return sorted(bodies, key=lambda cls: cls.__name__)


def test_every_stored_request_body_is_walked(request_bodies: list[type[BaseModel]]) -> None:
    """A request body named for a table's input (XCreate, XUpdate) is in the walk above."""
    walked = set(_input_models())
    named_as_input = [m for m in request_bodies if m.__name__.endswith(INPUT_SUFFIXES)]
    assert named_as_input, request_bodies
    assert [m.__name__ for m in named_as_input if m not in walked] == []


def test_a_venue_city_longer_than_its_column_is_a_422(client: TestClient, actors: Actors) -> None:
    venue = {
        "slug": "almaty-arman",
        "name": "Arman Cinema",
        "country": "KZ",
        "time_zone": "Asia/Almaty",
        "partner_id": actors.partner_id,
    }
    too_long = client.post("/venues", json={**venue, "city": "A" * 121}, headers=actors.admin)
    assert too_long.status_code == 422, too_long.text
    assert too_long.json()["detail"][0]["loc"] == ["body", "city"]
    fits = client.post("/venues", json={**venue, "city": "A" * 120}, headers=actors.admin)
    assert fits.status_code == 201, fits.text
    assert client.get(f"/venues/{fits.json()['id']}", headers=actors.admin).json()["city"] == (
        "A" * 120
    )


def test_a_webhook_url_too_long_once_encoded_is_a_422(client: TestClient, actors: Actors) -> None:
    url = "https://hooks.example.com/" + "é" * 150  # 176 characters, 926 once percent-encoded
    refused = client.post("/partner/webhooks", json={"url": url}, headers=actors.partner)
    assert refused.status_code == 422, refused.text
    assert "percent-encoded" in refused.text
