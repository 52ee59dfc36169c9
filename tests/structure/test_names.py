"""Names that mean one thing (issue 22): no two classes of the package share a name (there were two ``Journal``,
two ``Exchange`` and two ``Message``), and a function named ``..._wire`` writes a wire shape, nothing else."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "fake_assistants"


def class_homes(sources: dict[str, str]) -> dict[str, list[str]]:
    """Each class name defined at a module's top level, with the modules that define it."""
    homes: dict[str, list[str]] = defaultdict(list)
    for module, source in sorted(sources.items()):
        for node in ast.parse(source).body:
            if isinstance(node, ast.ClassDef):
                homes[node.name].append(module)
    return homes


def test_no_two_classes_share_a_name() -> None:
    sources = {str(path.relative_to(PACKAGE)): path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")}
    shared = {name: modules for name, modules in class_homes(sources).items() if len(modules) > 1}
    assert shared == {}
    assert class_homes({"a.py": "class Journal: ...", "b.py": "class Journal: ..."}) == {"Journal": ["a.py", "b.py"]}


def test_only_the_serializers_write_wire_shapes() -> None:
    """``*_wire`` functions build what the API answers; they live in ``api/serialize*.py`` (and the spec's
    reshaping of them in ``api/spec_shapes.py``), not in the backend, which stores and creates."""
    found = sorted(
        f"{path.relative_to(PACKAGE)}: {node.name}"
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name.endswith("_wire")
        if not path.relative_to(PACKAGE).as_posix().startswith(("api/serialize", "api/spec_shapes"))
    )
    assert found == []
