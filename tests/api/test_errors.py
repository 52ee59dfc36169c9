"""Error envelopes: every bad request gets the real API's status, ``type``, ``param`` and ``code``, and changes nothing.

Each test snapshots the emulator's state before the bad request and compares it afterwards. Requests the SDK can
send go through the strict SDK client (``fake_openai_client``); raw HTTP is used only for what the SDK cannot send
(a broken JSON body, a missing ``OpenAI-Beta`` header, unknown URLs). Every response the emulator serves during a
test is recorded, and each must carry its own ``x-request-id`` starting with ``req_``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

import openai
import pytest

from fake_assistants import BASE_URL, FakeAssistants, sdk_http_module
from fake_assistants.api import routes
from fake_assistants.api.router import Router
from fake_assistants.api.wire import ApiRequest, ApiResponse

INVALID = "invalid_request_error"
HTTP = sdk_http_module()  # the SDK's own HTTP library: httpx2 under openai 3.x, httpx under 2.x
BETA_MESSAGE = (
    "You must provide the 'OpenAI-Beta' header to access the Assistants API. "
    "Please try again by setting the header 'OpenAI-Beta: assistants=v2'."
)
BAD_JSON_MESSAGE = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
    "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"
)
TOO_MANY_KEYS = (
    "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, "
    "but got an object with 17 properties instead."
)
SEVENTEEN_KEYS = {f"key{i}": "value" for i in range(17)}


# --- fixtures -------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ApiResponse]]:
    """Every response the emulator serves during the test, in order (SDK and raw HTTP alike)."""
    responses: list[ApiResponse] = []
    original = Router.handle

    def recording_handle(self: Router, request: ApiRequest) -> ApiResponse:
        response = original(self, request)
        responses.append(response)
        return response

    monkeypatch.setattr(Router, "handle", recording_handle)
    yield responses
    request_ids = [response.headers.get("x-request-id", "") for response in responses]
    assert request_ids, "the test served no request at all"
    assert all(request_id.startswith("req_") for request_id in request_ids), request_ids
    assert len(set(request_ids)) == len(request_ids), "x-request-id values repeat"
    assert all(response.headers.get("content-type") == "application/json" for response in responses)


@pytest.fixture
def http(fake_assistants: FakeAssistants) -> Iterator[Any]:
    """A raw HTTP client on the emulator, sending the headers the SDK would."""
    client = HTTP.Client(
        transport=fake_assistants.transport(HTTP),
        base_url=BASE_URL,
        headers={"OpenAI-Beta": "assistants=v2", "Authorization": "Bearer sk-x"},
    )
    yield client
    client.close()


@dataclass(frozen=True)
class World:
    assistant_id: str
    done_thread_id: str  # one user message, one completed run and its reply
    done_run_id: str
    user_message_id: str
    busy_thread_id: str  # one user message and a queued run, never read (so it stays active)
    busy_run_id: str

    @property
    def thread_ids(self) -> tuple[str, str]:
        return (self.done_thread_id, self.busy_thread_id)


@pytest.fixture
def world(fake_openai_client: openai.OpenAI) -> World:
    client = fake_openai_client
    assistant = client.beta.assistants.create(model="gpt-4o", name="Helper", metadata={"team": "qa"})
    done = client.beta.threads.create(metadata={"kind": "done"})
    message = client.beta.threads.messages.create(done.id, role="user", content="Hello")
    run = client.beta.threads.runs.create_and_poll(thread_id=done.id, assistant_id=assistant.id)
    assert run.status == "completed"
    busy = client.beta.threads.create(messages=[{"role": "user", "content": "Still there?"}])
    busy_run = client.beta.threads.runs.create(thread_id=busy.id, assistant_id=assistant.id)
    assert busy_run.status == "queued"
    return World(assistant.id, done.id, run.id, message.id, busy.id, busy_run.id)


def snapshot(fake: FakeAssistants, http: Any, world: World) -> dict[str, Any]:
    """The emulator's state as JSON, read without moving any run (runs are listed, never retrieved)."""
    page: dict[str, str | int] = {"limit": 100, "order": "asc"}
    state: dict[str, Any] = {"assistants": http.get("/assistants", params=page).json()}
    for thread_id in world.thread_ids:
        state[thread_id] = {
            "thread": http.get(f"/threads/{thread_id}").json(),
            "messages": http.get(f"/threads/{thread_id}/messages", params=page).json(),
            "runs": http.get(f"/threads/{thread_id}/runs", params=page).json(),
        }
    # There is no list-threads endpoint: also compare which objects the backend holds, so that a bad request
    # that stored a stray thread (or message, or run) elsewhere is caught too.
    backend = fake._backend
    state["stored"] = {kind: sorted(getattr(backend, kind)) for kind in ("assistants", "threads", "messages", "runs")}
    return state


