"""The search normaliser: one treatment for documents and queries, in every script we screen in."""

from __future__ import annotations

import pytest

from catalogue import search


def matches(document: str, query: str) -> bool:
    """Evaluates query terms against a document the way the FTS index does (phrases, prefixes)."""
    tokens = search.document_tokens(document).split()
    for term in search.query_terms(query):
        width = len(term.tokens)
        found = False
        for i in range(len(tokens) - width + 1):
            window = tokens[i : i + width]
            if window[:-1] == list(term.tokens[:-1]) and (
                window[-1].startswith(term.tokens[-1])
                if term.prefix
                else window[-1] == term.tokens[-1]
            ):
                found = True
        if not found:
            return False
    return True


def test_chinese_is_cut_into_bigrams_with_a_trailing_character() -> None:
    assert search.document_tokens("中国航天") == "中国 国航 航天 天"


@pytest.mark.parametrize(
    ("document", "query"),
    [
        ("中国空间站背后十年的努力", "空间站"),
        ("中国空间站背后十年的努力", "空间"),
        ("中国空间站背后十年的努力", "站"),
        ("Хранители снежного барса", "СНЕЖНОГО"),
        ("Хранители снежного барса", "хранит"),  # the word being typed
        ("Қар барысының қорғаушылары", "барысының"),
        ("أصداءُ طريقِ الحرير", "طريق"),  # vowel marks ignored
        ("إسلام", "اسلام"),  # alef variants unified
        ("Cinéma Lumière", "cinema lumiere"),
        ("Ecos de la Ruta de la Seda", "RUTA seda"),
        ("ＣＨＩＮＡ", "china"),  # full-width forms
    ],
)
def test_finds(document: str, query: str) -> None:
    assert matches(document, query)


@pytest.mark.parametrize(
    ("document", "query"),
    [
        ("中国空间站", "间空"),
        ("Хранители снежного барса", "волк"),
        ("Guardians of the Snow Leopard", "snow tiger"),
    ],
)
def test_does_not_find(document: str, query: str) -> None:
    assert not matches(document, query)


def test_query_syntax_is_never_passed_through() -> None:
    # Operators and quotes are not word characters, so they cannot reach the FTS engine.
    terms = search.query_terms('"a" OR NEAR(b) * -c :d')
    assert search.fts5_query(terms) == '"a" AND "or" AND "near" AND "b" AND "c" AND "d"*'
    assert search.tsquery(terms).count("'") == 12


def test_query_term_count_is_capped() -> None:
    assert len(search.query_terms(" ".join(f"w{i}" for i in range(100)))) == search.MAX_QUERY_TERMS
