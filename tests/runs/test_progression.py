"""Progression policies: manual and by-clock under freezegun, per-run policies, and every intermediate status."""

from __future__ import annotations

import datetime
from typing import Any

import openai
import pytest
from freezegun import freeze_time

from fake_assistants import FakeAssistants

from ..support import WEATHER

START = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
T0 = int(START.timestamp())


def begin(client: openai.OpenAI) -> tuple[str, Any]:
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[WEATHER])
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Weather?"}])
    return thread.id, client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)


def status(client: openai.OpenAI, thread_id: str, run_id: str) -> str:
    return client.beta.threads.runs.retrieve(run_id, thread_id=thread_id).status


def submit(client: openai.OpenAI, thread_id: str, run_id: str) -> Any:
    run = client.beta.threads.runs.retrieve(run_id, thread_id=thread_id)
    outputs: Any = [{"tool_call_id": c.id, "output": "sun"} for c in run.required_action.submit_tool_outputs.tool_calls]
    return client.beta.threads.runs.submit_tool_outputs(run_id=run_id, thread_id=thread_id, tool_outputs=outputs)


def test_manual_progression_moves_only_on_advance_and_shows_every_status() -> None:
    with freeze_time(START) as frozen:
        fake = FakeAssistants(progression="manual")
        fake.script.call_function("get_weather").then_reply("Sunny.")
        client = fake.client()
        thread_id, run = begin(client)
        seen = [run.status]
        for _ in range(3):
            frozen.tick(10)
            assert status(client, thread_id, run.id) == seen[-1]  # reads never move a manual run
            seen.append(fake.advance(run.id))
        assert seen == ["queued", "in_progress", "requires_action", "requires_action"]
        frozen.tick(10)
        seen.append(submit(client, thread_id, run.id).status)
        seen += [fake.advance(run.id), fake.advance(run.id), fake.advance(run.id)]
        assert seen[3:] == ["requires_action", "queued", "in_progress", "completed", "completed"]
        final = client.beta.threads.runs.retrieve(run.id, thread_id=thread_id)
        assert (final.created_at, final.started_at, final.completed_at) == (T0, T0 + 10, T0 + 40)


def test_by_clock_progression_moves_one_status_per_interval() -> None:
    with freeze_time(START) as frozen:
        fake = FakeAssistants(progression="by_clock", seconds_per_status=2)
        fake.script.call_function("get_weather").then_reply("Sunny.")
        client = fake.client()
        thread_id, run = begin(client)
        timeline = []
        for _ in range(4):
            timeline.append(status(client, thread_id, run.id))
            frozen.tick(1)
        assert timeline == ["queued", "queued", "in_progress", "in_progress"]
        frozen.tick(1)
        assert status(client, thread_id, run.id) == "requires_action"
        frozen.tick(100)
        assert status(client, thread_id, run.id) == "requires_action"  # waits on the client, clock or not
        assert submit(client, thread_id, run.id).status == "queued"
        frozen.tick(3)
        assert status(client, thread_id, run.id) == "in_progress"
        frozen.tick(60)
        final = client.beta.threads.runs.retrieve(run.id, thread_id=thread_id)
        assert final.status == "completed"
        # Each move is dated when it fell due, not when it was observed.
        assert (final.started_at, final.completed_at) == (T0 + 2, T0 + 109)


def test_by_clock_runs_move_while_nobody_reads_them() -> None:
    with freeze_time(START) as frozen:
        fake = FakeAssistants(progression="by_clock")
        client = fake.client()
        thread_id, _run = begin(client)
        frozen.tick(30)
        (listed,) = client.beta.threads.runs.list(thread_id).data
        assert listed.status == "completed" and listed.completed_at == T0 + 2


def test_a_run_can_have_its_own_policy() -> None:
    with freeze_time(START):
        fake = FakeAssistants(progression="immediate")
        client = fake.client()
        _thread_id, run = begin(client)
        assert run.status == "completed"  # immediate: done as soon as it was created
        fake.progression = "manual"
        other_thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}]).id
        held = client.beta.threads.runs.create(thread_id=other_thread, assistant_id=run.assistant_id)
        fake.set_progression(held.id, "per_read")
        assert [status(client, other_thread, held.id) for _ in range(3)] == ["in_progress", "completed", "completed"]
        with pytest.raises(ValueError, match="progression"):
            fake.set_progression(held.id, "sometimes")  # type: ignore[arg-type]


def test_cancel_shows_cancelling_then_cancelled() -> None:
    with freeze_time(START) as frozen:
        fake = FakeAssistants(progression="manual")
        client = fake.client()
        thread_id, run = begin(client)
        fake.advance(run.id)
        frozen.tick(5)
        assert client.beta.threads.runs.cancel(run.id, thread_id=thread_id).status == "cancelling"
        assert status(client, thread_id, run.id) == "cancelling"
        assert fake.advance(run.id) == "cancelled"
        final = client.beta.threads.runs.retrieve(run.id, thread_id=thread_id)
        assert final.cancelled_at == T0 + 5 and final.expires_at is None and final.started_at == T0


def test_every_terminal_status_is_reachable_from_a_script() -> None:
    with freeze_time(START):
        fake = FakeAssistants(progression="immediate")
        client = fake.client()
        assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
        fake.script.reply("ok")
        fake.script.fail("server_error", "boom")
        fake.script.incomplete("max_prompt_tokens")
        fake.script.expire()
        runs = []
        for _ in range(4):
            thread = client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
            runs.append(client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id))
        thread = client.beta.threads.create()
        fake.progression = "manual"
        runs.append(client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id))
        client.beta.threads.runs.cancel(runs[-1].id, thread_id=thread.id)
        fake.advance(runs[-1].id)
        final = [client.beta.threads.runs.retrieve(r.id, thread_id=r.thread_id) for r in runs]
        assert [r.status for r in final] == ["completed", "failed", "incomplete", "expired", "cancelled"]
        completed, failed, incomplete, expired, cancelled = final
        assert completed.completed_at == T0 and completed.failed_at is None
        assert failed.failed_at == T0 and failed.last_error is not None and failed.completed_at is None
        assert incomplete.incomplete_details is not None and incomplete.completed_at is None
        assert expired.expires_at == T0 and expired.completed_at is None
        assert cancelled.cancelled_at == T0 and cancelled.started_at is None
        assert all(r.started_at == T0 for r in final[:4])
