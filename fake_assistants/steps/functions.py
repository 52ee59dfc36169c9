"""Function calls: one round of calls (several = parallel calls), after which the run waits in
``requires_action`` for the client's tool outputs.

Script file form: ``call: {name: get_weather, arguments: {city: Paris}}``, or a list of such for parallel calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..journal import keep
from ..tokens import count_tokens, pieces
from .base import Allowance, Events, JsonDict, Player, SpecModel, StepKind

Arguments = Mapping[str, Any] | str | None


@dataclass(frozen=True)
class FunctionCall:
    """One call of a function tool. ``arguments`` is the JSON text the run's ``required_action`` carries."""

    name: str
    arguments: str = "{}"

    @classmethod
    def of(cls, name: str, arguments: Arguments = None) -> FunctionCall:
        if not isinstance(name, str) or not name:
            raise TypeError("a function call needs the function's name, a non-empty str")
        if arguments is None:
            return cls(name)
        if isinstance(arguments, str):
            try:
                json.loads(arguments)
            except ValueError as exc:
                raise ValueError(f"the arguments of {name!r} are not valid JSON: {exc}") from None
            return cls(name, arguments)
        return cls(name, json.dumps(dict(arguments)))


@dataclass(frozen=True)
class CallFunctions:
    """One round of function calls (several = parallel calls). The run waits in ``requires_action`` for outputs."""

    calls: tuple[FunctionCall, ...]


class CallSpec(SpecModel):
    name: str
    arguments: dict[str, Any] | str | None = None


class FunctionCalls(StepKind[CallFunctions]):
    name = "call"
    value = CallFunctions
    spec = CallSpec | list[CallSpec]
    call_type = "function"
    order = 0

    def from_spec(self, spec: CallSpec | list[CallSpec]) -> CallFunctions:
        calls = spec if isinstance(spec, list) else [spec]
        return CallFunctions(tuple(FunctionCall.of(call.name, call.arguments) for call in calls))

    def to_json(self, step: CallFunctions) -> Any:
        return [{"name": call.name, "arguments": call.arguments} for call in step.calls]

    def from_public_calls(self, calls: Sequence[JsonDict]) -> list[CallFunctions]:
        """One round of calls, each with its arguments exactly as recorded (the model's JSON text)."""
        found = [call.get("function") or {} for call in calls]
        return [CallFunctions(tuple(FunctionCall(f.get("name", ""), f.get("arguments") or "{}") for f in found))]

    def problem(self, step: CallFunctions, run: Allowance) -> str | None:
        declared = run.function_names
        for call in step.calls:
            if call.name not in declared:
                return (
                    f"run {run.run_id} calls function {call.name!r}, which its tools do not declare "
                    f"(declared functions: {', '.join(declared) or 'none'})"
                )
        if len(step.calls) > 1 and not run.parallel_tool_calls:
            return (
                f"run {run.run_id} has parallel_tool_calls=false, but its scripted round calls {len(step.calls)} "
                "functions at once"
            )
        return None

    def completion_tokens(self, step: CallFunctions) -> int:
        return sum(count_tokens(call.name) + count_tokens(call.arguments) for call in step.calls)

    def play(self, step: CallFunctions, player: Player) -> Events:
        def calls() -> list[JsonDict]:
            return [
                {"id": player.new_call_id(), "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for c in step.calls
            ]

        yield from player.tool_calls(self.completion_tokens(step), calls, wait_for_outputs=True)

    def stream_call(self, call: JsonDict, index: int, stored: list[JsonDict], chunk_tokens: int) -> Iterator[JsonDict]:
        name, arguments = call["function"]["name"], call["function"]["arguments"]
        keep(stored)
        stored.append(
            {"id": call["id"], "type": "function", "function": {"name": name, "arguments": "", "output": None}}
        )
        yield {
            "index": index,
            "id": call["id"],
            "type": "function",
            "function": {"name": name, "arguments": "", "output": None},
        }
        for piece in pieces(arguments, chunk_tokens):
            keep(stored)
            stored[index]["function"]["arguments"] += piece
            yield {"index": index, "type": "function", "function": {"arguments": piece}}


KIND = FunctionCalls()
