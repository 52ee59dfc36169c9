"""Strategies for what a run does: its steps, drawn from the step-kind registry (``fake_assistants.steps``) for the
tools a run has, and its ending; :func:`turns` draws one run's turn, :func:`runs` the turns of several runs.

Each kind of step has its strategy in :data:`STEP_STRATEGIES`, under the kind's name. A kind the registry knows and
this table does not is an error at the first draw, so a new step kind is never silently left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from ..script.turns import (
    ERROR_CODES,
    INCOMPLETE_REASONS,
    Ending,
    ErrorCode,
    Expire,
    Fail,
    Incomplete,
    IncompleteReason,
    Reply,
    Turn,
)
from ..steps import KINDS
from ..steps.code_interpreter import OutputFile, RunCode
from ..steps.file_search import SearchFiles
from ..steps.functions import CallFunctions, FunctionCall
from ..steps.message import Say
from .schema_values import json_values
from .story import Story
from .tools import Function, Tools, read_tools

ENDINGS = ("reply", "fail", "incomplete", "expire")
"""Every way a turn ends, by its name in a script file."""


@dataclass(frozen=True)
class Options:
    """What the drawn turns may hold."""

    tools: Tools
    parallel_tool_calls: bool = True
    max_steps: int = 4
    max_parallel_calls: int = 3
    text: st.SearchStrategy[str] = field(default_factory=st.text)


StepStrategy = Callable[[Options], "st.SearchStrategy[object] | None"]
"""The strategy of one kind's steps for a run (``None``: the run cannot play the kind)."""


def function_arguments(function: Function) -> st.SearchStrategy[str]:
    """The JSON text of arguments that satisfy ``function``'s parameters schema (``strict`` honoured)."""
    values = json_values(function.parameters, strict=function.strict)
    return values.map(lambda value: json.dumps(value, ensure_ascii=False))


def _calls(options: Options) -> st.SearchStrategy[object] | None:
    functions = options.tools.functions
    if not functions:
        return None
    one = st.one_of([_calls_of(function) for function in functions])
    most = options.max_parallel_calls if options.parallel_tool_calls else 1
    return st.lists(one, min_size=1, max_size=most).map(lambda calls: CallFunctions(tuple(calls)))


def _calls_of(function: Function) -> st.SearchStrategy[FunctionCall]:
    return function_arguments(function).map(lambda arguments: FunctionCall(function.name, arguments))


def _file_names() -> st.SearchStrategy[str]:
    return st.from_regex(r"[a-z]{1,8}\.(png|csv|txt)", fullmatch=True)


def _code(options: Options) -> st.SearchStrategy[object] | None:
    if not options.tools.code_interpreter:
        return None
    files = st.lists(st.builds(OutputFile, _file_names(), st.binary(max_size=16)), max_size=2)
    return st.builds(RunCode, options.text, st.none() | options.text, files.map(tuple))


def _searches(options: Options) -> st.SearchStrategy[object] | None:
    if not options.tools.file_search:
        return None
    return st.builds(SearchFiles, options.text)


def _says(options: Options) -> st.SearchStrategy[object] | None:
    return st.builds(Say, options.text)


STEP_STRATEGIES: dict[str, StepStrategy] = {
    "call": _calls,
    "run_code": _code,
    "search_files": _searches,
    "say": _says,
}


def step_strategies(options: Options) -> list[st.SearchStrategy[object]]:
    """The strategies of the steps the run may play, one per kind, in the registry's order."""
    missing = [kind.name for kind in KINDS if kind.name not in STEP_STRATEGIES]
    if missing:
        raise NotImplementedError(
            f"no strategy draws steps of kind {', '.join(missing)}: add one to STEP_STRATEGIES in {__name__}"
        )
    found = (STEP_STRATEGIES[kind.name](options) for kind in KINDS)
    return [strategy for strategy in found if strategy is not None]


