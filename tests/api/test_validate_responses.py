"""``validate_responses``: the emulator holds its own responses to the contract, and names the field that drifts."""

from __future__ import annotations

from typing import Any

import openai
import pytest

import fake_assistants.api.handlers.runs as run_handlers
import fake_assistants.api.stream as stream_module
from fake_assistants import FakeAssistants
from fake_assistants.api.serialize import run_wire


def broken_run_wire(run: Any) -> dict[str, Any]:
    body = run_wire(run)
    body["status"] = "thinking"
    body.pop("usage")
    return body


def start(fake: FakeAssistants) -> tuple[openai.OpenAI, str, str]:
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    return client, assistant.id, thread.id


def test_a_drifted_response_is_a_500_naming_operation_and_pointer(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeAssistants(validate_responses=True)
    client, assistant_id, thread_id = start(fake)
    monkeypatch.setattr(run_handlers, "run_wire", broken_run_wire)
    with pytest.raises(openai.InternalServerError) as info:
        client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id)
    body: Any = info.value.body
    assert body["type"] == "fake_assistants_contract_error"
    assert "createRun" in body["message"] and "/status" in body["message"] and "/usage" in body["message"]
    assert info.value.response.headers["x-should-retry"] == "false"
    (violation,) = fake.contract_violations
    assert violation == body["message"]


def test_a_drifted_stream_event_becomes_an_error_event(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeAssistants(validate_responses=True)
    client, assistant_id, thread_id = start(fake)
    monkeypatch.setattr(stream_module, "run_event_wire", broken_run_wire)
    stream = client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, stream=True)
    names = [event.event for event in stream]
    assert names[0] == "error"
    assert any("createRun event thread.run.created" in v and "/status" in v for v in fake.contract_violations)


def test_validation_is_off_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAKE_ASSISTANTS_VALIDATE_RESPONSES", raising=False)
    fake = FakeAssistants(shapes="spec")  # its client validates strictly
    client, assistant_id, thread_id = start(fake)
    monkeypatch.setattr(run_handlers, "run_wire", broken_run_wire)
    with pytest.raises(Exception):  # noqa: B017 - the SDK's own strict validation rejects "thinking"
        client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id)
    assert fake.contract_violations == ()


def test_an_empty_page_is_not_a_violation() -> None:
    fake = FakeAssistants(validate_responses=True)
    client = fake.client()
    assert client.beta.assistants.list().data == []
    assert fake.contract_violations == ()
