"""The project's layers, read top-down: every import points down, none runs back up, none goes round.

    attention_math        the math (tensors, traces); knows nothing of scenes
      ← scenes/kit        what scenes are built from (base scene, mobjects, palette, settings)
      ← scenes            the scenes themselves (scenes/*.py, the catalog, the registry)
      ← scenes/output     the engine that turns scenes into files
      ← render.py         the command line

Built from the source with ``ast`` (nothing is imported): every ``import`` and ``from … import`` counts,
inside functions too (a lazy import is still an arrow), except under ``if TYPE_CHECKING:``. It fails on a
cycle among modules, on an import that runs back up the layers, and on a private name (``_x``) taken
from another package of the project. The checker tests itself on a small synthetic project first.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("attention_math", "scenes", "render.py")

# lower is deeper; an import may only point to its own layer or a lower one. The catalog
# (scenes/catalog.py) is data that imports nothing of the project: the list of built-in scenes that
# the kit's settings files, the engine and the command line all check names against, so it sits
# with the kit, below the scenes it describes.
LAYERS = {"attention_math": 0, "scenes.kit": 1, "scenes.catalog": 1, "scenes": 2, "scenes.output": 3, "render": 4}


@dataclass(frozen=True)
class Edge:
    source: str        # the importing module
    target: str        # the imported module (a module of the project)
    names: tuple[str, ...]  # the names taken by ``from target import …`` (empty for ``import target``)
    line: int


def module_files(root: Path, sources=SOURCES) -> dict[str, Path]:
    """Module name → file, for every module under ``sources`` (packages by their __init__.py)."""
    modules: dict[str, Path] = {}
    for source in sources:
        path = root / source
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            parts = list(file.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = file
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import/ImportFrom node, lazy ones included, skipping ``if TYPE_CHECKING:`` bodies."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def import_graph(root: Path, sources=SOURCES) -> dict[str, list[Edge]]:
    """Module → the project modules it imports (relative imports resolved, lazy imports included)."""
    modules = module_files(root, sources)
    graph: dict[str, list[Edge]] = {name: [] for name in modules}

    def resolve(name: str) -> str | None:
        """The deepest project module named by ``name`` (``a.b.c`` → ``a.b`` when c is an attribute)."""
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    for module, file in modules.items():
        is_package = file.name == "__init__.py"
        for node in _imports(ast.parse(file.read_text(encoding="utf-8"), str(file))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if (target := resolve(alias.name)) and target != module:
                        graph[module].append(Edge(module, target, (), node.lineno))
                continue
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[:len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                # ``from pkg import sub`` imports the submodule pkg.sub when there is one
                sub = f"{base}.{alias.name}"
                if sub in modules:
                    graph[module].append(Edge(module, sub, (), node.lineno))
                elif (target := resolve(base)) and target != module:
                    graph[module].append(Edge(module, target, (alias.name,), node.lineno))
    return graph


def package_of(module: str) -> str:
    """The package a module belongs to, for the layers: the longest key of LAYERS that contains it."""
    best = ""
    for package in LAYERS:
        if (module == package or module.startswith(package + ".")) and len(package) > len(best):
            best = package
    return best


def cycles(graph: dict[str, list[Edge]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for edge in graph.get(node, ()):
            if edge.target not in index:
                visit(edge.target)
                low[node] = min(low[node], low[edge.target])
            elif edge.target in on_stack:
                low[node] = min(low[node], index[edge.target])
        if low[node] == index[node]:
            component = []
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
    return sorted(found)


def upward_imports(graph: dict[str, list[Edge]], layers=LAYERS) -> list[str]:
    """Imports that point to a higher layer than the importer's."""
    bad = []
    for edges in graph.values():
        for edge in edges:
            source, target = package_of(edge.source), package_of(edge.target)
            if source and target and layers[target] > layers[source]:
                bad.append(f"{edge.source}:{edge.line} imports {edge.target} ({source} → {target}, up)")
    return sorted(set(bad))