Unchanged = Callable[[], AbstractContextManager[None]]


@pytest.fixture
def unchanged(fake_assistants: FakeAssistants, http: Any, world: World) -> Unchanged:
    """``with unchanged(): ...`` asserts that the block leaves the emulator's state exactly as it found it."""

    @contextmanager
    def check() -> Iterator[None]:
        before = snapshot(fake_assistants, http, world)
        yield
        after = snapshot(fake_assistants, http, world)
        assert after == before

    return check


# --- assertions -----------------------------------------------------------------------------------------------


def assert_sdk_error(
    exc: openai.APIStatusError,
    *,
    status: int,
    type: str = INVALID,
    param: str | None = None,
    code: str | None = None,
    message: str | None = None,
) -> None:
    assert exc.status_code == status
    assert (exc.type, exc.param, exc.code) == (type, param, code)
    assert isinstance(exc.body, dict)
    assert set(exc.body) == {"message", "type", "param", "code"}
    assert (exc.body["type"], exc.body["param"], exc.body["code"]) == (type, param, code)
    assert exc.response.json() == {"error": exc.body}
    if message is not None:
        assert exc.body["message"] == message
    assert exc.request_id is not None and exc.request_id.startswith("req_")


def assert_http_error(
    response: Any,
    *,
    status: int,
    type: str = INVALID,
    param: str | None = None,
    code: str | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"].startswith("req_")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert (error["type"], error["param"], error["code"]) == (type, param, code)
    if message is not None:
        assert error["message"] == message
    return dict(error)


# --- 404: unknown ids ---------------------------------------------------------------------------------------------

SdkCall = Callable[[openai.OpenAI, World], object]

NOT_FOUND: list[tuple[str, SdkCall, str]] = [
    (
        "retrieve assistant",
        lambda c, w: c.beta.assistants.retrieve("asst_nope"),
        "No assistant found with id 'asst_nope'.",
    ),
    (
        "modify assistant",
        lambda c, w: c.beta.assistants.update("asst_nope", name="x"),
        "No assistant found with id 'asst_nope'.",
    ),
    (
        "delete assistant",
        lambda c, w: c.beta.assistants.delete("asst_nope"),
        "No assistant found with id 'asst_nope'.",
    ),
    (
        "run with unknown assistant",
        lambda c, w: c.beta.threads.runs.create(thread_id=w.done_thread_id, assistant_id="asst_nope"),
        "No assistant found with id 'asst_nope'.",
    ),
    ("retrieve thread", lambda c, w: c.beta.threads.retrieve("thread_nope"), "No thread found with id 'thread_nope'."),
    (
        "modify thread",
        lambda c, w: c.beta.threads.update("thread_nope", metadata={"a": "b"}),
        "No thread found with id 'thread_nope'.",
    ),
    ("delete thread", lambda c, w: c.beta.threads.delete("thread_nope"), "No thread found with id 'thread_nope'."),
    (
        "create message in unknown thread",
        lambda c, w: c.beta.threads.messages.create("thread_nope", role="user", content="hi"),
        "No thread found with id 'thread_nope'.",
    ),
    (
        "list messages of unknown thread",
        lambda c, w: c.beta.threads.messages.list("thread_nope"),
        "No thread found with id 'thread_nope'.",
    ),
    (
        "create run in unknown thread",
        lambda c, w: c.beta.threads.runs.create(thread_id="thread_nope", assistant_id=w.assistant_id),
        "No thread found with id 'thread_nope'.",
    ),
    (
        "list runs of unknown thread",
        lambda c, w: c.beta.threads.runs.list("thread_nope"),
        "No thread found with id 'thread_nope'.",
    ),
    (
        "retrieve run",
        lambda c, w: c.beta.threads.runs.retrieve("run_nope", thread_id=w.done_thread_id),
        "No run found with id 'run_nope'.",
    ),
    (
        "retrieve run through another thread",
        lambda c, w: c.beta.threads.runs.retrieve(w.busy_run_id, thread_id=w.done_thread_id),
        "No run found with id '{busy_run}'.",  # it exists, but not in this thread
    ),
    (
        "cancel run",
        lambda c, w: c.beta.threads.runs.cancel("run_nope", thread_id=w.busy_thread_id),
        "No run found with id 'run_nope'.",
    ),
    (
        "modify run",
        lambda c, w: c.beta.threads.runs.update("run_nope", thread_id=w.done_thread_id, metadata={"a": "b"}),
        "No run found with id 'run_nope'.",
    ),
    (
        "retrieve message",
        lambda c, w: c.beta.threads.messages.retrieve("msg_nope", thread_id=w.done_thread_id),
        "No message found with id 'msg_nope'.",
    ),
    (
        "retrieve message through another thread",
        lambda c, w: c.beta.threads.messages.retrieve(w.user_message_id, thread_id=w.busy_thread_id),
        "No message found with id '{user_message}'.",
    ),
    (
        "delete message",
        lambda c, w: c.beta.threads.messages.delete("msg_nope", thread_id=w.done_thread_id),
        "No message found with id 'msg_nope'.",
    ),
]


@pytest.mark.parametrize(("call", "message"), [p[1:] for p in NOT_FOUND], ids=[p[0] for p in NOT_FOUND])
def test_unknown_id_is_404(
    fake_openai_client: openai.OpenAI,
    world: World,
    unchanged: Unchanged,
    served: list[ApiResponse],
    call: SdkCall,
    message: str,
) -> None:
    with unchanged():
        already = len(served)
        with pytest.raises(openai.NotFoundError) as info:
            call(fake_openai_client, world)
        assert len(served) == already + 1  # a 404 is never retried
    expected = message.format(busy_run=world.busy_run_id, user_message=world.user_message_id)
    assert_sdk_error(info.value, status=404, message=expected)


# --- 400: ids with the wrong prefix -------------------------------------------------------------------------------

WRONG_PREFIX: list[tuple[str, SdkCall, str, str]] = [
    (
        "thread 'undefined'",
        lambda c, w: c.beta.threads.retrieve("undefined"),
        "thread_id",
        "Invalid 'thread_id': 'undefined'. Expected an ID that begins with 'thread'.",
    ),
    (
        "thread id given as an assistant id",
        lambda c, w: c.beta.assistants.retrieve(w.done_thread_id),
        "assistant_id",
        "Invalid 'assistant_id': '{thread}'. Expected an ID that begins with 'asst'.",
    ),
    (
        "message id given as a run id",
        lambda c, w: c.beta.threads.runs.retrieve(w.user_message_id, thread_id=w.done_thread_id),
        "run_id",
        "Invalid 'run_id': '{message}'. Expected an ID that begins with 'run'.",
    ),
    (
        "run id given as a message id",
        lambda c, w: c.beta.threads.messages.retrieve(w.done_run_id, thread_id=w.done_thread_id),
        "message_id",
        "Invalid 'message_id': '{run}'. Expected an ID that begins with 'msg'.",
    ),
    (
        "'undefined' thread on a nested route",
        lambda c, w: c.beta.threads.messages.create("undefined", role="user", content="hi"),
        "thread_id",
        "Invalid 'thread_id': 'undefined'. Expected an ID that begins with 'thread'.",
    ),
]


@pytest.mark.parametrize(("call", "param", "template"), [p[1:] for p in WRONG_PREFIX], ids=[p[0] for p in WRONG_PREFIX])
def test_wrong_id_prefix_is_400(
    fake_openai_client: openai.OpenAI, world: World, unchanged: Unchanged, call: SdkCall, param: str, template: str
) -> None:
    with unchanged(), pytest.raises(openai.BadRequestError) as info:
        call(fake_openai_client, world)
    message = template.format(thread=world.done_thread_id, message=world.user_message_id, run=world.done_run_id)
    assert_sdk_error(info.value, status=400, param=param, code="invalid_value", message=message)


# --- 400: request bodies the SDK can send ---------------------------------------------------------------------------

BAD_BODIES: list[tuple[str, SdkCall, str, str, str | None]] = [
    (
        "unknown assistant field",
        lambda c, w: c.beta.assistants.create(model="gpt-4o", extra_body={"colour": "red"}),
        "colour",
        "unknown_parameter",
        "Unknown parameter: 'colour'.",
    ),
    (
        "unknown thread field",
        lambda c, w: c.beta.threads.update(w.done_thread_id, extra_body={"title": "x"}),
        "title",
        "unknown_parameter",
        "Unknown parameter: 'title'.",
    ),
    (
        "unknown message field",
        lambda c, w: c.beta.threads.messages.create(w.done_thread_id, role="user", content="x", extra_body={"x": 1}),
        "x",
        "unknown_parameter",
        "Unknown parameter: 'x'.",
    ),
    (
        "assistant metadata with 17 keys",
        lambda c, w: c.beta.assistants.create(model="gpt-4o", metadata=SEVENTEEN_KEYS),
        "metadata",
        "object_above_max_properties",
        TOO_MANY_KEYS,
    ),
    (
        "thread metadata with 17 keys",
        lambda c, w: c.beta.threads.update(w.done_thread_id, metadata=SEVENTEEN_KEYS),
        "metadata",
        "object_above_max_properties",
        TOO_MANY_KEYS,
    ),
    (
        "message metadata with 17 keys",
        lambda c, w: c.beta.threads.messages.create(
            w.done_thread_id, role="user", content="x", metadata=SEVENTEEN_KEYS
        ),
        "metadata",
        "object_above_max_properties",
        TOO_MANY_KEYS,
    ),
    (
        "run metadata with 17 keys",
        lambda c, w: c.beta.threads.runs.update(w.done_run_id, thread_id=w.done_thread_id, metadata=SEVENTEEN_KEYS),
        "metadata",
        "object_above_max_properties",
        TOO_MANY_KEYS,
    ),
    (
        "metadata value of 513 characters",
        lambda c, w: c.beta.assistants.update(w.assistant_id, metadata={"note": "v" * 513}),
        "metadata.note",
        "string_above_max_length",
        "Invalid 'metadata.note': string too long. Expected a string with maximum length 512, "
        "but got a string with length 513 instead.",
    ),
    (
        "name of 257 characters",
        lambda c, w: c.beta.assistants.create(model="gpt-4o", name="n" * 257),
        "name",
        "string_above_max_length",
        "Invalid 'name': string too long. Expected a string with maximum length 256, "
        "but got a string with length 257 instead.",
    ),
    (
        "assistant temperature above 2",
        lambda c, w: c.beta.assistants.create(model="gpt-4o", temperature=2.5),
        "temperature",
        "decimal_above_max_value",
        "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.",
    ),
    (
        "assistant temperature below 0",
        lambda c, w: c.beta.assistants.update(w.assistant_id, temperature=-0.5),
        "temperature",
        "decimal_below_min_value",
        "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -0.5 instead.",
    ),
    (
        "run temperature above 2",
        lambda c, w: c.beta.threads.runs.create(thread_id=w.done_thread_id, assistant_id=w.assistant_id, temperature=3),
        "temperature",
        "decimal_above_max_value",
        None,
    ),
    (
        "temperature of the wrong type",
        lambda c, w: c.beta.assistants.create(model="gpt-4o", temperature="hot"),  # type: ignore[arg-type]
        "temperature",
        "invalid_type",
        "Invalid type for 'temperature': expected a decimal, but got a string instead.",
    ),
]


@pytest.mark.parametrize(
    ("call", "param", "code", "message"), [p[1:] for p in BAD_BODIES], ids=[p[0] for p in BAD_BODIES]
)
def test_bad_body_is_400(
    fake_openai_client: openai.OpenAI,
    world: World,
    unchanged: Unchanged,
    call: SdkCall,
    param: str,
    code: str,
    message: str | None,
) -> None:
    with unchanged(), pytest.raises(openai.BadRequestError) as info:
        call(fake_openai_client, world)
    assert_sdk_error(info.value, status=400, param=param, code=code, message=message)


def test_bad_role_names_the_value(fake_openai_client: openai.OpenAI, world: World, unchanged: Unchanged) -> None:
    with unchanged(), pytest.raises(openai.BadRequestError) as info:
        fake_openai_client.beta.threads.messages.create(
            world.done_thread_id,
            role="system",  # type: ignore[arg-type]
            content="x",
        )
    assert_sdk_error(info.value, status=400, param="role", code="invalid_value")
    assert "'system'" in info.value.body["message"]  # type: ignore[index]


@pytest.mark.parametrize("endpoint", ["assistants", "messages", "runs"])
@pytest.mark.parametrize(
    ("limit", "code", "message"),
    [
        (
            101,
            "integer_above_max_value",
            "Invalid 'limit': integer above maximum value. Expected a value <= 100, but got 101 instead.",
        ),
        (
            0,
            "integer_below_min_value",
            "Invalid 'limit': integer below minimum value. Expected a value >= 1, but got 0 instead.",
        ),
    ],
    ids=["limit=101", "limit=0"],
)
def test_list_limit_out_of_range(
    fake_openai_client: openai.OpenAI,
    world: World,
    unchanged: Unchanged,
    endpoint: str,
    limit: int,
    code: str,
    message: str,
) -> None:
    lists: dict[str, Callable[[], object]] = {
        "assistants": lambda: fake_openai_client.beta.assistants.list(limit=limit),
        "messages": lambda: fake_openai_client.beta.threads.messages.list(world.done_thread_id, limit=limit),
        "runs": lambda: fake_openai_client.beta.threads.runs.list(world.done_thread_id, limit=limit),
    }
    with unchanged(), pytest.raises(openai.BadRequestError) as info:
        lists[endpoint]()
    assert_sdk_error(info.value, status=400, param="limit", code=code, message=message)


def test_list_limit_bounds_are_accepted(fake_openai_client: openai.OpenAI, world: World) -> None:
    assert len(fake_openai_client.beta.threads.messages.list(world.done_thread_id, limit=1).data) == 1
    assert len(fake_openai_client.beta.threads.messages.list(world.done_thread_id, limit=100).data) == 2


def test_list_order_must_be_asc_or_desc(fake_openai_client: openai.OpenAI, world: World, unchanged: Unchanged) -> None:
    with unchanged(), pytest.raises(openai.BadRequestError) as info:
        fake_openai_client.beta.assistants.list(order="sideways")  # type: ignore[arg-type]
    assert_sdk_error(info.value, status=400, param="order", code="invalid_value")


# --- 400: what only raw HTTP can send -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "param"),
    [("/assistants", "model"), ("/threads/{done}/runs", "assistant_id"), ("/threads/{done}/messages", "role")],
)
def test_missing_required_parameter(http: Any, world: World, unchanged: Unchanged, path: str, param: str) -> None:
    with unchanged():
        response = http.post(path.format(done=world.done_thread_id), json={})
    assert_http_error(
        response,
        status=400,
        param=param,
        code="missing_required_parameter",
        message=f"Missing required parameter: '{param}'.",
    )


def test_missing_parameter_is_reported_before_unknown_ones(http: Any, world: World, unchanged: Unchanged) -> None:
    with unchanged():
        response = http.post("/assistants", json={"colour": "red"})
    assert_http_error(response, status=400, param="model", code="missing_required_parameter")


@pytest.mark.parametrize("path", ["/assistants", "/threads", "/threads/{done}/messages", "/threads/{done}/runs"])
def test_invalid_json_body(http: Any, world: World, unchanged: Unchanged, path: str) -> None:
    with unchanged():
        response = http.post(
            path.format(done=world.done_thread_id),
            content=b'{"model": "gpt-4o",',
            headers={"content-type": "application/json"},
        )
    assert_http_error(response, status=400, message=BAD_JSON_MESSAGE)


def test_body_that_is_not_an_object(http: Any, world: World, unchanged: Unchanged) -> None:
    with unchanged():
        response = http.post("/threads", content=json.dumps([{"role": "user"}]).encode())
    assert_http_error(response, status=400, code="invalid_type")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/assistants"),
        ("POST", "/assistants"),
        ("GET", "/threads/{done}"),
        ("POST", "/threads/{done}/messages"),
        ("GET", "/threads/{done}/runs"),
    ],
)
@pytest.mark.parametrize("beta", [None, ""], ids=["absent", "empty"])
def test_missing_beta_header(
    fake_assistants: FakeAssistants, world: World, unchanged: Unchanged, method: str, path: str, beta: str | None
) -> None:
    headers = {"Authorization": "Bearer sk-x"}
    if beta is not None:
        headers["OpenAI-Beta"] = beta
    body = {"model": "gpt-4o"} if path == "/assistants" else {"role": "user", "content": "x"}
    transport = fake_assistants.transport(HTTP)
    with HTTP.Client(transport=transport, base_url=BASE_URL, headers=headers) as raw, unchanged():
        response = raw.request(method, path.format(done=world.done_thread_id), json=body if method == "POST" else None)
    assert response.request.headers.get("OpenAI-Beta") == beta
    assert_http_error(response, status=400, code="invalid_beta", message=BETA_MESSAGE)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nope"),
        ("GET", "/threads"),  # there is no list-threads operation
        ("DELETE", "/threads/{done}/runs"),
        ("PUT", "/assistants"),
        ("POST", "/assistants/{assistant}/tools"),
    ],
)
def test_unknown_url_is_404(http: Any, world: World, unchanged: Unchanged, method: str, path: str) -> None:
    path = path.format(done=world.done_thread_id, assistant=world.assistant_id)
    with unchanged():
        response = http.request(method, path)
    assert_http_error(response, status=404, message=f"Invalid URL ({method} /v1{path})")


# --- 400: conflicts with an active or finished run -------------------------------------------------------------------


def test_second_run_while_one_is_active(fake_openai_client: openai.OpenAI, world: World, unchanged: Unchanged) -> None:
    with unchanged(), pytest.raises(openai.BadRequestError) as info:
        fake_openai_client.beta.threads.runs.create(
            thread_id=world.busy_thread_id,
            assistant_id=world.assistant_id,
            additional_messages=[{"role": "user", "content": "and another thing"}],
        )
    assert_sdk_error(
        info.value,
        status=400,
        message=f"Thread {world.busy_thread_id} already has an active run {world.busy_run_id}.",
    )


def test_message_while_a_run_is_active(fake_openai_client: openai.OpenAI, world: World, unchanged: Unchanged) -> None:
    with unchanged(), pytest.raises(openai.BadRequestError) as info:
        fake_openai_client.beta.threads.messages.create(world.busy_thread_id, role="user", content="hurry up")
    assert_sdk_error(
        info.value,
        status=400,
        message=f"Can't add messages to {world.busy_thread_id} while a run {world.busy_run_id} is active.",
    )


def test_cancel_a_completed_run(fake_openai_client: openai.OpenAI, world: World, unchanged: Unchanged) -> None:
    with unchanged(), pytest.raises(openai.BadRequestError) as info:
        fake_openai_client.beta.threads.runs.cancel(world.done_run_id, thread_id=world.done_thread_id)
    assert_sdk_error(info.value, status=400, message="Cannot cancel run with status 'completed'.")


def test_cancel_a_run_that_is_already_cancelling(
    fake_openai_client: openai.OpenAI, world: World, unchanged: Unchanged
) -> None:
    run = fake_openai_client.beta.threads.runs.cancel(world.busy_run_id, thread_id=world.busy_thread_id)
    assert run.status == "cancelling"
    with unchanged(), pytest.raises(openai.BadRequestError) as info:
        fake_openai_client.beta.threads.runs.cancel(world.busy_run_id, thread_id=world.busy_thread_id)
    assert_sdk_error(info.value, status=400, message="Cannot cancel run with status 'cancelling'.")


# --- 5xx: unimplemented routes and emulator bugs ---------------------------------------------------------------------


@pytest.fixture
def unbuilt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Routes as if these operations had no handler yet (every spec operation may be built by now)."""
    gone = {"createFile", "downloadFile", "createThreadAndRun", "listVectorStores"}
    table = tuple(
        dataclasses.replace(route, handler=None) if route.operation_id in gone else route for route in routes.ROUTES
    )
    monkeypatch.setattr(routes, "ROUTES", table)


@pytest.mark.parametrize(
    ("method", "path", "beta"),
    [
        ("POST", "/files", False),  # files calls carry no OpenAI-Beta header
        ("GET", "/files/file-abc/content", False),
        ("POST", "/threads/runs", True),
        ("GET", "/vector_stores", True),
    ],
)
@pytest.mark.usefixtures("unbuilt")
def test_unimplemented_route_is_501(
    fake_assistants: FakeAssistants, world: World, unchanged: Unchanged, method: str, path: str, beta: bool
) -> None:
    headers = {"Authorization": "Bearer sk-x", **({"OpenAI-Beta": "assistants=v2"} if beta else {})}
    transport = fake_assistants.transport(HTTP)
    with HTTP.Client(transport=transport, base_url=BASE_URL, headers=headers) as raw, unchanged():
        response = raw.request(method, path, content=b"irrelevant")
    assert_http_error(response, status=501, type="server_error", code="not_implemented")
    assert response.headers["x-should-retry"] == "false"


@pytest.mark.usefixtures("unbuilt")
def test_unimplemented_route_through_the_sdk_is_not_retried(
    fake_openai_client: openai.OpenAI, world: World, unchanged: Unchanged, served: list[ApiResponse]
) -> None:
    assert fake_openai_client.max_retries == 2
    with unchanged():
        already = len(served)
        with pytest.raises(openai.InternalServerError) as info:
            fake_openai_client.files.create(file=("notes.txt", b"hello"), purpose="assistants")
        assert len(served) == already + 1
    assert_sdk_error(info.value, status=501, type="server_error", code="not_implemented")
    assert info.value.response.headers["x-should-retry"] == "false"


def test_internal_bug_is_500_and_not_retried(
    fake_openai_client: openai.OpenAI,
    world: World,
    unchanged: Unchanged,
    served: list[ApiResponse],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def broken_step(backend: object, run: object, now: int) -> bool:
        calls.append(getattr(run, "id", "?"))
        raise RuntimeError("the engine exploded")

    monkeypatch.setattr("fake_assistants.runs.engine.step", broken_step)
    assert fake_openai_client.max_retries == 2
    with unchanged():
        already = len(served)
        with pytest.raises(openai.InternalServerError) as info:
            fake_openai_client.beta.threads.runs.retrieve(world.busy_run_id, thread_id=world.busy_thread_id)
        assert len(served) == already + 1
    assert calls == [world.busy_run_id]
    assert_sdk_error(info.value, status=500, type="server_error")
    assert "RuntimeError: the engine exploded" in info.value.body["message"]  # type: ignore[index]
    assert info.value.response.headers["x-should-retry"] == "false"


def test_internal_bug_in_a_backend_operation_is_500(
    http: Any, world: World, unchanged: Unchanged, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_create(*args: object, **kwargs: object) -> None:
        raise KeyError("lost")

    monkeypatch.setattr("fake_assistants.backend.assistants.create_assistant", broken_create)
    with unchanged():
        response = http.post("/assistants", json={"model": "gpt-4o"})
    error = assert_http_error(response, status=500, type="server_error")
    assert "KeyError" in error["message"]
    assert response.headers["x-should-retry"] == "false"


def test_beta_header_may_list_several_betas(fake_assistants: FakeAssistants) -> None:
    headers = {"OpenAI-Beta": "realtime=v1, assistants=v2", "Authorization": "Bearer sk-x"}
    with HTTP.Client(transport=fake_assistants.transport(HTTP), base_url=BASE_URL, headers=headers) as raw:
        assert raw.post("/assistants", json={"model": "gpt-4o"}).status_code == 200


def test_paths_outside_v1_are_invalid_urls(fake_assistants: FakeAssistants) -> None:
    response = fake_assistants.handle(ApiRequest("GET", "/assistants", headers={"openai-beta": "assistants=v2"}))
    assert response.status == 404
    assert json.loads(response.body)["error"]["message"] == "Invalid URL (GET /assistants)"
