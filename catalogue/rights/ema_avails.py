"""The EMA Avails spreadsheet (MovieLabs/EMA template v1.7, also read: v1.6): its tabs, column
names and value sets, to and from rights windows.

A distributor's workbook imports as it comes: banner and category rows above the header row
(the one starting "DisplayName") and "//" comment rows are skipped; the Movies tab and the TV
tab (Episode and Season rows) are both read. One row is one territory; rows sharing an AvailID
are one window. Template columns the catalogue does not keep (prices, ratings...) are reported
as ignored when they hold values, and columns that are not in the template as unknown: neither
is dropped silently.

What EMA has no column for (exclusivity, media holdbacks, excluded territories, the window's
status) travels in the template's free "Any" column as `key=value` pairs, so an exported
workbook imports back into the same windows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from catalogue.models import Partner, RightsWindow, Title
from catalogue.models.rights import MediaRight

# EMA Avails v1.7, in the template's order (54 columns on Movies, 66 on TV).
MOVIE_COLUMNS = (
    "DisplayName", "AssetLanguage", "Territory", "WorkType", "EntryType", "TitleInternalAlias",
    "TitleDisplayUnlimited", "LocalizationType", "CompanyDisplayCredit", "LicenseType",
    "LicenseRightsDescription", "FormatProfile", "HDR", "WCG", "HFR", "Start", "End", "PriceType",
    "PriceValue", "PriceCurrency", "SRP", "Description", "OtherTerms", "OtherInstructions",
    "TitleID", "EditID", "ContentID", "AvailID", "UV_ID", "DMA_ID", "ReportingID", "Metadata",
    "ALID", "SuppressionLiftDate", "SpecialPreOrderFulfillDate", "AnnounceDate", "ReleaseYear",
    "ReleaseHistoryOriginal", "ReleaseHistoryPhysicalHV", "ExceptionFlag", "RatingSystem",
    "RatingValue", "RatingReason", "RentalDuration", "WatchDuration", "CaptionIncluded",
    "CaptionExemption", "Any", "ContractID", "ServiceProvider", "TotalRunTime",
    "HoldbackLanguage", "AllowedLanguages", "BundleALIDs",
)  # fmt: skip
TV_COLUMNS = (
    "DisplayName", "AssetLanguage", "Territory", "WorkType", "EntryType",
    "SeriesTitleInternalAlias", "SeriesTitleDisplayUnlimited", "SeasonNumber", "EpisodeNumber",
    "LocalizationType", "EpisodeTitleInternalAlias", "EpisodeTitleDisplayUnlimited",
    "SeasonTitleInternalAlias", "SeasonTitleDisplayUnlimited", "EpisodeCount", "SeasonCount",
    "SeriesID", "SeasonID", "EpisodeID", "ALID", "CompanyDisplayCredit", "LicenseType",
    "LicenseRightsDescription", "FormatProfile", "HDR", "WCG", "HFR", "NGAudio", "Start", "End",
    "SpecialPreOrderFulfillDate", "PriceType", "PriceValue", "PriceCurrency", "SRP",
    "Description", "OtherTerms", "OtherInstructions", "SeriesContentID", "SeasonContentID",
    "EpisodeContentID", "AvailID", "UV_ID", "DMA_ID", "ReportingID", "Metadata",
    "SuppressionLiftDate", "AnnounceDate", "ReleaseYear", "ReleaseHistoryOriginal",
    "ReleaseHistoryPhysicalHV", "ExceptionFlag", "RatingSystem", "RatingValue", "RatingReason",
    "RentalDuration", "WatchDuration", "FixedEndDate", "CaptionIncluded", "CaptionExemption",
    "Any", "ContractID", "ServiceProvider", "TotalRunTime", "HoldbackLanguage",
    "AllowedLanguages",
)  # fmt: skip
# v1.6 names that v1.7 renamed or dropped: still read, so older distributors' files import.
V16_COLUMNS = (
    "StoreLanguage", "ProductID", "EncodeID", "AltID", "HoldbackExclusionLanguage",
    "SeriesAltID", "SeasonAltID", "EpisodeAltID", "EpisodeProductID",
)  # fmt: skip
KNOWN_COLUMNS = frozenset(MOVIE_COLUMNS) | frozenset(TV_COLUMNS) | frozenset(V16_COLUMNS)
# Columns read into a window or used to find its title, and those that only describe the sender
# or a title the catalogue already holds; the other template columns (prices, ratings, formats)
# are terms the catalogue does not keep, reported when they hold values.
READ_COLUMNS = frozenset({
    "Territory", "WorkType", "EntryType", "TitleInternalAlias", "TitleDisplayUnlimited",
    "SeriesTitleInternalAlias", "SeriesTitleDisplayUnlimited", "SeasonNumber", "EpisodeNumber",
    "LocalizationType", "LicenseType", "Start", "End", "TitleID", "EditID", "ContentID",
    "SeriesContentID", "SeasonContentID", "EpisodeContentID", "SeriesID", "SeasonID", "EpisodeID",
    "AvailID", "Any", "ContractID", "ServiceProvider", "AllowedLanguages",
})  # fmt: skip
DESCRIPTIVE_COLUMNS = frozenset({
    "DisplayName", "AssetLanguage", "StoreLanguage", "EpisodeTitleInternalAlias",
    "EpisodeTitleDisplayUnlimited", "SeasonTitleInternalAlias", "SeasonTitleDisplayUnlimited",
    "ReleaseYear", "TotalRunTime",
})  # fmt: skip

MOVIE_TAB, TV_TAB = "Movies", "TV"
TAB_NAMES = {"movies": MOVIE_TAB, "movie": MOVIE_TAB, "tv": TV_TAB, "episode": TV_TAB,
             "episodes": TV_TAB}  # fmt: skip
WORK_TYPES = {"movie": "Movie", "short": "Short", "episode": "Episode", "season": "Season"}
ENTRY_TYPES = ("Full Extract", "Full Delete")
# EMA LicenseType values and the catalogue's media rights they are. EST, POEST and VOD (sale and
# rental) have no catalogue right: such rows are refused by name. Rights EMA has no term for
# (screenings, festivals...) are written with the catalogue's own name, and read back.
LICENSE_TYPES = {
    "SVOD": MediaRight.svod,
    "AVOD": MediaRight.avod,
    "FVOD": MediaRight.online_geoblocked,  # free, neither subscription nor advertising
    "Free TV": MediaRight.free_tv,
    "Pay TV": MediaRight.pay_tv,
}
EMA_LICENSE_TYPE = {right: name for name, right in LICENSE_TYPES.items()}
UNSUPPORTED_LICENSE_TYPES = ("EST", "POEST", "VOD")
LOCALIZATION_TYPES = ("sub", "dub", "subdub", "any")
OPEN_END = "Open"
AVAIL_ID_PREFIX = "catalogue-window-"
_EIDR_URN = re.compile(r"urn:eidr:(10\.5240):(.+)", re.IGNORECASE)
_IS_EIDR = re.compile(r"(urn:eidr:10\.5240:|10\.5240/)", re.IGNORECASE)
_EXCEL_EPOCH = date(1899, 12, 30)


class EmaProblem(Exception):
    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def tab_of(sheet_name: str) -> str | None:
    return TAB_NAMES.get(sheet_name.strip().lower())


def find_header(rows: Iterator[list[Any]]) -> tuple[int, list[str]] | None:
    """Skip the template's banner, category and comment rows: the header row starts with
    DisplayName. Returns its 1-based row number and names, or None when no such row comes in
    the first ten (the sheet is then not in the EMA layout)."""
    for number, row in enumerate(rows, start=1):
        if row and cell_text(row[0]) == "DisplayName":
            return number, [cell_text(cell) for cell in row]
        if number >= 10:
            return None
    return None


def header_notes(names: list[str]) -> tuple[list[str], list[str]]:
    """(unknown columns, template columns the catalogue does not keep) of a header row."""
    present = [n for n in names if n]
    unknown = [n for n in present if n not in KNOWN_COLUMNS]
    kept = READ_COLUMNS | DESCRIPTIVE_COLUMNS
    ignored = [n for n in present if n in KNOWN_COLUMNS and n not in kept]
    return unknown, ignored


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_comment(row: list[Any]) -> bool:
    return bool(row) and cell_text(row[0]).startswith("//")


# --- one row -> the terms of a window ---------------------------------------------------------


@dataclass
class Terms:
    """What one EMA row says about a window, before rows sharing an AvailID are merged."""

    title_id: int
    media_right: str
    territory: str
    starts_on: date
    ends_on: date | None
    subtitle_languages: list[str]
    audio_languages: list[str]
    partner_id: int | None
    contract_ref: str | None
    extras: dict[str, str] = field(default_factory=dict)

    def key(self) -> tuple[Any, ...]:
        """Everything but the territory: rows of one avail must agree on it."""
        return (
            self.title_id, self.media_right, self.starts_on, self.ends_on,
            tuple(self.subtitle_languages), tuple(self.audio_languages), self.partner_id,
            self.contract_ref, tuple(sorted(self.extras.items())),
        )  # fmt: skip


@dataclass
class TitleIndex:
    by_eidr: dict[str, Title]
    by_name: dict[str, list[Title]]
    episodes: dict[tuple[int, int, int], Title]

    @classmethod
    def of(cls, titles: Iterable[Title]) -> TitleIndex:
        by_eidr: dict[str, Title] = {}
        by_name: dict[str, list[Title]] = {}
        episodes: dict[tuple[int, int, int], Title] = {}
        for title in titles:
            for eidr in (title.eidr_title_id, title.eidr_edit_id):
                if eidr:
                    by_eidr[eidr.upper()] = title
            if title.parent_id is None:
                by_name.setdefault(title.original_title, []).append(title)
            elif title.season_number is not None and title.episode_number is not None:
                episodes[(title.parent_id, title.season_number, title.episode_number)] = title
        return cls(by_eidr, by_name, episodes)


def eidr(value: str) -> str:
    """An EIDR in the catalogue's form (10.5240/XXXX-...), from either form EMA uses."""
    text = value.strip()
    if match := _EIDR_URN.fullmatch(text):
        return f"{match.group(1)}/{match.group(2)}".upper()
    return text.upper()


