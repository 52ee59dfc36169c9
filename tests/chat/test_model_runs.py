"""Acceptance: runs played by a chat model (the project's stub), through the real SDK, polled and streamed, in
process and served, with the contract check on. Every reply and argument comes from the stub."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants
from fake_assistants.chat import ChatModel

from ..seed_quickstart import STEPS_1_TO_4
from ..support import TEXT_EVENTS as FIRST_TEXT_EVENTS
from .stub import DELTA_CHARS, ChatStub, running

TEXT_EVENTS = [  # a whole run that replies with text: its first events (support.TEXT_EVENTS), then the rest
    *FIRST_TEXT_EVENTS,
    "thread.message.delta",
    "thread.message.completed",
    "thread.run.step.completed",
    "thread.run.completed",
]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}
CLOCK = {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}}


@pytest.fixture
def stub() -> Iterator[ChatStub]:
    chat = ChatStub()
    with running(chat):
        yield chat


@contextlib.contextmanager
def sdk(fake: FakeAssistants, transport: str) -> Iterator[openai.OpenAI]:
    """A client of ``fake``: in process, or over HTTP on loopback."""
    if transport == "inprocess":
        with fake.client() as client:
            yield client
        return
    with fake.serve() as url, openai.OpenAI(base_url=url, api_key="sk-test", max_retries=0) as client:
        yield client


def squashed(events: list[str]) -> list[str]:
    """Event names with runs of the same delta event told once."""
    out: list[str] = []
    for name in events:
        if not (out and out[-1] == name and name.endswith(".delta")):
            out.append(name)
    return out


def stream_run(client: openai.OpenAI, thread_id: str, **create: Any) -> tuple[Any, list[Any]]:
    with client.beta.threads.runs.stream(thread_id=thread_id, **create) as stream:
        events = list(stream)
        return stream.get_final_run(), events


def stream_outputs(client: openai.OpenAI, run: Any, outputs: list[dict[str, str]]) -> tuple[Any, list[str]]:
    with client.beta.threads.runs.submit_tool_outputs_stream(
        thread_id=run.thread_id, run_id=run.id, tool_outputs=outputs
    ) as stream:
        events = [event.event for event in stream]
        return stream.get_final_run(), events


@pytest.mark.parametrize("transport", ["inprocess", "served"])
@pytest.mark.parametrize("streamed", [False, True], ids=["polled", "streamed"])
def test_the_seed_quickstart_is_answered_by_the_model(stub: ChatStub, transport: str, streamed: bool) -> None:
    answer = "Subtract 11 from both sides, then divide by 3: x = 1, Jane Doe."
    stub.reply(answer, usage=(52, 17))
    fake = FakeAssistants()
    fake.script.respond_with(ChatModel(stub.base_url, model="local-model", seed=7, timeout=5))
    with sdk(fake, transport) as client:
        namespace: dict[str, Any] = {"fake": _Shim(client)}
        if streamed:  # the quickstart, its last step streamed
            exec(STEPS_1_TO_4.split("run = client")[0], namespace)
            run, events = stream_run(
                client,
                namespace["thread"].id,
                assistant_id=namespace["assistant"].id,
                instructions="Please address the user as Jane Doe. The user has a premium account.",
            )
            assert squashed([event.event for event in events]) == TEXT_EVENTS
            deltas = [e.data.delta.content[0].text.value for e in events if e.event == "thread.message.delta"]
            assert deltas == [answer[i : i + DELTA_CHARS] for i in range(0, len(answer), DELTA_CHARS)]  # the model's
        else:
            exec(STEPS_1_TO_4, namespace)
            run = namespace["run"]
        assert run.status == "completed"
        assert (run.usage.prompt_tokens, run.usage.completion_tokens, run.usage.total_tokens) == (52, 17, 69)
        reply = client.beta.threads.messages.list(thread_id=namespace["thread"].id).data[0]
        assert reply.content[0].text.value == answer
        (step,) = client.beta.threads.runs.steps.list(run.id, thread_id=run.thread_id).data
        assert step.type == "message_creation" and step.usage.total_tokens == 69

    (request,) = stub.requests
    assert request["model"] == "local-model" and request["seed"] == 7
    assert request["messages"] == [
        {"role": "system", "content": "Please address the user as Jane Doe. The user has a premium account."},
        {"role": "user", "content": "I need to solve the equation `3x + 11 = 14`. Can you help me?"},
    ]
    assert "tools" not in request  # code_interpreter is not offered without an executor
    assert request.get("stream", False) is streamed


class _Shim:
    def __init__(self, client: openai.OpenAI) -> None:
        self._client = client

    def client(self) -> openai.OpenAI:
        return self._client


ROUND_ONE = (("get_weather", '{"city":  "Paris"}'), ("get_time", '{ "tz": "Europe/Paris" }'))
ROUND_TWO = (("get_weather", '{"city":"Lyon"}'),)


@pytest.mark.parametrize("transport", ["inprocess", "served"])
@pytest.mark.parametrize("streamed", [False, True], ids=["polled", "streamed"])
def test_parallel_function_calls_over_two_rounds(stub: ChatStub, transport: str, streamed: bool) -> None:
    stub.call(*ROUND_ONE, usage=(40, 12)).call(*ROUND_TWO, usage=(70, 6)).reply("Paris: sunny. Lyon: rain.", (90, 8))
    fake = FakeAssistants()
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5))
    with sdk(fake, transport) as client:
        assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.", tools=[WEATHER, CLOCK])
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "Weather in Paris and Lyon?"}])
        if streamed:
            run, events = stream_run(client, thread.id, assistant_id=assistant.id, additional_instructions="Be kind.")
            assert squashed([event.event for event in events])[-4:] == [
                "thread.run.step.created",
                "thread.run.step.in_progress",
                "thread.run.step.delta",
                "thread.run.requires_action",
            ]
        else:
            run = client.beta.threads.runs.create_and_poll(
                thread_id=thread.id, assistant_id=assistant.id, additional_instructions="Be kind."
            )
        rounds = []
        while run.status == "requires_action":
            calls = run.required_action.submit_tool_outputs.tool_calls
            rounds.append(tuple((call.function.name, call.function.arguments) for call in calls))
            outputs = [{"tool_call_id": call.id, "output": f"out-{call.function.name}"} for call in calls]
            if streamed:
                run, events = stream_outputs(client, run, outputs)
                assert events[:3] == ["thread.run.step.completed", "thread.run.queued", "thread.run.in_progress"]
            else:
                run = client.beta.threads.runs.submit_tool_outputs_and_poll(
                    thread_id=thread.id, run_id=run.id, tool_outputs=outputs
                )
        assert rounds == [ROUND_ONE, ROUND_TWO]  # the model's own argument text, byte for byte
        assert run.status == "completed"
        assert (run.usage.prompt_tokens, run.usage.completion_tokens) == (40 + 70 + 90, 12 + 6 + 8)
        steps = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id, order="asc").data
        assert [s.type for s in steps] == ["tool_calls", "tool_calls", "message_creation"]
        assert [s.usage.prompt_tokens for s in steps] == [40, 70, 90]
        assert steps[0].step_details.tool_calls[1].function.output == "out-get_time"
        reply = client.beta.threads.messages.list(thread_id=thread.id).data[0]
        assert reply.content[0].text.value == "Paris: sunny. Lyon: rain."

    first, second, third = stub.requests
    assert first["messages"][0] == {"role": "system", "content": "Be brief.\n\nBe kind."}
    assert [tool["function"]["name"] for tool in first["tools"]] == ["get_weather", "get_time"]
    assert first["tools"][0]["function"]["parameters"] == WEATHER["function"]["parameters"]
    assert (first["tool_choice"], first["parallel_tool_calls"]) == ("auto", True)
    # The second round sees the model's calls and the submitted outputs as tool messages.
    assistant_turn, *tool_messages = second["messages"][2:]
    assert [c["function"]["arguments"] for c in assistant_turn["tool_calls"]] == [a for _, a in ROUND_ONE]
    ids = [c["id"] for c in assistant_turn["tool_calls"]]
    assert tool_messages == [
        {"role": "tool", "tool_call_id": ids[0], "content": "out-get_weather"},
        {"role": "tool", "tool_call_id": ids[1], "content": "out-get_time"},
    ]
    assert third["messages"][: len(second["messages"])] == second["messages"]
    assert third["messages"][-1]["content"] == "out-get_weather"


def test_tool_choice_and_parallel_tool_calls_go_to_the_model(
    stub: ChatStub, client: openai.OpenAI, fake: FakeAssistants
) -> None:
    stub.call(("get_time", "{}"), ("get_weather", "{}")).reply("Noon.")
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5))
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[WEATHER, CLOCK])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Time?"}])
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id,
        assistant_id=assistant.id,
        tool_choice={"type": "function", "function": {"name": "get_time"}},
        parallel_tool_calls=False,
        temperature=0.2,
        top_p=0.5,
        max_completion_tokens=300,
    )
    calls = run.required_action.submit_tool_outputs.tool_calls
    assert [call.function.name for call in calls] == ["get_time"]  # one call kept: parallel_tool_calls is off
    request = stub.requests[0]
    assert request["tool_choice"] == {"type": "function", "function": {"name": "get_time"}}
    assert request["parallel_tool_calls"] is False
    assert (request["temperature"], request["top_p"], request["max_completion_tokens"]) == (0.2, 0.5, 300)


def test_a_json_schema_reply(stub: ChatStub, client: openai.OpenAI, fake: FakeAssistants) -> None:
    schema = {
        "name": "answer",
        "schema": {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]},
        "strict": True,
    }
    stub.reply('{"x": 1}')
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5))
    assistant = client.beta.assistants.create(
        model="gpt-4o", response_format={"type": "json_schema", "json_schema": schema}
    )
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Solve 3x + 11 = 14"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
    reply = client.beta.threads.messages.list(thread_id=thread.id).data[0]
    assert json.loads(reply.content[0].text.value) == {"x": 1}
    assert stub.requests[0]["response_format"] == {"type": "json_schema", "json_schema": schema}


def test_image_references_and_earlier_replies_are_in_the_conversation(
    stub: ChatStub, client: openai.OpenAI, fake: FakeAssistants
) -> None:
    stub.reply("A cat.").reply("Grey.")
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5))
    assistant = client.beta.assistants.create(model="gpt-4o")
    image = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}}
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": [{"type": "text", "text": "What is it?"}, image]}]
    )
    client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    client.beta.threads.messages.create(thread_id=thread.id, role="user", content="Its colour?")
    client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert stub.requests[1]["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "What is it?"}, image]},
        {"role": "assistant", "content": "A cat."},
        {"role": "user", "content": "Its colour?"},
    ]


def test_a_reply_cut_at_the_length_limit_ends_incomplete(
    stub: ChatStub, client: openai.OpenAI, fake: FakeAssistants
) -> None:
    stub.reply("Once upon a", finish_reason="length")
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5))
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "A long story"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "incomplete" and run.incomplete_details.reason == "max_completion_tokens"
    assert client.beta.threads.messages.list(thread_id=thread.id).data[0].content[0].text.value == "Once upon a"


def test_tool_choice_none_keeps_the_text_only(stub: ChatStub, client: openai.OpenAI, fake: FakeAssistants) -> None:
    stub.call(("get_time", "{}"), text="It is noon.")  # a model that calls a tool all the same
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5))
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[CLOCK])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Time?"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id, tool_choice="none")
    assert run.status == "completed" and stub.requests[0]["tool_choice"] == "none"
    steps = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id).data
    assert [step.type for step in steps] == ["message_creation"]
    assert client.beta.threads.messages.list(thread_id=thread.id).data[0].content[0].text.value == "It is noon."


def test_the_async_client_streams_a_model_run(stub: ChatStub) -> None:
    import asyncio

    stub.call(*ROUND_ONE).reply("Both sunny.")
    fake = FakeAssistants()
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5))

    async def main() -> tuple[str, list[tuple[str, str]]]:
        client = fake.async_client()
        assistant = await client.beta.assistants.create(model="gpt-4o", tools=[WEATHER, CLOCK])
        thread = await client.beta.threads.create(messages=[{"role": "user", "content": "Paris?"}])
        async with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
            await stream.until_done()
            run = await stream.get_final_run()
        calls = run.required_action.submit_tool_outputs.tool_calls
        outputs = [{"tool_call_id": call.id, "output": "sunny"} for call in calls]
        async with client.beta.threads.runs.submit_tool_outputs_stream(
            thread_id=thread.id, run_id=run.id, tool_outputs=outputs
        ) as stream:
            text = "".join([delta async for delta in stream.text_deltas])
        return text, [(call.function.name, call.function.arguments) for call in calls]

    text, calls = asyncio.run(main())
    assert (text, tuple(calls)) == ("Both sunny.", ROUND_ONE)


def test_a_last_messages_truncation_is_what_the_model_reads(
    stub: ChatStub, client: openai.OpenAI, fake: FakeAssistants
) -> None:
    stub.reply("Three.")
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5))
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": text} for text in ("One.", "Two.", "Three?")]
    )
    client.beta.threads.runs.create_and_poll(
        thread_id=thread.id,
        assistant_id=assistant.id,
        truncation_strategy={"type": "last_messages", "last_messages": 2},
    )
    assert stub.requests[0]["messages"] == [{"role": "user", "content": "Two."}, {"role": "user", "content": "Three?"}]
