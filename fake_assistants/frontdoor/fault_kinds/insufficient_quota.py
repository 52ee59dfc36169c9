"""``insufficient_quota``: 429 ``insufficient_quota`` (the SDK retries it like any 429; waiting never helps)."""

from __future__ import annotations

from ...api.responses import error_response
from ...api.wire import ApiRequest, ApiResponse
from ...errors import insufficient_quota
from .base import FaultKind, Params


class InsufficientQuota(FaultKind):
    name = "insufficient_quota"
    order = 2
    effect = "answer"

    def params(self) -> Params:
        return {}

    def answer(self, params: Params, request: ApiRequest, request_id: str) -> ApiResponse:
        return error_response(insufficient_quota(), request_id=request_id)


KIND = InsufficientQuota()
