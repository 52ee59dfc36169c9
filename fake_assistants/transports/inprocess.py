"""In-process transports for httpx and httpx2: requests reach the router without any socket.

Both libraries share the same transport interface, so one adapter serves either, given the module. A fault that
fails the request on the network (:class:`~fake_assistants.api.wire.Interrupted`) becomes the library's own
exception, as a real socket would raise it: ``ReadTimeout`` for a timeout, ``RemoteProtocolError`` for a connection
that closed before the response or in the middle of a stream.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Iterator
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType
from typing import Any

from ..api.wire import ApiRequest, Handles, Interrupted
from .sdk import MissingOpenAIError


def sdk_http_module() -> ModuleType:
    """The HTTP library the installed openai SDK uses: ``httpx2`` for openai 3.x, ``httpx`` before."""
    try:
        major = int(version("openai").split(".")[0])
    except PackageNotFoundError:
        raise MissingOpenAIError("choosing the SDK's HTTP library (fake.transport())") from None
    return importlib.import_module("httpx2" if major >= 3 else "httpx")


def to_api_request(request: Any) -> ApiRequest:
    """An ``httpx``/``httpx2`` request (already read) as the router's request.

    The headers are decoded from their raw bytes as UTF-8 (which ASCII, all an SDK sends, is; anything else goes
    the library's own way, through ``multi_items()``), joined with ", " only when a name repeats; the query is parsed
    only when there is one."""
    url = request.url
    raw = request.headers.raw
    try:
        headers = {name.lower().decode(): value.decode() for name, value in raw}
    except UnicodeDecodeError:
        headers = dict(request.headers.multi_items())
    if len(headers) != len(raw):  # a repeated header
        headers = {}
        for name, value in request.headers.multi_items():
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return ApiRequest(
        request.method, url.path, tuple(url.params.multi_items()) if url.query else (), headers, request.content
    )


def make_transport(router: Handles, http: ModuleType | None = None) -> Any:
    """A transport (sync and async alike) of ``http`` (default: the SDK's library) that serves ``router``."""
    module = http or sdk_http_module()

    def handle(request: Any) -> Any:
        try:
            response = router.handle(to_api_request(request))
        except Interrupted as stop:
            raise network_error(module, stop, request) from None
        if response.events is not None or response.frames is not None:  # a stream (no property call for the rest)
            stream = _streamed_body_class(module)(response.stream, module)
            return module.Response(response.status, headers=response.headers, stream=stream)
        body = response.body
        headers = {**response.headers, "content-length": str(len(body))}  # what the library adds, made cheaply
        return module.Response(response.status, headers=headers, content=body)

    return module.MockTransport(handle)


DROPPED = "Server disconnected without sending a response."
CUT = "peer closed connection without sending complete message body (incomplete chunked read)"


def network_error(module: ModuleType, stop: Interrupted, request: Any = None, *, mid_stream: bool = False) -> Exception:
    """The exception ``module`` (httpx or httpx2) raises when a real server does what ``stop`` says."""
    if stop.kind == "timeout":
        return module.ReadTimeout("timed out", request=request)  # type: ignore[no-any-return]
    return module.RemoteProtocolError(CUT if mid_stream else DROPPED, request=request)  # type: ignore[no-any-return]


@cache
def _streamed_body_class(module: ModuleType) -> type:
    """A response body the library reads chunk by chunk, from a sync client or an async one."""

    class StreamedBody(module.SyncByteStream, module.AsyncByteStream):  # type: ignore[misc,name-defined]
        def __init__(self, chunks: Iterator[bytes], http: ModuleType) -> None:
            self._chunks = chunks
            self._http = http

        def __iter__(self) -> Iterator[bytes]:
            try:
                yield from self._chunks
            except Interrupted as stop:
                raise network_error(self._http, stop, mid_stream=True) from None

        async def __aiter__(self) -> AsyncIterator[bytes]:
            for chunk in self:
                yield chunk

        def close(self) -> None:
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()

        async def aclose(self) -> None:
            self.close()

    return StreamedBody
