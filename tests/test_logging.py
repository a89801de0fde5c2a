"""Structured logs: one line per request carrying the request id; JSON when configured."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from catalogue.app import create_app
from catalogue.settings import LogFormat, Settings


def test_json_log_line_has_request_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(data_dir=tmp_path, log_format=LogFormat.json, _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        client.get("/healthz", headers={"X-Request-ID": "req-42"})
    lines = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    record = next(line for line in lines if line.get("path") == "/healthz")
    assert (
        record["request_id"] == "req-42" and record["status"] == 200 and record["level"] == "INFO"
    )
    logging.getLogger("catalogue").handlers.clear()
