"""Signed download links: HMAC-SHA256 over (partner, storage prefix, expiry) with the service's
secret key. The token sits in the URL path (/d/{token}/master.m3u8), so the relative URIs inside
HLS playlists resolve under it and every segment request carries the same proof."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from catalogue.errors import CatalogueError, NotFound

_CONTEXT = b"catalogue-delivery-link-v1"


class LinkInvalid(NotFound):
    """Malformed, tampered with, or signed with another key: answered as 'not found'."""


class LinkExpired(CatalogueError):
    """A genuine link past its expiry: the partner asks for a new one."""

    status_code = 410


@dataclass(frozen=True)
class Grant:
    partner_id: int
    prefix: str  # storage prefix of one asset's rendition folder, e.g. "renditions/7"
    expires_at: int  # Unix seconds


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, grant: Grant) -> bytes:
    message = b"\0".join(
        [
            _CONTEXT,
            str(grant.partner_id).encode(),
            grant.prefix.encode(),
            str(grant.expires_at).encode(),
        ]
    )
    return hmac.new(key, message, hashlib.sha256).digest()


def sign(key: bytes, grant: Grant) -> str:
    payload = f"{grant.partner_id}:{grant.expires_at}:{grant.prefix}".encode()
    return f"{_b64(payload)}.{_b64(_mac(key, grant))}"


def verify(key: bytes, token: str, now: float) -> Grant:
    """The grant a token carries; LinkInvalid unless the signature matches, LinkExpired after."""
    try:
        payload, signature = token.split(".")
        partner, expires, prefix = _unb64(payload).decode("ascii").split(":", 2)
        grant = Grant(int(partner), prefix, int(expires))
        given = _unb64(signature)
    except (ValueError, UnicodeDecodeError):
        raise LinkInvalid("not found") from None
    if not hmac.compare_digest(given, _mac(key, grant)):
        raise LinkInvalid("not found")
    if now >= grant.expires_at:
        raise LinkExpired("this download link has expired; ask the catalogue for a new one")
    return grant
