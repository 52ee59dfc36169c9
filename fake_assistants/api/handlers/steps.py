"""Handlers for /threads/{thread_id}/runs/{run_id}/steps."""

from __future__ import annotations

from ...backend.models import JsonDict
from ...errors import not_found
from ...runs import engine
from ...schemas.requests import ListQuery, includes_file_search_content
from ..handler_context import Call
from ..serialize import step_wire


def list_(call: Call) -> JsonDict:
    query = call.query_as(ListQuery)
    with_content = includes_file_search_content(call.query)
    backend = call.backend
    run = backend.run(call.params["thread_id"], call.params["run_id"])
    engine.catch_up(backend, run, call.now)
    return call.list_page(
        run.step_ids,
        backend.steps.__getitem__,
        query,
        lambda step: step_wire(step, run, with_search_content=with_content),
    )


def retrieve(call: Call) -> JsonDict:
    with_content = includes_file_search_content(call.query)
    backend = call.backend
    run = backend.run(call.params["thread_id"], call.params["run_id"])
    engine.catch_up(backend, run, call.now)
    step_id = call.params["step_id"]
    step = backend.steps.get(step_id)
    if step is None or step.run_id != run.id:
        raise not_found("step", step_id)
    return step_wire(step, run, with_search_content=with_content)
