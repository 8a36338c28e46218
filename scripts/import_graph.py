"""The import graph of the statuskit package, read from the source (nothing is imported).

    .venv/bin/python scripts/import_graph.py            # cycles, then every module's imports
    .venv/bin/python scripts/import_graph.py --layers   # also each module's layer and upward imports

Every ``import`` and ``from ... import`` counts, including those inside functions (a
local import still ties two modules together). ``tests/test_layout.py`` uses this to
fail on an import circle or an import from a lower layer into a higher one.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "statuskit"


def module_name(path: Path, root: Path) -> str:
    """``statuskit/gate/release.py`` -> ``statuskit.gate.release``; a package is its ``__init__``."""
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module of the package under ``root`` -> the modules of that package it imports."""
    paths = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                candidates = [target] + [f"{target}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                candidates = [a.name for a in node.names]
            else:
                continue
            graph[name] |= {c for c in candidates if c in paths and c != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
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

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph) + 100))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def layer_of(module: str, layers: list[list[str]]) -> int | None:
    """The index in ``layers`` (bottom first) of the longest prefix naming ``module``'s layer."""
    best: tuple[int, int] | None = None
    for i, names in enumerate(layers):
        for prefix in names:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (i, len(prefix))
    return None if best is None else best[0]


def upward_imports(graph: dict[str, set[str]], layers: list[list[str]]) -> list[str]:
    """'a -> b' for each import of a module in a higher layer than the importer's."""
    out = []
    for a in sorted(graph):
        for b in sorted(graph[a]):
            la, lb = layer_of(a, layers), layer_of(b, layers)
            if la is not None and lb is not None and lb > la:
                out.append(f"{a} (layer {la}) -> {b} (layer {lb})")
    return out


def main(argv: list[str]) -> int:
    graph = import_graph()
    print("cycles:", cycles(graph) or "none")
    if "--layers" in argv:
        sys.path.insert(0, str(PACKAGE.parent / "tests"))
        from test_layout import LAYERS

        print("upward imports:", upward_imports(graph, LAYERS) or "none")
    for name in sorted(graph):
        print(name, "->", ", ".join(sorted(graph[name])) or "-")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
