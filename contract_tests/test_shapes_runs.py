"""Run steps, tool outputs and create-and-run, driven through the real SDK, answer bodies the spec accepts."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants

from .operations import RUN_OPERATIONS
from .recorder import Recorder, assert_covered

SEARCH_CONTENT: Any = ["step_details.tool_calls[*].file_search.results[*].content"]
TOOLS: Any = [
    {"type": "code_interpreter"},
    {"type": "file_search"},
    {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}},
]


def test_every_kind_of_step_and_tool_output_round(recorder: Recorder, fake_assistants: FakeAssistants) -> None:
    client = recorder.client
    fake_assistants.script.run_code("print(1)", "1").then_search_files("hours").then_call(
        "get_weather", {"city": "Oslo"}
    ).and_call("get_weather", {"city": "Rome"}).then_reply("Done.")
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.", tools=TOOLS)
    run = client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "Go"}]}
    )
    thread_id = run.thread_id
    steps = client.beta.threads.runs.steps.list(run.id, thread_id=thread_id, order="asc", include=SEARCH_CONTENT)
    for step in steps.data:  # in_progress function step, completed code and search steps
        client.beta.threads.runs.steps.retrieve(step.id, thread_id=thread_id, run_id=run.id)
        client.beta.threads.runs.steps.retrieve(step.id, thread_id=thread_id, run_id=run.id, include=SEARCH_CONTENT)
    assert run.required_action is not None
    calls = run.required_action.submit_tool_outputs.tool_calls
    outputs: Any = [{"tool_call_id": call.id, "output": "fine"} for call in calls]
    client.beta.threads.runs.submit_tool_outputs_and_poll(run_id=run.id, thread_id=thread_id, tool_outputs=outputs)
    client.beta.threads.runs.steps.list(run.id, thread_id=thread_id, limit=2)

    recorder.check_all()
    assert_covered(recorder, set(RUN_OPERATIONS))
    kinds = [
        (s["type"], s["status"], [c["type"] for c in s["step_details"].get("tool_calls", [])])
        for s in recorder.last("listRunSteps").body["data"]
    ]
    assert kinds == [("message_creation", "completed", []), ("tool_calls", "completed", ["function", "function"])]


def test_expired_and_cancelled_steps(recorder: Recorder, fake_assistants: FakeAssistants) -> None:
    client = recorder.client
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.", tools=TOOLS)
    fake_assistants.script.call_function("get_weather")
    fake_assistants.script.call_function("get_weather")
    first = client.beta.threads.create_and_run_poll(assistant_id=assistant.id)
    client.beta.threads.runs.cancel(first.id, thread_id=first.thread_id)
    client.beta.threads.runs.poll(first.id, thread_id=first.thread_id)
    client.beta.threads.runs.steps.list(first.id, thread_id=first.thread_id)
    second = client.beta.threads.create_and_run_poll(assistant_id=assistant.id)
    fake_assistants._backend.runs[second.id].expires_at = 0  # its time is up
    client.beta.threads.runs.steps.list(second.id, thread_id=second.thread_id)

    recorder.check_all()
    statuses = [e.body["data"][0]["status"] for e in recorder.of("listRunSteps")]
    assert statuses == ["cancelled", "expired"]


@pytest.mark.parametrize(
    "mistake",
    ["not waiting", "wrong ids", "unknown step", "bad include"],
)
def test_error_bodies(recorder: Recorder, fake_assistants: FakeAssistants, mistake: str) -> None:
    client = recorder.client
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.", tools=TOOLS)
    if mistake == "wrong ids":
        fake_assistants.script.call_function("get_weather")
    run = client.beta.threads.create_and_run_poll(assistant_id=assistant.id)
    with pytest.raises(openai.APIStatusError):
        if mistake in ("not waiting", "wrong ids"):
            client.beta.threads.runs.submit_tool_outputs(
                run_id=run.id, thread_id=run.thread_id, tool_outputs=[{"tool_call_id": "call_x", "output": "y"}]
            )
        elif mistake == "unknown step":
            client.beta.threads.runs.steps.retrieve("step_missing", thread_id=run.thread_id, run_id=run.id)
        else:
            client.beta.threads.runs.steps.list(run.id, thread_id=run.thread_id, include=["nope"])  # type: ignore[list-item]
    recorder.check_all()
    assert recorder.exchanges[-1].status in (400, 404)
