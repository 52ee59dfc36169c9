"""``error``: any status with any body (a JSON value, default an envelope naming the status, or text) and
headers."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ...api.responses import error_response
from ...api.wire import ApiRequest, ApiResponse
from ...errors import fault_status
from .base import FaultKind, Params

_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP token (RFC 9110)
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")  # printable ASCII: no CR, LF or other control character


class Error(FaultKind):
    name = "error"
    order = 4
    effect = "answer"

    def params(self, status: Any, body: Any = None, headers: Mapping[str, str] | None = None) -> Params:
        if not isinstance(status, int) or not 100 <= status <= 599:
            raise ValueError("an error fault's status is 100 to 599")
        if headers is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
            raise ValueError("an error fault's headers map names to string values")
        for name, value in (headers or {}).items():
            if not _HEADER_NAME.fullmatch(name) or not _HEADER_VALUE.fullmatch(value):
                raise ValueError(f"an error fault's header {name!r}: a name is a token, a value has no line break")
        return {"status": status, "body": body, "headers": dict(headers or {})}

    def answer(self, params: Params, request: ApiRequest, request_id: str) -> ApiResponse:
        body = params["body"]
        if body is None:  # the status in the usual envelope, with the fault's headers (which may override any)
            answer = error_response(fault_status(params["status"]))
            answer.headers = {**answer.headers, **params["headers"], "x-request-id": request_id}
            return answer
        headers = {"content-type": "application/json", **params["headers"]}
        content = body.encode() if isinstance(body, str) else body if isinstance(body, bytes) else None
        if content is None:
            content = json.dumps(body).encode()
        return ApiResponse(params["status"], {**headers, "x-request-id": request_id}, content)


KIND = Error()
