"""One-way imports: no cycle between modules and no import against the package layering.

Every import statement of every module of `cchc_rules` counts, at module level, under
`if TYPE_CHECKING:` and inside functions alike (an import inside a function closes a cycle as
surely as one at the top; it only hides it). Imports through `importlib` (the CLI's commands,
the package's lazy API) are not statements and are not seen.

Layers, lowest first; a module may import its own package and lower layers only:
  0  the modules directly under `cchc_rules/` (vocabulary, texts, problems, files) and `labels`
  1  dsl        rulebooks: models, loading, validation
  2  data       datasets
  3  engine     scoring
  4  analysis, documents, golden   (none of these imports another of them)
  5  report
  6  scenarios, widgets
  7  commands
  8  cli, api
  9  the package's `__init__` (its lazy names come from `api`)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cchc_rules"
TOP = {"cli": 8, "api": 8, "": 9}  # "" is cchc_rules/__init__.py
LAYERS = {
    "labels": 0,
    "dsl": 1,
    "data": 2,
    "engine": 3,
    "analysis": 4, "documents": 4, "golden": 4,
    "report": 5,
    "scenarios": 6, "widgets": 6,
    "commands": 7,
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The project modules one import statement names (a name imported from a package counts as its module
    when it is one, else as the package)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        base = node.module or ""
        if node.level:
            here = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            here = here[: len(here) - (node.level - 1)]
            base = ".".join(here + ([base] if base else []))
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
    found = []
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and name != module:
            found.append(name)
    return found


def _graph() -> dict[str, dict[str, int]]:
    """module → {imported module: line of the first such import}, every import statement counted."""
    graph: dict[str, dict[str, int]] = {}
    for module, path in MODULES.items():
        edges: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _targets(module, path, node):
                    edges.setdefault(target, node.lineno)
        graph[module] = edges
    return graph


GRAPH = _graph()


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(graph[w])))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def _layer(module: str) -> tuple[str, int]:
    parts = module.split(".")[1:]
    if not parts:
        return "", TOP[""]
    if len(parts) == 1 and parts[0] not in LAYERS:  # a module directly under cchc_rules/
        return (parts[0], TOP[parts[0]]) if parts[0] in TOP else ("leaf", 0)
    package = parts[0]
    if LAYERS.get(package) == 0:
        return "leaf", 0  # the leaf modules import one another freely (the cycle test still holds them)
    if package not in LAYERS:
        pytest.fail(f"cchc_rules/{package}/ is a new package: give it a layer in LAYERS ({__file__})")
    return package, LAYERS[package]


def _where(module: str, target: str) -> str:
    return f"{MODULES[module].relative_to(ROOT)}:{GRAPH[module][target]} imports {target}"


def test_the_graph_sees_the_package():
    assert len(MODULES) > 100
    assert "cchc_rules.engine.vocabulary" in GRAPH["cchc_rules.engine.score"]


def test_imports_inside_functions_count():
    """The parser reads imports at any depth: one module of a known function-level import."""
    source = (PACKAGE / "cli.py").read_text(encoding="utf-8")
    assert "    from cchc_rules.outputs import write_problem" in source
    assert "cchc_rules.outputs" in GRAPH["cchc_rules.cli"]


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b": 1}, "b": {}}) == []


def test_no_import_cycle():
    cycles = _cycles(GRAPH)
    lines = []
    for component in cycles:
        lines.append(" ↔ ".join(component))
        lines += [f"    {_where(a, b)}" for a in component for b in GRAPH[a] if b in component]
    assert not cycles, "import cycles:\n" + "\n".join(lines)


def test_imports_go_down_the_layers():
    wrong = []
    for module, edges in GRAPH.items():
        package, rank = _layer(module)
        for target in edges:
            other, other_rank = _layer(target)
            if other == package:
                continue
            if other_rank >= rank:
                wrong.append(f"{_where(module, target)} (layer {rank} may import lower layers only, not {other_rank})")
    assert not wrong, "imports against the layering:\n" + "\n".join(wrong)


def test_analysis_does_not_import_report():
    wrong = [_where(m, t) for m, edges in GRAPH.items() if m.startswith("cchc_rules.analysis")
             for t in edges if t.startswith(("cchc_rules.report", "cchc_rules.commands"))]
    assert not wrong, "\n".join(wrong)
