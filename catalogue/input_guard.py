"""Text the database cannot store is refused at the door: PostgreSQL text cannot hold the NUL
character (U+0000), so a NUL in a path, a query string, a JSON body or a form would reach the
driver and fail there (a 500, found by fuzzing `POST /campaigns`). Refused here with a 422,
before any route runs, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MESSAGE = "text may not contain the NUL character (U+0000, %00 or \\u0000 in JSON); remove it"
_ENCODED = re.compile(rb"%00")
# A JSON \u0000 escape: preceded by an even number of backslashes (an odd one escapes the "\").
_JSON_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_BODY_CHECKS = {
    b"application/json": _JSON_ESCAPE,
    b"application/x-www-form-urlencoded": _ENCODED,
}


def _content_type(scope: Scope) -> bytes:
    for name, value in scope.get("headers") or []:
        if name == b"content-type":
            return bytes(value.split(b";")[0].strip().lower())
    return b""


class RefuseNul:
    """Pure ASGI middleware: 422 for a NUL in the path, the query string or a JSON or form
    body (read whole, as the route would, then handed on unchanged)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = JSONResponse({"detail": MESSAGE}, status_code=422)
        if "\x00" in scope["path"] or _ENCODED.search(scope.get("query_string", b"")):
            await refusal(scope, receive, send)
            return
        pattern = _BODY_CHECKS.get(_content_type(scope))
        if pattern is None:
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        more = True
        while more:
            message = await receive()
            messages.append(message)
            more = message["type"] == "http.request" and message.get("more_body", False)
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        if pattern.search(body):
            await refusal(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)
