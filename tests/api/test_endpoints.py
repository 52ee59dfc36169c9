"""Every foundation endpoint through the real SDK: what a request sets comes back on read, with real defaults."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants

FUNCTION_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


def test_assistant_create_echoes_every_field(fake_openai_client: openai.OpenAI) -> None:
    client = fake_openai_client
    data = client.files.create(file=("data.csv", b"a,b\n1,2\n"), purpose="assistants")
    created = client.beta.assistants.create(
        model="gpt-4o",
        name="Data Visualizer",
        description="Makes charts",
        instructions="You analyze .csv files.",
        tools=[{"type": "code_interpreter"}, {"type": "file_search"}, FUNCTION_TOOL],  # type: ignore[list-item]
        tool_resources={"code_interpreter": {"file_ids": [data.id]}},
        metadata={"team": "data"},
        temperature=0.2,
        top_p=0.9,
        response_format={"type": "json_object"},
    )
    again = client.beta.assistants.retrieve(created.id)
    assert again == created
    assert created.object == "assistant"
    assert (created.name, created.description, created.instructions) == (
        "Data Visualizer",
        "Makes charts",
        "You analyze .csv files.",
    )
    assert [tool.type for tool in created.tools] == ["code_interpreter", "file_search", "function"]
    function = created.tools[2].function  # type: ignore[union-attr]
    assert function.name == "get_weather" and function.parameters == FUNCTION_TOOL["function"]["parameters"]  # type: ignore[index]
    assert created.tool_resources is not None and created.tool_resources.code_interpreter is not None
    assert created.tool_resources.code_interpreter.file_ids == [data.id]
    assert created.metadata == {"team": "data"}
    assert (created.temperature, created.top_p) == (0.2, 0.9)
    assert created.response_format is not None and created.response_format.type == "json_object"  # type: ignore[union-attr]


def test_assistant_defaults(fake_openai_client: openai.OpenAI) -> None:
    raw = fake_openai_client.beta.assistants.with_raw_response.create(model="gpt-4o")
    body = raw.http_response.json()
    assert body["name"] is None and body["description"] is None and body["instructions"] is None
    assert body["tools"] == [] and body["tool_resources"] == {} and body["metadata"] == {}
    assert (body["temperature"], body["top_p"], body["response_format"]) == (1.0, 1.0, "auto")


def test_assistant_update_changes_only_what_is_given(fake_openai_client: openai.OpenAI) -> None:
    client = fake_openai_client
    created = client.beta.assistants.create(model="gpt-4o", name="A", instructions="old", metadata={"a": "1"})
    updated = client.beta.assistants.update(created.id, instructions="new", metadata={"b": "2"}, model="gpt-4.1")
    assert (updated.name, updated.instructions, updated.model) == ("A", "new", "gpt-4.1")
    assert updated.metadata == {"b": "2"}
    assert client.beta.assistants.retrieve(created.id) == updated


def test_assistant_delete_and_list(fake_openai_client: openai.OpenAI) -> None:
    client = fake_openai_client
    ids = [client.beta.assistants.create(model="gpt-4o", name=str(i)).id for i in range(3)]
    assert [a.id for a in client.beta.assistants.list()] == ids[::-1]
    assert [a.id for a in client.beta.assistants.list(order="asc")] == ids
    deleted = client.beta.assistants.delete(ids[1])
    assert (deleted.id, deleted.deleted, deleted.object) == (ids[1], True, "assistant.deleted")
    assert [a.id for a in client.beta.assistants.list(order="asc")] == [ids[0], ids[2]]
    with pytest.raises(openai.NotFoundError):
        client.beta.assistants.retrieve(ids[1])


def test_thread_create_with_messages_metadata_and_tool_resources(fake_openai_client: openai.OpenAI) -> None:
    client = fake_openai_client
    file_x = client.files.create(file=("x.txt", b"x"), purpose="assistants").id
    store = client.vector_stores.create(name="kb").id
    thread = client.beta.threads.create(
        messages=[
            {"role": "user", "content": "First", "metadata": {"n": "1"}},
            {
                "role": "assistant",
                "content": [{"type": "text", "text": "Second"}],
                "attachments": [{"file_id": file_x, "tools": [{"type": "code_interpreter"}]}],
            },
        ],
        metadata={"user": "jane"},
        tool_resources={"code_interpreter": {"file_ids": [file_x]}, "file_search": {"vector_store_ids": [store]}},
    )
    assert thread.metadata == {"user": "jane"}
    assert client.beta.threads.retrieve(thread.id) == thread
    assert thread.tool_resources is not None
    assert thread.tool_resources.code_interpreter.file_ids == [file_x]  # type: ignore[union-attr]
    assert thread.tool_resources.file_search.vector_store_ids == [store]  # type: ignore[union-attr]
    first, second = client.beta.threads.messages.list(thread_id=thread.id, order="asc").data
    assert first.content[0].text.value == "First" and first.metadata == {"n": "1"}  # type: ignore[union-attr]
    assert second.role == "assistant" and second.content[0].text.value == "Second"  # type: ignore[union-attr]
    assert second.attachments is not None and second.attachments[0].file_id == file_x


def test_thread_update_and_delete_removes_messages_and_runs(fake_assistants: FakeAssistants) -> None:
    client = fake_assistants.client()
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    updated = client.beta.threads.update(thread.id, metadata={"k": "v"})
    assert updated.metadata == {"k": "v"} and client.beta.threads.retrieve(thread.id).metadata == {"k": "v"}
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    message_id = client.beta.threads.messages.list(thread_id=thread.id).data[0].id
    deleted = client.beta.threads.delete(thread.id)
    assert (deleted.deleted, deleted.object) == (True, "thread.deleted")
    with pytest.raises(openai.NotFoundError):
        client.beta.threads.retrieve(thread.id)
    with pytest.raises(openai.NotFoundError):
        client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    backend = fake_assistants._backend
    assert run.id not in backend.runs and message_id not in backend.messages


def test_message_content_parts_and_defaults(fake_openai_client: openai.OpenAI) -> None:
    client = fake_openai_client
    thread = client.beta.threads.create()
    message = client.beta.threads.messages.create(
        thread_id=thread.id,
        role="user",
        content=[
            {"type": "text", "text": "Look:"},
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
            {"type": "image_file", "image_file": {"file_id": "file-img", "detail": "low"}},
        ],
    )
    assert [part.type for part in message.content] == ["text", "image_url", "image_file"]
    assert message.content[1].image_url.detail == "auto"  # type: ignore[union-attr]
    assert message.content[2].image_file.detail == "low"  # type: ignore[union-attr]
    assert message.status is None  # the real API sent no status over REST
    assert message.assistant_id is None and message.run_id is None
    assert message.attachments == [] and message.metadata == {}
    assert message.thread_id == thread.id
    assert client.beta.threads.messages.retrieve(message.id, thread_id=thread.id) == message


def test_message_update_delete_and_scoping(fake_openai_client: openai.OpenAI) -> None:
    client = fake_openai_client
    thread, other = client.beta.threads.create(), client.beta.threads.create()
    message = client.beta.threads.messages.create(thread_id=thread.id, role="user", content="hello")
    updated = client.beta.threads.messages.update(message.id, thread_id=thread.id, metadata={"seen": "yes"})
    assert updated.metadata == {"seen": "yes"}
    with pytest.raises(openai.NotFoundError):
        client.beta.threads.messages.retrieve(message.id, thread_id=other.id)
    deleted = client.beta.threads.messages.delete(message.id, thread_id=thread.id)
    assert (deleted.deleted, deleted.object) == (True, "thread.message.deleted")
    assert client.beta.threads.messages.list(thread_id=thread.id).data == []


def run_kwargs() -> dict[str, Any]:
    return {
        "model": "gpt-4.1-mini",
        "instructions": "Override.",
        "additional_instructions": "Be kind.",
        "additional_messages": [{"role": "user", "content": "Extra question"}],
        "tools": [FUNCTION_TOOL],
        "metadata": {"trace": "t1"},
        "temperature": 0.5,
        "top_p": 0.7,
        "max_prompt_tokens": 1000,
        "max_completion_tokens": 500,
        "truncation_strategy": {"type": "last_messages", "last_messages": 5},
        "tool_choice": "none",
        "parallel_tool_calls": False,
        "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}}},
    }


def test_run_create_echoes_every_option(fake_openai_client: openai.OpenAI) -> None:
    client = fake_openai_client
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Base.", tools=[{"type": "file_search"}])
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, **run_kwargs())
    assert run.status == "queued" and run.thread_id == thread.id and run.assistant_id == assistant.id
    assert run.model == "gpt-4.1-mini"
    assert run.instructions == "Override.\n\nBe kind."
    assert [tool.type for tool in run.tools] == ["function"]
    assert run.metadata == {"trace": "t1"}
    assert (run.temperature, run.top_p) == (0.5, 0.7)
    assert (run.max_prompt_tokens, run.max_completion_tokens) == (1000, 500)
    assert run.truncation_strategy is not None
    assert (run.truncation_strategy.type, run.truncation_strategy.last_messages) == ("last_messages", 5)
    assert run.tool_choice == "none" and run.parallel_tool_calls is False
    assert run.response_format.type == "json_schema"  # type: ignore[union-attr]
    assert run.usage is None and run.started_at is None and run.required_action is None
    assert client.beta.threads.runs.list(thread_id=thread.id).data[0].id == run.id
    extra = client.beta.threads.messages.list(thread_id=thread.id).data[0]
    assert extra.content[0].text.value == "Extra question"  # type: ignore[union-attr]


def test_run_inherits_the_assistant_settings(fake_openai_client: openai.OpenAI) -> None:
    client = fake_openai_client
    assistant = client.beta.assistants.create(
        model="gpt-4o", instructions="Base.", tools=[{"type": "code_interpreter"}], temperature=0.3, top_p=0.4
    )
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create(
        thread_id=thread.id, assistant_id=assistant.id, additional_instructions="More."
    )
    assert (run.model, run.instructions, run.temperature, run.top_p) == ("gpt-4o", "Base.\n\nMore.", 0.3, 0.4)
    assert [tool.type for tool in run.tools] == ["code_interpreter"]
    assert (run.tool_choice, run.parallel_tool_calls, run.response_format) == ("auto", True, "auto")
    assert run.truncation_strategy is not None and run.truncation_strategy.type == "auto"
    assert run.metadata == {} and run.max_prompt_tokens is None


def test_run_update_cancel_and_list(fake_openai_client: openai.OpenAI) -> None:
    client = fake_openai_client
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    updated = client.beta.threads.runs.update(run.id, thread_id=thread.id, metadata={"m": "1"})
    assert updated.metadata == {"m": "1"} and updated.status == "queued"
    cancelling = client.beta.threads.runs.cancel(run.id, thread_id=thread.id)
    assert cancelling.status == "cancelling"
    cancelled = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None and cancelled.expires_at is None
    second = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert [r.id for r in client.beta.threads.runs.list(thread_id=thread.id)] == [second.id, run.id]


def test_messages_list_filters_by_run(fake_openai_client: openai.OpenAI) -> None:
    client = fake_openai_client
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "one"}])
    first = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    client.beta.threads.messages.create(thread_id=thread.id, role="user", content="two")
    second = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    for run in (first, second):
        listed = client.beta.threads.messages.list(thread_id=thread.id, run_id=run.id).data
        assert [(m.role, m.run_id) for m in listed] == [("assistant", run.id)]
    assert len(client.beta.threads.messages.list(thread_id=thread.id).data) == 4


@pytest.mark.fake_assistants(progression="immediate")
def test_immediate_progression_settles_at_create(fake_openai_client: openai.OpenAI) -> None:
    client = fake_openai_client
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"


@pytest.mark.fake_assistants(progression="manual")
def test_manual_progression_moves_only_on_advance(fake_assistants: FakeAssistants) -> None:
    client = fake_assistants.client()
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    for _ in range(3):
        assert client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "queued"
    assert fake_assistants.advance(run.id) == "in_progress"
    assert fake_assistants.advance(run.id) == "completed"
    assert fake_assistants.advance(run.id) == "completed"
    with pytest.raises(KeyError):
        fake_assistants.advance("run_nope")


def test_client_refuses_a_foreign_http_client(fake_assistants: FakeAssistants) -> None:
    with pytest.raises(TypeError, match="transport"):
        fake_assistants.client(http_client=object())


def test_emulator_rejects_bad_configuration() -> None:
    with pytest.raises(ValueError):
        FakeAssistants(progression="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        FakeAssistants(poll_after_ms=-1)


def test_user_built_client_with_the_exposed_transport(fake_assistants: FakeAssistants) -> None:
    from fake_assistants.transports.inprocess import sdk_http_module

    http = sdk_http_module()
    client = openai.OpenAI(
        api_key="sk-mine",
        base_url="http://my-fake/v1",
        http_client=http.Client(transport=fake_assistants.transport()),
        _strict_response_validation=True,
    )
    assert client.beta.assistants.create(model="gpt-4o", instructions="Be brief.").model == "gpt-4o"
