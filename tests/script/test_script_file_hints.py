"""A misspelled key in a script file names the nearest valid key and lists the valid ones there."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_assistants.script.codec import TurnSpec
from fake_assistants.script.files import ScriptFileError, parse_script

TURN_KEYS = "assistant, thread, message_contains, steps, reply, fail, incomplete, expire, usage"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "turns:\n  - reploy: hi\n",
            f"s.yaml: line 2 (at /turns/0/reploy): unknown key 'reploy'; did you mean 'reply'? "
            f"(valid keys here: {TURN_KEYS})",
        ),
        (
            "turn:\n  - reply: hi\n",
            "s.yaml: line 2 (at /turn): unknown key 'turn'; did you mean 'turns'? "
            "(valid keys here: strict, turns, faults, model)",
        ),
        (
            "turns:\n  - steps:\n      - cal: x\n",
            "s.yaml: line 3 (at /turns/0/steps/0/cal): unknown key 'cal'; did you mean 'call'? "
            "(valid keys here: call, run_code, search_files, say)",
        ),
        (
            "turns:\n  - steps:\n      - run_code: {input: x, ouptut: y}\n",
            "s.yaml: line 3 (at /turns/0/steps/0/run_code/ouptut): unknown key 'ouptut'; did you mean 'output'? "
            "(valid keys here: input, output, files)",
        ),
        (
            "turns:\n  - zzz: 1\n",
            f"s.yaml: line 2 (at /turns/0/zzz): unknown key 'zzz' (valid keys here: {TURN_KEYS})",
        ),
    ],
)
def test_a_typo_names_the_nearest_key(text: str, message: str) -> None:
    with pytest.raises(ScriptFileError) as caught:
        parse_script(text, source="s.yaml")
    assert str(caught.value) == message


def test_json_files_get_the_hint_too() -> None:
    with pytest.raises(ScriptFileError, match=r"^s\.json: at /turns/0/reploy: unknown key 'reploy'; did you mean"):
        parse_script('{"turns": [{"reploy": "hi"}]}', source="s.json")


@given(key=st.sampled_from(sorted(TurnSpec.model_fields)), data=st.data())
def test_a_doubled_letter_in_any_turn_key_points_back_to_it(key: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(key) - 1))
    typo = key[: at + 1] + key[at:]
    with pytest.raises(ScriptFileError) as caught:
        parse_script(f"turns:\n  - {typo}: x\n", source="s.yaml")
    assert f"unknown key {typo!r}; did you mean {key!r}?" in str(caught.value)
