"""Handlers for /threads/{thread_id}/runs."""

from __future__ import annotations

from ...backend import runs as ops
from ...backend.models import JsonDict
from ...errors import not_implemented
from ...runs import engine
from ...runs.events import drain
from ..call import Call
from ..schemas import (
    CreateRun,
    CreateThreadAndRun,
    ListQuery,
    ModifyRun,
    SubmitToolOutputs,
    includes_file_search_content,
)
from ..serialize import paged_list_wire, run_wire


def create(call: Call) -> JsonDict:
    includes_file_search_content(call.query)
    request = call.json(CreateRun)
    return run_wire(ops.create_run(call.backend, call.params["thread_id"], call.now, request))


def retrieve(call: Call) -> JsonDict:
    run = call.backend.run(call.params["thread_id"], call.params["run_id"])
    engine.observe(call.backend, run, call.now)
    return run_wire(run)


def modify(call: Call) -> JsonDict:
    request = call.json(ModifyRun)
    run = call.backend.run(call.params["thread_id"], call.params["run_id"])
    if request.metadata is not None:
        run.metadata = request.metadata
    return run_wire(run)


def cancel(call: Call) -> JsonDict:
    run = call.backend.run(call.params["thread_id"], call.params["run_id"])
    engine.cancel(call.backend, run, call.now)
    return run_wire(run)


def list_(call: Call) -> JsonDict:
    q = call.query_as(ListQuery)
    backend = call.backend
    thread = backend.thread(call.params["thread_id"])
    runs = [backend.runs[run_id] for run_id in thread.run_ids]
    for run in runs:
        engine.catch_up(backend, run, call.now)
    return paged_list_wire(runs, q, run_wire)


def create_thread_and_run(call: Call) -> JsonDict:
    request = call.json(CreateThreadAndRun)
    return run_wire(ops.create_thread_and_run(call.backend, call.now, request))


def submit_tool_outputs(call: Call) -> JsonDict:
    request = call.json(SubmitToolOutputs)
    if request.stream:
        raise not_implemented("streaming runs (stream=true)")
    backend = call.backend
    run = backend.run(call.params["thread_id"], call.params["run_id"])
    outputs = [(item.tool_call_id, item.output) for item in request.tool_outputs]
    drain(engine.submit_events(backend, run, call.now, outputs))
    return run_wire(run)