def eidr_urn(value: str) -> str:
    prefix, _, suffix = value.partition("/")
    return f"urn:eidr:{prefix}:{suffix}"


def _by_name(index: TitleIndex, name: str, column: str) -> Title:
    found = index.by_name.get(name, [])
    if len(found) != 1:
        problem = "no title is" if not found else f"{len(found)} titles are"
        raise EmaProblem(column, f"{problem} called {name!r}; give its EIDR in ContentID")
    return found[0]


def _by_eidr(index: TitleIndex, cells: dict[str, str], columns: Iterable[str]) -> Title | None:
    """The title an EIDR in the first of `columns` that holds one names. Other identifiers in
    those columns (a studio's own content ids) are passed over: the name then decides."""
    for column in columns:
        value = cells.get(column, "")
        if _IS_EIDR.match(value):
            found = index.by_eidr.get(eidr(value))
            if found is None:
                raise EmaProblem(column, f"no title with EIDR {value}")
            return found
    return None


def find_title(cells: dict[str, str], tab: str, index: TitleIndex) -> Title:
    work_type = WORK_TYPES.get(cells.get("WorkType", "").lower())
    if work_type is None:
        known = ", ".join(WORK_TYPES.values())
        raise EmaProblem("WorkType", f"{cells.get('WorkType', '')!r} is not one of {known}")
    if tab == MOVIE_TAB or work_type in ("Movie", "Short"):
        found = _by_eidr(index, cells, ("ContentID", "EditID", "TitleID"))
        name = cells.get("TitleInternalAlias") or cells.get("TitleDisplayUnlimited", "")
        return found or _by_name(index, name, "TitleInternalAlias")
    if work_type == "Episode":
        found = _by_eidr(index, cells, ("EpisodeContentID", "EpisodeID"))
        if found is not None:
            return found
    else:
        found = _by_eidr(index, cells, ("SeriesContentID", "SeriesID"))
        if found is not None:
            return found
    series_name = cells.get("SeriesTitleInternalAlias") or cells.get(
        "SeriesTitleDisplayUnlimited", ""
    )
    series = _by_name(index, series_name, "SeriesTitleInternalAlias")
    if work_type == "Season":
        # A season's avail covers the series' episodes of that season: the catalogue keeps
        # rights per title, so it is the series' window.
        return series
    season, episode = cells.get("SeasonNumber", ""), cells.get("EpisodeNumber", "")
    if not (season.isdigit() and episode.isdigit()):
        raise EmaProblem("EpisodeNumber", "an Episode row needs SeasonNumber and EpisodeNumber")
    assert series.id is not None
    found = index.episodes.get((series.id, int(season), int(episode)))
    if found is None:
        raise EmaProblem(
            "EpisodeNumber", f"{series_name!r} has no episode {episode} in season {season}"
        )
    return found


