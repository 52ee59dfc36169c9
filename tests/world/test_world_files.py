"""World files through the SDK: declared objects exist with their ids when the test starts, ingested and
searchable; a bad world is one clear error naming the file, the line and the id, and adds nothing."""

from __future__ import annotations

import base64
import json
import re
import string
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import openai
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants, Turn, WorldError
from fake_assistants.script.turns import SearchFiles
from fake_assistants.world import read_world
from fake_assistants.world.export import world_from_snapshot

WORLD = """\
api_key: null
files:
  - id: file-Handbook
    path: handbook.md
  - id: file-Logo
    filename: logo.png
    purpose: vision
    base64: iVBORw0K
vector_stores:
  - id: vs_support
    name: Support docs
    metadata: {team: support}
    chunking_strategy: {type: static, static: {max_chunk_size_tokens: 400, chunk_overlap_tokens: 100}}
    file_ids: [file-Handbook]
    files:
      - text: Refunds are accepted within 30 days of purchase.
        filename: refunds.txt
assistants:
  - id: asst_1Hq8support
    model: gpt-4o
    name: Support
    instructions: Answer from the handbook.
    tools: [{type: file_search}]
    tool_resources: {file_search: {vector_store_ids: [vs_support]}}
    metadata: {owner: ops}
    created_at: 1700000000
  - model: gpt-4o-mini
    name: Seeded
threads:
  - id: thread_stored
    metadata: {customer: "42"}
    messages:
      - role: user
        content: Where is my order?
        attachments: [{file_id: file-Handbook, tools: [{type: file_search}]}]
      - id: msg_answer
        role: assistant
        content: It ships tomorrow.
        assistant_id: asst_1Hq8support
        metadata: {source: dashboard}
"""
HANDBOOK = "Shipping takes three to five business days. Returns need the receipt."


@pytest.fixture
def world_file(tmp_path: Path) -> Path:
    (tmp_path / "handbook.md").write_text(HANDBOOK)
    path = tmp_path / "world.yaml"
    path.write_text(WORLD)
    return path


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "world.yaml"
    path.write_text(text)
    return path


def test_declared_objects_exist_under_their_ids(world_file: Path) -> None:
    fake = FakeAssistants(world=world_file)
    client = fake.client()
    assistant = client.beta.assistants.retrieve("asst_1Hq8support")
    assert (assistant.name, assistant.instructions, assistant.created_at) == (
        "Support",
        "Answer from the handbook.",
        1700000000,
    )
    assert assistant.tool_resources.file_search.vector_store_ids == ["vs_support"]  # type: ignore[union-attr]
    listed = [a.name for a in client.beta.assistants.list(order="asc")]
    assert listed == ["Support", "Seeded"]
    assert client.files.content("file-Handbook").read() == HANDBOOK.encode()
    assert client.files.content("file-Logo").read() == base64.b64decode("iVBORw0K")
    logo = client.files.retrieve("file-Logo")
    assert (logo.filename, logo.purpose) == ("logo.png", "vision")
    store = client.vector_stores.retrieve("vs_support")
    assert (store.name, store.metadata, store.status) == ("Support docs", {"team": "support"}, "completed")
    assert (store.file_counts.completed, store.file_counts.in_progress) == (2, 0)
    entry = client.vector_stores.files.retrieve("file-Handbook", vector_store_id="vs_support")
    assert entry.chunking_strategy.static.max_chunk_size_tokens == 400  # type: ignore[union-attr]
    messages = client.beta.threads.messages.list("thread_stored", order="asc").data
    assert [(m.role, m.content[0].text.value) for m in messages] == [  # type: ignore[union-attr]
        ("user", "Where is my order?"),
        ("assistant", "It ships tomorrow."),
    ]
    assert (messages[1].id, messages[1].assistant_id, messages[1].metadata) == (
        "msg_answer",
        "asst_1Hq8support",
        {"source": "dashboard"},
    )
    assert client.beta.threads.retrieve("thread_stored").metadata == {"customer": "42"}


