"""State files: packed messages, either encoder (orjson when installed, the standard json otherwise), the saved id
streams, and the files of either form (packed, or a plain snapshot) read back the same."""

from __future__ import annotations

import gc
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_assistants import FakeAssistants, ManualClock, jsoncodec
from fake_assistants.backend.snapshot import MESSAGE_COLUMNS, PACKED
from fake_assistants.ids import ID_SHAPES, IdFactory

from ..sample_state import build, everything


@pytest.fixture(params=["orjson", "json"])
def encoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "orjson":
        pytest.importorskip("orjson", reason="the fast extra is not installed")
    else:
        monkeypatch.setattr(jsoncodec, "_orjson", None)
    yield request.param


def populated() -> tuple[FakeAssistants, dict[str, str]]:
    fake = FakeAssistants(seed=5, clock=ManualClock(1_900_000_000))
    ids = build(fake)
    client = fake.client(max_retries=0)
    ids["other"] = client.beta.threads.create().id  # the built thread has a run waiting on tool outputs
    client.beta.threads.messages.create(ids["other"], role="user", content="with metadata", metadata={"k": "v"})
    client.beta.threads.messages.create(
        ids["other"],
        role="user",
        content=[{"type": "text", "text": "two"}, {"type": "text", "text": "parts"}],
        attachments=[{"file_id": ids["file"], "tools": [{"type": "code_interpreter"}]}],
    )
    return fake, ids


def test_a_state_file_reads_back_the_same_with_either_encoder(encoder: str, tmp_path: Path) -> None:
    fake, ids = populated()
    path = tmp_path / "state.json"
    fake.save_state(path)
    raw = json.loads(path.read_bytes())
    assert raw["messages"][PACKED] == MESSAGE_COLUMNS  # one list of names, then one array per message
    assert all(isinstance(row, list) for row in raw["messages"]["rows"])
    again = FakeAssistants.load_state(path, clock=ManualClock(1_900_000_000))
    assert again.snapshot() == fake.snapshot()
    assert everything(again.client(), ids) == everything(fake.client(), ids)
    for emulator in (fake, again):  # the id streams go on from the same place
        emulator.client().beta.threads.messages.create(ids["other"], role="user", content="next")
    assert again.snapshot() == fake.snapshot()


def test_the_two_encoders_write_the_same_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("orjson", reason="the fast extra is not installed")
    fake, _ = populated()
    fake.save_state(tmp_path / "fast.json")
    monkeypatch.setattr(jsoncodec, "_orjson", None)
    fake.save_state(tmp_path / "plain.json")
    assert json.loads((tmp_path / "fast.json").read_bytes()) == json.loads((tmp_path / "plain.json").read_bytes())


def test_a_plain_snapshot_file_still_loads(encoder: str, tmp_path: Path) -> None:
    fake, _ = populated()
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(fake.snapshot()))
    again = FakeAssistants.load_state(path, clock=ManualClock(1_900_000_000))
    assert again.snapshot() == fake.snapshot()


def test_a_packed_file_from_another_version_takes_defaults_for_missing_columns(tmp_path: Path) -> None:
    fake, _ = populated()
    path = tmp_path / "state.json"
    fake.save_state(path)
    raw = json.loads(path.read_bytes())
    status = MESSAGE_COLUMNS.index("status")
    raw["messages"][PACKED] = [c for c in MESSAGE_COLUMNS if c != "status"]
    raw["messages"]["rows"] = [[v for i, v in enumerate(row) if i != status] for row in raw["messages"]["rows"]]
    path.write_text(json.dumps(raw))
    again = FakeAssistants.load_state(path)
    assert {m["status"] for m in again.snapshot()["messages"]} == {"completed"}


@pytest.mark.parametrize("prefix", sorted(set(ID_SHAPES) - {"req"}))
def test_ids_are_the_draws_of_random_choice(prefix: str) -> None:
    """``IdFactory.new`` inlines ``Random.choice``: the object ids are the ones the plain loop gives (request ids,
    which no object keeps, are 128 random bits at once)."""
    factory = IdFactory(11)
    separator, length, alphabet = ID_SHAPES[prefix]
    reference = random.Random()
    reference.setstate(factory._stream(prefix).getstate())
    for _ in range(50):
        expected = prefix + separator + "".join(reference.choice(alphabet) for _ in range(length))
        assert factory.new(prefix) == expected


def test_resumed_id_streams_equal_replayed_ones() -> None:
    issued = IdFactory(2)
    for prefix in ("msg", "run", "file", "vsfb"):
        for _ in range(7):
            issued.new(prefix)
    replayed, resumed = IdFactory(2), IdFactory(2)
    replayed.replay(issued.issued)
    resumed.resume(dict(issued.issued), json.loads(json.dumps(issued.states())))
    assert resumed.issued == replayed.issued
    assert [resumed.new("msg") for _ in range(3)] == [replayed.new("msg") for _ in range(3)]


def test_the_bulk_builder_makes_what_the_constructor_makes() -> None:
    """A restore builds messages without their ``__init__``: equal to constructed ones, with journaled containers,
    so a request that changes a restored message in place and then fails still puts it back."""
    from fake_assistants.backend.models import Message
    from fake_assistants.journal import JDict, JList, builder, transaction

    content, metadata = [{"type": "text"}], {"k": "v"}
    values = ["msg_1", 7, "thread_1", "user", content, None, None, [], metadata, "completed", None, None, None]
    built = builder(Message, MESSAGE_COLUMNS)(list(values))
    assert built == Message(*values)
    assert type(built.content) is JList and type(built.attachments) is JList and type(built.metadata) is JDict
    with pytest.raises(RuntimeError), transaction():
        built.metadata["k"] = "changed"
        built.content.append({"type": "image_file"})
        raise RuntimeError("the request fails")
    assert built == Message(*values)
    with pytest.raises(ValueError):
        builder(Message, MESSAGE_COLUMNS)(values[:-1])  # every column, or nothing


def test_the_bulk_builder_fills_empties_and_converts() -> None:
    from fake_assistants.backend.models import NO_ATTACHMENTS, NO_METADATA, Message
    from fake_assistants.journal import builder

    build = builder(
        Message,
        MESSAGE_COLUMNS,
        empty={"attachments": NO_ATTACHMENTS, "metadata": NO_METADATA},
        convert={"content": lambda text: [{"type": "text", "text": {"value": text, "annotations": []}}]},
    )
    built = build(["msg_1", 7, "thread_1", "user", "hi", None, None, None, None, "completed", None, None, None])
    assert built.attachments is NO_ATTACHMENTS and built.metadata is NO_METADATA  # shared, not copied
    assert built.content == [{"type": "text", "text": {"value": "hi", "annotations": []}}]


def test_a_loaded_state_goes_straight_to_the_oldest_generation(tmp_path: Path) -> None:
    """The collector's young passes would walk every object of a big state for nothing: the objects a load leaves
    alive are in the oldest generation when it returns, the collector is on again, and a process that froze objects
    of its own keeps them frozen (issue 26)."""
    fake, _ = populated()
    path = tmp_path / "state.json"
    fake.save_state(path)
    gc.collect()
    again = FakeAssistants.load_state(path)
    assert gc.isenabled()
    young = {id(obj) for generation in (0, 1) for obj in gc.get_objects(generation=generation)}
    stored = [*again._backend.messages.values(), *again._backend.threads.values(), *again._backend.runs.values()]
    assert stored and not any(id(obj) in young for obj in stored)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        FakeAssistants.load_state(path)
        assert gc.get_freeze_count() == frozen and gc.isenabled()
    finally:
        gc.unfreeze()
