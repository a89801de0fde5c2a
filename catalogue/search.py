"""Multilingual full-text search: one normaliser for documents and queries, one index per dialect.

The database tokenisers only split on spaces and punctuation, which finds nothing in Chinese text
and matches surface forms only. So documents and queries go through the same normaliser here:
case folded, diacritics and Arabic vowel marks dropped, Arabic letter variants unified, words
stemmed for their language (Snowball; a light suffix rule for Kazakh; Arabic clitics), traditional
Chinese written as simplified (OpenCC), and Han/kana runs cut into overlapping bigrams (the way
Lucene's CJK analyser does). The database then indexes plain space-separated tokens: SQLite FTS5 by
default, a PostgreSQL ``tsvector`` with a GIN index when on Postgres, so both find the same titles.

A document knows its language, so each word is stored as written and, where it differs, as its
stem. A query's language is unknown: each word matches as written or as its stem in any language
its script is written in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import opencc
import Stemmer

_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[a-z\u00c0-\u024f]")
# Lucene's ArabicNormalizer: alef variants -> bare alef, alef maksura -> yeh, teh marbuta -> heh.
_ARABIC = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": None})
_TO_SIMPLIFIED = opencc.OpenCC("t2s")
MAX_QUERY_TERMS = 16

# BCP 47 primary subtag -> Snowball algorithm.
SNOWBALL = {
    "ru": "russian",
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "pt": "portuguese",
    "ar": "arabic",
}
# The languages a query word may be in, by its script: its stem in each is matched.
_SCRIPT_LANGUAGES = (
    (_CYRILLIC, ("ru", "kk")),
    (_ARABIC_SCRIPT, ("ar",)),
    (_LATIN, ("en", "es", "fr", "pt")),
)

# Kazakh is agglutinative: plural, possessive and case endings stack on the stem in that order
# (барыс-тар-ын, барыс-ы-ның). A light rule, outermost layer first, at most one suffix per layer,
# the longest that leaves a stem of three letters. Possessive -сы/-сі is left alone: it cannot be
# told from a stem ending in с (барыс-ы) without a dictionary.
_KAZAKH_LAYERS = tuple(
    sorted(layer, key=len, reverse=True)
    for layer in (
        # case
        {
            *("ның", "нің", "дың", "дің", "тың", "тің"),
            *("ға", "ге", "қа", "ке", "на", "не"),
            *("ны", "ні", "ды", "ді", "ты", "ті", "ын", "ін"),
            *("да", "де", "та", "те", "нда", "нде"),
            *("дан", "ден", "тан", "тен", "нан", "нен"),
            *("мен", "бен", "пен"),
        },
        # possessive
        {"ым", "ім", "ың", "ің", "ы", "і", "мыз", "міз", "ымыз", "іміз"},
        # plural
        {"лар", "лер", "дар", "дер", "тар", "тер"},
    )
)
_KAZAKH_MIN_STEM = 3
_ARABIC_CONJUNCTION = "و"  # "and", written joined to the next word: والحرير = و + الحرير


@lru_cache(maxsize=len(SNOWBALL))
def _snowball(algorithm: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(algorithm)


def _kazakh_stem(word: str) -> str:
    for layer in _KAZAKH_LAYERS:
        for suffix in layer:
            if word.endswith(suffix) and len(word) - len(suffix) >= _KAZAKH_MIN_STEM:
                word = word[: -len(suffix)]
                break
    return word


def _arabic_stem(word: str) -> str:
    # Light10 (Larkey et al.) drops a leading و from words of four letters or more; Snowball then
    # takes off the article and its clitic forms (ال، بال، كال، فال، لل) and the suffixes.
    word = _strip_marks(word)
    if word.startswith(_ARABIC_CONJUNCTION) and len(word) > 3:
        word = word[1:]
    return str(_snowball("arabic").stemWord(word))


def stem(word: str, language: str | None) -> str:
    """The stem of a case-folded word in a language (BCP 47); the word itself when the language
    has no stemmer here."""
    primary = (language or "").split("-")[0].lower()
    if primary == "kk":
        return _kazakh_stem(word)
    if primary == "ar":
        return _arabic_stem(word)
    if primary in SNOWBALL:
        return str(_snowball(SNOWBALL[primary]).stemWord(word))
    return word


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    """Case-folded words with their accents (stemmers need them), Arabic letters unified."""
    folded = unicodedata.normalize("NFKC", text or "").casefold().translate(_ARABIC)
    return _WORD.findall(folded)


def _cjk_tokens(run: str) -> list[str]:
    # Bigrams, plus the last character alone so that a one-character query finds it as a prefix.
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def _split_word(word: str) -> list[tuple[bool, str]]:
    """A word cut into (is_cjk, part) pieces: '中国China' -> [(True, '中国'), (False, 'china')].
    Han characters come out simplified, so that 絲綢 and 丝绸 are the same tokens."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    for match in _CJK.finditer(word):
        if match.start() > position:
            pieces.append((False, word[position : match.start()]))
        pieces.append((True, _TO_SIMPLIFIED.convert(match.group())))
        position = match.end()
    if position < len(word):
        pieces.append((False, word[position:]))
    return pieces


