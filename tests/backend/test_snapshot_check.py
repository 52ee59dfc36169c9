"""A damaged state file is refused on load, naming the file, the object and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants
from fake_assistants.backend.snapshot import SnapshotError


@pytest.fixture
def document(fake: FakeAssistants, client: openai.OpenAI) -> dict[str, Any]:
    fake.script.reply("kept")
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    return fake.snapshot()


def test_a_null_model_is_refused_with_the_object_and_the_field(document: dict[str, Any]) -> None:
    document["assistants"][0]["model"] = None
    assistant_id = document["assistants"][0]["id"]
    with pytest.raises(SnapshotError) as caught:
        FakeAssistants.restore(document)
    assert str(caught.value) == f"the snapshot is damaged: assistants[0] ({assistant_id}): 'model' is null, not str"


def test_a_missing_field_is_named(document: dict[str, Any]) -> None:
    del document["runs"][0]["usage"]
    run_id = document["runs"][0]["id"]
    with pytest.raises(SnapshotError, match=rf"^the snapshot is damaged: runs\[0\] \({run_id}\) has no 'usage'$"):
        FakeAssistants.restore(document)


def test_a_state_file_error_names_the_file(tmp_path: Path, document: dict[str, Any]) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("")
    with pytest.raises(SnapshotError, match=rf"^{empty}: not a JSON state file \("):
        FakeAssistants.load_state(empty)
    damaged = tmp_path / "damaged.json"
    document["runs"][0]["status"] = "sleeping"
    damaged.write_text(json.dumps(document))
    with pytest.raises(SnapshotError) as caught:
        FakeAssistants.load_state(damaged)
    assert str(caught.value).startswith(f"{damaged}: the snapshot is damaged: runs[0] (run_")
    assert str(caught.value).endswith("): 'status' is 'sleeping', not RunStatus")


def test_a_whole_snapshot_passes_the_check(document: dict[str, Any]) -> None:
    assert FakeAssistants.restore(document).snapshot() == document


@settings(max_examples=40, deadline=None)
@given(
    collection=st.sampled_from(["assistants", "threads", "runs"]),
    field=st.sampled_from(["id", "created_at"]),
    value=st.one_of(st.none(), st.booleans(), st.lists(st.integers(), max_size=1), st.floats(allow_nan=False)),
)
def test_a_wrong_type_in_a_required_field_is_always_refused(collection: str, field: str, value: Any) -> None:
    fake = FakeAssistants(seed=1)
    client = fake.client()
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create()
    client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    document = fake.snapshot()
    if field == "created_at" and isinstance(value, float) and value.is_integer():
        value = str(value)
    document[collection][0][field] = value
    with pytest.raises(SnapshotError, match=rf"{collection}\[0\] .*'{field}' is "):
        FakeAssistants.restore(document)
