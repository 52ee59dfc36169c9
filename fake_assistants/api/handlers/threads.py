"""Handlers for /threads and /threads/{thread_id}/messages."""

from __future__ import annotations

from ...backend import threads as ops
from ...backend.models import JsonDict
from ...runs import operations as run_ops
from ...schemas.requests import CreateMessage, CreateThread, ListMessagesQuery, ModifyMessage, ModifyThread
from ..handler_context import Call
from ..serialize import (
    deleted_wire,
    message_wire,
    modified_message_wire,
    thread_read_wire,
    thread_wire,
)


def create_thread(call: Call) -> JsonDict:
    return thread_wire(ops.create_thread(call.backend, call.now, call.json(CreateThread)))


def retrieve_thread(call: Call) -> JsonDict:
    return thread_read_wire(call.backend.thread(call.params["thread_id"]))


def modify_thread(call: Call) -> JsonDict:
    request = call.json(ModifyThread)
    return thread_wire(ops.modify_thread(call.backend, call.params["thread_id"], call.now, request))


def delete_thread(call: Call) -> JsonDict:
    ops.delete_thread(call.backend, call.params["thread_id"])
    return deleted_wire(call.params["thread_id"], "thread")


def create_message(call: Call) -> JsonDict:
    request = call.json(CreateMessage)
    return message_wire(run_ops.create_message(call.backend, call.params["thread_id"], call.now, request))


def retrieve_message(call: Call) -> JsonDict:
    return message_wire(call.backend.message(call.params["thread_id"], call.params["message_id"]))


def modify_message(call: Call) -> JsonDict:
    request = call.json(ModifyMessage)
    params = call.params
    return modified_message_wire(ops.modify_message(call.backend, params["thread_id"], params["message_id"], request))


def delete_message(call: Call) -> JsonDict:
    ops.delete_message(call.backend, call.params["thread_id"], call.params["message_id"])
    return deleted_wire(call.params["message_id"], "thread.message")


def list_messages(call: Call) -> JsonDict:
    q = call.query_as(ListMessagesQuery)
    backend = call.backend
    thread = backend.thread(call.params["thread_id"])
    index = thread.message_ids if q.run_id is None else thread.message_ids.tagged(q.run_id)
    return call.list_page(index, backend.messages.__getitem__, q, message_wire)
