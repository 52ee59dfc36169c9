"""Issue 25, the acceptance's property: random JSON values (integers past and at the 64-bit bounds, lone
surrogates in keys and values, nesting near and past the limit, the largest floats, ``NaN`` and ``Infinity``)
driven into every create and every modify operation. Never a 5xx, every list answers, and the state always saves
and loads back.

The operations are the route table's ``POST`` routes (a new one is covered as soon as it is routed), each with the
fields its request schema declares in the contract. A required field gets a valid value (the table below must name
one for each: a new required field fails :func:`test_every_required_field_has_a_value`); the random value goes into
one field, as it is, or wrapped where that field holds free-form JSON (``metadata``, a function's ``parameters``, a
``response_format`` schema, ``attributes``, a filter's ``value``, a message, a tool output). The SDK sends it; a
value the SDK cannot encode (a lone surrogate) goes as the raw JSON bytes a client could send.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants
from fake_assistants.api.handlers import files as files_handler
from fake_assistants.api.handlers.vector_stores import UNLOCKED
from fake_assistants.api.routes import ROUTES, Route
from fake_assistants.api.wire import ApiRequest, ApiResponse
from fake_assistants.cli import main
from fake_assistants.contract import Contract
from fake_assistants.schemas.validation import MAX_INTEGER, MIN_INTEGER
from fake_assistants.search import chunking
from fake_assistants.search.bm25 import Bm25Index
from fake_assistants.server.app import unlocking

from ..support import HEADERS
from .crafted import LAUGHS, STATE_CORPUS

Objects = dict[str, str]


def _request_schema(route: Route) -> tuple[str, dict[str, Any]] | None:
    """The content type and the (resolved) request schema the contract gives ``route``; ``None``: it takes no body."""
    document = Contract.load().document
    content = document["paths"][route.template][route.method.lower()].get("requestBody", {}).get("content", {})
    for content_type, media in content.items():
        schema = media["schema"]
        while "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        return content_type, schema
    return None


WRITES = [route for route in ROUTES if route.method == "POST" and _request_schema(route) is not None]
"""Every operation that creates or changes something from a body: the route table's, as the contract describes it."""

REQUIRED: dict[str, Callable[[Objects], Any]] = {
    "model": lambda _: "gpt-4o",
    "assistant_id": lambda ids: ids["assistant_id"],
    "role": lambda _: "user",
    "content": lambda _: "hello",
    "tool_outputs": lambda ids: [{"tool_call_id": ids["call_id"], "output": "sunny"}],
    "file_id": lambda ids: ids["file_id"],
    "file_ids": lambda ids: [ids["file_id"]],
    "query": lambda _: "notes",
    "attributes": lambda _: {"k": "v"},
    "purpose": lambda _: "assistants",
    "file": lambda _: "notes",
}
"""A valid value for each field some operation requires (``file_ids``: the batch's ``anyOf`` wants it or ``files``)."""

WRAPS: dict[str, Callable[[Any, Objects], Any]] = {
    "metadata": lambda value, _: {"k": value, **({value: "v"} if isinstance(value, str) else {})},
    "tools": lambda value, _: [{"type": "function", "function": {"name": "f", "parameters": {"x": value}}}],
    "response_format": lambda value, _: {"type": "json_schema", "json_schema": {"name": "s", "schema": {"x": value}}},
    "attributes": lambda value, _: {"k": value},
    "filters": lambda value, _: {"type": "eq", "key": "k", "value": value},
    "messages": lambda value, _: [{"role": "user", "content": "hi", "metadata": {"k": value}}],
    "additional_messages": lambda value, _: [{"role": "user", "content": [{"type": "text", "text": value}]}],
    "thread": lambda value, _: {"messages": [{"role": "user", "content": "hi"}], "metadata": {"k": value}},
    "tool_outputs": lambda value, ids: [{"tool_call_id": ids["call_id"], "output": value}],
    "content": lambda value, _: [{"type": "text", "text": value}],
    "truncation_strategy": lambda value, _: {"type": "last_messages", "last_messages": value},
    "chunking_strategy": lambda value, _: {
        "type": "static",
        "static": {"max_chunk_size_tokens": value, "chunk_overlap_tokens": 0},
    },
}
"""Where a field holds free-form JSON (or an integer further in), the random value goes there."""

