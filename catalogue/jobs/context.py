"""What a handler sees: ids in its payload, a way to open sessions, the worker process's storage,
progress and cancellation."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalogue.settings import Settings

ProgressSink = Callable[[float, "str | None"], None]
# The storage the entry point built once for this worker process. The engine only passes it
# on (it knows no storage), so a handler names its type: ``ctx: JobContext[Storage]``.
StorageT = TypeVar("StorageT")


@dataclass
class JobContext(Generic[StorageT]):
    job_id: int
    kind: str
    payload: dict[str, Any]
    attempt: int
    settings: Settings
    engine: Engine
    storage: StorageT
    _sink: ProgressSink
    _stop: threading.Event = field(default_factory=threading.Event)
    _shutdown: threading.Event = field(default_factory=threading.Event)
    _min_interval_s: float = 0.5
    _last_write: float = field(default=0.0)
    _last_fraction: float = field(default=-1.0)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    def progress(self, fraction: float, message: str | None = None) -> None:
        """Record progress (0.0-1.0). Throttled: at most one write per interval, plus the end."""
        fraction = min(1.0, max(0.0, fraction))
        now = time.monotonic()
        finished = fraction >= 1.0 and self._last_fraction < 1.0
        if not finished and now - self._last_write < self._min_interval_s:
            return
        self._last_write, self._last_fraction = now, fraction
        self._sink(fraction, message)

    def cancelled(self) -> bool:
        """True once a cancel was requested, the lease was lost, the timeout passed or the worker
        is shutting down (the job then goes back to the queue).

        Cheap (no database query): the heartbeat refreshes it. Usable as the transcoder's
        cancel hook (``cancel=ctx.cancelled``)."""
        return self._stop.is_set() or self._shutdown.is_set()
