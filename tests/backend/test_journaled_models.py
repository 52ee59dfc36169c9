"""The state's model objects (issue 26): made without a recorded assignment per field, yet journaled from then on."""

from __future__ import annotations

import pytest

from fake_assistants.backend.models import Assistant
from fake_assistants.journal import JDict, JList, transaction


def test_a_new_object_holds_journaled_containers_and_later_changes_are_undone() -> None:
    assistant = Assistant(id="asst_1", created_at=1, model="gpt-4o", tools=[{"type": "code_interpreter"}])
    assert type(assistant.tools) is JList and type(assistant.metadata) is JDict
    with pytest.raises(RuntimeError), transaction() as journal:
        assistant.name = "renamed"
        assistant.tools.append({"type": "file_search"})
        assistant.metadata["k"] = "v"
        assert len(journal.undo) == 3
        raise RuntimeError
    assert (assistant.name, assistant.tools, assistant.metadata) == (None, [{"type": "code_interpreter"}], {})
    with pytest.raises(TypeError):
        hash(assistant)


def test_an_object_made_by_the_request_records_nothing_yet_each_write_meets_the_fault() -> None:
    writes: list[int] = []
    with transaction(lambda: writes.append(1)) as journal:
        made = Assistant(id="asst_2", created_at=1, model="gpt-4o")
        made.name = "set after"
        made.model = "gpt-4.1"
    assert journal.undo == [] and len(writes) == 2
    assert (made.name, made.model) == ("set after", "gpt-4.1")
