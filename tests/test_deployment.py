"""docker-compose.yml and the Dockerfile stay consistent with the settings and the CLI (no Docker
engine on CI machines, so the files are checked against the code instead)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer.main
import yaml

from catalogue.cli import app
from catalogue.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _resolve(value: str) -> str:
    """Apply compose's ${VAR:-default} and ${VAR:?message} with no variables set (a test secret)."""
    value = re.sub(r"\$\{(\w+):-([^}]*)\}", r"\2", str(value))
    return re.sub(r"\$\{(\w+):\?[^}]*\}", "compose-test-secret-" + "x" * 32, value)


def catalogue_services() -> dict[str, dict[str, Any]]:
    return {
        name: s
        for name, s in COMPOSE["services"].items()
        if str(s.get("image", "")).startswith("catalogue:")
    }


def test_every_catalogue_variable_is_a_setting_and_validates() -> None:
    fields = {f"CATALOGUE_{name.upper()}" for name in Settings.model_fields}
    for name, service in catalogue_services().items():
        environment = {k: _resolve(v) for k, v in service["environment"].items()}
        unknown = sorted(set(environment) - fields)
        assert unknown == [], f"{name}: {unknown}"
        settings = Settings(
            **{k.removeprefix("CATALOGUE_").lower(): v for k, v in environment.items()}
        )
        assert settings.sqlalchemy_url.startswith("postgresql+psycopg://")


def test_every_service_command_is_a_cli_command() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    for name, service in catalogue_services().items():
        first = service.get("command", ["serve"])[0]
        assert first in commands, f"{name} runs `catalogue {first}`, which does not exist"


def test_the_scale_out_services_are_all_there() -> None:
    nodes = {"api1", "api2", "worker1", "worker2", "nginx"}
    assert {"postgres", "redis", "s3", "migrate", *nodes} <= set(COMPOSE["services"])


def test_dockerfile_copies_what_exists() -> None:
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
