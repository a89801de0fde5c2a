"""How many titles a list matches: counted up to `EXACT_TOTAL_UP_TO`, estimated above it.

Counting every match was most of a large filtered list's cost (every row of a kind and a year range
read and checked, to show one page of twenty). Here the same filters are counted over evenly spread
slices of the id space and scaled up, which reads a fixed number of rows whatever the catalogue's
size; a total near or under the threshold is then counted, stopping at the threshold.
`exact=True` counts everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from catalogue.models import Title
from catalogue.models.titles import EXACT_TOTAL_UP_TO

SAMPLE_SLICES = 16
SAMPLE_IDS = 4_096  # ids read by an estimate, across all slices


@dataclass(frozen=True)
class Total:
    count: int
    estimate: bool

    def __str__(self) -> str:
        return f"about {self.count:,}" if self.estimate else f"{self.count:,}"


def _count(session: Session, ids: Select[Any]) -> int:
    return int(session.execute(select(func.count()).select_from(ids.subquery())).scalar_one())


def total(session: Session, matching: Select[Any], exact: bool) -> Total:
    """`matching`: the list's titles, unordered (`filters.matching`)."""
    ids = matching.with_only_columns(col(Title.id), maintain_column_froms=True).order_by(None)
    # Two subqueries: SQLite answers min() or max() from the index only when each is alone.
    low, high = session.execute(
        select(
            select(func.min(Title.id)).scalar_subquery(),
            select(func.max(Title.id)).scalar_subquery(),
        )
    ).one()
    span = 0 if low is None else high - low + 1
    if exact or span <= SAMPLE_IDS:  # a small id space is cheaper to count than to sample
        return Total(_count(session, ids), estimate=False)
    # The sample first: a large total then costs the sample alone. Near or under the threshold,
    # counting up to it says whether the total is small enough to be exact.
    estimate = round(_count(session, ids.where(_sample(low, span))) * span / SAMPLE_IDS)
    if estimate < 2 * EXACT_TOTAL_UP_TO:
        counted = _count(session, ids.limit(EXACT_TOTAL_UP_TO))
        if counted < EXACT_TOTAL_UP_TO:
            return Total(counted, estimate=False)
    return Total(max(EXACT_TOTAL_UP_TO, estimate), estimate=True)


def _sample(low: int, span: int) -> ColumnElement[bool]:
    """SAMPLE_SLICES runs of ids, evenly spread from the lowest id to the highest."""
    width = SAMPLE_IDS // SAMPLE_SLICES
    starts = [low + (span - width) * i // (SAMPLE_SLICES - 1) for i in range(SAMPLE_SLICES)]
    return or_(*(col(Title.id).between(start, start + width - 1) for start in starts))