def _word_forms(part: str, language: str | None) -> list[str]:
    """A non-CJK word as stored: as written, then its stem if that differs."""
    surface = _strip_marks(part)
    stemmed = _strip_marks(stem(part, language))
    return [surface] if stemmed == surface or not stemmed else [surface, stemmed]


def document_tokens(*texts: str, language: str | None = None) -> str:
    """The normalised token string of texts written in `language` (BCP 47, None if unknown)."""
    tokens: list[str] = []
    for text in texts:
        for word in _words(text):
            for is_cjk, part in _split_word(word):
                tokens.extend(_cjk_tokens(part) if is_cjk else _word_forms(part, language))
    return " ".join(tokens)


@dataclass(frozen=True)
class Document:
    """What `title_search` stores for one title: its titles and its synopses, apart, so that a
    hit in a title ranks above a hit in a synopsis."""

    titles: str
    synopses: str


def title_document(
    original_title: str, original_language: str, localizations: Iterable[tuple[str, str, str]]
) -> Document:
    """`localizations`: (language, title, synopsis) of each translation."""
    titles = [document_tokens(original_title, language=original_language)]
    synopses = []
    for language, title, synopsis in localizations:
        titles.append(document_tokens(title, language=language))
        synopses.append(document_tokens(synopsis, language=language))
    return Document(" ".join(t for t in titles if t), " ".join(s for s in synopses if s))


@dataclass(frozen=True)
class Term:
    """One query term: a phrase of tokens that must be adjacent, optionally a prefix; or, for a
    word, any of its `stems` instead."""

    tokens: tuple[str, ...]
    prefix: bool = False
    stems: tuple[str, ...] = ()


def _query_stems(part: str) -> tuple[str, ...]:
    surface = _strip_marks(part)
    languages = next((langs for script, langs in _SCRIPT_LANGUAGES if script.search(part)), ())
    stems = {_strip_marks(stem(part, lang)) for lang in languages}
    return tuple(sorted(s for s in stems if s and s != surface))


def query_terms(query: str) -> list[Term]:
    terms: list[Term] = []
    for word in _words(query):
        for is_cjk, part in _split_word(word):
            if is_cjk and len(part) == 1:
                terms.append(Term((part,), prefix=True))
            elif is_cjk:
                terms.append(Term(tuple(part[i : i + 2] for i in range(len(part) - 1))))
            else:
                terms.append(Term((_strip_marks(part),), stems=_query_stems(part)))
    if (
        terms
        and not terms[-1].prefix
        and len(terms[-1].tokens) == 1
        and not _CJK.match(terms[-1].tokens[0])
    ):
        # The last word may still be being typed: match it as a prefix.
        last = terms[-1]
        terms[-1] = Term(last.tokens, prefix=True, stems=last.stems)
    return terms[:MAX_QUERY_TERMS]


def fts5_query(terms: list[Term]) -> str:
    """An FTS5 MATCH expression: every term required. Tokens are \\w only, so quoting is safe."""
    parts = []
    for term in terms:
        phrase = '"' + " ".join(term.tokens) + '"' + ("*" if term.prefix else "")
        if term.stems:
            phrase = "(" + " OR ".join([phrase, *(f'"{s}"' for s in term.stems)]) + ")"
        parts.append(phrase)
    return " AND ".join(parts)


def tsquery(terms: list[Term], weight: str = "") -> str:
    """A PostgreSQL ``to_tsquery('simple', ...)`` expression with the same meaning; with a
    `weight` (A: titles, B: synopses), matching only words of that weight."""
    parts = []
    for term in terms:
        tokens = [f"'{token}':{weight}" if weight else f"'{token}'" for token in term.tokens]
        if term.prefix:
            tokens[-1] += "*" if weight else ":*"
        stems = [f"'{s}':{weight}" if weight else f"'{s}'" for s in term.stems]
        parts.append("(" + " | ".join([" <-> ".join(tokens), *stems]) + ")")
    return " & ".join(parts)
