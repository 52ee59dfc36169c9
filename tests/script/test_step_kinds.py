"""Step kinds (``fake_assistants.steps``): one module per kind, and one JSON form of a turn for every reader.

The JSON form is checked as a property: any turn, written by ``turn_to_json`` and read back by the codec, is the same
turn; a snapshot carries it; the script file loader reads it. And adding a kind is adding one module: a copy of the
package with one more module in ``steps/`` plays the new kind through the SDK, from Python and from a script file,
and keeps it across a snapshot.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import yaml  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants import DEFAULT_REPLY_TEXT, FakeAssistants, Turn
from fake_assistants.script.codec import TurnSpec, turn_to_json
from fake_assistants.script.files import parse_script
from fake_assistants.script.turns import (
    Annotation,
    CallFunctions,
    Expire,
    Fail,
    FunctionCall,
    Incomplete,
    OutputFile,
    Reply,
    RunCode,
    Say,
    SearchFiles,
)
from fake_assistants.steps import KINDS, kind_of

from ..footprint import new_file, with_edits

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
marked = text.flatmap(
    lambda body: st.builds(
        lambda marker, kind, file_id: (body + marker, (Annotation(file_id, marker, kind),)),
        st.text(min_size=1, max_size=4).filter(str.strip),
        st.sampled_from(["file_citation", "file_path"]),
        st.from_regex(r"file-[a-z0-9]{4}", fullmatch=True),
    )
)
calls = st.lists(
    st.builds(FunctionCall.of, st.from_regex(r"[a-z_]{1,8}", fullmatch=True), st.dictionaries(text, text, max_size=2)),
    min_size=1,
    max_size=3,
)
steps = st.one_of(
    calls.map(lambda found: CallFunctions(tuple(found))),
    st.builds(
        RunCode,
        text,
        st.none() | text,
        st.lists(st.builds(OutputFile, st.sampled_from(["a.png", "b.csv"]), st.binary(max_size=8)), max_size=2).map(
            tuple
        ),
    ),
    st.builds(SearchFiles, text),
    st.builds(Say, text),
    marked.map(lambda pair: Say(*pair)),
)
endings = st.one_of(
    st.none(),
    st.builds(Reply, text),
    marked.map(lambda pair: Reply(*pair)),
    st.builds(Fail, st.sampled_from(["server_error", "rate_limit_exceeded", "invalid_prompt"]), text),
    st.builds(Incomplete, st.sampled_from(["max_completion_tokens", "max_prompt_tokens"])),
    st.just(Expire()),
)
turns = st.builds(Turn, st.lists(steps, max_size=4).map(tuple), endings)


@settings(max_examples=100, deadline=None)
@given(turns)
def test_every_turn_reads_back_from_its_json_form(turn: Turn) -> None:
    assert TurnSpec.model_validate(turn_to_json(turn)).turn() == turn


@settings(max_examples=15, deadline=None)
@given(turns)
def test_a_queued_turn_survives_a_snapshot_and_reads_as_a_script_file(turn: Turn) -> None:
    fake = FakeAssistants()
    fake.script.for_thread("thread_x").add(turn)
    restored = FakeAssistants.restore(fake.snapshot())
    (entry,) = restored.script.pending
    assert entry.turn == turn and str(entry.matcher) == str(fake.script.pending[0].matcher)
    document = {"turns": [{"thread": "thread_x", **turn_to_json(turn)}]}
    assert parse_script(yaml.safe_dump(document), yaml=True).turns[0].turn() == turn
    loaded = FakeAssistants()
    loaded.script.add_from(document)
    assert loaded.script.pending[0].turn == turn


def test_every_kind_has_one_name_value_and_call_type() -> None:
    assert len({kind.name for kind in KINDS}) == len(KINDS) == len({kind.value for kind in KINDS})
    call_types = [kind.call_type for kind in KINDS if kind.call_type is not None]
    assert sorted(call_types) == ["code_interpreter", "file_search", "function"]
    assert [kind.name for kind in KINDS] == ["call", "run_code", "search_files", "say"]
    assert kind_of(Say("hi")).name == "say"


def test_a_snapshot_written_before_the_one_json_form_still_loads() -> None:
    fake = FakeAssistants()
    fake.script.for_assistant("Tutor").add(Turn.say("Let me look.").then_reply("x = 1"))
    document = fake.snapshot()
    (entry,) = document["script"]["pending"]
    document["script"]["pending"] = [  # the form of version 1 before the codec: the turn under "turn", "ending"
        {
            "turn": {
                "steps": [{"say": {"text": "Let me look.", "annotations": []}}],
                "ending": {"reply": "x = 1", "annotations": []},
            },
            "assistant": "Tutor",
            "thread": None,
        }
    ]
    assert entry == {"steps": [{"say": "Let me look."}], "reply": "x = 1", "assistant": "Tutor"}
    restored = FakeAssistants.restore(document)
    assert restored.script.pending[0].turn == fake.script.pending[0].turn


SHOUT = '''
"""A made-up kind for the test: the assistant shouts a message mid-turn (script file form: ``shout: text``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..tokens import count_tokens
from .base import Allowance, Events, Player, StepKind


@dataclass(frozen=True)
class Shout:
    text: str


class Shouting(StepKind[Shout]):
    name = "shout"
    value = Shout
    spec = str

    def from_spec(self, spec: str) -> Shout:
        return Shout(spec)

    def to_json(self, step: Shout) -> Any:
        return step.text

    def problem(self, step: Shout, run: Allowance) -> str | None:
        return None if step.text.strip() else f"run {run.run_id} shouts nothing"

    def completion_tokens(self, step: Shout) -> int:
        return count_tokens(step.text)

    def play(self, step: Shout, player: Player) -> Events:
        yield from player.write_message(step.text.upper() + "!", ())


KIND = Shouting()
'''

PLAY_SHOUT = """
import openai
from fake_assistants import DEFAULT_REPLY_TEXT, FakeAssistants, Turn
from fake_assistants.steps.shout import Shout


fake = FakeAssistants()
client = fake.client()
assistant = client.beta.assistants.create(model="gpt-4o", name="Loud")
fake.script.add(Turn().then(Shout("hello")).then_reply("done"))
fake.script.add_from({"turns": [{"steps": [{"shout": "again"}]}]})
restored = FakeAssistants.restore(fake.snapshot())
for emulator in (fake, restored):
    client = emulator.client()
    for _ in range(2):
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
        run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
        listed = client.beta.threads.messages.list(thread_id=thread.id, order="asc")
        print(run.status, [m.content[0].text.value for m in listed][1:])
fake.script.add(Turn().then(Shout(" ")))
thread = fake.client().beta.threads.create(messages=[{"role": "user", "content": "hi"}])
try:
    fake.client().beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
except openai.APIStatusError as error:
    print(error.status_code, "shouts nothing" in str(error))
"""


def test_a_new_kind_is_one_new_module(tmp_path: Path) -> None:
    module = {"steps/shout.py": new_file(textwrap.dedent(SHOUT))}  # and no other file changes
    *played, refused = with_edits(tmp_path, PLAY_SHOUT, module).stdout.splitlines()
    again = f"completed ['AGAIN!', {DEFAULT_REPLY_TEXT!r}]"
    assert played == ["completed ['HELLO!', 'done']", again] * 2  # the emulator, then its restored snapshot
    assert refused == "500 True"
