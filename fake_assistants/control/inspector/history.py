"""The request history: what the request log does not keep, for the inspector: when, which operation, and the bodies.

Bodies are kept as bytes, cut at :data:`BODY_LIMIT`, and made readable (JSON indented) only when the page asks for
them; the history keeps the last :data:`KEEP` exchanges (fewer if the emulator keeps fewer requests), each as a
plain tuple that becomes a :class:`HistoryEntry` only when the inspector reads it. Headers are not kept (they carry
API keys). A streamed response is teed: its server-sent events are kept as they are sent (the stream itself is
unchanged, and closing it still closes the emulator's).
"""

from __future__ import annotations

import contextlib
import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ...api.wire import ApiRequest, ApiResponse

BODY_LIMIT = 20_000
KEEP = 500


@dataclass(frozen=True)
class HistoryEntry:
    """One API request and its response, as the inspector shows them."""

    number: int  # 1 for the first request since the last reset
    at: int  # the emulator's clock, in seconds
    method: str
    path: str
    query: str
    status: int
    operation: str | None  # the spec's operationId, when the path is one of the API's
    request_id: str | None
    request_body: Body
    response_body: Body  # empty for a stream: its frames are in ``frames``
    key: str | None = field(default=None, repr=False, compare=False)  # who sent it: a tenant sees only its own
    frames: list[bytes] | None = field(default=None, repr=False, compare=False)  # a stream's frames, as sent

    def request_text(self) -> str:
        return self.request_body.text()

    def response_text(self) -> str:
        """The response body as text; for a stream, the events sent so far."""
        if self.frames is None:
            return self.response_body.text()
        sent = b"".join(list(self.frames))
        return Body.of(sent, "text/event-stream").text() if sent else "(server-sent events: none sent yet)"


@dataclass(frozen=True)
class Body:
    """The first :data:`BODY_LIMIT` bytes of a body, its size and type; made readable only when asked for."""

    head: bytes
    size: int
    content_type: str

    @classmethod
    def of(cls, body: bytes, content_type: str) -> Body:
        return cls(body[:BODY_LIMIT], len(body), content_type)

    def text(self) -> str:
        if not self.size:
            return ""
        if self.content_type.startswith("multipart/"):
            return f"(multipart form, {self.size} bytes)"
        try:
            text = self.head.decode("utf-8")
        except UnicodeDecodeError as error:
            if self.size == len(self.head) or error.start < len(self.head) - 3:
                return f"({self.content_type or 'binary'}, {self.size} bytes)"
            text = self.head[: error.start].decode("utf-8")  # the cut fell inside a character
        if self.size > len(self.head):
            return text + f"\n… (cut at {len(self.head)} of {self.size} bytes)"
        with contextlib.suppress(ValueError, RecursionError):  # indented when it is JSON; a hostile body stays as sent
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        return text


_Kept = tuple[Any, ...]  # what record() keeps of one exchange: the arguments of _entry(), in order


class RequestHistory:
    """The last :data:`KEEP` requests (or ``keep``, if fewer) with their bodies, for the inspector (the undo journal
    is another thing: ``fake_assistants/journal.py``)."""

    def __init__(self, keep: int | None = None) -> None:
        self._entries: deque[_Kept] = deque(maxlen=KEEP if keep is None else min(KEEP, keep))
        self._count = 0

    def record(
        self, request: ApiRequest, response: ApiResponse, at: int, key: str | None, operation: str | None
    ) -> None:
        """Keep ``request`` and its ``response`` (``operation``: the spec's operationId, as the front door found it;
        an Azure request counts as the ``/v1`` one it stands for)."""
        self._count += 1
        frames: list[bytes] | None = None
        if response.events is not None or response.frames is not None:
            frames = []
            response.stream = _Tee(response.stream, frames)  # type: ignore[arg-type]
        headers = response.headers
        self._entries.append(
            (
                self._count,
                at,
                request.method,
                request.path,
                request.query,
                response.status,
                operation,
                headers.get("x-request-id"),
                request.body[:BODY_LIMIT],
                len(request.body),
                request.headers.get("content-type") or "",
                response.body[:BODY_LIMIT],
                len(response.body),
                headers.get("content-type", ""),
                key,
                frames,
            )
        )

    def entries(self) -> tuple[HistoryEntry, ...]:
        """The kept exchanges, oldest first."""
        return tuple(_entry(*kept) for kept in self._entries)

    def get(self, number: int) -> HistoryEntry | None:
        return next((_entry(*kept) for kept in self._entries if kept[0] == number), None)

    def clear(self) -> None:
        self._entries.clear()
        self._count = 0


def _entry(
    number: int,
    at: int,
    method: str,
    path: str,
    query: tuple[tuple[str, str], ...],
    status: int,
    operation: str | None,
    request_id: str | None,
    request_head: bytes,
    request_size: int,
    request_type: str,
    response_head: bytes,
    response_size: int,
    response_type: str,
    key: str | None,
    frames: list[bytes] | None,
) -> HistoryEntry:
    return HistoryEntry(
        number=number,
        at=at,
        method=method.upper(),
        path=path,
        query="&".join(f"{name}={value}" for name, value in query),
        status=status,
        operation=operation,
        request_id=request_id,
        request_body=Body(request_head, request_size, request_type),
        response_body=Body(response_head, response_size, response_type),
        key=key,
        frames=frames,
    )


class _Tee:
    """A stream's frames, passed on unchanged and kept (up to :data:`BODY_LIMIT` bytes) for the history."""

    def __init__(self, frames: Iterator[bytes], kept: list[bytes]) -> None:
        self._frames = frames
        self._kept = kept
        self._size = 0

    def __iter__(self) -> _Tee:
        return self

    def __next__(self) -> bytes:
        frame = next(self._frames)
        if self._size < BODY_LIMIT:
            self._kept.append(frame)
            self._size += len(frame)
        return frame

    def close(self) -> None:
        close = getattr(self._frames, "close", None)
        if close is not None:
            close()
