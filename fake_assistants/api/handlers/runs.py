"""Handlers for /threads/{thread_id}/runs."""

from __future__ import annotations

import itertools

from ...backend.models import JsonDict
from ...runs import engine
from ...runs import operations as ops
from ...runs.events import Event, drain
from ...schemas.requests import (
    CreateRun,
    CreateThreadAndRun,
    ListQuery,
    ModifyRun,
    SubmitToolOutputs,
    includes_file_search_content,
)
from ..handler_context import Call
from ..serialize import run_wire
from ..stream import EventStream


def create(call: Call) -> JsonDict | EventStream:
    with_content = includes_file_search_content(call.query)
    request = call.json(CreateRun)
    run = ops.create_run(call.backend, call.params["thread_id"], call.now, request)
    if request.stream:
        events = engine.stream_events(run, engine.settle_events(call.backend, run, call.now))
        opened = (Event("thread.run.created", run), Event("thread.run.queued", run))
        return EventStream(events, with_search_content=with_content).opening(*opened)
    return run_wire(run)


def retrieve(call: Call) -> JsonDict:
    run = call.backend.run(call.params["thread_id"], call.params["run_id"])
    engine.observe(call.backend, run, call.now)
    return run_wire(run)


def modify(call: Call) -> JsonDict:
    request = call.json(ModifyRun)
    return run_wire(ops.modify_run(call.backend, call.params["thread_id"], call.params["run_id"], request))


def cancel(call: Call) -> JsonDict:
    run = call.backend.run(call.params["thread_id"], call.params["run_id"])
    engine.cancel(call.backend, run, call.now)
    return run_wire(run)


def list_(call: Call) -> JsonDict:
    q = call.query_as(ListQuery)
    backend = call.backend
    thread = backend.thread(call.params["thread_id"])
    engine.active_run(backend, thread, call.now)  # only the active run moves with the clock
    return call.list_page(thread.run_ids, backend.runs.__getitem__, q, run_wire)


def create_thread_and_run(call: Call) -> JsonDict | EventStream:
    request = call.json(CreateThreadAndRun)
    backend = call.backend
    run = ops.create_thread_and_run(backend, call.now, request)
    if request.stream:
        thread = backend.threads[run.thread_id]
        opened = (Event("thread.created", thread), Event("thread.run.created", run), Event("thread.run.queued", run))
        events = engine.stream_events(run, engine.settle_events(backend, run, call.now))
        return EventStream(events).opening(*opened)
    return run_wire(run)


def submit_tool_outputs(call: Call) -> JsonDict | EventStream:
    request = call.json(SubmitToolOutputs)
    backend = call.backend
    run = backend.run(call.params["thread_id"], call.params["run_id"])
    outputs = [(item.tool_call_id, item.output) for item in request.tool_outputs]
    resumed = engine.submit_events(backend, run, call.now, outputs)  # checks at once: a bad submit is a plain 400
    if request.stream:
        settled = engine.settle_events(backend, run, call.now)
        return EventStream(engine.stream_events(run, itertools.chain(resumed, settled)))
    drain(resumed)
    return run_wire(run)
