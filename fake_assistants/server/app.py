"""The ASGI app of server mode: starlette requests in, the emulator's router, starlette responses out.

Every path goes to the router, which answers paths outside ``/v1`` with its ``Invalid URL`` 404. The router is
synchronous and takes the emulator's lock, so each request is served in a worker thread, never on the event loop.
A streamed response goes out as a :class:`~starlette.responses.StreamingResponse`, one frame per chunk, each frame
pulled in a worker thread; when the client hangs up, the frame iterator is closed (the emulator then plays the run
to its end, as if the stream had been read through).

A fault that fails the request on the network (:class:`~fake_assistants.api.wire.Interrupted`) is played on the
socket: a timeout stalls until the client hangs up (or the fault's bound passes: then a 504); a dropped connection
closes the connection before any byte of the response (through uvicorn's transport; under another ASGI server, just
after the status line), and a cut stream closes it mid-body. The client reads a missing or incomplete response, as
from a server that went away.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncGenerator, Callable, Iterator
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse
from starlette.types import Message, Receive, Scope, Send

from ..api.handlers.files import read_upload
from ..api.handlers.vector_stores import UNLOCKED
from ..api.responses import error_response
from ..api.routes import operation_of
from ..api.wire import ApiRequest, ApiResponse, Handles, Interrupted
from ..backend.vector_stores import Unlocked
from ..control.handler import is_control
from ..errors import ApiError, gateway_timeout, request_timeout, request_too_large, unauthorized_no_key
from .limits import BODY_TIMEOUT, LONG_BODY_BYTES, MAX_BODY_BYTES, STALL_TIMEOUT

T = TypeVar("T")

LONG_OPERATIONS = frozenset({"searchVectorStore", "retrieveVectorStoreFileContent"})
"""Operations whose cost grows with what the emulator holds (a store's files), not with the request: always served
in a worker thread, their long part without the emulator's lock."""


class EmulatorApp:
    """An ASGI app serving ``handler`` (a :class:`~fake_assistants.FakeAssistants` or its router).

    A request is read and answered with plain ASGI messages (a streamed one through starlette). It is served on the
    event loop when the emulator's lock is free at once (most requests take well under a millisecond), and in a
    worker thread when it is not (a stream holds it, or another request), when a latency fault may make it sleep,
    or when it may take long: a body over ``LONG_BODY_BYTES`` (a big upload or JSON body) or one of
    :data:`LONG_OPERATIONS` (a vector store search). So the event loop never waits on it. In the worker thread, the
    long part of such a request runs before it takes the lock (an upload's form is read, a JSON body parsed and
    checked), or with the lock let go (a search scores, a file is chunked: ``backend/vector_stores.py``).
    """

    def __init__(
        self, handler: Handles, *, body_timeout: float = BODY_TIMEOUT, stall_timeout: float = STALL_TIMEOUT
    ) -> None:
        self.handler = handler
        self.body_timeout = body_timeout
        self.stall_timeout = stall_timeout
        self.lock: Any = getattr(handler, "lock", None)
        _quiet_interruptions()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":  # websockets: refuse the handshake
            await send({"type": "websocket.close", "code": 1003})
            return
        if self.lock is not None and _unauthenticated_body(scope):  # an emulator's API: the 401 before any body
            await _error_response(unauthorized_no_key())(scope, receive, send)
            return
        try:
            request = await read_request(scope, receive, body_timeout=self.body_timeout)
        except ApiError as error:
            await _error_response(error)(scope, receive, send)
            return
        try:
            response = None
            if (
                self.lock is not None
                and not self._may_wait()
                and not _long(request)
                and self.lock.acquire(blocking=False)
            ):
                try:
                    response = self.handler.handle(request)
                finally:
                    self.lock.release()
            if response is None:
                response = await run_in_threadpool(self._serve_in_thread, request)
        except Interrupted as stop:
            await _interrupt(stop, receive, send)
            return
        if response.stream is None:
            await send_plain(response, send)
        else:
            await to_starlette_response(response, self.lock)(scope, receive, _bounded(send, self.stall_timeout))

    def _serve_in_thread(self, request: ApiRequest) -> ApiResponse:
        """Serve ``request`` in this worker thread: what may take long is done before the lock is taken, and the
        request may let the lock go for its pure work (see :func:`prepare`)."""
        if self.lock is not None:  # an emulator, not a bare handler: its API reads what is prepared
            prepare(request, self.lock)
        return self.handler.handle(request)

    def _may_wait(self) -> bool:
        """Whether a request may sleep (a latency fault is set): it is then served in a worker thread, which holds
        neither the event loop nor the emulator's lock while it waits, so other clients are served meanwhile."""
        faults = getattr(self.handler, "faults", None)
        return faults is not None and any(fault.kind == "latency" for fault in faults)


def _long(request: ApiRequest) -> bool:
    return len(request.body) > LONG_BODY_BYTES or operation_of(request) in LONG_OPERATIONS


def prepare(request: ApiRequest, lock: Any) -> None:
    """What a request served in a worker thread does before it takes the emulator's lock: an upload's form is read
    and a JSON body parsed and checked (each once per request: the API reads the result), and the request gets a
    way to let the lock go while it does pure work (:func:`unlocking`)."""
    request.found(UNLOCKED, functools.partial(_unlocking_for, lock))
    if not request.body:
        return
    if (request.header("content-type") or "").lower().startswith("multipart/"):
        read_upload(request)
    elif request.document is None:  # not a JSON object: its limits are checked here too, not under the lock
        _ = request.json_problem


def _unlocking_for(lock: Any, _: ApiRequest) -> Unlocked:
    return unlocking(lock)


def unlocking(lock: Any) -> Unlocked:
    """Run pure work with ``lock`` (an ``RLock`` this thread holds) let go once, and taken again after: other
    requests are served meanwhile. Held more than once (a caller holds it too), it stays held: no harm, no gain."""

    def unlocked(work: Callable[[], T]) -> T:
        try:
            lock.release()
        except RuntimeError:  # not this thread's: nothing to let go
            return work()
        try:
            return work()
        finally:
            lock.acquire()

    return unlocked


def _unauthenticated_body(scope: Scope) -> bool:
    """An API request (not the control API's) that carries a body and no key of any kind."""
    if is_control(scope["path"]):
        return False
    names = {name.lower() for name, _ in scope["headers"]}
    has_body = b"transfer-encoding" in names or any(
        name.lower() == b"content-length" and value.strip() not in (b"", b"0") for name, value in scope["headers"]
    )
    return has_body and b"authorization" not in names and b"api-key" not in names


def _bounded(send: Send, seconds: float) -> Send:
    """``send``, giving up on a client that stops reading (without hanging up) after ``seconds``: the connection is
    closed and the stream's frames too, so its run plays on to its end and frees its thread, as the real API did."""

    async def bounded_send(message: Message) -> None:
        with anyio.move_on_after(seconds) as waited:
            await send(message)
        if waited.cancelled_caught:
            transport = getattr(getattr(send, "__self__", None), "transport", None)  # uvicorn's connection
            if transport is not None and callable(getattr(transport, "close", None)):
                transport.close()
            raise Interrupted("disconnect")

    return bounded_send


def _error_response(error: ApiError) -> Response:
    return to_starlette_response(error_response(error, {"connection": "close"}))


async def read_body(
    receive: Receive, headers: dict[str, str], limit: int = MAX_BODY_BYTES, timeout: float = BODY_TIMEOUT
) -> bytes:
    """The request's body, refused (413) past ``limit`` bytes and (408) when it takes longer than ``timeout``."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise request_too_large(limit)
    chunks: list[bytes] = []
    size = 0
    more = True
    with anyio.move_on_after(timeout) as scope:
        while more:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise request_too_large(limit)
            chunks.append(chunk)
            more = message.get("more_body", False)
    if scope.cancelled_caught:
        raise request_timeout(timeout)
    return b"".join(chunks)


async def _interrupt(stop: Interrupted, receive: Receive, send: Send) -> None:
    """Fail the request as the network would: stall (a timeout) or close the connection (a drop)."""
    if stop.kind == "timeout":
        with anyio.move_on_after(stop.seconds):
            while (await receive())["type"] != "http.disconnect":
                pass
            return  # the client gave up: nothing to answer
        await to_starlette_response(error_response(gateway_timeout()))({"type": "http"}, receive, send)
        return
    transport = getattr(getattr(send, "__self__", None), "transport", None)  # uvicorn's connection
    if transport is not None and callable(getattr(transport, "close", None)):
        transport.close()  # no status line at all, as a server that went away
        with anyio.move_on_after(DISCONNECT_WAIT):
            while (await receive())["type"] != "http.disconnect":
                pass
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    raise stop  # another ASGI server: it closes a connection whose response has started and not ended


DISCONNECT_WAIT = 5.0  # how long a dropped request waits to hear the connection is gone (it is at once)


class _InterruptionFilter(logging.Filter):
    """Keep a fault's dropped connection out of uvicorn's error log: it is what the test asked for."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        while error is not None:
            if isinstance(error, Interrupted):
                return False
            group = getattr(error, "exceptions", None)
            if group:
                return not any(isinstance(e, Interrupted) for e in _leaves(error))
            error = error.__cause__ or error.__context__
        return True


def _leaves(error: BaseException) -> Iterator[BaseException]:
    for inner in getattr(error, "exceptions", None) or ():
        yield from _leaves(inner)
    if not getattr(error, "exceptions", None):
        yield error


_FILTER = _InterruptionFilter()


def _quiet_interruptions() -> None:
    logger = logging.getLogger("uvicorn.error")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


async def read_request(scope: Scope, receive: Receive, *, body_timeout: float = BODY_TIMEOUT) -> ApiRequest:
    """An ASGI request as the router's: query pairs in order with repeats, lower-case headers, the body (bounded in
    size and in time, see ``server/limits.py``)."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:  # a repeated header is joined, as httpx joins it
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    body = await read_body(receive, headers, timeout=body_timeout)
    return ApiRequest(
        method=scope["method"],
        path=scope.get("root_path", "") + scope["path"],
        query=tuple(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)),
        headers=headers,
        body=body,
    )


async def send_plain(response: ApiResponse, send: Send) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers.items()]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


def to_starlette_response(response: ApiResponse, lock: Any = None) -> Response:
    if response.stream is None:
        return Response(response.body, status_code=response.status, headers=response.headers)
    return FrameStreamResponse(response.stream, status_code=response.status, headers=response.headers, lock=lock)


class FrameStreamResponse(StreamingResponse):
    """Server-sent events from a synchronous frame iterator, which is closed however the response ends."""

    def __init__(self, frames: Iterator[bytes], *, status_code: int, headers: dict[str, str], lock: Any = None) -> None:
        self._frames = frames
        self._chunks = _in_threads(frames, lock)
        super().__init__(self._chunks, status_code=status_code, headers=headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:  # the client hung up (or the stream ended): close the frames now, not when collected
            with anyio.CancelScope(shield=True):
                await self._chunks.aclose()
                await anyio.to_thread.run_sync(_close, self._frames)  # if it never started, aclose skipped it


async def _in_threads(frames: Iterator[bytes], lock: Any = None) -> AsyncGenerator[bytes, None]:
    """Each frame pulled on the event loop when the emulator's lock is free at once, else in a worker thread (the
    lock may block), so the event loop never waits."""
    try:
        while True:
            if lock is not None and lock.acquire(blocking=False):
                try:
                    chunk = _next(frames)
                finally:
                    lock.release()
            else:
                chunk = await anyio.to_thread.run_sync(_next, frames)
            if chunk is None:
                break
            yield chunk
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_close, frames)


def _next(frames: Iterator[bytes]) -> bytes | None:
    return next(frames, None)


def _close(frames: Iterator[bytes]) -> None:
    close = getattr(frames, "close", None)
    if close is not None:
        close()


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
