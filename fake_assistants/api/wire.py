"""Transport-neutral requests and responses: what the transports hand the router and get back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


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
