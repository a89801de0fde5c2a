"""How many titles a list matches: counted where that is cheap, estimated where it is not.

Counting every match was most of a large list's cost: every title of a kind and a year range, or
with a common word or tag, read and checked, to show one page of twenty. So:
- a page that shows the last match knows the total (the service does not ask here);
- a list narrowed by search words or a tag is counted when those alone match at most
  `COUNTED_UP_TO` titles (its upper bound, read from an index: see `filters.upper_bounds`);
- otherwise the same filters are counted over evenly spread slices of the id space and scaled
  up, which reads a fixed number of rows whatever the catalogue's size; a list without words or
  tag whose estimate is near or under `EXACT_TOTAL_UP_TO` is then counted, stopping there.
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
# Counting a list narrowed by words or a tag reads up to this many titles (about 6 ms at a
# million titles on the bench machine).
COUNTED_UP_TO = 2 * EXACT_TOTAL_UP_TO


@dataclass(frozen=True)
class Total:
    count: int
    estimate: bool

    def __str__(self) -> str:
        return f"about {self.count:,}" if self.estimate else f"{self.count:,}"


def _ids(matching: Select[Any]) -> Select[Any]:
    return matching.with_only_columns(col(Title.id), maintain_column_froms=True).order_by(None)


def _count(session: Session, ids: Select[Any]) -> int:
    return int(session.execute(select(func.count()).select_from(ids.subquery())).scalar_one())


def total(
    session: Session,
    matching: Select[Any],
    sampled: Select[Any],
    bounds: list[Select[Any]],
    exact: bool,
    at_least: int,
) -> Total:
    """`matching`: the list's titles, unordered (`filters.matching`); `sampled`: the same for
    counting a sample; `bounds`: counts the total cannot exceed (`filters.upper_bounds`);
    `at_least`: the matches the page has already seen."""
    ids = _ids(matching)
    if exact:
        return Total(_count(session, ids), estimate=False)
    bound = min((int(session.execute(b).scalar_one()) for b in bounds), default=None)
    if bound is not None and bound <= COUNTED_UP_TO:
        return Total(_count(session, ids), estimate=False)
    # Two subqueries: SQLite answers min() or max() from the index only when each is alone.
    low, high = session.execute(
        select(
            select(func.min(Title.id)).scalar_subquery(),
            select(func.max(Title.id)).scalar_subquery(),
        )
    ).one()
    span = 0 if low is None else high - low + 1
    if span <= SAMPLE_IDS:  # a small id space is cheaper to count than to sample
        return Total(_count(session, ids), estimate=False)
    estimate = round(_count(session, _ids(sampled).where(_sample(low, span))) * span / SAMPLE_IDS)
    if bound is None and estimate < 2 * EXACT_TOTAL_UP_TO:
        # Near or under the threshold, counting up to it says whether the total is small enough
        # to be exact. (With words or a tag that would read every title they match.)
        counted = _count(session, ids.limit(EXACT_TOTAL_UP_TO))
        if counted < EXACT_TOTAL_UP_TO:
            return Total(counted, estimate=False)
        at_least = max(at_least, EXACT_TOTAL_UP_TO)
    if bound is not None:
        estimate = min(estimate, bound)
    return Total(max(at_least, estimate), estimate=True)


def _sample(low: int, span: int) -> ColumnElement[bool]:
    """SAMPLE_SLICES runs of ids, evenly spread from the lowest id to the highest."""
    width = SAMPLE_IDS // SAMPLE_SLICES
    starts = [low + (span - width) * i // (SAMPLE_SLICES - 1) for i in range(SAMPLE_SLICES)]
    return or_(*(col(Title.id).between(start, start + width - 1) for start in starts))
