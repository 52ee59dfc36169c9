"""What the control plane may ask of the emulator it controls, and what it is handed besides.

:class:`ControlHost` is a typed protocol of public methods of :class:`~fake_assistants.FakeAssistants` (the same
ones a test calls in Python), so the control API and the inspector never read the emulator's private attributes.
:class:`ControlParts` holds the collaborators the emulator injects: who may call (``access``, ``auth``), the
inspector's request history, and the current state (behind a function: a reset replaces it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ..api.auth import Auth
from ..backend.state import Backend
from ..frontdoor.door import LoggedRequest
from ..frontdoor.faults import FaultSet
from ..frontdoor.ratelimits import RateLimits
from ..script import Script
from .access import ControlAccess
from .inspector.history import RequestHistory


class ControlHost(Protocol):
    """The public face of an emulator the control API drives: each route calls one of these."""

    @property
    def seed(self) -> int: ...

    @property
    def script(self) -> Script: ...

    @property
    def faults(self) -> FaultSet: ...

    @property
    def request_log(self) -> tuple[LoggedRequest, ...]: ...

    def reset(self, *, seed: int | None = None) -> None: ...

    def advance(self, object_id: str) -> str: ...

    def advance_clock(self, seconds: int) -> int: ...

    def rate_limits(
        self, *, requests_per_minute: int | None = None, tokens_per_minute: int | None = None
    ) -> RateLimits | None: ...

    def snapshot(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ControlParts:
    """The collaborators the control plane is given (by ``emulator.py``), beside its :class:`ControlHost`."""

    access: ControlAccess  # the control token and the extra host names
    auth: Auth  # the API's keys and isolation: the control API's credential when it has no token of its own
    history: RequestHistory  # what the inspector shows of each request
    state: Callable[[], Backend]  # the state now (read under its lock): ownership, the inspector's objects

    def visible(self, key: str, object_id: str) -> bool:
        """Whether the tenant ``key`` may see ``object_id`` (as the API answers it)."""
        return self.state().ownership.visible(key, object_id)
