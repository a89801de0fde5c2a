"""ISO BMFF structure checks for the progressive MP4 delivery renditions.

A progressive file is only useful to a partner's player if the ``moov`` index comes before the
media data (``-movflags +faststart``): FFmpeg does not fail when it cannot move it, so we look.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path


class BoxError(ValueError):
    """The file is not a well-formed sequence of ISO BMFF boxes."""


@dataclass(frozen=True)
class Box:
    kind: str
    offset: int
    size: int


def top_level_boxes(path: Path) -> tuple[Box, ...]:
    """The top-level boxes of an MP4 file, reading only their headers."""
    boxes = []
    file_size = path.stat().st_size
    with path.open("rb") as f:
        offset = 0
        while offset < file_size:
            f.seek(offset)
            header = f.read(8)
            if len(header) < 8:
                raise BoxError(f"{path.name}: truncated box header at {offset}")
            size, kind_bytes = struct.unpack(">I4s", header)
            if size == 1:
                large = f.read(8)
                if len(large) < 8:
                    raise BoxError(f"{path.name}: truncated 64-bit box size at {offset}")
                (size,) = struct.unpack(">Q", large)
            elif size == 0:
                size = file_size - offset
            if size < 8 or offset + size > file_size:
                raise BoxError(f"{path.name}: box at {offset} claims {size} bytes")
            boxes.append(Box(kind_bytes.decode("latin-1"), offset, size))
            offset += size
    return tuple(boxes)


def is_faststart(path: Path) -> bool:
    """True when ``moov`` precedes the first ``mdat``."""
    kinds = [b.kind for b in top_level_boxes(path)]
    if "moov" not in kinds:
        raise BoxError(f"{path.name}: no moov box")
    return "mdat" not in kinds or kinds.index("moov") < kinds.index("mdat")
