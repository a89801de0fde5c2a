"""The delivery audit log (who fetched or was refused what, when) and per-partner daily quotas.
Failed and rate-limited sign-ins land in the same log, written by `catalogue.auth.ratelimit`
(the auth core sits below this package and cannot call `record`).

Entries are written in a session of their own: a refusal is recorded even though the request's
own transaction is rolled back.

HLS segment fetches are not one row each (a 90-minute title at 4-second segments would write
~1,350 rows per rendition per viewing): they are summed per link, per stream (the segments'
folder) and per UTC hour in this process (`SegmentTally`) and written in batches, by upsert, on
a timer and at shutdown (`flushing_audit`). Other downloads (playlists, MP4, packages) stay one
row each. Quotas count both, and this process's batch not yet written."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, time
from weakref import WeakKeyDictionary

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from catalogue.errors import CatalogueError
from catalogue.models import AuditEvent, AuditFetchHour
from catalogue.models.delivery import AuditAction, AuditEventPublic, AuditFetchHourPublic
from catalogue.models.types import utcnow
from catalogue.periodic import repeating
from catalogue.settings import Settings

log = logging.getLogger("catalogue.delivery")

# Media segments of an HLS ladder (fMP4, MPEG-TS, packed audio): summed, never a row each.
SEGMENT_SUFFIXES = (".m4s", ".ts", ".aac")


class QuotaExceeded(CatalogueError):
    status_code = 429


def record(
    engine: Engine,
    *,
    action: AuditAction,
    target: str,
    status_code: int,
    partner_id: int | None,
    user_id: int | None = None,
    size: int | None = None,
    detail: str = "",
) -> None:
    with Session(engine) as session:
        session.add(
            AuditEvent(
                action=action,
                target=target[:400],
                status_code=status_code,
                partner_id=partner_id,
                user_id=user_id,
                bytes=size,
                detail=detail,
            )
        )
        session.commit()


def link_id(token: str) -> str:
    """A link's name in the audit log: not the token itself (which would be a credential)."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def is_segment(key: str) -> bool:
    return key.endswith(SEGMENT_SUFFIXES)


def record_fetch(
    tally: SegmentTally, *, token: str, key: str, partner_id: int, size: int, detail: str = ""
) -> None:
    """A download through a signed link: a segment is added to the service's tally, anything
    else is a row of its own."""
    if is_segment(key):
        tally.add(link_id(token), partner_id, key.rsplit("/", 1)[0] + "/", size)
        return
    record(
        tally.engine,
        action=AuditAction.fetch,
        target=key,
        status_code=200,
        partner_id=partner_id,
        size=size,
        detail=detail,
    )


@dataclass(frozen=True, slots=True)
class _Bucket:
    hour: datetime
    link: str
    partner_id: int
    target: str


