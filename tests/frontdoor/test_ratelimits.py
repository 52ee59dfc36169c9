"""Rate limits as a policy, on the emulator's clock: exact throttling tests with a ManualClock."""

from __future__ import annotations

import json
import urllib.request

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants, ManualClock
from fake_assistants.frontdoor.ratelimits import duration

pytestmark = [
    pytest.mark.fake_assistants(rate_limits={"requests_per_minute": 3}),
    pytest.mark.manual_clock(1_700_000_000),
]


def test_the_fourth_request_waits_exactly_until_the_window_resets(fake: FakeAssistants) -> None:
    client = fake.client(max_retries=0)
    client.beta.assistants.create(model="gpt-4o")
    fake.advance_clock(20)
    client.beta.assistants.list()
    client.beta.assistants.list()
    with pytest.raises(openai.RateLimitError) as caught:
        client.beta.assistants.create(model="gpt-4o", name="too many")
    error = caught.value
    assert (error.code, error.type) == ("rate_limit_exceeded", "requests")
    assert "requests per min (RPM): Limit 3, Used 3, Requested 1" in error.message
    headers = error.response.headers
    assert headers["retry-after-ms"] == "40000" and headers["retry-after"] == "40"
    assert headers["x-ratelimit-remaining-requests"] == "0" and headers["x-ratelimit-reset-requests"] == "40s"
    fake.advance_clock(39)
    with pytest.raises(openai.RateLimitError) as still:
        client.beta.assistants.list()
    assert still.value.response.headers["retry-after-ms"] == "1000"
    fake.advance_clock(1)
    assert [a.name for a in client.beta.assistants.list()] == [None]  # the refused create changed nothing
    assert [entry.fault for entry in fake.request_log].count("rate_limits") == 2


def test_every_response_carries_the_limit_headers(fake: FakeAssistants) -> None:
    client = fake.client(max_retries=0)
    remaining = []
    for _ in range(3):
        raw = client.beta.assistants.with_raw_response.list()
        assert raw.headers["x-ratelimit-limit-requests"] == "3"
        assert raw.headers["x-ratelimit-reset-requests"] == "1m0s"
        remaining.append(raw.headers["x-ratelimit-remaining-requests"])
    assert remaining == ["2", "1", "0"]
    assert "x-ratelimit-limit-tokens" not in raw.headers  # only the limits that are set


def test_a_tokens_limit_counts_the_requests_that_start_a_model_turn() -> None:
    fake = FakeAssistants(clock=ManualClock())
    fake.rate_limits(tokens_per_minute=100)
    client = fake.client(max_retries=0)
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="word " * 500)  # not a model turn
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, instructions="short")
    raw = client.beta.threads.runs.with_raw_response.retrieve(run.id, thread_id=thread.id)
    used = 100 - int(raw.headers["x-ratelimit-remaining-tokens"])
    assert 0 < used < 100
    with pytest.raises(openai.RateLimitError) as caught:
        client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, instructions="long " * 200)
    assert caught.value.type == "tokens" and caught.value.response.headers["retry-after-ms"] == "60000"
    assert len(client.beta.threads.runs.list(thread_id=thread.id).data) == 1


def test_the_policy_can_be_turned_off(fake: FakeAssistants) -> None:
    client = fake.client(max_retries=0)
    for _ in range(3):
        client.beta.assistants.list()
    fake.rate_limits()  # off: no more headers, nothing refused
    raw = client.beta.assistants.with_raw_response.list()
    assert "x-ratelimit-limit-requests" not in raw.headers


def test_the_control_api_sets_the_policy(fake: FakeAssistants) -> None:
    with fake.serve() as url:
        root = url.removesuffix("/v1")
        body = json.dumps({"requests_per_minute": 1}).encode()
        headers = {"Content-Type": "application/json"}
        request = urllib.request.Request(f"{root}/__fake__/rate_limits", data=body, method="POST", headers=headers)
        with urllib.request.urlopen(request) as response:
            assert json.load(response) == {"requests_per_minute": 1, "tokens_per_minute": None}
        client = openai.OpenAI(base_url=url, api_key="k", max_retries=0)
        client.beta.assistants.list()
        with pytest.raises(openai.RateLimitError):
            client.beta.assistants.list()


def test_reset_opens_a_fresh_window(fake: FakeAssistants) -> None:
    client = fake.client(max_retries=0)
    for _ in range(3):
        client.beta.assistants.list()
    fake.reset()
    client.beta.assistants.list()


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="requests_per_minute"):
        FakeAssistants().rate_limits(requests_per_minute=0)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=3_600_000))
def test_durations_read_back(ms: int) -> None:
    text = duration(ms)
    if text.endswith("ms"):
        assert int(text[:-2]) == ms
        return
    minutes, _, seconds = text[:-1].rpartition("m")
    assert round((int(minutes or 0) * 60 + float(seconds)) * 1000) == ms


@settings(max_examples=25, deadline=None)
@given(
    rpm=st.integers(min_value=1, max_value=4),
    steps=st.lists(st.integers(min_value=0, max_value=70), min_size=1, max_size=12),
)
def test_no_window_admits_more_than_the_limit_and_retry_after_is_exact(rpm: int, steps: list[int]) -> None:
    clock = ManualClock(start=0)
    fake = FakeAssistants(clock=clock)
    fake.rate_limits(requests_per_minute=rpm)
    client = fake.client(max_retries=0)
    admitted: list[int] = []
    for step in steps:
        clock.advance(step)
        try:
            client.beta.assistants.list()
            admitted.append(clock.now())
        except openai.RateLimitError as error:
            wait_ms = int(error.response.headers["retry-after-ms"])
            assert wait_ms > 0 and wait_ms % 1000 == 0
            clock.advance(wait_ms // 1000 - 1)
            with pytest.raises(openai.RateLimitError):  # one second early: still refused
                client.beta.assistants.list()
            clock.advance(1)
            client.beta.assistants.list()  # on time: a new window
            admitted.append(clock.now())
    windows: list[list[int]] = []
    for moment in admitted:
        if not windows or moment >= windows[-1][0] + 60:
            windows.append([moment])
        else:
            windows[-1].append(moment)
    assert all(len(window) <= rpm for window in windows)
