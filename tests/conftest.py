"""Shared fixtures: a migrated database (SQLite, and PostgreSQL when the test services run), the app
and its HTTP client, and one user with a token per role."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from catalogue import migrate
from catalogue.accounts import service as accounts
from catalogue.app import create_app
from catalogue.db import make_engine
from catalogue.models import Partner, Role
from catalogue.models.accounts import UserCreate
from catalogue.settings import Settings

POSTGRES_URL = os.environ.get("CATALOGUE_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("CATALOGUE_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy, which is much faster than migrating."""
    path = tmp_path_factory.mktemp("template") / "catalogue.db"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail(
                "CATALOGUE_TEST_POSTGRES_URL is not set; run the suite with scripts/test.sh"
            )
        pytest.skip("PostgreSQL not configured (scripts/test.sh starts one)")
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def _truncate(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@dataclass
class Database:
    kind: str
    settings: Settings
    engine: Engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Database]:
    """A clean, migrated database: every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        shutil.copy(sqlite_template, tmp_path / "catalogue.db")
        settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
        engine = make_engine(settings)
        yield Database("sqlite", settings, engine)
        engine.dispose()
        return
    pg: Engine = request.getfixturevalue("postgres_engine")
    settings = Settings(data_dir=tmp_path, database_url=POSTGRES_URL, _env_file=None)  # type: ignore[call-arg]
    yield Database("postgresql", settings, pg)
    _truncate(pg)


@pytest.fixture
def app(database: Database) -> FastAPI:
    return create_app(database.settings, database.engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    with Session(database.engine) as db_session:
        yield db_session


@dataclass
class Actors:
    """Bearer headers per role; partner_b belongs to a second partner organisation."""

    admin: dict[str, str]
    editor: dict[str, str]
    programmer: dict[str, str]
    partner: dict[str, str]
    partner_b: dict[str, str]
    partner_id: int
    partner_b_id: int


@pytest.fixture
def actors(session: Session) -> Actors:
    partners = [
        Partner(
            slug="almaty-film-centre", name="Almaty Film Centre", kind="cinema", countries=["KZ"]
        ),
        Partner(slug="lumiere-paris", name="Cinéma Lumière", kind="cinema", countries=["FR"]),
    ]
    session.add_all(partners)
    session.commit()
    headers = {}
    for name, role, partner in [
        ("admin", Role.admin, None),
        ("editor", Role.editor, None),
        ("programmer", Role.programmer, None),
        ("partner", Role.partner, partners[0]),
        ("partner_b", Role.partner, partners[1]),
    ]:
        user = accounts.create_user(
            session,
            UserCreate(username=name, role=role, partner_id=partner.id if partner else None),
        )
        issued = accounts.issue_token(session, user, "test", None)
        headers[name] = {"Authorization": f"Bearer {issued.token}"}
    return Actors(**headers, partner_id=partners[0].id, partner_b_id=partners[1].id)  # type: ignore[arg-type]
