"""The real API's contract, derived from OpenAI's published OpenAPI spec, and the checks that hold bodies to it.

The contract ships inside the package: ``assistants-v2.json`` beside this module holds the facts of OpenAI's spec
for the Assistants-era paths (operations, parameters, schemas, enums, ``required`` keys, limits, stream events) and
none of its prose. ``python -m fake_assistants.contract.build SPEC`` derives it from the pinned spec
(``openai/openai-openapi`` at commit ``f85dbe223d40e1a31cba812ab2d755c7e98a92a3``, normalized), and the project's
suite proves the shipped file equals a fresh derivation. :func:`spec_path` says what is read:
``$FAKE_ASSISTANTS_SPEC`` if set (any normalized spec document, for example one you derived yourself), else the
shipped file.

Two checks, both reporting problems by JSON pointer into the body:

* :meth:`Contract.schema_problems`: JSON Schema validation against a component schema;
* :meth:`Contract.shape_problems`: exactness. The spec's object schemas mostly leave ``additionalProperties`` open,
  so an object with a stray key would still validate; this walks the body along its schema and reports every key
  the schema does not list and every ``required`` key that is missing.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPEC_ENV = "FAKE_ASSISTANTS_SPEC"
SPEC_NAME = "assistants-v2.json"
DEFAULT_SPEC_PATH = Path(__file__).resolve().parent / SPEC_NAME
SPEC_URI = "urn:fake-assistants:openapi-assistants"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
VERDICT_CACHE_SIZE = 4096
MESSAGE_LIMIT = 300  # validation messages quote the offending instance; keep them readable


class SpecUnavailable(RuntimeError):
    """The spec file could not be found or read. The message says how to provide it."""


def spec_path() -> Path:
    override = os.environ.get(SPEC_ENV)
    return Path(override).expanduser() if override else DEFAULT_SPEC_PATH


def read_spec(path: Path) -> dict[str, Any]:
    how = (
        f"The package ships its contract at {DEFAULT_SPEC_PATH}; {SPEC_ENV} overrides it with another normalized "
        f"OpenAPI document. Unset {SPEC_ENV} to use the shipped contract, or point it at a readable file."
    )
    if not path.is_file():
        raise SpecUnavailable(f"spec not found at {path}. {how}")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SpecUnavailable(f"cannot read the spec at {path}: {exc}. {how}") from exc
    if not isinstance(document, dict) or "paths" not in document or "schemas" not in document.get("components", {}):
        raise SpecUnavailable(f"{path} is not an OpenAPI document with paths and components.schemas. {how}")
    return document


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # the template, e.g. /threads/{thread_id}/runs
    operation_id: str
    response_ref: str | None  # "#/components/schemas/RunObject", or None when the 200 body has no $ref

    @property
    def schema_name(self) -> str | None:
        prefix = "#/components/schemas/"
        if self.response_ref is None or not self.response_ref.startswith(prefix):
            return None
        return self.response_ref[len(prefix) :]


@dataclass(frozen=True)
class Problem:
    path: tuple[str | int, ...]  # into the body
    message: str

    @property
    def pointer(self) -> str:
        """The JSON pointer (RFC 6901) of the bad field; ``""`` is the body itself."""
        return "".join(f"/{escape(str(part))}" for part in self.path)

    @property
    def json_path(self) -> str:
        out = "$"
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else f".{part}"
        return out

    def __str__(self) -> str:
        where = self.pointer or "(the body itself)"
        return f"{where} ({self.json_path}): {self.message}"


class Contract:
    """One loaded spec: its operations, its validators and the exactness walk."""

    def __init__(self, document: dict[str, Any]) -> None:
        from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(SPEC_URI, resource)
        self._validator_class = Draft202012Validator
        self._validators: dict[str, Any] = {}
        self._verdicts: dict[tuple[str, bool, str], tuple[Problem, ...]] = {}  # bodies already judged
        self._branches: dict[str, list[tuple[str, frozenset[str] | None, frozenset[Any] | None]]] = {}
        self.operations = tuple(self._operations())
        self.stream_event_schemas = self._stream_event_schemas()

    @classmethod
    def load(cls, path: Path | None = None) -> Contract:
        return _load(path or spec_path())

    # Operations --------------------------------------------------------------------------------------------------
    def _operations(self) -> Iterator[Operation]:
        for template, item in self.document["paths"].items():
            for method, op in item.items():
                if method not in HTTP_METHODS:
                    continue
                content = op.get("responses", {}).get("200", {}).get("content", {})
                schema = content.get("application/json", {}).get("schema")
                ref = schema.get("$ref") if isinstance(schema, dict) else None
                yield Operation(method.upper(), template, op["operationId"], ref)

    def operation(self, operation_id: str) -> Operation:
        for op in self.operations:
            if op.operation_id == operation_id:
                return op
        raise KeyError(f"the spec has no operation {operation_id!r}")

    def _stream_event_schemas(self) -> dict[str, str | None]:
        schemas = self.document["components"]["schemas"]
        out: dict[str, str | None] = {}
        for group in schemas.get("AssistantStreamEvent", {}).get("oneOf", ()):
            variants = self.resolve(group["$ref"][1:])[1] if "$ref" in group else group
            for variant in variants.get("oneOf", [variants]):
                properties = variant["properties"]
                ref = properties["data"].get("$ref")
                out[properties["event"]["enum"][0]] = ref.rsplit("/", 1)[-1] if ref else None
        return out

    # Validation --------------------------------------------------------------------------------------------------
    def validator_at(self, pointer: str) -> Any:
        found = self._validators.get(pointer)
        if found is None:
            found = self._validator_class({"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry)
            self._validators[pointer] = found
        return found

    def validator_for(self, schema_name: str) -> Any:
        if schema_name not in self.document["components"]["schemas"]:
            raise KeyError(f"the spec has no schema {schema_name!r}")
        return self.validator_at(f"/components/schemas/{escape(schema_name)}")

    def schema_problems(self, schema_name: str, body: Any) -> list[Problem]:
        problems = [_problem(error) for error in self.validator_for(schema_name).iter_errors(body)]
        return sorted(problems, key=lambda p: (p.pointer, p.message))

    def shape_problems(self, schema_name: str, body: Any) -> list[Problem]:
        """Keys ``body`` carries that its schema does not list, and ``required`` keys it lacks, at any depth.

        Objects whose schema sets ``additionalProperties`` (maps such as ``metadata``) or lists no ``properties``
        are free-form. For ``anyOf``/``oneOf`` the branch the value validates against is followed (the closest
        fit if several do).
        """
        problems: list[Problem] = []
        self._walk(body, f"/components/schemas/{escape(schema_name)}", (), problems)
        return sorted(problems, key=lambda p: (p.pointer, p.message))

    def problems(self, schema_name: str, body: Any, *, exact: bool = True) -> list[Problem]:
        """Schema problems, then (if ``exact``) the shape problems not already reported."""
        key = (schema_name, exact, json.dumps(body, sort_keys=True))
        known = self._verdicts.get(key)
        if known is None:
            known = self._verdicts[key] = tuple(self._problems(schema_name, body, exact=exact))
            if len(self._verdicts) > VERDICT_CACHE_SIZE:
                del self._verdicts[next(iter(self._verdicts))]
        return list(known)

    def _problems(self, schema_name: str, body: Any, *, exact: bool) -> list[Problem]:
        found = self.schema_problems(schema_name, body)
        if exact:
            seen = {(p.pointer, p.message) for p in found}
            found += [p for p in self.shape_problems(schema_name, body) if (p.pointer, p.message) not in seen]
        return found

    def resolve(self, pointer: str) -> tuple[str, dict[str, Any]]:
        """The schema at ``pointer``, following ``$ref`` chains. Returns the final pointer too."""
        for _ in range(32):
            node: Any = self.document
            for token in pointer.lstrip("/").split("/") if pointer else ():
                key = token.replace("~1", "/").replace("~0", "~")
                node = node[int(token)] if isinstance(node, list) else node[key]
            if isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
                pointer = node["$ref"][1:]
                continue
            return pointer, node if isinstance(node, dict) else {}
        raise RecursionError(f"$ref chain too long at {pointer}")

    def _fitting_branches(self, pointer: str, schema: dict[str, Any], instance: Any) -> list[str]:
        """The ``anyOf``/``oneOf`` branches ``instance`` validates against. Branches that cannot fit are ruled out
        first, by JSON type and by a constant ``type`` property (as tagged unions have), before any validation."""
        branches = self._branches.get(pointer)
        if branches is None:
            branches = [
                (branch, *self._branch_signature(branch))
                for keyword in ("anyOf", "oneOf")
                for branch in (f"{pointer}/{keyword}/{i}" for i, _ in enumerate(schema.get(keyword, ())))
            ]
            self._branches[pointer] = branches
        kind = json_type(instance)
        tag = instance.get("type") if isinstance(instance, dict) else None
        candidates = [
            branch
            for branch, types, tags in branches
            if (types is None or kind in types) and (tags is None or tag in tags)
        ]
        if len(candidates) == 1:  # the only branch it could be: follow it (schema_problems reports a misfit)
            return candidates
        return [branch for branch in candidates if self.validator_at(branch).is_valid(instance)]

    def _branch_signature(self, pointer: str) -> tuple[frozenset[str] | None, frozenset[Any] | None]:
        _, schema = self.resolve(pointer)
        declared = schema.get("type")
        types = frozenset([declared] if isinstance(declared, str) else declared) if declared else None
        if types is not None and "number" in types:
            types = types | {"integer"}
        tag_schema = schema.get("properties", {}).get("type", {})
        if "$ref" in tag_schema:
            tag_schema = self.resolve(tag_schema["$ref"][1:])[1]
        tags = frozenset(tag_schema["enum"]) if isinstance(tag_schema.get("enum"), list) else None
        if tags is not None and "type" not in schema.get("required", ()):
            tags = None
        return types, tags

    def _walk(self, instance: Any, pointer: str, path: tuple[str | int, ...], out: list[Problem]) -> None:
        pointer, schema = self.resolve(pointer)
        fits = self._fitting_branches(pointer, schema, instance)
        best: list[Problem] | None = None
        for branch in fits:  # when none fits, schema_problems reports it: there is no branch to hold the shape to
            found: list[Problem] = []
            self._walk(instance, branch, path, found)
            if best is None or len(found) < len(best):
                best = found
        out.extend(best or ())
        for index, _ in enumerate(schema.get("allOf", ())):
            self._walk(instance, f"{pointer}/allOf/{index}", path, out)
        if isinstance(instance, dict):
            properties = schema.get("properties")
            extra = schema.get("additionalProperties")
            for key, value in instance.items():
                if isinstance(properties, dict) and key in properties:
                    self._walk(value, f"{pointer}/properties/{escape(key)}", (*path, key), out)
                elif isinstance(extra, dict):
                    self._walk(value, f"{pointer}/additionalProperties", (*path, key), out)
                elif isinstance(properties, dict) and extra in (None, False):
                    out.append(Problem((*path, key), "extra property: the schema does not list it"))
            for key in schema.get("required", ()):
                if key not in instance:
                    out.append(Problem((*path, key), "required property missing"))
        elif isinstance(instance, list) and isinstance(schema.get("items"), dict):
            for index, item in enumerate(instance):
                self._walk(item, f"{pointer}/items", (*path, index), out)


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> Contract:
    """Parsed specs, by path: reading and compiling one is slow, and the document is never changed."""
    return Contract(read_spec(path))


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointers(problems: Iterable[Problem]) -> list[str]:
    return [problem.pointer for problem in problems]


def _clip(text: str) -> str:
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 3] + "..."


def _problem(error: Any) -> Problem:
    if not error.context:
        return _leaf_problem(error)
    # An anyOf/oneOf failure carries every branch's errors in .context; the deepest name the field that is wrong.
    leaves = _leaves(error)
    deepest = max(len(leaf.absolute_path) for leaf in leaves)
    problems = [_leaf_problem(leaf) for leaf in leaves if len(leaf.absolute_path) == deepest]
    if len({problem.path for problem in problems}) == 1:
        messages = list(dict.fromkeys(problem.message for problem in problems))
        return Problem(problems[0].path, _clip(" | ".join(messages)))
    return Problem(tuple(error.absolute_path), _clip(error.message))


def _leaves(error: Any) -> list[Any]:
    if not error.context:
        return [error]
    return [leaf for sub in error.context for leaf in _leaves(sub)]


def _leaf_problem(error: Any) -> Problem:
    path = tuple(error.absolute_path)
    message = str(error.message)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        name = next((n for n in missing if message.startswith(repr(n))), None)
        if name is not None:
            path, message = (*path, name), "required property missing"
    return Problem(path, _clip(message))


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
