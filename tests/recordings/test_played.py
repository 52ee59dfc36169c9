"""One reading of a recorded run (``recordings/played.py``), for the importer and conformance alike: each step kind
reads its own tool calls back (``from_public_calls``, the inverse of ``public_call``), so neither reader names a
step vocabulary of its own, and a run played by the emulator reads back as the turn that played it."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import FakeAssistants, ManualClock
from fake_assistants.recordings import importer
from fake_assistants.recordings.played import played
from fake_assistants.script.turns import Reply, RunCode, Say, SearchFiles, Turn
from fake_assistants.steps import KINDS

PACKAGE = Path(importer.__file__).parents[1]
READERS = ("recordings/importer.py", "conformance/replay.py")


def test_the_readers_of_recorded_runs_name_no_step_vocabulary() -> None:
    vocabulary = {kind.call_type for kind in KINDS if kind.call_type} | {kind.name for kind in KINDS}
    vocabulary |= {"tool_calls", "message_creation", "required_action"}
    for reader in READERS:
        tree = ast.parse((PACKAGE / reader).read_text(encoding="utf-8"))
        named = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and node.value in vocabulary}
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert named == set(), reader
        assert {"played", "recordings.played"} & imported, reader


words = st.text(st.characters(whitelist_categories=("L", "N"), whitelist_characters=" "), min_size=1, max_size=10)
steps = st.lists(
    st.one_of(
        st.builds(RunCode, words, st.none() | words),
        st.just(SearchFiles("")),
        st.builds(Say, words),
    ),
    max_size=4,
)


@settings(max_examples=12, deadline=None, database=None)
@given(played_steps=steps, reply=words)
def test_a_run_the_emulator_played_reads_back_as_its_turn(played_steps: list[Any], reply: str) -> None:
    fake = FakeAssistants(seed=1, clock=ManualClock(), progression="immediate")
    client = fake.client()
    tools: Any = [{"type": "code_interpreter"}, {"type": "file_search"}]
    assistant = client.beta.assistants.create(model="gpt-4o", tools=tools, instructions="Go.")
    fake.script.add(Turn(steps=tuple(played_steps), ending=Reply(reply)))
    run = client.beta.threads.create_and_run_poll(assistant_id=assistant.id)
    assert run.status == "completed"
    listed = client.beta.threads.runs.steps.list(run.id, thread_id=run.thread_id, order="asc")
    recorded_steps = [step.to_dict() for step in listed]
    messages = [m.to_dict() for m in client.beta.threads.messages.list(run.thread_id, order="asc")]
    written = [m for m in messages if m["role"] == "assistant"]
    result = played([run.to_dict()], recorded_steps, written)
    assert list(result.steps) == played_steps
    assert result.reply == Say(reply)
    assert (result.status, result.unseen) == ("completed", 0)
