"""The log is safe to read: what a client sends cannot forge or break a line, and no credential
(delivery-link token, bearer or API token, secret query value) is ever written, in either format."""

from __future__ import annotations

import io
import json
import logging
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from catalogue.app import create_app
from catalogue.delivery.signing import Grant, sign
from catalogue.settings import LogFormat, Settings

FORGED = "2030-01-01 00:00:00,000 INFO catalogue.http [admin] GET /admin/ok 200 1.0ms"
LINK_TOKEN = sign(b"k" * 32, Grant(7, "renditions/12", int(time.time()) + 86400 * 7, user_id=3))
API_TOKEN = "cat_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8"
# Characters that must never reach the log as they are: C0 (NUL, LF, CR, ESC), DEL, C1 (NEL,
# CSI), Unicode line and paragraph separators, a bidi override.
UNSAFE = ["\x00", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u202e"]


@pytest.fixture(params=[LogFormat.text, LogFormat.json], ids=["text", "json"])
def log_format(request: pytest.FixtureRequest) -> LogFormat:
    return request.param  # type: ignore[no-any-return]


class LogOutput:
    """What the service's own configured log handler writes (its formatter, its filters)."""

    def __init__(self, log_format: LogFormat) -> None:
        self.format = log_format
        self.stream = io.StringIO()
        (handler,) = logging.getLogger("catalogue").handlers
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(self.stream)

    def read(self) -> str:
        """Everything written since the last read; asserts it is well formed: each JSON record
        one whole line, and no character that breaks or rewrites a line but the record ends."""
        text = self.stream.getvalue()
        self.stream.seek(0)
        self.stream.truncate()
        for char in UNSAFE:
            assert char not in text.replace("\n", ""), f"U+{ord(char):04X} written as is"
        if self.format is LogFormat.json:
            for line in text.split("\n")[:-1]:
                json.loads(line)
        return text

    def records(self) -> list[str]:
        """The records since the last read: a line at column 0 starts one (a text-format
        traceback follows it, indented)."""
        lines = self.read().split("\n")[:-1]
        return [line for line in lines if not line.startswith(" ")]


@pytest.fixture
def client(tmp_path: Path, sqlite_template: Path, log_format: LogFormat) -> Iterator[TestClient]:
    shutil.copy(sqlite_template, tmp_path / "catalogue.db")
    settings = Settings(data_dir=tmp_path, log_format=log_format, _env_file=None)  # type: ignore[call-arg]
    app = create_app(settings)

    def fails_quoting_secrets() -> None:
        # An exception message is client-reachable too: it may quote a URL or a header it got.
        raise RuntimeError(
            f"upstream said no to Authorization: Bearer {API_TOKEN} for "
            f"https://cdn.example/d/{LINK_TOKEN}/seg.ts?token=s3cr3t-value&sig=abcdef\n{FORGED}"
        )

    app.add_api_route("/test-only/fails", fails_quoting_secrets)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
    logging.getLogger("catalogue").handlers.clear()


@pytest.fixture
def log(client: TestClient, log_format: LogFormat) -> LogOutput:
    return LogOutput(log_format)


def test_a_newline_in_the_path_cannot_forge_a_log_line(client: TestClient, log: LogOutput) -> None:
    client.get("/titles%0a" + FORGED.replace(" ", "%20"))
    client.get("/titles%0d%0a" + FORGED.replace(" ", "%20"))
    records = log.records()
    assert not any(line.startswith("2030-01-01") for line in records)
    access = [line for line in records if "/titles" in line]
    assert len(access) == 2
    if log.format is LogFormat.json:
        paths = [json.loads(line)["path"] for line in access]
        assert paths == [f"/titles\n{FORGED}", f"/titles\r\n{FORGED}"]  # the value, intact
    else:
        assert "GET /titles\\x0a2030-01-01" in access[0]
        assert "GET /titles\\x0d\\x0a2030-01-01" in access[1]


@pytest.mark.parametrize("char", UNSAFE, ids=[f"U+{ord(c):04X}" for c in UNSAFE])
def test_control_and_line_breaking_characters_are_escaped(
    client: TestClient, log: LogOutput, char: str
) -> None:
    encoded = "".join(f"%{byte:02X}" for byte in char.encode())
    client.get(f"/partner/catalogue{encoded}x")
    (line,) = [line for line in log.records() if "/partner/catalogue" in line]
    if log.format is LogFormat.json:
        assert json.loads(line)["path"] == f"/partner/catalogue{char}x"
    else:
        escaped = f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
        assert f"/partner/catalogue{escaped}x" in line


def test_a_delivery_link_token_is_never_logged(client: TestClient, log: LogOutput) -> None:
    assert client.get(f"/d/{LINK_TOKEN}/master.m3u8").status_code == 404
    client.head(f"/d/{LINK_TOKEN}/720p/segment_00001.ts")
    client.get(f"/d/{LINK_TOKEN}%0a/x")
    client.get(f"/d/%0a{LINK_TOKEN}/x")
    text = log.read()
    assert LINK_TOKEN not in text
    assert LINK_TOKEN.split(".")[1] not in text  # nor its signature alone
    lines = [line for line in text.split("\n") if "/d/" in line]
    assert len(lines) == 4
    assert all("[redacted]" in line for line in lines)
    assert "/d/[redacted]/master.m3u8" in lines[0]  # what was fetched stays readable


def test_secrets_in_an_unhandled_error_are_redacted_and_cannot_forge_lines(
    client: TestClient, log: LogOutput
) -> None:
    assert client.get("/test-only/fails").status_code == 500
    text = log.read()
    assert "RuntimeError: upstream said no" in text  # the error itself was logged
    for secret in (LINK_TOKEN, API_TOKEN, "s3cr3t-value", "abcdef"):
        assert secret not in text
    assert "Bearer [redacted]" in text and "token=[redacted]" in text
    assert not any(line.startswith("2030-01-01") for line in text.split("\n"))


def test_credentials_in_any_logged_message_are_redacted(client: TestClient, log: LogOutput) -> None:
    # Nothing in the service logs headers or query strings today; a line that quotes one must
    # still keep its secrets out.
    logging.getLogger("catalogue.delivery").warning(
        "refused %s with Authorization: Bearer %s, %s?access_token=%s&X-Amz-Signature=%s, link %s",
        f"/d/{LINK_TOKEN}/a.ts",
        "opaque-bearer-value",
        "https://s3.example/bucket/key",
        "opaque-123",
        "f00dcafe",
        LINK_TOKEN,
    )
    logging.getLogger("catalogue.auth").info("token %s rejected", API_TOKEN)
    text = log.read()
    for secret in (LINK_TOKEN, API_TOKEN, "opaque-bearer-value", "opaque-123", "f00dcafe"):
        assert secret not in text
    assert "Bearer [redacted]" in text and "access_token=[redacted]" in text
    assert "cat_[redacted]" in text
