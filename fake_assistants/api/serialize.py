"""Stored objects to their wire JSON: the one place object shapes are written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from ..backend.models import Assistant, JsonDict, Message, Run, Thread
from ..backend.pagination import Page, paginate
from .schemas import ListQuery

T = TypeVar("T")


def assistant_wire(assistant: Assistant) -> JsonDict:
    return {
        "id": assistant.id,
        "object": "assistant",
        "created_at": assistant.created_at,
        "name": assistant.name,
        "description": assistant.description,
        "model": assistant.model,
        "instructions": assistant.instructions,
        "tools": assistant.tools,
        "tool_resources": assistant.tool_resources,
        "metadata": assistant.metadata,
        "temperature": assistant.temperature,
        "top_p": assistant.top_p,
        "response_format": assistant.response_format,
    }


def thread_wire(thread: Thread) -> JsonDict:
    return {
        "id": thread.id,
        "object": "thread",
        "created_at": thread.created_at,
        "tool_resources": thread.tool_resources,
        "metadata": thread.metadata,
    }


def message_wire(message: Message) -> JsonDict:
    return {
        "id": message.id,
        "object": "thread.message",
        "created_at": message.created_at,
        "thread_id": message.thread_id,
        "status": message.status,
        "incomplete_details": message.incomplete_details,
        "completed_at": message.completed_at,
        "incomplete_at": message.incomplete_at,
        "role": message.role,
        "content": message.content,
        "assistant_id": message.assistant_id,
        "run_id": message.run_id,
        "attachments": message.attachments,
        "metadata": message.metadata,
    }


def run_wire(run: Run) -> JsonDict:
    usage = None
    if run.usage is not None:
        usage = {
            "prompt_tokens": run.usage.prompt_tokens,
            "completion_tokens": run.usage.completion_tokens,
            "total_tokens": run.usage.total_tokens,
        }
    return {
        "id": run.id,
        "object": "thread.run",
        "created_at": run.created_at,
        "thread_id": run.thread_id,
        "assistant_id": run.assistant_id,
        "status": run.status,
        "required_action": run.required_action,
        "last_error": run.last_error,
        "expires_at": run.expires_at,
        "started_at": run.started_at,
        "cancelled_at": run.cancelled_at,
        "failed_at": run.failed_at,
        "completed_at": run.completed_at,
        "incomplete_details": run.incomplete_details,
        "model": run.model,
        "instructions": run.instructions,
        "tools": run.tools,
        "metadata": run.metadata,
        "usage": usage,
        "temperature": run.temperature,
        "top_p": run.top_p,
        "max_prompt_tokens": run.max_prompt_tokens,
        "max_completion_tokens": run.max_completion_tokens,
        "truncation_strategy": run.truncation_strategy,
        "tool_choice": run.tool_choice,
        "parallel_tool_calls": run.parallel_tool_calls,
        "response_format": run.response_format,
    }


def list_wire(page: Page[T], to_wire: Callable[[T], JsonDict]) -> JsonDict:
    data = [to_wire(item) for item in page.data]
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
