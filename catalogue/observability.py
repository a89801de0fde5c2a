"""Structured logs with a request id, and Prometheus request metrics."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalogue.settings import LogFormat, Settings

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

REQUESTS = Counter("catalogue_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "catalogue_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
log = logging.getLogger("catalogue.http")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


# --- log safety: what a client sends (paths, headers, bodies quoted in errors) reaches the log ---
# Credentials that travel in URLs or headers: delivery links (/d/{token}/...) are valid for days,
# API tokens until revoked. Each pattern keeps its group 1 and hides the secret after it.
REDACTED = "[redacted]"
_SECRETS = (
    # A delivery link's path segment, to the end of the line (a traceback is several lines).
    re.compile(r"(/d/)(?!\{token\})[^/?#\x20\n\"'<>]+"),
    re.compile(r"(?i)(%2Fd%2F)[A-Za-z0-9_.~-]+"),  # the same inside an encoded URL
    re.compile(r"(?i)(\bbearer\s+)[^\s,;\"']+"),
    re.compile(r"(\bcat_)[A-Za-z0-9_-]{8,}"),  # API tokens (auth.hashing.TOKEN_PREFIX)
    re.compile(
        r"(?i)((?<![\w-])(?:token|access_token|id_token|refresh_token|api_key|apikey|key|sig"
        r"|signature|password|secret|csrf_token|x-amz-signature|x-amz-credential"
        r"|x-amz-security-token)=)[^&#\s\"']+"
    ),
    # A delivery link token anywhere else: base64url payload, '.', base64url HMAC-SHA256.
    re.compile(r"()(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"),
)
# Characters that end, rewrite or reorder a log line on a terminal or in a log viewer: C0 and C1
# controls (NUL, CR, LF, ESC, NEL...), DEL, Unicode line/paragraph separators and bidi overrides.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_BUT_NEWLINE = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def redact(text: str) -> str:
    """`text` with delivery-link tokens, bearer and API tokens and secret query values hidden."""
    for pattern in _SECRETS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    return text


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """`text` on one line: every control or line-breaking character written as a \\x or \\u escape."""
    return _UNSAFE.sub(_escaped, text)


def _safe_block(text: str) -> str:
    """A traceback for the text format: redacted, escaped but for its line breaks, and indented so
    that no line of it (an exception message included) can pass for a record of its own."""
    return "\n".join(
        "    " + line for line in _UNSAFE_BUT_NEWLINE.sub(_escaped, redact(text)).split("\n")
    )


def _safe_value(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        record.asctime = self.formatTime(record, self.datefmt)
        # Every field of the line (message, logger, request id) is client-reachable: the line as a
        # whole is redacted and escaped, so one record is always exactly one line.
        line = escape(redact(self.formatMessage(record)))
        if record.exc_info:
            line += "\n" + _safe_block(self.formatException(record.exc_info))
        if record.stack_info:
            line += "\n" + _safe_block(self.formatStack(record.stack_info))
        return line


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        payload.update(getattr(record, "fields", {}))
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        safe = {_safe_value(key): _safe_value(value) for key, value in payload.items()}
        # json.dumps escapes C0 controls itself but, with ensure_ascii=False, writes C1 controls,
        # U+2028/U+2029 and bidi overrides as they are: escape those the JSON way.
        return _UNSAFE.sub(
            lambda match: f"\\u{ord(match.group()):04x}",
            json.dumps(safe, ensure_ascii=False, default=str),
        )


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(_RequestIdFilter())
    if settings.log_format is LogFormat.json:
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(
            _TextFormatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root = logging.getLogger("catalogue")
    root.handlers = [handler]
    root.setLevel(settings.log_level.upper())
    root.propagate = False


class RequestContext:
    """Pure ASGI middleware: request id in, X-Request-ID out, one log line and metrics per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")[:64]
        rid = incoming if incoming.isprintable() and incoming else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            # The router records the matched route in the scope: label by its template, not the raw
            # path, so that metrics keep a bounded number of series.
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            log.info(
                "%s %s %s %.1fms",
                method,
                scope["path"],
                status,
                elapsed * 1000,
                extra={
                    "fields": {
                        "method": method,
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                        "route": route,
                    }
                },
            )
            request_id.reset(token)


class InternalErrors:
    """Pure ASGI middleware, innermost: an unexpected exception becomes the 500 answer here, inside
    the other middleware, so that it carries the request id, the security headers and its log
    line like any answer (Starlette's own last-resort handler runs outside them all)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answered = False

        async def send_tracked(message: Message) -> None:
            nonlocal answered
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if answered:  # too late for an answer: the server closes the connection
                raise
            rid = request_id.get()
            answer = JSONResponse(
                {"detail": f"internal error; quote request id {rid} to the operators"},
                status_code=500,
            )
            await answer(scope, receive, send)
