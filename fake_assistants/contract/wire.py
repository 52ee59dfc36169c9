"""Where the real wire differed from the spec: one declared table, and the "wire" contract derived from it.

The OpenAPI spec was not the wire. Recordings of real Assistants v2 traffic (``../shared/recordings``, from
``openai/openai-dotnet``'s ``tests/SessionRecords/AssistantsTests``, recorded 2025-10-30) show where they disagree,
and the recordings win. Every such difference the emulator reproduces is one :class:`Deviation` in
:data:`DEVIATIONS`: what it is, what the spec says, what the wire says, and the recording that shows it.

A deviation that changes a response's shape carries a ``patch``: applied to the spec document, it gives the
schema the wire followed. :func:`wire_contract` applies every patch to a loaded :class:`Contract` and gives the
contract that ``validate_responses`` holds the default shapes to; with ``FakeAssistants(shapes="spec")`` the
emulator answers in the spec's shapes and is held to the spec (plus the deviations marked ``in_spec_shapes``:
behaviour both shapes keep, such as accepting ``max_completion_tokens: 16``). ``docs/fidelity.md`` lists the same
table; a test keeps the two in step.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import Contract

Document = dict[str, Any]
RECORDINGS_SOURCE = "openai/openai-dotnet tests/SessionRecords/AssistantsTests (commit b3b4bbbc, 2025-10-30)"
REST_MESSAGE = "MessageObjectOverRest"  # the schemas the overlay adds
MODIFIED_MESSAGE = "ModifiedMessageObject"
MESSAGE_STREAM_ONLY = ("status", "incomplete_details", "completed_at", "incomplete_at")
API_FACTS = "api-facts.md: Real traffic vs the spec"  # evidence from recordings not kept in ../shared
API_ERAS = "api-facts.md: Eras of the wire"


@dataclass(frozen=True)
class Deviation:
    key: str
    what: str
    spec: str
    wire: str
    evidence: str  # "<recording>.json#<JSON pointer>" into ../shared/recordings, or API_FACTS
    patch: Callable[[Document], None] | None = None  # spec document -> the wire's schema; None: behaviour only
    in_spec_shapes: bool = False  # kept under shapes="spec" too (its patch then applies to both contracts)
    since: str = ""  # the earliest recorded appearance: "YYYY", "YYYY-MM" or "YYYY-MM-DD" (see contract/eras.py)

    @property
    def recording(self) -> str | None:
        return self.evidence.split("#", 1)[0] if "#" in self.evidence else None

    @property
    def pointer(self) -> str:
        return self.evidence.split("#", 1)[1] if "#" in self.evidence else ""


# --- schema patches --------------------------------------------------------------------------------------------


def _schema(document: Document, name: str) -> Document:
    schema: Document = document["components"]["schemas"][name]
    return schema


def _add(name: str, key: str, subschema: Document, *, required: bool = True) -> Callable[[Document], None]:
    def patch(document: Document) -> None:
        schema = _schema(document, name)  # an anyOf [object, null] gets the key on its object branch
        for target in [b for b in schema.get("anyOf", ()) if b.get("type") == "object"] or [schema]:
            target.setdefault("properties", {})[key] = copy.deepcopy(subschema)
            if required and key not in target.setdefault("required", []):
                target["required"].append(key)

    return patch


def _drop(name: str, *keys: str) -> Callable[[Document], None]:
    def patch(document: Document) -> None:
        schema = _schema(document, name)
        for key in keys:
            schema["properties"].pop(key, None)
            if key in schema.get("required", ()):
                schema["required"].remove(key)

    return patch


def _nullable(name: str, key: str, *, required: bool = True) -> Callable[[Document], None]:
    def patch(document: Document) -> None:
        schema = _schema(document, name)
        schema["properties"][key] = {"anyOf": [schema["properties"][key], {"type": "null"}]}
        if required and key not in schema.setdefault("required", []):
            schema["required"].append(key)

    return patch


def _no_minimum(name: str, *keys: str) -> Callable[[Document], None]:
    def patch(document: Document) -> None:
        for key in keys:
            _schema(document, name)["properties"][key].pop("minimum", None)

    return patch


def _both(*patches: Callable[[Document], None]) -> Callable[[Document], None]:
    def patch(document: Document) -> None:
        for one in patches:
            one(document)

    return patch


def _point(document: Document, operation_id: str, schema_name: str) -> None:
    for item in document["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                content = op["responses"]["200"]["content"]["application/json"]
                content["schema"] = {"$ref": f"#/components/schemas/{schema_name}"}


def _rest_messages(document: Document) -> None:
    """REST answers messages without the stream-only keys: a schema of their own, for the REST operations."""
    schemas = document["components"]["schemas"]
    rest = copy.deepcopy(schemas["MessageObject"])
    for key in MESSAGE_STREAM_ONLY:
        rest["properties"].pop(key)
        rest["required"].remove(key)
    schemas[REST_MESSAGE] = rest
    for operation_id in ("createMessage", "getMessage"):
        _point(document, operation_id, REST_MESSAGE)
    schemas["ListMessagesResponse"]["properties"]["data"]["items"] = {"$ref": f"#/components/schemas/{REST_MESSAGE}"}


def _modified_message(document: Document) -> None:
    schemas = document["components"]["schemas"]
    base = schemas.get(REST_MESSAGE) or schemas["MessageObject"]
    modified = copy.deepcopy(base)
    modified["properties"].pop("attachments")
    modified["required"].remove("attachments")
    modified["properties"]["file_ids"] = {"type": "array", "maxItems": 0, "items": {"type": "string"}}
    modified["required"].append("file_ids")
    schemas[MODIFIED_MESSAGE] = modified
    _point(document, "modifyMessage", MODIFIED_MESSAGE)


def _step_expires_at(document: Document) -> None:
    schema = _schema(document, "RunStepObject")
    schema["properties"]["expires_at"] = {"type": ["integer", "null"]}
    schema["properties"].pop("expired_at")
    schema["required"] = ["expires_at" if key == "expired_at" else key for key in schema["required"]]


def _usage_details(name: str) -> Callable[[Document], None]:
    details = {
        "prompt_token_details": {
            "type": "object",
            "properties": {"cached_tokens": {"type": "integer"}},
            "required": ["cached_tokens"],
        },
        "completion_tokens_details": {
            "type": "object",
            "properties": {"reasoning_tokens": {"type": "integer"}},
            "required": ["reasoning_tokens"],
        },
    }
    return _both(*(_add(name, key, schema) for key, schema in details.items()))


def _file_batch_object(document: Document) -> None:
    _schema(document, "VectorStoreFileBatchObject")["properties"]["object"]["enum"] = ["vector_store.file_batch"]


def _empty_page_ids(document: Document) -> None:
    for name, schema in document["components"]["schemas"].items():
        if name.startswith("List") and name.endswith("Response"):
            for key in ("first_id", "last_id"):
                if key in schema.get("properties", {}):
                    schema["properties"][key] = {"anyOf": [schema["properties"][key], {"type": "null"}]}


_REASONING_EFFORT = {"anyOf": [{"$ref": "#/components/schemas/ReasoningEffort"}, {"type": "null"}]}
_TOOL_RESOURCES = {
    "type": "object",
    "properties": {
        "code_interpreter": {
            "type": "object",
            "properties": {"file_ids": {"type": "array", "items": {"type": "string"}}},
            "required": ["file_ids"],
        },
        "file_search": {
            "type": "object",
            "properties": {"vector_store_ids": {"type": "array", "items": {"type": "string"}}},
            "required": ["vector_store_ids"],
        },
    },
}
_HYBRID_SEARCH: Document = {"type": ["object", "null"]}

# --- the table -------------------------------------------------------------------------------------------------

DEVIATIONS: tuple[Deviation, ...] = (
    Deviation(
        "run-tool-resources",
        "Runs carry `tool_resources`",
        "no such field on a run",
        '`{}` over REST (the run\'s own resources); `{"code_interpreter": {"file_ids": []}}` in `thread.run.*` events',
        "FileSearchWorks.json#/interactions/5/response/tool_resources",
        _add("RunObject", "tool_resources", _TOOL_RESOURCES),
        since="2024-05",
    ),
    Deviation(
        "run-reasoning-effort",
        "Runs carry `reasoning_effort`",
        "no such field on a run",
        "`reasoning_effort: null` unless the run set one",
        "FileSearchWorks.json#/interactions/5/response/reasoning_effort",
        _add("RunObject", "reasoning_effort", _REASONING_EFFORT),
        since="2025-01",
    ),
    Deviation(
        "run-instructions-null",
        "A run's `instructions` when nothing sets any",
        "a string",
        "`null` when neither the assistant nor the run gives instructions",
        "FileSearchWorks.json#/interactions/5/response/instructions",
        _nullable("RunObject", "instructions"),
        since="2024-05",
    ),
    Deviation(
        "run-small-token-caps",
        "`max_prompt_tokens` / `max_completion_tokens` below 256",
        "minimum 256",
        "smaller values accepted and echoed (16 was recorded in 2024)",
        API_FACTS,
        _no_minimum("RunObject", "max_prompt_tokens", "max_completion_tokens"),
        in_spec_shapes=True,
        since="2024",
    ),
    Deviation(
        "run-expires-at-completed",
        "A completed run's `expires_at`",
        "the expiry time",
        "`null` once the run has completed",
        "FileSearchWorks.json#/interactions/6/response/expires_at",
        None,
        in_spec_shapes=True,
        since="2024-05",
    ),
    Deviation(
        "assistant-reasoning-effort",
        "Assistants carry `reasoning_effort`",
        "no such field on an assistant",
        "`reasoning_effort: null` unless set",
        "FileSearchWorks.json#/interactions/1/response/reasoning_effort",
        _add("AssistantObject", "reasoning_effort", _REASONING_EFFORT),
        since="2025-01",
    ),
    Deviation(
        "code-interpreter-resources",
        "`tool_resources` of an assistant with `code_interpreter`, of a thread read back, of streamed runs",
        "whatever was given (`{}`)",
        '`{"code_interpreter": {"file_ids": []}}` added; thread create and modify still answer `{}`',
        "BasicThreadOperationsWork.json#/interactions/3/response/tool_resources",
        None,
        in_spec_shapes=True,
        since="2024-05",
    ),
    Deviation(
        "function-tool-normalized",
        "A function tool given without `parameters`",
        "echoed as given",
        'stored with `"parameters": {"type": "object", "properties": {}}` and `"strict": false`',
        "StreamingToolCall.json#/interactions/0/response/tools/0/function/parameters",
        None,
        in_spec_shapes=True,
        since="2024-08",
    ),
    Deviation(
        "file-search-tool-normalized",
        "A `file_search` tool's ranking options",
        "echoed as given; `ranking_options` has `ranker` and `score_threshold`",
        'always present (default ranker, threshold 0.0), with `"hybrid_search": null`',
        "FileSearchStreamingWorks.json#/interactions/1/response/tools/0/file_search/ranking_options",
        _add("FileSearchRankingOptions", "hybrid_search", _HYBRID_SEARCH),
        since="2024-08",
    ),
    Deviation(
        "rest-message-keys",
        "Messages over REST (create, retrieve, list, modify)",
        "`status`, `incomplete_details`, `completed_at`, `incomplete_at` required",
        "none of the four keys; the `thread.message.*` stream events do carry them",
        "BasicMessageOperationsWork.json#/interactions/1/response",
        _rest_messages,
        since="2024-05",
    ),
    Deviation(
        "modified-message-file-ids",
        "The modify-message answer",
        "a message with `attachments`",
        "`file_ids: []` in place of `attachments`",
        "BasicMessageOperationsWork.json#/interactions/5/response/file_ids",
        _modified_message,
        since="2024-05",
    ),
    Deviation(
        "step-expires-at",
        "Run steps' expiry field",
        "`expired_at`",
        "`expires_at`: the run's (null once the run has completed)",
        "FileSearchWorks.json#/interactions/8/response/data/0/expires_at",
        _step_expires_at,
        since="2024-05",
    ),
    Deviation(
        "step-no-metadata",
        "Run steps' `metadata`",
        "required",
        "absent",
        "FileSearchWorks.json#/interactions/8/response/data/0",
        _drop("RunStepObject", "metadata"),
        since="2024-05",
    ),
    Deviation(
        "usage-details",
        "`usage` of runs and run steps",
        "`prompt_tokens`, `completion_tokens`, `total_tokens`",
        "also `prompt_token_details: {cached_tokens}` (singular) and `completion_tokens_details: {reasoning_tokens}`",
        "FileSearchWorks.json#/interactions/6/response/usage/prompt_token_details",
        _both(_usage_details("RunCompletionUsage"), _usage_details("RunStepCompletionUsage")),
        since="2025-01",
    ),
    Deviation(
        "search-result-attributes",
        "File search results in run steps",
        "`file_id`, `file_name`, `score`, `content`",
        "also `attributes` (the file's attributes, `{}` when none)",
        "FileSearchWorks.json#/interactions/8/response/data/1/step_details/tool_calls/0/file_search/results/0/attributes",
        _add("RunStepDetailsToolCallsFileSearchResultObject", "attributes", {"type": "object"}),
        since="2025-10",
    ),
    Deviation(
        "search-first-delta",
        "The first `thread.run.step.delta` of a file_search call",
        "`file_search: {}`",
        'carries `ranking_options` and `"results": []`',
        "FileSearchStreamingWorks.json#/interactions/3/events/5",
        None,
        in_spec_shapes=True,
        since="2025-10",
    ),
    Deviation(
        "file-expires-at-null",
        "A file's `expires_at` when it never expires",
        "an integer (so absent)",
        "`expires_at: null`",
        "FileSearchWorks.json#/interactions/0/response/expires_at",
        _nullable("OpenAIFile", "expires_at"),
        since="2025-10",
    ),
    Deviation(
        "file-status-details-null",
        "A file's `status_details`",
        "a string, optional",
        "`status_details: null`",
        "FileSearchWorks.json#/interactions/0/response/status_details",
        _nullable("OpenAIFile", "status_details"),
        since="2024-04",
    ),
    Deviation(
        "empty-page-ids",
        "`first_id` / `last_id` of an empty list page",
        "strings",
        "`null`",
        "BasicRunOperationsWork.json#/interactions/2/response/first_id",
        _empty_page_ids,
        in_spec_shapes=True,
        since="2025-10",
    ),
    Deviation(
        "vector-store-ids",
        "Vector store ids",
        "a string",
        "`vs_` and 32 hex digits (2025; 2024 ids were 24 alphanumerics)",
        "FileSearchWorks.json#/interactions/1/response/tool_resources/file_search/vector_store_ids/0",
        None,
        in_spec_shapes=True,
        since="2025",
    ),
    Deviation(
        "delete-store-detaches",
        "Deleting a vector store an assistant uses",
        "not said",
        "the store leaves the assistant's `tool_resources.file_search.vector_store_ids`",
        API_FACTS,
        None,
        in_spec_shapes=True,
        since="2024",
    ),
    Deviation(
        "invalid-thread",
        "A run on a thread with no user message, whose assistant has no instructions and the run adds none",
        "accepted",
        "400 `invalid_thread`: `Run creation requires a Thread with a user message or an assistant with instructions.`",
        API_FACTS,
        None,
        in_spec_shapes=True,
        since="2024",
    ),
    Deviation(
        "vector-store-name-null",
        "A vector store created without a name",
        "`name` is a string",
        '`name: null`, never `""`',
        "more/ruby_vector_stores_create.json#/interactions/0/response/name",
        _nullable("VectorStoreObject", "name"),
        since="2024-04",
    ),
    Deviation(
        "vector-store-expires-after-null",
        "A vector store's `expires_after` when not set",
        "absent",
        "`expires_after: null`, always present",
        "more/ruby_vector_stores_create.json#/interactions/0/response/expires_after",
        _nullable("VectorStoreObject", "expires_after"),
        since="2024-04",
    ),
    Deviation(
        "vector-store-description",
        "Vector stores carry `description`",
        "no such field on a vector store",
        "`description: null` unless given",
        API_ERAS,
        _add("VectorStoreObject", "description", {"anyOf": [{"type": "string"}, {"type": "null"}]}),
        since="2025",
    ),
    Deviation(
        "file-batch-object",
        "A file batch's `object`",
        "`vector_store.files_batch`",
        "`vector_store.file_batch`",
        "more/ruby_vector_store_file_batches_create.json#/interactions/2/response/object",
        _file_batch_object,
        since="2024-04",
    ),
    Deviation(
        "file-search-resources",
        "`tool_resources` of an assistant with `file_search` and no stores",
        "whatever was given (`{}`)",
        '`{"file_search": {"vector_store_ids": []}}` added, as for `code_interpreter`',
        "more/lemur_assistants.json#/interactions/0/response/tool_resources/file_search/vector_store_ids",
        None,
        in_spec_shapes=True,
        since="2024-05",
    ),
    Deviation(
        "batch-cancel-completed",
        "Cancelling a file batch that has completed",
        "not said",
        "200 with the batch unchanged (`completed`)",
        "more/ruby_vector_store_file_batches_cancel.json#/interactions/3/response/status",
        None,
        in_spec_shapes=True,
        since="2024-04",
    ),
    Deviation(
        "vector-stores-no-beta",
        "The `OpenAI-Beta` header on vector store requests",
        "required, as for the whole Assistants API",
        "not needed: vector stores left the beta (files never needed it)",
        API_ERAS,
        None,
        in_spec_shapes=True,
        since="2025",
    ),
    Deviation(
        "v1-beta-deprecated",
        "A request with `OpenAI-Beta: assistants=v1`",
        "not said",
        "400 `invalid_beta`: `The v1 Assistants API has been deprecated. ...`",
        API_ERAS,
        None,
        in_spec_shapes=True,
        since="2024-12",
    ),
)


def deviation(key: str) -> Deviation:
    for entry in DEVIATIONS:
        if entry.key == key:
            return entry
    raise KeyError(f"no deviation {key!r}")


def overlay(document: Document, *, shapes: str = "wire") -> Document:
    """A copy of the spec ``document`` with the deviations' patches applied (``shapes="spec"``: only those the
    spec shapes keep)."""
    out = copy.deepcopy(document)
    for entry in DEVIATIONS:
        if entry.patch is not None and (shapes == "wire" or entry.in_spec_shapes):
            entry.patch(out)
    return out


@functools.lru_cache(maxsize=8)
def wire_contract(base: Contract, shapes: str = "wire") -> Contract:
    """The contract the emulator's ``shapes`` are held to: the spec with the deviation table laid over it."""
    return Contract(overlay(base.document, shapes=shapes))
