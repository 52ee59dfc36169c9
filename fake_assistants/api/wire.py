"""Transport-neutral requests and responses: what the transports hand the router and get back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

from ..errors import ApiError
from ..schemas.validation import check_json_limits, check_json_size, check_servable, json_value
from .sse import Frames, SseEvent

T = TypeVar("T")


class ApiRequest:
    """One request as every layer of the path sees it: method, path (with or without the leading ``/v1``), query
    pairs in order, headers under lower-case names, and the body. Treated as immutable once made; a plain class with
    slots, as it is made once per request on every transport."""

    __slots__ = ("body", "headers", "known", "method", "path", "query")

    def __init__(
        self,
        method: str,
        path: str,
        query: tuple[tuple[str, str], ...] = (),
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.headers: dict[str, str] = {} if headers is None else headers  # lower-case names
        self.body = body
        self.known: dict[str, Any] = {}  # what the layers found about it, by name: see found()

    def __repr__(self) -> str:
        return f"ApiRequest({self.method!r}, {self.path!r}, query={self.query!r}, body={len(self.body)} bytes)"

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def document(self) -> Any:
        """The JSON object of the body, parsed once for every reader on the whole path (rate limits, faults, the key
        isolation's id checks, the handler); ``None`` when the body is not one (the handler then answers the real
        400). An empty body is ``{}``."""
        if not self.body:
            return {}  # most requests (every GET): nothing to parse
        return self.found("document", _parse_document)

    @property
    def json_problem(self) -> ApiError | None:
        """Why a body that is not a JSON object is refused before anything reads it (too large, nested too deep,
        an integer past 64 bits, a lone surrogate: :func:`check_json_limits`), or ``None``; worked out once, so
        that a server can do it before the request takes the emulator's lock. Not JSON at all is for its reader."""
        return self.found("json problem", _json_problem)

    def found(self, what: str, work: Callable[[ApiRequest], T]) -> T:
        """What ``work`` finds about this request, worked out once however many layers ask (the route it matches:
        ``api/routes.resolve``; the body's JSON)."""
        known = self.known
        if what in known:
            return known[what]  # type: ignore[no-any-return]
        answer = known[what] = work(self)
        return answer


def _parse_document(request: ApiRequest) -> Any:
    """The body's JSON object (see :attr:`ApiRequest.document`), or ``None``."""
    body = request.body if request.body.strip() else b"{}"
    if not body.lstrip().startswith(b"{"):
        return None
    try:
        check_json_size(body)
        document = json_value(body)  # the one parse (the parser's recursion limit stops a deep body at once)
        check_servable(document)  # linear: depth, 64-bit integers, valid Unicode
        return document
    except (ApiError, ValueError, RecursionError):
        return None


def _json_problem(request: ApiRequest) -> ApiError | None:
    try:
        check_json_limits(request.body)
    except ApiError as error:
        return error
    return None


class ApiResponse:
    """A response: status, headers and body; a streamed one carries its events instead of a body.

    ``events`` are what the layers of the API hand each other and wrap (the contract check, the spec shapes, a cut
    stream); :attr:`stream` is the body as the wire carries it, framed (``api/sse.py``) as it is read. ``operation``
    and ``payload`` say which route answered and the JSON value ``body`` encodes, so that no layer parses the body
    or matches the route again.
    """

    __slots__ = ("body", "events", "frames", "headers", "operation", "payload", "status")

    def __init__(
        self,
        status: int,
        headers: dict[str, str],
        body: bytes,
        stream: Iterator[bytes] | None = None,
        *,
        events: Iterator[SseEvent] | None = None,
        operation: str | None = None,
        payload: Any = None,
    ) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.events = events  # a streamed body, as server-sent events
        self.operation = operation  # the spec's operationId of the route that answered (None: no route did)
        self.payload = payload  # the JSON value ``body`` encodes, as it was built (None: not JSON, or not known)
        self.frames = stream  # the frames given, or (once read through stream) the events framed

    @property
    def stream(self) -> Iterator[bytes] | None:
        """A streamed body as bytes, one frame at a time: the events framed (once; each access gives the same
        iterator), or the frames given. Settable, to wrap the frames (the inspector's journal keeps a copy)."""
        if self.frames is None and self.events is not None:
            self.frames = Frames(self.events)
        return self.frames

    @stream.setter
    def stream(self, frames: Iterator[bytes] | None) -> None:
        self.frames = frames

    def __repr__(self) -> str:
        kind = "events" if self.events is not None else "stream" if self.frames is not None else "body"
        return f"ApiResponse({self.status}, operation={self.operation!r}, {kind})"


class Handles(Protocol):
    """What every layer of the request path is: the router, the layers around it, the front door."""

    def handle(self, request: ApiRequest) -> ApiResponse: ...


class Interrupted(Exception):
    """The network fails a request instead of answering it (a fault on demand: ``frontdoor/faults.py``).

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
