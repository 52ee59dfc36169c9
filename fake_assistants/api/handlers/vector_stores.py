"""Handlers for /vector_stores: stores, their files, file batches, file content and search."""

from __future__ import annotations

from ...backend import vector_stores as ops
from ...backend.models import JsonDict
from ...schemas.file_requests import (
    CreateFileBatch,
    CreateVectorStore,
    CreateVectorStoreFile,
    ListVectorStoreFilesQuery,
    ModifyVectorStore,
    SearchVectorStore,
    UpdateVectorStoreFileAttributes,
)
from ...schemas.requests import ListQuery
from ..handler_context import Call
from ..serialize import deleted_wire
from ..serialize_files import (
    file_batch_wire,
    file_content_wire,
    search_results_wire,
    vector_store_file_wire,
    vector_store_wire,
)
from ..wire import ApiRequest

UNLOCKED = "unlocked"
"""What a request may carry (``ApiRequest.found``) when its server can let the emulator's lock go while it does pure
work (a :class:`~fake_assistants.backend.vector_stores.Unlocked`): server mode's worker threads do."""


def unlocked_of(call: Call) -> ops.Unlocked | None:
    source = call.source
    return None if source is None else source.found(UNLOCKED, _not_given)


def _not_given(_: ApiRequest) -> ops.Unlocked | None:
    return None


# --- vector stores ---------------------------------------------------------------------------------------------


def create(call: Call) -> JsonDict:
    store = ops.create_vector_store(call.backend, call.now, call.json(CreateVectorStore))
    return vector_store_wire(store, call.now)


def retrieve(call: Call) -> JsonDict:
    return vector_store_wire(ops.read_vector_store(call.backend, call.params["vector_store_id"]), call.now)


def modify(call: Call) -> JsonDict:
    request = call.json(ModifyVectorStore)
    return vector_store_wire(ops.modify_vector_store(call.backend, call.params["vector_store_id"], request), call.now)


def delete(call: Call) -> JsonDict:
    ops.delete_vector_store(call.backend, call.params["vector_store_id"])
    return deleted_wire(call.params["vector_store_id"], "vector_store")


def list_(call: Call) -> JsonDict:
    query = call.query_as(ListQuery)
    backend = call.backend
    return call.list_page(
        backend.store_order, backend.vector_stores.__getitem__, query, lambda store: vector_store_wire(store, call.now)
    )


def search(call: Call) -> JsonDict:
    request = call.json(SearchVectorStore)
    unlocked = unlocked_of(call)
    hits = ops.search_vector_store(call.backend, call.params["vector_store_id"], call.now, request, unlocked=unlocked)
    return search_results_wire(request.queries(), hits)


# --- vector store files ----------------------------------------------------------------------------------------


def create_file(call: Call) -> JsonDict:
    request = call.json(CreateVectorStoreFile)
    return vector_store_file_wire(
        ops.create_vector_store_file(call.backend, call.params["vector_store_id"], call.now, request)
    )


def retrieve_file(call: Call) -> JsonDict:
    item = ops.read_vector_store_file(call.backend, call.params["vector_store_id"], call.params["file_id"])
    return vector_store_file_wire(item)


def update_file(call: Call) -> JsonDict:
    request = call.json(UpdateVectorStoreFileAttributes)
    params = call.params
    item = ops.update_attributes(call.backend, params["vector_store_id"], params["file_id"], request.attributes)
    return vector_store_file_wire(item)


def delete_file(call: Call) -> JsonDict:
    ops.delete_vector_store_file(call.backend, call.params["vector_store_id"], call.params["file_id"])
    return deleted_wire(call.params["file_id"], "vector_store.file")


def list_files(call: Call) -> JsonDict:
    query = call.query_as(ListVectorStoreFilesQuery)
    store = call.backend.vector_store(call.params["vector_store_id"])
    index = store.order if query.filter is None else store.order.tagged(query.filter)
    return call.list_page(index, store.files.__getitem__, query, vector_store_file_wire)


def file_content(call: Call) -> JsonDict:
    """The file's chunks as the store indexed them (none while the file is still in progress)."""
    item = ops.read_vector_store_file(call.backend, call.params["vector_store_id"], call.params["file_id"])
    chunks = ops.chunks_of(call.backend, item, unlocked=unlocked_of(call)) if item.status == "completed" else ()
    return file_content_wire(chunks)


# --- file batches ----------------------------------------------------------------------------------------------


def create_batch(call: Call) -> JsonDict:
    request = call.json(CreateFileBatch)
    batch = ops.create_file_batch(call.backend, call.params["vector_store_id"], call.now, request)
    return file_batch_wire(call.backend, batch)


def retrieve_batch(call: Call) -> JsonDict:
    batch = ops.read_file_batch(call.backend, call.params["vector_store_id"], call.params["batch_id"])
    return file_batch_wire(call.backend, batch)


def cancel_batch(call: Call) -> JsonDict:
    batch = ops.cancel_file_batch(call.backend, call.params["vector_store_id"], call.params["batch_id"])
    return file_batch_wire(call.backend, batch)


def list_batch_files(call: Call) -> JsonDict:
    query = call.query_as(ListVectorStoreFilesQuery)
    batch = call.backend.batch(call.params["vector_store_id"], call.params["batch_id"])
    files = call.backend.vector_stores[batch.vector_store_id].files
    index = batch.files if query.filter is None else batch.files.tagged(query.filter)
    return call.list_page(index, files.__getitem__, query, vector_store_file_wire)
