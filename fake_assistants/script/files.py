"""Script files: turns declared in YAML or JSON, in the vocabulary of the scripted response engine.

A script file is a mapping with ``turns`` (a list) and optionally ``strict`` (a bool)::

    strict: false
    turns:
      - reply: "Hello!"                       # a text reply
      - assistant: "Math Tutor"               # bindings: assistant (id or name), thread, message_contains
        reply: "x = 1"
      - message_contains: weather
        steps:                                # tool steps, in order
          - call:                             # one round of function calls (several = parallel)
              - {name: get_weather, arguments: {city: Paris}}
          - run_code: {input: "print(1)", output: "1"}
          - search_files: opening hours
        reply: {text: "Sunny【0†faq.txt】", annotations: [{file_id: file-abc, marker: "【0†faq.txt】"}]}
      - fail: {code: rate_limit_exceeded, message: Slow down.}
      - incomplete: max_completion_tokens
      - expire: true
    faults:                                   # faults on demand (fake_assistants.frontdoor.faults), same vocabulary
      - {fault: rate_limit, operation: createRun, times: 2}
    model:                                    # runs no turn serves ask a chat model (fake_assistants.chat)
      base_url: http://127.0.0.1:11434/v1
      record: cassettes/suite.yaml            # relative to the script file's folder

A turn has at most one ending (``reply``, ``fail``, ``incomplete`` or ``expire``); with none, it ends with the default
reply. A turn is in the one JSON form of turns (``codec.py``), which snapshots use too; each step is ``{kind: value}``
in the vocabulary of its step kind (``fake_assistants.steps``). A mistake is a :class:`ScriptFileError` naming the
line (YAML) or the JSON pointer (JSON) and the problem.
"""

from __future__ import annotations

import difflib
import json
import types
import typing
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError

from ..steps.base import SpecModel
from ..yamltext import flow_too_deep
from .codec import TurnSpec


class ScriptFileError(ValueError):
    """A script file that cannot be loaded; the message names where and what."""


class ScriptFile(SpecModel):
    strict: bool | None = None
    turns: Annotated[list[TurnSpec], Field(default_factory=list)]
    faults: list[dict[str, Any]] | None = None  # fault documents (frontdoor/faults.py), for the emulator
    model: dict[str, Any] | None = None  # a model responder's options (fake_assistants.chat), for the emulator


# --- loading ---------------------------------------------------------------------------------------------------


def parse_script(text: str, *, source: str = "<script>", yaml: bool | None = None) -> ScriptFile:
    """Parse and check a script file's text. YAML unless it is JSON (or ``yaml`` says)."""
    lines: dict[str, int] = {}
    if yaml is None:
        yaml = not text.lstrip().startswith(("{", "["))
    if yaml:
        data = _load_yaml(text, source, lines)
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ScriptFileError(f"{source}: not valid JSON: {exc}") from None
        except RecursionError:
            raise ScriptFileError(f"{source}: not valid JSON: nested too deeply") from None
    try:
        spec = ScriptFile.model_validate(data)
    except RecursionError:
        raise ScriptFileError(f"{source}: nested too deeply") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        pointer = "".join(f"/{part}" for part in error["loc"])
        problem = _clean(error["msg"])
        if error["type"] == "extra_forbidden":
            problem = unknown_key(str(error["loc"][-1]), keys_at(error["loc"][:-1]))
        raise ScriptFileError(f"{source}: {_where(pointer, lines)}: {problem}") from None
    for index, turn in enumerate(spec.turns):
        try:
            turn.turn()  # the turn vocabulary's own checks (markers in the text, valid JSON arguments)
        except ValueError as exc:
            raise ScriptFileError(f"{source}: {_where(f'/turns/{index}', lines)}: {exc}") from None
    return spec


