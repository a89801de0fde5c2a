"""Client filenames are kept as labels only: cleaned for display, never used as a path."""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 255
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")


def sanitize_filename(raw: str) -> str:
    """The last path component of `raw`, NFC, without control or format characters, trimmed to
    255 characters; "upload" when nothing is left. Kazakh, Chinese, accents all stay."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").split("/")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_LENGTH:
        stem, dot, ext = name.rpartition(".")
        keep = MAX_LENGTH - len(ext) - 1 if dot and len(ext) <= 8 else MAX_LENGTH
        name = (stem[:keep] + "." + ext) if dot and len(ext) <= 8 else name[:keep]
    return name or "upload"


def storage_extension(filename: str) -> str:
    """A safe lower-case extension for the storage key (".mov"), or "" when there is none."""
    match = _EXTENSION.search(filename)
    return f".{match.group(1).lower()}" if match else ""
