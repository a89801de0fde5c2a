"""The service's named errors; the API turns each into one HTTP answer in one place."""

from __future__ import annotations


class CatalogueError(Exception):
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def headers(self) -> dict[str, str] | None:
        """Headers the HTTP answer must carry (a challenge, a retry delay)."""
        return None


class NotFound(CatalogueError):
    status_code = 404


class Conflict(CatalogueError):
    """A duplicate, or a state that forbids the change (e.g. deleting a published title)."""

    status_code = 409


class InvalidInput(CatalogueError):
    """Input that passed the schema but is wrong in context (an unknown campaign slug, ...)."""

    status_code = 422


class NotAuthenticated(CatalogueError):
    status_code = 401

    @property
    def headers(self) -> dict[str, str] | None:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(CatalogueError):
    status_code = 403


class TooManyRequests(CatalogueError):
    """Refused until `retry_after_s` seconds have passed (a rate limit)."""

    status_code = 429

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(self.retry_after_s)}
