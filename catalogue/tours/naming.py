"""A title's name for a reader: in the reader's language, else its family, else English, else the
original; the original is shown beside it when they differ. The same order everywhere a
programmer or a partner reads a title (planner, partner screenings, iCalendar, CSV)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from catalogue.models import Title, TitleLocalization

ENGLISH = "en"


@dataclass(frozen=True)
class TitleName:
    name: str  # in the reader's language as far as the catalogue has it
    original: str

    @property
    def both(self) -> str:
        """ "Name (original)" when they differ, for one-line places (calendar, CSV title)."""
        return self.name if self.name == self.original else f"{self.name} ({self.original})"


def _lookup(names: Mapping[str, str], language: str) -> str | None:
    """Exact tag, then ever shorter prefixes ('zh-Hant-TW', 'zh-Hant', 'zh'), then any tag of
    the family ('zh' finds 'zh-Hans'), the first in tag order so the answer is stable."""
    subtags = language.lower().split("-")
    for n in range(len(subtags), 0, -1):
        found = names.get("-".join(subtags[:n]))
        if found:
            return found
    family = sorted(tag for tag in names if tag.split("-")[0] == subtags[0])
    return names[family[0]] if family else None


def pick(localized: Mapping[str, str], original: str, original_language: str, reader: str) -> str:
    """The reader's language, its family, English, the original."""
    names = {tag.lower(): name for tag, name in localized.items() if name.strip()}
    names.setdefault(original_language.lower(), original)
    return _lookup(names, reader) or _lookup(names, ENGLISH) or original


def title_names(session: Session, title_ids: Iterable[int], reader: str) -> dict[int, TitleName]:
    ids = sorted(set(title_ids))
    if not ids:
        return {}
    localized: dict[int, dict[str, str]] = defaultdict(dict)
    for loc in session.exec(
        select(TitleLocalization).where(col(TitleLocalization.title_id).in_(ids))
    ):
        localized[loc.title_id][loc.language] = loc.title
    out = {}
    for title in session.exec(select(Title).where(col(Title.id).in_(ids))):
        assert title.id is not None
        name = pick(localized[title.id], title.original_title, title.original_language, reader)
        out[title.id] = TitleName(name, title.original_title)
    return out
