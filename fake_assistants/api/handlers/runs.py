"""Handlers for /threads/{thread_id}/runs."""

from __future__ import annotations

from ...backend import runs as ops
from ...backend.models import JsonDict
from ...runs import engine
from ..call import Call
from ..schemas import CreateRun, ListQuery, ModifyRun
from ..serialize import paged_list_wire, run_wire


def create(call: Call) -> JsonDict:
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
        engine.expire_if_due(backend, run, call.now)
    return paged_list_wire(runs, q, run_wire)
