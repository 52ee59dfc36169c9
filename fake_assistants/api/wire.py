"""Transport-neutral requests and responses: what the transports hand the router and get back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str  # the URL path, with or without the leading "/v1"
    query: tuple[tuple[str, str], ...] = ()
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    stream: Iterator[bytes] | None = None  # a streamed body (server-sent events), instead of ``body``
    operation: str | None = None  # the spec's operationId of the route that answered (None: no route did)
    payload: Any = None  # the JSON value ``body`` encodes, as the router built it (None: not JSON, or not known)


class Handles(Protocol):
    """What every layer of the request path is: the router, the layers around it, the front door."""

    def handle(self, request: ApiRequest) -> ApiResponse: ...


class Interrupted(Exception):
    """The network fails a request instead of answering it (a fault on demand, see ``fake_assistants.faults``).

    Raised by ``handle`` (before any response) or by a streamed body (mid-stream). Each transport turns it into what a
    real network does: in-process, the HTTP library's own exception; over HTTP, a stalled or closed connection.

    Attributes:
        kind: ``"timeout"`` (no answer in time) or ``"disconnect"`` (the connection closed).
        seconds: for a timeout over HTTP, the longest the server stalls before it gives up.
    """

    def __init__(self, kind: str, seconds: float = 0.0) -> None:
        super().__init__(f"fake_assistants fault: {kind}")
        self.kind = kind
        self.seconds = seconds
