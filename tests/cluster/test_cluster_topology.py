"""docker-compose.yml and scripts/cluster.sh describe one topology: deploy/topology.env names its
services, the settings every API node and worker gets, and the published ports; nginx's template
is filled from the same variables by both."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
ONE_SHOT = {"migrate", "s3-bucket"}  # compose's start-up helpers; cluster.sh runs them inline
CATALOGUE_NODES = ("api1", "api2", "worker1", "worker2")


def topology() -> dict[str, str]:
    """deploy/topology.env's variables with their defaults, as bash reads them."""
    shown = subprocess.run(
        ["bash", "-c", "set -a; source deploy/topology.env; env -0"],
        cwd=ROOT, capture_output=True, check=True, env={"PATH": "/usr/bin:/bin"},
    ).stdout.decode()  # fmt: skip
    pairs = (item.split("=", 1) for item in shown.split("\0") if item.startswith("CLUSTER_"))
    return dict(pairs)  # type: ignore[arg-type]


def host_port(service: str) -> int:
    (mapping,) = SERVICES[service]["ports"]
    return int(str(mapping).split(":")[0])


def test_compose_has_the_cluster_services_and_only_one_shot_helpers_besides() -> None:
    declared = set(topology()["CLUSTER_SERVICES"].split())
    assert declared <= set(SERVICES)
    assert set(SERVICES) - declared == ONE_SHOT


def test_every_api_node_and_worker_gets_the_same_settings_in_both() -> None:
    declared = set(topology()["CLUSTER_SETTINGS"].split())
    for node in CATALOGUE_NODES:
        named = {k for k in SERVICES[node]["environment"] if k.startswith("CATALOGUE_")}
        assert named == declared, node
    script = (ROOT / "scripts" / "cluster.sh").read_text()
    assert set(re.findall(r"^export (CATALOGUE_\w+)=", script, re.MULTILINE)) == declared


def test_published_ports_agree() -> None:
    ports = topology()
    for service in ("nginx", "api1", "api2", "s3"):
        assert host_port(service) == int(ports[f"CLUSTER_{service.upper()}_PORT"]), service


def test_nginx_is_configured_from_the_same_template_and_internal_location() -> None:
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    variables = set(re.findall(r"\$\{(CATALOGUE_NGINX_\w+)\}", template))
    nginx = SERVICES["nginx"]
    assert set(nginx["environment"]) == variables
    assert any(v.startswith("./deploy/nginx.conf.template:") for v in nginx["volumes"])
    script = (ROOT / "scripts" / "cluster.sh").read_text()
    assert set(re.findall(r"(CATALOGUE_NGINX_\w+)=", script)) == variables
    location = topology()["CLUSTER_INTERNAL_LOCATION"]
    assert nginx["environment"]["CATALOGUE_NGINX_INTERNAL_LOCATION"] == location
    for node in CATALOGUE_NODES:
        assert SERVICES[node]["environment"]["CATALOGUE_DELIVERY_INTERNAL_LOCATION"] == location
