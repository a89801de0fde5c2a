"""Job kinds and their handlers. The engine knows none: the entry points hand it a table
(`Mapping[JobKind, Handler]`, the product's is `catalogue.handlers.HANDLERS`), and producers
name the kind and its handler when they enqueue, so the job row records its limits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NewType

from catalogue.jobs.context import JobContext
from catalogue.jobs.errors import UnknownJobKind

JobKind = NewType("JobKind", str)
JobResult = dict[str, Any] | None
HandlerFn = Callable[[JobContext[Any]], JobResult]


@dataclass(frozen=True, slots=True)
class Handler:
    """What runs a kind of job, and its limits (recorded on each job row at enqueue)."""

    fn: HandlerFn
    timeout_s: int = 600
    max_attempts: int = 3

    def __post_init__(self) -> None:
        if self.timeout_s < 1 or self.max_attempts < 1:
            raise ValueError("timeout_s and max_attempts must be at least 1")


Handlers = Mapping[JobKind, Handler]


def handler_for(handlers: Handlers, kind: str) -> Handler:
    try:
        return handlers[JobKind(kind)]
    except KeyError:
        known = ", ".join(sorted(handlers)) or "none"
        raise UnknownJobKind(f"no handler for job kind {kind!r} (known: {known})") from None


def longest_timeout(handlers: Handlers, default: int = 600) -> int:
    return max((h.timeout_s for h in handlers.values()), default=default)
