"""What a step kind is: one object that knows how its steps are scripted, checked, played, streamed and saved.

A kind's module (one per kind, beside this one) holds the kind's values (what a turn says, e.g. ``RunCode``) and its
:class:`StepKind`, named ``KIND``. The package finds every such module itself (``fake_assistants.steps``): adding a
kind is adding a module. The layers above use kinds only through this interface:

- script files and snapshots read and write a step in one JSON form, ``{name: value}``
  (:meth:`StepKind.to_json`, and :attr:`StepKind.spec`, the pydantic type of ``value``);
- the run engine asks :meth:`StepKind.problem` whether a run may play the step, and plays it with
  :meth:`StepKind.play`, through a :class:`Player` (the engine's side: budget, ids, files, search, messages);
- a tool call the step wrote is streamed by :meth:`StepKind.stream_call` and shown by :meth:`StepKind.public_call`;
  :meth:`StepKind.from_public_calls` reads shown calls back as steps (what a recorded run played).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from ..journal import keep

JsonDict = dict[str, Any]
Events = Iterator[Any]  # the run engine's events (``runs.events.Event``): kinds pass them along, never read them

StepT = TypeVar("StepT")


@dataclass(frozen=True)
class Annotation:
    """A citation in a message: ``marker`` is the exact text in the message that the annotation covers.

    ``kind`` ``"file_citation"`` cites a file the assistant read; ``"file_path"`` points at a file it produced.
    """

    file_id: str  # for "file_path", the name of a file the turn's code produced will do
    marker: str
    kind: Literal["file_citation", "file_path"] = "file_citation"

    def to_json(self) -> JsonDict:
        return {"file_id": self.file_id, "marker": self.marker, "kind": self.kind}


def check_text(text: object, annotations: Sequence[Annotation], what: str) -> None:
    """A scripted message's text is a ``str`` holding each of its annotations' markers."""
    if not isinstance(text, str):
        raise TypeError(f"a scripted {what} is a str, not {type(text).__name__}")
    for annotation in annotations:
        if annotation.marker not in text:
            raise ValueError(f"the annotation marker {annotation.marker!r} does not occur in the {what} text")


class Allowance(Protocol):
    """What a run allows its steps (``script.RunContext`` is one)."""

    @property
    def run_id(self) -> str: ...

    @property
    def function_names(self) -> tuple[str, ...]: ...

    @property
    def parallel_tool_calls(self) -> bool: ...

    def has_tool(self, tool_type: str) -> bool: ...


class Player(Protocol):
    """The run engine's side of playing one step (``runs.play`` implements it)."""

    def new_call_id(self) -> str: ...

    def tool_calls(
        self, completion_tokens: int, make_calls: Callable[[], list[JsonDict]], *, wait_for_outputs: bool = False
    ) -> Events:
        """Spend ``completion_tokens`` (or end the run ``incomplete`` if that passes a cap), then make the calls
        (``make_calls()``: the tool calls, complete) and write them into a new ``tool_calls`` step, streamed.
        The step completes at once, or (``wait_for_outputs``) the run waits in ``requires_action``."""
        ...

    def save_output_file(self, name: str, content: bytes) -> str:
        """Store a file the step produced (``purpose="assistants_output"``); its id."""
        ...

    def search(self, query: str) -> tuple[list[JsonDict], float]:
        """The file_search results for ``query`` over the run's scope, and the ranking's score threshold."""
        ...

    def write_message(self, text: str, annotations: Sequence[Annotation]) -> Events:
        """Write an assistant message mid-turn; the run goes on (or ends ``incomplete`` if a cap cuts it)."""
        ...


class StepKind(Generic[StepT]):
    """One kind of run step. Subclasses set the class attributes and implement the methods."""

    name: ClassVar[str]  # the key of the step in script files and snapshots: ``{name: value}``
    value: ClassVar[type]  # the turn value of this kind (a frozen dataclass)
    spec: ClassVar[Any]  # the pydantic type of ``value`` in a script file (a type, or a union of types)
    call_type: ClassVar[str | None] = None  # the ``type`` of the tool calls it writes (None: it writes none)
    order: ClassVar[int] = 100  # where it comes in lists of kinds (error messages, docs)

    def from_spec(self, spec: Any) -> StepT:
        """The step a script file's (validated) ``value`` says."""
        raise NotImplementedError

    def to_json(self, step: StepT) -> Any:
        """The step's ``value`` in a script file: ``from_spec`` of it gives the step back."""
        raise NotImplementedError

    def problem(self, step: StepT, run: Allowance) -> str | None:
        """Why ``run`` cannot play ``step`` (the real model could not have produced it), or ``None``."""
        return None

    @staticmethod
    def needs_tool(run: Allowance, tool_type: str, doing: str) -> str | None:
        """The problem of a step that ``doing`` something needs the run's ``tool_type`` tool, or ``None``."""
        return (
            None if run.has_tool(tool_type) else f"run {run.run_id} {doing}, but its tools do not include {tool_type}"
        )

    def completion_tokens(self, step: StepT) -> int:
        """The tokens the "model" writes for the step."""
        raise NotImplementedError

    def play(self, step: StepT, player: Player) -> Events:
        raise NotImplementedError

    def stream_call(self, call: JsonDict, index: int, stored: list[JsonDict], chunk_tokens: int) -> Iterator[JsonDict]:
        """Write ``call`` into the step's ``stored`` tool calls at ``index``, a piece at a time, yielding each
        delta's tool call as the stream tells it. By default, whole, in one delta."""
        keep(stored)
        stored.append(call)
        yield {"index": index, **call}

    def public_call(self, call: JsonDict, *, with_search_content: bool) -> JsonDict:
        """A stored tool call as the API shows it."""
        return call

    def from_public_calls(self, calls: Sequence[JsonDict]) -> list[StepT]:
        """The inverse of :meth:`public_call`: the steps that play ``calls`` (tool calls of this kind's
        :attr:`call_type`, as the API showed them, in one recorded step). What a recorded run played is read through
        it, by the importer and by conformance alike (``recordings/played.py``)."""
        raise NotImplementedError(f"the {self.name} kind writes no tool calls")


class SpecModel(BaseModel):
    """A script file's form of a value: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class AnnotationSpec(SpecModel):
    file_id: str
    marker: str
    kind: Literal["file_citation", "file_path"] = "file_citation"

    def annotation(self) -> Annotation:
        return Annotation(self.file_id, self.marker, self.kind)
