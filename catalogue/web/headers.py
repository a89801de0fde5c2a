"""Security headers on every answer.

The pages get a strict Content-Security-Policy: every script and style sheet is a file under
`/web/static` (the JSON blocks in templates are data, which CSP does not run), so nothing inline
is allowed. hls.js needs two exceptions, both `blob:`: it plays through Media Source Extensions
(the video's source is a blob URL) and parses segments in a worker it builds from a blob. Media
may also come from object storage (a presigned redirect) or the public delivery URL, so their
origins are added to the media sources. Every other answer (JSON, delivery files) gets a policy
that loads nothing, so a response opened as a document cannot run anything either; the API docs
(Swagger UI from a CDN with an inline start-up script) keep their own needs and get only the
frame and sniffing protections.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalogue.settings import Settings
from catalogue.storage import Storage

HSTS = "max-age=31536000"  # one year; no includeSubDomains: other hosts of the domain are not ours
DOCS_PATHS = ("/docs", "/redoc")
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_POLICY = "frame-ancestors 'none'"


def page_policy(media_origins: Iterable[str] = ()) -> str:
    media = " ".join(sorted(set(media_origins)))
    extra = f" {media}" if media else ""
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self'{extra}",  # posters and thumbnail sprites (S3: a presigned redirect)
        f"media-src 'self' blob:{extra}",  # hls.js plays through a blob: MediaSource URL
        f"connect-src 'self'{extra}",  # hls.js fetches playlists and segments
        "worker-src 'self' blob:",  # hls.js parses segments in a worker built from a blob
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def media_origins(settings: Settings, storage: Storage) -> list[str]:
    """Origins other than the service's own that pages load media from: object storage (where
    a presigned URL points; made locally, no network) and the public delivery URL."""
    found = [
        _origin(storage.presigned_url("csp-origin-probe", expires_s=60)),
        _origin(settings.delivery_public_url),
    ]
    return [origin for origin in found if origin]


class SecurityHeaders:
    """Pure ASGI middleware (streaming answers pass through untouched) adding the headers."""

    def __init__(self, app: ASGIApp, pages_prefix: str, media: Iterable[str] = ()) -> None:
        self.app = app
        self.pages_prefix = pages_prefix
        self.pages_policy = page_policy(media)

    def _policy(self, path: str) -> str:
        if path == self.pages_prefix or path.startswith(self.pages_prefix + "/") or path == "/":
            return self.pages_policy
        if path.startswith(DOCS_PATHS):
            return DOCS_POLICY
        return API_POLICY

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self._policy(scope["path"])
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", policy)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                if https:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)
