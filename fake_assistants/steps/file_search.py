"""File search: a search over the vector stores in the run's scope.

Script file form: ``search_files: opening hours`` (the query).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..journal import keep
from ..tokens import count_tokens
from .base import Allowance, Events, JsonDict, Player, StepKind

RANKER = "default_2024_08_21"


@dataclass(frozen=True)
class SearchFiles:
    """A file_search step over the vector stores in the run's scope."""

    query: str


class FileSearch(StepKind[SearchFiles]):
    name = "search_files"
    value = SearchFiles
    spec = str
    call_type = "file_search"
    order = 2

    def from_spec(self, spec: str) -> SearchFiles:
        return SearchFiles(spec)

    def to_json(self, step: SearchFiles) -> Any:
        return step.query

    def from_public_calls(self, calls: Sequence[JsonDict]) -> list[SearchFiles]:
        """One search per call; the API never showed the query, so it is empty."""
        return [SearchFiles("") for _ in calls]

    def problem(self, step: SearchFiles, run: Allowance) -> str | None:
        return self.needs_tool(run, "file_search", "searches files")

    def completion_tokens(self, step: SearchFiles) -> int:
        return count_tokens(step.query)

    def play(self, step: SearchFiles, player: Player) -> Events:
        def calls() -> list[JsonDict]:
            call_id = player.new_call_id()
            results, threshold = player.search(step.query)
            ranking = {"ranker": RANKER, "score_threshold": threshold}
            return [
                {"id": call_id, "type": "file_search", "file_search": {"ranking_options": ranking, "results": results}}
            ]

        yield from player.tool_calls(self.completion_tokens(step), calls)

    def stream_call(self, call: JsonDict, index: int, stored: list[JsonDict], chunk_tokens: int) -> Iterator[JsonDict]:
        keep(stored)
        stored.append(call)  # the first delta carries the ranking options and no results yet, as the real API's
        ranking = call["file_search"]["ranking_options"]
        yield {
            "index": index,
            "id": call["id"],
            "type": "file_search",
            "file_search": {"ranking_options": dict(ranking), "results": []},
        }

    def public_call(self, call: JsonDict, *, with_search_content: bool) -> JsonDict:
        """Results carry their ``content`` only when the request's ``include[]`` asked for it."""
        if with_search_content:
            return call
        search = call["file_search"]
        results = [{k: v for k, v in result.items() if k != "content"} for result in search["results"]]
        return {**call, "file_search": {**search, "results": results}}


KIND = FileSearch()
