"""Patch mode: every ``openai.OpenAI()`` / ``openai.AsyncOpenAI()`` built inside ``with fake.patch():`` talks to
the emulator in-process, and nothing else.

Only the public constructors are wrapped (``OpenAI.__init__`` and ``AsyncOpenAI.__init__``, which subclasses such
as ``AzureOpenAI`` go through too); no SDK internals are touched. The wrapper fills in what the caller left out:

- ``base_url``: the emulator's in-process URL, unless the caller passed one (or ``provider``/``data_residency``);
  ``$OPENAI_BASE_URL`` is ignored inside the block.
- ``api_key``: :data:`~fake_assistants.emulator.DEFAULT_API_KEY` when neither the call nor ``$OPENAI_API_KEY``
  gives one (nor another credential).
- ``http_client``: always a client of the SDK's HTTP library (``httpx2`` for openai 3.x, ``httpx`` for 2.x) whose
  transport serves the emulator and refuses every other host with :class:`OutsideRequestError`, naming the URL.
  A client the caller passed is set aside: its requests could reach the network. (A client passed together with a
  ``base_url``, as ``client.with_options(...)`` copies a client built before the block, stays: see below.)

Clients built before the block (``client = openai.OpenAI()`` at the top of a module under test, or a copy of one)
are reached one layer down, in the SDK's HTTP library: while a patch is active, ``Client.send`` and
``AsyncClient.send`` of ``httpx2`` / ``httpx`` hand every request the openai SDK sends (it names itself in its
``X-Stainless-Lang`` and ``User-Agent`` headers) to the emulator in-process, whatever the client's base URL, so
its path (``/v1/threads``, or an Azure ``/openai/...`` path) is served as sent. Requests of other libraries, and of
clients whose transport is already the emulator's (or a mock), pass on untouched. Should an SDK request still reach
the library's network transport (a client that overrides ``send``), it fails with :class:`UnreachableClientError`,
naming the client, before any connection is made.

The patch is process-wide (every thread sees it) and is undone when the block ends, however it ends. Blocks may
nest (the innermost emulator wins); they must end in the reverse order they began.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from functools import cache
from types import ModuleType, TracebackType
from typing import Any, Protocol
from urllib.parse import urlsplit

import openai

from .transports.inprocess import sdk_http_module

_MARK = "_fake_assistants_patch"  # set on the HTTP clients the patch makes
_CREDENTIALS = ("api_key", "admin_api_key", "workload_identity", "provider")
_OWN_BASE_URL = ("base_url", "provider", "data_residency")
_lock = threading.Lock()
_active: list[Patch] = []


class OutsideRequestError(openai.OpenAIError):
    """A request inside ``fake.patch()`` to a host other than the emulator's. It is never sent.

    It derives from ``openai.OpenAIError`` so that both SDK generations raise it at once, without retrying it or
    hiding it in an ``APIConnectionError``.
    """

    def __init__(self, url: str, allowed: str) -> None:
        super().__init__(
            f"fake_assistants patch mode refused a request to {url}: inside fake.patch() an OpenAI client may only "
            f"reach the emulator ({allowed}). Build the client without base_url (or with base_url={allowed!r})."
        )
        self.url = url


class Serves(Protocol):
    """What patch mode needs of the emulator it wires clients to: a transport for an HTTP library."""

    def transport(self, http: ModuleType | None = None) -> Any: ...


class UnreachableClientError(openai.OpenAIError):
    """An openai client's request that patch mode could not hand to the emulator. It is never sent."""

    def __init__(self, user_agent: str, url: str, library: str) -> None:
        super().__init__(
            f"fake_assistants patch mode could not reach the openai client ({user_agent}) sending {url}: its HTTP "
            f"client does not go through {library}'s Client.send, so the request was stopped before the network. Build "
            "it inside fake.patch(), or give it an HTTP client with transport=fake.transport()."
        )
        self.url = url


def _sent_by_the_sdk(request: Any) -> bool:
    """Whether ``request`` comes from an ``openai`` client (the SDK names itself in two headers)."""
    headers = request.headers
    return "x-stainless-lang" in headers and "OpenAI/" in headers.get("user-agent", "")


