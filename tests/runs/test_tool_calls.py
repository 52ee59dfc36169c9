"""Function calls, tool steps and create-and-run, through the real SDK with strict response validation."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants

from ..support import T0

pytestmark = pytest.mark.manual_clock(T0)


def function(name: str) -> Any:
    return {
        "type": "function",
        "function": {"name": name, "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
    }


TOOLS: Any = [function("get_weather"), function("get_time"), {"type": "code_interpreter"}, {"type": "file_search"}]


def setup(client: openai.OpenAI, text: str = "What is the weather in Paris and Rome?") -> tuple[str, str]:
    assistant = client.beta.assistants.create(model="gpt-4o", name="Weather", instructions="Help.", tools=TOOLS)
    thread = client.beta.threads.create(messages=[{"role": "user", "content": text}])
    return assistant.id, thread.id


def answer(run: Any, outputs: dict[str, str]) -> list[Any]:
    calls = run.required_action.submit_tool_outputs.tool_calls
    return [{"tool_call_id": call.id, "output": outputs[call.function.name]} for call in calls]


def test_two_round_parallel_function_calls_complete(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.call_function("get_weather", {"city": "Paris"}).and_call("get_time", {"city": "Paris"}).then_call(
        "get_weather", {"city": "Rome"}
    ).then_reply("Paris: sunny at noon. Rome: rain.")
    assistant_id, thread_id = setup(client)

    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert run.status == "requires_action" and run.usage is None
    assert run.required_action is not None and run.required_action.type == "submit_tool_outputs"
    first = run.required_action.submit_tool_outputs.tool_calls
    assert [(c.function.name, json.loads(c.function.arguments)) for c in first] == [
        ("get_weather", {"city": "Paris"}),
        ("get_time", {"city": "Paris"}),
    ]
    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=thread_id, tool_outputs=answer(run, {"get_weather": "sunny", "get_time": "noon"})
    )
    assert run.status == "requires_action"
    assert run.required_action is not None
    second = run.required_action.submit_tool_outputs.tool_calls
    assert [(c.function.name, c.function.arguments) for c in second] == [("get_weather", '{"city": "Rome"}')]
    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=thread_id, tool_outputs=answer(run, {"get_weather": "rain"})
    )
    assert run.status == "completed" and run.required_action is None
    assert run.completed_at == T0 and run.expires_at is None and run.usage is not None

    steps = client.beta.threads.runs.steps.list(run.id, thread_id=thread_id, order="asc").data
    assert [step.type for step in steps] == ["tool_calls", "tool_calls", "message_creation"]
    assert all(step.status == "completed" and step.usage is not None for step in steps)
    outputs = [[call.function.output for call in step.step_details.tool_calls] for step in steps[:2]]  # type: ignore[union-attr]
    assert outputs == [["sunny", "noon"], ["rain"]]
    assert run.usage.total_tokens == sum(step.usage.total_tokens for step in steps if step.usage)

    messages = client.beta.threads.messages.list(thread_id, run_id=run.id).data
    assert len(messages) == 1 and messages[0].role == "assistant"
    assert messages[0].content[0].text.value == "Paris: sunny at noon. Rome: rain."  # type: ignore[union-attr]
    assert steps[2].step_details.message_creation.message_id == messages[0].id  # type: ignore[union-attr]
    assert fake.script.pending == () and fake.script.consumed[0].run_id == run.id


def test_the_function_step_waits_in_progress_until_outputs_arrive(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.call_function("get_weather", {"city": "Oslo"})
    assistant_id, thread_id = setup(client)
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    (step,) = client.beta.threads.runs.steps.list(run.id, thread_id=thread_id).data
    assert step.status == "in_progress" and step.usage is None and step.completed_at is None
    assert step.step_details.tool_calls[0].function.output is None  # type: ignore[union-attr]
    assert client.beta.threads.runs.steps.retrieve(step.id, thread_id=thread_id, run_id=run.id) == step

    run = client.beta.threads.runs.submit_tool_outputs(
        run_id=run.id, thread_id=thread_id, tool_outputs=answer(run, {"get_weather": "cold"})
    )
    assert run.status == "queued"  # per_read: the next reads move it on
    step = client.beta.threads.runs.steps.retrieve(step.id, thread_id=thread_id, run_id=run.id)
    assert step.status == "completed" and step.step_details.tool_calls[0].function.output == "cold"  # type: ignore[union-attr]
    run = client.beta.threads.runs.poll(run.id, thread_id=thread_id)
    assert run.status == "completed"
    reply = client.beta.threads.messages.list(thread_id, run_id=run.id).data[0]
    assert reply.content[0].text.value.startswith("This is a default reply")  # type: ignore[union-attr]


def test_code_interpreter_turn_leaves_its_steps(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.run_code(input="print(6 * 7)", output="42\n").then_reply("The answer is 42.")
    assistant_id, thread_id = setup(client, "What is six times seven?")
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert run.status == "completed"
    code_step, message_step = client.beta.threads.runs.steps.list(run.id, thread_id=thread_id, order="asc").data
    assert code_step.type == "tool_calls" and code_step.status == "completed"
    (call,) = code_step.step_details.tool_calls  # type: ignore[union-attr]
    assert call.type == "code_interpreter"
    assert call.code_interpreter.input == "print(6 * 7)"  # type: ignore[union-attr]
    assert [o.model_dump() for o in call.code_interpreter.outputs] == [{"type": "logs", "logs": "42\n"}]  # type: ignore[union-attr]
    assert message_step.type == "message_creation" and message_step.status == "completed"
    messages = client.beta.threads.messages.list(thread_id, run_id=run.id).data
    assert [m.id for m in messages] == [message_step.step_details.message_creation.message_id]  # type: ignore[union-attr]


def test_file_search_turn_leaves_its_step(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.search_files("opening hours").then_reply("We open at nine.")
    assistant_id, thread_id = setup(client, "When do you open?")
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    search_step, message_step = client.beta.threads.runs.steps.list(run.id, thread_id=thread_id, order="asc").data
    (call,) = search_step.step_details.tool_calls  # type: ignore[union-attr]
    assert call.type == "file_search" and search_step.status == "completed"
    assert call.file_search.ranking_options is not None  # type: ignore[union-attr]
    assert call.file_search.results == []  # type: ignore[union-attr]  # no vector store in scope
    included = client.beta.threads.runs.steps.retrieve(
        search_step.id,
        thread_id=thread_id,
        run_id=run.id,
        include=["step_details.tool_calls[*].file_search.results[*].content"],
    )
    assert included.id == search_step.id
    assert message_step.type == "message_creation"


def test_a_bad_include_value_is_a_400(fake: FakeAssistants, client: openai.OpenAI) -> None:
    assistant_id, thread_id = setup(client)
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    with pytest.raises(openai.BadRequestError) as info:
        client.beta.threads.runs.steps.list(run.id, thread_id=thread_id, include=["everything"])  # type: ignore[list-item]
    assert info.value.body["param"] == "include[]"  # type: ignore[index]


def test_steps_of_another_run_are_not_found(fake: FakeAssistants, client: openai.OpenAI) -> None:
    assistant_id, thread_id = setup(client)
    first = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    second = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    (step,) = client.beta.threads.runs.steps.list(first.id, thread_id=thread_id).data
    with pytest.raises(openai.NotFoundError) as info:
        client.beta.threads.runs.steps.retrieve(step.id, thread_id=thread_id, run_id=second.id)
    assert info.value.body["message"] == f"No run step found with id '{step.id}'."  # type: ignore[index]


# --- submit_tool_outputs errors ------------------------------------------------------------------------------------


def test_tool_outputs_on_a_run_not_waiting_for_them_are_refused(fake: FakeAssistants, client: openai.OpenAI) -> None:
    assistant_id, thread_id = setup(client)
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    with pytest.raises(openai.BadRequestError) as info:
        client.beta.threads.runs.submit_tool_outputs(
            run_id=run.id, thread_id=thread_id, tool_outputs=[{"tool_call_id": "call_x", "output": "y"}]
        )
    assert info.value.body["message"] == 'Runs in status "completed" do not accept tool outputs.'  # type: ignore[index]


@pytest.mark.parametrize("mistake", ["missing", "unknown", "extra"])
def test_tool_outputs_must_answer_exactly_the_calls(fake: FakeAssistants, client: openai.OpenAI, mistake: str) -> None:
    fake.script.call_function("get_weather").and_call("get_time")
    assistant_id, thread_id = setup(client)
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    good = answer(run, {"get_weather": "w", "get_time": "t"})
    bad = {
        "missing": good[:1],
        "unknown": [good[0], {"tool_call_id": "call_nope", "output": "t"}],
        "extra": [*good, {"tool_call_id": "call_nope", "output": "t"}],
    }[mistake]
    with pytest.raises(openai.BadRequestError) as info:
        client.beta.threads.runs.submit_tool_outputs(run_id=run.id, thread_id=thread_id, tool_outputs=bad)
    assert info.value.body["param"] == "tool_outputs"  # type: ignore[index]
    assert info.value.body["message"].startswith("Expected tool outputs for call_ids")  # type: ignore[index]
    after = client.beta.threads.runs.retrieve(run.id, thread_id=thread_id)
    assert after == run  # nothing changed
    done = client.beta.threads.runs.submit_tool_outputs_and_poll(run_id=run.id, thread_id=thread_id, tool_outputs=good)
    assert done.status == "completed"


def test_requires_action_that_is_never_answered_expires(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.call_function("get_weather")
    assistant_id, thread_id = setup(client)
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert run.status == "requires_action" and run.expires_at == T0 + 600
    fake.advance_clock(599)
    assert client.beta.threads.runs.retrieve(run.id, thread_id=thread_id).status == "requires_action"
    fake.advance_clock(1)
    expired = client.beta.threads.runs.retrieve(run.id, thread_id=thread_id)
    assert expired.status == "expired" and expired.required_action is None and expired.expires_at == T0 + 600
    (step,) = client.beta.threads.runs.steps.list(run.id, thread_id=thread_id).data
    assert step.status == "expired" and step.to_dict()["expires_at"] == T0 + 600  # the real key: expires_at
    with pytest.raises(openai.BadRequestError, match='Runs in status "expired" do not accept tool outputs'):
        client.beta.threads.runs.submit_tool_outputs(
            run_id=run.id, thread_id=thread_id, tool_outputs=answer(run, {"get_weather": "late"})
        )


def test_cancelling_a_waiting_run_cancels_its_open_step(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.call_function("get_weather")
    assistant_id, thread_id = setup(client)
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    fake.advance_clock(5)
    cancelling = client.beta.threads.runs.cancel(run.id, thread_id=thread_id)
    assert cancelling.status == "cancelling"
    cancelled = client.beta.threads.runs.poll(run.id, thread_id=thread_id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at == T0 + 5 and cancelled.expires_at is None
    (step,) = client.beta.threads.runs.steps.list(run.id, thread_id=thread_id).data
    assert step.status == "cancelled" and step.cancelled_at == T0 + 5


# --- create-and-run ------------------------------------------------------------------------------------------------


def test_create_and_run_poll_with_every_option(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.reply("Bonjour!")
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.", tools=TOOLS)
    run = client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id,
        thread={
            "messages": [{"role": "user", "content": "Say hello in French."}],
            "metadata": {"from": "test"},
            "tool_resources": {"code_interpreter": {"file_ids": []}},
        },
        model="gpt-4o-mini",
        instructions="Be very brief.",
        tools=[{"type": "code_interpreter"}],
        tool_resources={"code_interpreter": {"file_ids": []}},
        metadata={"run": "1"},
        temperature=0.5,
        top_p=0.9,
        max_prompt_tokens=1000,
        max_completion_tokens=500,
        truncation_strategy={"type": "last_messages", "last_messages": 3},
        tool_choice="auto",
        parallel_tool_calls=False,
        response_format={"type": "json_object"},
    )
    assert run.status == "completed"
    assert (run.model, run.instructions, run.metadata) == ("gpt-4o-mini", "Be very brief.", {"run": "1"})
    assert [tool.type for tool in run.tools] == ["code_interpreter"]
    assert (run.temperature, run.top_p, run.max_prompt_tokens, run.max_completion_tokens) == (0.5, 0.9, 1000, 500)
    assert run.truncation_strategy is not None and run.truncation_strategy.last_messages == 3
    assert run.parallel_tool_calls is False and run.response_format is not None
    thread = client.beta.threads.retrieve(run.thread_id)
    assert thread.metadata == {"from": "test"}
    texts = [m.content[0].text.value for m in client.beta.threads.messages.list(run.thread_id, order="asc")]  # type: ignore[union-attr]
    assert texts == ["Say hello in French.", "Bonjour!"]


def test_create_and_run_then_submit_tool_outputs_and_poll(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.call_function("get_weather", {"city": "Lima"}).then_reply("Lima is warm.")
    assistant = client.beta.assistants.create(model="gpt-4o", tools=TOOLS)
    run = client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "Lima?"}]}
    )
    assert run.status == "requires_action"
    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=run.thread_id, tool_outputs=answer(run, {"get_weather": "warm"})
    )
    assert run.status == "completed"


def test_create_and_run_with_an_unknown_assistant_creates_nothing(fake: FakeAssistants, client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.beta.threads.create_and_run(
            assistant_id="asst_missing", thread={"messages": [{"role": "user", "content": "hi"}]}
        )
    assert fake._backend.threads == {} and fake._backend.runs == {}
