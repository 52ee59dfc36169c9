"""``FakeAssistants(shapes="spec")``: the responses in the OpenAPI spec's shapes, for clients that validate strictly.

The emulator answers in the real wire's shapes (``api/serialize*.py``). A client built with
``_strict_response_validation=True`` rejects some of them (a REST message without ``status``), as it would have
rejected the real API. Under ``shapes="spec"`` this router undoes each shape deviation of
:data:`fake_assistants.contract.wire.DEVIATIONS` (one function per deviation, keyed by the deviation), in JSON bodies
and in stream events alike. Behaviour the spec shapes keep (``in_spec_shapes``) is left as it is.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .. import jsoncodec
from ..backend.models import JsonDict
from ..backend.state import Backend
from ..contract.wire import MESSAGE_STREAM_ONLY
from .serialize import message_event_wire
from .sse import SseEvent, mapped
from .wire import ApiRequest, ApiResponse, Handles

Undo = Callable[[JsonDict, Backend], None]


def _pop(*keys: str) -> Undo:
    def undo(obj: JsonDict, backend: Backend) -> None:
        for key in keys:
            obj.pop(key, None)

    return undo


def _pop_null(key: str) -> Undo:
    def undo(obj: JsonDict, backend: Backend) -> None:
        if key in obj and obj[key] is None:
            del obj[key]

    return undo


def _instructions(obj: JsonDict, backend: Backend) -> None:
    if obj.get("instructions", "") is None:
        obj["instructions"] = ""


def _hybrid_search(obj: JsonDict, backend: Backend) -> None:
    for tool in obj.get("tools", ()):
        ranking = (tool.get("file_search") or {}).get("ranking_options")
        if isinstance(ranking, dict):
            ranking.pop("hybrid_search", None)


def _message_keys(obj: JsonDict, backend: Backend) -> None:
    if "status" in obj:  # a streamed message keeps them
        return
    message = backend.messages.get(obj["id"])
    full = message_event_wire(message) if message is not None else {}
    for key in MESSAGE_STREAM_ONLY:
        obj[key] = full.get(key, "completed" if key == "status" else None)


def _modified_message(obj: JsonDict, backend: Backend) -> None:
    if "file_ids" not in obj:
        return
    del obj["file_ids"]
    message = backend.messages.get(obj["id"])
    obj["attachments"] = list(message.attachments) if message is not None else []


def _step_expired_at(obj: JsonDict, backend: Backend) -> None:
    if "expires_at" in obj:
        del obj["expires_at"]
        step = backend.steps.get(obj["id"])
        obj["expired_at"] = step.expired_at if step is not None else None


def _step_metadata(obj: JsonDict, backend: Backend) -> None:
    step = backend.steps.get(obj["id"])
    obj["metadata"] = dict(step.metadata) if step is not None else {}


def _usage_details(obj: JsonDict, backend: Backend) -> None:
    if isinstance(obj.get("usage"), dict):
        obj["usage"].pop("prompt_token_details", None)
        obj["usage"].pop("completion_tokens_details", None)


def _result_attributes(obj: JsonDict, backend: Backend) -> None:
    for call in (obj.get("step_details") or {}).get("tool_calls", ()):
        for result in (call.get("file_search") or {}).get("results", ()):
            result.pop("attributes", None)


def _name_empty(obj: JsonDict, backend: Backend) -> None:
    if obj.get("name", "") is None:
        obj["name"] = ""


def _files_batch(obj: JsonDict, backend: Backend) -> None:
    obj["object"] = "vector_store.files_batch"


# deviation key -> (the objects it applies to, by their "object", and how to undo it)
UNDO: dict[str, tuple[tuple[str, ...], Undo]] = {
    "run-tool-resources": (("thread.run",), _pop("tool_resources")),
    "run-reasoning-effort": (("thread.run",), _pop("reasoning_effort")),
    "run-instructions-null": (("thread.run",), _instructions),
    "assistant-reasoning-effort": (("assistant",), _pop("reasoning_effort")),
    "file-search-tool-normalized": (("assistant", "thread.run"), _hybrid_search),
    "rest-message-keys": (("thread.message",), _message_keys),
    "modified-message-file-ids": (("thread.message",), _modified_message),
    "step-expires-at": (("thread.run.step",), _step_expired_at),
    "step-no-metadata": (("thread.run.step",), _step_metadata),
    "usage-details": (("thread.run", "thread.run.step"), _usage_details),
    "search-result-attributes": (("thread.run.step",), _result_attributes),
    "file-expires-at-null": (("file",), _pop_null("expires_at")),
    "file-status-details-null": (("file",), _pop_null("status_details")),
    "vector-store-name-null": (("vector_store",), _name_empty),
    "vector-store-expires-after-null": (("vector_store",), _pop_null("expires_after")),
    "vector-store-description": (("vector_store",), _pop("description")),
    "file-batch-object": (("vector_store.file_batch",), _files_batch),
}


def to_spec(body: Any, backend: Backend) -> Any:
    """``body`` (a response or a stream event's data) in the spec's shapes; changed in place and returned."""
    if isinstance(body, dict):
        if body.get("object") == "list" and isinstance(body.get("data"), list):
            for item in body["data"]:
                to_spec(item, backend)
            return body
        kind = body.get("object")
        for kinds, undo in UNDO.values():
            if kind in kinds:
                undo(body, backend)
    return body


class SpecShapesRouter:
    """Answers in the spec's shapes: every JSON body and stream event of ``router`` passed through :func:`to_spec`."""

    def __init__(self, router: Handles, backend: Callable[[], Backend]) -> None:
        self.router = router
        self.backend = backend

    @property
    def lock(self) -> Any:
        return self.backend().lock

    def handle(self, request: ApiRequest) -> ApiResponse:
        response = self.router.handle(request)
        if response.events is not None:
            response.events = mapped(response.events, self._shaped)
            return response
        if response.status != 200 or response.payload is None:
            return response
        backend = self.backend()
        with backend.lock:  # a copy: the payload may hold the backend's own lists and dicts
            body = to_spec(copy.deepcopy(response.payload), backend)
        return ApiResponse(
            response.status, response.headers, jsoncodec.dumps(body), operation=response.operation, payload=body
        )

    def _shaped(self, name: str, data: Any) -> SseEvent:
        backend = self.backend()
        with backend.lock:
            return name, to_spec(copy.deepcopy(data), backend)
