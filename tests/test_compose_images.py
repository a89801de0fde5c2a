"""Every image docker-compose.yml names is pinned by a tag: a floating `:latest` (or no tag, which
means latest) pulls whatever the registry serves that day, or nothing once a repository is gone
(minio/minio and minio/mc left Docker Hub in September 2026)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
REMOVED_REPOSITORIES = {"minio/minio", "minio/mc", "docker.io/minio/minio", "docker.io/minio/mc"}


def pinning_problem(image: str) -> str | None:
    """Why `image` is not pinned, or None when it names a tag (or a digest)."""
    name, _, digest = image.partition("@")
    if digest:
        return None
    repository, _, tag = name.rpartition(":")
    if not repository or "/" in tag:  # "host:5000/x" has a port, not a tag
        return f"{image} has no tag (that means :latest)"
    if tag == "latest":
        return f"{image} floats on :latest"
    if repository in REMOVED_REPOSITORIES:
        return f"{image}: that repository was removed from Docker Hub"
    return None


@pytest.mark.parametrize(
    ("image", "pinned"),
    [
        ("postgres:16-bookworm", True),
        ("quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z", True),
        ("redis@sha256:" + "a" * 64, True),
        ("minio/minio:latest", False),
        ("minio/minio:RELEASE.2025-09-07T16-13-09Z", False),
        ("redis", False),
        ("registry.local:5000/redis", False),
    ],
)
def test_the_pinning_rule(image: str, pinned: bool) -> None:
    assert (pinning_problem(image) is None) is pinned


def test_every_compose_image_is_pinned_by_tag() -> None:
    images = {name: str(s["image"]) for name, s in COMPOSE["services"].items() if "image" in s}
    assert set(images) == set(COMPOSE["services"]), "every service names its image"
    problems = [f"{name}: {p}" for name, i in images.items() if (p := pinning_problem(i))]
    assert problems == []


def test_the_built_image_is_tagged_with_the_project_version() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    built = {str(s["image"]) for s in COMPOSE["services"].values() if "build" in s}
    assert built == {f"catalogue:{version}"}
