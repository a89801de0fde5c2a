"""Failed sign-ins, counted per client address and per account, refused with 429 past a limit.

Three doors are counted: the pages' password sign-in and token sign-in, and bearer tokens on the
API. Only failures count, so honest traffic never uses the allowance up. Once an address or an
account has used it up, every attempt through that door is refused, the right credential too,
until the moving window has passed: answering the right guess would still tell a guesser when
they have found it.

Per address: every door (`sign_in_failures_per_address` per `sign_in_address_window_s`; an IPv6
client is counted by its /64, which one subscriber usually holds whole). Per account: the user
name of a password sign-in (`sign_in_failures_per_account` per `sign_in_account_window_s`, from
any address); a token names no account until it is found, and its 256 random bits are not for
guessing. Counts live in `rate_limit_storage_url`: memory (this process: the embedded form) or
Redis (every API process: the scale-out form). Every failure and every refusal is written to the
audit log (`GET /audit?action=sign_in_failed`)."""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalogue.errors import TooManyRequests
from catalogue.models import AuditEvent
from catalogue.models.delivery import AuditAction
from catalogue.settings import Settings

log = logging.getLogger("catalogue.auth")

NAMESPACE = "catalogue-sign-in"


class Door(StrEnum):
    password = "password sign-in"
    sign_in_token = "token sign-in"
    bearer_token = "bearer token"


@dataclass(frozen=True)
class Attempt:
    door: Door
    address: str
    account: str | None = None  # the user name tried (password sign-in only)


class RateLimited(TooManyRequests):
    """429 with Retry-After: the API answers it like every named error; the pages catch it and
    show the sign-in page with the message instead."""

    def __init__(self, retry_after_s: int) -> None:
        at = datetime.fromtimestamp(time.time() + retry_after_s, UTC).strftime("%H:%M:%S UTC")
        super().__init__(
            f"too many failed sign-in attempts: try again in {retry_after_s} seconds (at {at})",
            retry_after_s,
        )


def client_address(request: Request) -> str:
    """The key of the caller's address: the peer as the server sees it (behind a proxy, the
    address the proxy-headers middleware put in its place), an IPv6 peer by its /64."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


class SignInLimiter:
    def __init__(self, settings: Settings, engine: Engine) -> None:
        storage = storage_from_string(settings.rate_limit_storage_url, wrap_exceptions=True)
        self._limiter = MovingWindowRateLimiter(storage)
        self._per_address = RateLimitItemPerSecond(
            settings.sign_in_failures_per_address,
            settings.sign_in_address_window_s,
            namespace=NAMESPACE,
        )
        self._per_account = RateLimitItemPerSecond(
            settings.sign_in_failures_per_account,
            settings.sign_in_account_window_s,
            namespace=NAMESPACE,
        )
        self._engine = engine

    def _counters(self, attempt: Attempt) -> list[tuple[RateLimitItem, str]]:
        found: list[tuple[RateLimitItem, str]] = [(self._per_address, f"address:{attempt.address}")]
        if attempt.account is not None:
            found.append((self._per_account, f"account:{attempt.account}"))
        return found

    def check(self, attempt: Attempt) -> None:
        """Raise RateLimited when the attempt's address or account has no failures left."""
        waits: list[int] = []
        try:
            for item, key in self._counters(attempt):
                if not self._limiter.test(item, key):
                    reset_at = self._limiter.get_window_stats(item, key).reset_time
                    waits.append(max(1, math.ceil(reset_at - time.time())))
        except StorageError:
            # Fail open: the limiter is a second line behind Argon2id and 256-bit tokens, and
            # a Redis outage must not refuse every API call.
            log.exception("sign-in rate limit storage unavailable; attempt not limited")
            return
        if waits:
            refused = RateLimited(max(waits))
            self._audit(AuditAction.sign_in_limited, attempt, 429, refused.message)
            raise refused

    def failed(self, attempt: Attempt, reason: str) -> None:
        """Count a failed attempt against its address and account, and audit it."""
        try:
            for item, key in self._counters(attempt):
                self._limiter.hit(item, key)
        except StorageError:
            log.exception("sign-in rate limit storage unavailable; failure not counted")
        self._audit(AuditAction.sign_in_failed, attempt, 401, reason)

    def _audit(self, action: AuditAction, attempt: Attempt, status_code: int, detail: str) -> None:
        # A session of its own, as the delivery audit does: the request's may be rolled back.
        target = f"{attempt.door} from {attempt.address}"
        if attempt.account is not None:
            target += f" as {attempt.account!r}"
        with Session(self._engine) as session:
            session.add(
                AuditEvent(
                    action=action,
                    target=target[:400],
                    status_code=status_code,
                    partner_id=None,
                    detail=detail,
                )
            )
            session.commit()


_BUILDING = threading.Lock()


async def sign_in_limiter(request: Request) -> SignInLimiter:
    """The application's limiter, built on first use from its settings and engine."""
    state = request.app.state
    with _BUILDING:
        limiter: SignInLimiter | None = getattr(state, "sign_in_limiter", None)
        if limiter is None:
            limiter = state.sign_in_limiter = SignInLimiter(state.settings, state.engine)
    return limiter


SignInLimiterDep = Annotated[SignInLimiter, Depends(sign_in_limiter)]
