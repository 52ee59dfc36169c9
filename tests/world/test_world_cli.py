"""World files from the command line: ``serve --world``, ``world check`` and ``world from-state``."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import openai
import pytest

from fake_assistants import FakeAssistants
from fake_assistants.cli import main

from ..support import read_url, start_cli

WORLD = """\
vector_stores:
  - id: vs_faq
    name: FAQ
    files:
      - id: file-Hours
        filename: hours.txt
        text: The shop opens at nine and closes at six, Monday to Saturday.
assistants:
  - id: asst_ShopHelper
    model: gpt-4o
    instructions: Answer from the FAQ.
    tools: [{type: file_search}]
    tool_resources: {file_search: {vector_store_ids: [vs_faq]}}
threads:
  - id: thread_visitor
    messages:
      - {role: user, content: "When do you open?"}
"""
BAD = (
    "assistants:\n  - id: asst_ShopHelper\n    model: gpt-4o\n"
    "    tool_resources: {code_interpreter: {file_ids: [file-nope]}}\n"
)


def write(tmp_path: Path, text: str, name: str = "world.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_serve_starts_with_the_worlds_objects(tmp_path: Path) -> None:
    process = start_cli("--world", str(write(tmp_path, WORLD)), "--progression", "immediate")
    try:
        client = openai.OpenAI(base_url=read_url(process), api_key="sk-world", _strict_response_validation=True)
        assert client.vector_stores.search("vs_faq", query="opens").data[0].file_id == "file-Hours"
        run = client.beta.threads.runs.create_and_poll(thread_id="thread_visitor", assistant_id="asst_ShopHelper")
        assert (run.status, run.instructions) == ("completed", "Answer from the FAQ.")
        assert len(client.beta.threads.messages.list("thread_visitor").data) == 2
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err


def test_serve_refuses_a_bad_world_with_exit_2_and_one_line(tmp_path: Path) -> None:
    bad = write(tmp_path, BAD)
    command = [sys.executable, "-m", "fake_assistants", "serve", "--port", "0", "--world", str(bad)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr == (
        f"fake-assistants: {bad}, line 4: assistant 'asst_ShopHelper' names file 'file-nope', which the world does "
        "not declare and the emulator does not hold\n"
    )


def test_serve_with_a_saved_state_keeps_the_state_and_skips_the_world(tmp_path: Path) -> None:
    from fake_assistants.cli import _emulator, build_parser

    world = write(tmp_path, WORLD)
    state = tmp_path / "state.json"
    args = build_parser().parse_args(["serve", "--world", str(world), "--state", str(state)])
    first = _emulator(args)
    first.client().beta.assistants.update("asst_ShopHelper", name="Renamed while serving")
    first.save_state(state)
    again = _emulator(args)  # the state holds the world's objects already: loading it again would duplicate them
    assert again.client().beta.assistants.retrieve("asst_ShopHelper").name == "Renamed while serving"


def test_world_check_prints_what_a_world_declares(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, WORLD + "  - messages: []\n")
    assert main(["world", "check", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "files (1): file-Hours",
        "vector_stores (1): vs_faq",
        "assistants (1): asst_ShopHelper",
        "threads (2): thread_visitor, (a seeded id)",
        "messages (1): (a seeded id)",
        f"{path}: a valid world",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BAD, "line 4: assistant 'asst_ShopHelper' names file 'file-nope'"),
        ("threads:\n  - id: t\n    messages: [{role: robot, content: hi}]\n", "line 3: a message without an id"),
        ("assistants: [\n", "not valid YAML or JSON"),
    ],
)
def test_world_check_refuses_a_bad_world_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    assert main(["world", "check", str(write(tmp_path, text))]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and expected in captured.err and captured.err.count("\n") == 1, captured.err


def test_a_state_file_becomes_a_world_that_gives_the_same_objects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeAssistants(world=write(tmp_path, WORLD))
    client = fake.client()
    store = client.vector_stores.create(name="Clicked together")
    uploaded = client.files.create(file=("menu.txt", b"Soup of the day."), purpose="assistants")
    client.vector_stores.files.create(vector_store_id=store.id, file_id=uploaded.id)
    client.beta.assistants.create(
        model="gpt-4o-mini", name="Menu", tool_resources={"file_search": {"vector_store_ids": [store.id]}}
    )
    client.beta.threads.messages.create("thread_visitor", role="assistant", content="At nine.")
    state = tmp_path / "state.json"
    fake.save_state(state)
    out = tmp_path / "kept.yaml"
    assert main(["world", "from-state", str(state), "-o", str(out)]) == 0
    assert main(["world", "check", str(out)]) == 0
    capsys.readouterr()
    again = FakeAssistants(world=out).client()
    for c in (client, again):
        c.vector_stores.retrieve(store.id)  # per_read: the test's own store finishes ingesting on a read
    assert [a.model_dump() for a in again.beta.assistants.list()] == [
        a.model_dump() for a in client.beta.assistants.list()
    ]
    assert again.vector_stores.search(store.id, query="soup").data[0].file_id == uploaded.id
    texts = [m.content[0].text.value for m in again.beta.threads.messages.list("thread_visitor", order="asc")]  # type: ignore[union-attr]
    assert texts == ["When do you open?", "At nine."]


def test_from_state_refuses_what_is_not_a_state_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["world", "from-state", str(write(tmp_path, "{}", "state.json"))]) == 2
    assert "not a state file" in capsys.readouterr().err
