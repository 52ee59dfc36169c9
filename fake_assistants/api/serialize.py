"""Stored objects to their wire JSON: the one place object shapes are written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, Protocol, TypeVar

from ..backend.models import Assistant, JsonDict, Message, Run, RunStep, Thread, Usage
from ..backend.pagination import Page, paginate
from ..contract.wire import MESSAGE_STREAM_ONLY
from ..runs.events import MessageDelta, StepDelta
from ..schemas.requests import ListQuery
from ..steps import kind_of_call

T = TypeVar("T")


class Fields:
    """Wire keys an object answers with attributes of the same name, in wire order (one ``attrgetter`` call).

    ``written`` names keys the stored object has no attribute for: the caller of :meth:`writer`'s function fills
    them in."""

    __slots__ = ("names", "written")

    def __init__(self, *names: str, written: tuple[str, ...] = ()) -> None:
        self.names = names
        self.written = frozenset(written)

    def writer(self, kind: str) -> Callable[[Any], JsonDict]:
        """A function writing a whole object: its ``id``, ``"object": kind``, then these fields, in one dict (no
        intermediate one: a list page writes twenty of them). A written key is ``None`` in its place, for the
        caller to fill."""
        template: JsonDict = {"id": None, "object": kind, **dict.fromkeys(self.names)}
        read = tuple(name for name in self.names if name not in self.written)
        values = attrgetter(*read)
        get = values if len(read) > 1 else lambda obj: (values(obj),)  # one name: attrgetter gives the value alone

        def write(obj: Any) -> JsonDict:
            out = template.copy()
            out["id"] = obj.id
            out.update(zip(read, get(obj), strict=True))
            return out

        return write


# One field table per object kind: the keys it answers with, in wire order, each an attribute of the stored object
# of the same name (a few are written over with their wire forms, in their places). Echoing a new field is its name
# here, a field on the stored model and one on the request model (docs/architecture.md: "How to add a field").
ASSISTANT_FIELDS = Fields(  # tool_resources is written over (code_interpreter and file_search) when the tools hold them
    "created_at",
    "name",
    "description",
    "model",
    "instructions",
    "tools",
    "tool_resources",
    "metadata",
    "temperature",
    "top_p",
    "reasoning_effort",
    "response_format",
)
THREAD_FIELDS = Fields("created_at", "tool_resources", "metadata")
MESSAGE_FIELDS = Fields(
    "created_at",
    "thread_id",
    "status",
    "incomplete_details",
    "completed_at",
    "incomplete_at",
    "role",
    "content",
    "assistant_id",
    "run_id",
    "attachments",
    "metadata",
)
MESSAGE_REST_FIELDS = Fields(*(name for name in MESSAGE_FIELDS.names if name not in MESSAGE_STREAM_ONLY))
RUN_FIELDS = Fields(  # expires_at and usage are written over with their wire forms, in their places
    "created_at",
    "thread_id",
    "assistant_id",
    "status",
    "required_action",
    "last_error",
    "expires_at",
    "started_at",
    "cancelled_at",
    "failed_at",
    "completed_at",
    "incomplete_details",
    "model",
    "instructions",
    "tools",
    "tool_resources",
    "metadata",
    "usage",
    "temperature",
    "top_p",
    "reasoning_effort",
    "max_prompt_tokens",
    "max_completion_tokens",
    "truncation_strategy",
    "tool_choice",
    "parallel_tool_calls",
    "response_format",
)
STEP_FIELDS = Fields(  # step_details and usage are written over with their wire forms; expires_at is the run's
    "created_at",
    "assistant_id",
    "thread_id",
    "run_id",
    "type",
    "status",
    "step_details",
    "last_error",
    "expires_at",
    "cancelled_at",
    "failed_at",
    "completed_at",
    "usage",
    written=("expires_at",),
)


_assistant_fields = ASSISTANT_FIELDS.writer("assistant")
_thread_fields = THREAD_FIELDS.writer("thread")
_run_fields = RUN_FIELDS.writer("thread.run")
_step_fields = STEP_FIELDS.writer("thread.run.step")


def assistant_wire(assistant: Assistant) -> JsonDict:
    out = _assistant_fields(assistant)
    tools = assistant.tools
    if tools:
        resources = assistant.tool_resources
        if any(tool["type"] == "code_interpreter" for tool in tools):
            resources = _with_code_interpreter(resources)
        out["tool_resources"] = _with_file_search(resources, tools)
    return out


def _with_code_interpreter(resources: JsonDict) -> JsonDict:
    return {**resources, "code_interpreter": resources.get("code_interpreter", {"file_ids": []})}


def _with_file_search(resources: JsonDict, tools: list[JsonDict]) -> JsonDict:
    """An assistant with the ``file_search`` tool shows ``file_search.vector_store_ids`` (``[]`` when it has none)."""
    if not any(tool["type"] == "file_search" for tool in tools) or "file_search" in resources:
        return resources
    return {**resources, "file_search": {"vector_store_ids": []}}


def thread_wire(thread: Thread) -> JsonDict:
    """A thread as create and modify answer it: its tool resources as stored (``{}`` when none)."""
    return _thread_fields(thread)


def thread_read_wire(thread: Thread) -> JsonDict:
    """A thread as retrieve and the ``thread.created`` event show it: with ``code_interpreter.file_ids``."""
    return {**thread_wire(thread), "tool_resources": _with_code_interpreter(thread.tool_resources)}


message_wire: Callable[[Message], JsonDict] = MESSAGE_REST_FIELDS.writer("thread.message")
"""A message as REST answers it (create, retrieve, list): without the stream-only keys."""


def modified_message_wire(message: Message) -> JsonDict:
    """The modify-message answer: the real API sent ``file_ids: []`` there instead of ``attachments``."""
    out = message_wire(message)
    del out["attachments"]
    out["file_ids"] = []
    return out


message_event_wire: Callable[[Message], JsonDict] = MESSAGE_FIELDS.writer("thread.message")
"""A message as the ``thread.message.*`` stream events carry it: with its status and times."""


def usage_wire(usage: Usage | None) -> JsonDict | None:
    if usage is None:
        return None
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_token_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }


def run_expires_at(run: Run) -> int | None:
    """The real API cleared a run's ``expires_at`` once it completed."""
    return None if run.status == "completed" else run.expires_at


