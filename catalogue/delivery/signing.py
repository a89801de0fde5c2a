"""Signed download links: HMAC-SHA256 over (partner, storage prefix, expiry) with the service's
signing key. The token sits in the URL path (/d/{token}/master.m3u8), so the relative URIs inside
HLS playlists resolve under it and every segment request carries the same proof. During a key
rotation a link verifies under any configured key, so changing keys does not cut every link."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from catalogue.errors import CatalogueError, NotFound

_CONTEXT = b"catalogue-delivery-link-v1"
_CONTEXT_V2 = b"catalogue-delivery-link-v2"


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
    # The user it was issued to: signed too (v2), so disabling that user ends the link. Links
    # from before v2 carry none and are checked by their partner only.
    user_id: int | None = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, grant: Grant) -> bytes:
    fields = [str(grant.partner_id).encode(), grant.prefix.encode(), str(grant.expires_at).encode()]
    if grant.user_id is None:
        message = b"\0".join([_CONTEXT, *fields])
    else:
        message = b"\0".join([_CONTEXT_V2, str(grant.user_id).encode(), *fields])
    return hmac.new(key, message, hashlib.sha256).digest()


def sign(key: bytes, grant: Grant) -> str:
    user = "" if grant.user_id is None else f"u{grant.user_id}:"
    payload = f"{user}{grant.partner_id}:{grant.expires_at}:{grant.prefix}".encode()
    return f"{_b64(payload)}.{_b64(_mac(key, grant))}"


def verify(keys: Sequence[bytes], token: str, now: float) -> Grant:
    """The grant a token carries; LinkInvalid unless the signature matches one of `keys`,
    LinkExpired after."""
    try:
        payload, signature = token.split(".")
        text = _unb64(payload).decode("ascii")
        user = None
        if text.startswith("u"):  # v2: u{user}:{partner}:{expires}:{prefix}
            head, _, text = text.partition(":")
            user = int(head[1:])
        partner, expires, prefix = text.split(":", 2)
        grant = Grant(int(partner), prefix, int(expires), user)
        given = _unb64(signature)
    except (ValueError, UnicodeDecodeError):
        raise LinkInvalid("not found") from None
    # Every key is tried (no early exit), so timing says nothing about which one matched.
    matches = [hmac.compare_digest(given, _mac(key, grant)) for key in keys]
    if not any(matches):
        raise LinkInvalid("not found")
    if now >= grant.expires_at:
        raise LinkExpired("this download link has expired; ask the catalogue for a new one")
    return grant
