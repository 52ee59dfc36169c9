"""The real wire's shapes and behaviour where the spec said otherwise (``docs/fidelity.md``), through the SDK."""

from __future__ import annotations

import re
from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants


def raw(model: Any) -> dict[str, Any]:
    return model.to_dict()  # type: ignore[no-any-return]


def test_a_run_on_a_thread_without_user_message_or_instructions_is_invalid_thread(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(messages=[{"role": "assistant", "content": "Hello."}])
    for create in (
        lambda: client.beta.threads.runs.create(thread.id, assistant_id=assistant.id),
        lambda: client.beta.threads.create_and_run(assistant_id=assistant.id),
    ):
        with pytest.raises(openai.BadRequestError) as info:
            create()
        assert info.value.code == "invalid_thread" and info.value.param is None
        assert info.value.body == {
            "message": "Run creation requires a Thread with a user message or an assistant with instructions.",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_thread",
        }
    assert client.beta.threads.runs.list(thread.id).data == []  # no state changed
    # Instructions from the run, or a user message among the additional messages, make it valid.
    run = client.beta.threads.runs.create(thread.id, assistant_id=assistant.id, instructions="Be brief.")
    assert run.instructions == "Be brief."
    client.beta.threads.runs.cancel(run.id, thread_id=thread.id)
    other = client.beta.threads.create()
    added = client.beta.threads.runs.create(
        other.id, assistant_id=assistant.id, additional_messages=[{"role": "user", "content": "Hi"}]
    )
    assert raw(added)["instructions"] is None


def test_runs_carry_tool_resources_reasoning_effort_and_small_token_caps(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter"}])
    assert raw(assistant)["tool_resources"] == {"code_interpreter": {"file_ids": []}}
    assert raw(assistant)["reasoning_effort"] is None
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, max_completion_tokens=16, max_prompt_tokens=200
    )
    body = raw(run)
    assert body["tool_resources"] == {} and body["reasoning_effort"] is None and body["instructions"] is None
    assert (body["max_completion_tokens"], body["max_prompt_tokens"]) == (16, 200)
    assert body["usage"]["prompt_token_details"] == {"cached_tokens": 0}
    assert body["usage"]["completion_tokens_details"] == {"reasoning_tokens": 0}


def test_threads_show_code_interpreter_resources_when_read_back(client: openai.OpenAI) -> None:
    thread = client.beta.threads.create()
    assert raw(thread)["tool_resources"] == {}
    assert raw(client.beta.threads.retrieve(thread.id))["tool_resources"] == {"code_interpreter": {"file_ids": []}}
    assert raw(client.beta.threads.update(thread.id, metadata={"k": "v"}))["tool_resources"] == {}


def test_tools_are_normalized_on_write(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        tools=[
            {"type": "function", "function": {"name": "now"}},
            {"type": "file_search"},
            {"type": "file_search", "file_search": {"max_num_results": 2, "ranking_options": {"score_threshold": 0.5}}},
        ],
    )
    assert raw(assistant)["tools"] == [
        {
            "type": "function",
            "function": {"name": "now", "parameters": {"type": "object", "properties": {}}, "strict": False},
        },
        {
            "type": "file_search",
            "file_search": {
                "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.0, "hybrid_search": None}
            },
        },
        {
            "type": "file_search",
            "file_search": {
                "max_num_results": 2,
                "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.5, "hybrid_search": None},
            },
        },
    ]


def test_messages_over_rest_have_no_status_and_modify_answers_file_ids(client: openai.OpenAI) -> None:
    thread = client.beta.threads.create()
    message = client.beta.threads.messages.create(thread.id, role="user", content="Hi")
    stream_only = {"status", "incomplete_details", "completed_at", "incomplete_at"}
    for body in (
        raw(message),
        raw(client.beta.threads.messages.retrieve(message.id, thread_id=thread.id)),
        raw(client.beta.threads.messages.list(thread.id).data[0]),
    ):
        assert not stream_only & set(body) and body["attachments"] == []
    modified = raw(client.beta.threads.messages.update(message.id, thread_id=thread.id, metadata={"k": "v"}))
    assert modified["file_ids"] == [] and "attachments" not in modified and not stream_only & set(modified)


def test_steps_carry_expires_at_and_no_metadata_and_streams_keep_message_status(
    fake: FakeAssistants, client: openai.OpenAI
) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    fake.script.search_files("anything").then_reply("Done.")
    events = list(client.beta.threads.runs.create(thread.id, assistant_id=assistant.id, stream=True))
    created = [e.data for e in events if e.event == "thread.run.step.created"]
    run_created = next(e.data for e in events if e.event == "thread.run.created")
    assert all(raw(step)["expires_at"] == run_created.expires_at and "metadata" not in raw(step) for step in created)
    first_delta = next(e.data for e in events if e.event == "thread.run.step.delta")
    (call,) = raw(first_delta)["delta"]["step_details"]["tool_calls"]
    assert call["file_search"] == {
        "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.0},
        "results": [],
    }
    assert raw(run_created)["tool_resources"] == {"code_interpreter": {"file_ids": []}}
    message = next(e.data for e in events if e.event == "thread.message.completed")
    assert raw(message)["status"] == "completed"
    run = client.beta.threads.runs.retrieve(run_created.id, thread_id=thread.id)
    assert run.status == "completed" and run.expires_at is None
    steps = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id).data
    assert [raw(step)["expires_at"] for step in steps] == [None, None]
    assert all("expired_at" not in raw(step) and "metadata" not in raw(step) for step in steps)


def test_files_and_vector_stores(client: openai.OpenAI) -> None:
    uploaded = client.files.create(file=("a.txt", b"alpha"), purpose="assistants")
    assert raw(uploaded)["expires_at"] is None and raw(uploaded)["status_details"] is None
    store = client.vector_stores.create(file_ids=[uploaded.id])
    assert re.fullmatch(r"vs_[0-9a-f]{32}", store.id)
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    client.vector_stores.delete(store.id)
    retrieved = client.beta.assistants.retrieve(assistant.id)
    assert raw(retrieved)["tool_resources"] == {"file_search": {"vector_store_ids": []}}


def test_spec_shapes_undo_every_shape_deviation() -> None:
    fake = FakeAssistants(shapes="spec", validate_responses=True)
    client = fake.client()  # strict
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}])
    assert "reasoning_effort" not in raw(assistant)
    assert "hybrid_search" not in raw(assistant)["tools"][0]["file_search"]["ranking_options"]
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    body = raw(run)
    assert body["instructions"] == "" and "tool_resources" not in body and "reasoning_effort" not in body
    assert set(body["usage"]) == {"prompt_tokens", "completion_tokens", "total_tokens"}
    (message, _) = client.beta.threads.messages.list(thread.id).data
    assert message.status == "completed" and message.completed_at is not None
    modified = client.beta.threads.messages.update(message.id, thread_id=thread.id, metadata={"k": "v"})
    assert modified.attachments == [] and "file_ids" not in raw(modified)
    (step,) = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id).data
    assert raw(step)["metadata"] == {} and raw(step)["expired_at"] is None and "expires_at" not in raw(step)
    uploaded = client.files.create(file=("a.txt", b"alpha"), purpose="assistants")
    assert "expires_at" not in raw(uploaded) and "status_details" not in raw(uploaded)
    assert fake.contract_violations == ()
