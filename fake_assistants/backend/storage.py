"""Files and vector stores: their stored objects and lookups.

A vector store holds its vector store files in creation order (``VectorStore.files``, keyed by file id). Every
count the API reports (``file_counts``, ``usage_bytes``, a store's or a batch's ``status``) is derived from those
records when it is read, so the numbers can never drift from the files they count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..errors import file_batch_not_found, not_found, vector_store_file_not_found
from ..journal import JDict, Journaled

if TYPE_CHECKING:
    from ..search.engine import IndexedChunks

AttributeValue = str | bool | int | float
VectorStoreFileStatus = Literal["in_progress", "completed", "cancelled", "failed"]
FILE_STATUSES: tuple[VectorStoreFileStatus, ...] = ("in_progress", "completed", "cancelled", "failed")

DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024  # "Individual files can be up to 512 MB"
AUTO_CHUNK_TOKENS = 800  # the auto strategy: "a max_chunk_size_tokens of 800 and chunk_overlap_tokens of 400"
AUTO_OVERLAP_TOKENS = 400


@dataclass
class StoredFile(Journaled):
    id: str
    created_at: int
    filename: str
    purpose: str
    content: bytes
    expires_at: int | None = None

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class VectorStoreFile(Journaled):
    id: str  # the file's id: a file appears at most once in a store
    vector_store_id: str
    created_at: int
    size: int  # the file's bytes, counted in usage_bytes once the file is completed
    max_chunk_size_tokens: int = AUTO_CHUNK_TOKENS
    chunk_overlap_tokens: int = AUTO_OVERLAP_TOKENS
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    status: VectorStoreFileStatus = "in_progress"
    batch_id: str | None = None
    index: IndexedChunks | None = field(default=None, repr=False, compare=False)  # the search's cache

    @property
    def usage_bytes(self) -> int:
        return self.size if self.status == "completed" else 0


@dataclass(frozen=True)
class FileCounts:
    in_progress: int = 0
    completed: int = 0
    cancelled: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.in_progress + self.completed + self.cancelled + self.failed

    @classmethod
    def of(cls, files: Iterable[VectorStoreFile]) -> FileCounts:
        tally = dict.fromkeys(FILE_STATUSES, 0)
        for item in files:
            tally[item.status] += 1
        return cls(**tally)

    def wire(self) -> dict[str, int]:
        return {
            "in_progress": self.in_progress,
            "completed": self.completed,
            "failed": self.failed,
            "cancelled": self.cancelled,
            "total": self.total,
        }


@dataclass
class VectorStore(Journaled):
    id: str
    created_at: int
    last_active_at: int
    name: str = ""
    description: str | None = None  # stored, but the spec's object does not return it
    metadata: dict[str, str] = field(default_factory=dict)
    expires_after: dict[str, Any] | None = None  # {"anchor": "last_active_at", "days": n}
    files: dict[str, VectorStoreFile] = field(default_factory=dict)

    @property
    def usage_bytes(self) -> int:
        return sum(item.usage_bytes for item in self.files.values())

    def counts(self) -> FileCounts:
        return FileCounts.of(self.files.values())

    @property
    def expires_at(self) -> int | None:
        if self.expires_after is None:
            return None
        return self.last_active_at + int(self.expires_after["days"]) * 86_400

    def status(self, now: int) -> Literal["expired", "in_progress", "completed"]:
        expires_at = self.expires_at
        if expires_at is not None and now >= expires_at:
            return "expired"
        return "in_progress" if self.counts().in_progress else "completed"


@dataclass
class FileBatch(Journaled):
    id: str
    vector_store_id: str
    created_at: int
    cancelled: bool = False


class Storage:
    """All files, vector stores, vector store files and file batches of one emulator."""

    def __init__(self) -> None:
        self.max_upload_bytes = DEFAULT_MAX_UPLOAD_BYTES
        self.files: dict[str, StoredFile] = JDict()
        self.vector_stores: dict[str, VectorStore] = JDict()
        self.batches: dict[str, FileBatch] = JDict()

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
        return [item for item in store.files.values() if item.batch_id == batch.id]

    def batch_status(self, batch: FileBatch) -> Literal["in_progress", "completed", "cancelled", "failed"]:
        """``in_progress`` exactly while a file of the batch is (Python's poll reads the count, Node's the status)."""
        counts = FileCounts.of(self.batch_files(batch))
        if batch.cancelled:
            return "cancelled"
        if counts.in_progress:
            return "in_progress"
        if counts.total and counts.failed == counts.total:
            return "failed"
        return "completed"

    def stores_holding(self, file_id: str) -> list[VectorStore]:
        return [store for store in self.vector_stores.values() if file_id in store.files]
