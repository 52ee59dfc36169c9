"""Searching vector stores: what ``POST /vector_stores/{id}/search`` answers and what a run's file_search finds.

The corpus is every chunk (see :mod:`fake_assistants.search.chunking`) of every *completed* file of the stores
searched, a file counted once even when several of the stores hold it. Each chunk is scored against the query with
normalized BM25 (see :mod:`fake_assistants.search.bm25`). A hit is one chunk: chunks holding no query term (score
0), chunks scoring under the threshold and files whose attributes fail the filter (see
:mod:`fake_assistants.search.filters`) are dropped, and the rest come best first, ties in corpus order (the stores
in the order given, each store's files oldest first, each file's chunks in order), at most ``max_num_results`` of
them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..schemas.file_requests import AttributeValue
from ..search.bm25 import Bm25Index, term_counts
from ..search.chunking import chunk_file
from ..search.filters import matches
from .file_state import FileState
from .models import IndexedChunks, VectorStoreFile

if TYPE_CHECKING:
    from .state import Backend


@dataclass(frozen=True)
class SearchHit:
    file_id: str
    filename: str
    score: float  # in [0, 1]
    chunks: tuple[str, ...]  # the matching chunk's text (one chunk per hit)
    attributes: dict[str, AttributeValue]
    vector_store_id: str


def _indexed(files: FileState, item: VectorStoreFile) -> IndexedChunks:
    if item.index is None:
        stored = files.files.get(item.id)
        content = stored.content if stored is not None else b""
        texts = chunk_file(content, item.max_chunk_size_tokens, item.chunk_overlap_tokens)
        item.index = IndexedChunks(texts, tuple(term_counts(text) for text in texts))
    return item.index


def file_chunks(files: FileState, item: VectorStoreFile) -> tuple[str, ...]:
    """The chunks of a vector store file, by its own chunking strategy."""
    return _indexed(files, item).texts


def search_stores(
    backend: Backend,
    vector_store_ids: Sequence[str],
    query: str | Sequence[str],
    max_num_results: int,
    score_threshold: float = 0.0,
    *,
    filters: Mapping[str, Any] | None = None,
) -> list[SearchHit]:
    """The best chunks of the given vector stores for ``query`` (one string, or several searched together).

    Unknown store ids are skipped. ``filters`` is a comparison or compound filter as the API takes it.
    """
    corpus: list[tuple[VectorStoreFile, str, Counter[str]]] = []
    seen: set[str] = set()
    for vector_store_id in dict.fromkeys(vector_store_ids):
        store = backend.vector_stores.get(vector_store_id)
        if store is None:
            continue
        for item in store.files.values():
            if item.status != "completed" or item.id in seen:
                continue
            seen.add(item.id)
            indexed = _indexed(backend, item)
            corpus.extend(zip([item] * len(indexed.texts), indexed.texts, indexed.counts, strict=True))
    queries = [query] if isinstance(query, str) else list(query)
    scores = Bm25Index([counts for _, _, counts in corpus]).scores(queries)
    hits: list[SearchHit] = []
    for position in sorted(range(len(corpus)), key=lambda i: -scores[i]):
        score = scores[position]
        if score <= 0 or score < score_threshold or len(hits) >= max_num_results:
            break
        item, text, _ = corpus[position]
        if filters is not None and not matches(filters, item.attributes):
            continue
        stored = backend.files.get(item.id)
        hits.append(
            SearchHit(
                file_id=item.id,
                filename=stored.filename if stored is not None else "",
                score=score,
                chunks=(text,),
                attributes=dict(item.attributes),
                vector_store_id=item.vector_store_id,
            )
        )
    return hits
