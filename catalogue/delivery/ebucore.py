"""A title's descriptive metadata as EBUCore XML (EBU Tech 3293: ebucore:ebuCoreMain /
coreMetadata, Dublin Core elements inside EBUCore's typed wrappers). Pure: data in, bytes out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET

EBUCORE = "urn:ebu:metadata-schema:ebucore"
DC = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ET.register_namespace("ebucore", EBUCORE)
ET.register_namespace("dc", DC)


@dataclass(frozen=True)
class Localized:
    language: str
    title: str
    synopsis: str = ""


@dataclass(frozen=True)
class Description:
    title_id: int
    original_title: str
    original_language: str
    kind: str
    localizations: Sequence[Localized] = ()
    genres: Sequence[str] = ()
    production_year: int | None = None
    eidr_title_id: str | None = None
    eidr_edit_id: str | None = None
    runtime_minutes: int | None = None


def _e(tag: str) -> str:
    return f"{{{EBUCORE}}}{tag}"


def _dc(parent: ET.Element, tag: str, text: str, language: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{DC}}}{tag}")
    element.text = text
    if language:
        element.set(XML_LANG, language)
    return element


def to_xml(item: Description) -> bytes:
    """The coreMetadata children in the order of the EBUCore schema's coreMetadataType sequence:
    title, alternativeTitle, description, date, type, format, identifier, language."""
    root = ET.Element(_e("ebuCoreMain"), {"version": "1.10"})
    core = ET.SubElement(root, _e("coreMetadata"))
    original = ET.SubElement(core, _e("title"), {"typeLabel": "original"})
    _dc(original, "title", item.original_title, item.original_language)
    for loc in item.localizations:
        alternative = ET.SubElement(core, _e("alternativeTitle"), {"typeLabel": "translated"})
        _dc(alternative, "title", loc.title, loc.language)
    for loc in item.localizations:
        if loc.synopsis:
            description = ET.SubElement(core, _e("description"), {"typeLabel": "synopsis"})
            _dc(description, "description", loc.synopsis, loc.language)
    if item.production_year is not None:
        date = ET.SubElement(core, _e("date"))
        ET.SubElement(date, _e("created"), {"startYear": f"{item.production_year:04d}"})
    kind = ET.SubElement(core, _e("type"))
    for genre in item.genres:
        ET.SubElement(kind, _e("genre"), {"typeLabel": genre})
    ET.SubElement(kind, _e("objectType"), {"typeLabel": item.kind})
    if item.runtime_minutes is not None:
        # ISO 8601 duration, as EBUCore's format/duration/normalPlayTime expects
        fmt = ET.SubElement(core, _e("format"))
        duration = ET.SubElement(fmt, _e("duration"))
        ET.SubElement(duration, _e("normalPlayTime")).text = f"PT{item.runtime_minutes}M"
    for identifier, label in ((item.eidr_title_id, "EIDR"), (item.eidr_edit_id, "EIDR edit")):
        if identifier:
            wrapper = ET.SubElement(
                core, _e("identifier"), {"typeLabel": label, "formatLabel": "EIDR"}
            )
            _dc(wrapper, "identifier", identifier)
    local = ET.SubElement(core, _e("identifier"), {"typeLabel": "catalogue"})
    _dc(local, "identifier", f"title:{item.title_id}")
    language = ET.SubElement(core, _e("language"), {"typeLabel": "original"})
    _dc(language, "language", item.original_language)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
