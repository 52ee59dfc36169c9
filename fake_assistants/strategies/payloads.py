"""Strategies for request bodies: valid create and modify payloads drawn from the contract that ships in the
package, and invalid ones with the error the API answers them with.

The contract says less than the API checked. :func:`refined_contract` adds what the real API (and so the emulator)
also held requests to: metadata limits (16 keys of at most 64 characters, values of at most 512), the names of
functions and response schemas (``^[a-zA-Z0-9_-]{1,64}$``), the reasoning efforts of the era, a static chunking
strategy's overlap (at most half the chunk). Ids are not invented: a payload refers only to the files, vector stores
and assistant given to :func:`payloads` (with none, the fields that need one are left out).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from hypothesis import strategies as st

from ..contract import Contract, json_type
from ..schemas.requests import ReasoningEffort
from .schema_values import json_values

JsonDict = dict[str, Any]

OPERATIONS: dict[str, str] = {
    "createAssistant": "CreateAssistantRequest",
    "modifyAssistant": "ModifyAssistantRequest",
    "createThread": "CreateThreadRequest",
    "modifyThread": "ModifyThreadRequest",
    "createMessage": "CreateMessageRequest",
    "modifyMessage": "ModifyMessageRequest",
    "createRun": "CreateRunRequest",
    "modifyRun": "ModifyRunRequest",
    "createVectorStore": "CreateVectorStoreRequest",
    "modifyVectorStore": "UpdateVectorStoreRequest",
}
"""The operations whose payloads are drawn (the spec's operationIds), and their request schemas."""

MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4-turbo", "gpt-3.5-turbo")
NAME_PATTERN = r"^[a-zA-Z0-9_-]{1,64}$"
METADATA_KEYS, METADATA_KEY_LENGTH, METADATA_VALUE_LENGTH = 16, 64, 512
SAMPLE_PARAMETERS: tuple[JsonDict, ...] = (
    {"type": "object", "properties": {}},
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    {
        "type": "object",
        "properties": {"n": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}}},
        "required": ["n", "tags"],
        "additionalProperties": False,
    },
)
"""The function parameter schemas a drawn tool declares (any schema is valid there; these keep examples short)."""

_FILLED_IN = ("file_ids", "vector_store_ids", "file_id", "assistant_id", "model")  # ids given, and known models


@functools.lru_cache(maxsize=1)
def refined_contract() -> JsonDict:
    """The shipped contract, with the checks the real API made beyond its spec written in as schema keywords."""
    document = copy.deepcopy(Contract.load().document)
    schemas = document["components"]["schemas"]
    schemas["Metadata"] = {
        "anyOf": [
            {
                "type": "object",
                "maxProperties": METADATA_KEYS,
                "propertyNames": {"maxLength": METADATA_KEY_LENGTH},
                "additionalProperties": {"type": "string", "maxLength": METADATA_VALUE_LENGTH},
            },
            {"type": "null"},
        ]
    }
    schemas["ReasoningEffort"] = {"anyOf": [{"enum": list(get_args(ReasoningEffort))}, {"type": "null"}]}
    schemas["FunctionObject"]["properties"]["name"] = {"type": "string", "pattern": NAME_PATTERN}
    schemas["FunctionObject"]["properties"]["parameters"] = {"enum": list(SAMPLE_PARAMETERS)}
    json_schema = schemas["ResponseFormatJsonSchema"]["properties"]["json_schema"]["properties"]
    json_schema["name"] = {"type": "string", "pattern": NAME_PATTERN}
    json_schema["schema"] = {"enum": list(SAMPLE_PARAMETERS)}
    _replace_property(  # the static chunking strategy, named and inline: at most half of the smallest chunk (100)
        document["components"], "chunk_overlap_tokens", {"type": "integer", "minimum": 0, "maximum": 50}
    )
    attachments = schemas["CreateMessageRequest"]["properties"]["attachments"]["anyOf"][0]
    attachments["items"]["required"] = ["file_id"]  # the spec puts its ``required`` beside ``items``
    attachments.pop("required", None)
    schemas["AssistantsNamedToolChoice"] = {
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "type": {"enum": ["function"]},
                    "function": schemas["AssistantsNamedToolChoice"]["properties"]["function"],
                },
                "required": ["type", "function"],
            },
            {
                "type": "object",
                "properties": {"type": {"enum": ["code_interpreter", "file_search"]}},
                "required": ["type"],
            },
        ]
    }
    return document


def _replace_property(node: Any, name: str, schema: JsonDict) -> None:
    """Give every property called ``name``, at any depth under ``node``, the schema ``schema``."""
    if isinstance(node, list):
        for item in node:
            _replace_property(item, name, schema)
    elif isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict) and name in properties:
            properties[name] = dict(schema)
        for value in node.values():
            _replace_property(value, name, schema)


