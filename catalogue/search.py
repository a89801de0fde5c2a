"""Multilingual full-text search: one normaliser for documents and queries, one index per dialect.

The database tokenisers only split on spaces and punctuation, which finds nothing in Chinese text. So
documents and queries go through the same normaliser here: case folded, diacritics and Arabic
vowel marks dropped, Arabic letter variants unified, and Han/kana runs cut into overlapping
bigrams (the way Lucene's CJK analyser does). The database then indexes plain space-separated
tokens: SQLite FTS5 by default, a PostgreSQL ``tsvector`` with a GIN index when on Postgres.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
# Lucene's ArabicNormalizer: alef variants -> bare alef, alef maksura -> yeh, teh marbuta -> heh.
_ARABIC = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": None})
MAX_QUERY_TERMS = 16


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_ARABIC)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _cjk_tokens(run: str) -> list[str]:
    # Bigrams, plus the last character alone so that a one-character query finds it as a prefix.
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def _split_word(word: str) -> list[tuple[bool, str]]:
    """A word cut into (is_cjk, part) pieces: '中国China' -> [(True, '中国'), (False, 'china')]."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    for match in _CJK.finditer(word):
        if match.start() > position:
            pieces.append((False, word[position : match.start()]))
        pieces.append((True, match.group()))
        position = match.end()
    if position < len(word):
        pieces.append((False, word[position:]))
    return pieces


def document_tokens(*texts: str) -> str:
    """The normalised token string stored in ``title_search.document``."""
    tokens: list[str] = []
    for text in texts:
        for word in _WORD.findall(_fold(text or "")):
            for is_cjk, part in _split_word(word):
                tokens.extend(_cjk_tokens(part) if is_cjk else [part])
    return " ".join(tokens)


@dataclass(frozen=True)
class Term:
    """One query term: a phrase of tokens that must be adjacent, optionally a prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False


def query_terms(query: str) -> list[Term]:
    terms: list[Term] = []
    for word in _WORD.findall(_fold(query)):
        for is_cjk, part in _split_word(word):
            if is_cjk and len(part) == 1:
                terms.append(Term((part,), prefix=True))
            elif is_cjk:
                terms.append(Term(tuple(part[i : i + 2] for i in range(len(part) - 1))))
            else:
                terms.append(Term((part,)))
    if (
        terms
        and not terms[-1].prefix
        and len(terms[-1].tokens) == 1
        and not _CJK.match(terms[-1].tokens[0])
    ):
        # The last word may still be being typed: match it as a prefix.
        terms[-1] = Term(terms[-1].tokens, prefix=True)
    return terms[:MAX_QUERY_TERMS]


def fts5_query(terms: list[Term]) -> str:
    """An FTS5 MATCH expression: every term required. Tokens are \\w only, so quoting is safe."""
    parts = []
    for term in terms:
        phrase = '"' + " ".join(term.tokens) + '"'
        parts.append(phrase + ("*" if term.prefix else ""))
    return " AND ".join(parts)


def tsquery(terms: list[Term]) -> str:
    """A PostgreSQL ``to_tsquery('simple', ...)`` expression with the same meaning."""
    parts = []
    for term in terms:
        tokens = [f"'{token}'" for token in term.tokens]
        if term.prefix:
            tokens[-1] += ":*"
        parts.append("(" + " <-> ".join(tokens) + ")")
    return " & ".join(parts)
