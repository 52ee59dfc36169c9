"""The control API is closed to strangers: foreign hosts and origins, non-JSON writes, missing credentials, and
tenants reading or wiping what is not theirs (``fake_assistants.control.access``). Raw HTTP is used where the
point is a header no SDK would send."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
from typing import Any
from urllib.parse import urlsplit

import openai
import pytest

from fake_assistants import FakeAssistants
from fake_assistants.api.wire import ApiRequest
from fake_assistants.clock import LATEST, ManualClock
from fake_assistants.control.access import bind_check, is_loopback
from fake_assistants.server import ThreadedServer

ALICE, BOB, TOKEN = "sk-alice-000000000000", "sk-bob-0000000000000", "control-secret-1"
JSON = {"Content-Type": "application/json"}

pytestmark = [pytest.mark.fake_assistants(seed=3), pytest.mark.manual_clock()]


def call(
    url: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """A raw HTTP request to the control API; ``headers`` may replace ``Host``."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        headers = dict(headers or {})
        data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
        skip_host = "Host" in headers
        connection.putrequest(method, f"/__fake__{path}", skip_host=skip_host, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        if data is not None:
            connection.putheader("Content-Length", str(len(data)))
        connection.endheaders(data)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def queue_and_objects(fake: FakeAssistants) -> tuple[int, int, int]:
    state = fake.snapshot()
    return len(fake.script.pending), len(state["assistants"]), fake.clock.now()


def test_a_foreign_origin_a_foreign_host_and_a_text_body_get_a_4xx_and_change_nothing(
    fake: FakeAssistants, server_url: str
) -> None:
    fake.client().beta.assistants.create(model="gpt-4o")
    fake.script.reply("queued before")
    before = queue_and_objects(fake)
    turn = {"turns": [{"reply": "injected"}]}
    attempts = [
        ("/reset", {}, {**JSON, "Origin": "https://evil.example"}, 403, "origin_not_allowed"),
        ("/script", turn, {**JSON, "Origin": "null"}, 403, "origin_not_allowed"),
        ("/reset", {}, {**JSON, "Host": "evil.example:8000"}, 403, "host_not_allowed"),
        ("/clock/advance", {"seconds": 60}, {**JSON, "Host": "rebound.example"}, 403, "host_not_allowed"),
        ("/script", turn, {"Content-Type": "text/plain"}, 415, "unsupported_media_type"),
        ("/reset", b"", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
        ("/reset", b"", {}, 415, "unsupported_media_type"),
    ]
    for path, body, headers, status, code in attempts:
        got, answer = call(server_url, "POST", path, body, headers)
        assert (got, answer["error"]["code"]) == (status, code), (path, headers)
        assert set(answer["error"]) == {"message", "type", "param", "code"}
        assert queue_and_objects(fake) == before
    status, answer = call(server_url, "GET", "/state", headers={"Host": "attacker.example"})  # DNS rebinding
    assert status == 403 and "assistants" not in answer


def test_its_own_origin_loopback_hosts_and_configured_hosts_are_served(fake: FakeAssistants, server_url: str) -> None:
    own = server_url.removesuffix("/v1")
    port = urlsplit(server_url).port
    assert call(server_url, "POST", "/clock/advance", {"seconds": 1}, {**JSON, "Origin": own})[0] == 200
    assert call(server_url, "GET", "/requests", headers={"Host": f"localhost:{port}"})[0] == 200
    assert call(server_url, "GET", "/requests", headers={"Host": f"[::1]:{port}"})[0] == 200
    assert call(server_url, "GET", "/requests", headers={"Host": "app.localhost"})[0] == 200
    assert call(server_url, "GET", "/requests", headers={"Host": "emulator.internal:80"})[0] == 403
    fake.protect_control(hosts=["Emulator.Internal"])
    assert call(server_url, "GET", "/requests", headers={"Host": "emulator.internal:80"})[0] == 200
    origin = {**JSON, "Host": "emulator.internal", "Origin": "http://emulator.internal:3000"}
    assert call(server_url, "POST", "/clock/advance", {"seconds": 1}, origin)[0] == 200


def test_the_control_token_is_required_once_set(fake: FakeAssistants, server_url: str) -> None:
    fake.protect_control(token=TOKEN)
    fake.script.reply("kept")
    status, answer = call(server_url, "POST", "/reset", {}, JSON)
    assert status == 401 and "didn't provide an API key" in answer["error"]["message"]
    status, answer = call(server_url, "POST", "/reset", {}, {**JSON, "Authorization": "Bearer sk-guess"})
    assert (status, answer["error"]["code"]) == (403, "control_token_required")
    assert len(fake.script.pending) == 1
    assert call(server_url, "POST", "/reset", {}, {**JSON, "Authorization": f"Bearer {TOKEN}"}) == (
        200,
        {"reset": True, "seed": 3},
    )
    assert fake.script.pending == ()


def test_api_keys_are_the_credential_without_a_token(fake: FakeAssistants, server_url: str) -> None:
    fake.require_api_key(ALICE)
    fake.script.reply("kept")
    assert call(server_url, "POST", "/reset", {}, JSON)[0] == 401
    status, answer = call(server_url, "POST", "/reset", {}, {**JSON, "Authorization": f"Bearer {BOB}"})
    assert (status, answer["error"]["code"]) == (401, "invalid_api_key")
    assert len(fake.script.pending) == 1
    assert call(server_url, "POST", "/reset", {}, {**JSON, "Authorization": f"Bearer {ALICE}"})[0] == 200
    assert fake.script.pending == ()


def test_under_isolation_a_key_sees_only_its_own_state_and_log_and_cannot_wipe_others(
    fake: FakeAssistants, server_url: str
) -> None:
    """Issue 15's reproduction: /__fake__/state showed every tenant's objects, file bytes included, and
    /__fake__/reset wiped everyone, even with --api-key and --isolate-keys."""
    fake.require_api_key(ALICE, BOB)
    fake.isolate_keys()
    fake.progression = "manual"
    alice = openai.OpenAI(base_url=server_url, api_key=ALICE)  # real shapes: not the SDK's strict models
    bob = openai.OpenAI(base_url=server_url, api_key=BOB)
    secret = alice.files.create(file=("secret.txt", b"alice's secret"), purpose="assistants")
    assistant = alice.beta.assistants.create(model="gpt-4o")
    thread = alice.beta.threads.create(messages=[{"role": "user", "content": "private words"}])
    run = alice.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    bobs = bob.beta.assistants.create(model="gpt-4o", name="Bob's")
    as_bob = {"Authorization": f"Bearer {BOB}"}
    status, state = call(server_url, "GET", "/state", headers=as_bob)
    assert status == 200
    assert [a["id"] for a in state["assistants"]] == [bobs.id]
    assert state["files"] == state["threads"] == state["messages"] == state["runs"] == []
    assert "private words" not in json.dumps(state) and "script" not in state
    status, log = call(server_url, "GET", "/requests", headers=as_bob)
    assert [(e["method"], e["path"]) for e in log["data"]] == [("POST", "/v1/assistants")]
    assert "key" not in log["data"][0]
    for path, body in [("/reset", {}), ("/seed", {"seed": 1}), ("/clock/advance", {"seconds": 5})]:
        status, answer = call(server_url, "POST", path, body, {**JSON, **as_bob})
        assert (status, answer["error"]["code"]) == (403, "control_token_required")
    status, _ = call(server_url, "POST", f"/runs/{run.id}/advance", {}, {**JSON, **as_bob})
    assert status == 404 and fake.snapshot()["runs"][0]["status"] == "queued"
    assert call(server_url, "POST", f"/runs/{run.id}/advance", {}, {**JSON, "Authorization": f"Bearer {ALICE}"}) == (
        200,
        {"id": run.id, "status": "in_progress"},
    )
    assert call(server_url, "GET", "/state")[0] == 401
    assert alice.files.content(secret.id).read() == b"alice's secret"  # nothing was wiped
    fake.protect_control(token=TOKEN)
    status, everything = call(server_url, "GET", "/state", headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200 and {a["id"] for a in everything["assistants"]} == {assistant.id, bobs.id}
    alice.close()
    bob.close()


def test_in_process_clients_and_python_callers_still_reach_it(fake: FakeAssistants) -> None:
    fake.script.reply("queued")
    response = fake.handle(ApiRequest("POST", "/__fake__/reset", headers={"content-type": "application/json"}))
    assert response.status == 200 and fake.script.pending == ()
    response = fake.handle(ApiRequest("GET", "/__fake__/state", headers={"host": "fake-assistants.invalid"}))
    assert response.status == 200


def test_control_errors_use_the_error_envelope(fake: FakeAssistants) -> None:
    response = fake.handle(ApiRequest("POST", "/__fake__/clock/advance", headers=JSON_LOWER, body=b"[1]"))
    assert response.status == 400 and json.loads(response.body)["error"]["type"] == "invalid_request_error"


JSON_LOWER = {"content-type": "application/json"}


# --- the clock's bound ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [b"1e30", str(10**30).encode(), str(LATEST).encode()])
def test_the_clock_cannot_be_moved_past_year_9999(fake: FakeAssistants, seconds: bytes) -> None:
    """Issue 15: ``{"seconds": 1e30}`` was accepted and every later timestamp overflowed int64 and JS numbers."""
    now = fake.clock.now()
    body = b'{"seconds": ' + seconds + b"}"
    response = fake.handle(ApiRequest("POST", "/__fake__/clock/advance", headers=JSON_LOWER, body=body))
    assert response.status == 400 and json.loads(response.body)["error"]["param"] == "seconds"
    assert fake.clock.now() == now
    with pytest.raises(ValueError):
        fake.advance_clock(10**30)
    assert fake.client().beta.assistants.create(model="gpt-4o").created_at == now


def test_the_clock_bound_keeps_timestamps_within_javascript_safe_integers() -> None:
    fake = FakeAssistants(clock=ManualClock())
    fake.advance_clock(LATEST - fake.clock.now())
    store = fake.client().vector_stores.create(expires_after={"anchor": "last_active_at", "days": 365})
    assert store.expires_at is not None and store.expires_at < 2**53 - 1
    with pytest.raises(ValueError):
        fake.advance_clock(1)


# --- binding and server limits ------------------------------------------------------------------------------------


def test_binding_beyond_loopback_needs_a_credential_or_an_explicit_flag() -> None:
    assert bind_check("127.0.0.1", credential=False, allow_remote=False) == (None, None)
    assert bind_check("localhost", credential=False, allow_remote=False) == (None, None)
    refused, warning = bind_check("0.0.0.0", credential=False, allow_remote=False)
    assert refused is not None and "--allow-remote" in refused and warning is None
    refused, warning = bind_check("0.0.0.0", credential=False, allow_remote=True)
    assert refused is None and warning is not None and "WITHOUT any credential" in warning
    refused, warning = bind_check("192.168.1.20", credential=True, allow_remote=False)
    assert refused is None and warning is not None and "192.168.1.20" in warning
    assert is_loopback("127.9.9.9") and is_loopback("::1") and not is_loopback("10.0.0.1")


def test_the_cli_refuses_a_public_address_without_a_credential() -> None:
    """Issue 15: ``--host 0.0.0.0`` started without a word of warning. It is refused before anything binds."""
    command = [sys.executable, "-m", "fake_assistants", "serve", "--host", "0.0.0.0", "--port", "0"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and done.stdout == ""
    assert "refusing to serve on every network interface" in done.stderr


def test_a_client_that_never_finishes_its_headers_is_disconnected(fake: FakeAssistants) -> None:
    """Issue 15: slow clients could hold connections open without limit (no header timeout)."""
    with ThreadedServer(fake, header_timeout=0.2) as url, socket.create_connection(
        (urlsplit(url).hostname or "", urlsplit(url).port or 0), timeout=10
    ) as slow:
        slow.sendall(b"GET /v1/assistants HTTP/1.1\r\nHost: localhost\r\n")  # and never the blank line
        assert slow.recv(1024) == b""  # the server closed it (recv would time out, failing, if not)


def test_a_body_that_never_arrives_is_a_408(fake: FakeAssistants) -> None:
    with ThreadedServer(fake, body_timeout=0.2) as url:
        parts = urlsplit(url)
        with socket.create_connection((parts.hostname or "", parts.port or 0), timeout=10) as slow:
            key = b"Authorization: Bearer sk-test\r\n"  # without a key, the 401 comes before the body is read
            slow.sendall(b"POST /v1/assistants HTTP/1.1\r\nHost: localhost\r\n" + key + b"Content-Length: 100\r\n\r\n{")
            answer = slow.recv(65536).decode()
    assert answer.startswith("HTTP/1.1 408") and "request_timeout" in answer
    assert fake.snapshot()["assistants"] == []


def test_a_body_declared_too_large_is_a_413_before_it_is_read(server_url: str) -> None:
    parts = urlsplit(server_url)
    with socket.create_connection((parts.hostname or "", parts.port or 0), timeout=10) as client:
        head = b"POST /v1/assistants HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer sk-test\r\n"
        head += b"Content-Length: 99999999999\r\n\r\n"
        client.sendall(head)
        chunks = []
        while chunk := client.recv(65536):  # the server closes the connection after its answer
            chunks.append(chunk)
        answer = b"".join(chunks).decode()
    assert answer.startswith("HTTP/1.1 413") and "request_too_large" in answer
