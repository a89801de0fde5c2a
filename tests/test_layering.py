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
    forbidden = (
        "sqlmodel",
        "sqlalchemy",
        "fastapi",
        "starlette",
        "catalogue.models",
        "catalogue.api",
    )
    offenders = {
        path: sorted(n for n in names if n.startswith(forbidden))
        for path, names in imported_modules(ROOT / "catalogue" / "planner").items()
    }
    assert {p: n for p, n in offenders.items() if n} == {}


# --- the package-level import graph ---------------------------------------------------------------

# Floors of ARCHITECTURE: the job engine knows no feature, only these foundations.
JOB_ENGINE_MAY_IMPORT = frozenset({"db", "errors", "models", "observability", "settings"})
PLANNER_MUST_NOT_IMPORT = frozenset({"api", "web", "db", "models", "app", "auth", "deps"})


def unit_of(module: str) -> str | None:
    """The catalogue package (or top-level module) a dotted module name belongs to."""
    parts = module.split(".")
    if parts[0] != "catalogue" or len(parts) < 2:
        return None
    return parts[1]


def package_graph() -> dict[str, set[str]]:
    """Edges between the catalogue's packages and top-level modules, from every import in
    every file (imports inside functions and under TYPE_CHECKING count too)."""
    graph: dict[str, set[str]] = {}
    base = ROOT / "catalogue"
    for path, names in imported_modules(base).items():
        rel = Path(path).relative_to("catalogue")
        source = rel.parts[0].removesuffix(".py")
        if source == "__init__":
            continue
        graph.setdefault(source, set())
        for name in names:
            target = unit_of(name)
            if target and target != source and target != "__init__":
                graph[source].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycles_finds_a_loop() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_graph_has_no_loop() -> None:
    assert cycles(package_graph()) == []


def test_the_job_engine_imports_no_feature() -> None:
    graph = package_graph()
    assert "jobs" in graph
    assert graph["jobs"] - JOB_ENGINE_MAY_IMPORT == set()


def test_api_and_web_never_import_each_other() -> None:
    graph = package_graph()
    assert "web" not in graph["api"]
    assert "api" not in graph["web"]


def test_the_planner_imports_no_database_or_http_package() -> None:
    graph = package_graph()
    assert graph["planner"] & PLANNER_MUST_NOT_IMPORT == set()


def test_no_orm_event_listeners() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "catalogue").rglob("*.py")
        if "listens_for" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
