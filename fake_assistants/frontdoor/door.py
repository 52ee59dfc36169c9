"""The front door every transport knocks on: the control API, the Azure paths, rate limits and faults, the request
log, then the API router."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..api.auth import request_key
from ..api.responses import error_response
from ..api.routes import match
from ..api.wire import ApiRequest, ApiResponse, Handles, Interrupted
from ..control.handler import handle_control, is_control
from ..control.inspector.history import Journal
from ..errors import ApiError, azure_resource_not_found
from . import azure
from .faults import FaultSet
from .ratelimits import RateLimits

if TYPE_CHECKING:
    from ..emulator import FakeAssistants


@dataclass(frozen=True)
class LoggedRequest:
    """One API request the emulator served (control requests are not logged).

    ``fault`` names the fault that shaped the answer (``"rate_limit"``, ``"timeout"``, ... or ``"rate_limits"`` for
    the policy of ``fake.rate_limits``); ``status`` is 0 when no answer was sent (a timeout, a dropped connection).
    """

    method: str
    path: str
    status: int
    request_id: str | None
    fault: str | None = None
    key: str | None = field(default=None, repr=False, compare=False)  # who sent it: scopes a tenant's log


class FrontDoor:
    def __init__(self, fake: FakeAssistants, api: Handles) -> None:
        self.fake = fake
        self.api = api
        self.log: list[LoggedRequest] = []
        self.faults = FaultSet(fake.seed, lambda: fake.clock, fake.advance_clock)
        self.limits: RateLimits | None = None
        self.journal = Journal()  # times, operations and bodies, for the inspector

    def handle(self, request: ApiRequest) -> ApiResponse:
        if is_control(request.path):
            return handle_control(self.fake, request)
        method, path = request.method.upper(), request.path
        key = request_key(request) or request.header("api-key")  # Azure clients send their key as api-key
        fault: str | None = None
        try:
            if azure.is_azure(path):
                response, fault = self._serve_azure(request)
            else:
                response, fault = self._serve(request)
        except Interrupted as stop:
            self.log.append(LoggedRequest(method, path, 0, None, fault=stop.kind, key=key))
            raise
        request_id = response.headers.get("x-request-id")
        self.log.append(LoggedRequest(method, path, response.status, request_id, fault=fault, key=key))
        self.journal.record(request, response, self.fake.clock.now(), key)
        return response

    def _serve_azure(self, request: ApiRequest) -> tuple[ApiResponse, str | None]:
        try:
            translated = azure.to_openai(request)
            if match(translated.method.upper(), translated.path[3:].rstrip("/")) is None:
                raise azure_resource_not_found()
        except ApiError as error:
            return error_response(error), None
        response, fault = self._serve(translated)
        return azure.from_openai(response), fault

    def _serve(self, request: ApiRequest) -> tuple[ApiResponse, str | None]:
        limits = self.limits
        if limits is not None:
            found = match(request.method.upper(), request.path[3:].rstrip("/"))
            refused = limits.admit(request, found[0].operation_id if found else None)
            if refused is not None:
                headers = {"x-request-id": self.faults.request_id()}
                return error_response(refused, headers), "rate_limits"
        if self.faults:
            outcome = self.faults.serve(request, self.api.handle)
            response, fault = outcome.response, outcome.fault
        else:
            response, fault = self.api.handle(request), None
        if limits is not None:
            response.headers = {**limits.headers(), **response.headers}
        return response, fault
