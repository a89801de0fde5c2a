"""Secrets at rest: API tokens as SHA-256 hashes, passwords as Argon2id hashes.

A token is 256 random bits, so a fast hash that can be looked up is right for it. A password is
chosen by a person, so it gets a slow, memory-hard hash whose parameters travel in the encoded
string (``$argon2id$v=19$m=65536,t=3,p=4$salt$digest``): raising them later rehashes each password
at its owner's next sign-in. Hashes of the earlier scheme (scrypt, parameters fixed in code) still
verify, once: the sign-in that verifies one stores an Argon2id hash in its place."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.base import ensure_bytes, ensure_str

TOKEN_PREFIX = "cat_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# The parameters the scrypt hashes were made with: their format did not record them.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class LegacyScryptHasher:
    """Verifies the hashes written before Argon2id (``scrypt$<salt hex>$<digest hex>``) and never
    writes one: `PasswordHash.verify_and_update` rehashes with the first hasher instead."""

    @classmethod
    def identify(cls, hash: str | bytes) -> bool:
        try:
            parts = ensure_str(hash).split("$")
        except UnicodeDecodeError:
            return False
        return len(parts) == 3 and parts[0] == "scrypt"

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        raise NotImplementedError("scrypt hashes are only verified; new hashes are Argon2id")

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        _, salt_hex, digest_hex = ensure_str(hash).split("$")
        try:
            salt = bytes.fromhex(salt_hex)
        except ValueError:
            return False
        digest = hashlib.scrypt(ensure_bytes(password), salt=salt, **_SCRYPT)
        return hmac.compare_digest(digest.hex(), digest_hex)

    def check_needs_rehash(self, hash: str | bytes) -> bool:
        return True


# argon2-cffi's defaults are RFC 9106's second recommended profile: t=3, 64 MiB, p=4.
_ARGON2 = Argon2Hasher()
_PASSWORDS = PasswordHash((_ARGON2, LegacyScryptHasher()))


def hash_password(password: str) -> str:
    return _PASSWORDS.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Made with the current hasher and parameters, so checking it costs what a real check costs.
    return _PASSWORDS.hash(secrets.token_urlsafe(16))


def _known_format(stored: str) -> bool:
    return any(hasher.identify(stored) for hasher in _PASSWORDS.hashers)


def verify_and_update(password: str, stored: str | None) -> tuple[bool, str | None]:
    """Whether `password` matches `stored`, and, when it does and `stored` is of an older scheme
    or weaker parameters, the Argon2id hash to store in its place.

    No stored hash (an unknown user, password sign-in off) still costs one full verification,
    against a dummy hash: the answer must take as long as for a real user, or its timing tells
    which user names exist."""
    if not stored or not _known_format(stored):
        _PASSWORDS.verify(password, _dummy_hash())
        return False, None
    return _PASSWORDS.verify_and_update(password, stored)
