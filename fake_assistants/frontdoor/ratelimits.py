"""Rate limits as a policy: requests and tokens per minute, counted on the emulator's clock.

``fake.rate_limits(requests_per_minute=3)`` makes the front door count every API request (control requests are not
counted) in fixed one-minute windows: a window opens at the first request after the last one closed, and closes 60
seconds later on the emulator's clock. A request over a limit is the real 429 ``rate_limit_exceeded`` (``type``
``requests`` or ``tokens``) with ``retry-after-ms`` and ``retry-after`` saying how long until the window closes; it
never reaches the API, so it changes no state, and it is not counted. Every response carries the real
``x-ratelimit-limit-*``, ``x-ratelimit-remaining-*`` and ``x-ratelimit-reset-*`` headers of each limit that is set.

Tokens are counted for the requests that start a model turn (create run, create thread and run, submit tool
outputs): the tokens of the request body, by the rule of :mod:`fake_assistants.tokens`.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

from ..api.wire import ApiRequest
from ..clock import Clock
from ..errors import ApiError, rate_limit_exceeded
from ..tokens import count_tokens

WINDOW_SECONDS = 60
MODEL_TURN_OPERATIONS = frozenset({"createRun", "createThreadAndRun", "submitToolOuputsToRun"})
DEFAULT_MODEL = "gpt-4o"


def duration(ms: int) -> str:
    """A wait as the real ``x-ratelimit-reset-*`` headers spell it: ``20ms``, ``1s``, ``8.64s``, ``6m0s``."""
    if ms < 1000:
        return f"{max(ms, 0)}ms"
    minutes, rest = divmod(ms, 60_000)
    seconds = f"{rest / 1000:.3f}".rstrip("0").rstrip(".") + "s"
    return f"{minutes}m{seconds}" if minutes else seconds


def retry_headers(wait_ms: int) -> dict[str, str]:
    """``retry-after-ms`` and ``retry-after`` (whole seconds, rounded up) for a wait of ``wait_ms``."""
    return {"retry-after-ms": str(wait_ms), "retry-after": str(max(1, math.ceil(wait_ms / 1000)))}


def limit_headers(kind: str, limit: int, remaining: int, reset_ms: int) -> dict[str, str]:
    """The three ``x-ratelimit-*`` headers of one limit (``kind``: ``requests`` or ``tokens``)."""
    return {
        f"x-ratelimit-limit-{kind}": str(limit),
        f"x-ratelimit-remaining-{kind}": str(max(remaining, 0)),
        f"x-ratelimit-reset-{kind}": duration(reset_ms),
    }


def requested_model(request: ApiRequest) -> str:
    """The ``model`` a request's JSON body names (as the real 429 message does), else ``gpt-4o``."""
    if b'"model"' not in request.body:
        return DEFAULT_MODEL
    body = request.document  # the one parse of the body on the whole path
    model = body.get("model") if isinstance(body, dict) else None
    return model if isinstance(model, str) and model else DEFAULT_MODEL


def request_tokens(request: ApiRequest, operation: str | None) -> int:
    if operation not in MODEL_TURN_OPERATIONS:
        return 0
    return count_tokens(request.body.decode("utf-8", errors="replace"))


@dataclass
class _Window:
    start: int
    requests: int = 0
    tokens: int = 0


class RateLimits:
    """The policy ``fake.rate_limits(...)`` sets. ``None`` for a limit: that limit is not enforced nor announced."""

    def __init__(
        self,
        clock: Callable[[], Clock],
        *,
        requests_per_minute: int | None = None,
        tokens_per_minute: int | None = None,
    ) -> None:
        for name, value in (("requests_per_minute", requests_per_minute), ("tokens_per_minute", tokens_per_minute)):
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                raise ValueError(f"{name} is a whole number, 1 or more (or None: no limit)")
        self.requests_per_minute = requests_per_minute
        self.tokens_per_minute = tokens_per_minute
        self._clock = clock
        self._window: _Window | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RateLimits(requests_per_minute={self.requests_per_minute}, tokens_per_minute={self.tokens_per_minute})"

    def reset(self) -> None:
        """Forget the current window (``fake.reset()``)."""
        with self._lock:
            self._window = None

    def admit(self, request: ApiRequest, operation: str | None) -> ApiError | None:
        """Count ``request``, or the 429 it gets when it would go over a limit (then it is not counted)."""
        tokens = request_tokens(request, operation) if self.tokens_per_minute is not None else 0
        with self._lock:
            now = self._clock().now()
            window = self._window
            if window is None or now >= window.start + WINDOW_SECONDS:
                window = self._window = _Window(now)
            wait_ms = (window.start + WINDOW_SECONDS - now) * 1000
            rpm, tpm = self.requests_per_minute, self.tokens_per_minute
            if rpm is not None and window.requests + 1 > rpm:
                kind, limit, used, requested = "requests", rpm, window.requests, 1
            elif tpm is not None and window.tokens + tokens > tpm:
                kind, limit, used, requested = "tokens", tpm, window.tokens, tokens
            else:
                window.requests += 1
                window.tokens += tokens
                return None
            headers = {**retry_headers(wait_ms), **self._headers(window, now)}
        model = requested_model(request)
        return rate_limit_exceeded(
            kind, model=model, limit=limit, used=used, requested=requested, wait=duration(wait_ms), headers=headers
        )

    def headers(self) -> dict[str, str]:
        """The ``x-ratelimit-*`` headers as they stand now."""
        with self._lock:
            now = self._clock().now()
            window = self._window
            if window is not None and now >= window.start + WINDOW_SECONDS:
                window = None
            return self._headers(window, now)

    def _headers(self, window: _Window | None, now: int) -> dict[str, str]:
        used_requests = window.requests if window else 0
        used_tokens = window.tokens if window else 0
        reset_ms = (window.start + WINDOW_SECONDS - now) * 1000 if window else 0
        headers: dict[str, str] = {}
        if self.requests_per_minute is not None:
            limit = self.requests_per_minute
            headers |= limit_headers("requests", limit, limit - used_requests, reset_ms if used_requests else 0)
        if self.tokens_per_minute is not None:
            limit = self.tokens_per_minute
            headers |= limit_headers("tokens", limit, limit - used_tokens, reset_ms if used_tokens else 0)
        return headers
