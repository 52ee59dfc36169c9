"""Turns: what one run produces. A turn is zero or more tool steps, then an ending.

Turns are immutable values. ``Turn.reply("hi")`` builds one; the ``then_*`` and ``and_call`` methods return a new,
longer turn. The scripted response engine (``fake.script``) queues turns with the same vocabulary, and the run engine
plays them out: tool steps in order, a function-call round stopping the run in ``requires_action`` until the tool
outputs arrive, and the ending last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, Self, final

from ..steps import kind_of
from ..steps.base import Annotation, check_text
from ..steps.code_interpreter import IMAGE_SUFFIXES, OutputFile, RunCode, is_image_name
from ..steps.file_search import SearchFiles
from ..steps.functions import Arguments, CallFunctions, FunctionCall
from ..steps.message import Say

DEFAULT_REPLY_TEXT = "This is a default reply from fake_assistants: no scripted turn matched this run."

ErrorCode = Literal["server_error", "rate_limit_exceeded", "invalid_prompt"]
ERROR_CODES: tuple[ErrorCode, ...] = ("server_error", "rate_limit_exceeded", "invalid_prompt")
IncompleteReason = Literal["max_completion_tokens", "max_prompt_tokens"]
INCOMPLETE_REASONS: tuple[IncompleteReason, ...] = ("max_completion_tokens", "max_prompt_tokens")

# --- tool steps: each kind's values live with the kind, in fake_assistants.steps -----------------------------

ToolStep = object
"""A step of a turn: a value of one of the step kinds (``fake_assistants.steps.KINDS``): ``CallFunctions``,
``RunCode``, ``SearchFiles``, ``Say``, or any kind added there."""


# --- endings ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """The run completes with one assistant message holding ``text`` (and its annotations)."""

    text: str
    annotations: tuple[Annotation, ...] = ()
    # The deltas a model streamed the text in: a stream tells them as the model sent them. Not part of the value.
    pieces: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        check_text(self.text, self.annotations, "reply")


@dataclass(frozen=True)
class Fail:
    """The run fails with ``last_error = {"code": code, "message": message}``."""

    code: ErrorCode = "server_error"
    message: str = "Something went wrong."

    def __post_init__(self) -> None:
        _check_one_of(self.code, ERROR_CODES, "a run's last_error code")


@dataclass(frozen=True)
class Incomplete:
    """The run ends ``incomplete`` with ``incomplete_details = {"reason": reason}``."""

    reason: IncompleteReason = "max_completion_tokens"

    def __post_init__(self) -> None:
        _check_one_of(self.reason, INCOMPLETE_REASONS, "an incomplete run's reason")


@dataclass(frozen=True)
class Expire:
    """The run expires instead of answering."""


Ending = Reply | Fail | Incomplete | Expire


@dataclass(frozen=True)
class ModelUsage:
    """The tokens a model reported for producing a turn (``Turn.usage``): the run charges them, instead of its own
    count, to the first step the turn plays (its ending's message when it has no steps)."""

    prompt_tokens: int
    completion_tokens: int


def _check_one_of(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise ValueError(f"{what} is one of {allowed}, not {value!r}")


def as_annotations(annotations: Sequence[Annotation] | None) -> tuple[Annotation, ...]:
    return tuple(annotations or ())


# --- the chain vocabulary, shared by Turn and by the handle of a queued turn ------------------------------------


class TurnChain:
    """The ``and_call`` / ``then_*`` vocabulary. Subclasses decide what "extend" means (a new value, or in place)."""

    def _extended(self, change: Callable[[Turn], Turn]) -> Self:
        raise NotImplementedError

    def and_call(self, name: str, arguments: Arguments = None) -> Self:
        """Add a parallel call to the current round of function calls."""
        return self._extended(lambda turn: turn._with_parallel_call(FunctionCall.of(name, arguments)))

    def then_call(self, name: str, arguments: Arguments = None) -> Self:
        """After the previous step, a new round of function calls (the run waits for outputs again)."""
        return self._extended(lambda turn: turn._with_step(CallFunctions((FunctionCall.of(name, arguments),))))

    def then_run_code(self, input: str, output: str | None = None, files: Sequence[OutputFile] = ()) -> Self:
        """After the previous step, a code_interpreter step."""
        return self._extended(lambda turn: turn._with_step(RunCode(input, output, tuple(files))))

    def then_search_files(self, query: str) -> Self:
        """After the previous step, a file_search step."""
        return self._extended(lambda turn: turn._with_step(SearchFiles(query)))

    def then_say(self, text: str, annotations: Sequence[Annotation] | None = None) -> Self:
        """Then write a message, and go on with the next step (a reply ends the turn; this does not)."""
        return self._extended(lambda turn: turn._with_step(Say(text, as_annotations(annotations))))

    def then(self, step: ToolStep) -> Self:
        """After the previous step, ``step``: a value of any step kind (``fake_assistants.steps``)."""
        kind_of(step)  # a TypeError for a value no kind plays
        return self._extended(lambda turn: turn._with_step(step))

    def then_reply(self, text: str, annotations: Sequence[Annotation] | None = None) -> Self:
        """End the turn with a text reply."""
        return self._extended(lambda turn: turn._with_ending(Reply(text, as_annotations(annotations))))

    def then_fail(self, code: ErrorCode = "server_error", message: str = "Something went wrong.") -> Self:
        """End the turn with a failure."""
        return self._extended(lambda turn: turn._with_ending(Fail(code, message)))

    def then_incomplete(self, reason: IncompleteReason = "max_completion_tokens") -> Self:
        """End the turn ``incomplete``."""
        return self._extended(lambda turn: turn._with_ending(Incomplete(reason)))

    def then_expire(self) -> Self:
        """End the turn by expiring the run."""
        return self._extended(lambda turn: turn._with_ending(Expire()))


@final
@dataclass(frozen=True)
class Turn(TurnChain):
    """What one run produces: ``steps`` in order, then ``ending``.

    ``ending=None`` means "not said": the run then replies with the default text, or, for a turn a responder
    returned, asks the responder again once the tool outputs are in.
    """

    steps: tuple[ToolStep, ...] = ()
    ending: Ending | None = None
    usage: ModelUsage | None = None  # what a model reported for it (a model responder's turns); None: counted

    # Constructors -----------------------------------------------------------------------------------------------
    @classmethod
    def reply(cls, text: str, annotations: Sequence[Annotation] | None = None) -> Turn:
        return cls(ending=Reply(text, as_annotations(annotations)))

    @classmethod
    def call_function(cls, name: str, arguments: Arguments = None) -> Turn:
        return cls(steps=(CallFunctions((FunctionCall.of(name, arguments),)),))

    @classmethod
    def run_code(cls, input: str, output: str | None = None, files: Sequence[OutputFile] = ()) -> Turn:
        return cls(steps=(RunCode(input, output, tuple(files)),))

    @classmethod
    def search_files(cls, query: str) -> Turn:
        return cls(steps=(SearchFiles(query),))

    @classmethod
    def say(cls, text: str, annotations: Sequence[Annotation] | None = None) -> Turn:
        return cls(steps=(Say(text, as_annotations(annotations)),))

    @classmethod
    def fail(cls, code: ErrorCode = "server_error", message: str = "Something went wrong.") -> Turn:
        return cls(ending=Fail(code, message))

    @classmethod
    def incomplete(cls, reason: IncompleteReason = "max_completion_tokens") -> Turn:
        return cls(ending=Incomplete(reason))

    @classmethod
    def expire(cls) -> Turn:
        return cls(ending=Expire())

    # Chaining ---------------------------------------------------------------------------------------------------
    def _extended(self, change: Callable[[Turn], Turn]) -> Self:
        return change(self)

    def _with_step(self, step: ToolStep) -> Turn:
        self._check_open()
        return replace(self, steps=(*self.steps, step))

    def _with_parallel_call(self, call: FunctionCall) -> Turn:
        self._check_open()
        last = self.steps[-1] if self.steps else None
        if not isinstance(last, CallFunctions):
            raise ValueError("and_call() adds a parallel call to a round of function calls: start one first")
        return replace(self, steps=(*self.steps[:-1], CallFunctions((*last.calls, call))))

    def _with_ending(self, ending: Ending) -> Turn:
        self._check_open()
        return replace(self, ending=ending)

    def _check_open(self) -> None:
        if self.ending is not None:
            raise ValueError(f"this turn already ends ({type(self.ending).__name__}); nothing can follow its ending")

    @property
    def output_files(self) -> tuple[OutputFile, ...]:
        return tuple(file for step in self.steps if isinstance(step, RunCode) for file in step.files)

    @property
    def function_names(self) -> tuple[str, ...]:
        return tuple(call.name for step in self.steps if isinstance(step, CallFunctions) for call in step.calls)


__all__ = [
    "DEFAULT_REPLY_TEXT",
    "ERROR_CODES",
    "IMAGE_SUFFIXES",
    "INCOMPLETE_REASONS",
    "Annotation",
    "Arguments",
    "CallFunctions",
    "Ending",
    "ErrorCode",
    "Expire",
    "Fail",
    "FunctionCall",
    "Incomplete",
    "IncompleteReason",
    "ModelUsage",
    "OutputFile",
    "Reply",
    "RunCode",
    "Say",
    "SearchFiles",
    "ToolStep",
    "Turn",
    "TurnChain",
    "as_annotations",
    "is_image_name",
]
