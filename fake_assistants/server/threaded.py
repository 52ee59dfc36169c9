"""``ThreadedServer``: the emulator over HTTP, served by uvicorn from a background thread of this process."""

from __future__ import annotations

import contextlib
import errno
import socket
import threading
import time
from types import TracebackType

import uvicorn

from ..api.wire import Handles
from .app import EmulatorApp
from .limits import BODY_TIMEOUT, HEADER_TIMEOUT, KEEP_ALIVE_TIMEOUT, MAX_CONNECTIONS, protocol_class

STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0


class ThreadedServer:
    """Serves ``handler`` on ``http://HOST:PORT/v1`` from a daemon thread; a context manager giving the URL.

    ``port=0`` (the default) lets the system pick a free port; the URL names the port actually bound. The
    server shares ``handler`` (the emulator) with the rest of the process, so ``fake.script`` and the other test
    controls apply to it. Leaving the ``with`` block (or :meth:`stop`) stops it and waits for the thread.

    Args:
        log_level: uvicorn's log level. ``log_config`` (uvicorn's logging dict) is ``None`` by default, which
            leaves the process's logging configuration alone.
        access_log: log every request (uvicorn's access log).
        header_timeout: seconds a client has to send a request's head; then its connection is closed.
        keep_alive: seconds an idle connection stays open between requests.
        max_connections: connections (and requests) served at once; past it, a 503.
        body_timeout: seconds a client has to send a request's body, once its head is in; then a 408.
    """

    def __init__(
        self,
        handler: Handles,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log_level: str = "warning",
        access_log: bool = False,
        log_config: dict[str, object] | None = None,
        header_timeout: float = HEADER_TIMEOUT,
        keep_alive: int = KEEP_ALIVE_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
        body_timeout: float = BODY_TIMEOUT,
    ) -> None:
        config = uvicorn.Config(
            EmulatorApp(handler, body_timeout=body_timeout),
            host=host,
            port=port,
            http=protocol_class(header_timeout),
            timeout_keep_alive=keep_alive,
            limit_concurrency=max_connections,
            lifespan="off",
            log_level=log_level,
            access_log=access_log,
            log_config=log_config,
            timeout_graceful_shutdown=5,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        """The base URL to give a client: ``http://HOST:PORT/v1``."""
        if self._url is None:
            raise RuntimeError("the server is not running: call start() or use it as a context manager")
        return self._url

    @property
    def inspector_url(self) -> str:
        """The inspector page of this server: ``http://HOST:PORT/__fake__/ui/`` (see ``docs/inspector.md``)."""
        return self.url.removesuffix("/v1") + "/__fake__/ui/"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> str:
        """Start serving, wait until the socket is bound, and return the base URL."""
        if self._thread is not None:
            raise RuntimeError("this server was already started; make a new one")
        thread = threading.Thread(target=self._run, name="fake-assistants-server", daemon=True)
        self._thread = thread
        thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._server.started:
            if not thread.is_alive():
                config = self._server.config
                raise RuntimeError(
                    f"could not serve on {config.host}:{config.port}: {bind_problem(config.host, config.port)}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"fake-assistants did not start within {STARTUP_TIMEOUT:.0f} s")
            time.sleep(0.005)
        host, port = self._server.servers[0].sockets[0].getsockname()[:2]
        self._url = f"http://{_url_host(host)}:{port}/v1"
        return self._url

    def _run(self) -> None:
        with contextlib.suppress(SystemExit):  # uvicorn exits when it cannot bind; start() reports it
            self._server.run()

    def stop(self) -> None:
        """Stop serving (open keep-alive connections are closed) and wait for the server's thread."""
        thread = self._thread
        if thread is None:
            return
        self._server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT)
        if thread.is_alive():  # a client holds a stream open: stop waiting for it
            self._server.force_exit = True
            thread.join(SHUTDOWN_TIMEOUT)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the server's thread to end; ``True`` if it has."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self._url if self.running else "stopped"
        return f"ThreadedServer({state})"


def bind_problem(host: str, port: int) -> str:
    """Why a server cannot listen on ``host:port``, found by trying: the name does not resolve, or the address
    refuses the bind (in use, not this machine's, a port that needs privileges)."""
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        return f"the host name {host!r} does not resolve ({error.strerror})"
    family, kind, proto, _, address = addresses[0]
    try:
        with socket.socket(family, kind, proto) as probe:
            probe.bind(address)
    except OSError as error:
        reason = error.strerror or str(error)
        return f"{reason} (is another server on port {port}?)" if error.errno == errno.EADDRINUSE else reason
    return "the server stopped while starting (see the log above)"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
