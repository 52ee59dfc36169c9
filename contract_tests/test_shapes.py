"""Every implemented operation, driven through the real SDK, answers bodies the spec accepts, exactly.

Each test records the raw JSON of every response (see ``recorder.Recorder``) and holds it to the operation's 200
response schema in the spec, or to ``ErrorResponse`` for an error, with no extra keys and no missing required ones.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import openai
import pytest

from fake_assistants import FakeAssistants
from fake_assistants.api import routes
from fake_assistants.api.routes import ID_PREFIXES, ROUTES
from fake_assistants.api.wire import ApiRequest
from fake_assistants.contract import Contract, pointers

from . import spec
from .operations import COVERED_OPERATIONS, THREAD_OPERATIONS
from .recorder import Exchange, Recorder, assert_covered

WEATHER_FUNCTION = {
    "name": "get_weather",
    "description": "The weather in a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    },
    "strict": True,
}
ASSISTANT_TOOLS: list[Any] = [
    {"type": "code_interpreter"},
    {"type": "file_search", "file_search": {"max_num_results": 5, "ranking_options": {"score_threshold": 0.5}}},
    {"type": "function", "function": WEATHER_FUNCTION},
]
JSON_SCHEMA_FORMAT: Any = {
    "type": "json_schema",
    "json_schema": {
        "name": "weather_report",
        "description": "A weather report.",
        "schema": {"type": "object", "properties": {"summary": {"type": "string"}}, "required": ["summary"]},
        "strict": True,
    },
}
IMAGE_URL = "https://example.invalid/cat.png"
POLL_HEADER = "openai-poll-after-ms"


def statuses(exchanges: list[Exchange]) -> list[str]:
    return [exchange.body["status"] for exchange in exchanges]


def assert_poll_headers(recorder: Recorder, *, value: str | None = None) -> None:
    """Every run object carries ``openai-poll-after-ms`` as an integer string (the SDK crashes on ``"0.5"``)."""
    runs = [e for e in recorder.exchanges if e.status == 200 and e.body.get("object") == "thread.run"]
    assert runs, "no run object was recorded"
    for exchange in runs:
        header = exchange.headers.get(POLL_HEADER)
        assert header is not None, f"{exchange}: no {POLL_HEADER} header"
        assert re.fullmatch(r"[0-9]+", header), f"{exchange}: {POLL_HEADER}={header!r} is not an integer string"
        if value is not None:
            assert header == value, f"{exchange}: {POLL_HEADER}={header!r}, configured {value!r}"


def make_assistant(client: openai.OpenAI, **kwargs: Any) -> Any:
    return client.beta.assistants.create(model="gpt-4o", **kwargs)


# --- the route table and the spec ----------------------------------------------------------------------------


def test_the_route_table_serves_exactly_the_spec_operations() -> None:
    in_spec = {(op.method, op.path, op.operation_id) for op in spec.contract().operations}
    in_routes = {(route.method, route.template, route.operation_id) for route in ROUTES}
    assert in_routes == in_spec, (
        f"only in the route table: {sorted(in_routes - in_spec)}; only in the spec: {sorted(in_spec - in_routes)}"
    )


def test_every_operation_has_a_200_schema_and_it_compiles() -> None:
    for op in spec.contract().operations:
        if op.operation_id == "downloadFile":  # the file's bytes: {"type": "string"}, not a component
            continue
        assert op.schema_name is not None, f"{op.operation_id}: no 200 schema $ref"
        spec.contract().validator_for(op.schema_name).check_schema(spec.contract().document["components"]["schemas"][op.schema_name])


def test_every_implemented_operation_is_held_to_the_spec() -> None:
    implemented = {route.operation_id for route in ROUTES if route.handler is not None}
    untested = implemented - COVERED_OPERATIONS
    assert not untested, (
        f"implemented but with no contract test: {sorted(untested)}. "
        "Drive them in contract_tests/test_shapes.py and add them to COVERED_OPERATIONS (operations.py)."
    )


# --- assistants ----------------------------------------------------------------------------------------------


def test_assistant_shapes(recorder: Recorder) -> None:
    client = recorder.client
    data = client.files.create(file=("data.csv", b"a,b\n"), purpose="assistants").id
    full = make_assistant(
        client,
        name="Contract",
        description="Every field set.",
        instructions="Answer in one sentence.",
        tools=ASSISTANT_TOOLS,
        tool_resources={"code_interpreter": {"file_ids": [data]}, "file_search": {"vector_store_ids": []}},
        metadata={"suite": "contract"},
        temperature=0.2,
        top_p=0.9,
        response_format={"type": "json_object"},
    )
    bare = client.beta.assistants.create(model="gpt-4o-mini")
    client.beta.assistants.retrieve(full.id)
    client.beta.assistants.retrieve(bare.id)
    client.beta.assistants.update(
        full.id, name="Renamed", metadata={"suite": "contract", "step": "2"}, response_format=JSON_SCHEMA_FORMAT
    )
    client.beta.assistants.update(bare.id, response_format={"type": "text"}, tools=[])
    client.beta.assistants.list()
    first_page = client.beta.assistants.list(limit=1, order="asc")
    client.beta.assistants.delete(bare.id)

    recorder.check_all()
    assert_covered(
        recorder, {"createAssistant", "getAssistant", "modifyAssistant", "listAssistants", "deleteAssistant"}
    )
    assert first_page.has_more is True
    assert recorder.last("deleteAssistant").body == {"id": bare.id, "object": "assistant.deleted", "deleted": True}


# --- threads and messages ------------------------------------------------------------------------------------


def test_thread_and_message_shapes(recorder: Recorder) -> None:
    client = recorder.client
    first = client.files.create(file=("a.txt", b"a"), purpose="assistants").id
    second = client.files.create(file=("b.txt", b"b"), purpose="assistants").id
    thread = client.beta.threads.create(
        messages=[
            {"role": "user", "content": "A plain string."},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in this picture?"},
                    {"type": "image_url", "image_url": {"url": IMAGE_URL, "detail": "low"}},
                ],
                "attachments": [{"file_id": first, "tools": [{"type": "code_interpreter"}]}],
                "metadata": {"part": "2"},
            },
            {"role": "assistant", "content": "An earlier answer."},
        ],
        metadata={"suite": "contract"},
        tool_resources={"code_interpreter": {"file_ids": [first, second]}},
    )
    client.beta.threads.retrieve(thread.id)
    client.beta.threads.update(thread.id, metadata={"suite": "contract", "step": "2"})
    client.beta.threads.update(thread.id, tool_resources={"code_interpreter": {"file_ids": []}})

    plain = client.beta.threads.messages.create(thread.id, role="user", content="Hello.")
    parts = client.beta.threads.messages.create(
        thread.id,
        role="user",
        content=[
            {"type": "text", "text": "Compare these."},
            {"type": "image_url", "image_url": {"url": IMAGE_URL}},
            {"type": "image_file", "image_file": {"file_id": "file-img123", "detail": "high"}},
        ],
        metadata={"kind": "parts"},
    )
    client.beta.threads.messages.retrieve(parts.id, thread_id=thread.id)
    client.beta.threads.messages.update(plain.id, thread_id=thread.id, metadata={"edited": "yes"})
    client.beta.threads.messages.list(thread.id)
    client.beta.threads.messages.list(thread.id, order="asc", limit=2)
    client.beta.threads.messages.delete(plain.id, thread_id=thread.id)
    client.beta.threads.delete(thread.id)

    recorder.check_all()
    assert_covered(recorder, THREAD_OPERATIONS)
    assert recorder.last("listMessages").body["has_more"] is True
    image = recorder.last("getMessage").body["content"][1]
    assert image == {"type": "image_url", "image_url": {"url": IMAGE_URL, "detail": "auto"}}


# --- runs ----------------------------------------------------------------------------------------------------


def create_run_with_everything(client: openai.OpenAI, thread_id: str, assistant_id: str) -> Any:
    return client.beta.threads.runs.create(
        thread_id,
        assistant_id=assistant_id,
        model="gpt-4o-mini",
        instructions="Override.",
        additional_instructions="And be brief.",
        additional_messages=[{"role": "user", "content": "One more thing."}],
        tools=[{"type": "code_interpreter"}, {"type": "function", "function": WEATHER_FUNCTION}],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        response_format=JSON_SCHEMA_FORMAT,
        truncation_strategy={"type": "last_messages", "last_messages": 4},
        metadata={"suite": "contract"},
        temperature=0.5,
        top_p=0.8,
        max_prompt_tokens=2048,
        max_completion_tokens=512,
        parallel_tool_calls=False,
    )


@pytest.mark.fake_assistants(progression="manual")
def test_run_shapes_in_every_polled_status(recorder: Recorder, fake_assistants: FakeAssistants) -> None:
    client = recorder.client
    fake_assistants.script.reply("Sunny.")  # a scripted reply, though tool_choice would force a call by default
    assistant = make_assistant(client, instructions="Be helpful.", tools=ASSISTANT_TOOLS)
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Weather in Paris?"}])
    run = create_run_with_everything(client, thread.id, assistant.id)
    client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    fake_assistants.advance(run.id)
    client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    fake_assistants.advance(run.id)
    client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    client.beta.threads.runs.update(run.id, thread_id=thread.id, metadata={"suite": "contract", "step": "2"})
    client.beta.threads.runs.list(thread.id)
    client.beta.threads.messages.list(thread.id, run_id=run.id)  # the assistant's reply

    recorder.check_all()
    assert_covered(recorder, {"createRun", "getRun", "modifyRun", "listRuns", "listMessages"})
    assert statuses(recorder.of("createRun")) == ["queued"]
    assert statuses(recorder.of("getRun")) == ["queued", "in_progress", "completed"]
    assert recorder.last("getRun").body["usage"] is not None
    assert_poll_headers(recorder)


def test_run_shapes_while_the_sdk_polls(recorder: Recorder) -> None:
    client = recorder.client
    assistant = make_assistant(client)
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)

    recorder.check_all()
    assert run.status == "completed"
    assert statuses(recorder.of("createRun")) == ["queued"]
    assert statuses(recorder.of("getRun")) == ["in_progress", "completed"]
    assert_poll_headers(recorder)


def test_cancel_shapes(recorder: Recorder) -> None:
    client = recorder.client
    assistant = make_assistant(client)
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = client.beta.threads.runs.create(thread.id, assistant_id=assistant.id)
    client.beta.threads.runs.cancel(run.id, thread_id=thread.id)
    client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    with pytest.raises(openai.BadRequestError):
        client.beta.threads.runs.cancel(run.id, thread_id=thread.id)
    client.beta.threads.runs.list(thread.id)

    recorder.check_all()
    assert statuses(recorder.of("cancelRun")[:1]) == ["cancelling"]
    assert statuses(recorder.of("getRun")) == ["cancelled"]
    assert recorder.last("getRun").body["cancelled_at"] is not None
    assert [e.status for e in recorder.of("cancelRun")] == [200, 400]
    assert_poll_headers(recorder)


@pytest.mark.fake_assistants(progression="manual", poll_after_ms=250)
def test_poll_after_ms_is_the_configured_integer_on_every_run_response(recorder: Recorder) -> None:
    client = recorder.client
    assistant = make_assistant(client)
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = client.beta.threads.runs.create(thread.id, assistant_id=assistant.id)
    client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    client.beta.threads.runs.update(run.id, thread_id=thread.id, metadata={"k": "v"})
    client.beta.threads.runs.cancel(run.id, thread_id=thread.id)

    recorder.check_all()
    assert_covered(recorder, {"createRun", "getRun", "modifyRun", "cancelRun"})
    assert_poll_headers(recorder, value="250")


# --- errors --------------------------------------------------------------------------------------------------


def test_error_bodies_match_error_response(recorder: Recorder) -> None:
    client = recorder.client
    assistant = make_assistant(client)
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = client.beta.threads.runs.create(thread.id, assistant_id=assistant.id)

    not_found = [
        lambda: client.beta.assistants.retrieve("asst_missing"),
        lambda: client.beta.assistants.delete("asst_missing"),
        lambda: client.beta.threads.retrieve("thread_missing"),
        lambda: client.beta.threads.messages.retrieve("msg_missing", thread_id=thread.id),
        lambda: client.beta.threads.runs.retrieve("run_missing", thread_id=thread.id),
    ]
    bad_request = [
        lambda: client.beta.threads.retrieve("not-a-thread-id"),
        lambda: make_assistant(client, extra_body={"surprise": 1}),
        lambda: client.beta.threads.runs.create(thread.id, assistant_id=assistant.id),  # a run is active
        lambda: client.beta.threads.messages.create(thread.id, role="user", content="Hi"),  # a run is active
    ]
    for call in not_found:
        with pytest.raises(openai.NotFoundError):
            call()
    for call in bad_request:
        with pytest.raises(openai.BadRequestError):
            call()
    recorder.raw("POST", f"/threads/{thread.id}/runs", json={})  # missing assistant_id
    recorder.raw("GET", "/no_such_endpoint")
    key = {"Authorization": "Bearer sk-contract"}
    recorder.http.request("GET", f"{client.base_url}assistants", headers=key)  # without the OpenAI-Beta header
    recorder.http.request("GET", f"{client.base_url}assistants")  # without an API key
    assert run.status == "queued"

    errors = [e for e in recorder.exchanges if e.status != 200]
    assert [e.status for e in errors] == [404] * 5 + [400] * 5 + [404, 400, 401], [str(e) for e in errors]
    recorder.check_all()


def test_unimplemented_operations_answer_an_error_envelope(
    fake_assistants: FakeAssistants, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every operation is built now: take the handlers away to hold the 501 of an unbuilt route to the envelope.
    monkeypatch.setattr(routes, "ROUTES", tuple(dataclasses.replace(route, handler=None) for route in ROUTES))
    for route in routes.ROUTES:
        path = re.sub(r"\{(\w+)\}", lambda m: f"{ID_PREFIXES.get(m[1], m[1])}_contract", route.template)
        response = fake_assistants.handle(
            ApiRequest(
                route.method,
                f"/v1{path}",
                headers={"openai-beta": "assistants=v2", "authorization": "Bearer sk-x"},
                body=b"{}",
            )
        )
        assert response.status == 501, f"{route.operation_id}: HTTP {response.status}"
        spec.assert_error_envelope(json.loads(response.body), label=f"{route.operation_id} (HTTP 501)")


# --- a gap in the spec, documented -----------------------------------------------------------------------------


@pytest.mark.parametrize("operation_id", ["listAssistants", "listMessages", "listRuns"])
def test_empty_lists_send_null_ids_where_the_spec_says_string(recorder: Recorder, operation_id: str) -> None:
    """An empty page has no first or last id. The emulator sends ``null`` (as the live API did); the spec's list
    schemas type ``first_id``/``last_id`` as plain ``string``. Nothing else about an empty page may differ."""
    client = recorder.client
    if operation_id == "listAssistants":
        client.beta.assistants.list()
    else:
        thread = client.beta.threads.create()
        if operation_id == "listMessages":
            client.beta.threads.messages.list(thread.id)
        else:
            client.beta.threads.runs.list(thread.id)
    body = recorder.last(operation_id).body
    assert body["data"] == []
    schema = spec.contract().operation(operation_id).schema_name
    assert schema is not None
    assert pointers(Contract.load().schema_problems(schema, body)) == ["/first_id", "/last_id"]  # the raw spec
    assert spec.contract("spec").problems(schema, body) == []  # the deviation table covers it, in both shapes
    assert spec.contract().shape_problems(schema, body) == []
