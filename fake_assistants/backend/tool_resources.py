"""Tool resources on assistants, threads and runs: checked against the stored files and vector stores.

``code_interpreter.file_ids`` must name existing files (at most 20) and ``file_search.vector_store_ids`` an
existing vector store (at most 1). The ``file_search.vector_stores`` helper creates the store from its body
(``file_ids``, ``chunking_strategy``, ``metadata``) and puts its id in ``vector_store_ids``. Everything is checked
before anything is created: a bad request changes no state.
"""

from __future__ import annotations

from ..errors import both_vector_store_sources
from ..schemas.file_requests import CreateVectorStore, CreateVectorStoreFile
from ..schemas.requests import ToolResources
from ..schemas.validation import validate
from .models import JsonDict, Thread, VectorStore
from .state import Backend
from .vector_stores import create_vector_store, create_vector_store_file

THREAD_STORE_NAME = "Vector store for {thread_id}"


def resolve_tool_resources(backend: Backend, now: int, resources: ToolResources | None) -> JsonDict:
    """The ``tool_resources`` to store for a request's: every named file and vector store checked, then the vector
    stores its ``file_search.vector_stores`` helper asks for created, their ids added."""
    if resources is None:
        return {}
    out: JsonDict = {}
    if resources.code_interpreter is not None:
        for file_id in resources.code_interpreter.file_ids:
            backend.file(file_id)
        out["code_interpreter"] = {"file_ids": list(resources.code_interpreter.file_ids)}
    helpers: list[CreateVectorStore] = []
    if resources.file_search is not None:
        store_ids = list(resources.file_search.vector_store_ids or [])
        raw_helpers = getattr(resources.file_search, "vector_stores", None) or []  # none on a run
        if store_ids and raw_helpers:
            raise both_vector_store_sources()
        for store_id in store_ids:
            backend.vector_store(store_id)
        helpers = [validate(CreateVectorStore, raw) for raw in raw_helpers]
        for helper in helpers:
            for file_id in helper.file_ids or []:
                backend.file(file_id)
        out["file_search"] = {"vector_store_ids": store_ids}
    for helper in helpers:  # all checked: now create
        out["file_search"]["vector_store_ids"].append(create_vector_store(backend, now, helper).id)
    return out


def check_attachments(backend: Backend, attachments: list[JsonDict]) -> None:
    for attachment in attachments:
        backend.file(attachment["file_id"])


def index_attachments(backend: Backend, thread: Thread, now: int, attachments: list[JsonDict]) -> None:
    """Files attached for ``file_search`` go into the thread's own vector store, created on demand."""
    searchable = [a["file_id"] for a in attachments if any(t["type"] == "file_search" for t in a.get("tools", []))]
    if not searchable:
        return
    store = _thread_store(backend, thread, now)
    for file_id in searchable:
        if file_id not in store.files:
            create_vector_store_file(backend, store.id, now, CreateVectorStoreFile(file_id=file_id))


def _thread_store(backend: Backend, thread: Thread, now: int) -> VectorStore:
    store_ids = thread.tool_resources.get("file_search", {}).get("vector_store_ids", [])
    if store_ids and store_ids[0] in backend.vector_stores:
        return backend.vector_stores[store_ids[0]]
    with backend.ownership.acting_as_owner_of(thread.id):
        store = create_vector_store(backend, now, CreateVectorStore(name=THREAD_STORE_NAME.format(thread_id=thread.id)))
    thread.tool_resources["file_search"] = {"vector_store_ids": [store.id]}
    return store
