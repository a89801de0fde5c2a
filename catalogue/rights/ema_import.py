"""EMA Avails workbooks against the database: rows to windows (grouped by AvailID) and windows
to the Movies and TV tabs. The layout itself is in `ema_avails`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from catalogue.models import Partner, RightsWindow, Title
from catalogue.models.rights import RowError, WindowCreate
from catalogue.rights import ema_avails as ema
from catalogue.rights import territories
from catalogue.rights.parsed import Parsed

_EXTRA_KEYS = ("exclusive", "holdback", "subtitles", "audio", "status")


class _Tab:
    """One tab being read: where its header is and what it said about its columns."""

    def __init__(self, name: str, header_row: int, header: list[str]) -> None:
        self.name, self.header_row, self.header = name, header_row, header
        self.unknown, self.ignored = ema.header_notes(header)
        self.ignored_with_values: set[str] = set()

    def label(self) -> str:
        return f"{self.name} tab: " if self.name else ""

    def tab(self) -> str:
        if found := ema.tab_of(self.name):
            return found
        return ema.TV_TAB if "SeriesTitleInternalAlias" in self.header else ema.MOVIE_TAB

    def warnings(self) -> list[RowError]:
        unknown = [
            RowError(row=self.header_row, column=name,
                     message=f"{self.label()}{name} is not an EMA Avails column; its values were "
                     "not imported")
            for name in self.unknown
        ]  # fmt: skip
        ignored = [
            RowError(row=self.header_row, column=name,
                     message=f"{self.label()}the catalogue does not keep {name}; its values were "
                     "not imported")
            for name in sorted(self.ignored_with_values)
        ]  # fmt: skip
        return unknown + ignored


def parse(sheets: Iterator[tuple[str, Iterator[list[Any]]]], session: Session) -> Parsed:
    index = ema.TitleIndex.of(session.exec(select(Title)).all())
    partners = {p.slug: p for p in session.exec(select(Partner)).all()}
    parsed = Parsed()
    groups: dict[str, list[tuple[int, ema.Terms]]] = {}
    for name, rows in sheets:
        if name and ema.tab_of(name) is None:
            parsed.warnings.append(
                RowError(row=1, column=None,
                         message=f"tab {name!r} is not an EMA Avails tab (Movies, TV); not read")
            )  # fmt: skip
            continue
        found = ema.find_header(rows)
        if found is None:
            parsed.problems.append(
                RowError(row=1, column=None,
                         message=f"{name or 'the sheet'}: no header row starting with DisplayName "
                         "in the first 10 rows")
            )  # fmt: skip
            continue
        tab = _Tab(name, *found)
        for number, row in enumerate(rows, start=tab.header_row + 1):
            if ema.is_comment(row) or all(ema.cell_text(cell) == "" for cell in row):
                continue
            parsed.rows += 1
            cells = {n: v for n, v in zip(tab.header, row, strict=False) if n}
            tab.ignored_with_values |= {c for c in tab.ignored if ema.cell_text(cells.get(c))}
            try:
                terms = ema.terms(cells, tab.tab(), index, partners)
            except ema.EmaProblem as problem:
                parsed.problems.append(
                    RowError(row=number, column=problem.column,
                             message=f"{tab.label()}{problem.message}")
                )  # fmt: skip
                continue
            avail = ema.cell_text(cells.get("AvailID")) or f"\0{name}:{number}"
            groups.setdefault(avail, []).append((number, terms))
        parsed.warnings.extend(tab.warnings())
    for avail, members in groups.items():
        number = members[0][0]
        try:
            parsed.windows.append((number, ema.window_id_of(avail), _window(avail, members)))
        except ema.EmaProblem as problem:
            parsed.problems.append(
                RowError(row=number, column=problem.column, message=problem.message)
            )
    return parsed


def _window(avail: str, members: list[tuple[int, ema.Terms]]) -> WindowCreate:
    first = members[0][1]
    differing = [number for number, terms in members[1:] if terms.key() != first.key()]
    if differing:
        rows = ", ".join(str(n) for n in differing)
        raise ema.EmaProblem(
            "AvailID",
            f"rows {rows} share AvailID {avail!r} with this row but not its terms; one avail "
            "differs only in its Territory",
        )
    extras = first.extras
    unknown = sorted(set(extras) - set(_EXTRA_KEYS))
    if unknown:
        raise ema.EmaProblem(
            "Any", f"unknown key(s) {', '.join(unknown)}; known: {', '.join(_EXTRA_KEYS)}"
        )
    fields: dict[str, Any] = {
        "title_id": first.title_id,
        "media_right": first.media_right,
        "territories": list(dict.fromkeys(terms.territory for _, terms in members)),
        "starts_on": first.starts_on,
        "ends_on": first.ends_on,
        "subtitle_languages": _list(extras["subtitles"])
        if "subtitles" in extras
        else first.subtitle_languages,
        "audio_languages": _list(extras["audio"]) if "audio" in extras else first.audio_languages,
        "partner_id": first.partner_id,
        "exclusive": extras.get("exclusive", "no").lower() in ("yes", "true", "y", "1"),
        "holdbacks": _holdbacks(extras.get("holdback", "")),
        "contract_ref": first.contract_ref,
    }
    if status := extras.get("status"):
        fields["status"] = status
    try:
        return WindowCreate.model_validate(fields)
    except ValidationError as error:
        issue = error.errors()[0]
        where = str(issue["loc"][0]) if issue["loc"] else "row"
        raise ema.EmaProblem(None, f"{where}: {issue['msg']}") from None


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _holdbacks(text: str) -> list[dict[str, str]]:
    result = []
    for part in _list(text):
        right, _, until = part.partition(":")
        if not until:
            raise ema.EmaProblem("Any", f"holdback {part!r}: write holdback=media_right:YYYY-MM-DD")
        result.append({"media_right": right.strip(), "until": until.strip()})
    return result


def export_tabs(session: Session) -> dict[str, list[list[Any]]]:
    """Every window as EMA rows, one per country it covers: the Movies tab, then the TV tab."""
    windows = session.exec(
        select(RightsWindow).order_by(col(RightsWindow.title_id), col(RightsWindow.id))
    ).all()
    titles = {t.id: t for t in session.exec(select(Title)).all()}
    parents = {t.parent_id for t in titles.values() if t.parent_id is not None}
    partners = {p.id: p.slug for p in session.exec(select(Partner)).all()}
    movies: list[list[Any]] = [list(ema.MOVIE_COLUMNS)]
    tv: list[list[Any]] = [list(ema.TV_COLUMNS)]
    for window in windows:
        title = titles[window.title_id]
        series = (
            titles[title.parent_id] if title.parent_id else (title if title.id in parents else None)
        )
        slug = partners.get(window.partner_id, "") if window.partner_id else ""
        table, columns = (movies, ema.MOVIE_COLUMNS) if series is None else (tv, ema.TV_COLUMNS)
        for country in sorted(
            territories.countries(window.territories, window.excluded_territories)
        ):
            row = ema.export_row(window, country, title, series, slug)
            table.append([row.get(name, "") for name in columns])
    return {ema.MOVIE_TAB: movies, ema.TV_TAB: tv}
