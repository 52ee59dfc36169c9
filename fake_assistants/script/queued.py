"""A queued turn and what binds it to runs: the part of the scripted response engine the turn codec reads too.

:class:`Matcher` is what a binding requires of a run; :class:`ScriptedTurn` is a turn waiting in the queue (see
``script.py`` for how a run picks one); :class:`ScriptError` is a script that cannot serve a run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Self

from .context import RunContext
from .turns import Turn, TurnChain


class ScriptError(Exception):
    """The script cannot serve a run: a test-authoring mistake, reported to the test, never played silently."""


@dataclass(frozen=True)
class Matcher:
    """What a binding requires of a run. Every given part must hold."""

    assistant: str | None = None  # an assistant id or name
    thread: str | None = None  # a thread id
    predicate: Callable[[RunContext], bool] | None = None

    def matches(self, context: RunContext) -> bool:
        assistant = context.assistant
        if self.assistant is not None and self.assistant not in (assistant.id, assistant.name):
            return False
        if self.thread is not None and self.thread != context.thread_id:
            return False
        return self.predicate is None or bool(self.predicate(context))

    def narrowed(self, other: Matcher) -> Matcher:
        predicates = [p for p in (self.predicate, other.predicate) if p is not None]

        def both(context: RunContext) -> bool:
            return all(predicate(context) for predicate in predicates)

        return Matcher(
            assistant=other.assistant if other.assistant is not None else self.assistant,
            thread=other.thread if other.thread is not None else self.thread,
            predicate=both if len(predicates) > 1 else (predicates[0] if predicates else None),
        )

    def __str__(self) -> str:
        parts = [f"assistant={self.assistant!r}"] * (self.assistant is not None)
        parts += [f"thread={self.thread!r}"] * (self.thread is not None)
        parts += [f"when={getattr(self.predicate, '__name__', 'predicate')}"] * (self.predicate is not None)
        return ", ".join(parts)


class ScriptedTurn(TurnChain):
    """A queued turn. Chaining (``.then_reply(...)``) extends it in place until a run takes it."""

    def __init__(self, turn: Turn, matcher: Matcher | None) -> None:
        self._turn = turn
        self.matcher = matcher
        self.run_id: str | None = None  # the run that took it

    @property
    def turn(self) -> Turn:
        return self._turn

    def _extended(self, change: Callable[[Turn], Turn]) -> Self:
        if self.run_id is not None:
            raise ScriptError(f"this turn was already taken by run {self.run_id}; it can no longer change")
        self._turn = change(self._turn)
        return self

    def __repr__(self) -> str:
        bound = f" for {self.matcher}" if self.matcher else ""
        taken = f" taken by {self.run_id}" if self.run_id else ""
        return f"<ScriptedTurn{bound}{taken}: {self._turn!r}>"
