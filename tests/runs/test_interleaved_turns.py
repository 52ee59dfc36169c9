"""A turn that interleaves tool steps and messages (code, message, code, message), as real code-interpreter runs
did: the same steps and messages in the same order whether the run is polled or streamed."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants, ManualClock

T0 = 1_700_000_000


def script(fake: FakeAssistants) -> None:
    fake.script.run_code("print(1)", output="1").then_say("First, the data.").then_run_code(
        "print(2)", output="2"
    ).then_say("Then the fit.").then_reply("Done: y = 2x.")


def start(shapes: str) -> tuple[FakeAssistants, openai.OpenAI, str, str]:
    fake = FakeAssistants(clock=ManualClock(T0), shapes=shapes, validate_responses=True)
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter"}])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Fit a line."}])
    script(fake)
    return fake, client, assistant.id, thread.id


def outline(client: openai.OpenAI, thread_id: str, run_id: str) -> list[tuple[str, Any]]:
    """The run's steps oldest first: ``("code", input)`` or ``("message", text)``."""
    steps = client.beta.threads.runs.steps.list(run_id, thread_id=thread_id, order="asc").data
    out: list[tuple[str, Any]] = []
    for step in steps:
        details: Any = step.step_details
        if details.type == "tool_calls":
            out.append(("code", details.tool_calls[0].code_interpreter.input))
        else:
            message = client.beta.threads.messages.retrieve(details.message_creation.message_id, thread_id=thread_id)
            out.append(("message", message.content[0].text.value))  # type: ignore[union-attr]
    return out


EXPECTED = [
    ("code", "print(1)"),
    ("message", "First, the data."),
    ("code", "print(2)"),
    ("message", "Then the fit."),
    ("message", "Done: y = 2x."),
]


@pytest.mark.parametrize("shapes", ["wire", "spec"])
def test_polling_and_streaming_show_the_same_interleaved_steps(shapes: str) -> None:
    fake, client, assistant_id, thread_id = start(shapes)
    polled = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert polled.status == "completed"
    assert outline(client, thread_id, polled.id) == EXPECTED

    fake2, client2, assistant2, thread2 = start(shapes)
    with client2.beta.threads.runs.stream(thread_id=thread2, assistant_id=assistant2) as stream:
        events = [event.event for event in stream]
        final = stream.get_final_run()
    assert final.status == "completed"
    assert outline(client2, thread2, final.id) == EXPECTED
    # The stream tells them in that order: each step opens, fills and completes before the next one starts.
    opened = [e for e in events if e in ("thread.run.step.created", "thread.message.created")]
    assert (
        opened
        == ["thread.run.step.created"]
        + ["thread.run.step.created", "thread.message.created"]
        + ["thread.run.step.created"]
        + ["thread.run.step.created", "thread.message.created"] * 2
    )
    assert events.index("thread.run.completed") == len(events) - 1
    # The run stays in progress between the steps: only one run status event per status.
    assert events.count("thread.run.in_progress") == 1 and events.count("thread.run.completed") == 1
    messages = client2.beta.threads.messages.list(thread2, order="asc").data
    assert [m.role for m in messages] == ["user", "assistant", "assistant", "assistant"]
    assert fake.contract_violations == () and fake2.contract_violations == ()


def test_a_queued_interleaved_turn_survives_a_snapshot() -> None:
    fake = FakeAssistants(clock=ManualClock(T0))
    script(fake)
    restored = FakeAssistants.restore(fake.snapshot(), clock=ManualClock(T0))
    assert [t.turn for t in restored.script.pending] == [t.turn for t in fake.script.pending]
