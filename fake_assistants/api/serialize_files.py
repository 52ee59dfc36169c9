"""Files, vector stores, their files and batches, and search results, as their wire JSON."""

from __future__ import annotations

from collections.abc import Sequence

from ..backend.file_state import FileState
from ..backend.models import FileBatch, FileCounts, JsonDict, StoredFile, VectorStore, VectorStoreFile
from ..backend.search_index import SearchHit
from .serialize import Fields


def file_counts_wire(counts: FileCounts) -> dict[str, int]:
    return {
        "in_progress": counts.in_progress,
        "completed": counts.completed,
        "failed": counts.failed,
        "cancelled": counts.cancelled,
        "total": counts.total,
    }


# One field table per object kind (see ``serialize.Fields``): its keys in wire order; ``written`` ones are given.
FILE_FIELDS = Fields(
    "bytes",
    "created_at",
    "filename",
    "purpose",
    "status",
    "expires_at",  # null when it never expires, as the real API sent it
    "status_details",
    written=("bytes", "status", "status_details"),
)
VECTOR_STORE_FIELDS = Fields(
    "created_at",
    "name",
    "description",
    "usage_bytes",
    "file_counts",
    "status",
    "expires_at",
    "last_active_at",
    "metadata",
    "expires_after",
    written=("file_counts", "status", "expires_after"),
)
VECTOR_STORE_FILE_FIELDS = Fields(
    "usage_bytes",
    "created_at",
    "vector_store_id",
    "status",
    "last_error",
    "chunking_strategy",
    "attributes",
    written=("last_error", "chunking_strategy", "attributes"),
)
FILE_BATCH_FIELDS = Fields("created_at", "vector_store_id", "status", "file_counts", written=("status", "file_counts"))


_file_fields = FILE_FIELDS.writer("file")
_vector_store_fields = VECTOR_STORE_FIELDS.writer("vector_store")
_vector_store_file_fields = VECTOR_STORE_FILE_FIELDS.writer("vector_store.file")
_file_batch_fields = FILE_BATCH_FIELDS.writer("vector_store.file_batch")  # the wire's name (the spec: files_batch)


def file_wire(stored: StoredFile) -> JsonDict:
    out = _file_fields(stored)
    out.update(bytes=stored.size, status="processed", status_details=None)
    return out


def vector_store_wire(store: VectorStore, now: int) -> JsonDict:
    out = _vector_store_fields(store)
    out.update(
        file_counts=file_counts_wire(store.counts()),
        status=store.status(now),
        expires_after=None if store.expires_after is None else dict(store.expires_after),  # null when not set
    )
    return out


def vector_store_file_wire(item: VectorStoreFile) -> JsonDict:
    strategy = {
        "type": "static",
        "static": {
            "max_chunk_size_tokens": item.max_chunk_size_tokens,
            "chunk_overlap_tokens": item.chunk_overlap_tokens,
        },
    }
    out = _vector_store_file_fields(item)
    out.update(last_error=None, chunking_strategy=strategy, attributes=dict(item.attributes))
    return out


def file_batch_wire(files: FileState, batch: FileBatch) -> JsonDict:
    counts = file_counts_wire(FileCounts.of_index(batch.files))
    out = _file_batch_fields(batch)
    out.update(status=files.batch_status(batch), file_counts=counts)
    return out


def file_content_wire(chunks: Sequence[str]) -> JsonDict:
    return {
        "object": "vector_store.file_content.page",
        "data": [{"type": "text", "text": chunk} for chunk in chunks],
        "has_more": False,
        "next_page": None,
    }


def search_results_wire(queries: Sequence[str], hits: Sequence[SearchHit]) -> JsonDict:
    return {
        "object": "vector_store.search_results.page",
        "search_query": list(queries),
        "data": [
            {
                "file_id": hit.file_id,
                "filename": hit.filename,
                "score": hit.score,
                "attributes": dict(hit.attributes),
                "content": [{"type": "text", "text": chunk} for chunk in hit.chunks],
            }
            for hit in hits
        ],
        "has_more": False,
        "next_page": None,
    }
