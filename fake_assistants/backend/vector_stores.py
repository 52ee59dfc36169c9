"""Vector store operations: stores, their files and file batches, and how files move from in_progress.

A vector store file starts ``in_progress`` and becomes ``completed`` by the emulator's progression policy
(``backend.settings.progression``):

* ``"per_read"``: each read of the vector store file, of its batch or of its store moves it one step forward;
* ``"manual"``: only :func:`advance_vector_store_item` moves it;
* any other policy (``"immediate"``, ``"by_clock"``): it is created ``completed``.

``in_progress`` has one step to go, so one read completes it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from ..errors import cannot_cancel
from ..journal import keep
from ..schemas.file_requests import (
    AUTO_CHUNK_TOKENS,
    AUTO_OVERLAP_TOKENS,
    AttributeValue,
    CreateFileBatch,
    CreateVectorStore,
    CreateVectorStoreFile,
    ModifyVectorStore,
    SearchVectorStore,
    VectorStoreExpiresAfter,
)
from .index import OrderedIndex
from .models import FileBatch, VectorStore, VectorStoreFile, VectorStoreFileStatus
from .search_index import Corpus, Ranked, SearchHit, file_chunks, gather, hits_of, index_of, rank
from .state import Backend

T = TypeVar("T")
_WAITING_POLICIES = ("per_read", "manual", "by_clock")
DEFAULT_MAX_RESULTS = 10


def _initial_status(backend: Backend) -> VectorStoreFileStatus:
    return "in_progress" if backend.settings.progression in _WAITING_POLICIES else "completed"


def _step(backend: Backend, items: Iterable[VectorStoreFile]) -> None:
    for item in list(items):
        if item.status == "in_progress":
            backend.set_status(item, "completed")


def _in_progress(files: dict[str, VectorStoreFile], index: OrderedIndex) -> list[VectorStoreFile]:
    """The files of a store or a batch still in progress (read from the status index, not by a scan)."""
    return [files[file_id] for file_id in index.tagged("in_progress")]


def _on_read(backend: Backend, items: Iterable[VectorStoreFile]) -> None:
    """A read of a store, a batch or a file: ``per_read`` completes its in-progress files; ``by_clock`` completes
    those created ``seconds_per_status`` or more ago."""
    if backend.settings.progression == "per_read":
        _step(backend, items)
    elif backend.settings.progression == "by_clock":
        due = backend.clock.now() - backend.settings.seconds_per_status
        _step(backend, [item for item in items if item.created_at <= due])


def ready_thread_stores(backend: Backend, thread_resources: dict[str, Any]) -> None:
    """Finish processing the files of a thread's own vector store: the real API made a run wait for them (up to
    60 s) before it searched, so a file attached to a message is found by the thread's next run, polled or not.
    The assistant's stores get no such wait."""
    for store_id in thread_resources.get("file_search", {}).get("vector_store_ids", []):
        store = backend.vector_stores.get(store_id)
        if store is not None:
            _step(backend, list(store.files.values()))


def _touch(store: VectorStore, now: int) -> None:
    """Activity (files added, a search) renews ``last_active_at``; an expired store stays expired."""
    if store.status(now) != "expired":
        store.last_active_at = now


def _attach(
    backend: Backend,
    store: VectorStore,
    now: int,
    file_id: str,
    chunking: dict[str, int] | None,
    attributes: dict[str, AttributeValue] | None,
    batch_id: str | None = None,
) -> VectorStoreFile:
    """Add a file to a store. A file the store already holds starts over, as the store's newest file."""
    chunking = chunking or {"max_chunk_size_tokens": AUTO_CHUNK_TOKENS, "chunk_overlap_tokens": AUTO_OVERLAP_TOKENS}
    item = VectorStoreFile(
        id=file_id,
        vector_store_id=store.id,
        created_at=now,
        size=backend.files[file_id].size,
        max_chunk_size_tokens=chunking["max_chunk_size_tokens"],
        chunk_overlap_tokens=chunking["chunk_overlap_tokens"],
        attributes=dict(attributes or {}),
        status=_initial_status(backend),
        batch_id=batch_id,
    )
    backend.attach(store, item)
    _touch(store, now)
    return item


# --- vector stores ---------------------------------------------------------------------------------------------


