"""Every error text the API answers with is written in ``fake_assistants/errors.py``, and nowhere else.

An ``ast`` walk of the package finds each ``ApiError(...)`` built, and each error factory given a text of its own
(a string or an f-string): outside ``errors.py`` there are none, but the one place that fills a validation
template (whose text comes from ``errors.py`` too).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "fake_assistants"
FACTORIES_TAKING_TEXT = {"ApiError", "AzureError", "invalid_request", "openai_error", "_carried"}
# (module, function): why it may build an error there.
ALLOWED = {
    ("schemas/validation.py", "translate"): "fills in the {param} of a template errors.py wrote",
    ("schemas/validation.py", "_carried"): "carries an errors.py text through pydantic, unchanged",
}


def texts_outside(source: str) -> Iterator[tuple[str, int]]:
    """``(function, line)`` of each error built with its own text, or built directly, in ``source``."""
    tree = ast.parse(source)
    for function in [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)] + [tree]:
        name = function.name if isinstance(function, ast.FunctionDef) else "<module>"
        body = function.body if isinstance(function, ast.FunctionDef) else []
        for node in (sub for stmt in body for sub in ast.walk(stmt)):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id in ("ApiError", "AzureError"):
                yield name, node.lineno
            elif node.func.id in FACTORIES_TAKING_TEXT and node.args:
                first = node.args[0]
                if isinstance(first, ast.JoinedStr) or (
                    isinstance(first, ast.Constant) and isinstance(first.value, str)
                ):
                    yield name, node.lineno


def test_error_texts_are_written_in_errors_py_only() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if module == "errors.py":
            continue
        for function, line in texts_outside(path.read_text(encoding="utf-8")):
            if (module, function) not in ALLOWED:
                found.append(f"{module}:{line} (in {function})")
    assert found == [], "error texts outside errors.py:\n  " + "\n  ".join(found)


def test_the_walk_finds_a_text_written_elsewhere() -> None:
    source = (
        "def handler(call):\n"
        "    if call.bad:\n"
        '        raise invalid_request(f"Bad {call.x}.")\n'
        "    raise ApiError(404, 'gone')\n"
        "def fine(call):\n"
        "    raise invalid_request(call.text)\n"
    )
    assert list(texts_outside(source)) == [("handler", 3), ("handler", 4)]