_SURROGATES = ["\ud800", "a\udfffb", "\udc00z", "\udbff"]
_BOUNDS = [MAX_INTEGER, MAX_INTEGER + 1, MIN_INTEGER, MIN_INTEGER - 1, 2**64, 2**70, -(2**70), 0, 1, -1]
_FLOATS = [1e308, -1e308, 1.7976931348623157e308, 5e-324, 0.5, math.inf, -math.inf, math.nan]
_hostile = st.one_of(
    st.sampled_from(_BOUNDS), st.sampled_from(_FLOATS), st.sampled_from(_SURROGATES), st.integers(-(2**80), 2**80)
)
_leaves = st.one_of(_hostile, _hostile, _hostile, st.text(max_size=4), st.booleans(), st.none())
_keys = st.one_of(st.text(max_size=3), st.sampled_from(_SURROGATES))
_values = st.recursive(
    _leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=6,
)
# as it is (half the time), a little nested, or near the 100-level limit and past it
_depths = st.one_of(st.just(0), st.just(0), st.integers(1, 3), st.integers(95, 105))


def seed_objects(fake: FakeAssistants) -> Objects:
    """One object of every kind the operations name in their paths, and a run waiting for a tool output."""
    client = fake.client()
    uploaded = client.files.create(file=("notes.txt", b"the notes of the property run"), purpose="assistants")
    store = client.vector_stores.create(name="notes", file_ids=[uploaded.id])
    batch = client.vector_stores.file_batches.create(store.id, file_ids=[uploaded.id])
    weather: Any = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[weather])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hello"}])
    message = client.beta.threads.messages.list(thread.id).data[0]
    client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    waiting = client.beta.threads.create(messages=[{"role": "user", "content": "weather?"}])
    fake.script.for_thread(waiting.id).call_function("get_weather", {"city": "Oslo"})
    stopped = client.beta.threads.runs.create(thread_id=waiting.id, assistant_id=assistant.id)
    assert stopped.required_action is not None
    return {
        "file_id": uploaded.id,
        "vector_store_id": store.id,
        "batch_id": batch.id,
        "assistant_id": assistant.id,
        "message_id": message.id,
        "call_id": stopped.required_action.submit_tool_outputs.tool_calls[0].id,
        # the run routes act on the waiting run (submit_tool_outputs needs it); the others on the first thread
        "thread_id": waiting.id,
        "run_id": stopped.id,
        "free_thread_id": thread.id,
    }


def path_of(route: Route, ids: Objects) -> str:
    names = dict(ids)
    if "{run_id}" not in route.template:
        names["thread_id"] = ids["free_thread_id"]
    return route.template.format(**names)


def body_of(route: Route, field: str, wrapped: bool, value: Any, ids: Objects) -> dict[str, Any]:
    _, schema = _request_schema(route) or ("", {})
    body = {name: REQUIRED[name](ids) for name in _required(route, schema)}
    wrap = WRAPS.get(field)
    body[field] = wrap(value, ids) if wrapped and wrap is not None else value
    return body


def _required(route: Route, schema: dict[str, Any]) -> list[str]:
    if route.operation_id == "createVectorStoreFileBatch":
        return ["file_ids"]  # the schema's anyOf: file_ids or files
    return list(schema.get("required", []))


def _encodable(body: Any) -> bool:
    try:
        json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError):
        return False
    return True


def send(fake: FakeAssistants, client: openai.OpenAI, route: Route, path: str, body: dict[str, Any]) -> int:
    """POST ``body``: through the SDK when it can encode it, else as the raw JSON bytes (``\\ud800``, ``NaN``)."""
    if route.operation_id == "createFile":
        return _upload(fake, path, body)
    if _encodable(body):
        try:
            client.post(path, body=body, cast_to=object)
        except openai.APIStatusError as error:
            return error.status_code
        return 200
    response = fake.handle(ApiRequest("POST", f"/v1{path}", headers=HEADERS, body=json.dumps(body).encode()))
    return response.status


