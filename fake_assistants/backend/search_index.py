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


def index_of(content: bytes, max_chunk_size_tokens: int, chunk_overlap_tokens: int) -> IndexedChunks:
    """A file's chunks and their term counts (pure: the long part of a first search over a big file)."""
    texts = chunk_file(content, max_chunk_size_tokens, chunk_overlap_tokens)
    return IndexedChunks(texts, tuple(term_counts(text) for text in texts))


def _indexed(files: FileState, item: VectorStoreFile) -> IndexedChunks:
    if item.index is None:
        stored = files.files.get(item.id)
        item.index = index_of(stored.content if stored is not None else b"", *_chunking(item))
    return item.index


def _chunking(item: VectorStoreFile) -> tuple[int, int]:
    return item.max_chunk_size_tokens, item.chunk_overlap_tokens


def file_chunks(files: FileState, item: VectorStoreFile) -> tuple[str, ...]:
    """The chunks of a vector store file, by its own chunking strategy."""
    return _indexed(files, item).texts


@dataclass(frozen=True)
class Corpus:
    """What a search reads, gathered under the emulator's lock: references only, so gathering is cheap (one step
    per file). :func:`rank` does the long part from it alone, so it may run without the lock."""

    items: tuple[VectorStoreFile, ...]  # the completed files of the stores searched, each once, in corpus order
    contents: tuple[bytes, ...]  # each one's bytes (immutable; b"" for a file deleted since)
    chunking: tuple[tuple[int, int], ...]  # each one's chunk size and overlap
    indexes: tuple[IndexedChunks | None, ...]  # each one's chunks, where a search already made them

    def same_as(self, other: Corpus) -> bool:
        """Whether ``other`` (gathered again later) reads exactly what this one read: the same files, bytes and
        chunking, so scores made from this one hold for it."""
        return (
            len(self.items) == len(other.items)
            and all(a is b for a, b in zip(self.items, other.items, strict=True))
            and all(a is b for a, b in zip(self.contents, other.contents, strict=True))
            and self.chunking == other.chunking
        )


def gather(files: FileState, vector_store_ids: Sequence[str]) -> Corpus:
    """The corpus of the given vector stores (unknown ids skipped): every completed file, counted once even when
    several of the stores hold it, the stores in the order given, each store's files oldest first."""
    items: list[VectorStoreFile] = []
    seen: set[str] = set()
    for vector_store_id in dict.fromkeys(vector_store_ids):
        store = files.vector_stores.get(vector_store_id)
        if store is None:
            continue
        for item in store.files.values():
            if item.status != "completed" or item.id in seen:
                continue
            seen.add(item.id)
            items.append(item)
    stored = [files.files.get(item.id) for item in items]
    return Corpus(
        tuple(items),
        tuple(found.content if found is not None else b"" for found in stored),
        tuple(_chunking(item) for item in items),
        tuple(item.index for item in items),
    )


@dataclass(frozen=True)
class Ranked:
    """A corpus scored against a query: each file's chunks, and one score per chunk in corpus order."""

    corpus: Corpus
    indexes: tuple[IndexedChunks, ...]
    scores: list[float]


def rank(corpus: Corpus, query: str | Sequence[str]) -> Ranked:
    """Chunk the files no search has chunked yet and score every chunk: pure, it reads nothing but ``corpus``."""
    indexes = tuple(
        index if index is not None else index_of(content, *chunking)
        for index, content, chunking in zip(corpus.indexes, corpus.contents, corpus.chunking, strict=True)
    )
    queries = [query] if isinstance(query, str) else list(query)
    scores = Bm25Index([counts for index in indexes for counts in index.counts]).scores(queries)
    return Ranked(corpus, indexes, scores)


def hits_of(
    files: FileState,
    ranked: Ranked,
    max_num_results: int,
    score_threshold: float = 0.0,
    *,
    filters: Mapping[str, Any] | None = None,
) -> list[SearchHit]:
    """The best chunks of a ranked corpus, best first, ties in corpus order; the chunks made are kept on their
    files for the next search."""
    chunks: list[tuple[VectorStoreFile, str]] = []
    for item, index in zip(ranked.corpus.items, ranked.indexes, strict=True):
        if item.index is None:
            item.index = index
        chunks.extend((item, text) for text in index.texts)
    scores = ranked.scores
    hits: list[SearchHit] = []
    for position in sorted(range(len(chunks)), key=lambda i: -scores[i]):
        score = scores[position]
        if score <= 0 or score < score_threshold or len(hits) >= max_num_results:
            break
        item, text = chunks[position]
        if filters is not None and not matches(filters, item.attributes):
            continue
        stored = files.files.get(item.id)
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
    ranked = rank(gather(backend, vector_store_ids), query)
    return hits_of(backend, ranked, max_num_results, score_threshold, filters=filters)
