"""The SQL form of the language-family match agrees with the Python form, on SQLite and
PostgreSQL, over stored tags in canonical case and families in any case."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.engine import Engine

from catalogue.rights_core.language_sql import in_family_clause
from catalogue.rights_core.languages import canonical_case, in_family
from tests.conftest import Database

STORED = (
    "zh",
    "zh-Hans",
    "zh-Hant",
    "zh-Hans-CN",
    "zh-Hant-TW",
    "zh-Hant-HK",
    "yue",
    "yue-Hant",
    "zha",
    "kk",
    "kk-Cyrl",
    "kk-Latn",
    "uz",
    "uz-Latn",
    "uz-Cyrl",
    "sr",
    "sr-Latn",
    "sr-Cyrl-RS",
    "pt",
    "pt-BR",
    "pt-PT",
    "es",
    "es-419",
    "es-MX",
    "en",
    "en-GB",
    "en-x-private",
    "de-CH-1901",
    "ar-001",
    "ru",
    "und",
    "zxx",
)
FAMILIES = (
    *STORED,
    "ZH",
    "zh-hans",
    "ZH-HANT-tw",
    "PT-br",
    "ES-419",
    "Sr-latn",
    "UND",
    "z",
    "zh-TW",
    "kk-Arab",
    "en-x",
    "de-CH",
)

_metadata = MetaData()
_probe = Table(
    "language_family_probe",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("language", String(35), nullable=False, index=True),
)


@pytest.fixture
def probe(database: Database) -> Iterator[Engine]:
    engine = database.engine
    _metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(_probe.insert(), [{"language": tag} for tag in STORED])
    yield engine
    _metadata.drop_all(engine)


def test_the_stored_tags_are_in_canonical_case() -> None:
    assert [canonical_case(tag) for tag in STORED] == list(STORED)


@pytest.mark.parametrize("family", FAMILIES)
def test_sql_and_python_forms_agree(probe: Engine, family: str) -> None:
    with probe.connect() as connection:
        found = set(
            connection.scalars(
                select(_probe.c.language).where(in_family_clause(_probe.c.language, family))
            )
        )
    assert found == {tag for tag in STORED if in_family(tag, family)}


def test_the_families_find_what_a_reader_expects(probe: Engine) -> None:
    def matches(family: str) -> set[str]:
        with probe.connect() as connection:
            statement = select(_probe.c.language).where(in_family_clause(_probe.c.language, family))
            return set(connection.scalars(statement))

    assert matches("zh") == {"zh", "zh-Hans", "zh-Hant", "zh-Hans-CN", "zh-Hant-TW", "zh-Hant-HK"}
    assert matches("zh-hant") == {"zh-Hant", "zh-Hant-TW", "zh-Hant-HK"}
    assert matches("sr-Latn") == {"sr-Latn"}
    assert matches("es") == {"es", "es-419", "es-MX"}
    assert matches("zh-TW") == set()


def test_the_range_compares_in_byte_order_on_postgresql() -> None:
    # A cluster created with a natural-language collation (en_US.UTF-8 ignores punctuation at
    # first) would sort 'zh-Hant' after 'zh.': the range must not depend on the default collation.
    from sqlalchemy.dialects import postgresql, sqlite

    clause = in_family_clause(_probe.c.language, "zh")
    on_postgres = str(clause.compile(dialect=postgresql.dialect()))
    assert on_postgres.count('COLLATE "C"') == 2
    assert "COLLATE" not in str(clause.compile(dialect=sqlite.dialect()))
