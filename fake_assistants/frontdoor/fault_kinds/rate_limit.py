"""``rate_limit``: 429 ``rate_limit_exceeded`` (``type`` ``requests`` or ``tokens``) with ``retry-after-ms``,
``retry-after`` and ``x-ratelimit-*``."""

from __future__ import annotations

from typing import Any

from ...api.responses import error_response
from ...api.wire import ApiRequest, ApiResponse
from ...errors import rate_limit_exceeded
from ..ratelimits import duration, limit_headers, requested_model, retry_headers
from .base import FaultKind, Params, whole

DEFAULT_LIMITS = {"requests": 500, "tokens": 30_000}


class RateLimit(FaultKind):
    name = "rate_limit"
    order = 1
    effect = "answer"

    def params(self, type: Any = "requests", limit: Any = None, retry_after_ms: Any = 1) -> Params:
        if type not in DEFAULT_LIMITS:
            raise ValueError("a rate_limit fault's type is 'requests' or 'tokens'")
        whole("retry_after_ms", retry_after_ms, minimum=0)
        limit = DEFAULT_LIMITS[type] if limit is None else whole("limit", limit, minimum=1)
        return {"type": type, "limit": limit, "retry_after_ms": retry_after_ms}

    def answer(self, params: Params, request: ApiRequest, request_id: str) -> ApiResponse:
        kind, limit, wait_ms = params["type"], params["limit"], params["retry_after_ms"]
        headers = retry_headers(wait_ms)
        for name, default in DEFAULT_LIMITS.items():
            headers |= (
                limit_headers(name, limit, 0, wait_ms) if name == kind else limit_headers(name, default, default, 0)
            )
        error = rate_limit_exceeded(
            kind,
            model=requested_model(request),
            limit=limit,
            used=limit,
            requested=1,
            wait=duration(wait_ms),
            headers=headers,
        )
        return error_response(error, request_id=request_id)


KIND = RateLimit()
