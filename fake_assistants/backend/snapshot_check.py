"""Checking a snapshot before it is restored: every saved object has its required fields, with values of the types
its model declares, so a damaged or hand-edited state file is refused with the object and the field named, instead
of loading (``"model": null``) or failing later on a bare ``KeyError``.

The types are read from the models' own annotations (``str``, ``int | None``, ``dict[str, str]``, a ``Literal``),
so a field added to a model is checked without an edit here. Annotations this check does not read are let through.
"""

from __future__ import annotations

import ast
import dataclasses
import reprlib
import typing
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import ApiError
from ..schemas.validation import MAX_INTEGER, MAX_JSON_DEPTH, check_servable
from . import models
from .models import Assistant, FileBatch, Run, RunStep, StoredFile, Thread, VectorStore

Check = Callable[[Any], bool]

# Where each model sits in a snapshot, what a restore rebuilds or takes in another form (not checked by type), and
# which of those it reads all the same (a snapshot always writes them).
COLLECTIONS: tuple[tuple[str, type, tuple[str, ...], tuple[str, ...]], ...] = (
    ("assistants", Assistant, (), ()),
    ("threads", Thread, (), ()),
    ("runs", Run, ("turn", "responder", "tool_outputs", "step_ids", "usage"), ("turn", "tool_outputs", "usage")),
    ("steps", RunStep, ("usage",), ("usage",)),
    ("files", StoredFile, ("content",), ("content",)),
    ("vector_stores", VectorStore, ("files", "order", "batch_ids", "usage_bytes"), ("files",)),
    ("batches", FileBatch, ("files",), ()),
)
TOP_LEVEL = ("seed", "ids", "assistants", "threads", "messages", "runs", "steps", "files", "vector_stores", "batches")

_SIMPLE: dict[str, Check] = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "None": lambda v: v is None,
    "JsonDict": lambda v: isinstance(v, dict),
    "dict": lambda v: isinstance(v, dict),
    "list": lambda v: isinstance(v, list),
    "OrderedIndex": lambda v: isinstance(v, list),
    "Usage": lambda v: isinstance(v, dict),
}


MAX_STATE_DEPTH = MAX_JSON_DEPTH + 10  # what a request may nest, inside the snapshot's own few levels
MAX_REPLAYED_IDS = 200_000  # ids a snapshot without ``id_states`` makes the restore draw (about a second)


def problems(document: dict[str, Any]) -> list[str]:
    """What is wrong with ``document``'s objects, one line each (empty: it may be restored)."""
    found = [f"it has no {name!r}" for name in TOP_LEVEL if name not in document]
    if found:
        return found
    for key, model, skipped, read in COLLECTIONS:
        objects = document[key]
        if not isinstance(objects, list):
            found.append(f"{key!r} is not a list")
            continue
        found.extend(_object_problems(key, model, skipped, read, objects))
    if found:
        return found
    try:  # nothing is restored that could not be answered: 64-bit integers, valid Unicode, bounded nesting
        check_servable(document, depth=MAX_STATE_DEPTH)
    except ApiError as error:
        return [error.message.replace("your request", "the snapshot")]
    return _id_problems(document)


def _id_problems(document: dict[str, Any]) -> list[str]:
    ids, states = document["ids"], document.get("id_states")
    if not isinstance(ids, dict) or not all(
        isinstance(count, int) and not isinstance(count, bool) and 0 <= count <= MAX_INTEGER for count in ids.values()
    ):
        return ["'ids' is not an object of counts (whole numbers, 0 or more)"]
    if states is None and sum(ids.values()) > MAX_REPLAYED_IDS:
        return [f"'ids' counts more than {MAX_REPLAYED_IDS} ids without 'id_states' (save it again to add them)"]
    if states is not None and (
        not isinstance(states, dict) or not all(isinstance(v, list) and len(v) == 3 for v in states.values())
    ):
        return ["'id_states' is not an object of generator states"]
    return []


def _object_problems(
    key: str, model: type, skipped: tuple[str, ...], read: tuple[str, ...], objects: Iterable[Any]
) -> Iterable[str]:
    checks = _field_checks(model)
    required = {f.name for f in dataclasses.fields(model) if _required(f)} - set(skipped) | set(read)
    for position, raw in enumerate(objects):
        if not isinstance(raw, dict):
            yield f"{key}[{position}] is not an object"
            continue
        where = f"{key}[{position}] ({raw.get('id', 'no id')})"
        for name in sorted(required - raw.keys()):
            yield f"{where} has no {name!r}"
        for name, value in raw.items():
            check = checks.get(name)
            if name in skipped or check is None:
                continue
            if not check(value):
                expected = _annotations(model)[name]
                yield f"{where}: {name!r} is {_shown(value)}, not {expected}"


def _required(item: dataclasses.Field[Any]) -> bool:
    return item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING


def _annotations(model: type) -> dict[str, str]:
    return {item.name: str(item.type) for item in dataclasses.fields(model)}


_CACHE: dict[type, dict[str, Check]] = {}


def _field_checks(model: type) -> dict[str, Check]:
    """One check per field whose annotation this module reads."""
    if model not in _CACHE:
        checks: dict[str, Check] = {}
        for item in dataclasses.fields(model):
            check = _check_of(str(item.type))
            if check is not None:
                checks[item.name] = check
        _CACHE[model] = checks
    return _CACHE[model]


def _check_of(annotation: str) -> Check | None:
    """A check for an annotation written as text (``"str | None"``), or None when it is not one of ours."""
    try:
        tree = ast.parse(annotation, mode="eval").body
    except SyntaxError:
        return None
    return _check_node(tree)


def _check_node(node: ast.expr) -> Check | None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _check_node(node.left), _check_node(node.right)
        if left is None or right is None:
            return None
        return lambda v: left(v) or right(v)
    if isinstance(node, ast.Constant) and node.value is None:
        return _SIMPLE["None"]
    if isinstance(node, ast.Name):
        alias = getattr(models, node.id, None)  # a named Literal (``RunStatus``, ``Progression``)
        if typing.get_origin(alias) is typing.Literal:
            allowed = set(typing.get_args(alias))
            return lambda v: v in allowed
        return _SIMPLE.get(node.id)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        if node.value.id == "Literal":
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            allowed = {item.value for item in items if isinstance(item, ast.Constant)}
            return lambda v: v in allowed
        return _SIMPLE.get(node.value.id)
    return None


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    text = reprlib.repr(value)  # a few levels deep at most: a value nested 100 000 deep is shown, not recursed into
    return text if len(text) <= 40 else text[:37] + "..."
