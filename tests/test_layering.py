"""The dependency direction is one way: the catalogue (service) uses the transcoder (media
library), never the other way round; the planner's core stays free of the database and HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(package: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_transcoder_never_imports_the_catalogue() -> None:
    offenders = {
        path: sorted(n for n in names if n == "catalogue" or n.startswith("catalogue."))
        for path, names in imported_modules(ROOT / "transcoder").items()
    }
    assert {p: n for p, n in offenders.items() if n} == {}


def test_planner_core_is_pure() -> None:
    forbidden = ("sqlmodel", "sqlalchemy", "fastapi", "starlette", "catalogue.models", "catalogue.api")
    offenders = {
        path: sorted(n for n in names if n.startswith(forbidden))
        for path, names in imported_modules(ROOT / "catalogue" / "planner").items()
    }
    assert {p: n for p, n in offenders.items() if n} == {}
