"""The read-only run context a responder or a matcher receives: what the run knows when it plays a turn."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, overload


def frozen(value: Any) -> Any:
    """A deep read-only copy of a JSON-like value: dicts become mapping proxies, lists become tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: frozen(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen(item) for item in value)
    return value


@dataclass(frozen=True)
class AssistantView:
    id: str
    name: str | None
    model: str
    instructions: str | None
    metadata: Mapping[str, str]


@dataclass(frozen=True)
class MessageView:
    id: str
    role: str
    text: str  # the message's text parts, joined by a newline
    attachments: tuple[Mapping[str, Any], ...]
    run_id: str | None
    content: tuple[Mapping[str, Any], ...] = ()  # the message's content parts (text, image_file, image_url), as sent


class MessageViews(Sequence[MessageView]):
    """A thread's messages as a run sees them, oldest first: a read-only sequence that compares, adds and slices
    like the tuple it stands for, and makes each message's view only when it is read.

    A run's context is made for every run, and most responders read one message of the thread (the newest user
    one) or none: making every view up front cost a run the whole thread (a copy of each message's content). The
    stored messages are held from the start, so a view made later is still of a message deleted meanwhile."""

    __slots__ = ("_make", "_messages", "_views")

    def __init__(self, messages: Sequence[Any], make: Callable[[Any], MessageView]) -> None:
        self._messages = tuple(messages)
        self._make = make
        self._views: dict[int, MessageView] = {}

    def __len__(self) -> int:
        return len(self._messages)

    @overload
    def __getitem__(self, index: int) -> MessageView: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[MessageView, ...]: ...

    def __getitem__(self, index: int | slice) -> MessageView | tuple[MessageView, ...]:
        if isinstance(index, slice):
            return tuple(self[at] for at in range(*index.indices(len(self._messages))))
        at = index + len(self._messages) if index < 0 else index
        if not 0 <= at < len(self._messages):
            raise IndexError("message index out of range")
        view = self._views.get(at)
        if view is None:
            view = self._views[at] = self._make(self._messages[at])
        return view

    def __iter__(self) -> Iterator[MessageView]:
        return (self[at] for at in range(len(self._messages)))

    def __reversed__(self) -> Iterator[MessageView]:
        return (self[at] for at in range(len(self._messages) - 1, -1, -1))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MessageViews):
            other = tuple(other)
        return tuple(self) == other if isinstance(other, tuple) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple, yet not one

    def __add__(self, other: tuple[MessageView, ...]) -> tuple[MessageView, ...]:
        return (*self, *other)

    def __radd__(self, other: tuple[MessageView, ...]) -> tuple[MessageView, ...]:
        return (*other, *self)

    def __repr__(self) -> str:
        return repr(tuple(self))


@dataclass(frozen=True)
class ToolOutput:
    """A function call the run made, with the output the client submitted for it."""

    tool_call_id: str
    name: str
    arguments: str
    output: str


@dataclass(frozen=True)
class FileScope:
    """The files a run may use: per tool, the union of the assistant's, the thread's and the run's resources."""

    code_interpreter_file_ids: tuple[str, ...] = ()
    vector_store_ids: tuple[str, ...] = ()
    file_search_file_ids: tuple[str, ...] = ()

    @property
    def file_ids(self) -> tuple[str, ...]:
        """Every file in scope, for any tool, each once."""
        return tuple(dict.fromkeys((*self.code_interpreter_file_ids, *self.file_search_file_ids)))


@dataclass(frozen=True)
class RunContext:
    run_id: str
    thread_id: str
    assistant: AssistantView
    model: str
    instructions: str  # the effective instructions: the assistant's (or the override) plus the additional ones
    tools: tuple[Mapping[str, Any], ...]
    tool_choice: Any
    parallel_tool_calls: bool
    metadata: Mapping[str, str]
    messages: Sequence[MessageView]  # the thread's messages, oldest first (a tuple, or MessageViews)
    tool_outputs: tuple[ToolOutput, ...]  # submitted so far in this run, in order
    files: FileScope
    output_files: Mapping[str, str]  # name -> id of the files this run's code produced so far
    # What a model responder reads besides (see fake_assistants.chat): the run's steps so far, oldest first, each
    # {"id", "type", "status", "step_details"} (tool calls with their outputs, search results with their content);
    # whether a stream plays the run; and the run's sampling options.
    steps: tuple[Mapping[str, Any], ...] = ()
    streamed: bool = False
    response_format: Any = "auto"
    temperature: float | None = None
    top_p: float | None = None
    max_completion_tokens: int | None = None
    completion_tokens_used: int = 0  # the completion tokens the run's steps have spent so far
    truncation_strategy: Mapping[str, Any] | None = None  # {"type": "auto" | "last_messages", "last_messages": n}

    @property
    def last_user_message(self) -> str | None:
        """The text of the thread's newest user message, if any."""
        for message in reversed(self.messages):
            if message.role == "user":
                return message.text
        return None

    @property
    def function_names(self) -> tuple[str, ...]:
        """The names of the function tools this run declares."""
        return tuple(tool["function"]["name"] for tool in self.tools if tool["type"] == "function")

    def has_tool(self, tool_type: str) -> bool:
        return any(tool["type"] == tool_type for tool in self.tools)