def private_imports(graph: dict[str, list[Edge]]) -> list[str]:
    """``from other_package.module import _private``: a private name taken across packages."""
    bad = []
    for edges in graph.values():
        for edge in edges:
            if package_of(edge.source) == package_of(edge.target):
                continue
            private = [name for name in edge.names if name.startswith("_") and not name.startswith("__")]
            if private or edge.target.rpartition(".")[2].startswith("_") and edge.target.rpartition(".")[2] != "__init__":
                bad.append(f"{edge.source}:{edge.line} takes {', '.join(private) or edge.target} from {edge.target}")
    return sorted(set(bad))


def _describe_cycle(graph: dict[str, list[Edge]], members: list[str]) -> str:
    inside = set(members)
    arrows = sorted({f"{e.source}:{e.line} → {e.target}" for m in members for e in graph[m] if e.target in inside})
    return "cycle among " + ", ".join(members) + "\n    " + "\n    ".join(arrows)


# --- the checker on a synthetic project ---------------------------------------------------------------

def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_finds_a_cycle_an_upward_import_and_a_private_name(tmp_path):
    _write(tmp_path, {
        "attention_math/__init__.py": "",
        "attention_math/core.py": "from .errors import InputError\n",
        "attention_math/errors.py": "class InputError(Exception): ...\n",
        "scenes/__init__.py": "",
        "scenes/kit/__init__.py": "",
        # a cycle through a lazy import, and an upward import into the engine
        "scenes/kit/a.py": "from . import b\n",
        "scenes/kit/b.py": "def f():\n    from scenes.kit.a import x\n    from scenes.output.engine import run\n",
        # a TYPE_CHECKING import is not an arrow
        "scenes/kit/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from scenes.output.engine import run\n",
        "scenes/output/__init__.py": "",
        "scenes/output/engine.py": "from scenes.kit.c import _private\nfrom attention_math.core import InputError\n",
        "render.py": "import scenes.output.engine\n",
    })
    graph = import_graph(tmp_path)
    assert {e.target for e in graph["attention_math.core"]} == {"attention_math.errors"}
    assert {e.target for e in graph["render"]} == {"scenes.output.engine"}
    assert graph["scenes.kit.c"] == []
    assert cycles(graph) == [["scenes.kit.a", "scenes.kit.b"]]
    assert upward_imports(graph) == ["scenes.kit.b:3 imports scenes.output.engine (scenes.kit → scenes.output, up)"]
    assert private_imports(graph) == ["scenes.output.engine:1 takes _private from scenes.kit.c"]


def test_a_clean_synthetic_project_passes(tmp_path):
    _write(tmp_path, {
        "attention_math/__init__.py": "",
        "scenes/__init__.py": "from scenes.kit import tool\n",
        "scenes/kit/__init__.py": "",
        "scenes/kit/tool.py": "import attention_math\n",
        "scenes/output/__init__.py": "",
        "scenes/output/engine.py": "from scenes import tool\nfrom scenes.kit.tool import public\n",
        "render.py": "from scenes.output import engine\n",
    })
    graph = import_graph(tmp_path)
    assert cycles(graph) == upward_imports(graph) == private_imports(graph) == []
    assert {e.target for e in graph["render"]} == {"scenes.output.engine"}


# --- the project ------------------------------------------------------------------------------------

def test_every_module_has_a_layer():
    assert [m for m in module_files(ROOT) if not package_of(m)] == []


def test_the_catalog_is_data():
    assert import_graph(ROOT)["scenes.catalog"] == []


def test_no_import_cycle():
    graph = import_graph(ROOT)
    found = cycles(graph)
    assert not found, "\n".join(_describe_cycle(graph, c) for c in found)


def test_no_import_runs_back_up_the_layers():
    found = upward_imports(import_graph(ROOT))
    assert not found, "\n".join(found)


def test_no_private_name_crosses_packages():
    found = private_imports(import_graph(ROOT))
    assert not found, "\n".join(found)


def test_the_choices_agree_with_what_they_name():
    """The choices (scenes/kit/choices.py) are the one list the CLI offers: the same themes as the
    palette draws, the same models as attention_math loads."""
    from attention_math.weights import MODELS
    from scenes.kit import choices
    from scenes.kit.palette import THEMES

    assert tuple(THEMES) == choices.THEMES
    assert set(MODELS) == set(choices.MODELS)