class Patch:
    """The context manager :meth:`FakeAssistants.patch` returns. Reusable, but not while it is active."""

    def __init__(self, fake: Serves, base_url: str, api_key: str) -> None:
        self.fake = fake
        self.base_url = base_url
        self.api_key = api_key
        self._saved: dict[type, Any] = {}
        self._routes: dict[bool, Any] = {}  # the HTTP clients that serve clients built before the block

    @property
    def active(self) -> bool:
        return self in _active

    def __enter__(self) -> Patch:
        with _lock:
            if self.active:
                raise RuntimeError("this fake.patch() is already active; nest a new fake.patch() instead")
            for client_class, asynchronous in ((openai.OpenAI, False), (openai.AsyncOpenAI, True)):
                original = client_class.__dict__["__init__"]
                self._saved[client_class] = original
                client_class.__init__ = self._wrap(original, asynchronous=asynchronous)  # type: ignore[method-assign]
            if not _active:
                _library_hooks.install(sdk_http_module())
            _active.append(self)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with _lock:
            if not _active or _active[-1] is not self:
                raise RuntimeError("fake.patch() blocks must end in the reverse order they began")
            _active.pop()
            for client_class, original in self._saved.items():
                client_class.__init__ = original  # type: ignore[misc]
            self._saved.clear()
            if not _active:
                _library_hooks.remove()
            self._routes.clear()

    def _wrap(self, original: Callable[..., None], *, asynchronous: bool) -> Callable[..., None]:
        @functools.wraps(original)
        def __init__(client: Any, *args: Any, **kwargs: Any) -> None:
            self._fill_in(kwargs, asynchronous=asynchronous)
            original(client, *args, **kwargs)

        return __init__

    def _fill_in(self, kwargs: dict[str, Any], *, asynchronous: bool) -> None:
        given = kwargs.get("http_client")
        if given is not None and not getattr(given, _MARK, False) and kwargs.get("base_url") is not None:
            return  # a copy of a client built before the block (``with_options``): the library hooks serve it
        if all(kwargs.get(name) is None for name in _OWN_BASE_URL):
            kwargs["base_url"] = self.base_url
        if all(kwargs.get(name) is None for name in _CREDENTIALS) and not os.environ.get("OPENAI_API_KEY"):
            kwargs["api_key"] = self.api_key
        if given is None or not getattr(given, _MARK, False):  # ours (from an outer or copied client) stays
            kwargs["http_client"] = self.http_client(asynchronous=asynchronous)

    def http_client(self, *, asynchronous: bool) -> Any:
        """A client of the SDK's HTTP library that reaches the emulator and refuses every other host."""
        http = sdk_http_module()
        transport = _guard_class(http)(self.fake.transport(http), self.base_url)
        client = (http.AsyncClient if asynchronous else http.Client)(transport=transport)
        setattr(client, _MARK, True)
        return client


    def route(self, *, asynchronous: bool) -> Any:
        """The HTTP client that serves the requests of openai clients built before the block (any base URL)."""
        with _lock:
            client = self._routes.get(asynchronous)
            if client is None:
                http = sdk_http_module()
                client = (http.AsyncClient if asynchronous else http.Client)(transport=self.fake.transport(http))
                setattr(client, _MARK, True)
                self._routes[asynchronous] = client
            return client


class _LibraryHooks:
    """``send`` of the HTTP library's clients and ``handle_request`` of its network transports, wrapped while any
    patch is active: the library's own public methods, never the SDK's."""

    def __init__(self) -> None:
        self._saved: list[tuple[type, str, Any]] = []

    def install(self, http: ModuleType) -> None:
        self._hook(http.Client, "send", _send_hook)
        self._hook(http.AsyncClient, "send", _async_send_hook)
        self._hook(http.HTTPTransport, "handle_request", _transport_hook)
        self._hook(http.AsyncHTTPTransport, "handle_async_request", _async_transport_hook)

    def _hook(self, owner: type, name: str, make: Callable[[Any], Any]) -> None:
        original = owner.__dict__[name]
        self._saved.append((owner, name, original))
        setattr(owner, name, functools.wraps(original)(make(original)))

    def remove(self) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved.clear()


_library_hooks = _LibraryHooks()


def _served_elsewhere(client: Any) -> bool:
    """A client that is ours, or whose transport is the emulator's or a mock: its requests pass on untouched."""
    http = sdk_http_module()
    transport = getattr(client, "_transport", None)
    return getattr(client, _MARK, False) or isinstance(transport, (http.MockTransport, _guard_class(http)))


def _send_hook(original: Callable[..., Any]) -> Callable[..., Any]:
    def send(client: Any, request: Any, **kwargs: Any) -> Any:
        if _active and _sent_by_the_sdk(request) and not _served_elsewhere(client):
            return _active[-1].route(asynchronous=False).send(request, **kwargs)
        return original(client, request, **kwargs)

    return send


def _async_send_hook(original: Callable[..., Any]) -> Callable[..., Any]:
    async def send(client: Any, request: Any, **kwargs: Any) -> Any:
        if _active and _sent_by_the_sdk(request) and not _served_elsewhere(client):
            return await _active[-1].route(asynchronous=True).send(request, **kwargs)
        return await original(client, request, **kwargs)

    return send


def _refuse_escaping(request: Any) -> None:
    if _active and _sent_by_the_sdk(request):
        library = sdk_http_module().__name__
        raise UnreachableClientError(request.headers.get("user-agent", "openai"), str(request.url), library)


def _transport_hook(original: Callable[..., Any]) -> Callable[..., Any]:
    def handle_request(transport: Any, request: Any) -> Any:
        _refuse_escaping(request)
        return original(transport, request)

    return handle_request


def _async_transport_hook(original: Callable[..., Any]) -> Callable[..., Any]:
    async def handle_async_request(transport: Any, request: Any) -> Any:
        _refuse_escaping(request)
        return await original(transport, request)

    return handle_async_request


@cache
def _guard_class(http: ModuleType) -> type:
    """A transport of ``http`` that passes requests for the emulator's origin on, and refuses all others."""

    class EmulatorOnlyTransport(http.BaseTransport, http.AsyncBaseTransport):  # type: ignore[misc,name-defined]
        def __init__(self, inner: Any, base_url: str) -> None:
            self._inner = inner
            self._base_url = base_url
            allowed = urlsplit(base_url)
            self._origin = (allowed.scheme, allowed.hostname, allowed.port)

        def _check(self, request: Any) -> None:
            url = request.url
            if (url.scheme, url.host, url.port) != self._origin:
                raise OutsideRequestError(str(url), self._base_url)

        def handle_request(self, request: Any) -> Any:
            self._check(request)
            return self._inner.handle_request(request)

        async def handle_async_request(self, request: Any) -> Any:
            self._check(request)
            return await self._inner.handle_async_request(request)

        def close(self) -> None:
            self._inner.close()

        async def aclose(self) -> None:
            await self._inner.aclose()

    return EmulatorOnlyTransport
