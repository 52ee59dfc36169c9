"""What a run may play: the default turn for an unscripted run, and the checks a scripted turn must pass."""

from __future__ import annotations

from ..script.context import RunContext
from ..script.engine import ScriptError
from ..script.turns import CallFunctions, Reply, RunCode, SearchFiles, Turn


def default_turn(context: RunContext) -> Turn:
    """The turn of a run no script serves.

    - ``tool_choice`` naming a function (``{"type": "function", "function": {"name": ...}}``): call it with ``{}``,
      then, once the output is in, the default reply;
    - ``tool_choice`` ``"required"``: call the run's first function tool the same way, else use its first tool;
    - ``tool_choice`` naming ``code_interpreter`` or ``file_search``: one such step, then the default reply;
    - otherwise: the default reply (``DEFAULT_REPLY_TEXT``).
    """
    choice = context.tool_choice
    forced = choice.get("type") if hasattr(choice, "get") else None
    if forced == "function":
        return Turn.call_function(choice["function"]["name"])
    if choice == "required":
        if context.function_names:
            return Turn.call_function(context.function_names[0])
        forced = context.tools[0]["type"] if context.tools else None
    if forced == "code_interpreter":
        return Turn.run_code("# fake_assistants: default code_interpreter step")
    if forced == "file_search":
        return Turn.search_files(context.last_user_message or "")
    return Turn()


def check_turn(turn: Turn, context: RunContext) -> None:
    """Raise :class:`ScriptError` if the run could not play ``turn`` (the real model could not have produced it)."""
    where = f"run {context.run_id}"
    if context.tool_choice == "none" and turn.steps:
        raise ScriptError(f"{where} has tool_choice 'none', but its scripted turn uses tools: {turn!r}")
    declared = context.function_names
    for step in turn.steps:
        if isinstance(step, CallFunctions):
            for call in step.calls:
                if call.name not in declared:
                    raise ScriptError(
                        f"{where} calls function {call.name!r}, which its tools do not declare "
                        f"(declared functions: {', '.join(declared) or 'none'})"
                    )
            if len(step.calls) > 1 and not context.parallel_tool_calls:
                raise ScriptError(
                    f"{where} has parallel_tool_calls=false, but its scripted round calls {len(step.calls)} "
                    "functions at once"
                )
        elif isinstance(step, RunCode) and not context.has_tool("code_interpreter"):
            raise ScriptError(f"{where} runs code, but its tools do not include code_interpreter")
        elif isinstance(step, SearchFiles) and not context.has_tool("file_search"):
            raise ScriptError(f"{where} searches files, but its tools do not include file_search")
    if isinstance(turn.ending, Reply):
        _check_citations(turn, turn.ending, context)


def _check_citations(turn: Turn, reply: Reply, context: RunContext) -> None:
    """A reply may cite only files in the run's scope, or (``file_path``) files the run's code produced."""
    in_scope = set(context.files.file_ids)
    produced = (
        {file.name for file in turn.output_files} | set(context.output_files) | set(context.output_files.values())
    )
    for annotation in reply.annotations:
        allowed = in_scope | produced if annotation.kind == "file_path" else in_scope
        if annotation.file_id not in allowed:
            raise ScriptError(
                f"run {context.run_id} cites {annotation.file_id!r} ({annotation.kind}), which is not in its file "
                f"scope (in scope: {', '.join(sorted(in_scope)) or 'nothing'}); a run on one thread never sees "
                "files attached on another"
            )
