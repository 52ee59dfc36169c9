"""One field table per object kind: echoing a new field on an assistant is the same three one-line edits as on a run
(``tests/runs/test_run_fields.py``): the request model, the stored model, and the object's field table in
``api/serialize.py``. Create and modify copy echoed fields by themselves (``backend/echo.py``)."""

from __future__ import annotations

from pathlib import Path

from fake_assistants.api import serialize, serialize_files
from fake_assistants.backend import models

from ..footprint import after_line, with_edits

EDITS = {
    "schemas/requests.py": after_line("class CreateAssistant(Strict):", "    service_tier: str | None = None\n"),
    "api/serialize.py": after_line('    "description",', '    "service_tier",\n'),
}

USE_THE_FIELD = """
from fake_assistants import FakeAssistants

fake = FakeAssistants()
client = fake.client()
made = client.beta.assistants.create(model="gpt-4o", extra_body={"service_tier": "flex"})
plain = client.beta.assistants.create(model="gpt-4o")
read = client.beta.assistants.retrieve(made.id)
changed = client.beta.assistants.update(plain.id, extra_body={"service_tier": "priority"})
listed = [a.to_dict()["service_tier"] for a in client.beta.assistants.list(order="asc")]
restored = FakeAssistants.restore(fake.snapshot()).client().beta.assistants.retrieve(made.id)
print(made.to_dict()["service_tier"], read.to_dict()["service_tier"], changed.to_dict()["service_tier"], listed,
      restored.to_dict()["service_tier"])
"""


def _edit_model(text: str) -> str:
    anchor = "class Assistant(Journaled):\n    id: str\n    created_at: int\n    model: str\n"
    assert text.count(anchor) == 1, "the Assistant model's first fields moved"
    return text.replace(anchor, anchor + "    service_tier: str | None = None\n")


def test_a_new_assistant_field_is_three_one_line_edits(tmp_path: Path) -> None:
    done = with_edits(tmp_path, USE_THE_FIELD, {**EDITS, "backend/models.py": _edit_model})
    assert done.stdout.split("\n")[0] == "flex flex priority ['flex', 'priority'] flex"


def test_every_object_kind_has_one_field_table_of_its_stored_attributes() -> None:
    tables = {
        models.Assistant: serialize.ASSISTANT_FIELDS,
        models.Thread: serialize.THREAD_FIELDS,
        models.Message: serialize.MESSAGE_FIELDS,
        models.Run: serialize.RUN_FIELDS,
        models.RunStep: serialize.STEP_FIELDS,
        models.StoredFile: serialize_files.FILE_FIELDS,
        models.VectorStore: serialize_files.VECTOR_STORE_FIELDS,
        models.VectorStoreFile: serialize_files.VECTOR_STORE_FILE_FIELDS,
        models.FileBatch: serialize_files.FILE_BATCH_FIELDS,
    }
    for stored, table in tables.items():
        read = [name for name in table.names if name not in table.written]
        assert all(hasattr(stored, name) for name in read), stored  # a class attribute, a slot or a property
        assert len(set(table.names)) == len(table.names)
