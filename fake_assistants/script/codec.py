"""The one JSON form of a turn, shared by script files (``files.py``) and snapshots (``backend/snapshot.py``).

A turn is a mapping: ``steps`` (a list of ``{kind: value}``, one key each, in the vocabulary of the step kinds of
``fake_assistants.steps``), at most one ending (``reply``, ``fail``, ``incomplete`` or ``expire``), and optional
bindings (``assistant``: an id or a name, ``thread``, ``message_contains``)::

    {"thread": "thread_abc", "steps": [{"call": [{"name": "get_weather", "arguments": "{}"}]}], "reply": "Sunny."}

:func:`turn_to_json` writes a turn in that form and :meth:`TurnSpec.turn` reads it back, equal. :func:`queue` is the
one way a turn read from JSON joins a script, bound as it says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, Protocol

from pydantic import Field, create_model, model_validator

from ..steps import KINDS, kind_of
from ..steps.base import AnnotationSpec, JsonDict, SpecModel
from .context import RunContext
from .queued import Matcher, ScriptedTurn
from .turns import Ending, Expire, Fail, Incomplete, ModelUsage, Reply, ToolStep, Turn

KIND_NAMES = tuple(kind.name for kind in KINDS)
_KIND_BY_NAME = {kind.name: kind for kind in KINDS}


def _exactly_one(step: SpecModel) -> SpecModel:
    given = [name for name in KIND_NAMES if getattr(step, name) is not None]
    if len(given) != 1:
        names = ", ".join(repr(name) for name in KIND_NAMES[:-1])
        raise ValueError(f"a step is exactly one of {names} or {KIND_NAMES[-1]!r}")
    return step


# A step: one optional field per kind, exactly one of them given.
StepSpec: type[SpecModel] = create_model(  # type: ignore[call-overload]
    "StepSpec",
    __base__=SpecModel,
    __validators__={"exactly_one": model_validator(mode="after")(_exactly_one)},
    **{kind.name: (kind.spec | None, None) for kind in KINDS},
)


def step_from_spec(spec: SpecModel) -> ToolStep:
    name = next(name for name in KIND_NAMES if getattr(spec, name) is not None)
    return _KIND_BY_NAME[name].from_spec(getattr(spec, name))


def step_to_json(step: ToolStep) -> JsonDict:
    kind = kind_of(step)
    return {kind.name: kind.to_json(step)}


class ReplySpec(SpecModel):
    text: str
    annotations: list[AnnotationSpec] = Field(default_factory=list)


class FailSpec(SpecModel):
    code: Literal["server_error", "rate_limit_exceeded", "invalid_prompt"] = "server_error"
    message: str = "Something went wrong."


class UsageSpec(SpecModel):
    prompt_tokens: int = Field(ge=0)
    completion_tokens: int = Field(ge=0)


class TurnSpec(SpecModel):
    assistant: str | None = None
    thread: str | None = None
    message_contains: str | None = None
    steps: list[StepSpec] = Field(default_factory=list)
    reply: ReplySpec | str | None = None
    fail: FailSpec | None = None
    incomplete: Literal["max_completion_tokens", "max_prompt_tokens"] | None = None
    expire: Literal[True] | None = None
    usage: UsageSpec | None = None  # the tokens a model reported for the turn (record mode writes it)

    @model_validator(mode="after")
    def _one_ending(self) -> TurnSpec:
        endings = [name for name in ("reply", "fail", "incomplete", "expire") if getattr(self, name) is not None]
        if len(endings) > 1:
            raise ValueError(f"a turn has at most one ending, not {' and '.join(endings)}")
        return self

    def turn(self) -> Turn:
        """The turn (a ``ValueError`` when the turn vocabulary refuses it, e.g. a marker not in its text)."""
        usage = ModelUsage(self.usage.prompt_tokens, self.usage.completion_tokens) if self.usage else None
        return Turn(steps=tuple(step_from_spec(step) for step in self.steps), ending=self._ending(), usage=usage)

    def _ending(self) -> Ending | None:
        if isinstance(self.reply, str):
            return Reply(self.reply)
        if self.reply is not None:
            return Reply(self.reply.text, tuple(a.annotation() for a in self.reply.annotations))
        if self.fail is not None:
            return Fail(self.fail.code, self.fail.message)
        if self.incomplete is not None:
            return Incomplete(self.incomplete)
        if self.expire:
            return Expire()
        return None

    def matcher(self) -> Matcher | None:
        if self.assistant is None and self.thread is None and self.message_contains is None:
            return None
        return Matcher(assistant=self.assistant, thread=self.thread, predicate=_contains(self.message_contains))


def turn_to_json(turn: Turn) -> JsonDict:
    """``turn`` in the one JSON form (``TurnSpec.model_validate(...).turn()`` gives it back)."""
    out: JsonDict = {"steps": [step_to_json(step) for step in turn.steps]}
    out.update(_ending_to_json(turn.ending))
    if turn.usage is not None:
        out["usage"] = {"prompt_tokens": turn.usage.prompt_tokens, "completion_tokens": turn.usage.completion_tokens}
    return out


def _ending_to_json(ending: Ending | None) -> JsonDict:
    if isinstance(ending, Reply):
        if not ending.annotations:
            return {"reply": ending.text}
        return {"reply": {"text": ending.text, "annotations": [a.to_json() for a in ending.annotations]}}
    if isinstance(ending, Fail):
        return {"fail": {"code": ending.code, "message": ending.message}}
    if isinstance(ending, Incomplete):
        return {"incomplete": ending.reason}
    if isinstance(ending, Expire):
        return {"expire": True}
    return {}


def entry_to_json(entry: ScriptedTurn) -> JsonDict | None:
    """A queued turn with its bindings in the one JSON form; ``None`` when a ``when(...)`` predicate binds it (code
    has no JSON form)."""
    matcher = entry.matcher
    if matcher is not None and matcher.predicate is not None:
        return None
    out = turn_to_json(entry.turn)
    if matcher is not None and matcher.assistant is not None:
        out["assistant"] = matcher.assistant
    if matcher is not None and matcher.thread is not None:
        out["thread"] = matcher.thread
    return out


class Queue(Protocol):
    """Where a turn is queued: the script, or the script narrowed by a binding."""

    def add(self, turn: Turn) -> ScriptedTurn: ...


class Bindable(Queue, Protocol):
    """What :func:`queue` needs of a script (``script.Script`` is one): it queues, and it binds."""

    def bound(self, matcher: Matcher) -> Queue: ...


def queue(script: Bindable, spec: TurnSpec) -> ScriptedTurn:
    """Queue the turn ``spec`` says on ``script``, bound as it says."""
    matcher = spec.matcher()
    return (script.bound(matcher) if matcher is not None else script).add(spec.turn())


def _contains(text: str | None) -> Callable[[RunContext], bool] | None:
    if text is None:
        return None
    needle = text.lower()

    def message_contains(context: RunContext) -> bool:
        return needle in (context.last_user_message or "").lower()

    return message_contains


__all__ = ["StepSpec", "TurnSpec", "entry_to_json", "queue", "step_to_json", "turn_to_json"]
