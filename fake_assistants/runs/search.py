"""The results a file_search step writes: a search over the vector stores in the run's scope."""

from __future__ import annotations

from ..backend.models import JsonDict
from ..backend.state import Backend
from ..script.context import FileScope


def search_results(backend: Backend, scope: FileScope, query: str) -> list[JsonDict]:
    """Each hit as ``{"file_id", "file_name", "score", "content": [{"type": "text", "text"}]}``, best first."""
    return []
