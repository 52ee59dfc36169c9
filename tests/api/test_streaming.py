"""Streaming (SSE) through the real SDK: event order, deltas, tool calls, endings, async, and parity with polling."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openai import AssistantEventHandler

from fake_assistants import Annotation, FakeAssistants, ManualClock, Turn, sdk_http_module

from ..support import T0, TEXT_EVENTS, WEATHER

TOOLS: Any = [WEATHER, {"type": "code_interpreter"}, {"type": "file_search"}]

# every test that uses the emulator runs under both shapes: the real ones, and the spec's with a strict client
pytestmark = [pytest.mark.manual_clock(T0), pytest.mark.both_shapes]


def setup(client: openai.OpenAI) -> tuple[str, str]:
    assistant = client.beta.assistants.create(model="gpt-4o", tools=TOOLS)
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Tell me a story."}])
    return assistant.id, thread.id


class Recorder(AssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.deltas: list[str] = []
        self.names: list[str] = []

    def on_event(self, event: Any) -> None:
        self.names.append(event.event)

    def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self.deltas.append(delta.value)


def test_runs_stream_with_an_event_handler(fake: FakeAssistants, client: openai.OpenAI) -> None:
    story = "Once upon a time, a small emulator answered every request, deterministically, forever."
    fake.script.reply(story)
    assistant_id, thread_id = setup(client)
    handler = Recorder()
    with client.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id, event_handler=handler) as s:
        s.until_done()
        final_run = s.get_final_run()
        final_messages = s.get_final_messages()
    assert "".join(handler.deltas) == story and len(handler.deltas) > 3
    retrieved = client.beta.threads.runs.retrieve(final_run.id, thread_id=thread_id)
    assert final_run.status == "completed"
    # Real shapes: the streamed run shows code_interpreter resources, the REST one its own ({}); streamed messages
    # carry status and times, REST ones do not. Everything else is the same object.
    stream_only = {"tool_resources", "status", "incomplete_details", "completed_at", "incomplete_at"}
    exclude = stream_only if fake.shapes == "wire" else set()
    assert final_run.model_dump(exclude=exclude - {"status"}) == retrieved.model_dump(exclude=exclude - {"status"})
    listed = client.beta.threads.messages.list(thread_id, run_id=final_run.id).data
    assert [m.model_dump(exclude=exclude) for m in final_messages] == [m.model_dump(exclude=exclude) for m in listed]
    deltas = handler.names.count("thread.message.delta")
    assert handler.names == [
        *TEXT_EVENTS,
        *["thread.message.delta"] * deltas,
        "thread.message.completed",
        "thread.run.step.completed",
        "thread.run.completed",
    ]


def test_create_stream_true_and_create_and_run_stream(fake: FakeAssistants, client: openai.OpenAI) -> None:
    assistant_id, thread_id = setup(client)
    stream = client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, stream=True)
    names = [event.event for event in stream]
    assert names[:7] == TEXT_EVENTS and names[-1] == "thread.run.completed"
    with client.beta.threads.create_and_run_stream(
        assistant_id=assistant_id, thread={"messages": [{"role": "user", "content": "hi"}]}
    ) as s:
        names = [event.event for event in s]
    assert names[:4] == ["thread.created", "thread.run.created", "thread.run.queued", "thread.run.in_progress"]


def test_deltas_carry_only_increments_and_annotations_where_they_occur(
    fake: FakeAssistants, client: openai.OpenAI
) -> None:
    text = "See the attached report now【0†report.pdf】 for all of the details."
    assistant_id, thread_id = setup(client)
    report = client.files.create(file=("report.pdf", b"%PDF"), purpose="assistants").id
    client.beta.threads.messages.create(
        thread_id,
        role="user",
        content="here",
        attachments=[{"file_id": report, "tools": [{"type": "code_interpreter"}]}],
    )
    fake.script.reply(text, [Annotation(report, "【0†report.pdf】", "file_citation")])
    events = list(client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, stream=True))
    deltas = [e.data.delta.content[0].text for e in events if e.event == "thread.message.delta"]  # type: ignore[union-attr]
    assert "".join(d.value for d in deltas) == text
    assert deltas[0].annotations == []
    carrying = [d for d in deltas if d.annotations]
    assert len(carrying) == 1 and "】" in carrying[0].value
    (annotation,) = carrying[0].annotations
    assert annotation.index == 0 and text[annotation.start_index : annotation.end_index] == "【0†report.pdf】"
    assert [d.annotations for d in deltas if d is not deltas[0] and d is not carrying[0]] == [None] * (len(deltas) - 2)


def test_chunk_size_is_configurable() -> None:
    fake = FakeAssistants(stream_chunk_tokens=1)
    client = fake.client()
    fake.script.reply("one two three")
    assistant_id, thread_id = setup(client)
    with client.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id) as s:
        assert list(s.text_deltas) == ["one", " two", " three"]


def test_a_function_calling_conversation_by_streams(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.call_function("get_weather", {"city": "Paris", "unit": "celsius"}).then_reply("Sunny, 21°C.")
    assistant_id, thread_id = setup(client)
    with client.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id) as s:
        events = list(s)
        run = s.get_final_run()
    names = [e.event for e in events]
    assert names[-1] == "thread.run.requires_action" and run.status == "requires_action"
    step_deltas = [e.data.delta.step_details.tool_calls[0] for e in events if e.event == "thread.run.step.delta"]  # type: ignore[union-attr]
    assert step_deltas[0].function.name == "get_weather" and step_deltas[0].function.arguments == ""  # type: ignore[union-attr]
    assert all(d.function.name is None for d in step_deltas[1:])  # type: ignore[union-attr]
    assert "".join(d.function.arguments for d in step_deltas) == '{"city": "Paris", "unit": "celsius"}'  # type: ignore[union-attr]
    assert len(step_deltas) > 2

    assert run.required_action is not None
    (call,) = run.required_action.submit_tool_outputs.tool_calls
    with client.beta.threads.runs.submit_tool_outputs_stream(
        thread_id=thread_id, run_id=run.id, tool_outputs=[{"tool_call_id": call.id, "output": "21C"}]
    ) as s:
        text = "".join(s.text_deltas)
        final = s.get_final_run()
    assert text == "Sunny, 21°C." and final.status == "completed"
    steps = client.beta.threads.runs.steps.list(run.id, thread_id=thread_id, order="asc").data
    assert steps[0].step_details.tool_calls[0].function.output == "21C"  # type: ignore[union-attr]


def test_the_submit_stream_continues_the_same_run(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.call_function("get_weather")
    assistant_id, thread_id = setup(client)
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert run.required_action is not None
    (call,) = run.required_action.submit_tool_outputs.tool_calls
    stream = client.beta.threads.runs.submit_tool_outputs(
        thread_id=thread_id, run_id=run.id, tool_outputs=[{"tool_call_id": call.id, "output": "x"}], stream=True
    )
    events = list(stream)
    assert [e.event for e in events[:3]] == ["thread.run.step.completed", "thread.run.queued", "thread.run.in_progress"]
    assert {e.data.id for e in events if e.event.startswith("thread.run.") and ".step" not in e.event} == {run.id}  # type: ignore[union-attr]


def test_code_interpreter_streams_input_then_outputs(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.run_code("import math\nprint(math.pi)", "3.14159").then_reply("Pi.")
    assistant_id, thread_id = setup(client)
    logs: list[str] = []
    inputs: list[str] = []

    class Code(AssistantEventHandler):
        def on_tool_call_delta(self, delta: Any, snapshot: Any) -> None:
            if delta.code_interpreter.input:
                inputs.append(delta.code_interpreter.input)
            for output in delta.code_interpreter.outputs or []:
                logs.append(output.logs)

    with client.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id, event_handler=Code()) as s:
        s.until_done()
    assert "".join(inputs) == "import math\nprint(math.pi)" and len(inputs) > 1
    assert logs == ["3.14159"]


@pytest.mark.parametrize(
    ("turn", "terminal"),
    [
        (Turn.fail("rate_limit_exceeded", "Slow down."), "thread.run.failed"),
        (Turn.incomplete("max_prompt_tokens"), "thread.run.incomplete"),
        (Turn.expire(), "thread.run.expired"),
    ],
)
def test_endings_stream_their_terminal_event(
    fake: FakeAssistants, client: openai.OpenAI, turn: Turn, terminal: str
) -> None:
    fake.script.add(turn)
    assistant_id, thread_id = setup(client)
    events = list(client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, stream=True))
    assert [e.event for e in events] == ["thread.run.created", "thread.run.queued", "thread.run.in_progress", terminal]
    if terminal == "thread.run.failed":
        assert events[-1].data.last_error.code == "rate_limit_exceeded"  # type: ignore[union-attr]


def test_a_script_error_mid_stream_is_an_error_event(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.call_function("not_declared")
    assistant_id, thread_id = setup(client)
    transport = fake.transport()
    http = sdk_http_module().Client  # raw HTTP: the SDK's stream helpers drop error events
    body = {"assistant_id": assistant_id, "stream": True}
    headers = {"OpenAI-Beta": "assistants=v2", "Authorization": "Bearer sk-x"}
    with http(transport=transport, base_url="http://x/v1") as raw:
        text = raw.post(f"/threads/{thread_id}/runs", json=body, headers=headers).text
    frames = [f for f in text.split("\n\n") if f]
    assert frames[-2].startswith("event: error\n") and "not_declared" in frames[-2]
    assert frames[-1] == "event: done\ndata: [DONE]"
    assert len(fake.script.errors) == 1


def test_the_stream_is_not_buffered(fake: FakeAssistants, client: openai.OpenAI) -> None:
    assistant_id, thread_id = setup(client)
    stream = client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, stream=True)
    events = iter(stream)
    first = next(events)
    assert first.event == "thread.run.created"
    assert client.beta.threads.runs.list(thread_id).data[0].status == "queued"  # the run has not moved yet
    third = [next(events), next(events)][-1]
    assert third.event == "thread.run.in_progress"
    assert fake._backend.runs[first.data.id].status == "in_progress"  # type: ignore[union-attr]
    stream.close()  # the client hangs up: the run still plays to its end
    assert client.beta.threads.runs.retrieve(first.data.id, thread_id=thread_id).status == "completed"  # type: ignore[union-attr]


def test_async_text_deltas(fake: FakeAssistants) -> None:
    fake.script.reply("Async streams work too.")

    async def main() -> tuple[list[str], str]:
        client = fake.async_client()
        assistant = await client.beta.assistants.create(model="gpt-4o")
        thread = await client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
        async with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as s:
            deltas = [delta async for delta in s.text_deltas]
            run = await s.get_final_run()
        return deltas, run.status

    deltas, status = asyncio.run(main())
    assert "".join(deltas) == "Async streams work too." and status == "completed"


# --- streaming and polling end in the same state -----------------------------------------------------------------

TURNS = st.one_of(
    st.text(min_size=0, max_size=40).map(Turn.reply),
    st.builds(
        lambda code, out: Turn.run_code(code, out).then_reply("done"), st.text(max_size=20), st.text(max_size=10)
    ),
    st.just(Turn.search_files("q").then_reply("found")),
    st.lists(st.sampled_from(["Paris", "Rome", "Oslo"]), min_size=1, max_size=3).map(
        lambda cities: _calls(cities).then_reply("ok")
    ),
    st.sampled_from([Turn.fail(), Turn.incomplete(), Turn.expire()]),
)


def _calls(cities: list[str]) -> Turn:
    turn = Turn.call_function("get_weather", {"city": cities[0]})
    for city in cities[1:]:
        turn = turn.and_call("get_weather", {"city": city})
    return turn


def _final_state(turn: Turn, *, streaming: bool) -> Any:
    fake = FakeAssistants(clock=ManualClock(T0))
    client = fake.client()
    fake.script.add(turn)
    assistant_id, thread_id = setup(client)
    if streaming:
        with client.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant_id) as s:
            s.until_done()
            run = s.get_final_run()
        while run.status == "requires_action":
            assert run.required_action is not None
            calls = run.required_action.submit_tool_outputs.tool_calls
            outputs: Any = [{"tool_call_id": c.id, "output": "o"} for c in calls]
            with client.beta.threads.runs.submit_tool_outputs_stream(
                thread_id=thread_id, run_id=run.id, tool_outputs=outputs
            ) as s:
                s.until_done()
                run = s.get_final_run()
    else:
        run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
        while run.status == "requires_action":
            assert run.required_action is not None
            calls = run.required_action.submit_tool_outputs.tool_calls
            outputs = [{"tool_call_id": c.id, "output": "o"} for c in calls]
            run = client.beta.threads.runs.submit_tool_outputs_and_poll(
                thread_id=thread_id, run_id=run.id, tool_outputs=outputs
            )
    run = client.beta.threads.runs.retrieve(run.id, thread_id=thread_id)
    steps = client.beta.threads.runs.steps.list(run.id, thread_id=thread_id, order="asc", limit=100).data
    messages = client.beta.threads.messages.list(thread_id, order="asc", limit=100).data
    return _masked([run.model_dump(), [s.model_dump() for s in steps], [m.model_dump() for m in messages]])


def _masked(value: Any) -> Any:
    """The state with every id replaced by its kind (ids differ between runs of different request counts)."""
    if isinstance(value, dict):
        return {k: (_kind(v) if k.endswith("id") and isinstance(v, str) else _masked(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def _kind(identifier: str) -> str:
    return identifier.split("_")[0].split("-")[0]


@settings(max_examples=25, deadline=None)
@given(turn=TURNS)
def test_streaming_and_polling_end_in_the_same_state(turn: Turn) -> None:
    assert _final_state(turn, streaming=True) == _final_state(turn, streaming=False)


def test_masking_sees_a_difference() -> None:
    different = Turn.reply("something else")
    assert _final_state(Turn.reply("x"), streaming=True) != _final_state(different, streaming=False)
    assert json.dumps(_masked({"message_id": "msg_abc", "x": 1})) == '{"message_id": "msg", "x": 1}'


def test_reads_leave_a_streamed_run_to_its_stream(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.reply("one two three four five six seven eight")
    assistant_id, thread_id = setup(client)
    stream = client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, stream=True)
    events = iter(stream)
    run_id = next(events).data.id  # type: ignore[union-attr]
    for _ in range(5):  # per_read would move it; the stream owns it
        assert client.beta.threads.runs.retrieve(run_id, thread_id=thread_id).status == "queued"
    names = [event.event for event in events]
    assert names.count("thread.message.created") == 1 and names[-1] == "thread.run.completed"
    assert len(client.beta.threads.messages.list(thread_id, run_id=run_id).data) == 1


def test_a_cancel_mid_stream_ends_the_stream_cancelled(fake: FakeAssistants, client: openai.OpenAI) -> None:
    fake.script.reply("a long reply that is still being written when the cancel arrives")
    assistant_id, thread_id = setup(client)
    stream = client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, stream=True)
    names: list[str] = []
    run_id = ""
    for event in stream:
        names.append(event.event)
        if event.event == "thread.run.created":
            run_id = event.data.id
        if event.event == "thread.message.delta" and names.count("thread.message.delta") == 2:
            assert client.beta.threads.runs.cancel(run_id, thread_id=thread_id).status == "cancelling"
    assert names[-4:] == [
        "thread.run.cancelling",
        "thread.message.incomplete",
        "thread.run.step.cancelled",
        "thread.run.cancelled",
    ]
    (message,) = client.beta.threads.messages.list(thread_id, order="desc", limit=1).data
    if fake.shapes == "spec":
        assert message.status == "incomplete" and message.incomplete_details is not None
        assert message.incomplete_details.reason == "run_cancelled"
    else:  # the real API never showed a message's status over REST
        assert message.status is None and message.incomplete_details is None
    run = client.beta.threads.runs.list(thread_id).data[0]
    assert run.status == "cancelled"
    (step,) = client.beta.threads.runs.steps.list(run.id, thread_id=thread_id).data
    assert step.status == "cancelled"
