"""The suite catches drift: break the run serializer on purpose and the helpers must name the operation and field.

Handlers import ``run_wire`` by name, so the patch goes on ``fake_assistants.api.handlers.runs.run_wire``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

import fake_assistants.api.handlers.runs as run_handlers
from fake_assistants import FakeAssistants
from fake_assistants.contract import pointers

from . import spec
from .recorder import Exchange, Recorder

Body = dict[str, Any]

# These tests break the emulator on purpose to see the suite catch it: the runtime check must not catch it first
# (tests/api/test_validate_responses.py shows that it does).
pytestmark = pytest.mark.fake_assistants(validate_responses=False)


def _drop(key: str) -> Callable[[Body], None]:
    return lambda body: body.pop(key)


def _set(*path: str, value: Any) -> Callable[[Body], None]:
    def apply(body: Body) -> None:
        target = body
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return apply


# name: (mutation of a run's wire JSON, the JSON pointer the report must name, within the run object)
MUTATIONS: dict[str, tuple[Callable[[Body], None], str]] = {
    "drop a required field": (_drop("status"), "/status"),
    "retype an integer": (_set("created_at", value="yesterday"), "/created_at"),
    "null a non-nullable field": (_set("model", value=None), "/model"),
    "leave the enum": (_set("status", value="running"), "/status"),
    "retype inside a nullable object": (
        _set("truncation_strategy", "last_messages", value="four"),
        "/truncation_strategy/last_messages",
    ),
    "retype inside a oneOf": (_set("tools", value=[{"type": "browser"}]), "/tools/0/type"),
    "add a top-level key": (_set("reasoning", value="high"), "/reasoning"),
    "add a nested key": (_set("truncation_strategy", "surprise", value=1), "/truncation_strategy/surprise"),
}

# operationId: how to reach it on a thread with one queued run, and where the run sits in its body
OPERATIONS: dict[str, tuple[Callable[[Recorder, str, str, str], Exchange], str]] = {
    "getRun": (lambda rec, t, r, a: rec.raw("GET", f"/threads/{t}/runs/{r}"), ""),
    "listRuns": (lambda rec, t, r, a: rec.raw("GET", f"/threads/{t}/runs"), "/data/0"),
    "modifyRun": (lambda rec, t, r, a: rec.raw("POST", f"/threads/{t}/runs/{r}", json={"metadata": {"k": "v"}}), ""),
    "cancelRun": (lambda rec, t, r, a: rec.raw("POST", f"/threads/{t}/runs/{r}/cancel"), ""),
    "createRun": (lambda rec, t, r, a: rec.raw("POST", f"/threads/{t}/runs", json={"assistant_id": a}), ""),
}


def queued_run(recorder: Recorder) -> tuple[str, str, str]:
    """A thread, a queued run on it (or, for createRun, a settled one) and the assistant: ids only."""
    client = recorder.client
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter"}])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = client.beta.threads.runs.create(thread.id, assistant_id=assistant.id)
    return thread.id, run.id, assistant.id


def break_run_wire(monkeypatch: pytest.MonkeyPatch, mutate: Callable[[Body], None]) -> None:
    original = run_handlers.run_wire

    def drifted(run: Any) -> Body:
        body = copy.deepcopy(original(run))  # the wire dict shares nested values with the stored run
        mutate(body)
        return body

    monkeypatch.setattr(run_handlers, "run_wire", drifted)


@pytest.mark.fake_assistants(progression="manual", validate_responses=False)
@pytest.mark.parametrize("operation_id", list(OPERATIONS))
@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_a_drifted_run_is_reported_by_operation_and_pointer(
    recorder: Recorder,
    fake_assistants: FakeAssistants,
    monkeypatch: pytest.MonkeyPatch,
    operation_id: str,
    mutation: str,
) -> None:
    thread_id, run_id, assistant_id = queued_run(recorder)
    if operation_id == "createRun":  # the thread must be free for a second run
        fake_assistants.advance(run_id)
        fake_assistants.advance(run_id)
    mutate, pointer = MUTATIONS[mutation]
    send, prefix = OPERATIONS[operation_id]

    honest = send(recorder, thread_id, run_id, assistant_id) if operation_id in ("getRun", "listRuns") else None
    if honest is not None:
        spec.assert_response(operation_id, honest.body)  # the control: unpatched, the same call passes

    break_run_wire(monkeypatch, mutate)
    exchange = send(recorder, thread_id, run_id, assistant_id)
    assert exchange.status == 200 and exchange.operation_id == operation_id, str(exchange)

    with pytest.raises(AssertionError) as caught:
        spec.assert_response(operation_id, exchange.body)
    report = str(caught.value)
    assert report.startswith(f"{operation_id}: "), report
    assert f"  - {prefix}{pointer} (" in report, report


def test_the_sdk_misses_an_extra_key_that_the_suite_catches(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``_strict_response_validation`` ignores unknown keys; the exactness check does not."""
    thread_id, run_id, _ = queued_run(recorder)
    break_run_wire(monkeypatch, _set("reasoning", value="high"))
    run = recorder.client.beta.threads.runs.retrieve(run_id, thread_id=thread_id)  # the SDK accepts it
    assert run.id == run_id

    with pytest.raises(AssertionError) as caught:
        recorder.check_all()
    report = str(caught.value)
    assert "getRun: " in report and "  - /reasoning (" in report, report
    assert "createRun" not in report  # the run was created before the patch: only getRun drifted


def test_schema_validation_alone_misses_an_extra_key() -> None:
    """Why the exactness check exists: the spec's RunObject leaves additionalProperties open."""
    fake = FakeAssistants(progression="manual", validate_responses=False)
    rec = Recorder(fake)
    try:
        thread_id, run_id, _ = queued_run(rec)
        body = dict(rec.raw("GET", f"/threads/{thread_id}/runs/{run_id}").body, reasoning="high")
    finally:
        rec.close()
    assert spec.contract().schema_problems("RunObject", body) == []
    assert pointers(spec.contract().shape_problems("RunObject", body)) == ["/reasoning"]
    spec.assert_response("getRun", body, exact=False)
