"""The payload strategies: 1 000 drawn valid bodies pass the emulator's request checks and 1 000 invalid ones get
the 400 they announce; a smaller run sends both through the SDK."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import openai
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants
from fake_assistants.api.wire import ApiRequest, ApiResponse
from fake_assistants.strategies import InvalidPayload, invalid_payloads, payloads
from fake_assistants.strategies.payloads import OPERATIONS

from .operations import MODELS, Parents, make_parents, path_of, sender
from .support import for_a_thousand

BETA: Any = {"headers": {"OpenAI-Beta": "assistants=v2"}}  # what the SDK's beta methods send
SOME = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _with_operation(strategy: Any, ids: dict[str, Any]) -> st.SearchStrategy[tuple[str, Any]]:
    return st.one_of([st.tuples(st.just(op), strategy(op, **ids)) for op in sorted(OPERATIONS)])


def _emulator() -> tuple[FakeAssistants, Parents, dict[str, Any]]:
    """An emulator with the objects payloads refer to and change, and the ids a payload may name."""
    fake = FakeAssistants()
    parents = make_parents(fake.client())
    ids = {"file_ids": [parents.file_id], "vector_store_ids": [parents.vector_store_id]}
    return fake, parents, {**ids, "assistant_id": parents.assistant_id}


def _send(fake: FakeAssistants, parents: Parents, operation: str, body: Any, *, valid: bool = True) -> ApiResponse:
    """One request straight to the emulator (a valid run goes on a thread of its own: one active run per thread)."""
    if operation == "createRun" and valid:
        thread = fake.handle(_request("/threads", {"messages": [{"role": "user", "content": "hi"}]}))
        parents = replace(parents, thread_id=json.loads(thread.body)["id"])
    answer = fake.handle(_request(path_of(parents, operation), body))
    for _ in answer.stream or ():  # a streamed run plays to its end
        pass
    return answer


def _request(path: str, body: Any) -> ApiRequest:
    headers = {"content-type": "application/json", "openai-beta": "assistants=v2", "authorization": "Bearer sk-test"}
    return ApiRequest("POST", f"/v1{path}", headers=headers, body=json.dumps(body).encode())


def test_every_drawn_payload_is_accepted_by_the_emulator() -> None:
    fake, parents, ids = _emulator()

    @for_a_thousand(drawn=_with_operation(payloads, ids))
    def check(drawn: tuple[str, dict[str, Any]]) -> None:
        operation, body = drawn
        answer = _send(fake, parents, operation, body)
        assert answer.status == 200, answer.body

    check()


def test_every_drawn_invalid_payload_gets_the_400_it_announces() -> None:
    fake, parents, ids = _emulator()
    before = _objects(fake.snapshot())

    @for_a_thousand(drawn=_with_operation(invalid_payloads, ids))
    def check(drawn: tuple[str, InvalidPayload]) -> None:
        operation, invalid = drawn
        answer = _send(fake, parents, operation, invalid.body, valid=False)
        error = json.loads(answer.body)["error"]
        assert (answer.status, error["param"]) == (invalid.status, invalid.param), error
        if invalid.code is not None:
            assert error["code"] == invalid.code

    check()
    assert _objects(fake.snapshot()) == before  # nothing changed


def test_the_operations_drawn_are_the_create_and_modify_operations() -> None:
    assert set(OPERATIONS) == set(MODELS)
    with pytest.raises(ValueError, match="assistant_id"):
        payloads("createRun")
    with pytest.raises(ValueError, match="not 'deleteThread'"):
        payloads("deleteThread")


def test_without_ids_a_payload_refers_to_nothing() -> None:
    @settings(max_examples=100, database=None)
    @given(body=payloads("createThread"))
    def check(body: dict[str, Any]) -> None:
        text = json.dumps(body)
        assert '"file_id"' not in text and '"file_ids": ["' not in text and '"vector_store_ids": ["' not in text

    check()


@SOME
@given(data=st.data())
def test_drawn_payloads_through_the_sdk(fake: FakeAssistants, data: st.DataObject) -> None:
    fake.reset()
    client = fake.client()
    parents = make_parents(client)
    ids = {"file_ids": [parents.file_id], "vector_store_ids": [parents.vector_store_id]}
    for operation in sorted(OPERATIONS):
        body = data.draw(payloads(operation, **ids, assistant_id=parents.assistant_id), label=operation)
        sender(client, parents, operation)(body)  # an APIStatusError if refused


@SOME
@given(data=st.data())
def test_drawn_invalid_payloads_through_the_sdk_change_nothing(fake: FakeAssistants, data: st.DataObject) -> None:
    fake.reset()
    client = fake.client(max_retries=0)
    parents = make_parents(client)
    ids = {"file_ids": [parents.file_id], "vector_store_ids": [parents.vector_store_id]}
    before = fake.snapshot()
    for operation in sorted(OPERATIONS):
        invalid = data.draw(invalid_payloads(operation, **ids, assistant_id=parents.assistant_id), label=operation)
        with pytest.raises(openai.BadRequestError) as refused:
            client.post(path_of(parents, operation), body=invalid.body, cast_to=object, options=BETA)
        assert refused.value.param == invalid.param
        if invalid.code is not None:
            assert refused.value.code == invalid.code
    assert _objects(fake.snapshot()) == _objects(before)


def _objects(snapshot: dict[str, Any]) -> Any:
    return {key: value for key, value in snapshot.items() if key != "ids"}  # a refused request still has an id