class SegmentTally:
    """Segment fetches this process has served and not yet written: bucket -> [requests, bytes]."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._pending: dict[_Bucket, list[int]] = {}

    def add(self, link: str, partner_id: int, target: str, size: int) -> None:
        hour = utcnow().replace(minute=0, second=0, microsecond=0)
        bucket = _Bucket(hour, link, partner_id, target[:400])
        with self._lock:
            counts = self._pending.setdefault(bucket, [0, 0])
            counts[0] += 1
            counts[1] += size

    def pending_bytes(self, partner_id: int, since: datetime) -> int:
        with self._lock:
            return sum(
                counts[1]
                for bucket, counts in self._pending.items()
                if bucket.partner_id == partner_id and bucket.hour >= since
            )

    def flush(self) -> int:
        """Write the pending sums (added to any row the hour already has); returns rows
        written. On failure they stay pending for the next flush."""
        with self._lock:
            batch, self._pending = self._pending, {}
        if not batch:
            return 0
        try:
            with Session(self.engine) as session:
                _upsert(session, batch)
                session.commit()
        except BaseException:
            with self._lock:
                for bucket, (requests, size) in batch.items():
                    counts = self._pending.setdefault(bucket, [0, 0])
                    counts[0] += requests
                    counts[1] += size
            raise
        return len(batch)


# One tally per application (as `overload` keeps one gate per application).
_tallies: WeakKeyDictionary[object, SegmentTally] = WeakKeyDictionary()
_tallies_lock = threading.Lock()


def tally_of(app: object, engine: Engine) -> SegmentTally:
    """The segment sums `app` has served into the database behind `engine`, not yet written."""
    with _tallies_lock:
        tally = _tallies.get(app)
        if tally is None:
            tally = _tallies[app] = SegmentTally(engine)
        return tally


def _upsert(session: Session, batch: dict[_Bucket, list[int]]) -> None:
    table = AuditFetchHour.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    rows = [
        {"hour": b.hour, "link": b.link, "partner_id": b.partner_id, "target": b.target,
         "requests": requests, "bytes": size}
        for b, (requests, size) in sorted(batch.items(), key=lambda item: repr(item[0]))
    ]  # fmt: skip
    statement = dialect.insert(table).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["hour", "link", "target"],
            set_={
                "requests": table.c.requests + statement.excluded.requests,
                "bytes": table.c.bytes + statement.excluded.bytes,
            },
        )
    )


@contextlib.asynccontextmanager
async def flushing_audit(tally: SegmentTally, interval_s: float) -> AsyncIterator[None]:
    """Write the segment tally every `interval_s` while the service runs, and at shutdown (a
    failed round leaves the sums pending for the next)."""
    async with repeating(tally.flush, interval_s, what="writing the segment audit"):
        yield
    await run_in_threadpool(tally.flush)


def segment_fetches(
    session: Session, tally: SegmentTally, partner_id: int | None, limit: int
) -> list[AuditFetchHourPublic]:
    """Segment fetches per link, stream and hour, newest hour first (this process's pending
    sums written first, so the answer is current)."""
    tally.flush()
    statement = (
        select(AuditFetchHour)
        .order_by(col(AuditFetchHour.hour).desc(), col(AuditFetchHour.id).desc())
        .limit(limit)
    )
    if partner_id is not None:
        statement = statement.where(AuditFetchHour.partner_id == partner_id)
    return [
        AuditFetchHourPublic.model_validate(row, from_attributes=True)
        for row in session.exec(statement)
    ]


def _since_midnight() -> datetime:
    now = utcnow()
    return datetime.combine(now.date(), time(), tzinfo=now.tzinfo)


def links_today(session: Session, partner_id: int) -> int:
    return int(
        session.exec(
            select(func.count()).where(
                AuditEvent.partner_id == partner_id,
                AuditEvent.action == AuditAction.link_issued,
                col(AuditEvent.at) >= _since_midnight(),
            )
        ).one()
    )


def bytes_today(session: Session, tally: SegmentTally, partner_id: int) -> int:
    """Downloads one by one, segment sums written, and this process's sums not yet written."""
    midnight = _since_midnight()
    single = session.exec(
        select(func.coalesce(func.sum(AuditEvent.bytes), 0)).where(
            AuditEvent.partner_id == partner_id,
            AuditEvent.action == AuditAction.fetch,
            col(AuditEvent.at) >= midnight,
        )
    ).one()
    segments = session.exec(
        select(func.coalesce(func.sum(AuditFetchHour.bytes), 0)).where(
            AuditFetchHour.partner_id == partner_id, col(AuditFetchHour.hour) >= midnight
        )
    ).one()
    pending = tally.pending_bytes(partner_id, midnight)
    return int(single or 0) + int(segments or 0) + pending


def check_link_quota(session: Session, settings: Settings, partner_id: int) -> None:
    cap = settings.delivery_daily_link_quota
    if cap is not None and links_today(session, partner_id) >= cap:
        raise QuotaExceeded(
            f"daily download-link quota reached ({cap} links per UTC day); "
            "reuse a link you already have (they last hours) or try again tomorrow"
        )


def check_byte_quota(
    session: Session, settings: Settings, tally: SegmentTally, partner_id: int, wanted: int
) -> None:
    cap = settings.delivery_daily_byte_quota
    if cap is None:
        return
    used = bytes_today(session, tally, partner_id)
    if used + wanted > cap:
        raise QuotaExceeded(
            f"daily download quota reached: {used} of {cap} bytes used today (UTC), this file "
            f"needs {wanted}; downloads resume from where they stopped tomorrow (HTTP Range)"
        )


def events(
    session: Session, partner_id: int | None, action: AuditAction | None, limit: int
) -> list[AuditEventPublic]:
    """Newest first."""
    statement = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if partner_id is not None:
        statement = statement.where(AuditEvent.partner_id == partner_id)
    if action is not None:
        statement = statement.where(AuditEvent.action == action)
    return [
        AuditEventPublic.model_validate(e, from_attributes=True) for e in session.exec(statement)
    ]
