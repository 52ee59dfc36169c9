"""Run operations: creating runs with their effective parameters, and the writes a thread refuses while one of its
runs is active. The lifecycle lives in ``runs.engine``."""

from __future__ import annotations

from ..backend.echo import echoed
from ..backend.models import Assistant, Message, Run, Thread
from ..backend.state import Backend
from ..backend.threads import add_message, create_thread
from ..backend.tool_resources import check_attachments, resolve_tool_resources
from ..errors import run_already_active, thread_busy, thread_without_user_message
from ..schemas.requests import CreateMessage, CreateRun, CreateThread, CreateThreadAndRun, ModifyRun, RunOptions
from . import engine
from .lifecycle import RUN_LIFETIME_SECONDS

INSTRUCTIONS_SEPARATOR = "\n\n"


def effective_instructions(assistant: Assistant, override: str | None, additional: str | None) -> str | None:
    """The assistant's instructions (or the run's override), then the additional instructions; ``None`` when
    neither sets any (the real API answered ``instructions: null`` then)."""
    base = override if override is not None else assistant.instructions
    if not additional:
        return base
    return base + INSTRUCTIONS_SEPARATOR + additional if base else additional


def create_run(backend: Backend, thread_id: str, now: int, request: CreateRun) -> Run:
    thread = backend.thread(thread_id)
    assistant = backend.assistant(request.assistant_id)
    active = engine.active_run(backend, thread, now)
    if active is not None:
        raise run_already_active(thread.id, active.id)
    for message in request.additional_messages or []:  # check every attachment before adding any message
        check_attachments(backend, [attachment.wire() for attachment in message.attachments or []])
    instructions = effective_instructions(assistant, request.instructions, request.additional_instructions)
    has_user_message = any(backend.messages[message_id].role == "user" for message_id in thread.message_ids)
    has_user_message = has_user_message or any(m.role == "user" for m in request.additional_messages or [])
    if not instructions and not has_user_message:
        raise thread_without_user_message()
    for message in request.additional_messages or []:
        add_message(backend, thread, now, message)
    run = _new_run(backend, thread, assistant, now, request, instructions)
    if not request.stream:  # a streamed run is played by its stream
        engine.started(backend, run, now)
    return run


def create_thread_and_run(backend: Backend, now: int, request: CreateThreadAndRun) -> Run:
    """``POST /threads/runs``: a new thread (from ``thread``), and a run on it."""
    assistant = backend.assistant(request.assistant_id)
    for message in request.thread.messages or [] if request.thread else []:
        check_attachments(backend, [attachment.wire() for attachment in message.attachments or []])
    instructions = effective_instructions(assistant, request.instructions, None)
    messages = request.thread.messages or [] if request.thread else []
    if not instructions and not any(message.role == "user" for message in messages):
        raise thread_without_user_message()
    resources = resolve_tool_resources(backend, now, request.tool_resources)
    thread = create_thread(backend, now, request.thread or CreateThread())
    run = _new_run(backend, thread, assistant, now, request, instructions)
    run.tool_resources = resources
    if not request.stream:
        engine.started(backend, run, now)
    return run


def _new_run(
    backend: Backend, thread: Thread, assistant: Assistant, now: int, request: RunOptions, instructions: str | None
) -> Run:
    run = Run(
        **echoed(request, Run, _DERIVED),  # what the request says as it is (else the Run's default)
        id=backend.ids.new("run"),
        created_at=now,
        thread_id=thread.id,
        assistant_id=assistant.id,
        model=request.model or assistant.model,
        instructions=instructions,
        tools=request.tools if request.tools is not None else list(assistant.tools),
        expires_at=now + RUN_LIFETIME_SECONDS,
        metadata=request.metadata or {},
        temperature=request.temperature if request.temperature is not None else assistant.temperature,
        top_p=request.top_p if request.top_p is not None else assistant.top_p,
        tool_choice=request.tool_choice or "auto",
        response_format=request.response_format or assistant.response_format,
        moved_at=now,
    )
    if request.truncation_strategy is not None:
        run.truncation_strategy = request.truncation_strategy.wire()
    backend.put_run(run)
    return run


# Request fields a run takes from elsewhere (the assistant, the thread) or in another form than the request's.
_DERIVED = frozenset(
    {"assistant_id", "model", "instructions", "tools", "metadata", "temperature", "top_p", "tool_choice"}
    | {"response_format", "truncation_strategy", "tool_resources"}
)


def modify_run(backend: Backend, thread_id: str, run_id: str, request: ModifyRun) -> Run:
    run = backend.run(thread_id, run_id)
    if request.metadata is not None:
        run.metadata = request.metadata
    return run


def create_message(backend: Backend, thread_id: str, now: int, request: CreateMessage) -> Message:
    thread = backend.thread(thread_id)
    active = engine.active_run(backend, thread, now)
    if active is not None:
        raise thread_busy(thread.id, active.id)
    return add_message(backend, thread, now, request)
