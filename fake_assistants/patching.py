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
  A client the caller passed is set aside: its requests could reach the network.

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


class Patch:
    """The context manager :meth:`FakeAssistants.patch` returns. Reusable, but not while it is active."""

    def __init__(self, fake: Serves, base_url: str, api_key: str) -> None:
        self.fake = fake
        self.base_url = base_url
        self.api_key = api_key
        self._saved: dict[type, Any] = {}

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

    def _wrap(self, original: Callable[..., None], *, asynchronous: bool) -> Callable[..., None]:
        @functools.wraps(original)
        def __init__(client: Any, *args: Any, **kwargs: Any) -> None:
            self._fill_in(kwargs, asynchronous=asynchronous)
            original(client, *args, **kwargs)

        return __init__

    def _fill_in(self, kwargs: dict[str, Any], *, asynchronous: bool) -> None:
        if all(kwargs.get(name) is None for name in _OWN_BASE_URL):
            kwargs["base_url"] = self.base_url
        if all(kwargs.get(name) is None for name in _CREDENTIALS) and not os.environ.get("OPENAI_API_KEY"):
            kwargs["api_key"] = self.api_key
        given = kwargs.get("http_client")
        if given is None or not getattr(given, _MARK, False):  # ours (from an outer or copied client) stays
            kwargs["http_client"] = self.http_client(asynchronous=asynchronous)

    def http_client(self, *, asynchronous: bool) -> Any:
        """A client of the SDK's HTTP library that reaches the emulator and refuses every other host."""
        http = sdk_http_module()
        transport = _guard_class(http)(self.fake.transport(http), self.base_url)
        client = (http.AsyncClient if asynchronous else http.Client)(transport=transport)
        setattr(client, _MARK, True)
        return client


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
