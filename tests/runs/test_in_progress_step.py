"""The steps of a run still in progress: the live API listed the step the run was working on, ``in_progress``.

A polled client that lists a run's steps between two moves sees the tool step the run has begun; the next move
plays that same step (same id) to its end. Streams tell the same events in the same order as before.
"""

from __future__ import annotations

from typing import Any

import openai
import pytest

manual = pytest.mark.fake_assistants(progression="manual")


def _started(fake: Any, client: openai.OpenAI, **run: Any) -> tuple[str, str]:
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter"}])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Add one and one."}])
    created = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, **run)
    assert fake.advance(created.id) == "in_progress"
    return thread.id, created.id


@manual
def test_a_run_in_progress_lists_the_tool_step_it_works_on(fake: Any, client: openai.OpenAI) -> None:
    fake.script.run_code("print(1 + 1)", output="2").then_reply("Two.")
    thread_id, run_id = _started(fake, client)
    (working,) = client.beta.threads.runs.steps.list(run_id, thread_id=thread_id).data
    assert (working.status, working.type, working.completed_at) == ("in_progress", "tool_calls", None)
    assert client.beta.threads.runs.steps.retrieve(working.id, thread_id=thread_id, run_id=run_id) == working

    assert fake.advance(run_id) == "completed"
    steps = client.beta.threads.runs.steps.list(run_id, thread_id=thread_id, order="asc").data
    assert [(s.id, s.type, s.status) for s in steps] == [
        (working.id, "tool_calls", "completed"),  # the same step, played to its end
        (steps[1].id, "message_creation", "completed"),
    ]
    assert steps[0].step_details.tool_calls[0].code_interpreter.input == "print(1 + 1)"  # type: ignore[union-attr]


@manual
def test_cancelling_then_cancels_the_step_it_was_working_on(fake: Any, client: openai.OpenAI) -> None:
    fake.script.run_code("print(2)", output="2").then_reply("Done.")
    thread_id, run_id = _started(fake, client)
    client.beta.threads.runs.cancel(run_id, thread_id=thread_id)
    assert fake.advance(run_id) == "cancelled"
    (step,) = client.beta.threads.runs.steps.list(run_id, thread_id=thread_id).data
    assert step.status == "cancelled" and step.cancelled_at is not None


@manual
def test_a_reply_alone_opens_no_step_ahead_of_its_message(fake: Any, client: openai.OpenAI) -> None:
    """A message step is opened with its message, as it is written; so is a step under token caps."""
    fake.script.reply("Two.")
    thread_id, run_id = _started(fake, client)
    assert client.beta.threads.runs.steps.list(run_id, thread_id=thread_id).data == []
    fake.script.run_code("print(3)", output="3")
    capped_thread, capped_run = _started(fake, client, max_completion_tokens=500)
    assert client.beta.threads.runs.steps.list(capped_run, thread_id=capped_thread).data == []


def test_a_stream_tells_the_step_once_right_after_the_run_starts(fake: Any, client: openai.OpenAI) -> None:
    fake.script.run_code("print(4)", output="4").then_reply("Four.")
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter"}])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Four?"}])
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        names = [event.event for event in stream]
    assert names[:6] == [
        "thread.run.created",
        "thread.run.queued",
        "thread.run.in_progress",
        "thread.run.step.created",
        "thread.run.step.in_progress",
        "thread.run.step.delta",
    ]
    assert names.count("thread.run.step.created") == 2 and names[-1] == "thread.run.completed"
