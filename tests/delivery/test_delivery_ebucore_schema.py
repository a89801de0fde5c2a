"""EBUCore from the API validated with xmlschema against a schema that follows the published
EBUCore XSD (tests/delivery/ebucore_subset.xsd: coreMetadataType's sequence, types, attributes)."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from _delivery_fixtures import Deliver
from fastapi.testclient import TestClient
from sqlmodel import Session

from catalogue.delivery.ebucore import DC, EBUCORE, Description, to_xml
from catalogue.models import Title, TitleLocalization
from tests.conftest import Actors

NS = {"ebucore": EBUCORE, "dc": DC}


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(Path(__file__).parent / "ebucore_subset.xsd")


def test_the_apis_ebucore_with_every_element_validates(
    client: TestClient,
    actors: Actors,
    deliver: Deliver,
    session: Session,
    schema: xmlschema.XMLSchema,
) -> None:
    item = deliver("Steppe", ["KZ"])
    title = session.get(Title, item.title_id)
    assert title is not None
    title.eidr_title_id = "10.5240/7791-8534-2C23-9030-8610-5"
    title.runtime_minutes = 52
    session.add_all([
        title,
        TitleLocalization(title_id=item.title_id, language="ru", title="Степь", synopsis="Ветер над степью."),
        TitleLocalization(title_id=item.title_id, language="ar", title="السهوب", synopsis="رياح & <سهوب>"),
    ])  # fmt: skip
    session.commit()
    response = client.get(f"/titles/{item.title_id}/ebucore.xml", headers=actors.partner)
    assert response.status_code == 200
    schema.validate(response.text)
    core = ET.fromstring(response.content).find("ebucore:coreMetadata", NS)
    assert core is not None
    order = [child.tag.split("}")[1] for child in core]
    assert order == [
        "title", "alternativeTitle", "alternativeTitle", "description", "description",
        "date", "type", "format", "identifier", "identifier", "language",
    ]  # fmt: skip


def test_a_title_with_only_required_fields_validates(schema: xmlschema.XMLSchema) -> None:
    xml = to_xml(Description(title_id=7, original_title="Бір", original_language="kk", kind="film"))
    schema.validate(xml.decode())


def test_the_schema_refuses_the_old_element_order(schema: xmlschema.XMLSchema) -> None:
    """The check can fail: identifier before description, as the XML was written before."""
    xml = to_xml(
        Description(
            title_id=7,
            original_title="Бір",
            original_language="kk",
            kind="film",
            localizations=(),
            production_year=2020,
            eidr_title_id="10.5240/1",
        )
    )
    root = ET.fromstring(xml)
    core = root.find("ebucore:coreMetadata", NS)
    assert core is not None
    identifier = core.find("ebucore:identifier", NS)
    assert identifier is not None
    core.remove(identifier)
    core.insert(1, identifier)
    assert schema.is_valid(xml.decode())
    assert not schema.is_valid(ET.tostring(root, encoding="unicode"))
