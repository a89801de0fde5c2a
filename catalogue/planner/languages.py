"""Languages of a country (CLDR via babel) and normalisation of language tags,
so that subtitle tracks ("uz_Cyrl", "zh-Hans", "pt-BR") match country languages ("uz", "zh")."""

from functools import cache

import langcodes
from babel.languages import get_official_languages, get_territory_language_info

# Spoken varieties whose audiences read the written standard of another language.
WRITTEN_STANDARD = {
    "gsw": "de",  # Swiss German speakers read standard German subtitles
    "nds": "de",
    "bar": "de",
    "yue": "zh",  # Cantonese is written with Chinese characters
    "cmn": "zh",
    "wuu": "zh",
    "nb": "no",  # Bokmål and Nynorsk are both Norwegian
    "nn": "no",
    "swc": "sw",
    "zsm": "ms",
}


@cache
def normalise_language(tag: str) -> str:
    """A language tag -> its base language, written standard ("uz_Cyrl" -> "uz", "gsw" -> "de")."""
    base = langcodes.Language.get(tag.replace("_", "-")).language or tag.lower()
    return WRITTEN_STANDARD.get(base, base)


@cache
def official_languages(country: str) -> frozenset[str]:
    """Official and de facto official languages of a country, normalised."""
    return frozenset(
        normalise_language(lang)
        for lang in get_official_languages(country, regional=False, de_facto=True)
    )


@cache
def country_languages(country: str, min_population_share: float = 20.0) -> frozenset[str]:
    """Official and de facto official languages of a country, plus any language that more
    than min_population_share percent of the population speaks; normalised."""
    official = set(get_official_languages(country, regional=False, de_facto=True))
    info = get_territory_language_info(country)
    widespread = {
        lang
        for lang, facts in info.items()
        if float(facts.get("population_percent") or 0.0) > min_population_share
    }
    return frozenset(normalise_language(lang) for lang in official | widespread)
