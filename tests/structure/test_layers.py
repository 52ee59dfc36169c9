"""Layers import downward only: front doors -> api -> world -> runs -> backend -> chat -> script -> recordings ->
steps -> schemas -> leaves.

The walk reads every module of the package with ``ast`` (imports under ``if TYPE_CHECKING:`` do not count: they are
types, not calls) and fails on an import that climbs to a higher layer, unless the pair is in ``KNOWN_UPWARD`` with
its reason (it is empty since the layering pass of issue 12; an entry must say why it cannot be mended).

Within and across layers, no two files import each other, directly or round a circle, type-only imports included
(issue 22); and no module reads a private name (``x._name``) that another module defines.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "fake_assistants"

# Top to bottom. A top-level module or package of fake_assistants belongs to exactly one layer.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "front doors",
        frozenset(
            {
                "__init__",
                "__main__",
                "cli",
                "demo",
                "pytest_plugin",
                "emulator",
                "control",
                "frontdoor",
                "patching",
                "server",
                "transports",
                "conformance",
                "strategies",
            }
        ),
    ),
    ("api", frozenset({"api"})),
    ("world", frozenset({"world"})),
    ("runs", frozenset({"runs"})),
    ("backend", frozenset({"backend"})),
    ("chat", frozenset({"chat"})),
    ("script", frozenset({"script"})),
    ("recordings", frozenset({"recordings"})),  # reads recorded runs in the step vocabulary (recordings/played.py)
    ("steps", frozenset({"steps"})),
    ("schemas", frozenset({"schemas"})),
    (
        "leaves",
        frozenset(
            {"errors", "ids", "clock", "search", "contract", "journal", "jsoncodec", "tokens", "settings", "yamltext"}
        ),
    ),
)

# (importing module, imported module): why it is still there. Each is a place to mend, not a pattern to follow.
KNOWN_UPWARD: dict[tuple[str, str], str] = {}  # none left: every import reads downward


def layer_of(module: str) -> int:
    top = module.split(".")[0]
    for index, (_, members) in enumerate(LAYERS):
        if top in members:
            return index
    raise AssertionError(f"fake_assistants.{top} is in no layer: add it to LAYERS in {__file__}")


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            inside.update(id(sub) for stmt in node.body for sub in ast.walk(stmt))
    return inside


def imports(source: str, module: str, *, is_package: bool, types: bool = False) -> Iterator[str]:
    """The fake_assistants modules ``module`` imports at run time (with ``types``, under ``TYPE_CHECKING`` too),
    relative to the package."""
    tree = ast.parse(source)
    skip = set() if types else _type_checking_nodes(tree)
    here = [] if module == "__init__" else module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[: len(here) - (node.level - 1)]
            target = ".".join([*base, *(node.module.split(".") if node.module else [])]) or "__init__"
            for alias in node.names:  # ``from ..runs import engine`` imports the module runs.engine
                submodule = f"{target}.{alias.name}" if target != "__init__" else alias.name
                yield submodule if _is_module(submodule) else target
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("fake_assistants."):
            yield node.module.removeprefix("fake_assistants.")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("fake_assistants."):
                    yield alias.name.removeprefix("fake_assistants.")


def _is_module(name: str) -> bool:
    path = PACKAGE.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def modules() -> Iterator[tuple[str, str, bool]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package and len(parts) > 1 else parts)
        yield name, path.read_text(encoding="utf-8"), is_package


def upward(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted(
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if layer_of(target) < layer_of(module)
    )


def package_graph(*, types: bool = False) -> dict[str, set[str]]:
    return {name: set(imports(source, name, is_package=pkg, types=types)) for name, source, pkg in modules()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of ``graph``: each strongly connected set of two or more modules (or one importing
    itself), sorted."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        order[module] = low[module] = len(order)
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in graph:
                continue
            if target not in order:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], order[target])
        if low[module] == order[module]:
            circle = [stack.pop()]
            while circle[-1] != module:
                circle.append(stack.pop())
            if len(circle) > 1 or module in graph[module]:
                found.append(sorted(circle))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return sorted(found)


def test_no_module_imports_from_a_layer_above_it() -> None:
    found = upward(package_graph())
    unexplained = [f"fake_assistants.{a} imports fake_assistants.{b}" for a, b in found if (a, b) not in KNOWN_UPWARD]
    assert unexplained == [], "upward imports (see LAYERS):\n  " + "\n  ".join(unexplained)
    paid = sorted(set(KNOWN_UPWARD) - set(found))
    assert paid == [], f"these known upward imports are gone: take them off KNOWN_UPWARD: {paid}"


def test_the_walk_catches_an_added_upward_import() -> None:
    graph = package_graph()
    errors_source = (PACKAGE / "errors.py").read_text(encoding="utf-8")
    graph["errors"] = set(imports(errors_source + "\nfrom .api.router import Router\n", "errors", is_package=False))
    assert ("errors", "api.router") in upward(graph)
    lazy = "def later() -> None:\n    from ..runs import engine\n"
    assert set(imports(lazy, "backend.state", is_package=False)) == {"runs.engine"}  # a lazy import counts too
    typed = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..api.wire import ApiRequest\n"
    assert set(imports(typed, "backend.state", is_package=False)) == set()  # types only: it does not count


def test_every_module_has_a_layer() -> None:
    for name, _, _ in modules():
        layer_of(name)
    with pytest.raises(AssertionError, match="in no layer"):
        layer_of("mystery")


def attribute_writes(source: str) -> list[int]:
    """The lines of ``source`` that set an attribute or an item (``x.y = ...``, ``x[k] = ...``, ``x.y += ...``)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
        )
        if any(isinstance(target, ast.Attribute | ast.Subscript) for target in targets):
            lines.append(node.lineno)
    return lines


