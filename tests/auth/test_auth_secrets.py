"""Signing keys: never a value from the source. A fresh install generates its own private key
into the data directory and keeps it; production needs keys set explicitly; a list of keys
rotates (the first signs, all verify)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from catalogue.app import create_app
from catalogue.settings import SecretKeyFileError, Settings
from tests.conftest import Actors, Database
from tests.support.server import free_port

OLD_PUBLIC_DEFAULT = "change-me-development-only"  # the default once written in settings.py
KEY_A, KEY_B = "a" * 40, "b" * 40


def _settings(data_dir: Path, **values: object) -> Settings:
    return Settings(data_dir=data_dir, _env_file=None, **values)  # type: ignore[call-arg, arg-type]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_app_generates_a_private_key_and_keeps_it(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    create_app(_settings(first))
    key_file = first / "secret_key"
    assert key_file.is_file() and _mode(key_file) == 0o600
    key = _settings(first).signing_keys()
    assert len(key) == 1 and len(key[0]) >= 32 and key[0] != OLD_PUBLIC_DEFAULT.encode()
    create_app(_settings(first))  # a restart over the same data directory: the same key
    assert _settings(first).signing_keys() == key
    assert key_file.read_bytes().strip() == key[0]
    assert _settings(second).signing_keys() != key  # another install: another key
    assert _mode(second / "secret_key") == 0o600


def test_a_fresh_serve_with_no_settings_runs_on_its_own_key(tmp_path: Path) -> None:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CATALOGUE_")}
    environment["CATALOGUE_DATA_DIR"] = str(tmp_path)
    server = subprocess.Popen(
        [sys.executable, "-m", "catalogue.cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("catalogue serve did not answer /healthz")
        key_file = tmp_path / "secret_key"
        assert _mode(key_file) == 0o600 and len(key_file.read_text().strip()) >= 32
    finally:
        server.terminate()
        server.wait(20)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_file_open_to_others_refuses_to_start(tmp_path: Path, mode: int) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_text("k" * 64)
    key_file.chmod(mode)
    with pytest.raises(SecretKeyFileError, match=r"open to other users.*chmod 600"):
        create_app(_settings(tmp_path))


def test_an_unusable_key_file_refuses_to_start(tmp_path: Path) -> None:
    (tmp_path / "secret_key").mkdir()
    with pytest.raises(SecretKeyFileError, match="regular file"):
        _settings(tmp_path).signing_keys()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "secret_key").touch(mode=0o600)
    with pytest.raises(SecretKeyFileError, match="holds no usable key"):
        _settings(empty).signing_keys()
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "secret_key").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(SecretKeyFileError, match="cannot read"):
        _settings(linked).signing_keys()


def test_production_without_keys_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="production mode needs CATALOGUE_SECRET_KEYS"):
        _settings(tmp_path, environment="production")
    assert not (tmp_path / "secret_key").exists()  # no generated key in production
    keys = _settings(tmp_path, environment="production", secret_keys=[KEY_A]).signing_keys()
    assert keys == [KEY_A.encode()]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"secret_keys": [OLD_PUBLIC_DEFAULT]}, "published in the source"),
        ({"secret_key": OLD_PUBLIC_DEFAULT}, "published in the source"),
        ({"secret_keys": ["short"]}, "use at least 32"),
        ({"secret_key": KEY_A, "secret_keys": [KEY_B]}, "keep only CATALOGUE_SECRET_KEYS"),
    ],
)
def test_public_short_or_ambiguous_keys_are_refused(
    tmp_path: Path, values: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        _settings(tmp_path, **values)


def test_keys_come_from_the_environment_as_a_list_or_one_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CATALOGUE_SECRET_KEYS", f"{KEY_B}, {KEY_A}")
    assert _settings(tmp_path).signing_keys() == [KEY_B.encode(), KEY_A.encode()]
    monkeypatch.delenv("CATALOGUE_SECRET_KEYS")
    monkeypatch.setenv("CATALOGUE_SECRET_KEY", KEY_A)
    assert _settings(tmp_path).signing_keys() == [KEY_A.encode()]
    assert not (tmp_path / "secret_key").exists()


def _old_style_cookie(key: str, user_id: int) -> str:
    """A cookie as the pages once signed it (user id, nonce, expiry, password fingerprint),
    forged with `key`: what anyone could make with the default published in the source."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    body = {"u": user_id, "n": "forged", "e": int(time.time()) + 3600,
            "p": hashlib.sha256(b"").hexdigest()[:16]}  # fmt: skip
    payload = b64(json.dumps(body, separators=(",", ":")).encode())
    purpose_key = hmac.new(key.encode(), b"session", "sha256").digest()
    return f"{payload}.{b64(hmac.new(purpose_key, payload.encode(), 'sha256').digest())}"


def test_a_cookie_forged_with_the_old_public_default_is_refused(
    client: TestClient, actors: Actors, database: Database
) -> None:
    admin_id = client.get("/me", headers=actors.admin).json()["id"]
    for key in (OLD_PUBLIC_DEFAULT, database.settings.signing_keys()[0].decode()):
        client.cookies.set("catalogue_session", _old_style_cookie(key, admin_id))
        assert client.get("/me").status_code == 401
        assert client.get("/users").status_code == 401
