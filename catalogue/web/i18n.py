"""The pages' language: chosen per request, with gettext catalogues and locale-aware formatting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import langcodes
from babel import Locale, dates, lists, numbers, units
from babel.core import UnknownLocaleError
from babel.support import NullTranslations, Translations

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
# The languages the interface ships in: English, then the partners' languages.
LANGUAGES: tuple[str, ...] = ("en", "zh", "ru", "es", "ar")
DEFAULT = "en"
LANGUAGE_COOKIE = "catalogue_lang"
# ISO 639 "undetermined": babel would read it as the default locale ("English (United States)").
UNDETERMINED = "und"


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags from an Accept-Language header, most wanted first (q=0 dropped)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def supported(tag: str | None) -> str | None:
    """The shipped language a tag asks for ('zh-Hant-TW' -> 'zh', 'es_MX' -> 'es'), or None."""
    if not tag:
        return None
    base = tag.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def choose(user_locale: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The user's own setting first, then the language picked on the sign-in page, then the
    browser's preferences."""
    for tag in (user_locale, cookie, *parse_accept_language(accept_language)):
        found = supported(tag)
        if found:
            return found
    return DEFAULT


@cache
def translations(language: str) -> NullTranslations:
    """The language's catalogue; English, the source language, has none (messages as written)."""
    return Translations.load(str(TRANSLATIONS), [language], domain="messages")


@dataclass(frozen=True)
class Formatter:
    """Dates, numbers, sizes and durations in one locale."""

    language: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.language)

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    def date(self, value: dt.date | None) -> str:
        return dates.format_date(value, format="medium", locale=self.language) if value else ""

    def month(self, value: dt.date) -> str:
        """'January 2027' in the locale's words."""
        return dates.format_skeleton("yMMMM", value, locale=self.language)

    def day_month(self, value: dt.date) -> str:
        return dates.format_skeleton("MMMd", value, locale=self.language)

    def weekdays(self) -> list[str]:
        """Short weekday names, Monday first."""
        names = dates.get_day_names("abbreviated", locale=self.language)
        return [names[n] for n in range(7)]

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return dates.format_datetime(value, format="medium", locale=self.language)

    def number(self, value: float | int | None, digits: int = 1) -> str:
        if value is None:
            return ""
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return numbers.format_decimal(value, format=pattern, locale=self.language)

    def percent(self, value: float) -> str:
        return numbers.format_percent(value / 100, locale=self.language)

    def size(self, count: int | None) -> str:
        if count is None:
            return ""
        for unit, scale in (("gigabyte", 1e9), ("megabyte", 1e6), ("kilobyte", 1e3)):
            if count >= scale:
                return units.format_unit(
                    round(count / scale, 1), f"digital-{unit}", "short", locale=self.language
                )
        return units.format_unit(count, "digital-byte", "short", locale=self.language)

    def duration(self, seconds: float | None) -> str:
        if seconds is None:
            return ""
        return dates.format_timedelta(
            timedelta(seconds=seconds), threshold=10, format="short", locale=self.language
        )

    def language_name(self, tag: str) -> str:
        """A language tag ('kk', 'zh-Hans', ffprobe's 'eng') named in the viewer's language."""
        if tag.strip().lower() in ("", UNDETERMINED):
            return translations(self.language).gettext("undetermined")
        try:
            # standardize first: babel reads 'eng' as en_US ("English (United States)")
            standard = langcodes.standardize_tag(tag)
            named = Locale.parse(standard.replace("-", "_")).get_display_name(self.language)
        except (ValueError, UnknownLocaleError, langcodes.LanguageTagError):
            return tag
        return named or tag

    def country_name(self, code: str) -> str:
        return self.locale.territories.get(code.upper(), code)

    def languages(self, tags: list[str]) -> str:
        return self.list([self.language_name(t) for t in tags])

    def countries(self, codes: list[str]) -> str:
        return self.list([self.country_name(c) for c in codes])

    def list(self, items: list[str]) -> str:
        """'a, b and c' in the locale's words and separators (Arabic '،' and 'و')."""
        return lists.format_list(items, locale=self.language) if items else ""


def own_name(language: str) -> str:
    """A shipped language named in itself, for the language menu."""
    return Locale.parse(language).get_display_name(language) or language
