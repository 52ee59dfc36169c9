"""Files, vector stores, their files and batches, and search results, as their wire JSON."""

from __future__ import annotations

from collections.abc import Sequence

from ..backend.file_state import FileState
from ..backend.models import FileBatch, FileCounts, JsonDict, StoredFile, VectorStore, VectorStoreFile
from ..backend.search_index import SearchHit


def file_counts_wire(counts: FileCounts) -> dict[str, int]:
    return {
        "in_progress": counts.in_progress,
        "completed": counts.completed,
        "failed": counts.failed,
        "cancelled": counts.cancelled,
        "total": counts.total,
    }


def file_wire(stored: StoredFile) -> JsonDict:
    out: JsonDict = {
        "id": stored.id,
        "object": "file",
        "bytes": stored.size,
        "created_at": stored.created_at,
        "filename": stored.filename,
        "purpose": stored.purpose,
        "status": "processed",
        "expires_at": stored.expires_at,  # null when it never expires, as the real API sent it
        "status_details": None,
    }
    return out


def vector_store_wire(store: VectorStore, now: int) -> JsonDict:
    out: JsonDict = {
        "id": store.id,
        "object": "vector_store",
        "created_at": store.created_at,
        "name": store.name,
        "description": store.description,
        "usage_bytes": store.usage_bytes,
        "file_counts": file_counts_wire(store.counts()),
        "status": store.status(now),
        "expires_at": store.expires_at,
        "last_active_at": store.last_active_at,
        "metadata": store.metadata,
        "expires_after": None if store.expires_after is None else dict(store.expires_after),  # null when not set
    }
    return out


def vector_store_file_wire(item: VectorStoreFile) -> JsonDict:
    return {
        "id": item.id,
        "object": "vector_store.file",
        "usage_bytes": item.usage_bytes,
        "created_at": item.created_at,
        "vector_store_id": item.vector_store_id,
        "status": item.status,
        "last_error": None,
        "chunking_strategy": {
            "type": "static",
            "static": {
                "max_chunk_size_tokens": item.max_chunk_size_tokens,
                "chunk_overlap_tokens": item.chunk_overlap_tokens,
            },
        },
        "attributes": dict(item.attributes),
    }


def file_batch_wire(files: FileState, batch: FileBatch) -> JsonDict:
    return {
        "id": batch.id,
        "object": "vector_store.file_batch",  # the wire's name (the spec says files_batch)
        "created_at": batch.created_at,
        "vector_store_id": batch.vector_store_id,
        "status": files.batch_status(batch),
        "file_counts": file_counts_wire(FileCounts.of_index(batch.files)),
    }


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
