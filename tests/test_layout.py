"""The package layout follows the data flow: no import circles, and no layer imports a higher one.

The graph is computed from the source by ``scripts/import_graph.py`` (run it to see it).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The layers, bottom to top (written once, here). A module may import its own layer and the layers
# below it; the longest matching prefix names a module's layer.
LAYERS: list[list[str]] = [
    ["statuskit.version", "statuskit.errors", "statuskit.infra"],  # no statuskit imports but these
    ["statuskit.ssh"],             # SSH signatures: verify, cache of verified ones, sign with ssh-keygen
    ["statuskit.model"],           # content/ -> validated, typed records
    ["statuskit.gate"],            # what is public: digests, approvals, release, verifying the _site/_teams chains
    ["statuskit.lint"],            # advisory checks of the words
    ["statuskit.render"],          # a Release -> text and bytes
    ["statuskit.publish"],         # build a site: prepare, render, write, scan, the previous site
    ["statuskit.workflow"],        # pull requests: author, approve, check, history, preview, init, deploys
    ["statuskit.cli", "statuskit.mkdocs_adapter"],  # front ends
    ["statuskit", "statuskit.__main__"],            # the public names and python -m statuskit
]


def _graph_tools():
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tools = _graph_tools()


@pytest.fixture(scope="module")
def graph():
    return tools.import_graph(ROOT / "statuskit")


def test_no_import_cycles(graph):
    assert tools.cycles(graph) == []


def test_no_upward_imports(graph):
    assert tools.upward_imports(graph, LAYERS) == []


def test_every_module_has_a_layer(graph):
    assert [m for m in graph if tools.layer_of(m, LAYERS) is None] == []


def test_front_ends_do_not_import_each_other(graph):
    cli = {m for m in graph if m.startswith("statuskit.cli")}
    adapter = {m for m in graph if m.startswith("statuskit.mkdocs_adapter")}
    assert [(a, b) for a in cli for b in graph[a] if b in adapter] == []
    assert [(a, b) for a in adapter for b in graph[a] if b in cli] == []


def test_the_checker_finds_a_cycle_and_an_upward_import(tmp_path):
    # the checks above would pass on a checker that finds nothing: show that it finds both
    pkg = tmp_path / "statuskit"
    (pkg / "model").mkdir(parents=True)
    (pkg / "gate").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "model" / "__init__.py").write_text("")
    (pkg / "gate" / "__init__.py").write_text("")
    (pkg / "model" / "records.py").write_text("def f():\n    from ..gate.release import gate\n")
    (pkg / "gate" / "release.py").write_text("from ..model import records\n")
    g = tools.import_graph(pkg)
    assert tools.cycles(g) == [["statuskit.gate.release", "statuskit.model.records"]]
    assert tools.upward_imports(g, LAYERS) == ["statuskit.model.records (layer 2) -> statuskit.gate.release (layer 3)"]
