"""Server-sent events on the wire: the one place an event ``(name, data)`` becomes its ``text/event-stream`` frame.

Every layer of the request path works on events (the stream, ``shapes="spec"``, the contract check, a fault that
cuts a stream); a transport reads :attr:`ApiResponse.stream <fake_assistants.api.wire.ApiResponse.stream>`, which
frames them here, one at a time, as the client reads. Nothing on the request path decodes a frame.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

SseEvent = tuple[str, Any]  # (event name, its data: a JSON value, or the raw text of ``done``)

CONTENT_TYPE = "text/event-stream; charset=utf-8"
DONE: SseEvent = ("done", "[DONE]")  # the last event of every stream; its data is not JSON


def frame(name: str, data: Any) -> bytes:
    """``event: NAME`` and ``data: DATA`` (JSON; the text itself for ``done``), then the blank line."""
    text = data if name == "done" and isinstance(data, str) else json.dumps(data)
    return f"event: {name}\ndata: {text}\n\n".encode()


def mapped(events: Iterator[SseEvent], change: Callable[[str, Any], SseEvent]) -> Iterator[SseEvent]:
    """``events`` with ``change(name, data)`` in place of each but ``done``, read one at a time; closing the result
    closes ``events`` (a stream the client abandons still plays its run to the end)."""
    try:
        for event in events:
            yield event if event == DONE else change(*event)
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()


class Frames:
    """``events`` framed one at a time; closing the frames closes the events (if they are a generator: the run
    then plays on to its end), whether or not a frame was read."""

    def __init__(self, events: Iterator[SseEvent]) -> None:
        self._events = events

    def __iter__(self) -> Frames:
        return self

    def __next__(self) -> bytes:
        name, data = next(self._events)
        return frame(name, data)

    def close(self) -> None:
        close = getattr(self._events, "close", None)
        if close is not None:
            close()
