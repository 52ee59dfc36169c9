"""The real API's contract, loaded from OpenAI's published OpenAPI spec, and helpers to hold responses to it.

The spec is data that lives outside the repository and is never copied into it. It is read from the file named by
``$FAKE_ASSISTANTS_SPEC`` if set, else from ``../shared/contract/openapi-assistants.normalized.json`` next to the
repository. The *normalized* document (OAS 3.0 ``nullable`` rewritten to null types) is the one to validate against
with JSON Schema 2020-12.

Two checks are offered, and :func:`assert_response` runs both:

* :func:`schema_problems`: plain JSON Schema validation of a body against a component schema.
* :func:`shape_problems`: exactness. The spec's object schemas mostly leave ``additionalProperties`` open, so an
  emulator object with a stray key would still validate. This walks the body along its schema and reports every
  key the schema does not list, and every ``required`` key that is missing.

Problems are reported by JSON pointer into the body (``/data/0/status``), with the JSONPath form alongside.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_ENV = "FAKE_ASSISTANTS_SPEC"
SPEC_NAME = "openapi-assistants.normalized.json"
REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SPEC_PATH = REPO_ROOT.parent / "shared" / "contract" / SPEC_NAME
SPEC_URI = "urn:fake-assistants:openapi-assistants"
"""The URI the whole spec document is registered under; every ``#/components/...`` reference resolves in it."""

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
MESSAGE_LIMIT = 300  # validation messages quote the offending instance; keep them readable


class SpecUnavailable(RuntimeError):
    """The spec file could not be found or read. The message says how to point the suite at it."""


def spec_path() -> Path:
    """Where the spec is read from: ``$FAKE_ASSISTANTS_SPEC`` if set, else the shared contract folder."""
    override = os.environ.get(SPEC_ENV)
    return Path(override).expanduser() if override else DEFAULT_SPEC_PATH


