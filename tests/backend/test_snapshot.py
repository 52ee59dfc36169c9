"""Snapshots: save an emulator's whole state, restore it elsewhere, and get the same answers and the same next ids."""

from __future__ import annotations

import json
from pathlib import Path

import openai
import pytest

from fake_assistants import FakeAssistants, ManualClock
from fake_assistants.backend.snapshot import SnapshotError

from ..sample_state import build, everything


def test_a_restored_emulator_answers_the_same_and_issues_the_same_ids() -> None:
    original = FakeAssistants(seed=7, clock=ManualClock(1_900_000_000))
    ids = build(original)
    document = json.loads(json.dumps(original.snapshot()))  # it is plain JSON
    copy = FakeAssistants.restore(document, clock=ManualClock(1_900_000_000))
    assert everything(copy.client(), ids) == everything(original.client(), ids)

    for fake in (original, copy):  # the waiting run goes on the same way, and new ids match
        client = fake.client()
        run = client.beta.threads.runs.retrieve(ids["waiting"], thread_id=ids["thread"])
        (call,) = run.required_action.submit_tool_outputs.tool_calls  # type: ignore[union-attr]
        client.beta.threads.runs.submit_tool_outputs_and_poll(
            run_id=run.id, thread_id=ids["thread"], tool_outputs=[{"tool_call_id": call.id, "output": "-3"}]
        )
        client.beta.threads.runs.create_and_poll(thread_id=ids["thread"], assistant_id=ids["assistant"])
    assert everything(copy.client(), ids) == everything(original.client(), ids)
    assert copy.script.pending == original.script.pending == ()


def test_state_files_are_written_atomically_and_read_back(tmp_path: Path) -> None:
    fake = FakeAssistants(seed=3)
    ids = build(fake)
    path = tmp_path / "state.json"
    fake.save_state(path)
    assert json.loads(path.read_text())["format"] == "fake_assistants.snapshot"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary file left behind
    again = FakeAssistants.load_state(path)
    assert again.seed == 3 and everything(again.client(), ids) == everything(fake.client(), ids)


def test_a_damaged_snapshot_is_refused() -> None:
    with pytest.raises(SnapshotError, match="not a fake_assistants snapshot"):
        FakeAssistants.restore({"assistants": []})
    document = FakeAssistants().snapshot()
    document["assistants"] = [{"id": "asst_x"}]
    with pytest.raises(SnapshotError, match="damaged"):
        FakeAssistants.restore(document)


def test_reset_and_reseed() -> None:
    fake = FakeAssistants(seed=1)
    client = fake.client()
    first = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.").id
    fake.script.reply("x")
    fake.reset()
    assert client.beta.assistants.list().data == [] and fake.script.pending == ()
    assert client.beta.assistants.create(model="gpt-4o", instructions="Be brief.").id == first  # ids start over
    fake.reset(seed=2)
    assert fake.seed == 2 and client.beta.assistants.create(model="gpt-4o", instructions="Be brief.").id != first


def test_advance_clock_moves_any_clock() -> None:
    fake = FakeAssistants(progression="manual")
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create()
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    fake.advance_clock(600)
    assert client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "expired"


def test_the_request_log_lists_api_requests() -> None:
    fake = FakeAssistants()
    client = fake.client()
    client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    with pytest.raises(openai.NotFoundError):
        client.beta.assistants.retrieve("asst_missing")
    assert [(e.method, e.path, e.status) for e in fake.request_log] == [
        ("POST", "/v1/assistants", 200),
        ("GET", "/v1/assistants/asst_missing", 404),
    ]