def read_script(path: str | Path) -> ScriptFile:
    """Read and check the script file at ``path`` (JSON when its name ends in ``.json``, else YAML)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScriptFileError(f"{file}: cannot read the script file: {exc}") from None
    return parse_script(text, source=str(file), yaml=file.suffix.lower() not in (".json",))


MAX_YAML_NODES = 100_000  # the nodes a YAML document may hold once its aliases are expanded


def _load_yaml(text: str, source: str, lines: dict[str, int]) -> Any:
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - PyYAML is a dependency
        raise ScriptFileError("YAML script files need PyYAML (pip install pyyaml)") from exc
    if flow_too_deep(text):  # before PyYAML, whose scanner is quadratic in flow nesting
        raise ScriptFileError(f"{source}: not valid YAML: nested too deeply")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is None:
            return {}
        _check_expansion(node, source)
        _record_lines(node, "", lines)
        return yaml.SafeLoader("").construct_document(node)  # python tags and the like: a ConstructorError
    except yaml.YAMLError as exc:
        raise ScriptFileError(f"{source}: not valid YAML: {' '.join(str(exc).split())}") from None  # one line
    except RecursionError:
        raise ScriptFileError(f"{source}: not valid YAML: nested too deeply") from None


def _check_expansion(root: Any, source: str) -> None:
    """Refuse a document whose aliases expand to more than :data:`MAX_YAML_NODES` nodes (a "billion laughs")
    before anything walks it expanded."""
    from yaml import MappingNode, SequenceNode

    seen = 0
    pending = [root]
    while pending:
        node = pending.pop()
        seen += 1
        if seen > MAX_YAML_NODES:
            raise ScriptFileError(f"{source}: not valid YAML: its aliases expand to more than {MAX_YAML_NODES} nodes")
        if isinstance(node, MappingNode):  # by kind, not tag: ``!!set {a: 1}`` is a mapping with another tag
            pending.extend(item for pair in node.value for item in pair)
        elif isinstance(node, SequenceNode):
            pending.extend(node.value)


def _record_lines(node: Any, pointer: str, lines: dict[str, int]) -> None:
    from yaml import MappingNode, SequenceNode

    lines[pointer] = node.start_mark.line + 1
    if isinstance(node, MappingNode):
        for key, value in node.value:
            _record_lines(value, f"{pointer}/{key.value}", lines)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, f"{pointer}/{index}", lines)


def _where(pointer: str, lines: dict[str, int]) -> str:
    probe = pointer
    while probe and probe not in lines:
        probe = probe.rsplit("/", 1)[0]
    line = lines.get(probe)
    at = pointer or "/"
    return f"line {line} (at {at})" if line is not None else f"at {at}"


def unknown_key(key: str, valid: list[str]) -> str:
    """The problem of a key the file's schema does not have, with the nearest valid one and all of them."""
    near = difflib.get_close_matches(key, valid, n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"unknown key {key!r}{hint} (valid keys here: {', '.join(valid)})"


def keys_at(loc: tuple[int | str, ...]) -> list[str]:
    """The keys the script file's schema accepts at ``loc`` (a pydantic error location), in schema order."""
    types: list[Any] = [ScriptFile]
    for part in loc:
        types = [inner for outer in types for inner in _step_into(outer, part)]
    keys: list[str] = []
    for model in types:
        if isinstance(model, type) and issubclass(model, BaseModel):
            keys += [info.alias or name for name, info in model.model_fields.items()]
    return list(dict.fromkeys(keys))


def _step_into(outer: Any, part: int | str) -> list[Any]:
    """The types one step down ``outer`` along ``part``: a field of a model, an item of a list, a member of a union
    that pydantic names by its class."""
    found: list[Any] = []
    for kind in _members(outer):
        if isinstance(part, int) and typing.get_origin(kind) is list:
            found += _members(typing.get_args(kind)[0])
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            if kind.__name__ == part:
                found.append(kind)
            for name, info in kind.model_fields.items():
                if part in (name, info.alias):
                    found += _members(info.annotation)
    return found


def _members(kind: Any) -> list[Any]:
    """``kind`` without ``Optional``, ``Annotated`` and unions: the types a value may have."""
    origin = typing.get_origin(kind)
    if origin is typing.Annotated:
        return _members(typing.get_args(kind)[0])
    if origin in (typing.Union, types.UnionType):
        return [member for arg in typing.get_args(kind) for member in _members(arg)]
    return [kind]


def _clean(message: str) -> str:
    return message.removeprefix("Value error, ")