def endings(kinds: Sequence[str] = ENDINGS, *, text: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Ending]:
    """Endings of the ``kinds`` named (``Reply``, ``Fail``, ``Incomplete``, ``Expire``): a
    reply, a failure with each real error code, ``incomplete`` with each reason, an expiry.

    Every ending is drawn from the same parts (its kind, a text, an error code, a reason), so each is as simple as
    the others to hypothesis and a failing example shrinks to the first kind that still fails (a reply first).
    """
    unknown = sorted(set(kinds) - set(ENDINGS))
    if unknown or not kinds:
        raise ValueError(f"endings are some of {', '.join(ENDINGS)}, not {unknown or 'none'}")
    return st.builds(
        _ending,
        st.sampled_from([name for name in ENDINGS if name in kinds]),
        st.text() if text is None else text,
        st.sampled_from(ERROR_CODES),
        st.sampled_from(INCOMPLETE_REASONS),
    )


def _ending(kind: str, text: str, code: ErrorCode, reason: IncompleteReason) -> Ending:
    if kind == "reply":
        return Reply(text)
    if kind == "fail":
        return Fail(code, text)
    return Incomplete(reason) if kind == "incomplete" else Expire()


def turn_values(options: Options, ending_kinds: Sequence[str] = ENDINGS) -> st.SearchStrategy[Turn]:
    """One run's turn: up to ``max_steps`` steps, then an ending."""
    steps = st.lists(st.one_of(step_strategies(options)), max_size=options.max_steps)
    return st.builds(Turn, steps.map(tuple), endings(ending_kinds, text=options.text))


def _options(
    assistant: Any,
    tools: Any,
    parallel_tool_calls: bool,
    max_steps: int,
    max_parallel_calls: int,
    text: st.SearchStrategy[str] | None,
) -> Options:
    if (assistant is None) == (tools is None):
        raise TypeError("give the assistant, or its tools (one of them)")
    if max_steps < 0 or max_parallel_calls < 1:
        raise ValueError("max_steps is 0 or more, max_parallel_calls 1 or more")
    read = read_tools(assistant if assistant is not None else tools)
    return Options(read, parallel_tool_calls, max_steps, max_parallel_calls, st.text() if text is None else text)


def turns(
    assistant: Any = None,
    *,
    tools: Any = None,
    parallel_tool_calls: bool = True,
    max_steps: int = 4,
    max_parallel_calls: int = 3,
    endings: Sequence[str] = ENDINGS,
    text: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Story]:
    """Stories of one run, for ``assistant`` (an SDK ``Assistant``, or the keywords it was created with) or for
    ``tools``: rounds of function calls whose names are the assistant's functions and whose arguments satisfy each
    function's parameters (``strict`` honoured), parallel when ``parallel_tool_calls``; code and file search steps
    when those tools are on; messages between steps; then one of ``endings``."""
    options = _options(assistant, tools, parallel_tool_calls, max_steps, max_parallel_calls, text)
    return turn_values(options, endings).map(lambda turn: Story.of([turn]))


def runs(
    assistant: Any = None,
    *,
    tools: Any = None,
    max_runs: int = 3,
    parallel_tool_calls: bool = True,
    max_steps: int = 4,
    max_parallel_calls: int = 3,
    endings: Sequence[str] = ENDINGS,
    text: st.SearchStrategy[str] | None = None,
    faults: st.SearchStrategy[list[dict[str, Any]]] | None = None,
) -> st.SearchStrategy[Story]:
    """Stories of 1 to ``max_runs`` runs of a conversation, one turn per run (as :func:`turns` draws them), and,
    with ``faults`` (for example ``faults()``), the faults the emulator adds for the story."""
    if max_runs < 1:
        raise ValueError("max_runs is 1 or more")
    options = _options(assistant, tools, parallel_tool_calls, max_steps, max_parallel_calls, text)
    chain = st.lists(turn_values(options, endings), min_size=1, max_size=max_runs)
    drawn_faults = st.just([]) if faults is None else faults
    return st.builds(Story.of, chain, drawn_faults)