def test_handlers_write_no_state() -> None:
    """Handlers parse, call the backend or the run operations, and serialize: they change no object themselves."""
    found = {
        path.name: attribute_writes(path.read_text(encoding="utf-8"))
        for path in sorted((PACKAGE / "api" / "handlers").glob("*.py"))
    }
    assert {name: lines for name, lines in found.items() if lines} == {}
    assert attribute_writes("def modify(call):\n    run = call.backend.run('r')\n    run.metadata = {}\n") == [3]


def test_no_import_circle_between_files_type_only_imports_included() -> None:
    graph = package_graph(types=True)
    assert all(target in graph for targets in graph.values() for target in targets), "an import names no module"
    assert cycles(graph) == []


def test_the_walk_catches_an_import_circle() -> None:
    graph = package_graph(types=True)
    typed = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..emulator import FakeAssistants\n"
    graph["frontdoor.door"] |= set(imports(typed, "frontdoor.door", is_package=False, types=True))
    assert any({"emulator", "frontdoor.door"} <= set(circle) for circle in cycles(graph))  # the circle issue 22 broke
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def private_reads(source: str) -> list[str]:
    """The private names (``_name``, not ``__dunder__``) ``source`` reads off an object, or imports, that it does not
    define itself (as a function, a class, an assignment, an attribute it sets, or a parameter)."""
    tree = ast.parse(source)
    own: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            own.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            own.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            own.add(node.id)
        elif isinstance(node, ast.arg):
            own.add(node.arg)
    found = []
    for node in ast.walk(tree):
        names = [node.attr] if isinstance(node, ast.Attribute) else []
        names += [alias.name for alias in node.names] if isinstance(node, ast.ImportFrom) else []
        found += [f"{node.lineno}: {name}" for name in names if _private(name) and name not in own]
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_module_reads_another_modules_private_names() -> None:
    found = {name: private_reads(source) for name, source, _ in modules()}
    assert {name: lines for name, lines in found.items() if lines} == {}
    assert private_reads("def f(fake):\n    return fake._backend.lock\n") == ["2: _backend"]
    assert private_reads("from .emulator import _helper\n") == ["1: _helper"]
    own = "class A:\n    def __init__(self):\n        self._x = 1\n\n    def f(self, o):\n        return o._x\n"
    assert private_reads(own) == []  # a name the module defines is its own to read
