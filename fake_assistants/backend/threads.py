"""Thread and message operations: the state side (adding a message beside a run is ``runs.operations``)."""

from __future__ import annotations

from ..schemas.requests import CreateMessage, CreateThread, ModifyMessage, ModifyThread
from .models import NO_ANNOTATIONS, NO_ATTACHMENTS, NO_METADATA, ROLES, JsonDict, Message, Thread
from .state import Backend
from .tool_resources import check_attachments, index_attachments, resolve_tool_resources


def create_thread(backend: Backend, now: int, request: CreateThread) -> Thread:
    for message in request.messages or []:  # check every attachment before creating anything
        check_attachments(backend, [attachment.wire() for attachment in message.attachments or []])
    resources = resolve_tool_resources(backend, now, request.tool_resources)
    thread = Thread(
        id=backend.ids.new("thread"),
        created_at=now,
        metadata=request.metadata or {},
        tool_resources=resources,
    )
    backend.put_thread(thread)
    backend.ownership.claim(thread.id)
    for message in request.messages or []:
        add_message(backend, thread, now, message)
    return thread


def modify_thread(backend: Backend, thread_id: str, now: int, request: ModifyThread) -> Thread:
    thread = backend.thread(thread_id)
    if request.tool_resources is not None:
        thread.tool_resources = resolve_tool_resources(backend, now, request.tool_resources)
    if request.metadata is not None:
        thread.metadata = request.metadata
    return thread


def delete_thread(backend: Backend, thread_id: str) -> None:
    """Delete a thread with its messages and runs."""
    backend.thread(thread_id)
    backend.drop_thread(thread_id)


def add_message(
    backend: Backend,
    thread: Thread,
    now: int,
    request: CreateMessage,
) -> Message:
    attachments = [attachment.wire() for attachment in request.attachments or []]
    check_attachments(backend, attachments)
    message = Message(
        id=backend.ids.new("msg"),
        created_at=now,
        thread_id=thread.id,
        role=ROLES[request.role],
        content=_lean(request.content),
        attachments=attachments or NO_ATTACHMENTS,
        metadata=request.metadata or NO_METADATA,
    )
    backend.put_message(message)
    index_attachments(backend, thread, now, attachments)
    return message


def _lean(content: list[JsonDict]) -> list[JsonDict]:
    """The content with every empty ``annotations`` list shared (see ``models.NO_ANNOTATIONS``)."""
    for part in content:
        text = part.get("text")
        if isinstance(text, dict) and text.get("annotations") == []:
            text["annotations"] = NO_ANNOTATIONS
    return content


def leaned(message: Message) -> Message:
    """``message`` with the shared empty containers and interned role (for messages restored from a snapshot)."""
    message.role = ROLES[message.role]
    message.content = _lean(message.content)
    message.attachments = message.attachments or NO_ATTACHMENTS
    message.metadata = message.metadata or NO_METADATA
    return message


def modify_message(backend: Backend, thread_id: str, message_id: str, request: ModifyMessage) -> Message:
    message = backend.message(thread_id, message_id)
    if request.metadata is not None:
        message.metadata = request.metadata
    return message


def delete_message(backend: Backend, thread_id: str, message_id: str) -> None:
    message = backend.message(thread_id, message_id)
    backend.drop_message(message)