def test_files_are_ingested_and_searchable_when_the_test_starts(world_file: Path) -> None:
    client = FakeAssistants(world=world_file).client()  # per_read: a store made by the API would still be in progress
    hits = client.vector_stores.search("vs_support", query="refunds purchase")
    assert hits.data[0].filename == "refunds.txt"
    hits = client.vector_stores.search("vs_support", query="shipping business days")
    assert hits.data[0].file_id == "file-Handbook"


def test_a_run_on_a_declared_assistant_searches_its_declared_store(world_file: Path) -> None:
    fake = FakeAssistants(world=world_file)
    fake.script.add(Turn().then(SearchFiles("refunds purchase")).then_reply("Within 30 days."))
    client = fake.client()
    run = client.beta.threads.runs.create_and_poll(
        thread_id="thread_stored",
        assistant_id="asst_1Hq8support",
        include=["step_details.tool_calls[*].file_search.results[*].content"],
    )
    assert run.status == "completed"
    step = client.beta.threads.runs.steps.list(
        run.id,
        thread_id="thread_stored",
        order="asc",
        include=["step_details.tool_calls[*].file_search.results[*].content"],
    ).data[0]
    results = step.step_details.tool_calls[0].file_search.results  # type: ignore[union-attr]
    assert results and results[0].file_name == "refunds.txt"


def test_ids_are_kept_as_given_whatever_their_shape(tmp_path: Path) -> None:
    fake = FakeAssistants(
        world={
            "assistants": [{"id": "support-bot", "model": "gpt-4o"}],
            "threads": [{"id": "conversation 7", "messages": [{"id": "first", "role": "user", "content": "Hi"}]}],
            "vector_stores": [{"id": "handbook", "name": "Handbook"}],
        }
    )
    client = fake.client()
    assert client.beta.assistants.retrieve("support-bot").id == "support-bot"
    assert client.beta.threads.messages.retrieve("first", thread_id="conversation 7").id == "first"
    assert client.vector_stores.retrieve("handbook").name == "Handbook"
    with pytest.raises(openai.BadRequestError, match="Expected an ID that begins with 'asst'"):
        client.beta.assistants.retrieve("other-bot")  # an id nobody holds is still refused for its shape


def test_objects_without_an_id_get_the_seeded_ones() -> None:
    declared = FakeAssistants(seed=5, world={"assistants": [{"model": "gpt-4o"}]}).client()
    made = FakeAssistants(seed=5).client()
    assert declared.beta.assistants.list().data[0].id == made.beta.assistants.create(model="gpt-4o").id


def test_seeded_ids_never_repeat_a_given_one() -> None:
    first_seeded = FakeAssistants(seed=0).client().beta.assistants.create(model="gpt-4o").id
    fake = FakeAssistants(seed=0, world={"assistants": [{"id": first_seeded, "model": "gpt-4o", "name": "Declared"}]})
    client = fake.client()
    made = client.beta.assistants.create(model="gpt-4o", name="Made")
    assert made.id != first_seeded
    assert client.beta.assistants.retrieve(first_seeded).name == "Declared"
    assert sorted(a.name or "" for a in client.beta.assistants.list()) == ["Declared", "Made"]


def test_load_world_adds_to_the_current_state(client: openai.OpenAI, fake: FakeAssistants) -> None:
    store = client.vector_stores.create(name="Made by the test")
    made = fake.load_world(
        {
            "assistants": [
                {
                    "id": "asst_declared",
                    "model": "gpt-4o",
                    "tool_resources": {"file_search": {"vector_store_ids": [store.id]}},
                }
            ]
        }
    )
    assert made["assistants"] == ["asst_declared"]
    assert client.beta.assistants.retrieve("asst_declared").tool_resources.file_search.vector_store_ids == [store.id]  # type: ignore[union-attr]
    with pytest.raises(
        WorldError,
        match=re.escape(
            "world, at assistants[0].id: duplicate id: the emulator already holds assistant 'asst_declared'"
        ),
    ):
        fake.load_world({"assistants": [{"id": "asst_declared", "model": "gpt-4o"}]})


