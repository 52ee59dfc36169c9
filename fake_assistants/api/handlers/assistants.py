"""Handlers for /assistants."""

from __future__ import annotations

from ...backend import assistants as ops
from ...backend.models import JsonDict
from ...schemas.requests import CreateAssistant, ListQuery, ModifyAssistant
from ..handler_context import Call
from ..serialize import assistant_wire, deleted_wire


def create(call: Call) -> JsonDict:
    return assistant_wire(ops.create_assistant(call.backend, call.now, call.json(CreateAssistant)))


def retrieve(call: Call) -> JsonDict:
    return assistant_wire(call.backend.assistant(call.params["assistant_id"]))


def modify(call: Call) -> JsonDict:
    request = call.json(ModifyAssistant)
    return assistant_wire(ops.modify_assistant(call.backend, call.params["assistant_id"], call.now, request))


def delete(call: Call) -> JsonDict:
    ops.delete_assistant(call.backend, call.params["assistant_id"])
    return deleted_wire(call.params["assistant_id"], "assistant")


def list_(call: Call) -> JsonDict:
    q = call.query_as(ListQuery)
    backend = call.backend
    return call.list_page(backend.assistant_order, backend.assistants.__getitem__, q, assistant_wire)
