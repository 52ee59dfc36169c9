"""Handlers for /threads/{thread_id}/runs/{run_id}/steps."""

from __future__ import annotations

from ...backend.models import JsonDict
from ...errors import not_found
from ...runs import engine
from ..call import Call
from ..schemas import ListQuery, includes_file_search_content
from ..serialize import paged_list_wire, step_wire


def list_(call: Call) -> JsonDict:
    query = call.query_as(ListQuery)
    with_content = includes_file_search_content(call.query)
    backend = call.backend
    run = backend.run(call.params["thread_id"], call.params["run_id"])
    engine.catch_up(backend, run, call.now)
    steps = [backend.steps[step_id] for step_id in run.step_ids]
    return paged_list_wire(steps, query, lambda step: step_wire(step, run, with_search_content=with_content))


def retrieve(call: Call) -> JsonDict:
    with_content = includes_file_search_content(call.query)
    backend = call.backend
    run = backend.run(call.params["thread_id"], call.params["run_id"])
    engine.catch_up(backend, run, call.now)
    step_id = call.params["step_id"]
    if step_id not in run.step_ids:
        raise not_found("step", step_id)
    return step_wire(backend.steps[step_id], run, with_search_content=with_content)
