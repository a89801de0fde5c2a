"""State columns hold their enum's values as plain strings and are read back as members."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlmodel import Session, select

from catalogue.models import Job, JobStatus, Title, TitleKind, TitleStatus
from tests.conftest import Database


def test_a_state_is_stored_as_its_value_and_read_back_as_a_member(database: Database) -> None:
    with Session(database.engine) as session:
        session.add(Job(kind="demo", status=JobStatus.running))
        session.add(Title(kind=TitleKind.drama, original_title="Kelin", original_language="kk"))
        session.commit()
    with database.engine.connect() as connection:
        stored = connection.execute(text("SELECT status FROM job")).scalar_one()
        assert (type(stored), stored) == (str, "running")
    with Session(database.engine) as session:
        job = session.exec(select(Job)).one()
        title = session.exec(select(Title).where(Title.kind == "drama")).one()
        assert job.status is JobStatus.running
        assert (title.kind, title.status) == (TitleKind.drama, TitleStatus.draft)
        assert title.kind is TitleKind.drama and title.status is TitleStatus.draft


def test_a_value_outside_the_enum_is_refused(database: Database) -> None:
    with Session(database.engine) as session:
        session.add(Job(kind="demo", status="sleeping"))  # type: ignore[arg-type]
        with pytest.raises(StatementError, match="sleeping"):
            session.commit()
