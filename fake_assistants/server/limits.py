"""The server's limits against slow or greedy clients: how long a client may take to send a request's headers, how
long an idle keep-alive connection stays open, and how many connections (and requests) are served at once.

uvicorn bounds the idle time between requests (``timeout_keep_alive``) and the connections served at once
(``limit_concurrency``: past it, a 503), but not the time a client takes to send its headers: a client that sends a
few bytes and then nothing would hold its connection forever. :class:`HeaderTimeoutProtocol` closes such a
connection once ``HEADER_TIMEOUT`` seconds pass without a complete request head. It is laid over uvicorn's fastest
HTTP protocol at hand: httptools' parser when installed (the ``fast`` extra), h11's otherwise; both keep the
request in flight as ``cycle``. A request's body is bounded in time by the app (see ``server.app``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Fastest
except ImportError:  # pragma: no cover - httptools is in the fast extra
    _Fastest = H11Protocol  # type: ignore[misc,assignment]

HEADER_TIMEOUT = 10.0  # seconds for a request's head, from the connection (or the previous response) on
BODY_TIMEOUT = 30.0  # seconds for a request's body, once its head is in
STALL_TIMEOUT = 30.0  # seconds a streamed answer waits on a client that stops reading: then the run plays on alone
KEEP_ALIVE_TIMEOUT = 5  # seconds an idle connection stays open between requests
MAX_CONNECTIONS = 100  # connections (and requests) served at once; past it, a 503
MAX_BODY_BYTES = 513 * 1024 * 1024  # the largest upload (512 MB) and its multipart framing; past it, a 413
LONG_BODY_BYTES = 256 * 1024  # a body past this is served in a worker thread, read before the emulator's lock


class HeaderTimeoutProtocol(_Fastest):
    """uvicorn's HTTP protocol, closing a connection whose request head does not arrive in time."""

    header_timeout = HEADER_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_head():
            self._arm()  # some bytes of a new request: its head must be complete in time
        super().data_received(data)
        if not self._awaiting_head():
            self._disarm()

    def _awaiting_head(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._awaiting_head() and not self.transport.is_closing():
            self.transport.close()


def protocol_class(header_timeout: float) -> type[HeaderTimeoutProtocol]:
    """The protocol class uvicorn builds each connection from, with this header timeout."""
    return type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": header_timeout})