def _upload(fake: FakeAssistants, path: str, body: dict[str, Any]) -> int:
    """A multipart upload whose fields carry the value as text (a surrogate as the bytes UTF-8 cannot hold)."""

    def text(value: Any) -> bytes:
        rendered = value if isinstance(value, str) else json.dumps(value)
        return rendered.encode("utf-8", "surrogatepass")

    fields = {"purpose": text(body.get("purpose", "assistants"))}
    if "expires_after" in body:
        fields["expires_after[anchor]"] = b"created_at"
        fields["expires_after[seconds]"] = text(body["expires_after"])
    name = text(body["file"]) if not isinstance(body.get("file"), dict) else b"notes.txt"
    parts = [
        b'--b\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (k.encode(), v) for k, v in fields.items()
    ]
    parts.append(b'--b\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\n\r\nnotes\r\n--b--\r\n' % name)
    headers = {**HEADERS, "content-type": "multipart/form-data; boundary=b"}
    return fake.handle(ApiRequest("POST", f"/v1{path}", headers=headers, body=b"".join(parts))).status


def lists(route_ids: Objects) -> Iterator[str]:
    """Every list operation of the route table, its path filled in."""
    for route in ROUTES:
        if route.method == "GET" and route.operation_id.startswith("list"):
            yield route.template.format(**route_ids)


def test_every_required_field_has_a_value() -> None:
    assert {route.operation_id for route in WRITES} >= {"createAssistant", "modifyRun", "submitToolOuputsToRun"}
    for route in WRITES:
        _, schema = _request_schema(route) or ("", {})
        missing = [name for name in _required(route, schema) if name not in REQUIRED]
        assert not missing, f"{route.operation_id}: give REQUIRED a valid value for {missing}"


@pytest.mark.parametrize("route", WRITES, ids=[route.operation_id for route in WRITES])
@settings(max_examples=25, deadline=None, database=None, derandomize=True)
@given(data=st.data(), value=_values, depth=_depths, wrapped=st.booleans())
def test_random_values_into_every_write_never_store_the_unservable(
    route: Route, data: st.DataObject, value: Any, depth: int, wrapped: bool
) -> None:
    fake = FakeAssistants(seed=7, progression="immediate")
    ids = seed_objects(fake)
    _, schema = _request_schema(route) or ("", {})
    fields = sorted(schema.get("properties", {}))
    free_form = [name for name in fields if name in WRAPS]  # where a value is stored: drawn as often as the rest
    field = data.draw(st.sampled_from(free_form) | st.sampled_from(fields) if free_form else st.sampled_from(fields))
    for _ in range(depth):
        value = [value]
    client = fake.client(max_retries=0, default_headers={"OpenAI-Beta": "assistants=v2"})
    status = send(fake, client, route, path_of(route, ids), body_of(route, field, wrapped, value, ids))
    assert status < 500
    for listed in lists(ids):
        client.get(listed, cast_to=object)  # an error status raises
    with tempfile.TemporaryDirectory() as folder:
        saved = Path(folder) / "state.json"
        fake.save_state(saved)
        again = FakeAssistants.load_state(saved)
    assert again.snapshot() == fake.snapshot()


# --- long requests hold neither the event loop nor the lock --------------------------------------------------------


