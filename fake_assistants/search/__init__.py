"""A real, deterministic lexical search over vector stores: chunking, normalized BM25 and attribute filters.

Read :mod:`.chunking` for how files become chunks, :mod:`.bm25` for the scores, :mod:`.filters` for the attribute
filters, and :mod:`.engine` for how they combine. :func:`search_stores` is the one entry point.
"""

from .engine import SearchHit, file_chunks, search_stores

__all__ = ["SearchHit", "file_chunks", "search_stores"]
