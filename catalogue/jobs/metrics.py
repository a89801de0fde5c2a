"""Prometheus metrics for jobs, on the service's /metrics: outcomes and durations as observed by
the process running the jobs, and counts by kind and status read from the job table at scrape."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from catalogue.models.jobs import Job

log = logging.getLogger("catalogue.jobs")

OUTCOMES = Counter(
    "catalogue_job_outcomes_total",
    "Job attempts by how they ended (succeeded, failed, retried, cancelled, released)",
    ["kind", "outcome"],
)
DURATION = Histogram(
    "catalogue_job_duration_seconds",
    "Wall-clock time of one job attempt",
    ["kind", "outcome"],
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600),
)


class JobTableCollector(Collector):
    """``catalogue_jobs{kind,status}``: the whole fleet's jobs, whichever worker ran them."""

    def __init__(self) -> None:
        self.engine: Engine | None = None

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "catalogue_jobs", "Jobs by kind and status", labels=["kind", "status"]
        )
        if self.engine is not None:
            kind_col, status_col = col(Job.kind), col(Job.status)
            query = select(kind_col, status_col, func.count()).group_by(kind_col, status_col)
            try:
                with self.engine.connect() as connection:
                    for kind, status, count in connection.execute(query):
                        family.add_metric([kind, status], count)
            except Exception:  # a scrape must never fail because the database is down
                log.warning("could not count jobs for metrics", exc_info=True)
        yield family


TABLE = JobTableCollector()
REGISTRY.register(TABLE)


def watch(engine: Engine) -> None:
    """Count jobs in ``engine`` at each scrape (the service's own database)."""
    TABLE.engine = engine