def create_vector_store(backend: Backend, now: int, request: CreateVectorStore) -> VectorStore:
    file_ids = list(dict.fromkeys(request.file_ids or []))
    for file_id in file_ids:  # check every file before creating anything
        backend.file(file_id)
    store = VectorStore(
        id=backend.ids.new("vs"),
        created_at=now,
        last_active_at=now,
        name=request.name,
        description=request.description,
        metadata=request.metadata or {},
        expires_after=_expiry(request.expires_after),
    )
    backend.put_store(store)
    backend.ownership.claim(store.id)
    for file_id in file_ids:
        _attach(backend, store, now, file_id, request.chunking_strategy, None)
    return store


def _expiry(expires_after: VectorStoreExpiresAfter | None) -> dict[str, Any] | None:
    return None if expires_after is None else {"anchor": expires_after.anchor, "days": expires_after.days}


def read_vector_store(backend: Backend, vector_store_id: str) -> VectorStore:
    store = backend.vector_store(vector_store_id)
    _on_read(backend, _in_progress(store.files, store.order))
    return store


def modify_vector_store(backend: Backend, vector_store_id: str, request: ModifyVectorStore) -> VectorStore:
    store = backend.vector_store(vector_store_id)
    if request.name is not None:
        store.name = request.name
    if request.expires_after is not None:
        store.expires_after = _expiry(request.expires_after)
    if request.metadata is not None:
        store.metadata = request.metadata
    return store


def delete_vector_store(backend: Backend, vector_store_id: str) -> None:
    """Delete a store with its vector store files and batches; the files themselves stay."""
    backend.vector_store(vector_store_id)
    backend.drop_store(vector_store_id)
    for assistant in backend.assistants.values():  # the real API took it out of the assistants that used it
        store_ids = assistant.tool_resources.get("file_search", {}).get("vector_store_ids", [])
        if vector_store_id in store_ids:
            keep(store_ids)
            store_ids.remove(vector_store_id)


def vector_store_file_ids(backend: Backend, vector_store_id: str, *, completed_only: bool = False) -> tuple[str, ...]:
    """The ids of the files a store holds, oldest first (only the completed ones if asked); () for no such store."""
    store = backend.vector_stores.get(vector_store_id)
    if store is None:
        return ()
    return tuple(store.order.tagged("completed") if completed_only else store.order)


class Unlocked(Protocol):
    """Runs pure work with the emulator's lock let go meanwhile (server mode gives one: ``server/app.py``), so
    other requests are served while a search over a large store scores; the lock is held again when it returns."""

    def __call__(self, work: Callable[[], T]) -> T: ...


UNLOCKED_ATTEMPTS = 3  # a store that changes under every unlocked scoring is scored once more, under the lock


def search_vector_store(
    backend: Backend, vector_store_id: str, now: int, request: SearchVectorStore, *, unlocked: Unlocked | None = None
) -> list[SearchHit]:
    """The store's best chunks for the request's query. With ``unlocked``, the long part (chunking files no search
    has chunked yet, scoring every chunk) runs without the lock, from references gathered under it; the store is
    gathered again after, and when anything it reads changed meanwhile, it is scored again."""
    store = backend.vector_store(vector_store_id)
    options = request.ranking_options
    threshold = options.score_threshold if options is not None and options.score_threshold is not None else 0.0
    queries = request.queries()
    corpus = gather(backend, [store.id])
    ranked = None
    if unlocked is not None:
        ranked, corpus = _rank_unlocked(backend, vector_store_id, corpus, queries, unlocked)
        store = backend.vector_store(vector_store_id)  # deleted meanwhile: the 404 it would have been
    if ranked is None:
        ranked = rank(corpus, queries)
    hits = hits_of(backend, ranked, request.max_num_results or DEFAULT_MAX_RESULTS, threshold, filters=request.filters)
    _touch(store, now)
    return hits


def _rank_unlocked(
    backend: Backend, vector_store_id: str, corpus: Corpus, queries: list[str], unlocked: Unlocked
) -> tuple[Ranked | None, Corpus]:
    """Score ``corpus`` without the lock; ``None`` if the store changed under every attempt (with what it holds
    now, to score under the lock)."""
    for _ in range(UNLOCKED_ATTEMPTS):
        scored = corpus
        ranked = unlocked(functools.partial(rank, scored, queries))
        store = backend.vector_store(vector_store_id)
        corpus = gather(backend, [store.id])
        if scored.same_as(corpus):
            return ranked, corpus
    return None, corpus


