"""The turn and story strategies: every drawn turn is one the emulator plays, every argument satisfies its schema,
every step kind and every ending is drawn, the same seed draws the same examples, and failures shrink to a story
that pastes back as it printed."""

from __future__ import annotations

import json
import types
from typing import Any

import pytest
from hypothesis import Phase, find, given, seed, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from fake_assistants.runs.rules import check_turn
from fake_assistants.script.codec import TurnSpec, turn_to_json
from fake_assistants.script.turns import ERROR_CODES, INCOMPLETE_REASONS, CallFunctions, Expire, Fail, Incomplete, Reply
from fake_assistants.steps import KINDS, kind_of
from fake_assistants.strategies import (
    Function,
    Story,
    endings,
    function_arguments,
    read_tools,
    runs,
    turn_strategies,
    turns,
)

from .support import for_a_thousand, run_context
from .tools import EVERY_TOOL, FUNCTIONS, NO_PARAMETERS, WEATHER

LOOSE_STRICT: dict[str, Any] = {  # strict, yet its schema leaves "note" optional: strict mode sends every property
    "type": "function",
    "function": {
        "name": "note",
        "strict": True,
        "parameters": {"type": "object", "properties": {"id": {"type": "integer"}, "note": {"type": "string"}}},
    },
}


SIMPLE_TOOLS = [NO_PARAMETERS, {"type": "code_interpreter"}, {"type": "file_search"}]  # quick to shrink


def assert_accepted(story: Story, *, parallel_tool_calls: bool) -> None:
    context = run_context(EVERY_TOOL, parallel_tool_calls=parallel_tool_calls)
    for turn in story.turns:
        check_turn(turn, context)  # a ScriptError if the run could not play it
        assert TurnSpec.model_validate(turn_to_json(turn)).turn() == turn
    assert eval(repr(story), {"Story": Story}) == story  # prints as its script document, which pastes back


@for_a_thousand(story=turns(tools=EVERY_TOOL, parallel_tool_calls=False))
def test_every_drawn_turn_is_one_the_emulator_plays(story: Story) -> None:
    assert len(story.turns) == 1
    assert_accepted(story, parallel_tool_calls=False)
    assert all(len(step.calls) == 1 for step in story.turns[0].steps if isinstance(step, CallFunctions))


@for_a_thousand(story=runs(tools=EVERY_TOOL))
def test_every_drawn_story_is_one_the_emulator_plays(story: Story) -> None:
    assert 1 <= len(story.turns) <= 3
    assert_accepted(story, parallel_tool_calls=True)


@for_a_thousand(
    drawn=st.sampled_from([*FUNCTIONS, LOOSE_STRICT]).flatmap(
        lambda tool: st.tuples(st.just(tool), function_arguments(read_tools([tool]).functions[0]))
    )
)
def test_every_drawn_argument_satisfies_its_schema(drawn: tuple[dict[str, Any], str]) -> None:
    tool, arguments = drawn
    function = tool["function"]
    parameters = function.get("parameters", {"type": "object", "properties": {}})
    value = json.loads(arguments)
    Draft202012Validator(parameters).validate(value)
    if function.get("strict"):
        assert set(value) == set(parameters["properties"])


def test_a_function_without_strict_may_leave_optional_arguments_out() -> None:
    search = read_tools([FUNCTIONS[1]]).functions[0]
    assert find(function_arguments(search), lambda text: json.loads(text) == {"query": ""}) == '{"query": ""}'


def test_the_step_strategies_follow_the_step_kind_registry() -> None:
    assert set(turn_strategies.STEP_STRATEGIES) == {kind.name for kind in KINDS}
    assert _kinds_drawn(turns(tools=SIMPLE_TOOLS)) == {kind.name for kind in KINDS}


def _kinds_drawn(strategy: st.SearchStrategy[Story]) -> set[str]:
    seen: set[str] = set()

    @settings(max_examples=100, database=None, phases=[Phase.generate])
    @given(story=strategy)
    def record(story: Story) -> None:
        seen.update(kind_of(step).name for turn in story.turns for step in turn.steps)

    record()
    return seen


def test_a_step_kind_without_a_strategy_is_an_error_not_a_silence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(turn_strategies, "KINDS", (*KINDS, types.SimpleNamespace(name="shout")))
    with pytest.raises(NotImplementedError, match="shout"):
        turns(tools=EVERY_TOOL)


def test_steps_need_their_tools() -> None:
    assert _kinds_drawn(turns(tools=[NO_PARAMETERS])) == {"call", "say"}
    assert _kinds_drawn(turns(tools=[{"type": "code_interpreter"}])) == {"run_code", "say"}


@pytest.mark.parametrize(
    "ending",
    [Reply(""), *(Fail(code, "") for code in ERROR_CODES), *(Incomplete(r) for r in INCOMPLETE_REASONS), Expire()],
    ids=repr,
)
def test_every_ending_is_drawn_and_shrinks_to_its_simplest(ending: object) -> None:
    def same_kind(drawn: object) -> bool:
        return type(drawn) is type(ending) and all(
            getattr(drawn, part, None) == getattr(ending, part, None) for part in ("code", "reason")
        )

    assert find(endings(), same_kind) == ending


def test_a_story_shrinks_to_a_reply_when_its_ending_does_not_matter() -> None:
    story = find(runs(tools=SIMPLE_TOOLS, max_steps=0), lambda s: len(s.turns) == 2)
    assert story == Story({"turns": [{"steps": [], "reply": ""}, {"steps": [], "reply": ""}]})


def _draws(seed_value: int) -> list[str]:
    seen: list[str] = []

    @seed(seed_value)
    @settings(max_examples=40, database=None, phases=[Phase.generate], derandomize=False)
    @given(story=runs(tools=EVERY_TOOL))
    def record(story: Story) -> None:
        seen.append(repr(story))

    record()
    return seen


def test_the_same_seed_draws_the_same_examples() -> None:
    first = _draws(28)
    assert len(first) == 40
    assert _draws(28) == first
    assert _draws(29) != first


def test_the_tools_are_read_from_an_sdk_assistant_or_its_keywords(client: Any) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o", tools=EVERY_TOOL)
    read = read_tools(assistant)
    assert read == read_tools({"model": "gpt-4o", "tools": EVERY_TOOL}) == read_tools(EVERY_TOOL)
    assert [f.name for f in read.functions] == ["get_weather", "search_orders", "now", "ship_to"]
    assert read.functions[0] == Function("get_weather", WEATHER["function"]["parameters"], strict=True)
    assert read.code_interpreter and read.file_search
    with pytest.raises(TypeError, match="assistant, or its tools"):
        turns()


def _has_step(story: Story, name: str) -> bool:
    return any(kind_of(step).name == name for turn in story.turns for step in turn.steps)
