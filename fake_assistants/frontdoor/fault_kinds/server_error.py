"""``server_error``: a 5xx ``server_error`` (503: the overloaded text); ``should_retry`` sends ``x-should-retry``."""

from __future__ import annotations

from typing import Any

from ...api.responses import error_response
from ...api.wire import ApiRequest, ApiResponse
from ...errors import server_error
from .base import FaultKind, Params


class ServerError(FaultKind):
    name = "server_error"
    order = 3
    effect = "answer"

    def params(self, status: Any = 500, should_retry: Any = None) -> Params:
        if not isinstance(status, int) or not 500 <= status <= 599:
            raise ValueError("a server_error fault's status is 500 to 599")
        if should_retry is not None and not isinstance(should_retry, bool):
            raise ValueError("should_retry is true, false or null")
        return {"status": status, "should_retry": should_retry}

    def answer(self, params: Params, request: ApiRequest, request_id: str) -> ApiResponse:
        error = server_error(params["status"], should_retry=params["should_retry"])
        return error_response(error, request_id=request_id)


KIND = ServerError()