@functools.cache
def load_spec() -> dict[str, Any]:
    """The parsed spec. Raises :class:`SpecUnavailable` when it is missing or not a usable OpenAPI document."""
    path = spec_path()
    how = (
        f"The contract tests need OpenAI's OpenAPI spec for the Assistants API ({SPEC_NAME}, from "
        "openai/openai-openapi at commit f85dbe223d40e1a31cba812ab2d755c7e98a92a3, "
        "with `nullable` rewritten to null types). "
        f"Set {SPEC_ENV}=/path/to/{SPEC_NAME}, or place it at {DEFAULT_SPEC_PATH}."
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


# --- operations ------------------------------------------------------------------------------------------------


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


@functools.cache
def operations() -> tuple[Operation, ...]:
    """Every operation in the spec's ``paths``, with the ``$ref`` of its 200 JSON response schema."""
    found: list[Operation] = []
    for template, item in load_spec()["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            schema = op.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {}).get("schema")
            ref = schema.get("$ref") if isinstance(schema, dict) else None
            found.append(Operation(method.upper(), template, op["operationId"], ref))
    return tuple(found)


def operation(operation_id: str) -> Operation:
    for op in operations():
        if op.operation_id == operation_id:
            return op
    raise KeyError(f"the spec has no operation {operation_id!r}")


# --- validators ------------------------------------------------------------------------------------------------


@functools.cache
def registry() -> Registry:
    """A registry holding the whole spec document, so every ``$ref`` in it resolves."""
    resource = Resource.from_contents(load_spec(), default_specification=DRAFT202012)
    return Registry().with_resource(SPEC_URI, resource)


@functools.cache
def _validator_at(pointer: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=registry())


def validator_for(schema_name: str) -> Draft202012Validator:
    """A 2020-12 validator for ``#/components/schemas/<schema_name>``, its ``$ref``s resolved in the spec."""
    if schema_name not in load_spec()["components"]["schemas"]:
        raise KeyError(f"the spec has no schema {schema_name!r}")
    return _validator_at(f"/components/schemas/{_escape(schema_name)}")


# --- problems --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    path: tuple[str | int, ...]  # into the body
    message: str

    @property
    def pointer(self) -> str:
        """The JSON pointer (RFC 6901) of the bad field; ``""`` is the body itself."""
        return "".join(f"/{_escape(str(part))}" for part in self.path)

    @property
    def json_path(self) -> str:
        out = "$"
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else f".{part}"
        return out

    def __str__(self) -> str:
        where = self.pointer or "(the body itself)"
        return f"{where} ({self.json_path}): {self.message}"


def schema_problems(schema_name: str, body: Any) -> list[Problem]:
    """Every JSON Schema violation of ``body`` against the named component schema, by pointer."""
    problems = [_problem(error) for error in validator_for(schema_name).iter_errors(body)]
    return sorted(problems, key=lambda p: (p.pointer, p.message))


def shape_problems(schema_name: str, body: Any) -> list[Problem]:
    """Keys ``body`` carries that its schema does not list, and ``required`` keys it lacks, at any depth.

    Objects whose schema sets ``additionalProperties`` (maps such as ``metadata``, free-form JSON Schemas such as
    function ``parameters``) or lists no ``properties`` at all are free-form and not checked for extra keys.
    For ``anyOf``/``oneOf`` the branch the value validates against is followed (the closest fit if several do).
    """
    problems: list[Problem] = []
    _walk(body, f"/components/schemas/{_escape(schema_name)}", (), problems)
    return sorted(problems, key=lambda p: (p.pointer, p.message))


def assert_valid(schema_name: str, body: Any, *, label: str, exact: bool = True) -> None:
    """Raise an ``AssertionError`` naming ``label`` and each bad field's pointer if ``body`` breaks the schema."""
    problems = schema_problems(schema_name, body)
    if exact:
        seen = {(p.pointer, p.message) for p in problems}
        problems += [p for p in shape_problems(schema_name, body) if (p.pointer, p.message) not in seen]
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise AssertionError(
            f"{label}: the response does not match #/components/schemas/{schema_name} "
            f"({len(problems)} problem{'s' if len(problems) > 1 else ''}):\n{lines}"
        )


def assert_response(operation_id: str, body: Any, *, exact: bool = True) -> None:
    """Hold a 200 body to its operation's response schema in the spec (and, by default, to its exact shape)."""
    op = operation(operation_id)
    if op.schema_name is None:
        raise AssertionError(f"{operation_id}: the spec gives no JSON schema $ref for its 200 response")
    assert_valid(op.schema_name, body, label=operation_id, exact=exact)


def assert_error_envelope(body: Any, *, label: str) -> None:
    """Hold an error body to the spec's ``ErrorResponse`` (exactly: ``message``, ``type``, ``param``, ``code``)."""
    assert_valid("ErrorResponse", body, label=label)


# --- internals -------------------------------------------------------------------------------------------------


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _clip(text: str) -> str:
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 3] + "..."


def _problem(error: ValidationError) -> Problem:
    if not error.context:
        return _leaf_problem(error)
    # An anyOf/oneOf failure carries every branch's errors in .context. The deepest of them name the field that
    # is actually wrong (a null branch failing "is not of type 'null'" one level up is less telling).
    leaves = _leaves(error)
    deepest = max(len(leaf.absolute_path) for leaf in leaves)
    problems = [_leaf_problem(leaf) for leaf in leaves if len(leaf.absolute_path) == deepest]
    paths = {problem.path for problem in problems}
    if len(paths) == 1:
        messages = list(dict.fromkeys(problem.message for problem in problems))
        return Problem(problems[0].path, _clip(" | ".join(messages)))
    return Problem(tuple(error.absolute_path), _clip(error.message))


def _leaves(error: ValidationError) -> list[ValidationError]:
    if not error.context:
        return [error]
    return [leaf for sub in error.context for leaf in _leaves(sub)]


def _leaf_problem(error: ValidationError) -> Problem:
    path = tuple(error.absolute_path)
    message = error.message
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        name = next((n for n in missing if error.message.startswith(repr(n))), None)
        if name is not None:
            path, message = (*path, name), "required property missing"
    return Problem(path, _clip(message))


def _resolve(pointer: str) -> tuple[str, dict[str, Any]]:
    """The schema at ``pointer`` in the spec, following ``$ref`` chains. Returns the final pointer too."""
    for _ in range(32):
        node: Any = load_spec()
        for token in pointer.lstrip("/").split("/") if pointer else ():
            node = node[int(token)] if isinstance(node, list) else node[token.replace("~1", "/").replace("~0", "~")]
        if isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
            # 2020-12 applies siblings of $ref too, but the spec puts none next to a $ref that matters here.
            pointer = node["$ref"][1:]
            continue
        return pointer, node if isinstance(node, dict) else {}
    raise RecursionError(f"$ref chain too long at {pointer}")


def _branches(pointer: str, schema: dict[str, Any]) -> Iterator[str]:
    for keyword in ("anyOf", "oneOf"):
        for index, _ in enumerate(schema.get(keyword, ())):
            yield f"{pointer}/{keyword}/{index}"


def _walk(instance: Any, pointer: str, path: tuple[str | int, ...], out: list[Problem]) -> None:
    pointer, schema = _resolve(pointer)

    branches = list(_branches(pointer, schema))
    if branches:
        fits = [b for b in branches if _validator_at(b).is_valid(instance)]
        if fits:  # when none fits, schema_problems reports it: there is no branch to hold the shape to
            best: list[Problem] | None = None
            for branch in fits:
                found: list[Problem] = []
                _walk(instance, branch, path, found)
                if best is None or len(found) < len(best):
                    best = found
            out.extend(best or ())

    for index, _ in enumerate(schema.get("allOf", ())):
        _walk(instance, f"{pointer}/allOf/{index}", path, out)

    if isinstance(instance, dict):
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, value in instance.items():
            if isinstance(properties, dict) and key in properties:
                _walk(value, f"{pointer}/properties/{_escape(key)}", (*path, key), out)
            elif isinstance(extra, dict):
                _walk(value, f"{pointer}/additionalProperties", (*path, key), out)
            elif isinstance(properties, dict) and extra in (None, False):
                out.append(Problem((*path, key), "extra property: the schema does not list it"))
        for key in schema.get("required", ()):
            if key not in instance:
                out.append(Problem((*path, key), "required property missing"))
    elif isinstance(instance, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(instance):
            _walk(item, f"{pointer}/items", (*path, index), out)


def pointers(problems: Iterable[Problem]) -> list[str]:
    """The JSON pointers of some problems, for compact assertions."""
    return [problem.pointer for problem in problems]


def stream_event_schemas() -> dict[str, str | None]:
    """Each SSE event name of ``AssistantStreamEvent`` and the component its ``data`` must match (None: ``done``)."""
    schemas = load_spec()["components"]["schemas"]
    out: dict[str, str | None] = {}
    for group in schemas["AssistantStreamEvent"]["oneOf"]:
        variants = _resolve(group["$ref"][1:])[1] if "$ref" in group else group
        for variant in variants.get("oneOf", [variants]):
            properties = variant["properties"]
            ref = properties["data"].get("$ref")
            out[properties["event"]["enum"][0]] = ref.rsplit("/", 1)[-1] if ref else None
    return out


def assert_stream_event(name: str, data: Any) -> None:
    """Hold one SSE frame to the spec: a known event name, and ``data`` exactly of that event's schema."""
    schemas = stream_event_schemas()
    if name not in schemas:
        raise AssertionError(f"event {name!r} is not an AssistantStreamEvent (known: {sorted(schemas)})")
    schema_name = schemas[name]
    if schema_name is None:
        if data != "[DONE]":
            raise AssertionError(f"event {name!r}: data must be '[DONE]', not {data!r}")
        return
    assert_valid(schema_name, data, label=f"event {name}")
