"""Events: what the run engine reports as it changes state. Polling drops them; streaming sends them as SSE."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..backend.models import JsonDict, Message, Run, RunStep, Thread


@dataclass(frozen=True, slots=True)
class StepDelta:
    """A piece of a step's tool calls, as the stream tells it: one tool call's delta, with its ``index``."""

    step_id: str
    call: JsonDict


@dataclass(frozen=True, slots=True)
class MessageDelta:
    """A piece of a message's content, as the stream tells it: one content part's delta, with its ``index``."""

    message_id: str
    part: JsonDict


@dataclass(frozen=True)
class Event:
    """``name`` is the SSE event name (``thread.run.completed``...). ``data`` is the object as it is right now
    (serialize it before the engine moves on), or a delta; ``api/serialize.py`` gives each its wire shape."""

    name: str
    data: Thread | Run | RunStep | Message | StepDelta | MessageDelta


Events = Iterator[Event]


def drain(events: Events) -> None:
    """Apply a change whose events nobody is listening to."""
    for _ in events:
        pass