def _blocking(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> tuple[threading.Event, threading.Event]:
    """Make ``owner.name`` (the long part of a request) wait, in the server's thread, until the test lets it go;
    the events: it is waiting, let it go."""
    waiting, released = threading.Event(), threading.Event()
    real = getattr(owner, name)

    def held(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is not threading.main_thread() and not waiting.is_set():
            waiting.set()
            released.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, held)
    return waiting, released


def _long_request(kind: str, fake: FakeAssistants) -> Callable[[openai.OpenAI], Any]:
    """What the test sends over HTTP, with what it needs made in-process first."""
    client = fake.client()
    uploaded = client.files.create(file=("notes.txt", b"alpha beta gamma " * 2000), purpose="assistants")
    store = client.vector_stores.create(file_ids=[uploaded.id])
    if kind == "upload":
        return lambda sdk: sdk.files.create(file=("big.bin", b"x" * 300_000), purpose="assistants")
    if kind == "search":
        return lambda sdk: sdk.vector_stores.search(store.id, query="beta")
    return lambda sdk: sdk.vector_stores.files.content(uploaded.id, vector_store_id=store.id)


LONG_PARTS: dict[str, tuple[Any, str]] = {
    "upload": (files_handler, "read_form"),  # reading a big multipart body
    "search": (Bm25Index, "scores"),  # scoring every chunk of a store
    "file content": (chunking, "chunk_text"),  # chunking a file no search has chunked yet
}


@pytest.mark.parametrize("kind", sorted(LONG_PARTS))
def test_the_long_part_of_a_request_holds_neither_the_loop_nor_the_lock(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big upload, a search over a store and a file's first chunking: while their long part runs, another client
    is answered (before, it ran on the event loop under the lock: the other client timed out)."""
    fake = FakeAssistants(progression="immediate")
    send_long = _long_request(kind, fake)
    waiting, released = _blocking(monkeypatch, *LONG_PARTS[kind])
    answers: list[Any] = []
    with fake.serve() as url, openai.OpenAI(base_url=url, api_key="sk-test", max_retries=0, timeout=20) as sdk:
        long = threading.Thread(target=lambda: answers.append(send_long(sdk)))
        long.start()
        try:
            assert waiting.wait(20)
            with openai.OpenAI(base_url=url, api_key="sk-test", max_retries=0, timeout=5) as other:
                assert other.beta.assistants.list().data == []  # answered while the long part waits
                other.beta.assistants.create(model="gpt-4o")  # and a write, which takes the lock
        finally:
            released.set()
            long.join(30)
    assert len(answers) == 1


# --- crafted files: the documented error, within a second -----------------------------------------------------------


def _crafted_states() -> dict[str, str]:
    """Round two's crafted state documents, as the text of a state file (and one nested 100 000 deep)."""
    fake = FakeAssistants(seed=3)
    client = fake.client()
    with warnings.catch_warnings():  # made while the module is collected: the SDK's deprecation notes are not news
        warnings.simplefilter("ignore", DeprecationWarning)
        client.beta.assistants.create(model="gpt-4o")
        client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    texts: dict[str, str] = {}
    for name, change in STATE_CORPUS.items():
        document = fake.snapshot()
        change(document)
        with contextlib.suppress(RecursionError):
            texts[name] = json.dumps(document)
    texts["nested 100 000 deep"] = json.dumps(fake.snapshot())[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    return texts


CRAFTED: dict[str, tuple[str, str, str]] = {
    **{f"state: {name}": ("--state", "state.json", text) for name, text in _crafted_states().items()},
    "script: aliases expanding to millions": ("--script", "turns.yaml", LAUGHS),
    "script: a Python tag on a mapping": ("--script", "turns.yaml", "turns: !!python/object:os.system {a: 1}\n"),
    "script: a set": ("--script", "turns.yaml", "turns: !!set {a: null}\n"),
    "world: an integer past 64 bits": (
        "--world",
        "world.yaml",
        "assistants:\n- id: asst_1\n  model: gpt-4o\n  metadata: {k: 1180591620717411303424}\n",
    ),
    "world: a lone surrogate": (
        "--world",
        "world.yaml",
        'assistants:\n- id: asst_1\n  model: gpt-4o\n  name: "\\ud800"\n',
    ),
}
DEEP: dict[str, tuple[str, str, str]] = {  # PyYAML alone takes one or two seconds on these
    "world: nested 10 000 deep": ("--world", "world.json", '{"assistants": ' + "[" * 10_000 + "]" * 10_000 + "}"),
    "script: nested 10 000 deep": ("--script", "turns.yaml", "turns: " + "[" * 10_000 + "]" * 10_000 + "\n"),
}


@pytest.mark.parametrize("name", [*CRAFTED, *DEEP])
def test_serving_a_crafted_file_is_one_line_and_exit_2_within_a_second(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``serve --state``, ``--script`` and ``--world`` read a crafted file: nothing is served, the documented one-line
    error, exit 2, and quickly (before, a 354-byte state file replayed ids for 278 days)."""
    option, file_name, text = {**CRAFTED, **DEEP}[name]
    path = tmp_path / file_name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    start = time.perf_counter()
    status = main(["serve", "--port", "0", option, str(path)])
    elapsed = time.perf_counter() - start
    _, err = capsys.readouterr()
    assert status == 2
    assert err.startswith("fake-assistants") and str(path) in err and len(err.strip().splitlines()) == 1, err
    assert elapsed < 1.0


# --- a search that let the lock go reads the store as it is when it answers ---------------------------------------


def _searching(fake: FakeAssistants, store_id: str, meanwhile: Callable[[], object]) -> ApiResponse:
    """A search served as server mode serves it, ``meanwhile`` run by another thread while it scores unlocked."""
    calls: list[bool] = []

    def interleaved(work: Callable[[], Any]) -> Any:
        if not calls:  # the first scoring only: then the store holds still
            calls.append(True)
            other = threading.Thread(target=meanwhile)
            other.start()
            other.join(20)
        return work()

    request = ApiRequest("POST", f"/v1/vector_stores/{store_id}/search", headers=HEADERS, body=b'{"query": "alpha"}')
    request.found(UNLOCKED, lambda _: lambda work: unlocking(fake.lock)(functools.partial(interleaved, work)))
    response = fake.handle(request)
    assert calls == [True]
    return response


def test_a_search_scored_without_the_lock_answers_for_the_store_as_it_is_after() -> None:
    """A file added (or the store deleted) while the search scores unlocked: the answer counts it (or is the 404),
    as if the search had come after; before it let the lock go, the other thread would have waited for it."""
    fake = FakeAssistants(progression="immediate")
    client = fake.client()
    first = client.files.create(file=("a.txt", b"alpha beta"), purpose="assistants")
    later = client.files.create(file=("b.txt", b"alpha gamma"), purpose="assistants")
    store = client.vector_stores.create(file_ids=[first.id])
    response = _searching(fake, store.id, lambda: client.vector_stores.files.create(store.id, file_id=later.id))
    assert response.status == 200
    assert {hit["file_id"] for hit in json.loads(response.body)["data"]} == {first.id, later.id}
    response = _searching(fake, store.id, lambda: client.vector_stores.delete(store.id))
    assert response.status == 404


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(constant: str) -> None:
    """JSON has no ``NaN`` nor ``Infinity``: a body holding one is the invalid-JSON 400 and stores nothing (before,
    it was stored and answered as ``null``)."""
    fake = FakeAssistants()
    body = ('{"model": "gpt-4o", "temperature": ' + constant + "}").encode()
    response = fake.handle(ApiRequest("POST", "/v1/assistants", headers=HEADERS, body=body))
    assert response.status == 400
    assert json.loads(response.body)["error"]["message"].startswith("We could not parse the JSON body")
    assert fake.snapshot()["assistants"] == []


def test_a_form_of_too_many_parts_is_a_400_and_stores_nothing(fake: FakeAssistants) -> None:
    parts = b"".join(b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nv\r\n' for _ in range(1_001))
    body = parts + b'--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n--b--\r\n'
    headers = {**HEADERS, "content-type": "multipart/form-data; boundary=b"}
    response = fake.handle(ApiRequest("POST", "/v1/files", headers=headers, body=body))
    assert response.status == 400
    assert "more than 1000 parts" in json.loads(response.body)["error"]["message"]
    assert fake.snapshot()["files"] == []
