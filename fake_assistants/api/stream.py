"""Server-sent events: a run's engine events as ``text/event-stream`` frames, produced one at a time.

A handler returns an :class:`EventStream`: the frames already known when the request was served (encoded then,
under the request's lock), and the engine's event generator. The body pulls one engine event at a time, taking the
emulator's lock for each, so the first frames reach the client before the run has finished, and other requests
can interleave. A stream the client abandons is played to its end when it is closed, so the state is the same as if
it had been read through. An emulator fault mid-stream becomes ``event: error``; the stream still ends with
``event: done``.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..backend.models import JsonDict, Message, Run, RunStep, Thread
from ..backend.state import Backend
from ..errors import ApiError, internal_error, script_problem
from ..runs.events import Event, Events, drain
from ..script.engine import ScriptError
from .responses import error_event
from .serialize import message_event_wire, run_event_wire, step_wire, thread_read_wire

DONE = b"event: done\ndata: [DONE]\n\n"
CONTENT_TYPE = "text/event-stream; charset=utf-8"


def frame(name: str, data: JsonDict) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def event_data(event: Event, backend: Backend | None = None, *, with_search_content: bool = False) -> JsonDict:
    data = event.data
    if isinstance(data, Run):
        return run_event_wire(data)
    if isinstance(data, RunStep):
        run = backend.runs.get(data.run_id) if backend is not None else None
        return step_wire(data, run, with_search_content=with_search_content)
    if isinstance(data, Message):
        return message_event_wire(data)
    if isinstance(data, Thread):
        return thread_read_wire(data)
    return data


@dataclass
class EventStream:
    events: Events
    prologue: list[bytes] = field(default_factory=list)
    with_search_content: bool = False

    def opening(self, *events: Event) -> EventStream:
        """Encode ``events`` now, as they are, to open the stream with."""
        self.prologue += [frame(e.name, event_data(e, with_search_content=self.with_search_content)) for e in events]
        return self

    def body(self, backend: Backend) -> Iterator[bytes]:
        """The frames, each engine event pulled and encoded under the lock when the client asks for it."""
        finished = False
        try:
            yield from self.prologue
            while True:
                with backend.lock:
                    try:
                        event = next(self.events)
                    except StopIteration:
                        break
                    except ScriptError as error:
                        backend.script.record_error(str(error))
                        chunk = error_frame(script_problem(str(error)))
                        finished = True
                    except Exception as exc:  # a bug: tell the client in-band, never raise into the SDK
                        traceback.print_exc()
                        chunk = error_frame(internal_error(f"{type(exc).__name__}: {exc}"))
                        finished = True
                    else:
                        data = event_data(event, backend, with_search_content=self.with_search_content)
                        chunk = frame(event.name, data)
                yield chunk
                if finished:
                    break
            finished = True
            yield DONE
        finally:
            if not finished:  # the client hung up: the run goes on without it
                with backend.lock:
                    try:
                        drain(self.events)
                    except Exception:
                        traceback.print_exc()


def error_frame(problem: ApiError) -> bytes:
    return frame(*error_event(problem))
