"""Record mode: a suite recorded once against the model replays offline, byte for byte, with no model at all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants, Turn
from fake_assistants.chat import ChatModel, conversation_key
from fake_assistants.chat.recording import ModelRecording, Recorded, read_recording, write_recording
from fake_assistants.script.turns import ModelUsage

from ..support import refuse_sockets
from .stub import ChatStub, running

WEATHER = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}


def conversation(client: openai.OpenAI, question: str, *, streamed: bool = False) -> dict[str, Any]:
    """A small suite: a question, one round of two parallel calls, the answer. What the client saw."""
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.", tools=[WEATHER])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": question}])
    if streamed:
        with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
            stream.until_done()
            run = stream.get_final_run()
    else:
        run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    arguments = []
    while run.status == "requires_action":
        calls = run.required_action.submit_tool_outputs.tool_calls
        arguments.append([call.function.arguments for call in calls])
        outputs = [{"tool_call_id": call.id, "output": "sunny"} for call in calls]
        if streamed:
            with client.beta.threads.runs.submit_tool_outputs_stream(
                thread_id=thread.id, run_id=run.id, tool_outputs=outputs
            ) as stream:
                stream.until_done()
                run = stream.get_final_run()
        else:
            run = client.beta.threads.runs.submit_tool_outputs_and_poll(
                thread_id=thread.id, run_id=run.id, tool_outputs=outputs
            )
    messages = [m.content[0].text.value for m in client.beta.threads.messages.list(thread_id=thread.id)]
    return {"status": run.status, "arguments": arguments, "messages": messages, "usage": run.usage.model_dump()}


def record_with(stub: ChatStub, cassette: Path, mode: str = "once") -> dict[str, Any]:
    fake = FakeAssistants()
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5, record=cassette, record_mode=mode))  # type: ignore[arg-type]
    with fake.client() as client:
        return conversation(client, "Weather in Paris and Lyon?")


def replay(
    cassette: Path, mode: str = "none", question: str = "Weather in Paris and Lyon?", *, streamed: bool = False
) -> dict[str, Any]:
    fake = FakeAssistants()
    # The endpoint named is closed: a replay that asked it would fail the run.
    fake.script.respond_with(ChatModel("http://127.0.0.1:9/v1", timeout=0.2, record=cassette, record_mode=mode))  # type: ignore[arg-type]
    with fake.client() as client:
        return conversation(client, question, streamed=streamed)


@pytest.fixture
def stub() -> Iterator[ChatStub]:
    chat = ChatStub()
    with running(chat):
        yield chat


def queue_the_model(stub: ChatStub) -> None:
    stub.call(("get_weather", '{"city": "Paris"}'), ("get_weather", '{"city":"Lyon" }'), usage=(30, 9))
    stub.reply("Paris: sunny.\nLyon: sunny too.\n", usage=(60, 8))


def test_a_suite_recorded_once_replays_byte_for_byte_without_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cassette = tmp_path / "cassettes" / "weather.yaml"
    stub = ChatStub()
    with running(stub):
        queue_the_model(stub)
        recorded = record_with(stub, cassette)
    # The stub is stopped.
    assert recorded["arguments"] == [['{"city": "Paris"}', '{"city":"Lyon" }']]
    assert recorded["messages"][0] == "Paris: sunny.\nLyon: sunny too.\n"
    assert recorded["usage"]["prompt_tokens"] == 90
    assert len(stub.requests) == 2

    attempts = refuse_sockets(monkeypatch)  # from here on, no socket may be used at all
    for mode in ("none", "once", "new_episodes"):  # the file exists: every mode but "all" replays it
        assert replay(cassette, mode) == recorded
    assert replay(cassette, streamed=True) == recorded  # a streamed run of the same conversation, too
    assert attempts == []
    assert len(stub.requests) == 2

    document = yaml.safe_load(cassette.read_text())
    assert cassette.read_text().startswith("# fake_assistants model recording")
    assert [entry["turn"] for entry in document["conversations"]] == [
        {
            "steps": [
                {
                    "call": [
                        {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                        {"name": "get_weather", "arguments": '{"city":"Lyon" }'},
                    ]
                }
            ],
            "usage": {"prompt_tokens": 30, "completion_tokens": 9},
        },
        {
            "steps": [],
            "reply": "Paris: sunny.\nLyon: sunny too.\n",
            "usage": {"prompt_tokens": 60, "completion_tokens": 8},
        },
    ]
    assert document["conversations"][0]["said"] == 'user: "Weather in Paris and Lyon?"'
    assert "reply: |" in cassette.read_text()  # a multi-line reply reads as a block


def test_an_edited_recording_replays_the_edit(stub: ChatStub, tmp_path: Path) -> None:
    cassette = tmp_path / "weather.yaml"
    queue_the_model(stub)
    record_with(stub, cassette)
    cassette.write_text(cassette.read_text().replace("Lyon: sunny too.", "Lyon: snow."))
    assert replay(cassette)["messages"][0] == "Paris: sunny.\nLyon: snow.\n"


def test_none_mode_fails_an_unrecorded_conversation_naming_it(stub: ChatStub, tmp_path: Path) -> None:
    cassette = tmp_path / "weather.yaml"
    queue_the_model(stub)
    record_with(stub, cassette)
    with pytest.raises(openai.InternalServerError) as raised:
        replay(cassette, "none", question="Weather in Oslo?")
    message = raised.value.body["message"]  # type: ignore[index]
    assert "conversation " in message and 'user: "Weather in Oslo?"' in message and str(cassette) in message
    assert "record_mode='none'" in message


def test_none_mode_without_a_file_fails_every_conversation(tmp_path: Path) -> None:
    with pytest.raises(openai.InternalServerError, match="is not recorded in"):
        replay(tmp_path / "missing.yaml", "none")


def test_new_episodes_asks_the_model_for_new_conversations_only(stub: ChatStub, tmp_path: Path) -> None:
    cassette = tmp_path / "weather.yaml"
    queue_the_model(stub)
    record_with(stub, cassette)
    stub.reply("Oslo: cold.")
    fake = FakeAssistants()
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5, record=cassette, record_mode="new_episodes"))
    with fake.client() as client:
        assert conversation(client, "Weather in Paris and Lyon?")["messages"][0].startswith("Paris")
        assert conversation(client, "Weather in Oslo?")["messages"][0] == "Oslo: cold."
    assert len(stub.requests) == 3  # two recorded earlier, one new
    assert len(yaml.safe_load(cassette.read_text())["conversations"]) == 3
    assert replay(cassette, question="Weather in Oslo?")["messages"][0] == "Oslo: cold."


def test_all_mode_asks_the_model_again_and_records_over(stub: ChatStub, tmp_path: Path) -> None:
    cassette = tmp_path / "weather.yaml"
    queue_the_model(stub)
    record_with(stub, cassette)
    stub.call(("get_weather", '{"city": "Paris"}'), ("get_weather", '{"city":"Lyon" }'), usage=(30, 9))
    stub.reply("Both sunny.")
    assert record_with(stub, cassette, mode="all")["messages"][0] == "Both sunny."
    assert len(stub.requests) == 4
    assert replay(cassette)["messages"][0] == "Both sunny."


def test_a_failed_model_turn_is_not_recorded(stub: ChatStub, tmp_path: Path) -> None:
    cassette = tmp_path / "weather.yaml"
    stub.fail(500)
    assert record_with(stub, cassette)["status"] == "failed"
    assert not cassette.exists()


def test_record_mode_is_checked() -> None:
    with pytest.raises(ValueError, match="record_mode is one of none, once, new_episodes, all"):
        ChatModel("http://127.0.0.1:9/v1", record="x.yaml", record_mode="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a base_url"):
        ChatModel(record="x.yaml", record_mode="once")
    ChatModel(record="x.yaml", record_mode="none")  # replaying needs no endpoint


def _body(ids: list[str], stream: bool) -> dict[str, Any]:
    calls = [{"id": i, "type": "function", "function": {"name": "f", "arguments": "{}"}} for i in ids]
    answers = [{"role": "tool", "tool_call_id": i, "content": "ok"} for i in ids]
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "tool_calls": calls}]}
    body["messages"] += answers
    return {**body, "stream": True, "stream_options": {"include_usage": True}} if stream else body


@given(
    first=st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=4, unique=True),
    second=st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=4, unique=True),
    stream=st.booleans(),
)
def test_the_key_of_a_conversation_ignores_call_ids_and_streaming(
    first: list[str], second: list[str], stream: bool
) -> None:
    same_length = second[: len(first)]
    if len(same_length) == len(first):
        assert conversation_key(_body(first, stream)) == conversation_key(_body(same_length, not stream))
    assert conversation_key(_body(first, stream)) != conversation_key({**_body(first, stream), "model": "other"})


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(st.text(st.characters(blacklist_categories=("Cs",))), min_size=1, max_size=3),
    arguments=st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)
def test_a_recording_reads_back_every_turn_byte_for_byte(
    texts: list[str], arguments: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("recording") / "r.yaml"
    entries = {
        f"k{i}": Recorded(f"user: {text!r}", Turn.call_function("f", json.dumps(arguments)).then_reply(text))
        for i, text in enumerate(texts)
    }
    entries["usage"] = Recorded("", Turn(usage=ModelUsage(3, 4)).then_reply(texts[0]))
    write_recording(path, entries)
    assert {key: entry.turn for key, entry in read_recording(path).items()} == {k: e.turn for k, e in entries.items()}
    assert ModelRecording(path, "none").find("k0") == entries["k0"].turn
