"""The built-in tools with a model: ``file_search`` searched by the emulator and cited by the model, and
``code_interpreter`` only with an executor the user supplies."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest

from fake_assistants import FakeAssistants
from fake_assistants.chat import ChatModel

from .stub import Answer, ChatStub, running

FAQ = b"Opening hours: the shop opens at nine and closes at six.\n\nParking is free on Sundays."


@pytest.fixture
def stub() -> Iterator[ChatStub]:
    chat = ChatStub()
    with running(chat):
        yield chat


def test_file_search_is_a_tool_the_model_calls_and_the_emulator_runs(
    stub: ChatStub, fake: FakeAssistants, client: openai.OpenAI
) -> None:
    def cite(request: dict[str, object]) -> Answer:
        results = request["messages"][-1]["content"]  # type: ignore[index]
        marker = results.split("\n")[0]  # the first result's marker, as the model was told to cite it
        return Answer(content=f"We open at nine{marker}.", usage=(80, 6))

    stub.call(("file_search", '{"query": "opening hours"}'), usage=(20, 4)).answer_with(cite)
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5))
    faq = client.files.create(file=("faq.txt", FAQ), purpose="assistants")
    store = client.vector_stores.create(name="kb", file_ids=[faq.id])
    assert client.vector_stores.retrieve(store.id).status == "completed"  # ready, as a client waits for it
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "When do you open?"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)

    assert run.status == "completed"
    assert (run.usage.prompt_tokens, run.usage.completion_tokens) == (100, 10)
    search, message = client.beta.threads.runs.steps.list(
        run.id, thread_id=thread.id, order="asc", include=["step_details.tool_calls[*].file_search.results[*].content"]
    ).data
    assert message.type == "message_creation"
    (call,) = search.step_details.tool_calls
    assert call.type == "file_search" and call.file_search.results[0].file_id == faq.id
    assert "opens at nine" in call.file_search.results[0].content[0].text
    reply = client.beta.threads.messages.list(thread_id=thread.id).data[0].content[0].text
    assert reply.value == "We open at nine【0:0†faq.txt】."
    (annotation,) = reply.annotations
    assert annotation.type == "file_citation" and annotation.file_citation.file_id == faq.id
    assert annotation.text == "【0:0†faq.txt】"

    first, second = stub.requests
    assert first["tools"][0]["function"]["name"] == "file_search"
    asked, answered = second["messages"][-2:]
    assert asked["tool_calls"][0]["function"] == {"name": "file_search", "arguments": '{"query": "opening hours"}'}
    assert answered["role"] == "tool" and "opens at nine" in answered["content"]


def test_code_interpreter_runs_through_the_users_executor(
    stub: ChatStub, fake: FakeAssistants, client: openai.OpenAI
) -> None:
    ran: list[str] = []

    def executor(code: str) -> str:
        ran.append(code)
        return "1.0"

    stub.call(("code_interpreter", '{"code": "print((14 - 11) / 3)"}')).reply("x = 1")
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5, code_executor=executor))
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter"}])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Solve 3x + 11 = 14"}])
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, tool_choice={"type": "code_interpreter"}
    )
    assert run.status == "completed" and ran == ["print((14 - 11) / 3)"]
    code, _ = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id, order="asc").data
    interpreter = code.step_details.tool_calls[0].code_interpreter
    assert (interpreter.input, interpreter.outputs[0].logs) == ("print((14 - 11) / 3)", "1.0")
    assert stub.requests[0]["tool_choice"] == {"type": "function", "function": {"name": "code_interpreter"}}
    assert stub.requests[1]["messages"][-1] == {
        "role": "tool",
        "tool_call_id": code.step_details.tool_calls[0].id,
        "content": "1.0",
    }


def test_without_an_executor_code_interpreter_is_not_offered(
    stub: ChatStub, fake: FakeAssistants, client: openai.OpenAI
) -> None:
    stub.reply("x = 1")
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5))
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter"}])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Solve 3x + 11 = 14"}])
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, tool_choice={"type": "code_interpreter"}
    )
    assert run.status == "completed"
    assert "tools" not in stub.requests[0] and "tool_choice" not in stub.requests[0]


def test_a_model_that_keeps_calling_tools_is_offered_none_on_its_last_round(
    stub: ChatStub, fake: FakeAssistants, client: openai.OpenAI
) -> None:
    stub.call(("file_search", '{"query": "a"}')).call(("file_search", '{"query": "b"}')).reply("Done.")
    fake.script.respond_with(ChatModel(stub.base_url, timeout=5, max_rounds=3))
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "file_search"}])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Search"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
    assert ["tools" in request for request in stub.requests] == [True, True, False]
    queries = [m["tool_calls"][0]["function"]["arguments"] for m in stub.requests[2]["messages"] if "tool_calls" in m]
    assert queries == ['{"query": "a"}', '{"query": "b"}']