def _date(value: Any, column: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _EXCEL_EPOCH + timedelta(days=int(value))  # an Excel date serial
    text = cell_text(value)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise EmaProblem(column, f"{text!r} is not a date; write YYYY-MM-DD") from None


def media_right(value: str) -> str:
    if value in LICENSE_TYPES:
        return LICENSE_TYPES[value].value
    upper = {k.upper(): v for k, v in LICENSE_TYPES.items()}
    if value.upper() in upper:
        return upper[value.upper()].value
    if value in {r.value for r in MediaRight}:
        return value
    if value.upper() in UNSUPPORTED_LICENSE_TYPES:
        raise EmaProblem(
            "LicenseType",
            f"{value}: the catalogue holds no sale or rental (EST, POEST, VOD) rights",
        )
    known = ", ".join([*LICENSE_TYPES, *(r.value for r in MediaRight if r not in EMA_LICENSE_TYPE)])
    raise EmaProblem("LicenseType", f"{value!r} is not a licence type; known: {known}")


def _languages(cells: dict[str, str]) -> tuple[list[str], list[str]]:
    allowed = [p.strip() for p in re.split(r"[,;]", cells.get("AllowedLanguages", "")) if p.strip()]
    kind = cells.get("LocalizationType", "").lower()
    if kind and kind not in LOCALIZATION_TYPES:
        raise EmaProblem(
            "LocalizationType", f"{kind!r} is not one of {', '.join(LOCALIZATION_TYPES)}"
        )
    subtitles = allowed if kind in ("sub", "subdub", "any", "") else []
    audio = allowed if kind in ("dub", "subdub", "any") else []
    return subtitles, audio


def parse_extras(text: str) -> dict[str, str]:
    """The catalogue's terms in the Any column: "exclusive=yes; holdback=free_tv:2026-01-01"."""
    extras: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, equals, value = part.partition("=")
        if not equals:
            raise EmaProblem("Any", f"{part.strip()!r}: write key=value pairs separated by ';'")
        extras[key.strip().lower()] = value.strip()
    return extras


def terms(
    cells: dict[str, Any], tab: str, index: TitleIndex, partners: dict[str, Partner]
) -> Terms:
    """One EMA row as the terms of a window; raises EmaProblem naming the column."""
    text = {name: cell_text(value) for name, value in cells.items()}
    entry = text.get("EntryType", "") or "Full Extract"
    if entry.lower() == "full delete":
        raise EmaProblem(
            "EntryType",
            "Full Delete rows are not imported; end or delete the window in the catalogue",
        )
    if entry.lower() != "full extract":
        raise EmaProblem("EntryType", f"{entry!r} is not one of {', '.join(ENTRY_TYPES)}")
    title = find_title(text, tab, index)
    territory = text.get("Territory", "")
    if not territory:
        raise EmaProblem("Territory", "one territory per row (an ISO 3166-1 code such as KZ)")
    if not text.get("Start"):
        raise EmaProblem("Start", "the avail's first day is missing; write YYYY-MM-DD")
    end_text = text.get("End", "")
    ends_on = (
        None
        if end_text in ("", OPEN_END) or end_text.lower() == "open"
        else _date(cells.get("End"), "End")
    )
    partner_id = None
    if provider := text.get("ServiceProvider", ""):
        if provider not in partners:
            raise EmaProblem("ServiceProvider", f"no partner with slug {provider!r}")
        partner_id = partners[provider].id
    subtitles, audio = _languages(text)
    assert title.id is not None
    return Terms(
        title_id=title.id,
        media_right=media_right(text.get("LicenseType", "")),
        territory=territory,
        starts_on=_date(cells.get("Start"), "Start"),
        ends_on=ends_on,
        subtitle_languages=subtitles,
        audio_languages=audio,
        partner_id=partner_id,
        contract_ref=text.get("ContractID") or None,
        extras=parse_extras(text.get("Any", "")),
    )


def window_id_of(avail_id: str) -> int | None:
    """The catalogue window an AvailID written by `export` names, if it is one."""
    if avail_id.startswith(AVAIL_ID_PREFIX) and avail_id[len(AVAIL_ID_PREFIX) :].isdigit():
        return int(avail_id[len(AVAIL_ID_PREFIX) :])
    return None


# --- windows -> workbook rows -----------------------------------------------------------------


def extras_of(window: RightsWindow) -> str:
    parts = []
    if window.exclusive:
        parts.append("exclusive=yes")
    for holdback in window.holdbacks:
        parts.append(f"holdback={holdback['media_right']}:{holdback['until']}")
    subtitles, audio = window.subtitle_languages, window.audio_languages
    if subtitles and audio and subtitles != audio:
        # AllowedLanguages with LocalizationType "subdub" cannot say which is which
        parts.append("subtitles=" + ",".join(window.subtitle_languages))
        parts.append("audio=" + ",".join(window.audio_languages))
    parts.append(f"status={window.status}")
    return "; ".join(parts)


def export_row(
    window: RightsWindow,
    territory: str,
    title: Title,
    series: Title | None,
    partner_slug: str,
) -> dict[str, Any]:
    """One window in one territory, as a Movies or TV row (by column name)."""
    languages = list(dict.fromkeys([*window.subtitle_languages, *window.audio_languages]))
    localization = (
        "subdub" if window.subtitle_languages and window.audio_languages
        else "dub" if window.audio_languages
        else "sub" if window.subtitle_languages
        else ""
    )  # fmt: skip
    row: dict[str, Any] = {
        "DisplayName": "catalogue",
        "AssetLanguage": title.original_language,
        "Territory": territory,
        "EntryType": "Full Extract",
        "LocalizationType": localization,
        "LicenseType": EMA_LICENSE_TYPE.get(MediaRight(window.media_right), window.media_right),
        "Start": window.starts_on.isoformat(),
        "End": window.ends_on.isoformat() if window.ends_on else OPEN_END,
        "AvailID": f"{AVAIL_ID_PREFIX}{window.id}",
        "Any": extras_of(window),
        "ContractID": window.contract_ref or "",
        "ServiceProvider": partner_slug,
        "ReleaseYear": title.production_year or "",
        "AllowedLanguages": ", ".join(languages),
    }
    if series is None:
        row |= {
            "WorkType": "Movie",
            "TitleInternalAlias": title.original_title,
            "TitleDisplayUnlimited": title.original_title,
            "ContentID": eidr_urn(title.eidr_title_id) if title.eidr_title_id else "",
        }
    elif series is title:
        row |= {
            "WorkType": "Season",
            "SeriesTitleInternalAlias": title.original_title,
            "SeriesContentID": eidr_urn(title.eidr_title_id) if title.eidr_title_id else "",
        }
    else:
        row |= {
            "WorkType": "Episode",
            "SeriesTitleInternalAlias": series.original_title,
            "SeasonNumber": title.season_number,
            "EpisodeNumber": title.episode_number,
            "EpisodeTitleInternalAlias": title.original_title,
            "EpisodeContentID": eidr_urn(title.eidr_title_id) if title.eidr_title_id else "",
        }
    return row
