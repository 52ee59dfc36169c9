"""Drawn stories played through the SDK: a correct agent loop meets every step and ending, and the emulator plays
every drawn turn without a script error."""

from __future__ import annotations

from typing import Any

import openai
from hypothesis import HealthCheck, given, settings

from fake_assistants import FakeAssistants
from fake_assistants.script.turns import CallFunctions, Expire, Fail, Incomplete, Reply
from fake_assistants.strategies import Story, playing, runs

from .tools import EVERY_TOOL

ENDED = {Reply: "completed", Fail: "failed", Incomplete: "incomplete", Expire: "expired"}
ONE_EMULATOR = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def run_agent(client: openai.OpenAI, assistant_id: str, thread_id: str) -> tuple[Any, list[tuple[str, str]]]:
    """A correct loop: create a run, answer every round of calls, return the run and the calls it answered."""
    answered: list[tuple[str, str]] = []
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    while run.status == "requires_action":
        calls = run.required_action.submit_tool_outputs.tool_calls
        answered += [(call.function.name, call.function.arguments) for call in calls]
        outputs = [{"tool_call_id": call.id, "output": "ok"} for call in calls]
        run = client.beta.threads.runs.submit_tool_outputs_and_poll(
            run_id=run.id, thread_id=thread_id, tool_outputs=outputs
        )
    return run, answered


@ONE_EMULATOR
@given(story=runs(tools=EVERY_TOOL))
def test_a_drawn_story_plays_through_the_sdk(fake: FakeAssistants, story: Story) -> None:
    with playing(fake, story):
        client = fake.client()
        assistant = client.beta.assistants.create(model="gpt-4o", tools=EVERY_TOOL)
        thread = client.beta.threads.create()
        for turn in story.turns:
            client.beta.threads.messages.create(thread.id, role="user", content="go")
            run, answered = run_agent(client, assistant.id, thread.id)
            assert run.status == ENDED[type(turn.ending)]
            rounds = [step for step in turn.steps if isinstance(step, CallFunctions)]
            assert answered == [(call.name, call.arguments) for step in rounds for call in step.calls]
            if isinstance(turn.ending, Fail):
                assert run.last_error is not None and run.last_error.code == turn.ending.code
            if isinstance(turn.ending, Incomplete):
                assert run.incomplete_details is not None and run.incomplete_details.reason == turn.ending.reason
        assert fake.script.errors == ()
        assert fake.script.pending == ()


@settings(ONE_EMULATOR, max_examples=8)
@given(story=runs(tools=EVERY_TOOL, max_runs=1))
def test_playing_resets_the_emulator_for_each_example(fake: FakeAssistants, story: Story) -> None:
    with playing(fake, story):
        assert fake.script.pending and not fake.request_log
        fake.client().beta.assistants.create(model="gpt-4o")
    assert not fake.script.pending and not fake.request_log