def _with_references(
    schema: Any, *, file_ids: Sequence[str], vector_store_ids: Sequence[str], assistant_ids: Sequence[str]
) -> Any:
    """``schema`` with every property that holds an id drawn from the ids given (never drawn, with none), and
    ``model`` from known models."""

    def one_of(ids: Sequence[str]) -> Any:
        return {"enum": list(ids)} if ids else False

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, Mapping):
            return node
        out = {key: walk(value) for key, value in node.items()}
        properties = out.get("properties")
        if isinstance(properties, dict):
            for name in _FILLED_IN:
                if name not in properties:
                    continue
                if name == "file_ids":
                    properties[name] = {**properties[name], "type": "array", "items": one_of(file_ids)}
                    properties[name].pop("anyOf", None)
                elif name == "vector_store_ids":
                    properties[name] = {"type": "array", "maxItems": 1, "items": one_of(vector_store_ids)}
                elif name == "file_id":
                    properties[name] = one_of(file_ids)
                elif name == "assistant_id":
                    properties[name] = one_of(assistant_ids)
                elif name == "model":
                    optional = "model" not in out.get("required", ())  # then null says "not set"
                    properties[name] = {"enum": [*MODELS, *([None] if optional else [])]}
        return out

    return walk(schema)


@functools.lru_cache(maxsize=64)
def _components(file_ids: tuple[str, ...], vector_store_ids: tuple[str, ...], assistant_ids: tuple[str, ...]) -> Any:
    return _with_references(
        refined_contract()["components"],
        file_ids=file_ids,
        vector_store_ids=vector_store_ids,
        assistant_ids=assistant_ids,
    )


@functools.lru_cache(maxsize=256)
def _valid(
    operation: str, file_ids: tuple[str, ...], vector_store_ids: tuple[str, ...], assistant_ids: tuple[str, ...]
) -> st.SearchStrategy[JsonDict]:
    if operation not in OPERATIONS:
        raise ValueError(f"payloads are drawn for {', '.join(OPERATIONS)}, not {operation!r}")
    root = {"components": _components(file_ids, vector_store_ids, assistant_ids)}
    return json_values({"$ref": f"#/components/schemas/{OPERATIONS[operation]}"}, root=root).map(dict)


def payloads(
    operation: str,
    *,
    file_ids: Iterable[str] = (),
    vector_store_ids: Iterable[str] = (),
    assistant_id: str | None = None,
) -> st.SearchStrategy[JsonDict]:
    """Valid bodies of ``operation`` (one of :data:`OPERATIONS`), as the keywords of the SDK's method:
    ``client.beta.assistants.create(**payload)``. Ids come from the ones given: ``file_ids`` (image files, for
    image content), ``vector_store_ids``, ``assistant_id`` (needed for ``createRun``)."""
    assistants = () if assistant_id is None else (assistant_id,)
    if operation == "createRun" and not assistants:
        raise ValueError("a createRun payload names its assistant: give assistant_id")
    return _valid(operation, tuple(file_ids), tuple(vector_store_ids), assistants)


# --- invalid payloads --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvalidPayload:
    """A body the API refuses, with what it answers: ``status``, the error's ``code`` and ``param``."""

    operation: str
    body: Any
    status: int
    code: str | None
    param: str | None
    problem: str


_WRONG_TYPES: dict[str, Any] = {"string": "text", "integer": 7, "boolean": True, "array": [], "object": {}}


def _json_types(schema: Any, root: Mapping[str, Any], seen: int = 0) -> set[str]:
    """The JSON types a schema allows (every type, when it does not say)."""
    everything = {"string", "integer", "number", "boolean", "array", "object", "null"}
    if not isinstance(schema, Mapping) or seen > 16:
        return everything if schema is not False else set()
    if "$ref" in schema:
        node: Any = root
        for token in schema["$ref"][2:].split("/"):
            node = node[token]
        return _json_types(node, root, seen + 1)
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            return set().union(*(_json_types(branch, root, seen + 1) for branch in schema[keyword]))
    if "enum" in schema:
        return {json_type(value) for value in schema["enum"]}
    declared = schema.get("type")
    if declared is None:
        return everything
    found = {declared} if isinstance(declared, str) else set(declared)
    return found | ({"integer"} if "number" in found else set())


