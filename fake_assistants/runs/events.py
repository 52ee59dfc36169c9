"""Events: what the run engine reports as it changes state. Polling drops them; streaming sends them as SSE."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..backend.models import JsonDict, Message, Run, RunStep, Thread


@dataclass(frozen=True)
class Event:
    """``name`` is the SSE event name (``thread.run.completed``...). ``data`` is the object as it is right now
    (serialize it before the engine moves on), or a ready delta dict."""

    name: str
    data: Thread | Run | RunStep | Message | JsonDict


Events = Iterator[Event]


def drain(events: Events) -> None:
    """Apply a change whose events nobody is listening to."""
    for _ in events:
        pass
