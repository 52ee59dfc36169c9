"""Streamed runs: a run's engine events as server-sent events ``(name, data)``, produced one at a time.

A handler returns an :class:`EventStream`: the events already known when the request was served (written then,
under the request's lock), and the engine's event generator. The body pulls one engine event at a time, taking the
emulator's lock for each and writing its data there, so the first events reach the client before the run has
finished, and other requests can interleave; ``api/sse.py`` frames them as the client reads. A stream the client
abandons is played to its end when it is closed, so the state is the same as if it had been read through. An
emulator fault mid-stream becomes ``event: error``; the stream still ends with ``event: done``.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..backend.models import JsonDict, Message, Run, RunStep, Thread
from ..backend.state import Backend
from ..errors import internal_error, script_problem
from ..runs.events import Event, Events, StepDelta, drain
from ..script.script import ScriptError
from .responses import error_event
from .serialize import (
    message_delta_wire,
    message_event_wire,
    run_event_wire,
    step_delta_wire,
    step_wire,
    thread_read_wire,
)
from .sse import DONE, SseEvent


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
    if isinstance(data, StepDelta):
        return step_delta_wire(data)
    return message_delta_wire(data)


@dataclass
class EventStream:
    events: Events
    prologue: list[SseEvent] = field(default_factory=list)
    with_search_content: bool = False

    def opening(self, *events: Event) -> EventStream:
        """Write ``events`` now, as they are, to open the stream with."""
        self.prologue += [(e.name, event_data(e, with_search_content=self.with_search_content)) for e in events]
        return self

    def body(self, backend: Backend) -> Iterator[SseEvent]:
        """The events, each engine event pulled and written under the lock when the client asks for it."""
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
                        sent = error_event(script_problem(str(error)))
                        finished = True
                    except Exception as exc:  # a bug: tell the client in-band, never raise into the SDK
                        traceback.print_exc()
                        sent = error_event(internal_error(f"{type(exc).__name__}: {exc}"))
                        finished = True
                    else:
                        sent = event.name, event_data(event, backend, with_search_content=self.with_search_content)
                yield sent
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

