"""Determinism: seeded id streams, identical transcripts, and clocks that follow freezegun and time-machine."""

from __future__ import annotations

import calendar
import json
from typing import Any

import pytest
import time_machine
from freezegun import freeze_time

from fake_assistants import FakeAssistants, ManualClock
from fake_assistants.api.wire import ApiRequest

from ..support import HEADERS


def call(fake: FakeAssistants, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = fake.handle(ApiRequest(method, path, headers=HEADERS, body=json.dumps(body or {}).encode()))
    return {"status": response.status, "headers": response.headers, "body": json.loads(response.body)}


def transcript(fake: FakeAssistants) -> list[dict[str, Any]]:
    """A conversation through every id prefix the foundation issues, recorded response by response."""
    out = [call(fake, "POST", "/v1/assistants", {"model": "gpt-4o", "name": "Tutor"})]
    assistant_id = out[-1]["body"]["id"]
    out.append(call(fake, "POST", "/v1/threads", {"messages": [{"role": "user", "content": "2+2?"}]}))
    thread_id = out[-1]["body"]["id"]
    out.append(call(fake, "POST", f"/v1/threads/{thread_id}/runs", {"assistant_id": assistant_id}))
    run_id = out[-1]["body"]["id"]
    for _ in range(2):
        out.append(call(fake, "GET", f"/v1/threads/{thread_id}/runs/{run_id}"))
    out.append(call(fake, "GET", f"/v1/threads/{thread_id}/messages"))
    out.append(call(fake, "GET", "/v1/threads/thread_missing"))
    return out


def test_same_seed_gives_identical_transcripts() -> None:
    first = transcript(FakeAssistants(seed=7, clock=ManualClock(1_800_000_000)))
    second = transcript(FakeAssistants(seed=7, clock=ManualClock(1_800_000_000)))
    assert first == second
    assert first[4]["body"]["status"] == "completed"
    assert all(entry["headers"]["x-request-id"].startswith("req_") for entry in first)


def test_different_seed_changes_every_id() -> None:
    first = transcript(FakeAssistants(seed=1, clock=ManualClock()))
    second = transcript(FakeAssistants(seed=2, clock=ManualClock()))
    for a, b in zip(first, second, strict=True):
        assert a["headers"]["x-request-id"] != b["headers"]["x-request-id"]
        if "id" in a["body"]:
            assert a["body"]["id"] != b["body"]["id"]


def test_each_prefix_has_its_own_stream() -> None:
    busy, quiet = FakeAssistants(seed=3), FakeAssistants(seed=3)
    first = call(busy, "POST", "/v1/assistants", {"model": "m"})["body"]["id"]
    call(busy, "POST", "/v1/threads")
    call(busy, "POST", "/v1/threads")
    second = call(busy, "POST", "/v1/assistants", {"model": "m"})["body"]["id"]
    assert [call(quiet, "POST", "/v1/assistants", {"model": "m"})["body"]["id"] for _ in range(2)] == [first, second]


@pytest.mark.parametrize(
    ("prefix", "separator", "length"),
    [("asst", "_", 24), ("thread", "_", 24), ("msg", "_", 24), ("run", "_", 24), ("req", "_", 32)],
)
def test_ids_look_real(prefix: str, separator: str, length: int) -> None:
    fake = FakeAssistants()
    entries = transcript(fake)
    ids = {e["headers"]["x-request-id"] for e in entries}
    for entry in entries:
        body = entry["body"]
        ids |= {body.get("id")} | {item["id"] for item in body.get("data", [])}
    matching = [i for i in ids if isinstance(i, str) and i.startswith(prefix + separator)]
    assert matching and all(len(i) == len(prefix) + 1 + length and i.isascii() for i in matching)


def test_default_clock_follows_freezegun(fake_openai_client: Any) -> None:
    with freeze_time("2031-05-06 07:08:09"):
        assistant = fake_openai_client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    assert assistant.created_at == calendar.timegm((2031, 5, 6, 7, 8, 9))


def test_default_clock_follows_time_machine(fake_openai_client: Any) -> None:
    with time_machine.travel(1_950_000_000, tick=False):
        thread = fake_openai_client.beta.threads.create()
    assert thread.created_at == 1_950_000_000


def test_run_timestamps_follow_the_frozen_clock(fake_openai_client: Any) -> None:
    client = fake_openai_client
    with freeze_time("2030-01-01 00:00:00") as frozen:
        assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
        thread = client.beta.threads.create()
        run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
        frozen.tick(5)
        started = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
        frozen.tick(7)
        done = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    assert run.created_at == 1893456000 and run.expires_at == run.created_at + 600
    assert started.status == "in_progress" and started.started_at == run.created_at + 5
    assert done.status == "completed" and done.completed_at == run.created_at + 12


@pytest.mark.fake_assistants(clock=ManualClock(2_000_000_000), progression="manual")
def test_manual_clock_expires_a_run_that_is_never_advanced(fake_assistants: FakeAssistants) -> None:
    client = fake_assistants.client()
    clock = fake_assistants.clock
    assert isinstance(clock, ManualClock)
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    clock.advance(599)
    assert client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "queued"
    clock.advance(1)
    expired = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    assert expired.status == "expired" and expired.expires_at == 2_000_000_600
    # An expired run is no longer active: the thread takes messages and new runs again.
    client.beta.threads.messages.create(thread_id=thread.id, role="user", content="still there?")


def test_manual_clock_never_goes_backwards() -> None:
    clock = ManualClock(100)
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.set(99)
    clock.set(150)
    assert clock.now() == 150