def _is_enum(schema: Any, root: Mapping[str, Any]) -> bool:
    """Whether a property takes only a set of values (a value of another type is then an ``invalid_value``)."""
    if isinstance(schema, Mapping) and "$ref" in schema:
        node: Any = root
        for token in schema["$ref"][2:].split("/"):
            node = node[token]
        return _is_enum(node, root)
    if not isinstance(schema, Mapping):
        return False
    branches = [branch for keyword in ("anyOf", "oneOf") for branch in schema.get(keyword, ())]
    if branches:
        return all(_is_enum(branch, root) or branch == {"type": "null"} for branch in branches)
    return "enum" in schema


def invalid_payloads(
    operation: str,
    *,
    file_ids: Iterable[str] = (),
    vector_store_ids: Iterable[str] = (),
    assistant_id: str | None = None,
) -> st.SearchStrategy[InvalidPayload]:
    """Bodies of ``operation`` the API refuses with a 400, each with its ``code`` and ``param``: an unknown
    parameter, a required one missing, a value of the wrong JSON type, a number out of its bounds, too much
    metadata, or a body that is not an object. Each starts from a valid payload (:func:`payloads`), so exactly one
    thing is wrong."""
    valid = payloads(operation, file_ids=file_ids, vector_store_ids=vector_store_ids, assistant_id=assistant_id)
    root = refined_contract()  # what each property is, before ids are written in
    schema = root["components"]["schemas"][OPERATIONS[operation]]
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = tuple(schema.get("required", ()))
    kinds: list[st.SearchStrategy[InvalidPayload]] = []

    def made(body: Any, code: str | None, param: str | None, problem: str) -> InvalidPayload:
        return InvalidPayload(operation, body, 400, code, param, problem)

    unknown = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True).filter(lambda name: name not in properties)
    kinds.append(
        st.tuples(valid, unknown, st.integers(0, 3)).map(
            lambda p: made({**p[0], p[1]: p[2]}, "unknown_parameter", p[1], "an unknown parameter")
        )
    )
    kinds.append(
        st.sampled_from([[], "text", 1, True]).map(
            lambda body: made(body, "invalid_type", None, "a body that is not an object")
        )
    )
    if required:
        kinds.append(
            st.tuples(valid, st.sampled_from(required)).map(
                lambda p: made(
                    {k: v for k, v in p[0].items() if k != p[1]},
                    "missing_required_parameter",
                    p[1],
                    "a required parameter missing",
                )
            )
        )
    typed = []
    for name, property_schema in properties.items():
        allowed = _json_types(property_schema, root)
        wrong = [kind for kind in _WRONG_TYPES if kind not in allowed]
        if wrong and allowed:
            typed.append((name, wrong, "invalid_value" if _is_enum(property_schema, root) else "invalid_type"))
    if typed:
        kinds.append(
            st.tuples(valid, st.sampled_from(typed)).flatmap(
                lambda p: st.sampled_from(p[1][1]).map(
                    lambda kind: made(
                        {**p[0], p[1][0]: _WRONG_TYPES[kind]}, p[1][2], p[1][0], f"{p[1][0]} given a {kind}"
                    )
                )
            )
        )
    bounded = [(name, s) for name, s in properties.items() if _number_bound(s, root) is not None]
    if bounded:
        kinds.append(
            st.tuples(valid, st.sampled_from(bounded)).map(
                lambda p: _out_of_bounds(made, p[0], p[1][0], _number_bound(p[1][1], root))
            )
        )
    if "metadata" in properties:
        too_many = {f"k{index}": "v" for index in range(METADATA_KEYS + 1)}
        kinds.append(
            valid.map(
                lambda body: made(
                    {**body, "metadata": too_many}, "object_above_max_properties", "metadata", "too many metadata keys"
                )
            )
        )
    return st.one_of(kinds)


def _number_bound(schema: Any, root: Mapping[str, Any]) -> tuple[str, float] | None:
    """A numeric property's upper bound ("most") or else lower bound ("least"), if it has one."""
    branches = schema.get("anyOf", [schema]) if isinstance(schema, Mapping) else []
    for branch in branches:
        if not isinstance(branch, Mapping):
            continue
        types = branch.get("type")
        names = {types} if isinstance(types, str) else set(types or ())
        if not names & {"number", "integer"}:
            continue
        if "maximum" in branch:
            return ("most", branch["maximum"])
        if "minimum" in branch:
            return ("least", branch["minimum"])
    return None


def _out_of_bounds(
    made: Callable[[Any, str | None, str | None, str], InvalidPayload],
    body: JsonDict,
    name: str,
    bound: tuple[str, float] | None,
) -> InvalidPayload:
    assert bound is not None
    side, value = bound
    if side == "most":
        return made({**body, name: value + 1}, None, name, f"{name} above its maximum")
    return made({**body, name: -1}, None, name, f"{name} below its minimum")
