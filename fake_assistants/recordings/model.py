"""One recorded exchange and one recording, in the shared layout every reader produces."""

from __future__ import annotations

import json
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