def run_event_wire(run: Run) -> JsonDict:
    """A run as the ``thread.run.*`` stream events carry it: its tool resources with ``code_interpreter``."""
    return {**run_wire(run), "tool_resources": _with_code_interpreter(run.tool_resources)}


def run_wire(run: Run) -> JsonDict:
    """A run over REST: ``tool_resources`` are the run's own (``{}`` unless create-thread-and-run gave some)."""
    out = _run_fields(run)
    out["expires_at"] = run_expires_at(run)
    out["usage"] = usage_wire(run.usage)
    return out


def step_wire(step: RunStep, run: Run | None, *, with_search_content: bool = False) -> JsonDict:
    """A run step. File search results carry their ``content`` only when ``include[]`` asked for it.

    ``expires_at`` is the run's (null once the run has completed), as the real API sent it; it has no ``metadata``.
    """
    details = step.step_details
    if details["type"] == "tool_calls":
        details = {
            "type": "tool_calls",
            "tool_calls": [_tool_call_wire(c, with_search_content) for c in details["tool_calls"]],
        }
    out = _step_fields(step)
    out["expires_at"] = run_expires_at(run) if run is not None else None
    out["step_details"] = details
    out["usage"] = usage_wire(step.usage)
    return out


def step_delta_wire(delta: StepDelta) -> JsonDict:
    """``thread.run.step.delta``: one tool call's piece."""
    details = {"type": "tool_calls", "tool_calls": [delta.call]}
    return {"id": delta.step_id, "object": "thread.run.step.delta", "delta": {"step_details": details}}


def message_delta_wire(delta: MessageDelta) -> JsonDict:
    """``thread.message.delta``: one content part's piece."""
    return {"id": delta.message_id, "object": "thread.message.delta", "delta": {"content": [delta.part]}}


def _tool_call_wire(call: JsonDict, with_search_content: bool) -> JsonDict:
    return kind_of_call(call["type"]).public_call(call, with_search_content=with_search_content)


def list_wire(page: Page[T], to_wire: Callable[[T], JsonDict]) -> JsonDict:
    data = list(map(to_wire, page.data))
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": page.has_more,
    }


class HasId(Protocol):
    id: str


Item = TypeVar("Item", bound=HasId)


def paged_list_wire(items: Sequence[Item], query: ListQuery, to_wire: Callable[[Item], JsonDict]) -> JsonDict:
    """One page of ``items`` (oldest first) as a list object, by the query's order, limit and cursors."""
    page = paginate(
        items, lambda item: item.id, order=query.order, limit=query.limit, after=query.after, before=query.before
    )
    return list_wire(page, to_wire)


def deleted_wire(object_id: str, kind: str) -> dict[str, Any]:
    return {"id": object_id, "object": f"{kind}.deleted", "deleted": True}
