"""Faults on demand, through the real SDK: its retries, timeouts and stream helpers against injected failures,
in-process and over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.request
from typing import Any

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants, ManualClock
from fake_assistants.script.files import ScriptFileError
from fake_assistants.transports.inprocess import sdk_http_module


def faults_of(fake: FakeAssistants) -> list[tuple[int, str | None]]:
    return [(entry.status, entry.fault) for entry in fake.request_log]


# --- HTTP errors and the SDK's retries ---------------------------------------------------------------------------


def test_two_429s_then_success_are_retried_and_logged(fake: FakeAssistants) -> None:
    fake.faults.rate_limit(operation="createAssistant", times=2, retry_after_ms=1)
    assistant = fake.client(max_retries=2).beta.assistants.create(model="gpt-4o")
    assert assistant.id.startswith("asst_")
    assert faults_of(fake) == [(429, "rate_limit"), (429, "rate_limit"), (200, None)]


def test_without_retries_the_429_reaches_the_caller_with_its_code_and_headers(fake: FakeAssistants) -> None:
    fake.faults.rate_limit(operation="createAssistant", retry_after_ms=1500, limit=60)
    with pytest.raises(openai.RateLimitError) as caught:
        fake.client(max_retries=0).beta.assistants.create(model="my-model")
    error = caught.value
    assert (error.status_code, error.code, error.type, error.param) == (429, "rate_limit_exceeded", "requests", None)
    assert "Rate limit reached for my-model" in error.message and "Limit 60" in error.message
    headers = error.response.headers
    assert headers["retry-after-ms"] == "1500" and headers["retry-after"] == "2"
    assert headers["x-ratelimit-limit-requests"] == "60" and headers["x-ratelimit-remaining-requests"] == "0"
    assert headers["x-ratelimit-reset-requests"] == "1.5s"
    assert headers["x-request-id"].startswith("req_")
    assert fake.client().beta.assistants.list().data == []  # the faulted create changed nothing


def test_a_tokens_limit_and_insufficient_quota(fake: FakeAssistants) -> None:
    client = fake.client(max_retries=0)
    fake.faults.rate_limit(type="tokens", limit=1000)
    fake.faults.insufficient_quota()
    with pytest.raises(openai.RateLimitError) as tokens:
        client.beta.assistants.list()
    assert tokens.value.type == "tokens" and tokens.value.response.headers["x-ratelimit-remaining-tokens"] == "0"
    with pytest.raises(openai.RateLimitError) as quota:
        client.beta.assistants.list()
    assert (quota.value.code, quota.value.type) == ("insufficient_quota", "insufficient_quota")


def test_a_500_that_says_do_not_retry_is_not_retried(fake: FakeAssistants) -> None:
    fake.faults.server_error(should_retry=False, times=None)
    with pytest.raises(openai.InternalServerError) as caught:
        fake.client(max_retries=2).beta.assistants.list()
    assert caught.value.type == "server_error" and caught.value.response.headers["x-should-retry"] == "false"
    assert faults_of(fake) == [(500, "server_error")]


def test_a_503_and_a_custom_409(fake: FakeAssistants) -> None:
    fake.faults.server_error(503, should_retry=True)
    fake.faults.error(409, {"error": {"message": "busy", "type": "x", "param": None, "code": "busy"}})
    client = fake.client(max_retries=0)
    with pytest.raises(openai.InternalServerError) as overloaded:
        client.beta.assistants.list()
    assert overloaded.value.status_code == 503 and "overloaded" in overloaded.value.message
    assert overloaded.value.response.headers["x-should-retry"] == "true"
    with pytest.raises(openai.ConflictError) as custom:
        client.beta.assistants.list()
    assert custom.value.code == "busy"


def test_any_status_and_body(fake: FakeAssistants) -> None:
    fake.faults.error(418, "I'm a teapot", headers={"content-type": "text/plain", "retry-after-ms": "1"})
    with pytest.raises(openai.APIStatusError) as caught:
        fake.client(max_retries=0).beta.assistants.list()
    assert caught.value.status_code == 418 and caught.value.response.text == "I'm a teapot"


# --- matching: operation, path, method, predicate, times, probability ---------------------------------------------


def test_faults_match_by_path_method_and_predicate(fake: FakeAssistants) -> None:
    client = fake.client(max_retries=0)
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create()
    fake.faults.server_error(path="/v1/threads/*/runs", method="POST", times=None)
    fake.faults.server_error(when=lambda request: b"urgent" in request.body, times=None)
    client.beta.threads.runs.list(thread_id=thread.id)  # GET on the same path: not matched
    with pytest.raises(openai.InternalServerError):
        client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    client.beta.threads.messages.create(thread_id=thread.id, role="user", content="calm")
    with pytest.raises(openai.InternalServerError):
        client.beta.threads.messages.create(thread_id=thread.id, role="user", content="urgent")
    assert [m.content[0].text.value for m in client.beta.threads.messages.list(thread_id=thread.id)] == ["calm"]  # type: ignore[union-attr]
    assert client.beta.threads.runs.list(thread_id=thread.id).data == []


def seeded_pattern(seed: int) -> list[int | None]:
    fake = FakeAssistants(seed=seed)
    fake.faults.server_error(probability=0.5, times=None, should_retry=False)
    client = fake.client(max_retries=0)
    for _ in range(24):
        with contextlib.suppress(openai.InternalServerError):
            client.beta.assistants.list()
    return [entry.status for entry in fake.request_log]


def test_a_probability_is_seeded() -> None:
    pattern = seeded_pattern(7)
    assert pattern == seeded_pattern(7)
    assert 0 < pattern.count(500) < 24
    assert pattern != seeded_pattern(8)


def test_times_counts_down_and_faults_can_be_listed_and_cleared(fake: FakeAssistants) -> None:
    fault = fake.faults.server_error(times=2, should_retry=False)
    assert len(fake.faults) == 1 and fault.document()["times"] == 2
    client = fake.client(max_retries=0)
    for _ in range(2):
        with pytest.raises(openai.InternalServerError):
            client.beta.assistants.list()
    client.beta.assistants.list()
    assert not fake.faults and fault.fired == 2
    fake.faults.timeout()
    fake.faults.clear()
    client.beta.assistants.list()


def test_bad_faults_are_refused_whole(fake: FakeAssistants) -> None:
    with pytest.raises(ValueError, match="no operation 'createRunz'"):
        fake.faults.server_error(operation="createRunz")
    with pytest.raises(ValueError, match="probability"):
        fake.faults.timeout(probability=2)
    with pytest.raises(ValueError, match="fault 1"):
        fake.faults.add_from([{"fault": "timeout"}, {"fault": "rate_limit", "colour": "red"}])
    with pytest.raises(ValueError, match="'fault' is one of"):
        fake.faults.add_from({"fault": "meteor"})
    assert not fake.faults


def test_a_fault_after_the_write(fake: FakeAssistants) -> None:
    """"Did my create go through?": the write happens, the client sees the failure."""
    fake.faults.server_error(operation="createAssistant", after_write=True, should_retry=False)
    client = fake.client(max_retries=0)
    with pytest.raises(openai.InternalServerError):
        client.beta.assistants.create(model="gpt-4o", name="written")
    assert [a.name for a in client.beta.assistants.list()] == ["written"]


# --- the network: timeouts, dropped connections, cut streams ------------------------------------------------------


def test_a_timeout_raises_the_sdks_timeout_error_in_process(fake: FakeAssistants) -> None:
    fake.faults.timeout(operation="listAssistants")
    with pytest.raises(openai.APITimeoutError) as caught:
        fake.client(max_retries=0).beta.assistants.list()
    assert isinstance(caught.value.__cause__, sdk_http_module().TimeoutException)
    assert faults_of(fake) == [(0, "timeout")]


def test_a_timeout_over_http_stalls_past_the_clients_timeout(fake: FakeAssistants, server_url: str) -> None:
    fake.faults.timeout(operation="createAssistant", seconds=10)
    client = openai.OpenAI(base_url=server_url, api_key="sk-test", max_retries=0, timeout=0.2)
    with pytest.raises(openai.APITimeoutError):
        client.beta.assistants.create(model="gpt-4o")
    assert client.beta.assistants.list().data == []  # the stalled create never reached the API
    assert faults_of(fake)[0] == (0, "timeout")


def test_a_dropped_connection_is_a_connection_error(fake: FakeAssistants, server_url: str) -> None:
    fake.faults.disconnect(times=2)
    with pytest.raises(openai.APIConnectionError) as in_process:
        fake.client(max_retries=0).beta.assistants.create(model="gpt-4o")
    over_http = openai.OpenAI(base_url=server_url, api_key="sk-test", max_retries=0)
    with pytest.raises(openai.APIConnectionError) as on_the_wire:
        over_http.beta.assistants.create(model="gpt-4o")
    assert not isinstance(in_process.value, openai.APITimeoutError)
    # the same library exception, with the same text: the server went away before answering
    assert repr(in_process.value.__cause__) == repr(on_the_wire.value.__cause__)
    assert "without sending a response" in str(on_the_wire.value.__cause__)
    assert over_http.beta.assistants.list().data == []
    assert faults_of(fake)[:2] == [(0, "disconnect"), (0, "disconnect")]


@pytest.mark.parametrize("over_http", [False, True], ids=["in_process", "over_http"])
def test_a_cut_stream_breaks_runs_stream_and_the_run_goes_on(fake: FakeAssistants, over_http: bool) -> None:
    fake.script.reply("All done.")
    with fake.serve() as base_url:
        client = openai.OpenAI(base_url=base_url, api_key="k") if over_http else fake.client()
        assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
        thread = client.beta.threads.create()
        fake.faults.cut_stream(after_events=4, operation="createRun")
        seen: list[str] = []
        with (
            pytest.raises(sdk_http_module().RemoteProtocolError),  # what a socket closed mid-body raises
            client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream,
        ):
            seen.extend(event.event for event in stream)
        assert seen == ["thread.run.created", "thread.run.queued", "thread.run.in_progress", "thread.run.step.created"]
        run = client.beta.threads.runs.list(thread_id=thread.id).data[0]
        assert client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "completed"
        reply = client.beta.threads.messages.list(thread_id=thread.id).data[0]
        assert reply.content[0].text.value == "All done."  # type: ignore[union-attr]
    assert ("cut_stream" in [entry.fault for entry in fake.request_log])


# --- latency on the emulator's clock -----------------------------------------------------------------------------


def test_latency_moves_a_manual_clock_instead_of_sleeping() -> None:
    clock = ManualClock(start=1_000)
    fake = FakeAssistants(clock=clock)
    fake.faults.latency(ms=1500, times=None)
    client = fake.client()
    first = client.beta.assistants.create(model="gpt-4o")
    second = client.beta.assistants.create(model="gpt-4o")
    assert (first.created_at, second.created_at) == (1_001, 1_003)
    assert fake.request_log[0].fault == "latency"


def latencies(seed: int) -> int:
    clock = ManualClock(start=0)
    fake = FakeAssistants(seed=seed, clock=clock)
    fake.faults.latency(ms=[0, 5000], times=None)
    client = fake.client()
    for _ in range(6):
        client.beta.assistants.list()
    return clock.now()


def test_a_latency_range_is_seeded() -> None:
    assert latencies(3) == latencies(3) > 0


# --- the other doors: control API, script files, the marker ------------------------------------------------------


def control(url: str, path: str, body: Any = None, method: str = "POST") -> Any:
    data = None if body is None else json.dumps(body).encode()
    root = url.removesuffix("/v1")
    headers = {"Content-Type": "application/json"}  # the control API takes JSON writes only
    request = urllib.request.Request(f"{root}/__fake__{path}", data=data, method=method, headers=headers)
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_the_control_api_adds_lists_and_clears_faults(fake: FakeAssistants, server_url: str) -> None:
    added = control(server_url, "/faults", {"faults": [{"fault": "rate_limit", "operation": "listAssistants"}]})
    assert added == {"added": 1}
    listed = control(server_url, "/faults", method="GET")["data"]
    assert listed[0]["fault"] == "rate_limit" and listed[0]["operation"] == "listAssistants"
    client = openai.OpenAI(base_url=server_url, api_key="k", max_retries=0)
    with pytest.raises(openai.RateLimitError):
        client.beta.assistants.list()
    control(server_url, "/faults", {"fault": "server_error", "times": None})
    assert control(server_url, "/faults", method="DELETE") == {"cleared": True}
    client.beta.assistants.list()
    with pytest.raises(urllib.error.HTTPError) as refused:
        control(server_url, "/faults", {"fault": "timeout", "seconds": 600})
    assert refused.value.code == 400


def test_a_script_document_carries_faults(fake: FakeAssistants) -> None:
    fake.script.add_from({"turns": [{"reply": "hi"}], "faults": [{"fault": "insufficient_quota"}]})
    assert len(fake.script.pending) == 1 and len(fake.faults) == 1
    with pytest.raises(ScriptFileError, match="faults: fault 0"):
        fake.script.add_from({"faults": [{"fault": "timeout", "times": 0}]})


@pytest.mark.fake_assistants(faults=[{"fault": "server_error", "operation": "listAssistants", "should_retry": False}])
def test_the_marker_takes_faults(fake_openai_client: openai.OpenAI, fake_assistants: FakeAssistants) -> None:
    with pytest.raises(openai.InternalServerError):
        fake_openai_client.beta.assistants.list()
    assert faults_of(fake_assistants) == [(500, "server_error")]


def test_reset_forgets_the_faults(fake: FakeAssistants) -> None:
    fake.faults.timeout(times=None)
    fake.reset()
    fake.client(max_retries=0).beta.assistants.list()


# --- invariants ----------------------------------------------------------------------------------------------------

REFUSING = {
    "rate_limit": (lambda fake: fake.faults.rate_limit(), openai.RateLimitError),
    "insufficient_quota": (lambda fake: fake.faults.insufficient_quota(), openai.RateLimitError),
    "server_error": (lambda fake: fake.faults.server_error(503), openai.InternalServerError),
    "error": (lambda fake: fake.faults.error(422), openai.UnprocessableEntityError),
    "timeout": (lambda fake: fake.faults.timeout(), openai.APITimeoutError),
    "disconnect": (lambda fake: fake.faults.disconnect(), openai.APIConnectionError),
}
WRITES = {
    "createAssistant": lambda client, ids: client.beta.assistants.create(model="gpt-4o"),
    "createThread": lambda client, ids: client.beta.threads.create(),
    "createMessage": lambda client, ids: client.beta.threads.messages.create(
        thread_id=ids["thread"], role="user", content="hi"
    ),
    "createRun": lambda client, ids: client.beta.threads.runs.create(
        thread_id=ids["thread"], assistant_id=ids["assistant"]
    ),
    "deleteAssistant": lambda client, ids: client.beta.assistants.delete(ids["assistant"]),
}


@settings(max_examples=30, deadline=None)
@given(kind=st.sampled_from(sorted(REFUSING)), operation=st.sampled_from(sorted(WRITES)))
def test_a_request_faulted_before_the_api_changes_no_state(kind: str, operation: str) -> None:
    fake = FakeAssistants()
    client = fake.client(max_retries=0)
    ids = {"assistant": client.beta.assistants.create(model="m").id, "thread": client.beta.threads.create().id}
    before = fake.snapshot()
    add, error = REFUSING[kind]
    fault = add(fake)
    fault.operation = operation
    with pytest.raises(error):
        WRITES[operation](client, ids)
    assert fake.snapshot() == before
    assert fake.request_log[-1].fault == kind


def test_async_clients_meet_the_same_faults(fake: FakeAssistants) -> None:
    async def main() -> list[str]:
        client = fake.async_client(max_retries=0)
        assistant = await client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
        thread = await client.beta.threads.create()
        fake.faults.timeout()
        with pytest.raises(openai.APITimeoutError):
            await client.beta.threads.create()
        fake.faults.cut_stream(after_events=2)
        seen: list[str] = []
        with pytest.raises(sdk_http_module().RemoteProtocolError):
            async with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
                async for event in stream:
                    seen.append(event.event)
        return seen

    assert asyncio.run(main()) == ["thread.run.created", "thread.run.queued"]


def test_a_yaml_script_file_carries_faults(fake: FakeAssistants, tmp_path: Any) -> None:
    script = tmp_path / "flaky.yaml"
    script.write_text(
        "turns:\n"
        "  - reply: Hello!\n"
        "faults:\n"
        "  - {fault: rate_limit, operation: createRun, times: 2, retry_after_ms: 1}\n"
        "  - {fault: cut_stream, after_events: 1, probability: 1}\n"
    )
    assert fake.script.load(script) == 1
    assert [fault.document()["fault"] for fault in fake.faults] == ["rate_limit", "cut_stream"]
    client = fake.client(max_retries=2)
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
    assert [entry.fault for entry in fake.request_log].count("rate_limit") == 2
