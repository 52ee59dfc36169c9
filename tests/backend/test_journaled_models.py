"""The state's model objects (issue 26): made without a recorded assignment per field, yet journaled from then on."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from fake_assistants.backend import models
from fake_assistants.backend.index import OrderedIndex
from fake_assistants.backend.models import Assistant
from fake_assistants.journal import JDict, JList, Journaled, transaction


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


JOURNALED = [
    model
    for model in vars(models).values()
    if isinstance(model, type) and issubclass(model, Journaled) and dataclasses.is_dataclass(model)
]


@pytest.mark.parametrize("model", JOURNALED, ids=lambda model: model.__name__)
def test_a_model_is_made_as_its_dataclass_would_make_it(model: type) -> None:
    """Each model's generated ``__init__`` takes the dataclass's parameters, in order, with its defaults; fills
    the fields left out from their defaults (a fresh container from each factory) and makes containers journaled."""
    declared = dataclasses.fields(model)
    fields = [
        (item.name, item.type, dataclasses.field(default=item.default, default_factory=item.default_factory))
        for item in declared
    ]
    plain = dataclasses.make_dataclass("Plain", fields)  # the same fields, made by dataclasses' own __init__
    ours, theirs = inspect.signature(model).parameters, inspect.signature(plain).parameters
    assert list(ours) == list(theirs)
    required = {name: f"value of {name}" for name, parameter in theirs.items() if parameter.default is inspect._empty}
    made, reference = model(**required), plain(**required)
    for item in declared:
        value, expected = getattr(made, item.name), getattr(reference, item.name)
        if isinstance(expected, OrderedIndex):  # compared by what it holds (it has no ==)
            assert type(value) is OrderedIndex and list(value) == list(expected)
        elif isinstance(expected, (dict, list)):
            assert value == expected and type(value) is (JDict if isinstance(expected, dict) else JList)
            assert value is not getattr(model(**required), item.name)  # each object its own container
        else:
            assert value == expected and type(value) is type(expected)
    containers = model.containers  # type: ignore[attr-defined]
    given = {name: [name] if name in containers else f"value of {name}" for name in theirs}
    made = model(**given)
    assert all(getattr(made, name) == value for name, value in given.items())
    assert all(type(getattr(made, name)) is JList for name in containers)
