"""The results a file_search step writes: a search over the vector stores in the run's scope."""

from __future__ import annotations

from ..backend.models import JsonDict
from ..backend.search_index import search_stores
from ..backend.state import Backend
from ..script.context import FileScope


def search_results(
    backend: Backend, scope: FileScope, query: str, *, max_num_results: int = 20, score_threshold: float = 0.0
) -> list[JsonDict]:
    """The search over the stores in scope, each hit as ``{"file_id", "file_name", "score", "attributes",
    "content"}``, best first.

    ``content`` is always kept; the wire drops it unless ``include[]`` asks for it.
    """
    hits = search_stores(backend, scope.vector_store_ids, query, max_num_results, score_threshold)
    return [
        {
            "file_id": hit.file_id,
            "file_name": hit.filename,
            "score": round(hit.score, 6),
            "attributes": dict(hit.attributes),
            "content": [{"type": "text", "text": text} for text in hit.chunks],
        }
        for hit in hits
    ]


def search_options(tools: list[JsonDict]) -> tuple[int, float]:
    """The run's file_search tool options: ``max_num_results`` (default 20) and the ranking ``score_threshold``."""
    for tool in tools:
        if tool["type"] == "file_search":
            options = tool.get("file_search") or {}
            threshold = (options.get("ranking_options") or {}).get("score_threshold", 0.0)
            return options.get("max_num_results") or 20, threshold
    return 20, 0.0