# --- a bad world: one clear message, nothing loaded -------------------------------------------------------------

BAD = {
    "a dangling reference": (
        "assistants:\n  - id: asst_a\n    model: gpt-4o\n    tool_resources:\n"
        "      file_search:\n        vector_store_ids: [vs_gone]\n",
        "line 6: assistant 'asst_a' names vector store 'vs_gone', which the world does not declare",
    ),
    "a duplicate id": (
        "assistants:\n  - id: asst_a\n    model: gpt-4o\nthreads:\n  - id: asst_a\n",
        "line 5: duplicate id 'asst_a': line 2 declares it too",
    ),
    "an unknown field": (
        "assistants:\n  - id: asst_a\n    model: gpt-4o\n    modle: gpt-4o-mini\n",
        "line 4: assistant 'asst_a': unknown field 'modle'",
    ),
    "a missing file": (
        "files:\n  - id: file-gone\n    path: gone.md\n",
        "line 3: file 'file-gone': cannot read 'gone.md'",
    ),
    "a value the API refuses": (
        "assistants:\n  - id: asst_a\n    model: gpt-4o\n    temperature: 3\n",
        "line 4: assistant 'asst_a': Invalid 'temperature'",
    ),
    "an unknown message reference": (
        "threads:\n  - id: thread_a\n    messages:\n      - role: user\n        content: hi\n"
        "        attachments: [{file_id: file-gone}]\n",
        "line 6: a message without an id names file 'file-gone', which the world does not declare",
    ),
    "an alias": ("a: &x [1]\nassistants: *x\n", "aliases (*name) are not allowed"),
    "a python tag": ("assistants: !!python/object/apply:os.system [echo]\n", "line 1: the tag"),
    "a path outside the folder": (
        "files:\n  - id: file-x\n    path: ../secret.txt\n",
        "line 3: file 'file-x': path '../secret.txt' is outside",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_world_is_one_clear_error_and_loads_nothing(tmp_path: Path, case: str) -> None:
    text, expected = BAD[case]
    path = write(tmp_path, text)
    fake = FakeAssistants()
    before = fake.snapshot()
    with pytest.raises(WorldError) as raised:
        fake.load_world(path)
    message = str(raised.value)
    assert message.startswith(f"{path}, ") or message.startswith(f"{path}: "), message
    assert expected in message and "\n" not in message, message
    assert fake.snapshot() == before


def test_a_world_that_fails_half_way_adds_nothing_and_draws_no_id(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * 2048)
    world = (
        "files:\n  - path: big.txt\n"  # made first, with a seeded id, then undone
        "vector_stores:\n  - name: Store\n"
        "assistants:\n  - id: asst_a\n    model: gpt-4o\n"
        "threads:\n  - id: thread_a\n    messages: [{role: user, content: hi}]\n"
    )
    fake = FakeAssistants(max_upload_bytes=1024)
    before = fake.snapshot()
    with pytest.raises(WorldError, match=r"line 2: a file without an id: .*1024"):
        fake.load_world(write(tmp_path, world))
    assert fake.snapshot() == before
    assert fake.client().files.create(file=("a.txt", b"a"), purpose="assistants").id == (
        FakeAssistants().client().files.create(file=("a.txt", b"a"), purpose="assistants").id
    )


def test_the_constructor_refuses_a_bad_world_before_anything_is_served(tmp_path: Path) -> None:
    with pytest.raises(WorldError, match=re.escape("world.yaml, line 1: unknown section 'assistant'")):
        FakeAssistants(world=write(tmp_path, "assistant: []\n"))


# --- key isolation ----------------------------------------------------------------------------------------------


def test_a_world_naming_a_key_belongs_to_that_key() -> None:
    fake = FakeAssistants(world={"api_key": "sk-owner", "assistants": [{"id": "asst_owned", "model": "gpt-4o"}]})
    fake.isolate_keys()
    assert fake.client(api_key="sk-owner").beta.assistants.retrieve("asst_owned").id == "asst_owned"
    with pytest.raises(openai.NotFoundError):
        fake.client(api_key="sk-other").beta.assistants.retrieve("asst_owned")


def test_a_world_naming_no_key_belongs_to_every_key() -> None:
    fake = FakeAssistants(world={"assistants": [{"id": "asst_shared", "model": "gpt-4o"}]})
    fake.isolate_keys()
    for key in ("sk-one", "sk-two"):
        assert [a.id for a in fake.client(api_key=key).beta.assistants.list()] == ["asst_shared"]


# --- the control API ----------------------------------------------------------------------------------------------


def test_the_control_api_loads_a_world_with_its_files_inline(fake: FakeAssistants) -> None:
    with fake.serve() as url:
        base = url.removesuffix("/v1")
        document = {"files": [{"id": "file-notes", "filename": "notes.txt", "text": "Open on Sundays."}]}
        status, loaded = post_json(f"{base}/__fake__/world", document)
        assert status == 200 and loaded["loaded"]["files"] == ["file-notes"]
        status, refused = post_json(f"{base}/__fake__/world", {"files": [{"id": "file-x", "path": "/etc/hostname"}]})
        assert status == 400
        assert "its files are given by text or base64" in refused["error"]["message"]
        client = openai.OpenAI(base_url=url, api_key="sk-test")
        assert client.files.content("file-notes").read() == b"Open on Sundays."
        assert [f.id for f in client.files.list()] == ["file-notes"]


def post_json(url: str, document: Any) -> tuple[int, Any]:
    """A control API request (the SDK cannot send one)."""
    request = urllib.request.Request(url, json.dumps(document).encode(), {"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


# --- properties -------------------------------------------------------------------------------------------------

ID_TEXT = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=30)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.lists(ID_TEXT, unique=True, max_size=5), unnamed=st.integers(0, 3), seed=st.integers(0, 3))
def test_every_given_id_is_kept_and_every_seeded_one_is_new(ids: list[str], unnamed: int, seed: int) -> None:
    assistants: list[dict[str, Any]] = [{"id": object_id, "model": "gpt-4o"} for object_id in ids]
    assistants += [{"model": "gpt-4o"} for _ in range(unnamed)]
    fake = FakeAssistants(seed=seed, world={"assistants": assistants})
    client = fake.client()
    listed = [a.id for a in client.beta.assistants.list(order="asc", limit=100)]
    assert listed[: len(ids)] == ids
    assert len(set(listed)) == len(ids) + unnamed
    made = client.beta.assistants.create(model="gpt-4o").id
    assert made not in listed
    for object_id in ids:
        assert client.beta.assistants.retrieve(object_id).id == object_id


def test_a_snapshot_becomes_a_world_that_gives_the_same_objects(world_file: Path) -> None:
    fake = FakeAssistants(world=world_file)
    client = fake.client()
    client.beta.threads.runs.create_and_poll(thread_id="thread_stored", assistant_id="asst_1Hq8support")
    exported = world_from_snapshot(fake.snapshot())
    assert any("run" in note for note in exported.notes)
    again = FakeAssistants(world=exported.document).client()

    def seen(c: openai.OpenAI) -> Any:
        return (
            [a.model_dump() for a in c.beta.assistants.list(order="asc")],
            [(s.id, s.name, s.file_counts.completed) for s in c.vector_stores.list(order="asc")],
            [(f.id, f.filename, c.files.content(f.id).read()) for f in c.files.list()],
            [
                (m.id, m.role, m.content, m.assistant_id, m.created_at)
                for m in c.beta.threads.messages.list("thread_stored", order="asc")
            ],
        )

    assert seen(again) == seen(client)
    assert read_world(exported.document).summary()["threads"] == ["thread_stored"]
