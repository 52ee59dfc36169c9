"""One recorded exchange and one recording, in the shared layout every reader produces."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class RecordingError(ValueError):
    """A recording that cannot be read. The message names the file, the interaction (1-based) and the problem."""

    def __init__(self, source: str, problem: str, *, interaction: int | None = None) -> None:
        where = f"{source}: interaction {interaction}" if interaction is not None else source
        super().__init__(f"{where}: {problem}")
        self.source = source
        self.interaction = interaction
        self.problem = problem


MAX_NESTING = 100  # arrays and mappings in a recording (its bodies are strings, parsed on their own)
MAX_NODES = 500_000  # values in a recording's document, aliases expanded (a cassette repeats little)


def check_document(source: str, document: Any) -> None:
    """Refuse a document nested past :data:`MAX_NESTING` or holding more than :data:`MAX_NODES` values once its
    YAML aliases are expanded (an alias is walked again wherever it is used): one bounded, iterative walk."""
    pending: list[tuple[Any, int]] = [(document, 0)]
    seen = 0
    while pending:
        value, depth = pending.pop()
        seen += 1
        if seen > MAX_NODES:
            raise RecordingError(source, f"more than {MAX_NODES} values (aliases expanded): this is not a recording")
        if isinstance(value, Mapping | list | tuple):
            if depth >= MAX_NESTING:
                raise RecordingError(source, f"nested more than {MAX_NESTING} levels deep: this is not a recording")
            items = value.values() if isinstance(value, Mapping) else value
            pending.extend((item, depth + 1) for item in items)


@dataclass(frozen=True)
class Exchange:
    """One request and its response, as the real API saw them.

    ``request`` and ``response`` are parsed JSON (``None`` when there was no body, or it was not JSON, as multipart
    uploads and file downloads are); a streamed response has ``events`` instead, as ``(event, data)`` pairs with
    ``data`` the frame's text.
    """

    method: str
    path: str  # with /v1, without the query
    query: str = ""
    request: Any = None
    status: int = 200
    content_type: str = "application/json"
    response: Any = None
    events: tuple[tuple[str, str], ...] | None = None
    beta: str | None = None

    @property
    def streamed(self) -> bool:
        return self.events is not None

    def event_objects(self) -> list[tuple[str, Any]]:
        """The stream's events with their data parsed (``[DONE]`` and non-JSON data stay text)."""
        out: list[tuple[str, Any]] = []
        for name, data in self.events or ():
            try:
                out.append((name, json.loads(data)))
            except ValueError:
                out.append((name, data))
        return out

    def to_shared(self) -> dict[str, Any]:
        shared: dict[str, Any] = {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "beta": self.beta,
            "request": self.request,
            "status": self.status,
            "content_type": self.content_type,
        }
        if self.events is not None:
            shared["events"] = [{"event": name, "data": data} for name, data in self.events]
        else:
            shared["response"] = self.response
        return shared


@dataclass(frozen=True)
class Recording:
    """A recorded session: its name, what it says of its origin (``source``: repository, format, recorder...), its
    exchanges in order, and the file it was read from."""

    name: str
    source: dict[str, Any] = field(default_factory=dict)
    exchanges: tuple[Exchange, ...] = ()
    path: str = ""

    def to_shared(self) -> dict[str, Any]:
        return {"source": self.source, "interactions": [exchange.to_shared() for exchange in self.exchanges]}
