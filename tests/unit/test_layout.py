"""The house's rules (docs/architecture.md, "Rooms and the arrows between them"), read from the
source with `ast`: every import counts, at the top of a module or inside a function, and so does
every `lazy("chalicelib....")` name, because an import moved into a function is still an arrow."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "chalicelib"
SHARED = {"core": set(), "db": {"core"}, "http": {"core", "db"}}
# Domain -> the domains it may use. Shared packages are open to every domain.
DOMAINS = {
    "org": set(),
    "voc": {"org"},
    "a11": {"org", "voc", "surveys"},
    "imports": {"org", "voc"},
    "kpis": {"org", "voc", "reviews"},
    "audits": {"org"},
    "ledger": {"org", "audits", "reviews"},
    "reminders": {"org", "voc", "audits", "reviews", "watch"},
    "reporting": {"org", "voc", "kpis", "audits", "assessments", "reviews", "watch"},
    "surveys": {"org", "voc"},
    "assessments": {"org", "audits", "kpis"},
    "watch": {"org", "voc"},
    "peers": {"org", "voc", "imports"},
    "reviews": {"org", "voc"},
}
# Item declarations (one module: discriminated batch reads need every class registered).
SIZE_EXEMPT = {"chalicelib.db.items"}
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The module `name` is or lies in (`chalicelib.voc.store.get` -> `chalicelib.voc.store`)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "lazy" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names = [node.args[0].value]
        found.update(m for m in map(_resolve, (n for n in names if n.startswith("chalicelib."))) if m)
    return found


GRAPH = {name: imports_of(path) - {name, "chalicelib"} for name, path in MODULES.items()}


def _room(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def _is_store(module: str) -> bool:
    base = module.rsplit(".", 1)[-1]
    return base == "store" or base.startswith("store_") or base.endswith("_store")


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan), or a self-loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_reader_sees_every_kind_of_import(tmp_path):
    # Given a module importing in all the ways the code does
    sample = tmp_path / "sample.py"
    sample.write_text("from chalicelib.voc import store\nimport chalicelib.org.service as org\n"
                      "def f():\n    from chalicelib.kpis.rules import x\n"
                      "g = lazy('chalicelib.audits.service', 'transition')\n")
    # Then every arrow is read, resolved to the module it names
    assert imports_of(sample) == {"chalicelib.voc.store", "chalicelib.org.service", "chalicelib.kpis.rules",
                                  "chalicelib.audits.service"}


def test_the_cycle_finder_finds_a_cycle_and_only_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_no_layer_folders_and_every_module_in_a_room():
    rooms = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert not rooms & {"api", "logic", "dal", "models"}
    assert rooms >= set(SHARED) | set(DOMAINS)
    # A room nobody declared would escape every rule below.
    assert {_room(m) for m in MODULES if m.count(".") >= 2} <= set(SHARED) | set(DOMAINS)
    with_routes = {_room(m) for m in MODULES if m.endswith("routes")}
    assert len(with_routes & set(DOMAINS)) >= 8


def test_no_import_circle_between_modules():
    assert _cycles(GRAPH) == []


def test_shared_packages_import_no_domain_and_only_what_is_below_them():
    wrong = [(m, t) for m, targets in GRAPH.items() if _room(m) in SHARED
             for t in targets if _room(t) != _room(m) and _room(t) not in SHARED[_room(m)]]
    assert wrong == []


def test_domains_use_only_the_domains_the_layout_allows():
    wrong = [(m, t) for m, targets in GRAPH.items() if _room(m) in DOMAINS
             for t in targets if _room(t) in DOMAINS and _room(t) != _room(m)
             and _room(t) not in DOMAINS[_room(m)]]
    assert wrong == []
    rooms = {room: {_room(t) for m, ts in GRAPH.items() if _room(m) == room for t in ts} - {room}
             for room in DOMAINS}
    assert _cycles(rooms) == []


def test_no_domain_reaches_into_another_domains_store_or_routes():
    wrong = [(m, t) for m, targets in GRAPH.items() for t in targets
             if _room(m) in DOMAINS and _room(t) in DOMAINS and _room(t) != _room(m)
             and (_is_store(t) or t.endswith(("routes", "worker_handler")))]
    assert wrong == []


@pytest.mark.parametrize("module", sorted(set(MODULES) - SIZE_EXEMPT))
def test_modules_stay_small(module):
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines: split it by what it is about"

