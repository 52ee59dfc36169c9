"""The deviation table (``fake_assistants.contract.wire``): its page, its evidence, and both shapes held to it."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fake_assistants import FakeAssistants
from fake_assistants.api.routes import match
from fake_assistants.api.spec_shapes import UNDO
from fake_assistants.contract import Contract
from fake_assistants.contract.eras import ADDED, after, period_end, recorded_on
from fake_assistants.contract.wire import DEVIATIONS, wire_contract

from . import spec

ROOT = Path(__file__).resolve().parents[1]
RECORDINGS = ROOT.parent / "shared" / "recordings"
ROW = re.compile(r"^\| `([a-z0-9-]+)` \| (.*) \| (.*) \| (.*) \| (.*) \| ([0-9-]+) \| (kept|undone) \|$")
ADDED_ROW = re.compile(r"^\| `([a-z._]+)` \| `(.*)` \| ([0-9-]+) \| (.*) \| (.*) \|$")
needs_recordings = pytest.mark.skipif(not RECORDINGS.is_dir(), reason=f"the recordings are not at {RECORDINGS}")


def test_the_fidelity_page_lists_exactly_the_table() -> None:
    rows = [ROW.match(line) for line in (ROOT / "docs" / "fidelity.md").read_text().splitlines()]
    listed = [m.groups() for m in rows if m]
    expected = [
        (
            d.key,
            d.what,
            d.spec,
            d.wire,
            f"`{d.evidence}`" if d.recording else d.evidence,
            d.since,
            "kept" if d.in_spec_shapes else "undone",
        )
        for d in DEVIATIONS
    ]
    assert listed == expected


def test_the_fidelity_page_lists_exactly_the_keys_added_over_time() -> None:
    rows = [ADDED_ROW.match(line) for line in (ROOT / "docs" / "fidelity.md").read_text().splitlines()]
    listed = [m.groups() for m in rows if m]
    expected = [(a.kind, a.path, a.since, f"`{a.where}`" if a.where else "any", a.evidence) for a in ADDED]
    assert listed == expected


def test_every_entry_and_added_key_is_dated() -> None:
    """A date is a period the evidence shows (a year, a month or a day), inside the API's life."""
    for since in [d.since for d in DEVIATIONS] + [a.since for a in ADDED]:
        assert date(2024, 1, 1) < period_end(since) <= date(2026, 9, 1), since


def test_a_key_dated_after_a_recording_may_be_missing_from_it() -> None:
    assert after("2024-08", date(2024, 8, 31)) and not after("2024-08", date(2024, 9, 1))
    assert after("2025", date(2025, 12, 31)) and not after("2025", date(2026, 1, 1))
    assert after("2024-05-21", date(2024, 5, 21)) and not after("2024-05-21", date(2024, 5, 22))
    assert after("2025-01", None)  # a recording with no date: older than every key
    assert recorded_on("Thu, 30 Oct 2025 22:01:06 GMT") == date(2025, 10, 30)
    assert recorded_on("2024-07-11T09:30:00.000Z") == date(2024, 7, 11)
    assert recorded_on("Sanitized") is None and recorded_on(None) is None
    with pytest.raises(ValueError):
        period_end("July 2024")


def test_every_shape_deviation_is_undone_under_spec_shapes() -> None:
    undone = {d.key for d in DEVIATIONS if not d.in_spec_shapes}
    assert set(UNDO) == undone
    assert all(d.patch is not None for d in DEVIATIONS if not d.in_spec_shapes)


def _pointer(document: Any, pointer: str) -> Any:
    for token in pointer.lstrip("/").split("/"):
        document = document[int(token)] if isinstance(document, list) else document[token]
    return document


def _bodies(interaction: dict[str, Any]) -> list[tuple[str | None, Any]]:
    if "events" in interaction:
        return [(e["event"], json.loads(e["data"])) for e in interaction["events"] if e["data"] != "[DONE]"]
    return [(None, interaction["response"])]


@needs_recordings
def test_every_recorded_evidence_exists() -> None:
    for entry in DEVIATIONS:
        if entry.recording is None:
            continue
        document = json.loads((RECORDINGS / entry.recording).read_text())
        _pointer(document, entry.pointer)  # a KeyError or IndexError names the stale evidence


@needs_recordings
def test_every_recorded_body_fits_the_wire_contract_and_not_the_spec() -> None:
    """The table is complete: every real body validates against the spec with the table laid over it; and it is
    needed: without it, the same bodies break the spec."""
    wire, raw = wire_contract(Contract.load()), Contract.load()
    problems, spec_problems = [], 0
    for path in sorted(RECORDINGS.glob("*.json")):
        for index, interaction in enumerate(json.loads(path.read_text())["interactions"]):
            found = match(interaction["method"], interaction["path"].removeprefix("/v1"))
            assert found is not None, f"{path.name}[{index}]: no route"
            for event, body in _bodies(interaction):
                if event is not None:
                    schema = wire.stream_event_schemas[event]
                elif interaction["status"] == 200:
                    schema = wire.operation(found[0].operation_id).schema_name
                else:
                    schema = "ErrorResponse"
                assert schema is not None
                raw_schema = raw.stream_event_schemas[event] if event else raw.operation(found[0].operation_id)
                raw_name = raw_schema if isinstance(raw_schema, str) else raw_schema.schema_name  # type: ignore[union-attr]
                spec_problems += len(raw.problems(raw_name or "ErrorResponse", body))
                problems += [f"{path.name}[{index}] {event or ''} {p}" for p in wire.problems(schema, body)]
    assert problems == []
    assert spec_problems > 0


@pytest.mark.parametrize("shapes", ["wire", "spec"])
def test_each_shape_is_held_to_its_own_contract(shapes: str) -> None:
    """A conversation with messages, a code step and a file search, in both shapes, validated as it is produced;
    and the real shapes fail the spec's contract where the table says they differ."""
    fake = FakeAssistants(shapes=shapes, validate_responses=True)
    client = fake.client()
    store_file = client.files.create(file=("faq.txt", b"The shop opens at nine."), purpose="assistants")
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "code_interpreter"}, {"type": "file_search"}],
        tool_resources={"file_search": {"vector_stores": [{"file_ids": [store_file.id]}]}},
    )
    fake.script.run_code("print(1)", output="1").then_search_files("opens").then_reply("At nine.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "When?"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
    messages = client.beta.threads.messages.list(thread.id).data
    client.beta.threads.messages.update(messages[0].id, thread_id=thread.id, metadata={"k": "v"})
    steps = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id).data
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        stream.until_done()
    assert fake.contract_violations == ()
    if shapes == "wire":
        raw_step = steps[0].to_dict()
        assert "metadata" not in raw_step and "expires_at" in raw_step
        assert spec.contract("spec").problems("RunStepObject", raw_step) != []
    else:
        assert all(step.metadata == {} and step.to_dict().get("expired_at", 0) is None for step in steps)
        assert messages[0].status == "completed"
