"""Every declared dependency is used (issue 13, item 10): imported somewhere in the project's code,
imported by a dependency that needs it (checked in that dependency's source), or a tool named
below with why. An unused package is attack surface with nothing to show for it, and a name one
character from a real one (`httpx2` beside `httpx`) is how typosquatting gets in."""

from __future__ import annotations

import ast
import importlib.util
import re
import tomllib
from collections.abc import Iterable, Mapping
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE_FOLDERS = ("catalogue", "transcoder", "tests", "bench", "scripts")

TOOLS: dict[str, str] = {
    "pytest-timeout": "pytest plugin: the `timeout` setting in pyproject.toml",
    "ruff": "linter and formatter, run by scripts/lint.sh",
    "mypy": "type checker, run by scripts/lint.sh",
    "tzdata": "time-zone data that zoneinfo reads as package resources (no import statement): "
    "tour calendars must not depend on the host's /usr/share/zoneinfo",
}
"""Declared packages used without an import statement in our code, with why."""

USED_THROUGH: dict[str, str] = {
    "psycopg": "sqlalchemy.dialects.postgresql.psycopg",  # the PostgreSQL driver
    "python-multipart": "fastapi.dependencies.utils",  # form and file uploads
    "jinja2": "starlette.templating",  # the pages' templates (fastapi.templating)
    "httpx2": "starlette.testclient",  # preferred over httpx; without it TestClient warns
    # `catalogue serve` names them (http="httptools", loop="uvloop"): less CPU per request
    "httptools": "uvicorn.protocols.http.httptools_impl",
    "uvloop": "uvicorn.loops.uvloop",
}
"""Declared packages that another dependency imports for us: the module named here must contain
the import (checked below, so the claim cannot go stale unnoticed)."""


def normalise(name: str) -> str:
    """PEP 503 form: `Python_Multipart` and `python.multipart` are `python-multipart`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """`psycopg[binary]>=3.2` -> `psycopg`; `x==1; sys_platform == 'linux'` -> `x`."""
    found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if found is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    return normalise(found.group(1))


def declared_dependencies(pyproject: Path) -> list[str]:
    """`[project] dependencies` and `[dependency-groups] dev`, by normalised name."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    requirements = [*data["project"]["dependencies"], *data["dependency-groups"]["dev"]]
    return [requirement_name(r) for r in requirements if isinstance(r, str)]


def imports_of_distributions() -> dict[str, set[str]]:
    """Normalised distribution name -> the top-level modules it installs."""
    modules: dict[str, set[str]] = {}
    for module, distributions in packages_distributions().items():
        for distribution in distributions:
            modules.setdefault(normalise(distribution), set()).add(module)
    return modules


def imported_in(source: str) -> set[str]:
    """Top-level modules a Python source imports, including `importlib.import_module("x")` and
    `pytest.importorskip("x")` with a literal name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("import_module", "importorskip")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value.split(".")[0])
    return found


def imported_by_project(root: Path = ROOT) -> set[str]:
    found: set[str] = set()
    for folder in CODE_FOLDERS:
        for path in (root / folder).rglob("*.py"):
            found |= imported_in(path.read_text(encoding="utf-8"))
    return found


def unused_dependencies(
    declared: Iterable[str],
    imported: set[str],
    modules_of: Mapping[str, set[str]],
    explained: Iterable[str],
) -> list[str]:
    """Declared distributions none of whose modules is imported and that no table explains.
    A distribution not installed here is looked up by its name with `_` for `-`."""
    excused = {normalise(name) for name in explained}
    unused = []
    for name in declared:
        modules = modules_of.get(name) or {name.replace("-", "_")}
        if name not in excused and not modules & imported:
            unused.append(name)
    return unused


def test_every_declared_dependency_is_used() -> None:
    unused = unused_dependencies(
        declared_dependencies(ROOT / "pyproject.toml"),
        imported_by_project(),
        imports_of_distributions(),
        [*TOOLS, *USED_THROUGH],
    )
    assert unused == [], (
        f"declared in pyproject.toml but imported nowhere in {', '.join(CODE_FOLDERS)}: {unused}. "
        "Remove them (`uv remove NAME`), or name them in TOOLS or USED_THROUGH with why"
    )


def test_an_undeclared_tool_is_not_left_in_the_table() -> None:
    declared = set(declared_dependencies(ROOT / "pyproject.toml"))
    assert {normalise(name) for name in TOOLS} - declared == set()


def test_each_used_through_claim_holds() -> None:
    declared = set(declared_dependencies(ROOT / "pyproject.toml"))
    modules_of = imports_of_distributions()
    for distribution, importer in USED_THROUGH.items():
        if normalise(distribution) not in declared:
            continue  # e.g. httpx2 while it is out of pyproject.toml
        spec = importlib.util.find_spec(importer)
        assert spec is not None and spec.origin, f"{importer} is not installed"
        imports = imported_in(Path(spec.origin).read_text(encoding="utf-8"))
        modules = modules_of.get(normalise(distribution), {distribution.replace("-", "_")})
        assert modules & imports, f"{importer} no longer imports {distribution}"


def test_an_unused_package_is_caught() -> None:
    """A fake pyproject with httpx2 in the dev group and no import of it: the check fails on it."""
    declared = [requirement_name(r) for r in ("httpx>=0.27", "psycopg[binary]>=3.2", "HTTPX2>=2")]
    modules_of = {"httpx": {"httpx"}, "httpx2": {"httpx2"}, "psycopg": {"psycopg"}}
    imported = imported_in("import httpx\nfrom sqlmodel import Session\n")
    assert unused_dependencies(declared, imported, modules_of, ["psycopg"]) == ["httpx2"]


def test_a_distribution_is_matched_by_its_import_name_not_its_own_name() -> None:
    declared = [requirement_name("python-stdnum>=2.2"), requirement_name("tuspy>=1.0")]
    modules_of = {"python-stdnum": {"stdnum"}, "tuspy": {"tusclient"}}
    imported = imported_in("from stdnum import isan\nimport tusclient.client\n")
    assert unused_dependencies(declared, imported, modules_of, []) == []
    assert unused_dependencies(declared, {"stdnum"}, modules_of, []) == ["tuspy"]


def test_dynamic_imports_with_a_literal_name_count() -> None:
    source = "import importlib, pytest\nimportlib.import_module('boto3.session')\n"
    source += "pytest.importorskip('playwright')\n"
    assert {"boto3", "playwright"} <= imported_in(source)
