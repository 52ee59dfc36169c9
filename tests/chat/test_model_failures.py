"""A model that fails, stalls or answers nonsense: the run ends ``failed`` with a real-shaped ``last_error``, and the
client never sees a 5xx."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import openai
import pytest

from fake_assistants import FakeAssistants
from fake_assistants.chat import ChatModel
from fake_assistants.errors import MODEL_FAILED_MESSAGE

from .stub import ChatStub, running

TIMEOUT = 0.2  # seconds the model may stay silent: a short wait, bounded, for the one test that stalls it


@pytest.fixture
def stub() -> Iterator[ChatStub]:
    chat = ChatStub()
    with running(chat):
        yield chat


def start(client: openai.OpenAI, *, streamed: bool) -> openai.types.beta.threads.Run:
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hello"}])
    if not streamed:
        return client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        events = [event.event for event in stream]
    assert events == ["thread.run.created", "thread.run.queued", "thread.run.in_progress", "thread.run.failed"]
    return stream.get_final_run()


@pytest.mark.parametrize("streamed", [False, True], ids=["polled", "streamed"])
@pytest.mark.parametrize("failure", ["http_500", "http_429", "timeout", "bad_answer", "unknown_tool"])
def test_a_failing_model_fails_the_run(
    stub: ChatStub,
    fake: FakeAssistants,
    client: openai.OpenAI,
    failure: str,
    streamed: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if failure == "http_500":
        stub.fail(500)
    elif failure == "http_429":
        stub.fail(429)
    elif failure == "timeout":
        stub.hang()
    elif failure == "bad_answer":
        stub.garbage()
    else:
        stub.call(("launch_rockets", "{}"))
    model = ChatModel(stub.base_url, timeout=TIMEOUT)
    fake.script.respond_with(model)

    run = start(client, streamed=streamed)

    assert run.status == "failed"
    assert run.last_error.model_dump() == {"code": "server_error", "message": MODEL_FAILED_MESSAGE}
    assert run.failed_at is not None and run.usage is not None
    assert fake.script.errors == ()  # not a script error: the run failed as a real one did
    (why,) = model.failures
    assert run.id in why
    assert any(why in record.getMessage() for record in caplog.records)  # said on the log, too
    expected = {
        "http_500": "HTTP 500",
        "http_429": "HTTP 429",
        "timeout": f"did not answer within {TIMEOUT} s",
        "bad_answer": "gave no chat completion",
        "unknown_tool": "'launch_rockets'",
    }[failure]
    assert expected in why


def test_an_endpoint_that_cannot_be_reached_fails_the_run(fake: FakeAssistants, client: openai.OpenAI) -> None:
    with socket.socket() as closed:  # a loopback port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    model = ChatModel(f"http://127.0.0.1:{port}/v1", timeout=TIMEOUT)
    fake.script.respond_with(model)
    run = start(client, streamed=False)
    assert (run.status, run.last_error.code) == ("failed", "server_error")
    assert "cannot be reached" in model.failures[0]


def test_the_run_can_be_read_again_after_the_failure(
    stub: ChatStub, fake: FakeAssistants, client: openai.OpenAI
) -> None:
    stub.fail(503).reply("Hello again.")
    fake.script.respond_with(ChatModel(stub.base_url, timeout=TIMEOUT))
    failed = start(client, streamed=False)
    again = client.beta.threads.runs.create_and_poll(thread_id=failed.thread_id, assistant_id=failed.assistant_id)
    assert (failed.status, again.status) == ("failed", "completed")
    assert client.beta.threads.runs.retrieve(failed.id, thread_id=failed.thread_id).status == "failed"
