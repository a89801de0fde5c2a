"""The SQL form of `languages.in_family`: a WHERE clause over a column of stored tags."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from catalogue.rights_core.languages import SEPARATOR, canonical_case

# Every tag 'zh-...' sorts between 'zh-' and 'zh.' ('-' is 0x2D, '.' is 0x2E): a range rather
# than LIKE, so that an index on the column is used (SQLite's LIKE ignores case and so no index).
# The range holds only in byte order: a PostgreSQL database created with a natural-language
# collation (en_US.UTF-8 ignores punctuation at first) would sort 'zh-Hant' after 'zh.'.
_AFTER_SEPARATOR = chr(ord(SEPARATOR) + 1)


class _ByteOrder(FunctionElement[str]):
    """Its argument, compared in byte order whatever the database's default collation."""

    name = "byte_order"
    inherit_cache = True


@compiles(_ByteOrder)
def _plain(element: _ByteOrder, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)  # SQLite compares bytes (BINARY) already


@compiles(_ByteOrder, "postgresql")
def _collate_c(element: _ByteOrder, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'


def in_family_clause(column: Any, family: str) -> ColumnElement[bool]:
    """Rows whose tag in `column` is `family` or a more specific tag of it ('zh' finds 'zh',
    'zh-Hans' and 'zh-Hant-TW'). The column holds tags in canonical case."""
    tag = canonical_case(family)
    ordered = _ByteOrder(column)
    return or_(
        column == tag,
        and_(ordered > tag + SEPARATOR, ordered < tag + _AFTER_SEPARATOR),
    )
