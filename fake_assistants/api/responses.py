"""Errors as answers: the one place an :class:`~fake_assistants.errors.ApiError` becomes its wire envelope.

:func:`error_response` is the JSON response (status, headers, body) every layer answers an error with: the router,
the stream's opening, the contract check, the control API, server mode, the Azure front door, rate limits and
faults. :func:`error_event` is the ``event: error`` a stream carries instead, once it has begun (the bare error
object of the envelope). The texts themselves live in ``errors.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import jsoncodec
from ..errors import ApiError
from .wire import ApiResponse


def error_response(
    error: ApiError, headers: Mapping[str, str] | None = None, *, request_id: str | None = None
) -> ApiResponse:
    """``error`` as a JSON response: ``headers`` (if any), then the error's own (``x-should-retry``, rate limit
    headers...), the JSON content type and, when given, the request's id."""
    out = {**(headers or {}), **error.headers, "content-type": "application/json"}
    if request_id is not None:
        out["x-request-id"] = request_id
    payload = error.envelope()
    return ApiResponse(error.status, out, jsoncodec.dumps(payload), payload=payload)


def error_event(error: ApiError) -> tuple[str, Any]:
    """``error`` as a stream event: ``event: error`` with the error object of the envelope."""
    return "error", error.envelope()["error"]
