"""The base of every partial-update input (`XUpdate`): null clears a field only where its column
may hold null; anywhere else null is refused with a 422, so a row that reaches the database is
always one the API can read back."""

from __future__ import annotations

from typing import Any

from pydantic import GetJsonSchemaHandler, ValidationInfo, field_validator
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from sqlmodel import SQLModel


class Clears:
    """Marks an update field whose column is nullable: `Annotated[X | None, CLEARS] = None`,
    and a null sent for it clears the stored value."""

    def __repr__(self) -> str:
        return "CLEARS"


CLEARS = Clears()


def clears(field: FieldInfo) -> bool:
    return any(isinstance(item, Clears) for item in field.metadata)


class PatchModel(SQLModel):
    """Fields left out are not changed; a field sent as null is cleared if it is marked `CLEARS`
    and refused otherwise (lists are emptied with `[]`, not null)."""

    model_config = {"extra": "forbid"}

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_it_clears(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name is not None:
            field = cls.model_fields[info.field_name]
            if not clears(field):
                empty = " (send [] to empty it)" if _is_list(field) else ""
                raise ValueError(
                    f"{info.field_name} cannot be null{empty}; leave it out to keep its value"
                )
        return value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The document says what is accepted: null only for the fields that it clears."""
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        for name, field in cls.model_fields.items():
            prop = target.get("properties", {}).get(field.alias or name)
            if prop is not None and not clears(field):
                _drop_null(prop)
        return schema


def _is_list(field: FieldInfo) -> bool:
    return "list[" in str(field.annotation)


def _drop_null(prop: dict[str, Any]) -> None:
    options = prop.get("anyOf")
    if options is None:
        return
    kept = [option for option in options if option.get("type") != "null"]
    prop.pop("default", None)  # left out: unchanged (not "null")
    if len(kept) == 1:
        del prop["anyOf"]
        prop.update(kept[0])
    else:
        prop["anyOf"] = kept
