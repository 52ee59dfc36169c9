"""Reading a world file: safe YAML (JSON is YAML too) into plain values, with the line of every value kept.

World files are untrusted input. Only the safe YAML tags are read; anchors and aliases are refused (a world has no
use for them, and they are how a small file becomes a huge document); the document is bounded in bytes, in nodes
and in nesting. Every problem is one :class:`WorldError` whose message names the file and the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from ..errors import ApiError
from ..schemas.validation import check_servable
from ..yamltext import flow_too_deep

MAX_WORLD_BYTES = 64 * 1024 * 1024  # the text of one world file (file contents may live beside it, by path)
MAX_NODES = 500_000  # the values one world file may hold
MAX_DEPTH = 64  # how deeply its values may nest

Pointer = tuple[str | int, ...]


class WorldError(ValueError):
    """A world that cannot be loaded. The message names the file, the line and the id; nothing was loaded."""


class Lines:
    """Where each value of a world document stands in its file: ``where(pointer)`` for messages."""

    def __init__(self, source: str, lines: dict[Pointer, int] | None = None) -> None:
        self.source = source
        self.lines = lines or {}

    def line(self, pointer: Pointer) -> int | None:
        probe = pointer
        while probe and probe not in self.lines:
            probe = probe[:-1]
        return self.lines.get(probe)

    def where(self, pointer: Pointer) -> str:
        line = self.line(pointer)
        if line is not None:
            return f"{self.source}, line {line}"
        at = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in pointer).lstrip(".")
        return f"{self.source}, at {at or 'the top'}"

    def error(self, pointer: Pointer, problem: str) -> WorldError:
        return WorldError(f"{self.where(pointer)}: {problem}")


def read_text(text: str, source: str) -> tuple[Any, Lines]:
    """The document a world file's text holds, and its lines."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_WORLD_BYTES:
        raise WorldError(f"{source}: a world file holds at most {MAX_WORLD_BYTES} bytes")
    if flow_too_deep(text):  # before PyYAML, whose scanner is quadratic in flow nesting
        raise WorldError(f"{source}: nested too deeply")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise WorldError(f"{source}: not valid YAML or JSON: {_one_line(exc)}") from None
    except RecursionError:
        raise WorldError(f"{source}: nested too deeply") from None
    if node is None:
        return {}, Lines(source)
    walk = _Walk(source)
    try:
        value = walk.value(node, ())
    except yaml.YAMLError as exc:
        raise WorldError(f"{source}: not valid YAML: {_one_line(exc)}") from None
    try:  # nothing is built that could not be answered: 64-bit integers, valid Unicode (nesting is bounded above)
        check_servable(value, depth=MAX_DEPTH + 1)
    except ApiError as error:
        raise WorldError(f"{source}: {error.message.replace('your request', 'the world file')}") from None
    return value, Lines(source, walk.lines)


def read_file(path: str | Path) -> tuple[Any, Lines]:
    file = Path(path)
    try:
        if file.stat().st_size > MAX_WORLD_BYTES:
            raise WorldError(f"{file}: a world file holds at most {MAX_WORLD_BYTES} bytes")
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WorldError(f"{file}: cannot read the world file: {_one_line(exc)}") from None
    return read_text(text, str(file))


_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


class _Walk:
    """Builds the plain values of a composed document, recording each one's line, within the bounds."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[Pointer, int] = {}
        self.seen: set[int] = set()  # the nodes built so far: an alias is a node met twice
        self.constructor = yaml.SafeLoader("")  # the safe tags only: a python tag is a ConstructorError

    def value(self, node: Any, pointer: Pointer) -> Any:
        line = node.start_mark.line + 1
        self.lines[pointer] = line
        if id(node) in self.seen:
            raise WorldError(f"{self.source}, line {line}: aliases (*name) are not allowed in a world file")
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES:
            raise WorldError(f"{self.source}, line {line}: a world file holds at most {MAX_NODES} values")
        if len(pointer) > MAX_DEPTH:
            raise WorldError(f"{self.source}, line {line}: values nest at most {MAX_DEPTH} deep")
        if isinstance(node, yaml.CollectionNode) and node.tag not in _PLAIN_TAGS:
            raise WorldError(f"{self.source}, line {line}: the tag {node.tag!r} is not allowed in a world file")
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.constructor.construct_object(key_node, deep=True)
                at = f"{self.source}, line {key_node.start_mark.line + 1}"
                if key == "<<" or key_node.tag == "tag:yaml.org,2002:merge":
                    raise WorldError(f"{at}: merge keys (<<) are not allowed in a world file")
                if not isinstance(key, str):
                    raise WorldError(f"{at}: keys are strings, not {key!r}")
                if key in out:
                    raise WorldError(f"{at}: the key {key!r} is given twice")
                out[key] = self.value(value_node, (*pointer, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*pointer, index)) for index, item in enumerate(node.value)]
        return self.constructor.construct_object(node, deep=True)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())
