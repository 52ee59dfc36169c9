"""A model's answer, as the turn the run plays.

- Text and no tool call: a reply (cut short, ``finish_reason: length``: the text, then the run ends ``incomplete``).
  Markers the model copied from search results (``【0:1†faq.txt】``) become ``file_citation`` annotations.
- Tool calls: text before them is a message of its own; then one step per ``file_search`` call (the emulator
  searches the run's stores), one per ``code_interpreter`` call (the user's executor runs the code), then one round
  of the function calls, with the model's own argument text, and the run waits in ``requires_action``. With
  ``parallel_tool_calls`` off, only the model's first function call is kept; with ``tool_choice: none``, no call is.
- The usage the model reported goes with the turn, and so into the run's ``usage``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..script.context import RunContext
from ..script.turns import (
    Annotation,
    CallFunctions,
    FunctionCall,
    Incomplete,
    ModelUsage,
    Reply,
    RunCode,
    Say,
    SearchFiles,
    ToolStep,
    Turn,
)
from .endpoint import ChatAnswer, ChatEndpointError, ChatToolCall
from .prompt import CODE_INTERPRETER, FILE_SEARCH, citation_marker

CodeExecutor = Callable[[str], str | None]
"""Runs the code a model wrote for ``code_interpreter`` and returns what it printed (its logs)."""


def turn_from_answer(answer: ChatAnswer, context: RunContext, executor: CodeExecutor | None) -> Turn:
    """The turn the model's ``answer`` stands for, in ``context`` (a :class:`ChatEndpointError` when it calls a
    tool the run does not have)."""
    usage = _usage(answer)
    text = answer.content or ""
    if context.tool_choice == "none":  # no step at all, as the real model under "none": the text, whatever else
        return Turn(ending=Reply(text, _citations(text, context), answer.deltas), usage=usage)
    if not answer.tool_calls:
        if answer.finish_reason == "length":
            return Turn(steps=(Say(text, _citations(text, context)),), ending=Incomplete(), usage=usage)
        return Turn(ending=Reply(text, _citations(text, context), answer.deltas), usage=usage)
    steps: list[ToolStep] = [Say(text, _citations(text, context))] if text.strip() else []
    functions: list[FunctionCall] = []
    for call in answer.tool_calls:
        if call.name == FILE_SEARCH and context.has_tool("file_search"):
            steps.append(SearchFiles(_argument(call, "query")))
        elif call.name == CODE_INTERPRETER and executor is not None and context.has_tool("code_interpreter"):
            code = _argument(call, "code")
            steps.append(RunCode(code, executor(code)))
        elif call.name in context.function_names:
            functions.append(FunctionCall(call.name, call.arguments or "{}"))  # the text as the model wrote it
        else:
            raise ChatEndpointError(f"the model called {call.name!r}, a tool run {context.run_id} does not offer")
    if functions:
        steps.append(CallFunctions(tuple(functions if context.parallel_tool_calls else functions[:1])))
    return Turn(steps=tuple(steps), usage=usage)


def search_queries(turn: Turn) -> list[str]:
    """The queries of a turn's searches, in order (the next request shows them as the model's calls)."""
    return [step.query for step in turn.steps if isinstance(step, SearchFiles)]


def _usage(answer: ChatAnswer) -> ModelUsage | None:
    if answer.prompt_tokens is None and answer.completion_tokens is None:
        return None
    return ModelUsage(answer.prompt_tokens or 0, answer.completion_tokens or 0)


def _argument(call: ChatToolCall, name: str) -> str:
    try:
        arguments = json.loads(call.arguments or "{}")
    except ValueError:
        raise ChatEndpointError(f"the model called {call.name} with arguments that are not JSON") from None
    value = arguments.get(name) if isinstance(arguments, dict) else None
    if not isinstance(value, str):
        raise ChatEndpointError(f"the model called {call.name} without its {name!r} argument")
    return value


def _citations(text: str, context: RunContext) -> tuple[Annotation, ...]:
    """A ``file_citation`` for each marker of a search result of this run that the text holds."""
    found: list[Annotation] = []
    for search, results in enumerate(_searches(context.steps)):
        for index, result in enumerate(results):
            marker = citation_marker(search, index, result["file_name"])
            if marker in text and all(a.marker != marker for a in found):
                found.append(Annotation(result["file_id"], marker))
    return tuple(found)


def _searches(steps: Sequence[Mapping[str, Any]]) -> list[Sequence[Mapping[str, Any]]]:
    out = []
    for step in steps:
        details = step["step_details"]
        for call in details.get("tool_calls") or ():
            if call["type"] == "file_search":
                out.append(call["file_search"]["results"])
    return out
