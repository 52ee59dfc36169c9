"""Scripted endings: every terminal status a script can reach, with the timestamps the real API set."""

from __future__ import annotations

import openai
import pytest

from fake_assistants import FakeAssistants, ManualClock


def start(client: openai.OpenAI) -> tuple[str, str]:
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Answer.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hello there"}])
    return assistant.id, thread.id


@pytest.fixture
def clocked() -> FakeAssistants:
    return FakeAssistants(clock=ManualClock(1_900_000_000))


def test_fail_sets_last_error_and_failed_at(clocked: FakeAssistants) -> None:
    client = clocked.client()
    clocked.script.fail("rate_limit_exceeded", "Slow down.")
    assistant_id, thread_id = start(client)
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert run.status == "failed"
    assert run.last_error is not None
    assert (run.last_error.code, run.last_error.message) == ("rate_limit_exceeded", "Slow down.")
    assert run.failed_at == 1_900_000_000 and run.completed_at is None and run.expires_at is None
    assert run.usage is not None and run.usage.completion_tokens == 0 and run.usage.prompt_tokens > 0
    assert [m.role for m in client.beta.threads.messages.list(thread_id=thread_id)] == ["user"]


def test_incomplete_sets_the_reason(clocked: FakeAssistants) -> None:
    client = clocked.client()
    clocked.script.incomplete("max_prompt_tokens")
    assistant_id, thread_id = start(client)
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert run.status == "incomplete"
    assert run.incomplete_details is not None and run.incomplete_details.reason == "max_prompt_tokens"
    assert run.last_error is None and run.failed_at is None and run.expires_at is None


def test_expire_ends_the_run_expired(clocked: FakeAssistants) -> None:
    client = clocked.client()
    clocked.script.expire()
    assistant_id, thread_id = start(client)
    run = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    # A scripted expiry dates expires_at at the moment the run expired (the clock here does not move).
    assert run.status == "expired" and run.expires_at == run.created_at
    assert run.completed_at is None and run.usage is None


def test_terminal_runs_stay_put_and_free_the_thread(clocked: FakeAssistants) -> None:
    client = clocked.client()
    clocked.script.fail()
    clocked.script.reply("second time lucky")
    assistant_id, thread_id = start(client)
    failed = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    for _ in range(3):
        assert client.beta.threads.runs.retrieve(failed.id, thread_id=thread_id) == failed
    with pytest.raises(openai.BadRequestError):
        client.beta.threads.runs.cancel(failed.id, thread_id=thread_id)
    second = client.beta.threads.runs.create_and_poll(thread_id=thread_id, assistant_id=assistant_id)
    assert second.status == "completed"
    reply = client.beta.threads.messages.list(thread_id=thread_id).data[0]
    assert reply.content[0].text.value == "second time lucky"  # type: ignore[union-attr]
    assert clocked.script.pending == ()


def test_script_rejects_endings_the_api_never_had() -> None:
    script = FakeAssistants().script
    with pytest.raises(ValueError, match="last_error code"):
        script.fail("teapot")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="reason"):
        script.incomplete("bored")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        script.reply(42)  # type: ignore[arg-type]
    assert script.pending == ()
