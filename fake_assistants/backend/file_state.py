"""The files half of the backend's state: files, vector stores, vector store files and file batches, their lookups
and their write primitives (:class:`FileState`, which :class:`~.state.Backend` is, beside the assistants half).

A vector store holds its vector store files by file id (``VectorStore.files``) and in creation order, tagged by
status (``VectorStore.order``); a file batch keeps the same index of the files it added. Every count the API
reports (``file_counts``, ``usage_bytes``, a store's or a batch's ``status``) is read from those indexes, which
only the write primitives here change, so the numbers can never drift from the files they count.
"""

from __future__ import annotations

import heapq
from typing import Literal

from ..errors import file_batch_not_found, not_found, vector_store_file_not_found
from ..journal import JDict, JList, keep
from .index import OrderedIndex
from .models import FileBatch, FileCounts, StoredFile, VectorStore, VectorStoreFile, VectorStoreFileStatus


class FileState:
    """All files, vector stores, vector store files and file batches of one emulator (a part of ``Backend``)."""

    def __init__(self) -> None:
        # Every registry records its changes in the request's undo journal (see fake_assistants.journal); the
        # indexes beside them journal their own.
        self.files: dict[str, StoredFile] = JDict()
        self.file_order = OrderedIndex()  # tagged by purpose
        self.holders: dict[str, dict[str, None]] = JDict()  # file id -> the ids of the stores holding it, in order
        self.vector_stores: dict[str, VectorStore] = JDict()
        self.store_order = OrderedIndex()
        self.batches: dict[str, FileBatch] = JDict()
        self.expiring: list[tuple[int, str]] = JList()  # a heap of (expires_at, file id): what expiry looks at

    def file(self, file_id: str) -> StoredFile:
        found = self.files.get(file_id)
        if found is None:
            raise not_found("file", file_id)
        return found

    def vector_store(self, vector_store_id: str) -> VectorStore:
        found = self.vector_stores.get(vector_store_id)
        if found is None:
            raise not_found("vector_store", vector_store_id)
        return found

    def vector_store_file(self, vector_store_id: str, file_id: str) -> VectorStoreFile:
        found = self.vector_store(vector_store_id).files.get(file_id)
        if found is None:
            raise vector_store_file_not_found(vector_store_id, file_id)
        return found

    def batch(self, vector_store_id: str, batch_id: str) -> FileBatch:
        self.vector_store(vector_store_id)
        found = self.batches.get(batch_id)
        if found is None or found.vector_store_id != vector_store_id:
            raise file_batch_not_found(batch_id)
        return found

    def batch_files(self, batch: FileBatch) -> list[VectorStoreFile]:
        """The files the batch added that are still in its store, in creation order."""
        store = self.vector_stores[batch.vector_store_id]
        return [store.files[file_id] for file_id in batch.files]

    def batch_status(self, batch: FileBatch) -> Literal["in_progress", "completed", "cancelled", "failed"]:
        """``in_progress`` exactly while a file of the batch is (Python's poll reads the count, Node's the status)."""
        counts = FileCounts.of_index(batch.files)
        if batch.cancelled:
            return "cancelled"
        if counts.in_progress:
            return "in_progress"
        if counts.total and counts.failed == counts.total:
            return "failed"
        return "completed"

    def stores_holding(self, file_id: str) -> list[VectorStore]:
        return [self.vector_stores[store_id] for store_id in self.holders.get(file_id, ())]

    # --- the write primitives: every change to the dicts and indexes above ----------------------------------

    def put_file(self, stored: StoredFile) -> None:
        self.files[stored.id] = stored
        self.file_order.add(stored.id, stored.purpose)
        if stored.expires_at is not None:
            keep(self.expiring)  # heapq writes the list directly, past JList's journaling
            heapq.heappush(self.expiring, (stored.expires_at, stored.id))

    def pop_expired(self, now: int) -> list[str]:
        """The ids of the files whose ``expires_at`` has come (taken off the expiry heap; the caller deletes them).
        O(log n) per expired file, O(1) when none is due."""
        due: list[str] = []
        heap = self.expiring
        if heap and heap[0][0] <= now:
            keep(heap)  # heapq writes the list directly, past JList's journaling
        while heap and heap[0][0] <= now:
            _, file_id = heapq.heappop(heap)
            if file_id in self.files:  # a file deleted by hand leaves its entry behind
                due.append(file_id)
        return due

    def drop_file(self, file_id: str) -> None:
        """The file, taken out of every vector store that holds it first."""
        for store in self.stores_holding(file_id):
            self.detach(store, file_id)
        del self.files[file_id]
        self.file_order.remove(file_id)

    def put_store(self, store: VectorStore) -> None:
        self.vector_stores[store.id] = store
        self.store_order.add(store.id)

    def drop_store(self, vector_store_id: str) -> None:
        """The store with its vector store files and batches; the files themselves stay."""
        store = self.vector_stores.pop(vector_store_id)
        self.store_order.remove(vector_store_id)
        for file_id in store.files:
            self._unhold(file_id, vector_store_id)
        for batch_id in store.batch_ids:
            del self.batches[batch_id]

    def put_batch(self, batch: FileBatch) -> None:
        self.batches[batch.id] = batch
        self.vector_stores[batch.vector_store_id].batch_ids.append(batch.id)

    def attach(self, store: VectorStore, item: VectorStoreFile) -> None:
        """Add ``item`` to ``store`` as its newest file (a file it already holds is taken out first)."""
        if item.id in store.files:
            self.detach(store, item.id)
        store.files[item.id] = item
        store.order.add(item.id, item.status)
        store.usage_bytes += item.usage_bytes
        self.holders.setdefault(item.id, JDict())[store.id] = None
        if item.batch_id is not None:
            self.batches[item.batch_id].files.add(item.id, item.status)

    def detach(self, store: VectorStore, file_id: str) -> None:
        item = store.files.pop(file_id)
        store.order.remove(file_id)
        store.usage_bytes -= item.usage_bytes
        self._unhold(file_id, store.id)
        if item.batch_id is not None and item.batch_id in self.batches:
            self.batches[item.batch_id].files.remove(file_id)

    def set_status(self, item: VectorStoreFile, status: VectorStoreFileStatus) -> None:
        store = self.vector_stores[item.vector_store_id]
        store.usage_bytes -= item.usage_bytes
        item.status = status
        store.usage_bytes += item.usage_bytes
        store.order.retag(item.id, status)
        if item.batch_id is not None and item.batch_id in self.batches:
            self.batches[item.batch_id].files.retag(item.id, status)

    def _unhold(self, file_id: str, vector_store_id: str) -> None:
        holding = self.holders[file_id]
        del holding[vector_store_id]
        if not holding:
            del self.holders[file_id]
