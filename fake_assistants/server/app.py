"""The ASGI app of server mode: starlette requests in, the emulator's router, starlette responses out.

Every path goes to the router, which answers paths outside ``/v1`` with its ``Invalid URL`` 404. The router is
synchronous and takes the emulator's lock, so each request is served in a worker thread, never on the event loop.
A streamed response goes out as a :class:`~starlette.responses.StreamingResponse`, one frame per chunk, each frame
pulled in a worker thread; when the client hangs up, the frame iterator is closed (the emulator then plays the run
to its end, as if the stream had been read through).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
from typing import Any
from urllib.parse import parse_qsl

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from ..api.validating import Handles
from ..api.wire import ApiRequest, ApiResponse


class EmulatorApp:
    """An ASGI app serving ``handler`` (a :class:`~fake_assistants.FakeAssistants` or its router).

    A request is read and answered with plain ASGI messages (a streamed one through starlette). It is served on the
    event loop when the emulator's lock is free at once (most requests take well under a millisecond), and in a
    worker thread when it is not (a stream holds it, or another request), so the event loop never waits on it.
    """

    def __init__(self, handler: Handles) -> None:
        self.handler = handler
        self.lock: Any = getattr(handler, "lock", None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":  # websockets: refuse the handshake
            await send({"type": "websocket.close", "code": 1003})
            return
        request = await read_request(scope, receive)
        response = None
        if self.lock is not None and self.lock.acquire(blocking=False):
            try:
                response = self.handler.handle(request)
            finally:
                self.lock.release()
        if response is None:
            response = await run_in_threadpool(self.handler.handle, request)
        if response.stream is None:
            await send_plain(response, send)
        else:
            await to_starlette_response(response, self.lock)(scope, receive, send)


async def read_request(scope: Scope, receive: Receive) -> ApiRequest:
    """An ASGI request as the router's: query pairs in order with repeats, lower-case headers, the body."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:  # a repeated header is joined, as httpx joins it
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
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

    def __init__(
        self, frames: Iterator[bytes], *, status_code: int, headers: dict[str, str], lock: Any = None
    ) -> None:
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
