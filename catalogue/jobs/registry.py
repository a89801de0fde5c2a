"""Handlers by job kind: ``@register("probe_asset", timeout_s=600, max_attempts=3)``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from catalogue.jobs.errors import UnknownJobKind

if TYPE_CHECKING:
    from catalogue.jobs.context import JobContext

HandlerFn = Callable[["JobContext"], "dict[str, Any] | None"]

# Modules whose import registers the product's handlers; workers import them all at start.
HANDLER_MODULES: tuple[str, ...] = (
    "catalogue.jobs.transcode",
    "catalogue.ingest.probing",
    "catalogue.subtitles.jobs",
    "catalogue.delivery.webhooks",
    "catalogue.tours.planning",
)


@dataclass(frozen=True, slots=True)
class Handler:
    kind: str
    fn: HandlerFn
    timeout_s: int
    max_attempts: int


_HANDLERS: dict[str, Handler] = {}


def register(
    kind: str, *, timeout_s: int = 600, max_attempts: int = 3
) -> Callable[[HandlerFn], HandlerFn]:
    if not kind or len(kind) > 64:
        raise ValueError("job kind: 1-64 characters")
    if timeout_s < 1 or max_attempts < 1:
        raise ValueError("timeout_s and max_attempts must be at least 1")

    def decorate(fn: HandlerFn) -> HandlerFn:
        existing = _HANDLERS.get(kind)
        if existing is not None and existing.fn is not fn:
            # Re-importing the same module is fine; two different handlers for one kind is not.
            same = (existing.fn.__module__, existing.fn.__qualname__) == (
                fn.__module__,
                fn.__qualname__,
            )
            if not same:
                raise ValueError(f"job kind {kind!r} already has a handler: {existing.fn!r}")
        _HANDLERS[kind] = Handler(kind, fn, timeout_s, max_attempts)
        return fn

    return decorate


def handler_for(kind: str) -> Handler:
    try:
        return _HANDLERS[kind]
    except KeyError:
        known = ", ".join(sorted(_HANDLERS)) or "none"
        raise UnknownJobKind(
            f"no handler registered for job kind {kind!r} (known: {known})"
        ) from None


def registered_kinds() -> tuple[str, ...]:
    return tuple(sorted(_HANDLERS))


def load_handlers(extra: Iterable[str] = ()) -> None:
    """Import the modules that register handlers (the product's, then any configured extras)."""
    for name in (*HANDLER_MODULES, *extra):
        importlib.import_module(name)