def chunks_of(backend: Backend, item: VectorStoreFile, *, unlocked: Unlocked | None = None) -> tuple[str, ...]:
    """A completed vector store file's chunks (made once, kept for the searches). With ``unlocked``, a file not
    chunked yet is chunked without the lock, and kept if the store still holds that file, with the same bytes."""
    stored = backend.files.get(item.id)
    if item.index is not None or unlocked is None or stored is None:
        return file_chunks(backend, item)
    content = stored.content
    index = unlocked(functools.partial(index_of, content, item.max_chunk_size_tokens, item.chunk_overlap_tokens))
    current = backend.vector_store_file(item.vector_store_id, item.id)  # deleted meanwhile: its 404
    again = backend.files.get(item.id)
    if current is item and again is not None and again.content is content and item.index is None:
        item.index = index
    return file_chunks(backend, current)


# --- vector store files ----------------------------------------------------------------------------------------


def create_vector_store_file(
    backend: Backend, vector_store_id: str, now: int, request: CreateVectorStoreFile
) -> VectorStoreFile:
    store = backend.vector_store(vector_store_id)
    backend.file(request.file_id)
    return _attach(backend, store, now, request.file_id, request.chunking_strategy, request.attributes)


def read_vector_store_file(backend: Backend, vector_store_id: str, file_id: str) -> VectorStoreFile:
    item = backend.vector_store_file(vector_store_id, file_id)
    _on_read(backend, [item])
    return item


def update_attributes(
    backend: Backend, vector_store_id: str, file_id: str, attributes: dict[str, AttributeValue] | None
) -> VectorStoreFile:
    item = backend.vector_store_file(vector_store_id, file_id)
    item.attributes = dict(attributes or {})
    return item


def delete_vector_store_file(backend: Backend, vector_store_id: str, file_id: str) -> None:
    """Take a file out of a store; the file itself stays."""
    backend.vector_store_file(vector_store_id, file_id)
    backend.detach(backend.vector_stores[vector_store_id], file_id)


# --- file batches ----------------------------------------------------------------------------------------------


def create_file_batch(backend: Backend, vector_store_id: str, now: int, request: CreateFileBatch) -> FileBatch:
    store = backend.vector_store(vector_store_id)
    entries: dict[str, CreateVectorStoreFile] = {}
    for entry in request.entries():
        entries.setdefault(entry.file_id, entry)  # a file named twice is added once, as first given
    for entry in entries.values():
        backend.file(entry.file_id)
    batch = FileBatch(id=backend.ids.new("vsfb"), vector_store_id=store.id, created_at=now)
    backend.put_batch(batch)
    for entry in entries.values():
        _attach(backend, store, now, entry.file_id, entry.chunking_strategy, entry.attributes, batch.id)
    return batch


def read_file_batch(backend: Backend, vector_store_id: str, batch_id: str) -> FileBatch:
    batch = backend.batch(vector_store_id, batch_id)
    _on_read(backend, _in_progress(backend.vector_stores[vector_store_id].files, batch.files))
    return batch


def cancel_file_batch(backend: Backend, vector_store_id: str, batch_id: str) -> FileBatch:
    """Cancel the batch's files still in progress. A completed batch is answered as it is (the live API did so);
    a cancelled or failed one cannot be cancelled."""
    batch = backend.batch(vector_store_id, batch_id)
    status = backend.batch_status(batch)
    if status == "completed":
        return batch
    if status != "in_progress":
        raise cannot_cancel(status, "vector store file batch")
    batch.cancelled = True
    for item in _in_progress(backend.vector_stores[vector_store_id].files, batch.files):
        backend.set_status(item, "cancelled")
    return batch


# --- test control ----------------------------------------------------------------------------------------------


def advance_vector_store_item(backend: Backend, object_id: str, now: int) -> str:
    """Move the in-progress files of a vector store, a file batch or a file (in every store) one step forward.

    Works under any progression policy. Returns the object's status afterwards (for a file: in the store it
    joined last). Raises ``KeyError`` for an id the emulator does not know.
    """
    store = backend.vector_stores.get(object_id)
    if store is not None:
        _step(backend, _in_progress(store.files, store.order))
        return store.status(now)
    batch = backend.batches.get(object_id)
    if batch is not None:
        _step(backend, _in_progress(backend.vector_stores[batch.vector_store_id].files, batch.files))
        return backend.batch_status(batch)
    items = [holder.files[object_id] for holder in backend.stores_holding(object_id)]
    if not items:
        raise KeyError(f"no vector store, file batch or vector store file {object_id!r} in this emulator")
    _step(backend, items)
    return max(items, key=lambda item: item.created_at).status
