"""Load shedding: a request waits a little for room at the database, or is refused with 503 and
Retry-After; it never queues on a thread.

Why a gate before the session: a request's session holds its pool connection from its first
query to its end, across the hops between FastAPI's worker threads (dependencies, then the
route). With more requests in flight than connections, every worker thread could end up blocked
waiting for a connection while the requests holding them wait for a thread to go on: a deadlock
that lasted until the pool timeout, round after round. Admitting at most
`request_concurrency` requests to a session (fewer than the pool's connections and than the
worker threads), and waiting for that room on the event loop rather than on a thread, keeps the
holders moving. The pool's own timeout answers 503 as well, as a backstop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from weakref import WeakKeyDictionary

import anyio
from anyio.lowlevel import RunVar
from starlette.requests import Request
from starlette.responses import JSONResponse

RETRY_AFTER_S = 1

# One gate per application and event loop (a TestClient runs each client on a loop of its own).
_gates: RunVar[WeakKeyDictionary[object, anyio.Semaphore]] = RunVar("catalogue_request_gates")


class Overloaded(Exception):
    """The service has no room for the request now: answered 503 with Retry-After."""


@asynccontextmanager
async def admitted(app: object, room: int, wait_s: float) -> AsyncIterator[None]:
    """Hold one of `room` places of `app` for the block, waiting up to `wait_s` for it."""
    gates = _gates.get(None)
    if gates is None:
        gates = WeakKeyDictionary()
        _gates.set(gates)
    gate = gates.get(app)
    if gate is None:
        gate = gates[app] = anyio.Semaphore(room)
    if not await _acquire(gate, wait_s):
        raise Overloaded(f"all {room} places at the database are taken")
    try:
        yield
    finally:
        gate.release()


async def _acquire(gate: anyio.Semaphore, wait_s: float) -> bool:
    try:
        gate.acquire_nowait()
        return True
    except anyio.WouldBlock:
        if wait_s <= 0:
            return False
    with anyio.move_on_after(wait_s):
        await gate.acquire()
        return True
    return False


async def answer_overloaded(request: Request, error: Exception) -> JSONResponse:
    """503 with Retry-After, for a full gate and for a database pool that timed out."""
    return JSONResponse(
        {"detail": f"the service is busy; retry in {RETRY_AFTER_S} s"},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )
