"""Issue 25: hostile input, round two. Nothing is stored that cannot be served, no small body stalls the server,
untrusted files stay harmless. Each test names the reproduction it answers."""

from __future__ import annotations

import base64
import gzip
import http.client
import json
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
import openai
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants
from fake_assistants.api.wire import ApiRequest, Interrupted
from fake_assistants.backend.snapshot_check import problems
from fake_assistants.cli import main
from fake_assistants.errors import NO_KEY_MESSAGE
from fake_assistants.schemas.validation import MAX_INTEGER, check_json_limits
from fake_assistants.script.files import ScriptFileError, parse_script
from fake_assistants.server.app import EmulatorApp
from fake_assistants.world.source import WorldError, read_text

from ..support import HEADERS
from .crafted import STATE_CORPUS

pytestmark = pytest.mark.fake_assistants(seed=1)


def objects(fake: FakeAssistants) -> dict[str, Any]:
    state = fake.snapshot()
    state["ids"] = {kind: count for kind, count in state["ids"].items() if kind != "req"}
    return state


def raw(fake: FakeAssistants, method: str, path: str, body: bytes, headers: dict[str, str] = HEADERS) -> Any:
    response = fake.handle(ApiRequest(method, path, headers=headers, body=body))
    return response.status, json.loads(response.body)


def test_an_integer_past_64_bits_is_a_400_and_stores_nothing(fake: FakeAssistants, client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create()
    before = objects(fake)
    with pytest.raises(openai.BadRequestError) as caught:
        client.beta.threads.runs.create(thread.id, assistant_id=assistant.id, max_prompt_tokens=2**70)
    assert caught.value.code == "integer_above_max_value"
    assert caught.value.param == "max_prompt_tokens"
    function: Any = {"name": "f", "parameters": {"type": "object", "maximum": 2**70}}
    with pytest.raises(openai.BadRequestError) as caught:
        client.beta.assistants.create(model="gpt-4o", tools=[{"type": "function", "function": function}])
    assert caught.value.param == "tools[0].function.parameters.maximum"
    assert objects(fake) == before
    assert len(client.beta.threads.runs.list(thread.id).data) == 0
    client.beta.assistants.create(model="gpt-4o", metadata={"k": "v"}, temperature=1)  # the bound itself is fine


def test_the_64_bit_bounds_are_inclusive(fake: FakeAssistants) -> None:
    status, _ = raw(
        fake,
        "POST",
        "/v1/assistants",
        b'{"model": "gpt-4o", "tools": [{"type": "function", '
        b'"function": {"name": "f", "parameters": {"maximum": %d, "minimum": %d}}}]}' % (MAX_INTEGER, -MAX_INTEGER - 1),
    )
    assert status == 200
    status, body = raw(
        fake,
        "POST",
        "/v1/assistants",
        b'{"model": "gpt-4o", "tools": [{"type": "function", '
        b'"function": {"name": "f", "parameters": {"minimum": %d}}}]}' % (-MAX_INTEGER - 2),
    )
    assert (status, body["error"]["code"]) == (400, "integer_below_min_value")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/threads", b'{"metadata": {"k": "a\\ud800b"}}'),
        ("/v1/threads", b'{"metadata": {"\\udc00": "v"}}'),
        ("/v1/assistants", b'{"model": "gpt-4o", "name": "\\udfff"}'),
    ],
)
def test_a_lone_surrogate_is_a_400_and_stores_nothing(fake: FakeAssistants, path: str, body: bytes) -> None:
    before = objects(fake)
    status, answer = raw(fake, "POST", path, body)
    assert status == 400 and "UTF-8" in answer["error"]["message"]
    assert objects(fake) == before


def test_a_lone_surrogate_in_a_body_id_is_a_400(fake: FakeAssistants, client: openai.OpenAI) -> None:
    thread = client.beta.threads.create()
    status, answer = raw(fake, "POST", f"/v1/threads/{thread.id}/runs", b'{"assistant_id": "asst_\\ud800"}')
    assert status == 400 and answer["error"]["param"] == "assistant_id"


def test_an_answer_that_cannot_be_encoded_is_undone(
    fake: FakeAssistants, client: openai.OpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last line of defence: the request's writes are rolled back and the answer is the 500 envelope."""
    from fake_assistants.api import router

    encode = router.jsoncodec.dumps

    def refuse(value: Any) -> bytes:
        if value.get("object") == "assistant":
            raise TypeError("Integer exceeds 64-bit range")
        return encode(value)

    with monkeypatch.context() as patched:  # only this request: the fixtures' own patches stay
        patched.setattr(router.jsoncodec, "dumps", refuse)
        status, answer = raw(fake, "POST", "/v1/assistants", b'{"model": "gpt-4o"}')
    assert status == 500 and answer["error"]["type"] == "server_error"
    assert client.beta.assistants.list().data == []


def test_the_json_limits_are_linear_and_come_after_the_key(fake: FakeAssistants) -> None:
    hostile = b"[" * 101 + b'"\\' * 200_000  # 400 KB: quadratic before, minutes
    status, _ = raw(fake, "POST", "/v1/threads", hostile, headers={"openai-beta": "assistants=v2"})
    assert status == 401  # the real API authenticated first
    status, _ = raw(fake, "POST", "/v1/threads", hostile)
    assert status == 400
    check_json_limits(b"[" * 100 + b"]" * 100)
    with pytest.raises(Exception, match="levels deep"):
        check_json_limits(b"[" * 100_000 + b"]" * 100_000)


_leaf = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from(["\ud800", "a\udfffb", "ok", 2**63, -(2**63) - 1]),
    st.booleans(),
    st.none(),
)
_json = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=8,
)

_CREATES = [
    ("POST", "/v1/assistants", {"model": "gpt-4o"}, ["metadata", "name", "temperature", "response_format"]),
    ("POST", "/v1/threads", {}, ["metadata"]),
    ("POST", "/v1/vector_stores", {}, ["metadata", "name"]),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.integers(0, len(_CREATES) - 1), field=st.integers(0, 3), value=_json, deep=st.integers(0, 150))
def test_random_values_never_store_the_unservable(
    fake: FakeAssistants, which: int, field: int, value: Any, deep: int
) -> None:
    """Random JSON (big integers, lone surrogates, deep nesting) into create and modify: never a 5xx, every list
    answers, and the state always saves."""
    method, path, base, fields = _CREATES[which]
    name = fields[field % len(fields)]
    for _ in range(deep % 120):
        value = [value]
    body = json.dumps({**base, name: value}).encode()
    status, created = raw(fake, method, path, body)
    assert status < 500
    if status == 200:
        status, _ = raw(fake, "POST", f"{path}/{created['id']}", json.dumps({"metadata": {"k": value}}).encode())
        assert status < 500
    for listed in ("/v1/assistants", "/v1/vector_stores", "/v1/files"):
        assert raw(fake, "GET", listed, b"")[0] == 200
    json.dumps(fake.snapshot(), allow_nan=False).encode("utf-8")


# --- faults that wait ----------------------------------------------------------------------------------------------


def test_a_latency_fault_past_its_bound_is_refused() -> None:
    fake = FakeAssistants()
    with pytest.raises(ValueError, match="at most 60000"):
        fake.faults.latency(ms=10**30)
    with pytest.raises(ValueError, match="at most 60000"):
        fake.faults.latency(ms=[0, 60_001])
    status, answer = raw(fake, "POST", "/__fake__/faults", b'{"fault": "latency", "ms": 1000000000000}')
    assert status == 400 and "at most 60000" in answer["error"]["message"]
    assert len(fake.faults) == 0


def test_a_waiting_request_holds_neither_the_event_loop_nor_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 25: a 1.5 s latency fault on /v1/files delayed an unrelated GET by 1.25 s. The delayed request here
    waits until the unrelated one has been answered: before, the unrelated one never was (the client timed out)."""
    from fake_assistants.frontdoor import faults as fault_module

    fake = FakeAssistants()
    released = threading.Event()
    waiting = threading.Event()

    real_sleep = time.sleep

    def sleep(seconds: float) -> None:  # the fault's wait, held until the test lets it go
        if seconds != 1.5:
            return real_sleep(seconds)
        waiting.set()
        released.wait(30)
        return None

    monkeypatch.setattr(fault_module.time, "sleep", sleep)
    fake.faults.latency(ms=1500, path="/v1/files")
    with fake.serve() as url, openai.OpenAI(base_url=url, api_key="sk-test", max_retries=0, timeout=20) as sdk:
        delayed = threading.Thread(target=sdk.files.list)
        delayed.start()
        try:
            assert waiting.wait(20)
            assert sdk.beta.assistants.list().data == []  # answered while the other request waits
        finally:
            released.set()
            delayed.join(30)


# --- untrusted files ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(STATE_CORPUS))
def test_a_crafted_state_document_is_refused_with_the_documented_error(
    name: str, fake: FakeAssistants, client: openai.OpenAI
) -> None:
    """What ``FakeAssistants.restore`` checks before it builds anything (``SnapshotError``: "the snapshot is
    damaged: " and these lines)."""
    client.beta.assistants.create(model="gpt-4o")
    client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    document = fake.snapshot()
    assert problems(document) == []
    STATE_CORPUS[name](document)
    assert problems(document)


def _har(path: Path, objects: list[Any], content: dict[str, Any] | None = None) -> str:
    entries = [
        {
            "request": {"method": "GET", "url": "https://api.openai.com/v1/threads/thread_1/runs/run_1", "headers": []},
            "response": {
                "status": 200,
                "headers": [],
                "content": content or {"mimeType": "application/json", "text": json.dumps(obj)},
            },
        }
        for obj in objects
    ]
    path.write_text(json.dumps({"log": {"entries": entries}}))
    return str(path)


def _run(**fields: Any) -> dict[str, Any]:
    run = {"object": "thread.run", "id": "run_1", "status": "completed", "assistant_id": "a", "thread_id": "t"}
    return run | fields


def test_a_recorded_id_cannot_write_keys_into_the_generated_script(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recording = _har(tmp_path / "run.har", [_run(id="run_1\nfaults:\n- fault: server_error\nstrict: false\n#")])
    assert main(["import", recording]) == 0
    out, err = capsys.readouterr()
    document = yaml.safe_load(out)
    assert set(document) == {"turns"}  # no faults:, no strict:
    assert "run_1\\nfaults:" in out and len(err.strip().splitlines()) == 1


def _yaml_bomb() -> str:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(6):
        name, below = chr(98 + level), chr(97 + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + below] * 9)}]")
    return "\n".join([*lines, "interactions: [*g]", ""])  # 4.8 M values from a few hundred bytes


def _gzip_bomb() -> dict[str, Any]:
    packed = gzip.compress(b"{" + b" " * (40 * 1024 * 1024) + b"}")
    return {"mimeType": "application/json", "encoding": "base64", "text": base64.b64encode(packed).decode()}


RECORDING_CORPUS: dict[str, tuple[str, Any]] = {
    "vcr aliases expanding to millions": ("bomb.yaml", _yaml_bomb),
    "YAML nested 100 000 deep": ("deep.yaml", lambda: "interactions: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    "HAR nested 100 000 deep": ("deep.har", lambda: '{"log": {"entries": ' + "[" * 100_000 + "]" * 100_000 + "}}"),
    "shared JSON nested 100 000 deep": ("deep.json", lambda: '{"interactions": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    "required_action a string": ("shape.har", lambda: [_run(status="requires_action", required_action="x")]),
    "a gzip bomb": ("gzip.har", lambda: [_gzip_bomb()]),
}


@pytest.mark.parametrize("name", sorted(RECORDING_CORPUS))
def test_a_crafted_recording_is_one_line_and_exit_2(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file_name, make = RECORDING_CORPUS[name]
    made = make()
    path = tmp_path / file_name
    if isinstance(made, str):
        path.write_text(made)
    elif "mimeType" in made[0]:
        _har(path, [{}], content=made[0])
    else:
        _har(path, made)
    start = time.perf_counter()
    assert main(["import", str(path)]) == 2
    elapsed = time.perf_counter() - start
    _, err = capsys.readouterr()
    assert err.startswith("fake-assistants import: ") and len(err.strip().splitlines()) == 1, err
    assert elapsed < 1.0  # PyYAML alone took a second or two on a cassette nested 100 000 deep


@pytest.mark.parametrize(
    "text", ["turns: !!python/object:os.system {a: 1}\n", "turns: !!set {a: null}\n", "turns:\n- !!set {a: null}\n"]
)
def test_a_tag_on_a_mapping_in_a_script_file_is_the_documented_error(text: str) -> None:
    with pytest.raises(ScriptFileError, match=r"^x\.yaml: "):
        parse_script(text, source="x.yaml")


# --- the smaller items -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{"x-a": "1\r\nset-cookie: evil"}, {"x a": "1"}, {"x-a": "1\n"}, {"": "1"}, {"x-a:": "1"}],
)
def test_an_error_fault_refuses_headers_the_wire_cannot_carry(headers: dict[str, str]) -> None:
    fake = FakeAssistants()
    with pytest.raises(ValueError, match="header"):
        fake.faults.error(status=500, headers=headers)
    assert len(fake.faults) == 0
    fake.faults.error(status=500, headers={"x-ok": "a value; with\ttab"})


@pytest.mark.parametrize(
    ("path", "query"),
    [("/__fake__/ui/", [("poll", "²")]), ("/__fake__/ui/requests/²", []), ("/__fake__/ui/", [("poll", "9" * 5000)])],
)
def test_the_inspector_reads_only_ascii_numbers(fake: FakeAssistants, path: str, query: list[tuple[str, str]]) -> None:
    """``?poll=%C2%B2`` and ``/requests/%C2%B2`` answered 500: ``"²".isdigit()`` is true, ``int("²")`` fails."""
    response = fake.handle(ApiRequest("GET", path, headers={"accept": "text/html"}, query=query))
    assert response.status < 500


def test_a_tenant_sees_only_the_faults_that_name_its_own_objects() -> None:
    fake = FakeAssistants()
    fake.require_api_key("sk-alice", "sk-bob")
    fake.isolate_keys()
    alice = fake.client(api_key="sk-alice").beta.threads.create()
    bob = fake.client(api_key="sk-bob").beta.threads.create()
    fake.faults.server_error(path=f"/v1/threads/{alice.id}/runs")
    fake.faults.server_error(path=f"/v1/threads/{bob.id}/runs")
    fake.faults.latency(ms=5, path="/v1/files")

    def faults(key: str) -> str:
        status, listed = raw(fake, "GET", "/__fake__/faults", b"", headers={"authorization": f"Bearer {key}"})
        assert status == 200
        return json.dumps(listed)

    as_bob = faults("sk-bob")
    assert alice.id not in as_bob and bob.id in as_bob and "/v1/files" in as_bob
    assert alice.id in faults("sk-alice") and bob.id not in faults("sk-alice")


def test_the_control_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import hmac

    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    fake = FakeAssistants()
    fake.protect_control(token="tok-secret")
    status, _ = raw(fake, "GET", "/__fake__/state", b"", headers={"authorization": "Bearer tok-guess"})
    assert status in (401, 403)
    status, _ = raw(fake, "GET", "/__fake__/state", b"", headers={"authorization": "Bearer tok-secret"})
    assert status == 200
    assert (b"tok-guess", b"tok-secret") in compared


def test_a_stream_the_client_stops_reading_is_finished_and_frees_its_thread(
    fake: FakeAssistants, client: openai.OpenAI
) -> None:
    """A client that stops reading without hanging up kept its run in_progress and the thread locked for as long
    as it held the socket. Here the ASGI ``send`` never returns once two events are out: the emulator gives up on
    it after its stall timeout and the run plays on to its end, as the real API's did."""
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    body = json.dumps({"assistant_id": assistant.id, "stream": True}).encode()
    path = f"/v1/threads/{thread.id}/runs"
    headers = [(name.encode(), value.encode()) for name, value in HEADERS.items()]
    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "query_string": b""}
    scope |= {"headers": [*headers, (b"content-length", str(len(body)).encode())], "http_version": "1.1"}
    never = anyio.Event()
    received: list[bool] = []
    sent: list[str] = []

    async def receive() -> dict[str, Any]:
        if not received:
            received.append(True)
            return {"type": "http.request", "body": body, "more_body": False}
        await never.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message["type"])
        if len(sent) > 2:
            await never.wait()  # the client stops reading, and holds on to its socket

    async def serve() -> None:
        with anyio.fail_after(20), pytest.raises(Interrupted):
            await EmulatorApp(fake, stall_timeout=0.01)(scope, receive, send)

    anyio.run(serve)
    assert [run.status for run in client.beta.threads.runs.list(thread.id)] == ["completed"]
    client.beta.threads.messages.create(thread.id, role="user", content="the thread is free")


@pytest.mark.parametrize(
    "text",
    [
        "assistants:\n- id: asst_1\n  model: gpt-4o\n  metadata: {k: 1180591620717411303424}\n",
        'assistants:\n- id: asst_1\n  model: gpt-4o\n  name: "a\\ud800b"\n',
    ],
)
def test_a_world_file_holding_what_could_never_be_served_is_refused(text: str) -> None:
    with pytest.raises(WorldError, match=r"^w\.yaml: .*assistants\[0\]"):
        read_text(text, "w.yaml")


def test_a_body_without_a_key_is_never_read(fake: FakeAssistants, server_url: str) -> None:
    """The real API authenticated first: a request that announces 30 MB and sends none of it, with no key, gets its
    401 at once (before, the server waited for the body, then its JSON checks ran before authentication)."""
    parts = urlsplit(server_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.putrequest("POST", "/v1/threads")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(30 * 1024 * 1024))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 401
        assert json.loads(response.read())["error"]["message"] == NO_KEY_MESSAGE
    finally:
        connection.close()
    assert fake.snapshot()["threads"] == []
