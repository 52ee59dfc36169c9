"""What a run may play: the default turn for an unscripted run, and the checks a scripted turn must pass."""

from __future__ import annotations

from ..script.context import RunContext
from ..script.script import ScriptError
from ..script.turns import Reply, Turn
from ..steps import kind_of


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
    for step in turn.steps:
        problem = kind_of(step).problem(step, context)
        if problem is not None:
            raise ScriptError(problem)
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
