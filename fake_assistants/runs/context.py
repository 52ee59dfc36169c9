"""Building the read-only :class:`RunContext` a responder or a matcher sees."""

from __future__ import annotations

from operator import itemgetter

from ..backend.models import Message, Run, RunStep, Thread, Usage
from ..backend.state import Backend
from ..script.context import AssistantView, MessageView, MessageViews, RunContext, frozen
from .scope import run_scope


def message_text(message: Message) -> str:
    return "\n".join(part["text"]["value"] for part in message.content if part["type"] == "text")


def run_context(backend: Backend, run: Run) -> RunContext:
    assistant = backend.assistants.get(run.assistant_id)
    thread = backend.threads[run.thread_id]
    return RunContext(
        run_id=run.id,
        thread_id=run.thread_id,
        assistant=AssistantView(
            id=run.assistant_id,
            name=assistant.name if assistant else None,
            model=assistant.model if assistant else run.model,
            instructions=assistant.instructions if assistant else None,
            metadata=frozen(assistant.metadata if assistant else {}),
        ),
        model=run.model,
        instructions=run.instructions or "",
        tools=frozen(run.tools),
        tool_choice=frozen(run.tool_choice),
        parallel_tool_calls=run.parallel_tool_calls,
        metadata=frozen(run.metadata),
        messages=MessageViews(_messages_of(backend, thread), _message_view),
        tool_outputs=tuple(run.tool_outputs),
        files=run_scope(backend, run),
        output_files=frozen(run.output_files),
        steps=tuple(frozen(_step_view(backend.steps[step_id])) for step_id in run.step_ids),
        streamed=run.streaming,
        response_format=frozen(run.response_format),
        temperature=run.temperature,
        top_p=run.top_p,
        max_completion_tokens=run.max_completion_tokens,
        completion_tokens_used=sum(usage.completion_tokens for usage in _step_usages(backend, run)),
        truncation_strategy=frozen(run.truncation_strategy),
    )


def _messages_of(backend: Backend, thread: Thread) -> tuple[Message, ...]:
    """The thread's stored messages, oldest first, looked up in one C call (no view made yet)."""
    ids = thread.message_ids.window(0, len(thread.message_ids))
    if len(ids) < 2:
        return tuple(backend.messages[message_id] for message_id in ids)
    found: tuple[Message, ...] = itemgetter(*ids)(backend.messages)
    return found


def _message_view(m: Message) -> MessageView:
    return MessageView(
        id=m.id,
        role=m.role,
        text=message_text(m),
        attachments=frozen(m.attachments),
        run_id=m.run_id,
        content=frozen(m.content),
    )


def _step_usages(backend: Backend, run: Run) -> list[Usage]:
    return [usage for step_id in run.step_ids if (usage := backend.steps[step_id].usage) is not None]


def _step_view(step: RunStep) -> dict[str, object]:
    return {"id": step.id, "type": step.type, "status": step.status, "step_details": step.step_details}
