"""Named failures of the job system. Handlers raise the first two; the runner maps every other
exception to one of them in one place (catalogue.jobs.failures)."""

from __future__ import annotations


class PermanentJobError(Exception):
    """Retrying will not help (bad data): the job fails at once with this message."""


class TransientJobError(Exception):
    """The machine or a dependency failed (storage down, ...): retried with backoff."""


class UnknownJobKind(LookupError):
    """No handler is registered for a job kind (a programming or deployment error)."""


class InvalidJobPayload(ValueError):
    """A payload that is not plain JSON (payloads carry ids, never ORM objects)."""
