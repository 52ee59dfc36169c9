"""The payload strategies: 1 000 drawn valid bodies pass the emulator's request checks and 1 000 invalid ones get
the 400 they announce; a smaller run sends both through the SDK."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants
from fake_assistants.errors import ApiError
from fake_assistants.schemas.validation import parse_body
from fake_assistants.strategies import InvalidPayload, invalid_payloads, payloads
from fake_assistants.strategies.payloads import OPERATIONS

from .operations import MODELS, make_parents, path_of, sender
from .support import for_a_thousand

IDS: dict[str, Any] = {"file_ids": ["file-abc"], "vector_store_ids": ["vs_abc"], "assistant_id": "asst_abc"}
BETA: Any = {"headers": {"OpenAI-Beta": "assistants=v2"}}  # what the SDK's beta methods send
SOME = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _with_operation(strategy: Any) -> st.SearchStrategy[tuple[str, Any]]:
    return st.one_of([st.tuples(st.just(op), strategy(op, **IDS)) for op in sorted(OPERATIONS)])


@for_a_thousand(drawn=_with_operation(payloads))
def test_every_drawn_payload_passes_the_request_checks(drawn: tuple[str, dict[str, Any]]) -> None:
    operation, body = drawn
    parse_body(MODELS[operation], json.dumps(body).encode())


@for_a_thousand(drawn=_with_operation(invalid_payloads))
def test_every_drawn_invalid_payload_gets_the_400_it_announces(drawn: tuple[str, InvalidPayload]) -> None:
    operation, invalid = drawn
    with pytest.raises(ApiError) as refused:
        parse_body(MODELS[operation], json.dumps(invalid.body).encode())
    assert (refused.value.status, refused.value.param) == (invalid.status, invalid.param)
    if invalid.code is not None:
        assert refused.value.code == invalid.code


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
