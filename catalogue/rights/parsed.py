"""An avails sheet read and checked, nothing written yet."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalogue.models.rights import RowError, WindowCreate


@dataclass
class Parsed:
    """Each window with the sheet row it starts on (and the window it updates, if any), the
    rows that could not be read, and what was read but not kept (unknown or ignored columns)."""

    rows: int = 0
    windows: list[tuple[int, int | None, WindowCreate]] = field(default_factory=list)
    problems: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
